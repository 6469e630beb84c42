/**
 * The stable agent hook command, and the per-clone launcher it finds.
 *
 * Hook files such as `.codex/hooks.json`, `.gemini/settings.json` or `.github/hooks/git-guard.json`
 * are meant to be committed, and Codex trusts each hook by a hash of its command text. So the
 * command guard writes holds no machine-specific path and never changes between installs or
 * upgrades:
 *
 *   sh -c '<find the launcher>' git-guard <agent> <event>
 *
 * It asks git for the common git directory of the directory the agent runs the hook in and execs
 * `<commonDir>/guard/agent-hook.sh` (in a submodule without one: its superprojects', innermost first), the launcher `guard init` writes on this machine: a copy of
 * hooks/agent-hook.sh (the sh fast path included) with this installation's package root filled
 * in. A clone where `guard init` never ran (a teammate's) has no launcher: the command then says
 * so on stderr and lets the agent go on (exit 1 where the agent shows a non-zero hook as a
 * visible, non-blocking error; exit 0 where a non-zero exit would block every tool call). A
 * launcher whose package is gone denies risky calls in the agent's protocol (the shim's own
 * fail-closed path).
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { packageRoot, shellQuote, shimPath } from './package-root.js';
import { packageStamp } from '../util/package-root.js';
import type { HookEventKind } from './types.js';

/** Every command guard writes contains this; recognises guard's entries (older installs: the package path). */
export const LAUNCHER_MARKER = '/guard/agent-hook.sh';
export const LEGACY_SHIM_MARKER = '/hooks/agent-hook.sh';

/** The line of hooks/agent-hook.sh that the launcher fills in with the package root. */
const PKG_LINE = 'guard_pkg_installed=';

/** The line it fills in with the package's stamp (packageStamp, util/package-root.ts). */
const STAMP_LINE = 'guard_stamp_installed=';

export { packageStamp };

/**
 * Agents that treat a non-zero hook exit as a blocking failure (Copilot CLI denies; guard sets
 * Cursor's failClosed). Where guard is not set up, their hooks must exit 0 so a teammate's agent
 * still works; the message goes to stderr (their hook logs).
 */
const EXIT_ZERO_WHEN_MISSING = new Set(['copilot', 'cursor']);

export function launcherPath(repo: Repo): string {
  return guardCommonPath(repo, 'agent-hook.sh');
}

/** The command an agent's hook runs for one event: the same text on every machine and every version. */
export function hookCommandFor(agentId: string, event: HookEventKind): string {
  const exit = EXIT_ZERO_WHEN_MISSING.has(agentId) ? 0 : 1;
  // Inside a submodule (cwd in it), its own git dir has no launcher: the superprojects' are looked
  // up, innermost first, so an agent working in a submodule of a guarded clone is still judged.
  const script =
    `h=$(git rev-parse --git-common-dir 2>/dev/null)${LAUNCHER_MARKER} && [ -f "$h" ] && exec sh "$h" "$@"; ` +
    `d=.; while s=$(git -C "$d" rev-parse --show-superproject-working-tree 2>/dev/null) && [ -n "$s" ]; do d=$s; ` +
    `h=$(git -C "$d" rev-parse --path-format=absolute --git-common-dir 2>/dev/null)${LAUNCHER_MARKER} && [ -f "$h" ] && exec sh "$h" "$@"; done; ` +
    `echo "git-guard is not set up in this clone, so this agent runs without its checks: run guard init" >&2; exit ${exit}`;
  return `sh -c ${shellQuote(script)} git-guard ${agentId} ${event}`;
}

/** The launcher's text: hooks/agent-hook.sh with this installation's package root filled in. */
export function launcherContent(): string {
  const shim = fs.readFileSync(shimPath(), 'utf8');
  const lines = shim.split('\n');
  for (const [line, value] of [
    [PKG_LINE, packageRoot()],
    [STAMP_LINE, packageStamp()],
  ] as const) {
    const at = lines.indexOf(line);
    if (at < 0) throw new Error(`${shimPath()} has no "${line}" line`);
    lines[at] = value === '' ? line : `${line}${shellQuote(value)}`;
  }
  return lines.join('\n');
}

export type LauncherState = 'ok' | 'missing' | 'stale';

export function launcherState(repo: Repo): LauncherState {
  let current: string;
  try {
    current = fs.readFileSync(launcherPath(repo), 'utf8');
  } catch {
    return 'missing';
  }
  return current === launcherContent() ? 'ok' : 'stale';
}

/** Writes the launcher when it differs; returns what happened. */
export function writeLauncher(repo: Repo): 'created' | 'updated' | 'unchanged' {
  const file = launcherPath(repo);
  const state = launcherState(repo);
  if (state === 'ok') return 'unchanged';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, launcherContent(), { mode: 0o755 });
  fs.renameSync(temp, file);
  return state === 'missing' ? 'created' : 'updated';
}

/**
 * After an upgrade of this install (the same package root, new files), the launcher every clone
 * holds is stale: its sh fast path is the old one, which may allow in sh what the new version
 * sends to Node. Rewritten here (temp + rename: an sh still reading the old file keeps its
 * inode) when it is stale and was written for this very package root; a launcher another install
 * wrote (another guard_pkg_installed= line, or none) is that install's, and stays as it is.
 * File reads only: no git process. Returns what it did.
 */
export function refreshLauncher(repo: Repo): 'refreshed' | 'ok' | 'missing' | 'other-install' {
  const file = launcherPath(repo);
  let current: string;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    return 'missing';
  }
  const fresh = launcherContent();
  if (current === fresh) return 'ok';
  if (!current.split('\n').includes(`${PKG_LINE}${shellQuote(packageRoot())}`)) return 'other-install';
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, fresh, { mode: 0o755 });
  fs.renameSync(temp, file);
  return 'refreshed';
}

export function removeLauncher(repo: Repo): void {
  fs.rmSync(launcherPath(repo), { force: true });
}
