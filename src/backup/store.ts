/**
 * One backup repository: a bare, self-contained git repository outside the working tree that
 * receives every snapshot (refs/guard/*) and so everything the snapshots keep reachable.
 *
 * Invariants:
 *  - self-contained: no `objects/info/alternates` (objects borrowed from the live repository
 *    would vanish with its `gc --prune=now` or `rm -rf .git`); objects only ever arrive by push
 *    or fetch, which copy them;
 *  - it refuses deletions and non-fast-forward updates from pushes: a push cannot shorten its
 *    history. `receive.denyDeletes` and `receive.denyNonFastForwards` are set, but git applies
 *    them to refs/heads/* only, so guard's own `update` hook (BACKUP_UPDATE_HOOK) refuses both
 *    for every ref. Retention (`guard gc`) rewrites chains deliberately with local plumbing,
 *    never through a push;
 *  - private: created 0700 (snapshots hold untracked files, which may be secrets);
 *  - no other hooks run in it: `core.hooksPath` points at a directory of its own that holds only
 *    that hook, so a global hooks path cannot run code when guard pushes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { runGit, gitText } from '../git/run.js';

/** POSIX sh: refuses deleting or rewinding any ref of the backup (git's receive.deny* cover branches only). */
export const BACKUP_UPDATE_HOOK = `#!/bin/sh
# git-guard backup repository: the backup only grows. Refuses deleting a ref and any update that
# is not a fast-forward, for every ref (receive.denyDeletes and receive.denyNonFastForwards only
# cover refs/heads/*). Retention (guard gc) rewrites the backup with local plumbing, not a push.
ref=$1 old=$2 new=$3
case $new in
*[!0]*) ;;
*) echo "git-guard backup: refusing to delete $ref (a backup never loses snapshots)" >&2; exit 1 ;;
esac
case $old in
*[!0]*) ;;
*) exit 0 ;;
esac
if git merge-base --is-ancestor "$old" "$new" 2>/dev/null; then exit 0; fi
echo "git-guard backup: refusing a non-fast-forward update of $ref (a backup never loses snapshots)" >&2
exit 1
`;

function writeHook(hooksDir: string): void {
  const hook = path.join(hooksDir, 'update');
  try {
    if (fs.readFileSync(hook, 'utf8') === BACKUP_UPDATE_HOOK && (fs.statSync(hook).mode & 0o100) !== 0) return;
  } catch {
    // not there yet
  }
  fs.writeFileSync(`${hook}.tmp`, BACKUP_UPDATE_HOOK, { mode: 0o700 });
  fs.chmodSync(`${hook}.tmp`, 0o700);
  fs.renameSync(`${hook}.tmp`, hook);
}

/** git options for commands that run inside the backup repository. */
export function inBackup(backup: string): { cwd: string; env: Record<string, string | undefined> } {
  // GIT_DIR pins the repository whatever the environment says; the rest of a worktree context
  // (an index, a work tree) does not apply to a bare repository.
  return { cwd: backup, env: { GIT_DIR: backup, GIT_WORK_TREE: undefined, GIT_INDEX_FILE: undefined, GIT_COMMON_DIR: undefined } };
}

export function isBackupRepo(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'HEAD')) && fs.existsSync(path.join(dir, 'objects')) && fs.existsSync(path.join(dir, 'refs'));
}

/** Creates the backup (and a private store directory) if needed, and (re)asserts its settings. */
export async function ensureBackupRepo(backup: string, source: { root: string }): Promise<void> {
  const store = path.dirname(backup);
  fs.mkdirSync(store, { recursive: true, mode: 0o700 });
  // mkdir's mode is filtered by the umask and ignored for existing directories.
  fs.chmodSync(store, 0o700);
  const fresh = !isBackupRepo(backup);
  if (fresh) {
    fs.mkdirSync(backup, { recursive: true, mode: 0o700 });
    await runGit(['init', '--bare', '--quiet', backup], { cwd: store, env: { GIT_DIR: undefined, GIT_WORK_TREE: undefined } });
  }
  fs.chmodSync(backup, 0o700);
  const hooks = path.join(backup, 'guard', 'hooks');
  fs.mkdirSync(hooks, { recursive: true, mode: 0o700 });
  writeHook(hooks);
  const settings: Array<[string, string]> = [
    ['receive.denyDeletes', 'true'],
    ['receive.denyNonFastForwards', 'true'],
    // A reflog in the backup too: one more way back if something goes wrong there.
    ['core.logAllRefUpdates', 'always'],
    ['core.hooksPath', hooks],
    // A shallow clone (`git clone --depth`, as CI and agents' sandboxes make them) can only push
    // its cut-off history into a repository that takes shallow updates; git refuses them by
    // default ("shallow update not allowed"), which left such a clone without any backup.
    ['receive.shallowUpdate', 'true'],
    ['guard.backup', 'true'],
  ];
  const git = inBackup(backup);
  if (!fresh) {
    // The config file as it was when git last found every setting in it for this root: then it
    // still has them, and git is not asked again (a process in series before every push; the
    // session start's push is on the agent's path). `config --local` reads that one file and
    // follows no include, so its bytes are all it depends on. Any write to it (a `git config`,
    // an edit) changes them, and git is asked again.
    const before = readConfigBytes(backup);
    if (before && checkedConfig(backup) === configStamp(source.root, before)) {
      assertSelfContained(backup);
      return;
    }
    const current = await runGit(['config', '--local', '-z', '--list'], { ...git, okCodes: [1] });
    const have = new Set(current.stdout.toString('utf8').split('\0').map((kv) => kv.replace('\n', '=')));
    if (settings.every(([k, v]) => have.has(`${k.toLowerCase()}=${v}`)) && have.has(`guard.root=${source.root}`)) {
      assertSelfContained(backup);
      // Only bytes git was seen to read (the same before and after it looked) are remembered.
      const after = readConfigBytes(backup);
      if (before && after && before.equals(after)) rememberCheckedConfig(backup, configStamp(source.root, before));
      return;
    }
  }
  for (const [key, value] of settings) await runGit(['config', '--local', key, value], git);
  // Every worktree root the backup served, so a backup can be matched to a directory even without the index.
  await runGit(['config', '--local', '--replace-all', 'guard.root', source.root, `^${escapeRegex(source.root)}$`], git);
  assertSelfContained(backup);
}

/** Where ensureBackupRepo remembers the config it found complete (a hash of the bytes, with the root). */
function checkedConfigFile(backup: string): string {
  return path.join(backup, 'guard', 'config-checked');
}

function readConfigBytes(backup: string): Buffer | null {
  try {
    return fs.readFileSync(path.join(backup, 'config'));
  } catch {
    return null;
  }
}

function configStamp(root: string, bytes: Buffer): string {
  return `${JSON.stringify(root)} ${createHash('sha256').update(bytes).digest('hex')}\n`;
}

function checkedConfig(backup: string): string | null {
  try {
    return fs.readFileSync(checkedConfigFile(backup), 'utf8');
  } catch {
    return null;
  }
}

function rememberCheckedConfig(backup: string, stamp: string): void {
  try {
    const file = checkedConfigFile(backup);
    fs.writeFileSync(`${file}.tmp`, stamp, { mode: 0o600 });
    fs.renameSync(`${file}.tmp`, file);
  } catch {
    // Not remembered: the next push asks git again.
  }
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Refuses a backup that borrows objects: it would not survive the live repository's gc. */
export function assertSelfContained(backup: string): void {
  const alternates = path.join(backup, 'objects', 'info', 'alternates');
  if (fs.existsSync(alternates) && fs.readFileSync(alternates, 'utf8').trim() !== '') {
    throw new GuardError('refused', `the backup ${backup} borrows objects from another repository (objects/info/alternates), so it is not a safe backup`, {
      hints: [`Make it self-contained with: git -C ${backup} repack -a -d && rm ${alternates}`],
    });
  }
}

/** The worktree roots recorded in a backup's own config. */
export async function backupRoots(backup: string): Promise<string[]> {
  const result = await runGit(['config', '--local', '--get-all', 'guard.root'], { ...inBackup(backup), okCodes: [1] });
  return result.stdout.toString('utf8').split('\n').filter(Boolean);
}

/** Bytes on disk of the backup's objects (loose + packs). */
export async function objectBytes(gitDir: string): Promise<number> {
  const text = await gitText(['count-objects', '-v'], { cwd: gitDir, env: { GIT_DIR: gitDir } });
  let kib = 0;
  for (const line of text.split('\n')) {
    const [key, value] = line.split(': ');
    if (key === 'size' || key === 'size-pack' || key === 'size-garbage') kib += Number(value) || 0;
  }
  return kib * 1024;
}
