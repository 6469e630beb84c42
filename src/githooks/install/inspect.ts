/**
 * How guard's hooks stand, for `guard status`: is each shim still in place and unchanged, did
 * core.hooksPath or the hooks directory change since `guard init`, and (self-test) does git
 * really run each shim. The self-test runs every hook through git's own hook resolution
 * (`git hook run`, git >= 2.36) with GUARD_HOOK_PROBE set: the shim answers with the probe value
 * and exits non-zero without doing anything else (see hooks/lib.sh). A file check alone would
 * miss a hooksPath that points elsewhere, a hook that is not executable, or a broken shebang.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Repo } from '../../git/repo.js';
import { runGit } from '../../git/run.js';
import { detectManager, hooksLocation, type HooksLocation } from './hooks-dir.js';
import { readManifest, type HooksManifest } from './manifest.js';
import { CHAINED_SUFFIX, isShim, sha256, type HookName } from './shim.js';

export type FileState = 'installed' | 'modified' | 'replaced' | 'missing';

export interface HookStatus {
  name: HookName;
  path: string;
  file: FileState;
  /** Who wrote the file that replaced guard's shim, when recognisable. */
  replacedBy: string | null;
  /** The chained hook (the one that was there before guard) still exists. */
  chainedPresent: boolean;
  chainedManager: string | null;
  selfTest: SelfTest;
}

export type SelfTest =
  | { result: 'alive' }
  | { result: 'no-node' | 'no-package'; detail: string }
  | { result: 'not-run'; detail: string }
  | { result: 'skipped'; detail: string };

export interface HooksStatus {
  installed: boolean;
  manifest: HooksManifest | null;
  location: HooksLocation;
  /** The directory git uses now is not where guard installed. */
  dirDrift: boolean;
  /** core.hooksPath differs from what it was at `guard init`. */
  hooksPathDrift: boolean;
  hooks: HookStatus[];
  degraded: boolean;
  /** What degrades protection (non-empty = degraded). */
  problems: string[];
  /** Worth knowing, but protection is intact. */
  notes: string[];
}

async function fileState(file: string, expectedSha: string): Promise<{ state: FileState; replacedBy: string | null }> {
  let content: string;
  try {
    const stat = await fs.lstat(file);
    if (!stat.isFile()) return { state: 'replaced', replacedBy: null };
    content = await fs.readFile(file, 'utf8');
  } catch {
    return { state: 'missing', replacedBy: null };
  }
  if (sha256(content) === expectedSha) return { state: 'installed', replacedBy: null };
  if (isShim(content)) return { state: 'modified', replacedBy: null };
  return { state: 'replaced', replacedBy: detectManager(content) };
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/** The files git would run for NAMES, as git resolves them (core.hooksPath, worktrees): one rev-parse for all. */
export async function hookFilesGitRuns(cwd: string, names: readonly HookName[]): Promise<string[]> {
  if (names.length === 0) return [];
  const out = (await runGit(['rev-parse', '--path-format=absolute', ...names.flatMap((name) => ['--git-path', `hooks/${name}`])], { cwd })).stdout.toString('utf8');
  const files = out.replace(/\n$/, '').split('\n');
  if (files.length === names.length) return files;
  // A hooks path with a newline in it: one name at a time, each answer whole.
  return Promise.all(names.map(async (name) => (await runGit(['rev-parse', '--path-format=absolute', '--git-path', `hooks/${name}`], { cwd })).stdout.toString('utf8').replace(/\n$/, '')));
}

/**
 * Runs one hook the way git would and checks that guard's shim answered the probe. PICKED: the
 * file git would run for it (hookFilesGitRuns), when the caller asked for several at once.
 */
export async function selfTest(repo: Repo, cwd: string, name: HookName, picked?: string): Promise<SelfTest> {
  // Only guard's own shim is run: another program in its place (a hook manager's script) would
  // do its real work, with side effects.
  picked ??= (await hookFilesGitRuns(cwd, [name]))[0]!;
  const content = await fs.readFile(picked, 'utf8').catch(() => null);
  if (content === null) return { result: 'not-run', detail: `git would run ${picked}, which does not exist` };
  if (!isShim(content)) return { result: 'not-run', detail: `git would run ${picked}, which is not guard's hook` };
  const probe = randomBytes(8).toString('hex');
  const env = { GUARD_HOOK_PROBE: probe };
  let result = await runGit(['hook', 'run', '--ignore-missing', name], { cwd, env, okCodes: [1, 97, 128, 129] });
  if (result.code === 129 && /usage|unknown|not a git command/i.test(result.stderr)) {
    // git < 2.36 has no `git hook run`: run the file git would pick.
    const { spawnSync } = await import('node:child_process');
    const ran = spawnSync(picked, [], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
    result = { code: ran.status ?? 128, stderr: `${ran.stderr ?? ''}${ran.stdout ?? ''}`, stdout: Buffer.alloc(0) };
  }
  const output = `${result.stderr}${result.stdout.toString('utf8')}`;
  const match = new RegExp(`guard-hook-alive hook=${name} probe=${probe} node=(\\w+) pkg=(\\w+)`).exec(output);
  if (!match) {
    const said = output.trim().split('\n').slice(-2).join(' / ');
    return { result: 'not-run', detail: said ? `git ran something else for ${name}: ${said}` : `git did not run guard's ${name} hook` };
  }
  if (match[1] !== 'ok') return { result: 'no-node', detail: 'the shim runs but cannot find node' };
  if (match[2] !== 'ok') return { result: 'no-package', detail: 'the shim runs but the git-guard package it points to is gone' };
  void repo;
  return { result: 'alive' };
}

export async function inspectHooks(repo: Repo, guardDir: string, options: { selfTest?: boolean; location?: HooksLocation } = {}): Promise<HooksStatus> {
  const [manifest, location] = await Promise.all([readManifest(guardDir), options.location ?? hooksLocation(repo)]);
  const problems: string[] = [];
  const notes: string[] = [];
  if (!manifest) {
    return { installed: false, manifest: null, location, dirDrift: false, hooksPathDrift: false, hooks: [], degraded: true, problems: ['guard\'s git hooks are not installed here (run `guard init`)'], notes: [] };
  }
  const dirDrift = path.resolve(manifest.hooksDir) !== location.dir;
  const before = manifest.hooksPath?.value ?? null;
  const now = location.hooksPath?.value ?? null;
  const hooksPathDrift = before !== now;
  if (hooksPathDrift) problems.push(`core.hooksPath changed since guard init: ${before === null ? '(unset)' : before} -> ${now === null ? '(unset)' : now}`);
  if (dirDrift) problems.push(`git now runs hooks from ${location.dir}, but guard's hooks are in ${manifest.hooksDir} (run \`guard init\` to install them there)`);
  const hooks: HookStatus[] = [];
  const current = manifest.hooks.filter((h) => path.dirname(h.path) === path.resolve(manifest.hooksDir));
  const picked = options.selfTest === false ? [] : await hookFilesGitRuns(repo.root, current.map((h) => h.name));
  for (const [i, record] of current.entries()) {
    const { state, replacedBy } = await fileState(record.path, record.shimSha256);
    const chained = `${record.path}${CHAINED_SUFFIX}`;
    const chainedPresent = await exists(chained);
    const test: SelfTest = options.selfTest === false ? { result: 'skipped', detail: 'self-test not run' } : await selfTest(repo, repo.root, record.name, picked[i]);
    if (state === 'missing') problems.push(`${record.name}: guard's hook file is gone (${record.path})`);
    if (state === 'replaced') problems.push(`${record.name}: replaced${replacedBy ? ` by ${replacedBy}` : ''} after guard installed it (run \`guard init\` to chain it again)`);
    if (state === 'modified') problems.push(`${record.name}: guard's hook file was edited`);
    if (record.previous && !chainedPresent) notes.push(`${record.name}: the hook guard chains to is gone (${chained})`);
    if (test.result !== 'alive' && test.result !== 'skipped') problems.push(`${record.name}: self-test failed: ${test.detail}`);
    hooks.push({
      name: record.name,
      path: record.path,
      file: state,
      replacedBy,
      chainedPresent,
      chainedManager: record.previous?.manager ?? null,
      selfTest: test,
    });
  }
  const degraded = problems.length > 0;
  if (location.hooksPath?.scope === 'global' || location.hooksPath?.scope === 'system') {
    notes.push(`core.hooksPath comes from the ${location.hooksPath.scope} git config: guard's hooks there run for every repository that uses it (they do nothing where guard is not set up)`);
  }
  return { installed: true, manifest, location, dirDrift, hooksPathDrift, hooks, degraded, problems, notes };
}
