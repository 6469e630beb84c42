/**
 * One case of the rollback fuzzer: generate S0, `guard snapshot` (must change nothing), destroy
 * (S1), `guard rollback --yes <snapshot>` (must give S0), `--undo` (must give S1), then the same
 * rollback killed with SIGKILL after a random delay (or after a random step, through the test
 * bundle's GUARD_TEST_KILL_AFTER_STEP), `--resume` (S0), `--undo` (S1: nothing of S1 lost).
 * Returns the findings (empty when every promise held) and the log that reproduces it.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createTestRepo, GUARD_BIN, processesWithHomeUnder, quietRepoConfig, type TestRepo } from '../helpers/git-repo.js';
import { buildHistory, buildWorkingState, destroyStep, laterDestroyStep, endOperation, gitRaw, operationInProgress, Rng, type GenOptions } from './rollback-gen.js';
import { capture, diffStates, ignoredOf, promised, type State } from './rollback-oracle.js';

export interface CaseOptions {
  /** A bare repository to clone as the base state (a real project's shape) instead of generated history. */
  base?: string;
  big?: boolean;
  /**
   * The destroyer steps added after the first long runs (laterDestroyStep); false reproduces a
   * seed found before them.
   */
  laterDestroy?: boolean;
  /** Skip the interrupted-rollback phase. */
  noKill?: boolean;
  /**
   * Kill only after a named step (test bundle), never after a random delay: what a delay hits
   * depends on the machine's speed, so the fixed seeds of CI use steps and stay reproducible.
   */
  killByStepOnly?: boolean;
}

export interface CaseResult {
  seed: number;
  findings: string[];
  log: string[];
  ms: number;
}

const KILL_STEPS = ['planned', 'refs', 'head', 'stash', 'worktree', 'index', 'operation'];

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until no process of this test (HOME under its temp dir) runs, at most `ms`. */
async function settle(repo: TestRepo, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (processesWithHomeUnder(repo.base).length > 0 && Date.now() < deadline) await sleep(25);
}

/**
 * Compares the state after a rollback to `expected`, given the ignored files of the state the
 * rollback started from (`from`): those are no part of the promise, but must not be changed.
 * An ignored file of `from` may be replaced where the target has a file of its own at that path or
 * on its way (captured into the pre-rollback snapshot: docs/snapshot-format.md, "Other files in
 * the way"), and may stay as an extra untracked-or-ignored file where the target lacks it.
 */
function checkRollback(label: string, expected: State, from: State, actual: State, findings: string[], strictIgnored: boolean): void {
  const ignoredFrom = ignoredOf(from);
  const exp = promised(expected);
  const act = promised(actual);
  for (const [name, value] of ignoredFrom) {
    // Still there, ignored or not: no part of the comparison.
    if (act.get(`file:${name}`) === value && !exp.has(`file:${name}`)) act.delete(`file:${name}`);
  }
  const diff = diffStates(exp, act);
  if (diff.length > 0) findings.push(`${label}: state differs from the expected one:\n  ${diff.join('\n  ')}`);
  const now = new Map([...actual].filter(([k]) => k.startsWith('file:') || k.startsWith('ignored:')).map(([k, v]) => [k.replace(/^(file|ignored):/, ''), v]));
  const expectedFiles = [...expected.keys()].filter((k) => k.startsWith('file:')).map((k) => k.slice(5));
  for (const [name, value] of ignoredFrom) {
    if (now.get(name) === value) continue;
    // Replaced by the target's file at that path or on its way (captured first, undo gives it back).
    const inTheWay = expectedFiles.some((f) => f === name || f.startsWith(`${name}/`) || name.startsWith(`${f}/`));
    if (!inTheWay || strictIgnored) findings.push(`${label}: ignored file ${JSON.stringify(name)} changed: ${value} -> ${now.get(name) ?? 'gone'}`);
  }
}

function guard(repo: TestRepo, args: string[], env: Record<string, string> = {}): { code: number; out: string; stdout: string } {
  const r = spawnSync(process.execPath, [GUARD_BIN, ...args], { cwd: repo.dir, env: { ...repo.env, ...env }, input: '', encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status ?? 128, out: `${r.stdout}\n${r.stderr}`.trim(), stdout: r.stdout };
}

function cloneBase(repo: TestRepo, base: string): void {
  const r = spawnSync('git', ['clone', '-q', '--no-checkout', base, repo.dir], { env: repo.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`clone failed: ${r.stderr}`);
  quietRepoConfig(repo.dir);
  gitRaw(repo, ['checkout', '-q', '-f', 'HEAD']);
  // Local branches from a few remote ones; the tags came with the clone.
  const remotes = gitRaw(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/remotes/origin']).stdout.toString().split('\n').filter((x) => x && !x.endsWith('/HEAD'));
  for (const remote of remotes.slice(0, 6)) gitRaw(repo, ['branch', '-q', '--no-track', remote.replace(/^origin\//, '').replace(/\//g, '-'), remote]);
  const head = gitRaw(repo, ['symbolic-ref', '--short', 'HEAD']).stdout.toString().trim();
  // The conflict pair the generator's merge and cherry-pick use.
  gitRaw(repo, ['checkout', '-q', '-b', 'conflicting']);
  fs.writeFileSync(path.join(repo.dir, 'conflict.txt'), 'theirs\n');
  gitRaw(repo, ['add', 'conflict.txt']);
  gitRaw(repo, ['commit', '-q', '--no-verify', '-m', 'theirs']);
  gitRaw(repo, ['checkout', '-q', head]);
  fs.writeFileSync(path.join(repo.dir, 'conflict.txt'), 'ours\n');
  gitRaw(repo, ['add', 'conflict.txt']);
  gitRaw(repo, ['commit', '-q', '--no-verify', '-m', 'ours']);
  if (head !== 'main') gitRaw(repo, ['branch', '-q', '-m', head, 'main']);
}

export async function runCase(seed: number, options: CaseOptions = {}): Promise<CaseResult> {
  const started = Date.now();
  const rng = new Rng(seed);
  const opts: GenOptions = { big: options.big ?? true };
  const log: string[] = [];
  const findings: string[] = [];
  const repo = createTestRepo(options.base ? { init: false } : {});
  try {
    if (options.base) cloneBase(repo, options.base);
    else buildHistory(repo, rng, opts, log);
    const later = new Rng(seed ^ 0x5bd1e995);
    buildWorkingState(repo, rng, opts, log, later);

    // Snapshot: must change nothing (files, mtimes, ignored files, the index file's bytes, refs).
    const untouched = capture(repo, { untouched: true });
    const snap = guard(repo, ['snapshot', '--json']);
    if (snap.code !== 0) {
      findings.push(`guard snapshot failed (${snap.code}): ${snap.out}`);
      return { seed, findings, log, ms: Date.now() - started };
    }
    const id = (JSON.parse(snap.stdout) as { id: string }).id;
    const afterSnap = capture(repo, { untouched: true });
    const snapDiff = diffStates(untouched, afterSnap);
    if (snapDiff.length > 0) findings.push(`guard snapshot changed the repository:\n  ${snapDiff.join('\n  ')}`);
    const s0 = capture(repo);

    // Destroy.
    for (let i = 0, n = rng.range(1, 8); i < n; i++) {
      log.push(`destroy: ${destroyStep(repo, rng, opts)}`);
      if (options.laterDestroy !== false && later.chance(0.25)) log.push(`destroy: ${laterDestroyStep(repo, later)}`);
    }
    if (operationInProgress(repo)) {
      // A rollback refuses during a merge, rebase, cherry-pick...: exit 3, nothing changed.
      const before = capture(repo);
      const refused = guard(repo, ['rollback', '--yes', id]);
      if (refused.code !== 3) findings.push(`rollback during an operation in progress: exit ${refused.code}, expected 3: ${refused.out}`);
      const diff = diffStates(before, capture(repo));
      if (diff.length > 0) findings.push(`refused rollback changed the repository:\n  ${diff.join('\n  ')}`);
      endOperation(repo);
      log.push('destroy: operation ended');
    }
    const s1 = capture(repo);
    if (process.env.GUARD_FUZZ_STOP === 's1') {
      // For a look at S1 by hand (with GUARD_FUZZ_KEEP=1): the case stops before the rollback.
      findings.push('stopped at S1 (GUARD_FUZZ_STOP)');
      return { seed, findings, log, ms: Date.now() - started };
    }

    // Rollback, undo.
    const t0 = Date.now();
    const rb = guard(repo, ['rollback', '--yes', '--json', id]);
    const rollbackMs = Date.now() - t0;
    if (rb.code !== 0) {
      findings.push(`rollback failed (${rb.code}): ${rb.out}`);
      return { seed, findings, log, ms: Date.now() - started };
    }
    checkRollback('rollback', s0, s1, capture(repo), findings, false);
    if ((JSON.parse(rb.stdout) as { nothingToDo: boolean }).nothingToDo) {
      // The destroyer changed nothing the snapshot holds: no rollback was made, none to undo.
      log.push('rollback: nothing to do');
      return { seed, findings, log, ms: Date.now() - started };
    }
    const undo = guard(repo, ['rollback', '--undo', '--yes']);
    if (undo.code !== 0) {
      findings.push(`rollback --undo failed (${undo.code}): ${undo.out}`);
      return { seed, findings, log, ms: Date.now() - started };
    }
    checkRollback('undo', s1, s1, capture(repo), findings, true);
    if (findings.length > 0 || options.noKill) return { seed, findings, log, ms: Date.now() - started };

    // The same rollback, killed: by step (test bundle) or after a random delay (product bundle).
    const byStep = rng.chance(0.4) || options.killByStepOnly === true;
    const env: Record<string, string> = {};
    let delay = 0;
    if (byStep) {
      env.GUARD_TEST_BUNDLE = '1';
      env.GUARD_TEST_KILL_AFTER_STEP = rng.pick(KILL_STEPS);
      log.push(`kill after step ${env.GUARD_TEST_KILL_AFTER_STEP}`);
    } else {
      delay = Math.floor(rng.next() * rollbackMs * 1.1);
      log.push(`kill after ${delay} ms (the first rollback took ${rollbackMs} ms)`);
    }
    const group = rng.chance(0.5);
    const child = spawn(process.execPath, [GUARD_BIN, 'rollback', '--yes', id], { cwd: repo.dir, env: { ...repo.env, ...env }, detached: true, stdio: 'ignore' });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    if (!byStep) {
      await sleep(delay);
      try {
        process.kill(group ? -(child.pid as number) : (child.pid as number), 'SIGKILL');
      } catch {
        // already done
      }
      log.push(group ? 'killed the process group' : 'killed the guard process alone (its git children run on)');
    }
    await exited;
    await settle(repo);
    const interrupted = fs.existsSync(path.join(repo.dir, '.git', 'guard', 'rollback-in-progress.json'));
    log.push(`interrupted: ${interrupted}`);
    if (interrupted) {
      const resume = guard(repo, ['rollback', '--resume', '--yes']);
      if (resume.code !== 0) {
        findings.push(`rollback --resume failed (${resume.code}): ${resume.out}`);
        return { seed, findings, log, ms: Date.now() - started };
      }
      checkRollback('resume', s0, s1, capture(repo), findings, false);
    } else {
      const now = capture(repo);
      const atS0 = diffStates(promised(s0), promised(now)).length === 0;
      const atS1 = diffStates(promised(s1), promised(now)).length === 0;
      log.push(`killed rollback left ${atS0 ? 'S0 (finished)' : atS1 ? 'S1 (not started)' : 'neither'}`);
      if (!atS0 && !atS1) {
        findings.push(`killed rollback left no journal but changed the state:\n  vs S1: ${diffStates(promised(s1), promised(now)).join('\n  ')}`);
        return { seed, findings, log, ms: Date.now() - started };
      }
      if (atS1) {
        // Nothing was changed: the rollback runs again.
        const again = guard(repo, ['rollback', '--yes', id]);
        if (again.code !== 0) {
          findings.push(`rollback after a killed one failed (${again.code}): ${again.out}`);
          return { seed, findings, log, ms: Date.now() - started };
        }
        checkRollback('rollback after kill', s0, s1, capture(repo), findings, false);
      }
    }
    const undo2 = guard(repo, ['rollback', '--undo', '--yes']);
    if (undo2.code !== 0) findings.push(`rollback --undo after the interrupted rollback failed (${undo2.code}): ${undo2.out}`);
    else checkRollback('undo after interrupted rollback', s1, s1, capture(repo), findings, true);
    return { seed, findings, log, ms: Date.now() - started };
  } catch (error) {
    findings.push(`fuzzer error: ${(error as Error).stack}`);
    return { seed, findings, log, ms: Date.now() - started };
  } finally {
    if (findings.length > 0 && process.env.GUARD_FUZZ_KEEP) log.push(`kept: ${repo.dir}`);
    else repo.cleanup();
  }
}
