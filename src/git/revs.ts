/**
 * Revisions: what a revision names, and whether one commit is an ancestor of another. Each
 * question has one git command and one reading of its answer, asked asynchronously (the hooks
 * that git runs) or synchronously (the agent hook's path, where the first asynchronous spawn
 * costs more than git itself: see runGitSync).
 */
import type { Repo } from './repo.js';
import { runGit, runGitSync, type GitResult } from './run.js';
import { escapedBytes, holdsEscapedBytes } from '../util/escaped-text.js';

/** Exit codes of rev-parse --verify and merge-base --is-ancestor that answer "no" (or "unknown"). */
const NO = [1, 128];

function resolveArgs(rev: string): string[] {
  return ['rev-parse', '-q', '--verify', '--end-of-options', rev];
}

function resolved(result: GitResult): string | null {
  return result.code === 0 ? result.stdout.toString('utf8').trim() : null;
}

/** Resolves a rev to an oid, or null when it does not exist. */
export async function resolveRev(repo: Repo, rev: string): Promise<string | null> {
  return resolved(await runGit(resolveArgs(rev), { cwd: repo.root, okCodes: NO }));
}

/**
 * `rev` is text, or escaped text (escaped-text.ts) where it names a ref whose name is not UTF-8
 * (`refs/heads/caf\udce9` for the bytes `caf\xe9`): such a name cannot go on git's command line
 * (Node sends argv as UTF-8), so its bytes go to cat-file on stdin instead (resolveRevsSync).
 */
export function resolveRevSync(repo: Repo, rev: string): string | null {
  if (holdsEscapedBytes(rev) && !/[\n\r\0]/.test(rev)) return resolveRevsSync(repo, [rev])[0] ?? null;
  return resolved(runGitSync(resolveArgs(rev), { cwd: repo.root, okCodes: NO }));
}


/**
 * The object names of several revisions (as `rev-parse --verify` resolves them; null: none) from
 * one `git cat-file --batch-check`, which reads each line as a revision, never as an option.
 */
export function resolveRevsSync(repo: Repo, revs: string[]): Array<string | null> {
  // A revision with a line break cannot be one batch line: one rev-parse each instead.
  if (revs.some((rev) => /[\n\r\0]/.test(rev) || rev === '')) return revs.map((rev) => resolveRevSync(repo, rev));
  // As bytes: a revision in escaped text (a ref name that is not UTF-8) reaches git as the name it is.
  const result = runGitSync(['cat-file', '--batch-check=%(objectname)'], { cwd: repo.root, input: escapedBytes(`${revs.join('\n')}\n`), okCodes: [128] });
  const lines = result.code === 0 ? result.stdout.toString('utf8').split('\n') : [];
  // Each answer is the object name, or `<rev> missing` / `<rev> ambiguous`.
  return revs.map((_, i) => {
    const line = lines[i] ?? '';
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(line) ? line : null;
  });
}

function ancestorArgs(ancestor: string, descendant: string): string[] {
  return ['merge-base', '--is-ancestor', ancestor, descendant];
}

/** true when `ancestor` is an ancestor of (or equal to) `descendant`; false also when either is unknown. */
export async function isAncestor(repo: Repo, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  return (await runGit(ancestorArgs(ancestor, descendant), { cwd: repo.root, okCodes: NO })).code === 0;
}

export function isAncestorSync(repo: Repo, ancestor: string, descendant: string): boolean {
  if (ancestor === descendant) return true;
  return runGitSync(ancestorArgs(ancestor, descendant), { cwd: repo.root, okCodes: NO }).code === 0;
}
