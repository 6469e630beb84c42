/**
 * Allows the agent hook keeps for its sh shim (hooks/agent-hook.sh, guard_kept_allow), so that the
 * most frequent command an agent runs, `npm test` after an edit, is answered without Node again.
 *
 * Since package scripts are judged by their text (src/policy/command/package-scripts.ts), every
 * `npm`/`pnpm`/`yarn`/`bun` line left the shim's fast path: ~40 ms of CPU for Node's start, a
 * second git process, and for a workspace run the listing of the workspace. Where Node finds the
 * verdict is allow and it was decided by the command's text and the files it read alone (the
 * package.json files, pnpm-workspace.yaml, a workspace's directories, a script file or makefile:
 * no fact of the repository was asked, no glob expanded, no ref change to judge;
 * StateClassification.textAndFiles), it writes one entry into `<commonDir>/guard/answers/`, the
 * directory of the launcher the shim ran, keyed by everything else the verdict depends on: the
 * agent, the command line, the cwd, HOME and the temp directory. Its lines say what must hold:
 *  - `c` paths whose status must not have changed after the time T the entry's mtime holds: the
 *    files read, the directories a workspace listing read, every directory between those inside
 *    the worktree and its root (a directory swapped for another changes there), the compiled
 *    policy (policy.json), .guard.yaml, and the bundle of guard's code that judged (an upgrade
 *    replaces it). The shim asks one `find PATHS -prune -cnewer ENTRY`: a change of content, a
 *    rename over a file, a chmod, an mtime set back (`cp -p`, `touch -r`) all set the ctime,
 *    which nothing can set back;
 *  - `a` paths that must not exist: a file looked for where there was none (a package.json above
 *    the cwd, up to /), and a `.git` in a directory between the cwd and the root (the cwd's
 *    repository would be another). A builtin test each, and no directory's churn (/tmp, $HOME,
 *    src/) touches them;
 *  - `e` paths that must exist: the root's `.git`.
 * An entry is written only where every `c` path's ctime is at or before T, none is a symlink, and
 * T lies RACY_WINDOW_MS before the hook's start, in whole seconds: a change made after Node read a
 * file gets a ctime after the start less the file system's clock tick and time granularity (2 s
 * on FAT), so after T, also where find compares whole seconds. A file changed within the window is
 * read by Node again at the next call (git's "racily clean" problem, docs/DECISIONS.md).
 *
 * Never decides anything for Node: any error writes nothing. For every agent (KEEPING_AGENTS:
 * the key's cwd is the one Node judged by; until 2026-12-05 evening Claude Code and Codex only), only where the event's
 * repository is the launcher's and the cwd lies in its worktree, and only with no GIT_* variable
 * that changes which repository git finds (the shim checks the same).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { guardCommonPath, type Repo } from '../git/repo.js';
import type { ReadTrace } from '../util/nearest-file.js';
import { testFault, TEST_FAULTS } from '../util/test-faults.js';

/** The first line of every entry; the shim uses no entry with another. */
export const ANSWER_FORMAT = 'git-guard answer 1';

/** How long before the hook's start (rounded down to a second) a path must have last changed for an allow to be kept. */
export const RACY_WINDOW_MS = 4000;

/** Entries per command length (the shim reads only those of its command's length), and in all. */
const PER_LENGTH = 8;
const MAX_ENTRIES = 256;

/** Paths one entry may list (the shim passes them to one find). */
const MAX_PATHS = 4000;

/** The variables that change which repository git finds: with one set, nothing is kept (the shim checks the same). */
export const REPO_SHAPING_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_QUARANTINE_PATH', 'GIT_CEILING_DIRECTORIES', 'GIT_DISCOVERY_ACROSS_FILESYSTEM'];

/**
 * Every agent whose shell tool the shim reads: the entry's cwd is the one Node judged by
 * (event.cwd), and the shim answers only a payload whose own `cwd` is that directory and nothing
 * else moves it (Gemini CLI's dir_path/directory: handed to Node; Cursor's workspace_roots stand in
 * only where no cwd is sent, which the shim never answers).
 */
const KEEPING_AGENTS = new Set(['claude', 'codex', 'gemini', 'cursor', 'copilot', 'opencode']);

export function answersDir(repo: Repo): string {
  return guardCommonPath(repo, 'answers');
}

export interface KeptAllow {
  /** The launcher the shim ran (GUARD_SHIM_LAUNCHER), absolute. */
  launcher: string;
  /** The launcher of `repo` (launcher.ts launcherPath): an entry is kept only where they are one. */
  repoLauncher: string;
  repo: Repo;
  agent: string;
  command: string;
  /** The event's cwd, as the agent sent it. */
  cwd: string;
  /** .guard.yaml as the compiled policy names it, and whether it exists. */
  policySource: string;
  policySourceExists: boolean;
  /** What the verdict read (Evaluated.readFiles; escaped text). */
  readFiles: ReadTrace;
  /** When the hook started (Date.now()). */
  startedMs: number;
}

/** Text the shim reads back exactly: no control character, no backslash, well-formed and not a replaced or escaped byte. */
function plain(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u001f\u007f\\\ufffd\ud800-\udfff]/.test(text);
}

function inside(p: string, root: string): boolean {
  return p === root || p.startsWith(root === '/' ? '/' : `${root}/`);
}

/** The file of guard's code that is running (a bundle in dist/): replaced by an upgrade. */
function ownCode(): string | null {
  try {
    return fileURLToPath(import.meta.url);
  } catch {
    return null;
  }
}

/**
 * Writes the entry for an allow (see above); returns whether it did. Never throws.
 */
export function keepAllow(a: KeptAllow): boolean {
  try {
    return write(a);
  } catch {
    return false;
  }
}

function write(a: KeptAllow): boolean {
  if (!KEEPING_AGENTS.has(a.agent) || a.launcher !== a.repoLauncher) return false;
  const root = a.repo.root;
  const env = process.env;
  if (REPO_SHAPING_ENV.some((name) => env[name])) return false;
  const home = env.HOME ?? '';
  const tmp = env.TMPDIR || env.TMP || env.TEMP || '';
  if (home === '' || !plain(home) || !plain(tmp)) return false;
  if (a.command === '' || Buffer.byteLength(a.command) > 4096 || !plain(a.command)) return false;
  const cwd = a.cwd.replace(/(.)\/$/, '$1');
  if (!path.isAbsolute(cwd) || path.posix.normalize(cwd) !== cwd || !plain(a.cwd) || !inside(cwd, root)) return false;
  const code = ownCode();
  if (code === null) return false;
  // c: status unchanged since T; a: still absent; e: still there.
  const unchanged = new Set<string>();
  const absent = new Set(a.readFiles.absent);
  const present = new Set<string>([path.posix.join(root, '.git')]);
  const withDirsUp = (p: string): void => {
    unchanged.add(p);
    if (!inside(p, root)) return;
    for (let dir = path.posix.dirname(p); inside(dir, root) && !unchanged.has(dir); dir = path.posix.dirname(dir)) {
      unchanged.add(dir);
      if (dir === root) break;
    }
  };
  for (const file of a.readFiles.paths) withDirsUp(file);
  // The cwd's repository is still the root's: no .git between them.
  for (let dir = cwd; dir !== root; dir = path.posix.dirname(dir)) absent.add(path.posix.join(dir, '.git'));
  unchanged.add(guardCommonPath(a.repo, 'policy.json'));
  if (a.policySourceExists) withDirsUp(a.policySource);
  else absent.add(a.policySource);
  unchanged.add(code);
  const lines = [...[...unchanged].sort().map((p) => `c${p}`), ...[...absent].sort().map((p) => `a${p}`), ...[...present].sort().map((p) => `e${p}`)];
  if (lines.length > MAX_PATHS) return false;
  // T: RACY_WINDOW_MS before the start, in whole seconds. The test bundle can put the clock ahead,
  // as a file system whose times lag it (whole seconds, two on FAT) looks to this check.
  const ahead = TEST_FAULTS ? Number(testFault('GUARD_TEST_ANSWER_CLOCK_AHEAD_MS') ?? 0) : 0;
  const startedMs = a.startedMs + (Number.isFinite(ahead) ? ahead : 0);
  const tMs = Math.floor(startedMs / 1000) * 1000 - RACY_WINDOW_MS;
  const tNs = BigInt(tMs) * 1_000_000n;
  for (const p of [...unchanged, ...absent, ...present]) if (!plain(p) || !path.isAbsolute(p)) return false;
  for (const p of unchanged) {
    const stat = fs.lstatSync(p, { bigint: true });
    if (stat.isSymbolicLink() || stat.ctimeNs > tNs) return false;
  }
  for (const p of absent) if (fs.existsSync(p)) return false;
  for (const p of present) if (!fs.existsSync(p)) return false;
  const key = [ANSWER_FORMAT, `=${a.agent}`, `=${a.command}`, `=${a.cwd}`, `=${home}`, `=${tmp}`];
  const text = `${[...key, `=${lines.length}`, ...lines].join('\n')}\n`;
  const dir = answersDir(a.repo);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const target = path.join(dir, slotFor(dir, Buffer.byteLength(a.command), `${key.join('\n')}\n`));
  const temp = path.join(dir, `.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`);
  try {
    fs.writeFileSync(temp, text, { mode: 0o600 });
    fs.utimesSync(temp, tMs / 1000, tMs / 1000);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  return true;
}

/** The entry's name: `<command bytes>-<n>`, the one with the same key, a free one, or the oldest. */
function slotFor(dir: string, length: number, key: string): string {
  const names = fs.readdirSync(dir);
  if (names.length > MAX_ENTRIES) for (const name of names) fs.rmSync(path.join(dir, name), { force: true });
  const prefix = `${length}-`;
  const taken = new Map<string, number>();
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const file = path.join(dir, name);
    try {
      const head = fs.readFileSync(file, 'utf8').slice(0, key.length);
      if (head === key) return name;
      taken.set(name, fs.statSync(file).mtimeMs);
    } catch {
      // gone meanwhile: free
    }
  }
  for (let n = 0; n < PER_LENGTH; n++) if (!taken.has(`${prefix}${n}`)) return `${prefix}${n}`;
  return [...taken.entries()].sort((x, y) => x[1] - y[1])[0]![0];
}
