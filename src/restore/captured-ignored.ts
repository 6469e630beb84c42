/**
 * Ignored files the command guard captured into a snapshot because a command was about to delete
 * them, or overwrite them (`ignored` in the snapshot's metadata). Rolling back to an earlier
 * snapshot, which never held them (ignored files are not snapshotted), brings back those that are
 * missing now or whose bytes differ now, from the oldest snapshot after the target that captured
 * each, so `guard rollback` after `git clean -x`, `rm .env` or `cp .env.example .env` returns the
 * file byte for byte. The file there now is captured by the rollback's own snapshot first
 * (rollback.ts), so `guard rollback --undo` gives it back.
 *
 * A directory where a captured file goes comes out: `git checkout-index -a -f` or a `git switch`
 * that wrote `conf/x` where the ignored file `conf` was (git deletes an ignored file in the way of a
 * directory without a word). The rollback deletes what the pre-rollback snapshot holds under it,
 * and anything else in it is captured into that snapshot first or refuses the rollback
 * (obstacles.ts), so --undo brings the directory back. Such a directory was left alone until
 * 2026-12-04 and the captured file silently not restored. A symlink at its name (an agent's
 * `rm .env && ln -s config/dev.env .env`), or where a directory above it was, goes the same way:
 * git unlinks it, never follows it, the pre-rollback snapshot holds it (or the obstacle check
 * captures it first), and --undo gives it back with its target text; so does a file or another
 * link where the capture is a link. Until 2026-12-04 the link stayed and the file was only
 * reported, and a link where its directory was could even hide it (read through the link, a
 * file with the same bytes looked in place). A captured file that cannot come back without
 * undoing the target itself (the target has a directory there, or a file where it needs a
 * directory), a nested repository or a special file (fifo, socket: in no snapshot) there, is left
 * alone and named in `notRestored` with the snapshot that holds it: never silently.
 *
 * Names are recorded as text the way every path is shown (pathText: git-quoted when not UTF-8) and
 * read back to their bytes (pathFromText), so a name that is not UTF-8 comes back too. (Snapshots
 * of older versions recorded such a name decoded, its invalid bytes lost: that one is not found by
 * name, and stays in that snapshot's tree: `git checkout <snapshot> -- <path>`.)
 */
import fs from 'node:fs';
import { coveringPathspecs, fsPath, gitPathsOf, pathFromText, pathText, type GitPath } from '../git/path.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { checkoutPerms, recordedUmask } from '../snapshot/file-modes.js';
import type { Snapshot } from '../snapshot/format.js';
import { listSnapshots } from '../snapshot/read.js';
import type { TempIndex } from '../snapshot/temp-index.js';
import { databaseOfLog, isDatabaseLogName, startCaptureComesBack } from './database-side-files.js';
import { ignoredByRulesOf } from './ignored-at-target.js';
import { startCaptureGone } from './start-captures.js';
import { overlayEntries, type OverlayEntry } from './tree-overlay.js';
import type { NotRestored } from './not-restored.js';

export type { NotRestored } from './not-restored.js';

export interface CapturedOverlay {
  /** treeGoal with the captured files added. */
  tree: string;
  /** Their names as text (pathText, as every path in --json and the journal), for the plan and the journal. */
  restored: string[];
  /**
   * The permission bits the capturing snapshot recorded for them (its `modes`: a key at 0600),
   * by name as text, for the rollback to give back: the target never held these files.
   */
  modes: Record<string, string>;
  /** Captured files that differ from what is there now and do not come back (sorted by name). */
  notRestored: NotRestored[];
}

/** A capture to bring back: the snapshot that holds it; `held`: on disk at the target (its `heldIgnored`). */
interface Wanted {
  snapshot: Snapshot;
  age: number;
  held: boolean;
}

/**
 * Captured ignored files of snapshots after `target`, each from the oldest
 * snapshot after the target that captured it: the capture closest to the target is the file as
 * it was then (an agent's `cp a .env.local` then `rm .env.local` captured the person's file
 * first, then `a`). `age` counts from the newest (a larger number is closer to the target).
 * And those the target's `heldIgnored` names: captured by a snapshot before it, still on disk
 * unchanged when it was taken (a watcher snapshot between an agent hook's capture of `.env` and
 * the command that deleted it), from the snapshot that holds them.
 */
async function capturedSince(repo: Repo, target: Snapshot): Promise<Map<GitPath, Wanted>> {
  const wanted = new Map<GitPath, Wanted>();
  const held = Object.entries(target.heldIgnored ?? {}).filter(([, record]) => record.in !== undefined && record.in !== target.oid);
  const snapshots = await listSnapshots(repo);
  // Newest first: an older snapshot's capture replaces a newer one's.
  let age = 0;
  // A database's log, by the snapshots that captured it: it comes back only with its database.
  const logs = new Map<GitPath, Set<string>>();
  for (const snapshot of snapshots) {
    if (snapshot.oid === target.oid) break;
    age += 1;
    for (const text of snapshot.ignored ?? []) {
      const name = pathFromText(text);
      if (isDatabaseLogName(name)) logs.set(name, (logs.get(name) ?? new Set()).add(snapshot.oid));
      else wanted.set(name, { snapshot, age, held: false });
    }
  }
  // On disk at the target, as an earlier snapshot captured it (`heldIgnored`): that file, whatever
  // a later capture says (closest to the target of all).
  if (held.length > 0) {
    const byOid = new Map(snapshots.map((s) => [s.oid, s]));
    const heldNames = new Set<string>(held.map(([text]) => pathFromText(text)));
    const gone = (name: string): boolean => startCaptureGone(repo, name as GitPath);
    for (const [text, record] of held) {
      const holder = byOid.get(record.in!);
      // A session start's capture comes back only where the file is gone (start-captures.ts); a
      // database's log goes with its database (database-side-files.ts).
      if (holder?.trigger === 'session-start' && !startCaptureComesBack(pathFromText(text), heldNames, gone)) continue;
      if (holder) wanted.set(pathFromText(text), { snapshot: holder, age: Number.MAX_SAFE_INTEGER, held: true });
    }
  }
  // A log captured after the target is of a later state: beside the target's database it would
  // be replayed into it and undo the rollback. It comes back only from the snapshot its captured
  // database comes back from (the pair a command's capture took together; a held database is
  // the target's own, and its held log comes back above). Otherwise the log there now is removed
  // with the rollback and none is put back (database-side-files.ts).
  for (const [name, holders] of logs) {
    const database = wanted.get(databaseOfLog(name) as GitPath);
    if (database && holders.has(database.snapshot.oid)) wanted.set(name, { ...database });
  }
  return wanted;
}

/** git's object id of `bytes` as a blob (a symlink's blob is its target). */
async function blobId(repo: Repo, bytes: Buffer): Promise<string> {
  const hashed = await runGit(['hash-object', '--no-filters', '--stdin'], { cwd: repo.root, input: bytes });
  return hashed.stdout.toString('latin1').trim();
}

/** The captured blob goes to disk; it is there already; or it stays out, for `reason`. */
type OnDisk = 'write' | 'same' | { reason: string };

/**
 * Whether the captured blob must be written at `name`: it is missing now (or a file or a symlink
 * stands where its directory was: obstacles.ts captures that one first), a directory is there (see
 * the top of this file), a symlink is there (where the capture is a file, or another link), a
 * regular file where the capture is a link, or a regular file whose bytes or executable bit differ
 * (a command overwrote the ignored file after the command guard captured it; the rollback's own
 * snapshot captures what is there now first, so --undo gives it back). A special file or a nested
 * repository stays, with the reason.
 */
async function onDisk(repo: Repo, name: GitPath, mode: string, oid: string): Promise<OnDisk> {
  // A symlink (or a file) where a directory above it was: lstat of the name would read through
  // the link, and a file there with the same bytes looked like the capture already in place. It
  // goes (it is in the pre-rollback snapshot, or captured into it first) and the file comes back.
  for (const parent of parentsOf(name)) {
    const above = await fs.promises.lstat(fsPath(repo.root, parent as GitPath)).catch(() => null);
    if (!above) return 'write';
    if (!above.isDirectory()) return 'write';
  }
  const full = fsPath(repo.root, name);
  const stat = await fs.promises.lstat(full).catch(() => null);
  if (!stat) return 'write';
  if (stat.isDirectory()) {
    // Its history is in no snapshot: the rollback must not delete it to make room.
    const nested = await fs.promises.lstat(fsPath(repo.root, `${name}/.git` as GitPath)).catch(() => null);
    return nested ? { reason: 'a nested git repository is there now' } : 'write';
  }
  // A symlink (to anything: git unlinks it, never follows it) or a regular file is replaced: the
  // pre-rollback snapshot holds it, or the obstacle check captures it into that snapshot first,
  // so --undo gives it back, a link's target text exactly. A special file is in no snapshot.
  if (!stat.isSymbolicLink() && !stat.isFile()) return { reason: 'a special file (fifo, socket or device) is there now' };
  if (mode === '120000') {
    if (!stat.isSymbolicLink()) return 'write';
    return (await blobId(repo, await fs.promises.readlink(full, { encoding: 'buffer' }))) === oid ? 'same' : 'write';
  }
  if (stat.isSymbolicLink()) return 'write';
  if (((stat.mode & 0o100) !== 0 ? '100755' : '100644') !== mode) return 'write';
  // hash-object reads one name a line: a name with a line break is compared by its bytes here.
  return (await blobId(repo, await fs.promises.readFile(full))) === oid ? 'same' : 'write';
}

interface Candidate {
  entry: OverlayEntry;
  snapshot: Snapshot;
  age: number;
}

/** The directories above `name`, nearest last (`a/b/c` -> `a`, `a/b`). */
function parentsOf(name: string): string[] {
  const parents: string[] = [];
  for (let slash = name.indexOf('/'); slash !== -1; slash = name.indexOf('/', slash + 1)) parents.push(name.slice(0, slash));
  return parents;
}

/**
 * Two captures where one needs the other's name as a directory (`conf` captured, later
 * `conf/x`): they cannot both be on disk. The one closer to the target stays; the other is named.
 */
function dropCapturedConflicts(candidates: Candidate[], out: Map<Candidate, string>): Candidate[] {
  const byName = new Map<string, Candidate>(candidates.map((c) => [c.entry.path, c]));
  for (const c of candidates) {
    for (const parent of parentsOf(c.entry.path)) {
      const above = byName.get(parent);
      if (!above) continue;
      const [loser, winner] = above.age >= c.age ? [c, above] : [above, c];
      out.set(loser, `the captured file ${pathText(winner.entry.path as GitPath)} comes back where it needs ${loser === c ? 'a directory' : 'a file'}`);
    }
  }
  return candidates.filter((c) => !out.has(c));
}

/**
 * The captures that would replace the target's own files (update-index drops the entries in the
 * way of a file or directory it adds without a word): the target has a directory where the
 * capture is a file, or a file where the capture needs a directory. Read from what the overlay
 * removed from `tree` (one diff-tree of two trees); those captures stay out, named.
 */
async function goalConflicts(repo: Repo, tree: string, overlaid: string, candidates: Candidate[], out: Map<Candidate, string>): Promise<boolean> {
  const removed = await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-only', '--diff-filter=D', tree, overlaid], { cwd: repo.root });
  const names = gitPathsOf(removed.stdout);
  if (names.length === 0) return false;
  const removedNames = new Set<string>(names);
  for (const c of candidates) {
    const name = c.entry.path;
    const under = names.find((n) => n.startsWith(`${name}/`));
    const above = parentsOf(name).find((p) => removedNames.has(p));
    if (under !== undefined) out.set(c, `the target has a directory there (${pathText(under)})`);
    else if (above !== undefined) out.set(c, `the target has a file at ${pathText(above as GitPath)}`);
  }
  return true;
}

/**
 * `tree` (what the rollback writes) plus the captured ignored files missing now; the same tree
 * when there are none. The temp index it builds is pushed to `temps` for the caller to dispose.
 */
export async function withCapturedIgnored(repo: Repo, target: Snapshot, tree: string, temps: TempIndex[]): Promise<CapturedOverlay> {
  const wanted = await capturedSince(repo, target);
  if (wanted.size === 0) return { tree, restored: [], modes: {}, notRestored: [] };
  // A file an earlier rollback captured because it was in its way (a pre-rollback snapshot) comes
  // back only where the target's rules ignore it: one they do not ignore was absent at the target
  // (its tree holds every file its rules do not ignore), and it came back where the target had
  // nothing (found by the watcher fuzzer, seed 403). A file an agent's command or tool destroyed
  // (captured by the hook's snapshot, or a person's) comes back whatever the target's rules said:
  // it was created after the target, and the rollback gives back what the agent destroyed (an
  // ignored key deleted after `keys/` was added to .gitignore; file-tool-process-count.test.ts).
  // (A file the target's `heldIgnored` names was on disk at the target: it comes back whatever held it.)
  const fromRollbacks = [...wanted].filter(([, where]) => where.snapshot.trigger === 'pre-rollback' && !where.held).map(([name]) => name);
  if (fromRollbacks.length > 0) {
    const ignoredThen = await ignoredByRulesOf(repo, target.tree, fromRollbacks);
    for (const name of fromRollbacks) if (!ignoredThen.has(name)) wanted.delete(name);
    if (wanted.size === 0) return { tree, restored: [], modes: {}, notRestored: [] };
  }
  const candidates: Candidate[] = [];
  const left = new Map<Candidate, string>();
  const bySnapshot = new Map<Snapshot, { age: number; names: GitPath[] }>();
  for (const [name, { snapshot, age }] of wanted) bySnapshot.set(snapshot, { age, names: [...(bySnapshot.get(snapshot)?.names ?? []), name] });
  for (const [snapshot, { age, names }] of bySnapshot) {
    // A name that is not UTF-8 cannot go on the command line: a directory above it covers it (or
    // the whole tree), and only the exact names asked for are kept.
    const specs = coveringPathspecs(names);
    const asked = new Set<string>(names);
    const listed = await runGit(['ls-tree', '-r', '-z', snapshot.tree, ...(specs ? ['--', ...specs] : [])], { cwd: repo.root });
    for (const record of gitPathsOf(listed.stdout)) {
      // "<mode> <type> <oid>\t<path>"
      const tab = record.indexOf('\t');
      const [mode, type, oid] = record.slice(0, tab).split(' ');
      const name = record.slice(tab + 1) as GitPath;
      if (type !== 'blob' || !asked.has(name)) continue;
      const there = await onDisk(repo, name, mode!, oid!);
      if (there === 'same') continue;
      const candidate = { entry: { mode: mode!, oid: oid!, path: name }, snapshot, age };
      candidates.push(candidate);
      if (there !== 'write') left.set(candidate, there.reason);
    }
  }
  let kept = dropCapturedConflicts(candidates.filter((c) => !left.has(c)), left);
  let overlaid = await overlayEntries(repo, tree, kept.map((c) => c.entry), temps);
  if (kept.length > 0 && (await goalConflicts(repo, tree, overlaid, kept, left))) {
    kept = kept.filter((c) => !left.has(c));
    overlaid = await overlayEntries(repo, tree, kept.map((c) => c.entry), temps);
  }
  const modes: Record<string, string> = {};
  for (const { entry, snapshot } of kept) {
    const text = pathText(entry.path as GitPath);
    const bits = snapshot.modes?.[text];
    // No record is the default under the capturing snapshot's umask, which need not be the
    // target's nor ours (a key at 0600 captured under an agent's 077): said explicitly.
    const umask = recordedUmask(snapshot);
    if (bits !== undefined) modes[text] = bits;
    else if (umask !== undefined) modes[text] = checkoutPerms(entry.mode === '100755', umask).toString(8);
  }
  const notRestored = [...left].map(([c, reason]) => ({ path: pathText(c.entry.path as GitPath), snapshot: c.snapshot.oid, reason }));
  return {
    tree: overlaid,
    restored: kept.map((c) => pathText(c.entry.path as GitPath)).sort(),
    modes,
    notRestored: notRestored.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
  };
}
