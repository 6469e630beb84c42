/**
 * Where backups live on this machine. The default store is `$XDG_DATA_HOME/git-guard/backups`
 * (else `~/.local/share/git-guard/backups`; `~/Library/Application Support/...` on macOS and
 * `%LOCALAPPDATA%\git-guard\backups` on Windows when XDG_DATA_HOME is not set). `backup.dir` in
 * .guard.yaml moves one repository's backup elsewhere; the default store's index still records it,
 * so `guard recover --list` sees every backup on the machine.
 *
 * A store directory holds `<id>.git` bare repositories and `index.json` (registry.ts). Both the
 * store and every backup are created 0700: snapshots can hold untracked secrets.
 */
import os from 'node:os';
import path from 'node:path';

function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
}

/** The machine-wide default store (and registry). */
export function defaultStoreDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'git-guard', 'backups');
  if (process.platform === 'darwin') return path.join(homeDir(env), 'Library', 'Application Support', 'git-guard', 'backups');
  if (process.platform === 'win32' && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, 'git-guard', 'backups');
  return path.join(homeDir(env), '.local', 'share', 'git-guard', 'backups');
}

/** `backup.dir` as written in .guard.yaml (absolute or `~/...`), or the default store. */
export function storeDir(configured: string | null | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (!configured) return defaultStoreDir(env);
  if (configured.startsWith('~/')) return path.join(homeDir(env), configured.slice(2));
  return path.resolve(configured);
}

/** A readable, path-safe backup id: the project's directory name plus random hex. */
export function newBackupId(root: string, random: string): string {
  const base = path.basename(root).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').slice(0, 40) || 'repo';
  return `${base}-${random}`;
}
