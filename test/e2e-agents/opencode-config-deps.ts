/**
 * OpenCode npm-installs its plugin SDK (@opencode-ai/plugin, at its own version) into every config
 * directory it reads, unless that directory already has node_modules and a package-lock.json
 * listing each dependency of its package.json. The test's user config directory
 * ($XDG_CONFIG_HOME/opencode, in the test's fresh HOME) holds no plugin of guard's, yet its install
 * was half of the file's CPU (some 4,000 files unpacked a run). This installs that directory's
 * dependencies once, beside the pinned OpenCode, for the test to link into its HOME; the project's
 * .opencode/, where guard's plugin lives, is still installed by OpenCode itself in each run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { sharedCacheDir, type PinnedAgent } from './agents.js';

const INSTALL_TIMEOUT_MS = 600_000;

function packageJson(agent: PinnedAgent): string {
  // What OpenCode writes there itself: the SDK of its own version, saved without a range prefix.
  return `${JSON.stringify({ dependencies: { '@opencode-ai/plugin': agent.version } }, null, 2)}\n`;
}

/** The shared install (package.json, package-lock.json, node_modules), made whole once. */
export function ensureConfigDeps(agent: PinnedAgent): string {
  const dir = sharedCacheDir(agent, 'config-deps');
  if (fs.existsSync(path.join(dir, 'package-lock.json'))) return dir;
  // Installed into a fresh directory and renamed into place: a worker or run that loses the race
  // drops its own copy, and no test links a half-made install.
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const tmp = fs.mkdtempSync(`${dir}.tmp-`);
  try {
    fs.writeFileSync(path.join(tmp, 'package.json'), packageJson(agent));
    const r = spawnSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: INSTALL_TIMEOUT_MS,
      env: { ...process.env, INIT_CWD: tmp, GIT_CEILING_DIRECTORIES: path.dirname(tmp) },
    });
    if (r.status !== 0 || !fs.existsSync(path.join(tmp, 'package-lock.json'))) {
      throw new Error(`npm install @opencode-ai/plugin@${agent.version} failed: ${r.stderr.slice(-2000)}`);
    }
    try {
      fs.renameSync(tmp, dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    }
    return dir;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Lays the shared install into a config directory: its two files copied, node_modules linked. */
export function linkConfigDeps(shared: string, configDir: string): void {
  fs.mkdirSync(configDir, { recursive: true });
  for (const file of ['package.json', 'package-lock.json']) fs.copyFileSync(path.join(shared, file), path.join(configDir, file));
  fs.symlinkSync(path.join(shared, 'node_modules'), path.join(configDir, 'node_modules'));
}
