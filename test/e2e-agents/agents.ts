/**
 * The real agent CLIs the end-to-end suite drives, at pinned versions, installed by the suite
 * itself with npm into a cache outside the package (never a dependency of git-guard):
 * `$GUARD_E2E_CACHE`, else `$XDG_CACHE_HOME/git-guard-e2e`, else `~/.cache/git-guard-e2e`.
 * A version installed once is reused; CI caches that directory. GUARD_E2E_VERSIONS runs other
 * versions instead (parseVersionOverrides).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface PinnedAgent {
  /** npm package and the version guard was verified against (docs/agents.md). */
  pkg: string;
  version: string;
  /** The executable in node_modules/.bin. */
  bin: string;
}

const PINS = {
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.337', bin: 'claude' },
  codex: { pkg: '@openai/codex', version: '0.171.0', bin: 'codex' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
  opencode: { pkg: 'opencode-ai', version: '1.18.33', bin: 'opencode' },
  copilot: { pkg: '@github/copilot', version: '1.0.102', bin: 'copilot' },
} satisfies Record<string, PinnedAgent>;

const SEMVER = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

/**
 * `GUARD_E2E_VERSIONS`, e.g. `codex=latest,claude=2.1.340`: the versions to run instead of the
 * pins, to try a new release before its pin moves. A version, or a dist-tag of the package
 * (`latest`) that the registry resolves. Anything else is an error naming the fix, not a silent
 * fallback to the pin.
 */
export function parseVersionOverrides(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of (text ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [name, version, ...rest] = entry.split('=').map((p) => p.trim());
    if (!name || !version || rest.length > 0) throw new Error(`GUARD_E2E_VERSIONS: "${entry}" is not AGENT=VERSION (e.g. codex=latest,claude=2.1.340)`);
    if (!(name in PINS)) throw new Error(`GUARD_E2E_VERSIONS: no agent "${name}" (one of ${Object.keys(PINS).join(', ')})`);
    if (!SEMVER.test(version) && !/^[a-z][a-z0-9-]*$/.test(version)) throw new Error(`GUARD_E2E_VERSIONS: "${version}" for ${name} is neither a version nor a dist-tag`);
    out[name] = version;
  }
  return out;
}

function resolveVersion(pkg: string, spec: string): string {
  if (SEMVER.test(spec)) return spec;
  const r = spawnSync('npm', ['view', `${pkg}@${spec}`, 'version'], { encoding: 'utf8', timeout: 30_000 });
  const version = (r.stdout ?? '').trim();
  if (r.status !== 0 || !SEMVER.test(version)) throw new Error(`GUARD_E2E_VERSIONS: npm view ${pkg}@${spec} version gave no version (${(r.stderr ?? '').trim().slice(-300) || version})`);
  return version;
}

function withOverrides(text: string | undefined): typeof PINS {
  const overrides = parseVersionOverrides(text);
  const out = { ...PINS };
  for (const [name, spec] of Object.entries(overrides)) {
    const key = name as keyof typeof PINS;
    out[key] = { ...PINS[key], version: resolveVersion(PINS[key].pkg, spec) };
  }
  return out;
}

/** The pins, or the versions GUARD_E2E_VERSIONS names instead. */
export const PINNED = withOverrides(process.env.GUARD_E2E_VERSIONS);

export function cacheDir(): string {
  if (process.env.GUARD_E2E_CACHE) return process.env.GUARD_E2E_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'git-guard-e2e');
}

/** Why the suite cannot run here, or null. Set GUARD_E2E_AGENTS=0 to skip it on purpose. */
export function skipReason(agent: PinnedAgent): string | null {
  if (process.env.GUARD_E2E_AGENTS === '0') return 'GUARD_E2E_AGENTS=0';
  if (process.platform !== 'linux' && process.platform !== 'darwin') return `not supported on ${process.platform}`;
  if (fs.existsSync(binPath(agent))) return null;
  const probe = spawnSync('npm', ['view', `${agent.pkg}@${agent.version}`, 'version'], { encoding: 'utf8', timeout: 30_000 });
  if (probe.status !== 0 || probe.stdout.trim() !== agent.version) return `the npm registry is unreachable (npm view ${agent.pkg}@${agent.version} failed), so ${agent.pkg} cannot be installed`;
  return null;
}

function installDir(agent: PinnedAgent): string {
  return path.join(cacheDir(), `${agent.pkg.replace(/[@/]/g, '_')}-${agent.version}`);
}

export function binPath(agent: PinnedAgent): string {
  return path.join(installDir(agent), 'node_modules', '.bin', agent.bin);
}

/**
 * A directory beside the pinned install that the tests of one program share, for files the
 * program unpacks from itself and would otherwise unpack again into each test's fresh HOME.
 */
export function sharedCacheDir(agent: PinnedAgent, name: string): string {
  return path.join(installDir(agent), name);
}

const INSTALL_TIMEOUT_MS = 600_000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Installs the pinned version into the cache once; returns the executable. The suite runs files
 * in parallel workers, and two files may need the same program (claude-code and claude-trust):
 * one npm install per directory at a time, under a lock directory the installer holds until the
 * install is whole, so no file uses a half-installed program or installs over another's install.
 */
export function ensureInstalled(agent: PinnedAgent): string {
  const bin = binPath(agent);
  const dir = installDir(agent);
  const lock = `${dir}.installing`;
  const deadline = Date.now() + 2 * INSTALL_TIMEOUT_MS;
  for (;;) {
    if (!fs.existsSync(lock) && fs.existsSync(bin)) return bin;
    fs.mkdirSync(cacheDir(), { recursive: true });
    try {
      fs.mkdirSync(lock);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      // Another worker installs it. A lock older than any install is left by a killed run.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > INSTALL_TIMEOUT_MS + 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${agent.pkg}@${agent.version}: another install still holds ${lock}`);
      else sleepSync(500);
      continue;
    }
    try {
      if (fs.existsSync(bin)) return bin;
      fs.mkdirSync(dir, { recursive: true });
      const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', dir, `${agent.pkg}@${agent.version}`], {
        encoding: 'utf8',
        timeout: INSTALL_TIMEOUT_MS,
        // Install scripts run where npm was started (INIT_CWD, inherited from `npm test`):
        // lefthook's ran `lefthook install` in git-guard's own checkout and put its
        // prepare-commit-msg hook and a lefthook.yml there. From the cache directory, with git
        // kept from looking above it, such a script finds no repository.
        cwd: dir,
        env: { ...process.env, INIT_CWD: dir, GIT_CEILING_DIRECTORIES: path.dirname(dir) },
      });
      if (r.status !== 0 || !fs.existsSync(bin)) throw new Error(`npm install ${agent.pkg}@${agent.version} failed: ${r.stderr.slice(-2000)}`);
      return bin;
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}
