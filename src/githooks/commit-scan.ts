/**
 * Which commits delete or move away protected paths, or change them: the check behind the
 * server-side pre-receive hook and `guard verify` (where pre-commit may have been skipped with
 * --no-verify). One `git diff-tree --stdin` for all commits; each commit is compared with its
 * first parent (a root commit with the empty tree). Merges are not scanned: what they bring in
 * was scanned in the commits that made it (docs/hooks.md).
 */
import type { Repo } from '../git/repo.js';
import { runGit, splitNul } from '../git/run.js';
import { protectingPathGlob, type MatchPolicy } from '../policy/match.js';
import { parseNameStatus } from './staged-changes.js';

export interface PathFinding {
  commit: string;
  kind: 'deleted' | 'moved-out' | 'changed';
  path: string;
  /** New path of a rename. */
  to?: string;
  glob: string;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Parses `diff-tree --stdin -z --name-status` output into per-commit records (pure). */
export function parseDiffTreeStdin(records: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current: string[] | null = null;
  for (let i = 0; i < records.length; ) {
    const record = records[i]!;
    if (OID.test(record)) {
      current = [];
      out.set(record, current);
      i++;
      continue;
    }
    const width = /^[RC]/.test(record) ? 3 : 2;
    current?.push(...records.slice(i, i + width));
    i += width;
  }
  return out;
}

export async function scanCommits(repo: Repo, commits: string[], policy: MatchPolicy): Promise<PathFinding[]> {
  if (commits.length === 0) return [];
  const { stdout } = await runGit(
    [
      'diff-tree',
      '--stdin', // commits on stdin, one process for all of them
      '-r',
      '-z',
      '--name-status',
      '--find-renames',
      '--root', // a root commit is compared with the empty tree
      '--no-ext-diff',
    ],
    { cwd: repo.root, input: `${commits.join('\n')}\n` },
  );
  const findings: PathFinding[] = [];
  for (const [commit, records] of parseDiffTreeStdin(splitNul(stdout))) {
    for (const change of parseNameStatus(records)) {
      const fromGlob = protectingPathGlob(policy, change.from);
      const toGlob = protectingPathGlob(policy, change.to);
      if (change.status === 'D' && fromGlob) findings.push({ commit, kind: 'deleted', path: change.from, glob: fromGlob });
      else if (change.status === 'R' && fromGlob && !toGlob) findings.push({ commit, kind: 'moved-out', path: change.from, to: change.to, glob: fromGlob });
      else if (toGlob || fromGlob) findings.push({ commit, kind: 'changed', path: change.to, glob: (toGlob ?? fromGlob)! });
    }
  }
  return findings;
}

/** Commits reachable from `tips` and from none of `exclude` (`--not --all` when omitted), no merges. */
export async function newCommits(repo: Repo, tips: string[], exclude?: string[]): Promise<string[]> {
  if (tips.length === 0) return [];
  const args = ['rev-list', '--no-merges', ...tips, '--not', ...(exclude ?? ['--all'])];
  const { stdout } = await runGit(args, { cwd: repo.root });
  return stdout.toString('utf8').split('\n').filter(Boolean);
}
