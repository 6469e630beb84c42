/**
 * What a commit would change: the staged index (honouring GIT_INDEX_FILE, which git sets for
 * `commit -a` and `commit <paths>`) against HEAD, with renames detected so a move can be told
 * from an unrelated deletion.
 */
import { emptyTree } from '../git/objects.js';
import { resolveRev } from '../git/revs.js';
import type { Repo } from '../git/repo.js';
import { runGit, runGitSync } from '../git/run.js';
import { gitPathsOf, type GitPath } from '../git/path.js';

export interface StagedChange<P extends string = GitPath> {
  /** A added, C copied, D deleted, M modified, R renamed, T type changed, U unmerged. */
  status: string;
  /** The path before (renames and copies) or the path itself, byte-exact. */
  from: P;
  /** The path after (renames and copies) or the path itself, byte-exact. */
  to: P;
}

/** Parses `git diff-index -z --name-status` output (pure); the paths keep the records' type. */
export function parseNameStatus<P extends string>(records: P[]): Array<StagedChange<P>> {
  const out: Array<StagedChange<P>> = [];
  for (let i = 0; i < records.length; ) {
    const status = records[i++]!.charAt(0);
    if (status === 'R' || status === 'C') {
      const from = records[i++]!;
      const to = records[i++]!;
      out.push({ status, from, to });
    } else {
      const path = records[i++]!;
      out.push({ status, from: path, to: path });
    }
  }
  return out;
}

export async function stagedChanges(repo: Repo, base?: string): Promise<StagedChange[]> {
  const against = base ?? (await resolveRev(repo, 'HEAD')) ?? (await emptyTree(repo));
  const { stdout } = await runGit(
    [
      'diff-index',
      '--cached', // index against the tree; the working tree is not looked at
      '-z', // NUL-separated, names byte-exact
      '--name-status',
      '--find-renames', // a move out of a protected location shows as one rename
      '--no-ext-diff',
      against,
      '--',
    ],
    { cwd: repo.root },
  );
  // Bytes, not UTF-8 text: a name that is not valid UTF-8 must still name its file.
  return parseNameStatus(gitPathsOf(stdout));
}

/**
 * What a `git commit` would change, asked before it starts (the agent hooks; planned-refs.ts),
 * synchronously. `cached`: the index against HEAD (a plain commit, as stagedChanges); otherwise
 * the working tree of the tracked files against HEAD (`commit -a`, `commit <pathspec>`). Limited
 * to `pathspecs`, read from `cwd`; the names come from the top whatever diff.relative says. One
 * git process; on an unborn HEAD one more (`ls-files`: every entry is then an addition).
 */
export function commitChangesSync(repo: Repo, options: { cached: boolean; pathspecs: string[]; cwd?: string }): StagedChange[] {
  const cwd = options.cwd ?? repo.root;
  const result = runGitSync(
    ['diff-index', ...(options.cached ? ['--cached'] : []), '-z', '--name-status', '--find-renames', '--no-ext-diff', '--no-relative', 'HEAD', '--', ...options.pathspecs],
    { cwd, okCodes: [128] },
  );
  if (result.code === 0) return parseNameStatus(gitPathsOf(result.stdout));
  // No HEAD yet (or no such pathspec): what the index holds is all added.
  const listed = runGitSync(['ls-files', '-z', '--cached', '--full-name', '--', ...options.pathspecs], { cwd, okCodes: [128] });
  return gitPathsOf(listed.stdout).map((p) => ({ status: 'A', from: p, to: p }));
}
