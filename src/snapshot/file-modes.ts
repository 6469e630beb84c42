/**
 * Permission bits of untracked files that git's checkout would not give back. A tree holds only
 * "executable or not", and git writes a file with 0666 (0777) less the umask: an untracked
 * private key, credentials file or captured `.env` at 0600, deleted by an agent, came back 0644,
 * readable by every user of the machine (found on a vite clone). The snapshot records such files'
 * bits (`modes` in the metadata, pathText -> octal), and rollback sets them again.
 *
 * Only untracked (and captured ignored) files: every snapshot's walk looks at each of them (git
 * status lists them), so a full and an incremental snapshot record the same. A tracked file that
 * is unchanged is never looked at, so its bits are unknown; those are left as git writes them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { pathFromText, pathText, type GitPath } from '../git/path.js';

/** The bits git's checkout gives a new file under the current umask. */
export function checkoutPerms(executable: boolean): number {
  return (executable ? 0o777 : 0o666) & ~process.umask();
}

export function isCheckoutMode(mode: number): boolean {
  return (mode & 0o7777) === checkoutPerms((mode & 0o100) !== 0);
}

/** Whether `p` is one of `paths` or lies under one of them (byte strings). */
function withinAny(paths: ReadonlySet<string>, p: string): boolean {
  if (paths.has(p)) return true;
  for (let at = p.indexOf('/'); at > 0; at = p.indexOf('/', at + 1)) if (paths.has(p.slice(0, at))) return true;
  return false;
}

/**
 * The metadata field: the scan's files, and (incremental snapshots, `lookedAt` the paths read
 * again) the previous snapshot's records for what the scan did not look at. undefined when empty.
 */
export function modesMeta(perms: Map<string, number> | undefined, previous: Record<string, string> | undefined, lookedAt: string[] | null): Record<string, string> | undefined {
  const out = new Map<string, string>();
  if (lookedAt && previous) {
    const looked = new Set(lookedAt);
    for (const [text, mode] of Object.entries(previous)) if (!withinAny(looked, pathFromText(text))) out.set(text, mode);
  }
  for (const [bytes, mode] of perms ?? []) out.set(pathText(bytes as GitPath), mode.toString(8));
  if (out.size === 0) return undefined;
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * After a rollback wrote the target's files: every file either snapshot records sets the bits the
 * target recorded, or, when the target has no record and the file is untracked in the index just
 * restored, the bits git's checkout gives (the undo of a rollback that narrowed them).
 */
export async function restoreModes(repo: Repo, target: Record<string, string> | undefined, before: Record<string, string> | undefined): Promise<void> {
  const texts = new Set([...Object.keys(target ?? {}), ...Object.keys(before ?? {})]);
  if (texts.size === 0) return;
  let tracked: Set<string> | null = null;
  for (const text of texts) {
    const file = Buffer.concat([Buffer.from(`${repo.root}${path.sep}`, 'utf8'), Buffer.from(pathFromText(text), 'latin1')]);
    const stat = await fs.lstat(file).catch(() => null);
    if (!stat?.isFile()) continue;
    let want: number;
    const recorded = target?.[text];
    if (recorded !== undefined) want = Number.parseInt(recorded, 8);
    else {
      tracked ??= new Set((await runGit(['ls-files', '-z', '--cached'], { cwd: repo.root })).stdout.toString('latin1').split('\0'));
      if (tracked.has(pathFromText(text))) continue;
      want = checkoutPerms((stat.mode & 0o100) !== 0);
    }
    if ((stat.mode & 0o7777) !== want) await fs.chmod(file, want);
  }
}
