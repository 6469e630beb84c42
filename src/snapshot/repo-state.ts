/**
 * Reads the ref-level state a snapshot records: HEAD, local branches and tags, this worktree's
 * own refs (PER_WORKTREE_REFS), stash entries and an operation in progress. Read-only: takes no
 * lock and writes nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gitPaths, knownGitPaths, rememberGitPaths, type Repo } from '../git/repo.js';
import { isUtf8 } from 'node:buffer';
import { hookInputText, refNameOf } from '../git/ref-name.js';
import { runGit, splitNulBytes } from '../git/run.js';
import { escapedText } from '../util/escaped-text.js';
import type { HeadState, Operation, OperationState, StashEntry } from './format.js';
import { isReftable, readBackendHeads, readOperationFiles } from './operation-state.js';
import type { DirCapture } from './operation-dirs.js';
import { KEEP_REF, noteKeepHead } from './refs.js';

/**
 * The refs git keeps per worktree (each worktree has its own, and `for-each-ref` run in a worktree
 * lists that worktree's): the labels of a `git rebase -r` in progress (refs/rewritten/*: without
 * them `git rebase --continue` stops with "could not resolve 'refs/rewritten/...'"), the terms of
 * a bisect (refs/bisect/*: bad, good-<oid>, skip-<oid>) and the person's own refs/worktree/*. They
 * are recorded with the branches and tags (the same `for-each-ref`: no extra process), moved back
 * by rollback in the same compare-and-swap transaction, and kept by the keeper; restore/plan.ts
 * never carries them from one worktree's snapshot into another worktree.
 */
export const PER_WORKTREE_REFS = ['refs/rewritten/', 'refs/bisect/', 'refs/worktree/'] as const;

/** Whether `refname` is one of a worktree's own refs (PER_WORKTREE_REFS). */
export function isPerWorktreeRef(refname: string): boolean {
  return PER_WORKTREE_REFS.some((prefix) => refname.startsWith(prefix));
}

export interface RefRecord {
  refname: string;
  oid: string;
  type: string;
  /**
   * For annotated tags: the object the tag object names (its `object` and `type` header lines,
   * for-each-ref's `%(object) %(type)`), one level down; for a tag of a tag that is the inner tag
   * (keeper.ts follows the chain). Not `%(*objectname)`: git 2.39 peels that one level, newer git
   * (2.47 here) all the way, and the inner tag objects then went unkept and were lost to a prune.
   */
  peeledOid: string | null;
  peeledType: string | null;
  /**
   * For a branch with an upstream (`branch.<name>.remote` and `.merge` in the config, as `git
   * branch --track`, `git push -u` and `git switch <remote branch>` set them): both values.
   * `git branch -D` removes them with the branch, and a rollback that brings the branch back
   * writes them back (restore/upstreams.ts). Absent otherwise.
   */
  upstream?: BranchUpstream;
}

/** A branch's `branch.<name>.remote` and `branch.<name>.merge`. */
export interface BranchUpstream {
  remote: string;
  merge: string;
}

export interface RepoState {
  head: HeadState;
  /**
   * The tree of the commit rev-parse found at HEAD (null on an unborn branch). Only a hint that this
   * tree exists (after a commit it is the index's cached tree); HEAD may have moved since.
   */
  headTree?: string | null;
  /**
   * refs/heads/*, refs/tags/*, refs/notes/* and this worktree's own refs (PER_WORKTREE_REFS),
   * sorted by refname. Notes refs since 2026-12-07 (helper rbaudit2): `git notes remove` and
   * `git notes prune` are allowed for an agent, and a rollback put nothing back; they come with
   * the same for-each-ref (no process), K keeps their commits as it keeps a branch's, and
   * rollback moves them in the same compare-and-swap transaction.
   */
  refs: RefRecord[];
  stash: StashEntry[];
  operation: Operation | null;
  /** git's files of a merge, cherry-pick, revert, rebase or am in progress (operation-state.ts); null otherwise. */
  operationState: OperationState | null;
  /** The files of git's state directories (rebase-merge/, ...) read for it, to be written as objects (operation-dirs.ts). */
  operationDirs?: DirCapture[];
  /** Where this worktree's sparse-checkout pattern file is (git's answer; it need not exist). */
  sparseFile?: string | null;
}

const OPERATION_MARKERS: Array<[string, Operation]> = [
  ['rebase-merge', 'rebase'],
  // `git am` keeps its state in rebase-apply/ too, and marks it with this file.
  ['rebase-apply/applying', 'am'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
  ['BISECT_LOG', 'bisect'],
];

/**
 * Asked after the markers: MERGE_MSG's path, the sequencer's and the ref format. In a reftable
 * repository CHERRY_PICK_HEAD and REVERT_HEAD are entries of the ref backend, not files
 * (operation-state.ts), so their markers are never there; git writes MERGE_MSG whenever it stops
 * with one of them, so only then are they asked for (one `cat-file`): an ordinary snapshot pays
 * nothing more. sequencer/ alone (a multi-commit cherry-pick whose stopped pick was committed with
 * `git commit`) is a cherry-pick or revert in progress for git (`git status` says so): one more
 * stat of a path that is usually not there. Last, this worktree's sparse-checkout pattern file
 * (sparse-state.ts), read by the snapshot: its path comes with the same process.
 *
 * The paths are git's answers for the life of the process (git/repo.ts gitPaths: openRepo asks
 * them with the repository's own): a rollback asked them three times, once in a process of its
 * own. The ref format is asked each time a process runs anyway (with HEAD), never remembered.
 */
const MARKER_NAMES = [...OPERATION_MARKERS.map(([name]) => name), 'MERGE_MSG', 'sequencer', 'info/sparse-checkout'];
const MERGE_MSG_LINE = OPERATION_MARKERS.length;
const SEQUENCER_LINE = OPERATION_MARKERS.length + 1;
const SPARSE_LINE = OPERATION_MARKERS.length + 2;

/** Where the markers are (MARKER_NAMES' paths, in order), and the ref format when it was asked (null: not asked). */
interface Markers {
  paths: string[];
  reftable: boolean | null;
}

/** The chain head read along with the refs (see readRepoState's `chainRef`). */
export interface ChainHeadRecord {
  oid: string;
  message: string;
}

/**
 * HEAD and every local branch, tag and the stash ref, in two git processes: each process start
 * costs several milliseconds here (and more from a large process such as the watcher), so this
 * is what a snapshot pays before anything else. With `chainRef`, that ref's commit id and
 * message come back too (the newest snapshot), from the same for-each-ref.
 */
export async function readRepoState(repo: Repo, options: { chainRef?: string } = {}): Promise<RepoState & { chainHead?: ChainHeadRecord | null }> {
  const chainRef = options.chainRef;
  // Ref names cannot contain spaces or newlines (check-ref-format), so each record's first line is
  // unambiguous; the chain head's message follows it; %00 ends a record (no message holds a NUL).
  // A branch's upstream after a tab (no ref name holds one): the same process, read from the config
  // git has loaded anyway. Empty for a tag, or a branch without both keys.
  // A commit's tree after its type (empty for anything else): HEAD's tree, when HEAD names a branch, comes from here.
  const format = `%(objectname) %(objecttype) %(object) %(type) %(tree) %(refname)%09%(upstream:remotename)%09%(upstream:remoteref)${chainRef ? `%(if:equals=${chainRef})%(refname)%(then)%0a%(contents)%(end)` : ''}%00`;
  // HEAD from its file when it names a branch and the markers' paths are known (no rev-parse: the
  // branch's commit and tree come with the refs); anything else asks git as before.
  const fromFile = headFromFile(repo);
  const [headRead, listed] = await Promise.all([
    fromFile ? Promise.resolve(null) : readHeadAndMarkers(repo),
    runGit(['for-each-ref', `--format=${format}`, 'refs/heads', 'refs/tags', 'refs/notes', ...PER_WORKTREE_REFS.map((p) => p.slice(0, -1)), 'refs/stash', ...(chainRef ? [chainRef] : []), KEEP_REF], { cwd: repo.root }),
  ]);
  const refs: RefRecord[] = [];
  let stashTip: string | null = null;
  let chainHead: ChainHeadRecord | null = null;
  // The keep chain's head, listed by the same for-each-ref (no process): rollback's question for pruned remote-tracking refs needs a chain (refs.ts noteKeepHead).
  let keepHead: string | null = null;
  // Bytes (latin1) until each part is known: a ref name need not be UTF-8 (`git branch $'bad\xff'`),
  // and decoded as UTF-8 it became U+FFFD, so a rollback created a branch of another name and
  // left the deleted one gone. It is kept as ref-name.ts writes it (`bad\377`); the message is UTF-8.
  // Usually every byte is UTF-8 (names and the message): then the whole output is decoded once,
  // which gives the same text as decoding each part (a fifth of the CPU over 1,150 refs).
  const utf8 = isUtf8(listed.stdout);
  for (const record of listed.stdout.toString(utf8 ? 'utf8' : 'latin1').split('\0\n')) {
    if (!record) continue;
    const eol = record.indexOf('\n');
    const [line, remote, merge] = (eol < 0 ? record : record.slice(0, eol)).split('\t');
    const [oid, type, peeledOid, peeledType, tree, ...rest] = line!.split(' ');
    const refname = utf8 ? rest.join(' ') : refNameOf(Buffer.from(rest.join(' '), 'latin1'));
    // Text only: a remote or branch name that is not UTF-8 is not recorded (its bytes would not survive JSON).
    const upstream = remote && merge && (utf8 || /^[\x20-\x7e]*$/.test(remote + merge)) ? { remote, merge } : undefined;
    const message = (): string => (eol < 0 ? '' : utf8 ? record.slice(eol + 1) : Buffer.from(record.slice(eol + 1), 'latin1').toString('utf8'));
    if (chainRef && refname === chainRef) chainHead = { oid: oid!, message: message() };
    else if (refname === 'refs/stash') stashTip = oid!;
    else if (refname === KEEP_REF) keepHead = oid!;
    else {
      refs.push({ refname, oid: oid!, type: type!, peeledOid: peeledOid || null, peeledType: peeledType || null, ...(upstream && refname.startsWith('refs/heads/') ? { upstream } : {}) });
      if (fromFile && refname === fromFile.symbolic && type === 'commit' && tree) fromFile.tree = tree;
    }
  }
  refs.sort((a, b) => (a.refname < b.refname ? -1 : a.refname > b.refname ? 1 : 0));
  noteKeepHead(repo, keepHead);

  // HEAD's branch not listed: unborn (no commit, no tree), as rev-parse's failure and symbolic-ref said before.
  const head = headRead ?? { symbolic: fromFile!.symbolic, ...(fromFile!.tree ? { tree: fromFile!.tree } : {}), markers: fromFile!.markers };
  const symbolicRef = head.symbolic;
  let headOid: string | null;
  const branch = symbolicRef ? refs.find((r) => r.refname === symbolicRef) : undefined;
  if (branch) headOid = branch.oid;
  else if (symbolicRef?.startsWith('refs/heads/')) headOid = null; // an unborn branch
  else if (head.oid !== undefined) headOid = head.oid;
  else {
    // Detached, or HEAD names something other than a branch.
    const resolved = await runGit(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { cwd: repo.root, okCodes: [1, 128] });
    headOid = resolved.code === 0 ? resolved.stdout.toString('utf8').trim() : null;
  }
  const operation = await operationFrom(repo, head.markers);
  // Only during an operation: one more rev-parse and a few small reads.
  const [stash, operationRead] = await Promise.all([stashTip ? readStash(repo, stashTip) : Promise.resolve([]), readOperationFiles(repo, operation, head.markers.reftable ?? undefined)]);
  return {
    head: { symbolic: symbolicRef, oid: headOid },
    headTree: head.tree ?? null,
    refs,
    stash,
    operation,
    operationState: operationRead.state,
    ...(operationRead.dirs.length > 0 ? { operationDirs: operationRead.dirs } : {}),
    sparseFile: head.markers.paths[SPARSE_LINE] || null,
    ...(chainRef ? { chainHead } : {}),
  };
}

/**
 * HEAD as its file in this worktree's git directory says, when that is `ref: refs/heads/NAME` (a
 * printable ASCII name) and this process knows the operation markers' paths (the repository's
 * opening rev-parse asked them): then the snapshot needs no rev-parse of HEAD, the branch's commit
 * and tree come from the for-each-ref (`tree` filled there). A files ref backend: a reftable
 * repository's HEAD file names `refs/heads/.invalid`, which no branch can be called. The branch
 * not listed: unborn. Detached, or anything else: null, and git is asked.
 */
function headFromFile(repo: Repo): { symbolic: string; tree?: string; markers: Markers } | null {
  const known = knownGitPaths(repo, MARKER_NAMES);
  if (!known) return null;
  let text: string;
  try {
    text = fs.readFileSync(path.join(repo.gitDir, 'HEAD'), 'latin1');
  } catch {
    return null;
  }
  const m = /^ref: (refs\/heads\/[\x21-\x7e]+)\n?$/.exec(text);
  if (!m || m[1]!.split('/').some((part) => part.startsWith('.'))) return null;
  return { symbolic: m[1]!, markers: { paths: known, reftable: false } };
}

/**
 * HEAD, the stash list and the operation in progress with its state, without the branches and
 * tags: what rollback reads back under the index lock before anything moves (restore/rollback.ts
 * checkHeadAndStash, and HEAD before a symbolic-ref). One rev-parse answers HEAD, its branch and
 * the stash's commit together (the full read was a rev-parse and a for-each-ref of every ref); the
 * stash's entries and the operation's files are read as readRepoState reads them. On an unborn
 * branch (rev-parse cannot name HEAD's commit) it is readRepoState, as before.
 */
export async function readHeadAndStash(repo: Repo): Promise<Pick<RepoState, 'head' | 'stash' | 'operation' | 'operationState'>> {
  const head = await readHeadAndMarkers(repo, { stash: true });
  if (head.stashTip === undefined || head.resolved === undefined) return readRepoState(repo);
  const operation = await operationFrom(repo, head.markers);
  const [stash, operationRead] = await Promise.all([head.stashTip ? readStash(repo, head.stashTip) : Promise.resolve([]), readOperationFiles(repo, operation, head.markers.reftable ?? undefined)]);
  return { head: { symbolic: head.symbolic, oid: head.resolved }, stash, operation, operationState: operationRead.state };
}

/**
 * HEAD (its commit, and the branch it names or null when detached) and where the operation
 * markers would be, in one `rev-parse` (the markers' paths only when this process does not know
 * them yet). On an unborn branch rev-parse cannot name HEAD's commit and fails: then
 * `symbolic-ref` answers (the ref format, and the marker paths when not known, asked again alone).
 */
async function readHeadAndMarkers(repo: Repo, options: { stash?: boolean } = {}): Promise<{ symbolic: string | null; oid?: string | null; tree?: string; markers: Markers; resolved?: string; stashTip?: string | null }> {
  const known = knownGitPaths(repo, MARKER_NAMES);
  const markerArgs = ['--path-format=absolute', ...(known ? [] : MARKER_NAMES.flatMap((name) => ['--git-path', name])), '--show-ref-format'];
  const markersOf = (lines: string[]): Markers => {
    const paths = known ?? lines.slice(0, MARKER_NAMES.length);
    if (!known) rememberGitPaths(repo, MARKER_NAMES, paths);
    return { paths, reftable: isReftable(lines[known ? 0 : MARKER_NAMES.length]) };
  };
  // HEAD's tree too: after a commit it is the index's cached tree, known to exist without asking.
  // With `stash`: refs/stash's commit too, between HEAD's tree and its name (nothing when there is
  // no stash). `--glob` with a bracket matches the one name exactly (a pattern without one would
  // be read as `refs/stash/*`).
  const both = await runGit(['rev-parse', ...markerArgs, 'HEAD', 'HEAD^{tree}', ...(options.stash ? ['--glob=refs/sta[s]h'] : []), '--symbolic-full-name', 'HEAD'], { cwd: repo.root, okCodes: [128] });
  // Lines as text, a branch name that is not UTF-8 as ref-name.ts writes it (`refs/heads/bad\377`), as the refs are.
  const lines = hookInputText(both.stdout).split('\n');
  const first = (known ? 0 : MARKER_NAMES.length) + 1;
  // After HEAD's commit and tree: the stash's commit (when asked and there is one), then HEAD's name.
  const stashed = options.stash === true && lines.length >= first + 4 && lines[first + 3] !== '';
  if (both.code === 0 && lines.length >= first + 3) {
    const oid = lines[first]!;
    const tree = lines[first + 1]!;
    const name = lines[first + (stashed ? 3 : 2)]!;
    const markers = markersOf(lines);
    const stash = options.stash ? { stashTip: stashed ? lines[first + 2]! : null } : {};
    // "HEAD": detached; a branch or other ref otherwise (a symbolic ref outside refs/heads is
    // resolved the old way below, as `oid` is then left out).
    if (name === 'HEAD') return { symbolic: null, oid, tree, markers, resolved: oid, ...stash };
    return { symbolic: name, ...(name.startsWith('refs/heads/') ? {} : { oid }), tree, markers, resolved: oid, ...stash };
  }
  const [symbolic, markers] = await Promise.all([
    // exit 1: HEAD is detached
    runGit(['symbolic-ref', '-q', 'HEAD'], { cwd: repo.root, okCodes: [1] }),
    runGit(['rev-parse', ...markerArgs], { cwd: repo.root }),
  ]);
  return { symbolic: symbolic.code === 0 ? refNameOf(Buffer.from(symbolic.stdout.toString('latin1').trim(), 'latin1')) : null, markers: markersOf(markers.stdout.toString('utf8').split('\n')) };
}

/**
 * The operation the markers show. `reftable` null (not asked): with MERGE_MSG there and no marker
 * file, the ref backend is asked as a reftable's would be (a files backend answers from the same
 * files, which were not there).
 */
async function operationFrom(repo: Repo, markers: Markers): Promise<Operation | null> {
  const lines = markers.paths;
  for (let i = 0; i < OPERATION_MARKERS.length; i++) {
    if (lines[i] && fs.existsSync(lines[i]!)) return OPERATION_MARKERS[i]![1];
  }
  const mergeMsg = lines[MERGE_MSG_LINE];
  if (markers.reftable !== false && mergeMsg && fs.existsSync(mergeMsg)) {
    const heads = await readBackendHeads(repo);
    if (heads.CHERRY_PICK_HEAD) return 'cherry-pick';
    if (heads.REVERT_HEAD) return 'revert';
  }
  const sequencer = lines[SEQUENCER_LINE];
  if (sequencer && fs.existsSync(sequencer)) return sequencerOperation(sequencer);
  return null;
}

/** What sequencer/ is doing, as git tells (its todo's first command): a revert, else a cherry-pick. */
function sequencerOperation(dir: string): Operation {
  let todo = '';
  try {
    todo = fs.readFileSync(`${dir}/todo`, 'latin1');
  } catch {
    // No todo (git is writing it): a cherry-pick, as git assumes.
  }
  const first = todo.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
  return first && /^\s*revert\s/.test(first) ? 'revert' : 'cherry-pick';
}

async function readStash(repo: Repo, tip: string): Promise<StashEntry[]> {
  // One record per reflog entry, newest first: "<oid> <reflog subject>", NUL-terminated.
  // Messages as escaped text (escaped-text.ts): one that is not UTF-8 (`WIP on caf\xe9: ...`, a
  // Latin-1 branch) is written back as its bytes (rollback.ts, stash-reflog.ts), not as U+FFFD.
  const records = splitNulBytes((await runGit(['log', '-g', '-z', '--format=%H %gs', 'refs/stash', '--'], { cwd: repo.root, okCodes: [128] })).stdout);
  const entries = records.map((record) => ({ oid: record.slice(0, record.indexOf(' ')), message: escapedText(Buffer.from(record.slice(record.indexOf(' ') + 1), 'latin1')) }));
  if (entries.length > 0) return entries;
  // The reflog was expired: `git stash list` shows nothing, but refs/stash still names a commit.
  const subject = escapedText((await runGit(['log', '-1', '--format=%s', tip], { cwd: repo.root })).stdout).trim();
  return [{ oid: tip, message: subject, hidden: true }];
}

/**
 * The operation in progress, from the markers alone: no process when this process knows their
 * paths (openRepo asked them), which is what rollback's first check pays.
 */
export async function readOperation(repo: Repo): Promise<Operation | null> {
  const { paths } = await gitPaths(repo, MARKER_NAMES);
  return operationFrom(repo, { paths, reftable: null });
}
