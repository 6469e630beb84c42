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

export async function readHead(repo: Repo): Promise<HeadState> {
  const [symbolic, oid] = await Promise.all([
    // exit 1: HEAD is detached
    runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.root, okCodes: [1] }),
    // exit 1 with -q: unborn branch (no commits yet)
    runGit(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.root, okCodes: [1, 128] }),
  ]);
  return {
    symbolic: symbolic.code === 0 ? symbolic.stdout.toString('utf8').trim() : null,
    oid: oid.code === 0 ? oid.stdout.toString('utf8').trim() : null,
  };
}

export async function readRefs(repo: Repo): Promise<RefRecord[]> {
  // Ref names cannot contain spaces or newlines (check-ref-format), so this format is unambiguous.
  const { stdout } = await runGit(
    ['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype) %(refname)', 'refs/heads', 'refs/tags'],
    { cwd: repo.root },
  );
  const refs: RefRecord[] = [];
  for (const line of stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [oid, type, peeledOid, peeledType, ...rest] = line.split(' ');
    refs.push({ refname: rest.join(' '), oid: oid!, type: type!, peeledOid: peeledOid || null, peeledType: peeledType || null });
  }
  return refs.sort((a, b) => (a.refname < b.refname ? -1 : a.refname > b.refname ? 1 : 0));
}

export async function readStash(repo: Repo): Promise<StashEntry[]> {
  const exists = await runGit(['rev-parse', '-q', '--verify', 'refs/stash'], { cwd: repo.root, okCodes: [1, 128] });
  if (exists.code !== 0) return [];
  // One record per reflog entry, newest first: "<oid> <reflog subject>", NUL-terminated.
  const records = splitNul(
    (await runGit(['log', '-g', '-z', '--format=%H %gs', 'refs/stash', '--'], { cwd: repo.root, okCodes: [128] })).stdout,
  );
  const entries = records.map((record) => ({ oid: record.slice(0, record.indexOf(' ')), message: record.slice(record.indexOf(' ') + 1) }));
  if (entries.length === 0) {
    // The reflog was expired: `git stash list` shows nothing, but refs/stash still names a commit.
    const oid = exists.stdout.toString('utf8').trim();
    const subject = (await runGit(['log', '-1', '--format=%s', oid], { cwd: repo.root })).stdout.toString('utf8').trim();
    return [{ oid, message: subject, hidden: true }];
  }
  return entries;
}

export async function readOperation(repo: Repo): Promise<Operation | null> {
  const { stdout } = await runGit(['rev-parse', '--path-format=absolute', ...OPERATION_MARKERS.flatMap(([name]) => ['--git-path', name])], {
    cwd: repo.root,
  });
  const paths = stdout.toString('utf8').split('\n');
  for (let i = 0; i < OPERATION_MARKERS.length; i++) {
    if (paths[i] && fs.existsSync(paths[i]!)) return OPERATION_MARKERS[i]![1];
  }
  return null;
}

export async function readRepoState(repo: Repo): Promise<RepoState> {
  const [head, refs, stash, operation] = await Promise.all([readHead(repo), readRefs(repo), readStash(repo), readOperation(repo)]);
  return { head, refs, stash, operation };
}
