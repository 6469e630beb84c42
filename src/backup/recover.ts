/**
 * `guard recover`: rebuilds a repository from its backup after `rm -rf .git`, or after the whole
 * project directory was deleted. Restores, as of the newest snapshot of the chosen chain: every
 * branch and tag (annotated tag objects re-created byte for byte from the keeper) and the
 * worktree's own refs (refs/bisect/*, refs/rewritten/*, refs/worktree/*), HEAD (symbolic
 * or detached), the stash with its messages, the index (staged state) and the working tree, git's
 * state of a merge, cherry-pick, revert, rebase or am in progress (rebase-merge/ and the other
 * directories too, and a bisect's BISECT_* files: restore/operation-plan.ts); plus
 * every snapshot chain, so rollback and the full history keep working; plus the repository's
 * config from the copy the backup keeps; plus guard's own hooks (rearm.ts).
 *
 * Invariants:
 *  - it never overwrites a file that exists in the target directory: a file that differs from
 *    the snapshot (or stands where the snapshot needs a directory) is moved aside, into a sibling
 *    directory `<target>.guard-aside-<time>/`, and listed; files the snapshot does not have are
 *    left where they are;
 *  - it refuses a directory that still is a repository (that is what `guard rollback` is for);
 *  - it only reads the backup (a fetch), never writes to it.
 */
import { configRecords, configText, type ConfigRecord } from '../git/config-text.js';
import { writeStashAtOnce } from '../git/stash-reflog.js';
import fs from 'node:fs';
import path from 'node:path';
import { restoreSparse } from '../restore/sparse-restore.js';
import { refreshRawIndex } from '../restore/raw-index.js';
import { GuardError } from '../errors.js';
import { withInternalToken } from '../git/internal-token.js';
import { GUARD_IDENTITY, zeroOid } from '../git/objects.js';
import { openRepo, guardPath, type Repo } from '../git/repo.js';
import { escapedBytes } from '../util/escaped-text.js';
import { runGit, runGitBytes, splitNul, splitNulBytes } from '../git/run.js';
import { fsPath, gitPath, gitPathOf, gitPathsOf, pathText, type GitPath } from '../git/path.js';
import { refNameBytes } from '../git/ref-name.js';
import { appendEvent } from '../session/journal.js';
import { moveTree } from '../util/move-tree.js';
import { createSnapshot } from '../snapshot/create.js';
import { recreateMissingTags } from '../snapshot/keeper.js';
import type { Snapshot } from '../snapshot/format.js';
import { writeOperationState } from '../snapshot/operation-state.js';
import { listRawFiles } from '../snapshot/raw-files.js';
import { readObjects } from '../git/batch-objects.js';
import { applyRawWrites } from '../restore/raw-restore.js';
import { strayLogsForRecover } from '../restore/database-side-files.js';
import { goalState, planOperation, type OperationPlan } from '../restore/operation-plan.js';
import { chooseChain, listBackups, readChains, type BackupInfo, type ChainInfo } from './catalog.js';
import { rearmProtection, type RearmResult } from './rearm.js';
import { writeLink } from './link.js';
import { defaultStoreDir } from './location.js';
import { backupsForRoot, readRegistry, recordBackup } from './registry.js';
import { backupRoots, inBackup, isBackupRepo } from './store.js';
import { copyLfsObjects, lfsObjectsDir, localLfsObjects } from './lfs-objects.js';
import { pointersWithoutObject } from '../restore/lfs-restore.js';
import { applyFlags } from '../snapshot/index-flags.js';
import { applyRecordedModes, recordedDirs } from '../snapshot/file-modes.js';

/** Parallel workers writing the working tree (git's parallel checkout; measured best at 4 on 2 cores). */
const CHECKOUT_WORKERS = 4;

/** A clean environment for git in the directory being rebuilt (no inherited repository context). */
const NO_REPO_ENV = { GIT_DIR: undefined, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined, GIT_OBJECT_DIRECTORY: undefined };

export interface RecoverPlan {
  backup: BackupInfo;
  chain: ChainInfo;
  snapshot: Snapshot;
  /** Absolute directory to rebuild. */
  target: string;
  targetExists: boolean;
  /** Debris of a `.git` that is not a repository (e.g. a leftover guard temp dir): moved aside too. */
  gitDebris: boolean;
  /** Number of files (and symlinks, gitlinks) in the snapshot's working tree. */
  files: number;
  /** Other backups that also served this directory (for the listing). */
  others: BackupInfo[];
  /**
   * The merge, cherry-pick or revert in progress when the snapshot was taken, whose git state
   * (MERGE_HEAD, ...) comes back, or the rebase, am or bisect whose state does not; null: none.
   */
  operation: OperationPlan | null;
}

/**
 * Both names as --json shows paths (pathText): the real name when it is UTF-8 text without
 * control characters, otherwise the whole path quoted the way git quotes it (`"/x/bad\377.log"`),
 * which C-unquotes to its exact bytes.
 */
export interface MovedAside {
  /** Repository-relative. */
  path: string;
  /** Where it is now: the absolute path inside the aside directory. */
  to: string;
}

export interface RecoverResult {
  plan: RecoverPlan;
  root: string;
  refs: number;
  stash: number;
  /** Files written into the working tree (missing before). */
  written: number;
  movedAside: MovedAside[];
  asideDir: string | null;
  /** The snapshot recorded after the recovery (trigger recover). */
  after: string;
  /** guard's own protection put back in the rebuilt repository (rearm.ts). */
  protection: RearmResult;
  /** Git LFS files written as pointers: neither the backup nor the repository held their object (as text, pathText). */
  lfsPointersLeft: string[];
}

function isRepository(dir: string): boolean {
  const dotGit = path.join(dir, '.git');
  if (!fs.existsSync(dotGit)) return false;
  if (fs.statSync(dotGit).isFile()) return true; // a gitdir link (linked worktree, submodule)
  return fs.existsSync(path.join(dotGit, 'HEAD')) && fs.existsSync(path.join(dotGit, 'objects'));
}

async function backupFrom(from: string, stores: string[]): Promise<BackupInfo> {
  const asPath = path.resolve(from);
  if (isBackupRepo(asPath)) {
    const chains = await readChains(asPath);
    return { id: path.basename(asPath).replace(/\.git$/, ''), path: asPath, roots: await backupRoots(asPath), chains, latest: chains.map((c) => c.latest.time).sort().pop() ?? null };
  }
  const all = await listBackups(stores);
  const matches = all.filter((b) => b.id === from || b.id.startsWith(from));
  if (matches.length === 1) return matches[0]!;
  throw new GuardError('user', matches.length > 1 ? `"${from}" matches ${matches.length} backups` : `no backup "${from}" (neither a backup repository path nor a known backup id)`, {
    hints: [...matches.slice(0, 8).map((b) => `  ${b.id}  ${b.path}`), 'See every backup on this machine with: guard recover --list'],
  });
}

export async function planRecovery(options: { target: string; from?: string; stores?: string[] }): Promise<RecoverPlan> {
  const target = path.resolve(options.target);
  const stores = options.stores ?? [];
  if (isRepository(target)) {
    throw new GuardError('refused', `${target} is still a git repository; recover rebuilds a repository whose .git is gone, so nothing was changed`, {
      hints: ['To go back to an earlier state of a working repository use: guard rollback', 'To rebuild a copy elsewhere use: guard recover --into NEW_DIR'],
    });
  }
  let backup: BackupInfo;
  let others: BackupInfo[] = [];
  if (options.from) {
    backup = await backupFrom(options.from, stores);
  } else {
    const all = await listBackups(stores);
    const forRoot = all.filter((b) => b.roots.includes(target) || b.chains.some((c) => c.latest.root === target));
    // Prefer the backup the registry used most recently for this directory.
    const registryOrder = backupsForRoot([...readRegistry(defaultStoreDir()), ...stores.flatMap((s) => readRegistry(s))], target).map((e) => e.path);
    forRoot.sort((a, b) => {
      const ra = registryOrder.indexOf(a.path);
      const rb = registryOrder.indexOf(b.path);
      if (ra !== rb) return (ra < 0 ? Infinity : ra) - (rb < 0 ? Infinity : rb);
      return (b.latest ?? '').localeCompare(a.latest ?? '');
    });
    if (!forRoot[0]) {
      throw new GuardError('user', `no backup on this machine was made from ${target}`, {
        hints:
          all.length > 0
            ? ['Backups on this machine:', ...all.slice(0, 10).map((b) => `  ${b.id}  ${b.latest ?? '(empty)'}  ${b.roots.join(', ')}`), 'Pick one with: guard recover --from ID [--into DIR]']
            : ['There are no guard backups on this machine (see `guard recover --list`). A backup is made after each snapshot while guard watches a session, or with `guard backup push`.'],
      });
    }
    backup = forRoot[0];
    others = forRoot.slice(1);
  }
  const chain = chooseChain(backup, target);
  if (!chain) throw new GuardError('user', `the backup ${backup.path} holds no snapshots`, { hints: ['See every backup with: guard recover --list'] });
  const count = await runGit(['ls-tree', '-r', '-z', '--name-only', chain.latest.tree], { ...inBackup(backup.path) });
  return {
    backup,
    chain,
    snapshot: chain.latest,
    target,
    targetExists: fs.existsSync(target),
    gitDebris: fs.existsSync(path.join(target, '.git')),
    files: splitNul(count.stdout).length,
    others,
    operation: planOperation(null, chain.latest),
  };
}

function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/** Moves what is in the way aside, keeping its relative path. */
class Aside {
  readonly moved: MovedAside[] = [];
  private dir: string | null = null;
  constructor(private readonly target: string) {}

  get directory(): string | null {
    return this.dir;
  }

  /** Moves `rel` (bytes, as git names it) into the aside directory, keeping its name. */
  move(rel: GitPath): void {
    if (this.dir === null) {
      this.dir = `${this.target}.guard-aside-${stamp()}`;
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    }
    const from = fsPath(this.target, rel);
    const to = fsPath(this.dir, rel);
    const parent = path.posix.dirname(rel) as GitPath;
    fs.mkdirSync(parent === '.' ? this.dir : fsPath(this.dir, parent), { recursive: true });
    // Also across file systems (a mount inside the working tree), names as bytes.
    moveTree(from, to);
    // `to` is quoted as one path: quoting only the name inside it would name no file.
    this.moved.push({ path: pathText(rel), to: pathText(gitPathOf(to)) });
  }
}

function lstat(file: string | Buffer): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch {
    return null;
  }
}

async function restoreRefs(repo: Repo, snapshot: Snapshot, env: Record<string, string>): Promise<void> {
  const gitEnv = { ...NO_REPO_ENV, ...env, ...GUARD_IDENTITY };
  // A ref name as its bytes (ref-name.ts: `bad\377` is the byte 0xff), on stdin.
  const lines = Object.entries(snapshot.refs).map(([ref, oid]) => Buffer.concat([Buffer.from('create '), refNameBytes(ref), Buffer.from(` ${oid}\n`)]));
  if (lines.length > 0) await runGit(['update-ref', '-m', 'guard: recover', '--stdin'], { cwd: repo.root, env: gitEnv, input: Buffer.concat(lines) });
  if (snapshot.head.symbolic) await runGitBytes(['symbolic-ref', 'HEAD', refNameBytes(snapshot.head.symbolic)], { cwd: repo.root, env: gitEnv });
  else if (snapshot.head.oid) await runGit(['update-ref', '-m', 'guard: recover', '--no-deref', 'HEAD', snapshot.head.oid], { cwd: repo.root, env: gitEnv });
  // All entries with their reflog in two processes where the ref backend allows (stash-reflog.ts).
  if (await writeStashAtOnce(repo.root, repo.commonDir, snapshot.stash, zeroOid(snapshot.stash[0]?.oid ?? ''), gitEnv)) return;
  // Oldest first, so the newest entry ends up as stash@{0}; a hidden entry had no reflog.
  for (const entry of [...snapshot.stash].reverse()) {
    // The message is escaped text (repo-state.ts readStash): given to git as its bytes.
    const reflog = entry.hidden ? [] : ['--create-reflog', '-m', escapedBytes(entry.message)];
    await runGitBytes(['update-ref', ...reflog, 'refs/stash', entry.oid], { cwd: repo.root, env: gitEnv });
  }
}

/** Puts the snapshot's working tree into the directory and installs its index; returns files written. */
/**
 * The files `checkout-index -a` did not write because git-lfs's smudge failed: those whose LFS
 * object this repository lacks are written as the pointers they are (the filter turned off for
 * them), the others through it, each list given on stdin. Returns the pointers left.
 */
async function checkoutAroundMissingLfs(repo: Repo, tree: string, unwritten: GitPath[], ctx: { cwd: string; env: Record<string, string | undefined> }): Promise<GitPath[]> {
  const missing = new Set((await pointersWithoutObject(repo, tree, unwritten)) as GitPath[]);
  const rest = unwritten.filter((p) => !missing.has(p));
  const list = (paths: GitPath[]): Buffer => Buffer.concat(paths.map((p) => Buffer.from(`${p}\0`, 'latin1')));
  if (rest.length > 0) await runGit(['-c', `checkout.workers=${CHECKOUT_WORKERS}`, 'checkout-index', '-q', '-u', '-z', '--stdin'], { ...ctx, input: list(rest), okCodes: [1] });
  if (missing.size > 0) await runGit(['-c', 'filter.lfs.process=', '-c', 'filter.lfs.smudge=', '-c', 'filter.lfs.required=false', 'checkout-index', '-q', '-u', '-z', '--stdin'], { ...ctx, input: list([...missing]), okCodes: [1] });
  return [...missing];
}

async function restoreWorktree(repo: Repo, snapshot: Snapshot, aside: Aside, lfsPointersLeft: GitPath[]): Promise<number> {
  const tmpDir = guardPath(repo, 'tmp');
  fs.mkdirSync(tmpDir, { recursive: true });
  const treeIndex = path.join(tmpDir, `recover-tree-${process.pid}`);
  const stagedIndex = path.join(tmpDir, `recover-index-${process.pid}`);
  const withIndex = (file: string) => ({ cwd: repo.root, env: { ...NO_REPO_ENV, GIT_INDEX_FILE: file } });
  try {
    // Nothing but the new .git in the directory (a deleted project, a new --into): no file can
    // equal the snapshot or be in the way, so every entry is written and none is compared.
    const empty = fs.readdirSync(repo.root).every((name) => name === '.git');
    await runGit(['read-tree', snapshot.tree], withIndex(treeIndex));
    // Compares every existing file with the snapshot by content (the fresh index has no stat data).
    if (!empty) await runGit(['update-index', '-q', '--refresh'], { ...withIndex(treeIndex), okCodes: [1] });
    // Names stay bytes (GitPath) from git to the fs calls: a name that is not valid UTF-8 is
    // found, compared and moved aside under its own name.
    const entries = splitNulBytes((await runGit(['ls-files', '-z', '-s'], withIndex(treeIndex))).stdout).map((record) => {
      const tab = record.indexOf('\t');
      return { mode: record.slice(0, 6), path: record.slice(tab + 1) as GitPath };
    });
    const gitlinks = new Set(entries.filter((e) => e.mode === '160000').map((e) => e.path));
    // In index order either way, as diff-files lists them.
    const differing = empty ? entries.map((e) => e.path) : gitPathsOf((await runGit(['diff-files', '-z', '--name-only'], withIndex(treeIndex))).stdout);
    // Files git converts whose raw bytes the snapshot kept (format.ts `rawFiles`): a file there that
    // git calls equal to the snapshot holds other bytes when they are not the raw ones; it is moved
    // aside like any other file that differs.
    const raw = snapshot.rawFiles ? await listRawFiles(repo, snapshot.rawFiles.tree) : new Map<string, { oid: string }>();
    const rawDiffering: GitPath[] = [];
    if (raw.size > 0) {
      const listed = new Set<string>(differing);
      const existing = [...raw].filter(([p]) => !listed.has(p) && lstat(fsPath(repo.root, p as GitPath))?.isFile());
      const blobs = await readObjects(repo, existing.map(([, leaf]) => leaf.oid));
      existing.forEach(([p], i) => {
        if (!blobs[i] || !fs.readFileSync(fsPath(repo.root, p as GitPath)).equals(blobs[i]!.content)) rawDiffering.push(p as GitPath);
      });
      differing.push(...rawDiffering);
    }
    let written = 0;
    // What each directory on the way is, asked once (a deleted project: one lstat per top-level
    // entry instead of several per file); 'absent' also after it was moved aside.
    const known = new Map<string, 'dir' | 'absent'>();
    for (const rel of differing) {
      if (gitlinks.has(rel)) continue; // a submodule's checkout is its own repository: never moved
      written++;
      const parts = rel.split('/');
      let absent = false;
      for (let i = 1; i < parts.length && !absent; i++) {
        const ancestor = parts.slice(0, i).join('/') as GitPath;
        let kind = known.get(ancestor);
        if (kind === undefined) {
          const stat = lstat(fsPath(repo.root, ancestor));
          // A file (or symlink) where the snapshot needs a directory.
          if (stat && !stat.isDirectory()) aside.move(ancestor);
          kind = stat?.isDirectory() ? 'dir' : 'absent';
          known.set(ancestor, kind);
        }
        absent = kind === 'absent';
      }
      if (!absent && lstat(fsPath(repo.root, rel))) aside.move(rel);
    }
    // A database's log of a later state (an ignored `app.db-wal` that `rm -rf .git` left) would be
    // replayed into the snapshot's database at its next open: aside with the files that differ
    // (database-side-files.ts).
    if (!empty) for (const log of strayLogsForRecover(repo.root, entries.map((e) => e.path), differing)) aside.move(log);
    // Without -f, files that exist (equal to the snapshot, as checked above) are left untouched.
    // Writing the files is nearly all of a recover's time, and most of it is the file system
    // creating inodes (waits, not CPU: after a mass delete, on a `discard` mount, each create can
    // stall), so a few parallel workers pay even on one or two cores (docs/BENCHMARKS.md, issue 8).
    // The directories whose bits the snapshot knows that are not there yet: the checkout makes them.
    const made = new Set(recordedDirs(snapshot).filter((dir) => !lstat(fsPath(repo.root, dir as GitPath))?.isDirectory()));
    // Parallel checkout keeps checkout-index's rules: an existing file is never overwritten.
    const checkout = await runGit(['-c', `checkout.workers=${CHECKOUT_WORKERS}`, 'checkout-index', '-a', '-q', '-u'], { ...withIndex(treeIndex), okCodes: [1, 128] });
    if (checkout.code === 128) {
      // git-lfs's smudge found no object for a pointer (a backup made before it kept LFS objects, or
      // a `git lfs prune` before the push ran): every other file is written all the same, those
      // pointers as they are, and named (lfsPointersLeft).
      if (!/smudge filter lfs failed/.test(checkout.stderr)) throw new GuardError('git', `git checkout-index failed: ${checkout.stderr.trim()}`);
      lfsPointersLeft.push(...(await checkoutAroundMissingLfs(repo, snapshot.tree, differing.filter((p) => !gitlinks.has(p) && !lstat(fsPath(repo.root, p))), withIndex(treeIndex))));
    }
    // The raw bytes over git's checkout, where git wrote it (the index re-reads them: stat data).
    if (raw.size > 0) {
      const wrote = new Set<string>(differing);
      await applyRawWrites(repo, [...raw].filter(([p]) => wrote.has(p)).map(([p, leaf]) => ({ path: p as GitPath, blob: leaf.oid })), snapshot.tree, treeIndex);
    }
    // Permission bits git's checkout does not give (a key at 0600, a 0700 directory), as the
    // snapshot recorded them, on what this checkout wrote (file-modes.ts).
    await applyRecordedModes(repo.root, snapshot, new Set<string>(differing), made);
    fs.copyFileSync(treeIndex, stagedIndex);
    let content: Buffer;
    if (snapshot.rawIndex) {
      content = (await runGit(['cat-file', 'blob', snapshot.rawIndex], { cwd: repo.root })).stdout;
    } else {
      // One-way merge from the worktree index: entries equal to the staged tree keep fresh stat data.
      await runGit(['read-tree', '-m', snapshot.indexTree ?? snapshot.tree], withIndex(stagedIndex));
      // The bits no tree holds (assume-unchanged, skip-worktree, intent-to-add), over the files just written.
      await applyFlags(repo, stagedIndex, snapshot.indexFlags);
      content = fs.readFileSync(stagedIndex);
    }
    const lock = `${repo.indexFile}.lock`;
    fs.writeFileSync(lock, content, { flag: 'wx' });
    fs.renameSync(lock, repo.indexFile);
    // The raw index's stat data is of the files the snapshot saw (raw-index.ts).
    if (snapshot.rawIndex) await refreshRawIndex(repo, snapshot.sparse);
    return written;
  } finally {
    for (const file of [treeIndex, stagedIndex]) fs.rmSync(file, { force: true });
    for (const file of [treeIndex, stagedIndex]) fs.rmSync(`${file}.lock`, { force: true });
  }
}

/**
 * Keys of the repository's config that describe this copy of it (its layout, what git found the
 * file system able to do, its object format): the new clone's values stand, the old ones are
 * not copied back. Except extensions.worktreeConfig: it says where each worktree's own settings
 * live (`config.worktree`), and `git sparse-checkout` sets it; left out, restoreSparse's `git
 * config --worktree` wrote core.sparseCheckout into the shared config, where every worktree added
 * later read it (found on a sparse clone of pallets/flask, 2026-12-07, helper rbaudit).
 */
const LAYOUT_KEY = /^(core\.(repositoryformatversion|bare|worktree|filemode|symlinks|ignorecase|precomposeunicode)|extensions\.(?!worktreeconfig$).*)$/i;

/**
 * The repository's own config from the copy the backup keeps (mirror.ts): remotes, branch
 * upstreams, and everything else the user set for this repository (user.email, core.hooksPath
 * of a hook manager, gc and fetch settings, includes), which `rm -rf .git` took with it. A key
 * the new clone already has, or one of LAYOUT_KEY, keeps the clone's value. One `git config
 * --list` and one write of the whole file, whatever the number of keys.
 */
async function restoreConfig(repo: Repo, backup: string): Promise<void> {
  const copy = path.join(backup, 'guard', 'source-config');
  if (!fs.existsSync(copy)) return;
  const listed = await runGit(['config', '-f', copy, '-z', '--list'], { cwd: repo.root, env: NO_REPO_ENV, okCodes: [1, 128] });
  if (listed.code !== 0) return;
  const configFile = path.join(repo.commonDir, 'config');
  const present = await runGit(['config', '-f', configFile, '-z', '--list'], { cwd: repo.root, env: NO_REPO_ENV, okCodes: [1] });
  const keyOf = (item: ConfigRecord): string => item.key.toString('latin1').toLowerCase();
  const has = new Set(configRecords(present.stdout).map(keyOf));
  const restored = configRecords(listed.stdout).filter((item) => !has.has(keyOf(item)) && !LAYOUT_KEY.test(keyOf(item)));
  if (restored.length === 0) return;
  // Appended in the copy's order (multi-valued keys such as remote.*.fetch keep theirs), in one
  // write; read back by git, and written key by key through git config when git reads back
  // anything else (the file's bytes as they were first).
  const before = fs.readFileSync(configFile);
  fs.writeFileSync(configFile, Buffer.concat([before, before.length > 0 && before[before.length - 1] !== 0x0a ? Buffer.from('\n') : Buffer.alloc(0), configText(restored)]));
  const after = await runGit(['config', '-f', configFile, '-z', '--list'], { cwd: repo.root, env: NO_REPO_ENV, okCodes: [1, 128] });
  const expected = Buffer.concat([present.stdout, ...restored.map((r) => r.raw)]);
  if (after.code === 0 && after.stdout.equals(expected)) return;
  fs.writeFileSync(configFile, before);
  for (const item of restored) {
    await runGitBytes(['config', '-f', configFile, '--add', item.key, item.value ?? 'true'], { cwd: repo.root, env: NO_REPO_ENV });
  }
}

/**
 * The repository's `info/exclude` from the copy the backup keeps (mirror.ts): the person's own
 * ignore rules (`.env`, `*.db`), which `rm -rf .git` took with it. The new clone's file is git's
 * template, replaced whole; nothing when the backup has no copy (made before 2026-12-07).
 */
function restoreExclude(repo: Repo, backup: string): void {
  const copy = path.join(backup, 'guard', 'source-exclude');
  let content: Buffer;
  try {
    content = fs.readFileSync(copy);
  } catch {
    return;
  }
  const file = path.join(repo.commonDir, 'info', 'exclude');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** The last progress line in git's stderr (`--progress` lines end in CR, or LF when done). */
function gitProgress(report: (text: string) => void): (chunk: Buffer) => void {
  return (chunk) => {
    const line = chunk.toString('utf8').split(/[\r\n]/).filter((l) => l.trim() !== '').pop();
    if (line) report(line.trim());
  };
}

export interface RecoverOptions {
  /** A short line on what it does now (objects copied, files written), for a terminal. */
  onProgress?: (text: string) => void;
}

export async function applyRecovery(plan: RecoverPlan, options: RecoverOptions = {}): Promise<RecoverResult> {
  const progress = options.onProgress ?? (() => undefined);
  const { target, snapshot, backup } = plan;
  fs.mkdirSync(target, { recursive: true });
  const aside = new Aside(target);
  if (fs.existsSync(path.join(target, '.git'))) {
    if (isRepository(target)) throw new GuardError('refused', `${target} became a git repository meanwhile; nothing was changed`);
    // Not a repository: what is left of one (e.g. a temp dir a guard process recreated). Keep it.
    aside.move(gitPath('.git'));
  }
  // A local mirror clone of the backup copies (or hard-links) its pack files as they are: the
  // cost of `git clone --mirror`, where a fetch would re-pack and re-index every object. The
  // rebuilt repository borrows nothing from the backup (no alternates), and holds its
  // refs/guard/* (the backup accepts nothing else). No hook runs in a repository being born.
  progress(`copying the backup ${backup.path}…`);
  await runGit(['-c', 'core.hooksPath=/dev/null', 'clone', ...(options.onProgress ? ['--progress'] : ['--quiet']), '--mirror', backup.path, path.join(target, '.git')], {
    cwd: target,
    env: NO_REPO_ENV,
    ...(options.onProgress ? { onStderr: gitProgress((line) => progress(`copying the backup: ${line}`)) } : {}),
  });
  const gitDir = { cwd: target, env: { ...NO_REPO_ENV, GIT_DIR: path.join(target, '.git') } };
  // A working repository, and no remote pointing at the backup (restoreConfig brings the user's).
  await runGit(['config', 'core.bare', 'false'], gitDir);
  await runGit(['config', '--remove-section', 'remote.origin'], gitDir);
  const repo = await openRepo(target);
  await withInternalToken(repo, async (env) => {
    progress(`restoring ${Object.keys(snapshot.refs).length} branches and tags…`);
    await recreateMissingTags(repo, snapshot.keeper, Object.values(snapshot.refs));
    await restoreRefs(repo, snapshot, env);
  });
  // The config before the files: git's checkout applies core.autocrlf and the filters the
  // repository's config sets, as the checkout the snapshot saw did.
  await restoreConfig(repo, backup.path);
  // The person's own ignore rules, before anything looks at which files are ignored.
  restoreExclude(repo, backup.path);
  // The Git LFS content the backup kept (lfs-objects.ts), before git's checkout runs git-lfs's
  // smudge on the pointers: a clone copies git's objects only. Hard links, as the clone's own.
  // After the config: an `lfs.storage` there says where git-lfs looks for them.
  copyLfsObjects(lfsObjectsDir(backup.path), localLfsObjects(repo), { link: true });
  progress(`writing the working tree (${plan.files} files)…`);
  const lfsPointersLeft: GitPath[] = [];
  const written = await restoreWorktree(repo, snapshot, aside, lfsPointersLeft);
  // Once refs, HEAD and the index are in place: git's merge, cherry-pick, revert, rebase or am
  // state (rebase-merge/, ...), so the operation goes on where it was (a new repository has none
  // to remove).
  const operationGoal = goalState(snapshot);
  if (operationGoal) await writeOperationState(repo, null, operationGoal);
  // The sparse-checkout view (sparse-state.ts): every file was written, the ones outside the view
  // are taken off the disk again and the pattern file and settings put back (sparse-restore.ts).
  await restoreSparse(repo, { patterns: null }, snapshot.sparse);

  // Keep mirroring into the backup this repository came from.
  writeLink(repo, { id: backup.id, path: backup.path });
  recordBackup(path.dirname(backup.path), { id: backup.id, path: backup.path, root: repo.root });
  if (defaultStoreDir() !== path.dirname(backup.path)) recordBackup(defaultStoreDir(), { id: backup.id, path: backup.path, root: repo.root });

  // guard's own protection, which no backup holds (rearm.ts): before the closing snapshot, so
  // that the repository is guarded from the moment `guard recover` returns.
  progress('putting back guard\'s hooks…');
  const protection = await rearmProtection(repo);

  const { readPolicy } = await import('../config/compile.js');
  const policy = await readPolicy(repo);
  progress('recording a snapshot of the recovered state…');
  const after = await createSnapshot(repo, {
    trigger: 'recover',
    message: `recovered from ${backup.path} at snapshot ${snapshot.oid.slice(0, 12)}`,
    maxFileSize: policy.snapshot.maxFileSize,
    includeIgnored: policy.snapshot.includeIgnored,
  });
  appendEvent(repo, {
    type: 'recover',
    backup: backup.path,
    snapshot: snapshot.oid,
    after: after.snapshot.oid,
    movedAside: aside.moved.length,
    ...(aside.directory ? { asideDir: aside.directory } : {}),
  });
  return {
    plan,
    root: repo.root,
    refs: Object.keys(snapshot.refs).length,
    stash: snapshot.stash.length,
    written,
    movedAside: aside.moved,
    asideDir: aside.directory,
    after: after.snapshot.oid,
    protection,
    lfsPointersLeft: lfsPointersLeft.map((p) => pathText(p)),
  };
}
