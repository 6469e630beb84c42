// Shared benchmark helpers: generated repositories (cached under bench/.work/), whole-process
// timing, and statistics. Every benchmark reports ratios against plain git measured in the same
// run, because absolute times on shared machines are not stable.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORK = path.join(ROOT, 'bench', '.work');
export const GUARD = path.join(ROOT, 'bin', 'guard.js');

const HOME = path.join(WORK, 'home');

/** A hermetic environment: no user or system git config, fixed identity. */
export function benchEnv(extra = {}) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('GIT_') || key.startsWith('GUARD_')) delete env[key];
  }
  for (const marker of ['CLAUDECODE', 'CURSOR_AGENT', 'GEMINI_CLI', 'CODEX_THREAD_ID', 'OPENCODE', 'COPILOT_CLI']) delete env[marker];
  fs.mkdirSync(HOME, { recursive: true });
  return {
    ...env,
    HOME,
    XDG_DATA_HOME: path.join(HOME, 'data'),
    XDG_CACHE_HOME: path.join(HOME, 'cache'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'bench',
    GIT_AUTHOR_EMAIL: 'bench@example.com',
    GIT_COMMITTER_NAME: 'bench',
    GIT_COMMITTER_EMAIL: 'bench@example.com',
    LC_ALL: 'C',
    ...extra,
  };
}

export function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: options.cwd, env: options.env ?? benchEnv(), input: options.input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (result.status !== 0 && !options.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  }
  return result;
}

export function git(cwd, ...args) {
  return run('git', args, { cwd }).stdout;
}

/** Wall-clock milliseconds of one whole process. */
export function time(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  run(cmd, args, options);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function guardArgs(...args) {
  return [GUARD, ...args];
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * A committed repository of `files` small files in directories of 100 (two levels deep),
 * generated once and cached; each benchmark copies it (`freshCopy`) so runs do not disturb
 * each other.
 */
export function generatedRepo(files) {
  const dir = path.join(WORK, `repo-${files}`);
  if (fs.existsSync(path.join(dir, '.git', 'guard-bench-complete'))) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'config', 'maintenance.auto', 'false');
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `d${Math.floor(i / 10000)}`, `s${Math.floor(i / 100) % 100}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { recursive: true });
    fs.writeFileSync(path.join(sub, `f${i}.txt`), `file ${i}\n${'x'.repeat(i % 200)}\n`);
  }
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\nbuild/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', `generated ${files} files`);
  fs.writeFileSync(path.join(dir, '.git', 'guard-bench-complete'), '');
  return dir;
}

/** A disposable copy of a generated repo (hard links where possible would share inodes; copy). */
export function freshCopy(files, name) {
  const source = generatedRepo(files);
  const dir = path.join(WORK, `${name}-${files}`);
  fs.rmSync(dir, { recursive: true, force: true });
  // realpath: the cache may be a symlink (a second checkout sharing generated repos).
  run('cp', ['-a', fs.realpathSync(source), dir]);
  // A real checkout has a fresh, fully stat-valid index.
  git(dir, 'status', '--porcelain');
  return dir;
}

export function machine() {
  return `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${git(ROOT, '--version').trim()}`;
}

export function fmt(ms) {
  return `${ms.toFixed(0)} ms`;
}
