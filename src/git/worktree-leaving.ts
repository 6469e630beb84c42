/**
 * The commits that go unreachable when linked worktrees go away (`git worktree remove`, `git
 * worktree prune`): git deletes the worktree's admin directory (`worktrees/<id>` in the common
 * git dir) and with it the worktree's HEAD, its HEAD reflog and its per-worktree refs
 * (refs/bisect/*, refs/worktree/*, refs/rewritten/*). A commit only those reach (an agent
 * committed on a detached HEAD there) is then left to the next gc, and no snapshot holds it:
 * snapshots are per worktree, and this one's snapshot holds branches, tags and the stash.
 *
 * So, for the worktrees that go: the detached HEAD's commit (a HEAD on a branch is the branch's,
 * which stays), and the tips of the per-worktree refs; of those, the ones no branch, tag or keep
 * chain reaches already (one `git rev-list` for all). The caller keeps them in guard's keep chain
 * before the command runs. Cost: one `rev-parse` and one `for-each-ref` per worktree that goes,
 * one `rev-list`; the HEADs come from the `git worktree list` the caller already ran.
 *
 * The HEAD reflog's older entries are not kept: a reflog is a history of where HEAD was, and
 * keeping every entry of it would keep what the agent itself threw away.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { LeavingCommit } from '../policy/command/state.js';
import { escapedText } from '../util/escaped-text.js';
import { runGitSync } from './run.js';
import { withTextPaths } from './text-paths.js';
import type { WorktreeRecord } from './worktree-removal.js';

/** The refs each worktree has of its own besides HEAD (git's per-worktree namespaces). */
const PER_WORKTREE = ['refs/bisect/', 'refs/worktree/', 'refs/rewritten/'];

/**
 * The commits the worktrees `going` hold that nothing left behind holds, in the repository git
 * runs in at `cwd` with `env` (text a child process can be given: withTextPaths). Empty where
 * there are none; every candidate where git cannot tell what reaches them (keeping more is harmless).
 */
export function leavingCommits(cwd: string, env: Record<string, string>, going: WorktreeRecord[]): LeavingCommit[] {
  if (going.length === 0) return [];
  const candidates: LeavingCommit[] = [];
  for (const record of going) {
    if (record.detached && record.head) candidates.push({ oid: record.head, root: escapedText(record.root), ref: 'HEAD' });
  }
  const admins = adminDirs(cwd, env);
  for (const record of going) {
    const admin = admins.get(record.root.toString('latin1'));
    if (admin) candidates.push(...perWorktreeRefs(cwd, admin, escapedText(record.root)));
  }
  if (candidates.length === 0) return [];
  // Reached by a branch, a tag or the keep chain: a snapshot or the keep chain has it already.
  const oids = [...new Set(candidates.map((c) => c.oid))];
  const walked = runGitSync(['rev-list', ...oids, '--not', '--branches', '--tags', '--glob=refs/guard/keep/*'], { cwd, env, okCodes: [128, 129] });
  if (walked.code !== 0) return candidates;
  const unreached = new Set(walked.stdout.toString('latin1').split('\n'));
  return candidates.filter((c) => unreached.has(c.oid));
}

/**
 * Each linked worktree's admin directory, by the worktree's root as `git worktree list` prints it
 * (latin1): the common git dir's `worktrees/<id>/gitdir` names `<root>/.git` (gitrepository-layout),
 * which is where git itself reads the root from. Empty where git or the file system cannot say.
 */
function adminDirs(cwd: string, env: Record<string, string>): Map<string, Buffer> {
  const found = new Map<string, Buffer>();
  const asked = runGitSync(['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd, env, okCodes: [128, 129] });
  if (asked.code !== 0) return found;
  const common = Buffer.from(asked.stdout.toString('latin1').replace(/\n$/, ''), 'latin1');
  const worktrees = Buffer.concat([common, Buffer.from('/worktrees')]);
  let ids: Buffer[];
  try {
    ids = fs.readdirSync(worktrees, { encoding: 'buffer' });
  } catch {
    return found;
  }
  for (const id of ids) {
    const admin = Buffer.concat([worktrees, Buffer.from('/'), id]);
    let gitdir: string;
    try {
      gitdir = fs.readFileSync(Buffer.concat([admin, Buffer.from('/gitdir')])).toString('latin1').replace(/\s+$/, '');
    } catch {
      continue;
    }
    // git strips a trailing `/.git`; a relative path (worktree.useRelativePaths) is the admin directory's.
    const absolute = gitdir.startsWith('/') ? gitdir : path.posix.resolve(admin.toString('latin1'), gitdir);
    found.set(absolute.replace(/\/\.git$/, ''), admin);
  }
  return found;
}

/** The per-worktree refs of the worktree whose admin directory is `admin` (bytes): one `for-each-ref` with that as GIT_DIR. */
function perWorktreeRefs(cwd: string, admin: Buffer, root: string): LeavingCommit[] {
  const listed = withTextPaths([admin], ([gitDir]) =>
    runGitSync(['for-each-ref', '--format=%(objectname) %(refname)', ...PER_WORKTREE], { cwd, env: { GIT_DIR: gitDir as string }, okCodes: [128, 129] }),
  );
  if (listed.code !== 0) return [];
  const refs: LeavingCommit[] = [];
  for (const line of listed.stdout.toString('latin1').split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.push({ oid: line.slice(0, space), root, ref: escapedText(Buffer.from(line.slice(space + 1), 'latin1')) });
  }
  return refs;
}
