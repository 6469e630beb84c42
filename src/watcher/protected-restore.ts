/**
 * Protected paths (`protect.paths`) deleted or emptied while a session runs come back by
 * themselves, from the newest snapshot that holds them, within about a second: this is how
 * "deletions of protected paths are blocked" holds for a plain `rm`, an editor or a script, where
 * no git hook fires. Each restore is journaled (`protected-restore`) for the session summary.
 *
 * What is NOT undone, on purpose:
 *  - deletions done through git that change HEAD or the index (a branch switch, `git rm`, a
 *    reset, a rollback): the git hooks and the agent hooks judge those, and undoing a checkout
 *    file by file would leave a mess; so a path is restored only while HEAD is where the source
 *    snapshot recorded it and, if the snapshot's index had the path, the index still has it with
 *    the same blob (`git rm` of the last submodule empties .gitmodules in the index and on disk:
 *    written back, the file and the index disagreed);
 *  - a tracked file a sparse checkout took off the disk (skip-worktree in the index): it left the
 *    view (`git sparse-checkout set`, which the agent hook snapshots first), it was not deleted;
 *  - anything while a rollback runs or right after one finished: a rollback pauses the watcher
 *    from before its pre-rollback snapshot to its end (pause()/resume(), serve.ts): no file is
 *    written from the moment the pause is answered (the check is made just before the write, with
 *    nothing awaited in between); what was due meanwhile is dropped when the rollback finished
 *    (it decided what the files are) and looked at again when it did not (refused, cancelled),
 *    as first seen, so a file still gone comes back from a snapshot older than its deletion. (Before,
 *    a restore decided as a rollback started wrote the file under it: the rollback refused with
 *    "git would not update some files" and the watcher's bytes stayed.) A rollback that cannot
 *    reach the watcher still has rollback-in-progress.json, from its confirmation on;
 *  - anything outside a session, and anything while .guard.yaml is broken (the watcher cannot
 *    know what it meant to protect; snapshots still record everything).
 *
 * Source snapshot: walking the chain from the newest snapshot, the first one that holds the path
 * with content, stopping at the first snapshot taken before the deletion was seen (a newer one
 * may already have recorded the deletion). Restores write the file's bytes as the snapshot kept
 * them (its raw bytes where git converts the file, ReadAhead) with its mode (exec bit, symlink)
 * through a temp file and a rename.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { guardPath } from '../git/repo.js';
import { runGit, splitNulBytes } from '../git/run.js';
import { readCheckedOut, readObjects } from '../git/batch-objects.js';
import { GuardError } from '../errors.js';
import { coveringPathspecs, fsPath, gitPathsOf, matchText, pathBytes, pathText, type GitPath } from '../git/path.js';
import { isProtectedPath, type MatchPolicy } from '../policy/match.js';
import type { Snapshot } from '../snapshot/format.js';
import { listSnapshots } from '../snapshot/read.js';
import { readHeadAndStash } from '../snapshot/repo-state.js';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';

/** How long a path must stay deleted/empty before it is restored (editors save by delete + rename). */
export const SETTLE_MS = 250;
/** How far back the source snapshot is looked for. */
const CHAIN_LOOKBACK = 20;
/**
 * The snapshot's bytes of at most this much (by the sizes its tree records) are read ahead at once
 * and held in memory: a deleted directory of large files is restored in parts of this size, each
 * read by one process per kind of read.
 */
const READ_AHEAD_BYTES = 64 * 1024 * 1024;
/** At most this many pathspecs on one git command line: more paths are named by the directories that hold them. */
const MAX_PATHSPECS = 64;

export interface RestoreEvent {
  /** The name for people and the journal (pathText: git-quoted when it is not UTF-8). */
  path: string;
  reason: 'deleted' | 'emptied';
  snapshot: string;
  mode: string;
}

export interface ProtectedRestoreOptions {
  policy: () => MatchPolicy | null;
  /** The open session, or null. */
  session: () => { id: string; agent: string | null } | null;
  onRestore: (event: RestoreEvent) => void;
  onError: (error: Error) => void;
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  size: number;
}

/**
 * Pathspecs for a batch of paths (null: the whole tree): each path's own while there are few,
 * else the directories that hold them, one level up at a time until they are few (a `rm -rf` of
 * thousands of files in one directory is one pathspec; no command line grows with the batch).
 * Callers keep only the paths they asked about.
 */
function batchPathspecs(paths: Iterable<GitPath>): string[] | null {
  let names = [...new Set(paths)];
  while (names.length > MAX_PATHSPECS) {
    const parents = new Set<GitPath>();
    for (const p of names) {
      const slash = p.lastIndexOf('/');
      if (slash <= 0) return null;
      parents.add(p.slice(0, slash) as GitPath);
    }
    names = [...parents];
  }
  return coveringPathspecs(names);
}

/** The watcher's own temp file for a restore (write()): its events are not a deletion to look at. */
function isOwnTemp(rel: GitPath): boolean {
  return rel.endsWith(`.guard-restore-${process.pid}`) && rel.charAt(rel.lastIndexOf('/') + 1) === '.';
}

/**
 * What readAhead read for one path: the bytes the file held at the snapshot (an error when its blob
 * could not be read) and its entry in the snapshot's index (null: the index did not have it).
 *
 * The bytes: the snapshot's tree has git's clean blob (LF where `text`/autocrlf convert), so the
 * raw blob the snapshot kept beside its tree where it kept one (raw-files.ts), else git's checkout
 * of the blob (the smudge side, what a rollback writes), else (a smudge filter that fails) the
 * blob. A symlink's blob is its target, never converted.
 */
interface ReadAhead {
  content: Buffer | Error;
  staged: TreeEntry | null;
}

/** The batch's sources in parts of at most READ_AHEAD_BYTES (by recorded size; at least one path each). */
function readAheadParts<T extends { entry: TreeEntry }>(sources: Map<GitPath, T>): Array<Map<GitPath, T>> {
  const parts: Array<Map<GitPath, T>> = [];
  let part = new Map<GitPath, T>();
  let bytes = 0;
  for (const [p, source] of sources) {
    if (part.size > 0 && bytes + source.entry.size > READ_AHEAD_BYTES) {
      parts.push(part);
      part = new Map();
      bytes = 0;
    }
    part.set(p, source);
    bytes += source.entry.size;
  }
  if (part.size > 0) parts.push(part);
  return parts;
}

function lstat(file: Buffer): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

/**
 * ls-tree of a few paths in a tree-ish: path -> entry (blobs and symlinks only). Names stay bytes;
 * one that cannot go on the command line is found by listing its nearest ancestor that can.
 */
async function entriesAt(repo: Repo, treeish: string, paths: GitPath[]): Promise<Map<GitPath, TreeEntry>> {
  const out = new Map<GitPath, TreeEntry>();
  if (paths.length === 0) return out;
  const wanted = new Set(paths);
  const specs = batchPathspecs(paths);
  const result = await runGit(['ls-tree', '-r', '-z', '-l', '--full-tree', treeish, ...(specs ? ['--', ...specs] : [])], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return out;
  for (const record of splitNulBytes(result.stdout)) {
    // "<mode> SP <type> SP <oid> SP+ <size> TAB <path>"
    const tab = record.indexOf('\t');
    const [mode, type, oid, size] = record.slice(0, tab).split(/ +/);
    const file = record.slice(tab + 1) as GitPath;
    if (type === 'blob' && wanted.has(file)) out.set(file, { mode: mode!, type: type!, oid: oid!, size: Number(size) });
  }
  return out;
}

/** Which of `paths` the user's index tracks, with their staged blob (names as bytes, like entriesAt). */
async function trackedAmong(repo: Repo, paths: GitPath[]): Promise<{ tracked: Map<GitPath, string>; outsideView: Set<GitPath> }> {
  const wanted = new Set(paths);
  const specs = batchPathspecs(paths);
  // -t: "S " marks a skip-worktree entry, a file a sparse checkout keeps off the disk.
  // -s: "<tag> <mode> SP <oid> SP <stage> TAB <path>".
  const listed = await runGit(['ls-files', '-t', '-s', '-z', ...(specs ? ['--', ...specs] : [])], { cwd: repo.root });
  const tracked = new Map<GitPath, string>();
  const outsideView = new Set<GitPath>();
  for (const record of gitPathsOf(listed.stdout)) {
    const tab = record.indexOf('\t');
    const p = record.slice(tab + 1) as GitPath;
    if (!wanted.has(p)) continue;
    tracked.set(p, record.slice(2, tab).split(' ')[1]!);
    if (record.startsWith('S ')) outsideView.add(p);
  }
  return { tracked, outsideView };
}

export class ProtectedRestore {
  /** Protected paths that exist (or existed) in this worktree: the candidates a deletion can hit. */
  private known = new Set<GitPath>();
  /** Calls of load so far: only the newest one's list is kept. */
  private loads = 0;
  private readonly queue = new Map<GitPath, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private restoring = new Set<GitPath>();
  /** Rollbacks holding the watcher (pause()); while above 0 nothing is written. */
  private paused = 0;
  /** HEAD and the current batch's index entries as read at an index stamp (gitView). */
  private view: { stamp: string; head: { symbolic: string | null; oid: string | null }; tracked: Map<GitPath, string>; outsideView: Set<GitPath> } | null = null;
  /** Paths due while paused, with when they were first seen: noted again on resume(). */
  private readonly deferred = new Map<GitPath, number>();

  constructor(
    private readonly repo: Repo,
    private readonly options: ProtectedRestoreOptions,
  ) {}

  get size(): number {
    return this.known.size;
  }

  /** Lists the protected paths in a snapshot's tree (at start, and when the policy changes). */
  async load(tree: string | null): Promise<void> {
    const policy = this.options.policy();
    const seq = ++this.loads;
    if (!tree || !policy) {
      this.known.clear();
      return;
    }
    // The set in use stays in place while git lists (a reload after the watcher's start-up
    // snapshot: daemon.ts); what events add meanwhile is kept.
    const before = new Set(this.known);
    const listed = await runGit(['ls-tree', '-r', '-z', '--name-only', '--full-tree', tree], { cwd: this.repo.root });
    const known = new Set<GitPath>();
    for (const file of gitPathsOf(listed.stdout)) if (isProtectedPath(policy, matchText(file))) known.add(file);
    // A later load (another tree) started while this one listed: its list is the one to keep.
    if (seq !== this.loads) return;
    for (const file of this.known) if (!before.has(file)) known.add(file);
    this.known = known;
  }

  /** A path (file or directory, its name as bytes) changed at `at`. */
  note(rel: GitPath, at: number): void {
    const policy = this.options.policy();
    if (!policy || this.restoring.has(rel) || isOwnTemp(rel)) return;
    const isProtected = isProtectedPath(policy, matchText(rel));
    if (isProtected && lstat(fsPath(this.repo.root, rel))?.isFile()) this.known.add(rel);
    const under = `${rel}/`;
    let relevant = isProtected;
    if (!relevant) for (const p of this.known) if (p.startsWith(under)) relevant = true;
    if (!relevant) return;
    if (!this.queue.has(rel)) this.queue.set(rel, at);
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.running = (this.running ?? Promise.resolve()).then(() => this.process()).catch((error: unknown) => this.options.onError(error as Error));
    }, SETTLE_MS);
  }

  /**
   * A file event may name a file by decoded text (U+FFFD for each byte that is not UTF-8): then it
   * stands for the known path whose text it is, which is checked under its own bytes.
   */
  private sameAsText(known: GitPath, rel: GitPath): boolean {
    return known !== rel && matchText(known) === matchText(rel);
  }

  /** Polling mode: look at every known protected path now. */
  sweep(at: number): void {
    for (const p of this.known) {
      const stat = lstat(fsPath(this.repo.root, p));
      if (!stat || (stat.isFile() && stat.size === 0)) this.note(p, at);
    }
  }

  /** A rollback starts: from now on, until resume(), no file is written. */
  pause(): void {
    if (this.paused++ === 0) this.rollbackMarkAtPause = this.lastRollbackMark();
  }

  /**
   * The rollbacks ended. One finished meanwhile (last-rollback.json was written): it decided what
   * the files are, and what was due is dropped. Else (it was refused or cancelled) what
   * was due is looked at again now: still gone or empty, it comes back.
   */
  resume(): void {
    if (this.paused === 0 || --this.paused > 0) return;
    const due = [...this.deferred];
    this.deferred.clear();
    if (this.lastRollbackMark() !== this.rollbackMarkAtPause) return;
    // As first seen: the snapshots taken since (the rollback's own) are not older than the deletion.
    for (const [p, at] of due) this.note(p, at);
  }

  private rollbackMarkAtPause = '';

  private lastRollbackMark(): string {
    const stat = lstat(Buffer.from(guardPath(this.repo, 'last-rollback.json')));
    return stat ? `${stat.ino}:${stat.mtimeMs}:${stat.size}` : '';
  }

  async idle(): Promise<void> {
    while (this.timer || this.running) {
      if (this.timer) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      const running = this.running;
      if (running) {
        await running;
        if (this.running === running) this.running = null;
      }
    }
  }

  private async rollbackNearby(since: number): Promise<boolean> {
    if (lstat(Buffer.from(guardPath(this.repo, 'rollback-in-progress.json')))) return true;
    const last = lstat(Buffer.from(guardPath(this.repo, 'last-rollback.json')));
    return last !== null && last.mtimeMs >= since - 3000;
  }

  private async process(): Promise<void> {
    const batch = new Map(this.queue);
    this.queue.clear();
    if (this.paused > 0) {
      for (const [p, at] of batch) this.deferred.set(p, Math.min(at, this.deferred.get(p) ?? at));
      return;
    }
    const policy = this.options.policy();
    const session = this.options.session();
    if (!policy || !session || batch.size === 0) return;
    const firstSeen = Math.min(...batch.values());

    // Which protected files are gone or empty now.
    const hit = new Map<GitPath, 'deleted' | 'emptied'>();
    for (const rel of batch.keys()) {
      const candidates = isProtectedPath(policy, matchText(rel)) ? [rel] : [];
      for (const p of this.known) if (p.startsWith(`${rel}/`) || this.sameAsText(p, rel)) candidates.push(p);
      for (const p of candidates) {
        const stat = lstat(fsPath(this.repo.root, p));
        if (!stat) hit.set(p, 'deleted');
        else if (stat.isFile() && stat.size === 0) hit.set(p, 'emptied');
      }
    }
    if (hit.size === 0 || (await this.rollbackNearby(firstSeen))) return;

    const chain = await listSnapshots(this.repo, { limit: CHAIN_LOOKBACK });
    const sources = new Map<GitPath, { snapshot: Snapshot; entry: TreeEntry }>();
    for (const snapshot of chain) {
      const open = [...hit.keys()].filter((p) => !sources.has(p));
      if (open.length === 0) break;
      const entries = await entriesAt(this.repo, snapshot.oid, open);
      for (const [p, entry] of entries) if (entry.size > 0 || entry.mode === '120000') sources.set(p, { snapshot, entry });
      // Snapshots older than the deletion are authoritative: what they lack did not exist then.
      if (Date.parse(snapshot.time) < firstSeen) break;
    }
    if (sources.size === 0) return;

    this.view = null;
    const paths = [...sources.keys()];
    for (const part of readAheadParts(sources)) {
      // What the snapshots hold for this part, read at once: objects never change, so reading
      // them before the per-file checks below decides nothing those checks look at.
      const read = await this.readAhead(part);
      for (const [p, { snapshot, entry }] of part) {
        const held = TEST_FAULTS ? await this.holdForTest('look') : false;
        const outcome = await this.restoreOne(p, entry, snapshot, firstSeen, paths, read.get(p)!);
        if (held) this.releasedForTest(outcome);
        if (outcome !== 'written') continue;
        this.options.onRestore({ path: pathText(p), reason: hit.get(p)!, snapshot: snapshot.oid, mode: entry.mode });
      }
    }
  }

  /**
   * For each path of a part of the batch: its bytes as the snapshot kept them (ReadAhead) and its
   * entry in the snapshot's index. A fixed number of git processes whatever the number of paths:
   * one `ls-tree` of each source snapshot's raw files and one of its index (one source snapshot,
   * as a rule), one `cat-file --batch --filters` for git's checkout of the blobs and one read of
   * raw blobs (the watcher's `cat-file --batch`, object-pipes.ts). Before, each restored file
   * started a `cat-file` and an `ls-tree` of its own: 400 processes for an `rm -rf` of 200
   * protected files.
   */
  private async readAhead(part: Map<GitPath, { snapshot: Snapshot; entry: TreeEntry }>): Promise<Map<GitPath, ReadAhead>> {
    const byTree = async (treeOf: (snapshot: Snapshot) => string | null | undefined): Promise<Map<GitPath, TreeEntry>> => {
      const groups = new Map<string, GitPath[]>();
      for (const [p, { snapshot }] of part) {
        const tree = treeOf(snapshot);
        if (tree) groups.set(tree, [...(groups.get(tree) ?? []), p]);
      }
      const out = new Map<GitPath, TreeEntry>();
      for (const [tree, paths] of groups) for (const [p, entry] of await entriesAt(this.repo, tree, paths)) out.set(p, entry);
      return out;
    };
    // The raw blob (raw-files.ts) is looked up in each path's own snapshot: the grouping is by tree.
    const [staged, raw] = await Promise.all([byTree((s) => s.indexTree), byTree((s) => s.rawFiles?.tree)]);
    // Symlinks and files kept raw: their blob as it is. The others: git's checkout of the blob.
    const blobOf = new Map<GitPath, string>();
    const checkout: Array<{ oid: string; path: GitPath }> = [];
    for (const [p, { snapshot, entry }] of part) {
      if (entry.mode === '120000') blobOf.set(p, entry.oid);
      else if (snapshot.rawFiles && raw.has(p)) blobOf.set(p, raw.get(p)!.oid);
      else checkout.push({ oid: entry.oid, path: p });
    }
    const checkedOut = await this.checkedOut(checkout);
    // A blob git's checkout could not give (a smudge filter that fails): the blob itself.
    for (const c of checkout) if (!checkedOut.has(c.path)) blobOf.set(c.path, c.oid);
    const wanted = [...new Set(blobOf.values())];
    const objects = await readObjects(this.repo, wanted);
    const blobs = new Map<string, Buffer>();
    wanted.forEach((oid, i) => {
      const object = objects[i];
      if (object?.type === 'blob') blobs.set(oid, object.content);
    });
    const out = new Map<GitPath, ReadAhead>();
    for (const p of part.keys()) {
      const oid = blobOf.get(p);
      const content = oid === undefined ? checkedOut.get(p)! : blobs.get(oid);
      out.set(p, { content: content ?? new GuardError('git', `the blob ${oid} of ${pathText(p)} could not be read`), staged: staged.get(p) ?? null });
    }
    return out;
  }

  /**
   * Git's checkout of each blob at its path (the smudge side: what a rollback writes), in one
   * `cat-file --batch --filters`. When git fails (a smudge filter that fails stops it for the
   * whole batch), each file is asked about alone, so only the file whose filter fails goes without
   * its checkout: processes per file only then.
   */
  private async checkedOut(blobs: Array<{ oid: string; path: GitPath }>): Promise<Map<GitPath, Buffer>> {
    const out = new Map<GitPath, Buffer>();
    const together = await readCheckedOut(this.repo, blobs);
    if (together) {
      blobs.forEach((b, i) => together[i] && out.set(b.path, together[i]));
      return out;
    }
    if (blobs.length === 1) return out;
    for (const b of blobs) {
      const [alone] = (await readCheckedOut(this.repo, [b])) ?? [];
      if (alone) out.set(b.path, alone);
    }
    return out;
  }

  /**
   * Writes one file back unless HEAD moved since the snapshot, git staged its change, a sparse
   * checkout took it off the disk, it came back meanwhile, or a rollback paused the watcher.
   * HEAD and the index are read after the content, again whenever the index changed (gitView; not
   * once for the batch before the first restore: a `git rm` or a checkout while an earlier restore
   * of the batch ran was not seen, and the file came back untracked, or from the old branch into
   * the new one). Then, with
   * nothing awaited until the write: the pause, the user's index file as it was before those reads
   * (a git command that changed it, or holds index.lock, meanwhile: 'moved', looked at again
   * later), and the file still gone or empty; a file gone is created without replacing anything
   * (link(2)), so a file that came back (the user's, a checkout's) is never written over.
   */
  private async restoreOne(p: GitPath, entry: TreeEntry, snapshot: Snapshot, firstSeen: number, batch: GitPath[], read: ReadAhead): Promise<'written' | 'staged' | 'back' | 'deferred' | 'head' | 'moved'> {
    if (read.content instanceof Error) throw read.content;
    const content = read.content;
    const { stamp: indexBefore, head, tracked, outsideView } = await this.gitView(batch);
    if (head.symbolic !== snapshot.head.symbolic || head.oid !== snapshot.head.oid) return 'head';
    // Taken off the disk by a sparse checkout (`git sparse-checkout set`): the view changed, the
    // agent hook snapshots that, and a file written back would sit outside the view (on a vite
    // clone the undo of a rollback then differed by .github/workflows).
    if (outsideView.has(p)) return 'staged';
    // Staged through git since the snapshot: `git rm` (the index lost the path) or a change git
    // made in the index too (`git rm` of the last submodule empties .gitmodules there and on
    // disk): the hooks judge those; written back, the file and the index would disagree.
    if (snapshot.indexTree && read.staged && tracked.get(p) !== read.staged.oid) return 'staged';
    const heldAtWrite = TEST_FAULTS ? await this.holdForTest('write') : false;
    const outcome = this.writeIfStill(p, entry, content, snapshot, firstSeen, indexBefore);
    if (heldAtWrite) this.releasedForTest(outcome);
    return outcome;
  }

  /** restoreOne's last step, synchronous: what is checked is what the write meets. */
  private writeIfStill(p: GitPath, entry: TreeEntry, content: Buffer, snapshot: Snapshot, firstSeen: number, indexBefore: string): 'written' | 'back' | 'deferred' | 'moved' {
    if (this.paused > 0) {
      this.deferred.set(p, Math.min(firstSeen, this.deferred.get(p) ?? firstSeen));
      return 'deferred';
    }
    if (this.indexStamp() !== indexBefore || fs.existsSync(Buffer.from(`${this.repo.indexFile}.lock`))) {
      // A git command changed the index (or is changing it) while the above was read: looked at
      // again once it is done, as first seen.
      setTimeout(() => this.note(p, firstSeen), SETTLE_MS).unref();
      return 'moved';
    }
    const stat = lstat(fsPath(this.repo.root, p));
    if (stat && !(stat.isFile() && stat.size === 0)) return 'back';
    // Its permission bits as the snapshot recorded them where they are not git's checkout default
    // (an untracked or captured file at 0600: `modes`), else git's default for its mode.
    const recorded = snapshot.modes?.[pathText(p)];
    return this.write(p, entry, content, recorded !== undefined ? Number.parseInt(recorded, 8) : entry.mode === '100755' ? 0o755 : 0o644, stat === null) ? 'written' : 'back';
  }

  /**
   * HEAD and the batch's index entries, read again only when the index file changed since the last
   * read (a git command ran: `git rm`, a checkout), so a batch of restores costs two git processes,
   * not two a file (a `rm -rf .github` of thirty protected files). The stamp is taken before the
   * reads: a change during them shows at the write's check (writeIfStill: 'moved').
   */
  private async gitView(batch: GitPath[]): Promise<NonNullable<ProtectedRestore['view']>> {
    const stamp = this.indexStamp();
    if (this.view && this.view.stamp === stamp) return this.view;
    const [{ head }, { tracked, outsideView }] = await Promise.all([readHeadAndStash(this.repo), trackedAmong(this.repo, batch)]);
    this.view = { stamp, head, tracked, outsideView };
    return this.view;
  }

  /** The user's index file's identity now ('' when there is none): any write by git changes it. */
  private indexStamp(): string {
    const stat = lstat(Buffer.from(this.repo.indexFile));
    return stat ? `${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}` : '';
  }

  /**
   * Test bundle only: when the test armed it (`<gitDir>/guard/test-restore-hold`, with
   * GUARD_TEST_RESTORE_HOLD set), a restore renames the file to `test-restore-held` and waits until
   * the test removes it (at most a minute); releasedForTest then writes `test-restore-done` with
   * what it did (written, staged, back, deferred, head, moved). Where it holds is what the armed
   * file says: empty (or `look`), before it reads HEAD and the index (the snapshot's side, its
   * content and index entry, is read ahead for the batch: objects do not change); `write`, after
   * those reads, right before its last checks and the write. A test holds a restore that is due
   * while it starts a rollback, or runs git or writes the file under it. Armed once, it holds once.
   */
  private async holdForTest(point: 'look' | 'write'): Promise<boolean> {
    if (testFault('GUARD_TEST_RESTORE_HOLD') === undefined) return false;
    const armed = guardPath(this.repo, 'test-restore-hold');
    let at: string;
    try {
      at = fs.readFileSync(armed, 'utf8').trim() || 'look';
    } catch {
      return false;
    }
    if (at !== point) return false;
    const marker = guardPath(this.repo, 'test-restore-held');
    try {
      fs.renameSync(armed, marker);
    } catch {
      return false;
    }
    const deadline = Date.now() + 60_000;
    while (fs.existsSync(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return true;
  }

  private releasedForTest(outcome: string): void {
    fs.writeFileSync(guardPath(this.repo, 'test-restore-done'), outcome);
  }

  /**
   * Writes the file through a temp file; false when something is at the path by now. `gone`: the
   * file was not there at the last look, so it is created without replacing anything (link(2)
   * fails on a file that came back since); an emptied one is replaced (rename).
   */
  private write(rel: GitPath, entry: TreeEntry, content: Buffer, perms: number, gone: boolean): boolean {
    const target = fsPath(this.repo.root, rel);
    const slash = rel.lastIndexOf('/');
    const dir = slash < 0 ? Buffer.from(this.repo.root) : fsPath(this.repo.root, rel.slice(0, slash) as GitPath);
    const base = pathBytes(rel.slice(slash + 1) as GitPath);
    this.restoring.add(rel);
    const temp = Buffer.concat([dir, Buffer.from(`${path.sep}.`), base, Buffer.from(`.guard-restore-${process.pid}`)]);
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.rmSync(temp, { force: true });
      // A symlink's blob is its target, bytes as git stores them.
      if (entry.mode === '120000') fs.symlinkSync(content, temp);
      else fs.writeFileSync(temp, content, { mode: perms });
      if (entry.mode !== '120000') fs.chmodSync(temp, perms);
      if (!gone) {
        fs.renameSync(temp, target);
        return true;
      }
      try {
        fs.linkSync(temp, target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
        // A file system without hard links: the last look, then the rename.
        if (lstat(target)) return false;
        fs.renameSync(temp, target);
      }
      return true;
    } finally {
      fs.rmSync(temp, { force: true });
      // The events of our own write arrive after the settle delay; ignore them until then.
      setTimeout(() => this.restoring.delete(rel), SETTLE_MS * 2).unref();
    }
  }
}
