/**
 * Reads the ref-level state a snapshot records: HEAD, local branches and tags, stash entries and
 * an operation in progress. Read-only: takes no lock and writes nothing.
 */
import fs from 'node:fs';
import type { Repo } from '../git/repo.js';
import { runGit, splitNul } from '../git/run.js';
import type { HeadState, Operation, StashEntry } from './format.js';

export interface RefRecord {
  refname: string;
  oid: string;
  type: string;
  /** For annotated tags: what the tag finally points to, and its type. */
  peeledOid: string | null;
  peeledType: string | null;
}

export interface RepoState {
  head: HeadState;
  /** refs/heads/* and refs/tags/*, sorted by refname. */
  refs: RefRecord[];
  stash: StashEntry[];
  operation: Operation | null;
}

const OPERATION_MARKERS: Array<[string, Operation]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

/** HEAD and every local branch, tag and the stash ref, in as few git processes as possible. */
export async function readRepoState(repo: Repo): Promise<RepoState> {
  const [symbolic, listed, operation] = await Promise.all([
    // exit 1: HEAD is detached
    runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.root, okCodes: [1] }),
    // Ref names cannot contain spaces or newlines (check-ref-format), so this format is unambiguous.
    runGit(['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)', 'refs/heads', 'refs/tags', 'refs/stash'], {
      cwd: repo.root,
    }),
    readOperation(repo),
  ]);
  const refs: RefRecord[] = [];
  let stashTip: string | null = null;
  for (const line of listed.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [oid, type, peeledOid, peeledType, ...rest] = line.split(' ');
    const refname = rest.join(' ');
    if (refname === 'refs/stash') stashTip = oid!;
    else refs.push({ refname, oid: oid!, type: type!, peeledOid: peeledOid || null, peeledType: peeledType || null });
  }
  refs.sort((a, b) => (a.refname < b.refname ? -1 : a.refname > b.refname ? 1 : 0));

  const symbolicRef = symbolic.code === 0 ? symbolic.stdout.toString('utf8').trim() : null;
  let headOid: string | null;
  const branch = symbolicRef ? refs.find((r) => r.refname === symbolicRef) : undefined;
  if (branch) headOid = branch.oid;
  else if (symbolicRef?.startsWith('refs/heads/')) headOid = null; // an unborn branch
  else {
    // Detached, or HEAD names something other than a branch.
    const resolved = await runGit(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.root, okCodes: [1, 128] });
    headOid = resolved.code === 0 ? resolved.stdout.toString('utf8').trim() : null;
  }
  const stash = stashTip ? await readStash(repo, stashTip) : [];
  return { head: { symbolic: symbolicRef, oid: headOid }, refs, stash, operation };
}

async function readStash(repo: Repo, tip: string): Promise<StashEntry[]> {
  // One record per reflog entry, newest first: "<oid> <reflog subject>", NUL-terminated.
  const records = splitNul((await runGit(['log', '-g', '-z', '--format=%H %gs', 'refs/stash', '--'], { cwd: repo.root, okCodes: [128] })).stdout);
  const entries = records.map((record) => ({ oid: record.slice(0, record.indexOf(' ')), message: record.slice(record.indexOf(' ') + 1) }));
  if (entries.length > 0) return entries;
  // The reflog was expired: `git stash list` shows nothing, but refs/stash still names a commit.
  const subject = (await runGit(['log', '-1', '--format=%s', tip], { cwd: repo.root })).stdout.toString('utf8').trim();
  return [{ oid: tip, message: subject, hidden: true }];
}

/** Where each marker would be, per repository: fixed for a worktree, so asked once per process (the watcher asks often). */
const markerPaths = new WeakMap<Repo, Promise<string[]>>();

export async function readOperation(repo: Repo): Promise<Operation | null> {
  let known = markerPaths.get(repo);
  if (!known) {
    known = runGit(['rev-parse', '--path-format=absolute', ...OPERATION_MARKERS.flatMap(([name]) => ['--git-path', name])], { cwd: repo.root }).then(({ stdout }) =>
      stdout.toString('utf8').split('\n'),
    );
    markerPaths.set(repo, known);
    known.catch(() => markerPaths.delete(repo));
  }
  const paths = await known;
  for (let i = 0; i < OPERATION_MARKERS.length; i++) {
    if (paths[i] && fs.existsSync(paths[i]!)) return OPERATION_MARKERS[i]![1];
  }
  return null;
}
