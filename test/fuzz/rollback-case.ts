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
import { buildHistory, buildWorkingState, destroyStep, laterDestroyStep, endOperation, gitDirOf, gitRaw, operationInProgress, Rng, type GenOptions, type WideOptions } from './rollback-gen.js';
import { pathsTarget, wideDestroyStep } from './rollback-ops.js';
import { capture, diffStates, ignoredOf, promised, submodules, type State } from './rollback-oracle.js';

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
  /**
   * The wider states (rollback-ops.ts, from a stream of their own): operations stopped half way,
   * a submodule with local changes, a rollback run from a linked worktree, `--paths`. Off for the
   * seeds found before them, so they keep their cases.
   */
  wide?: boolean;
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
function checkRollback(label: string, expected: State, from: State, actual: State, findings: string[], strictIgnored: boolean, extra?: Extra): void {
  // The inside of a submodule is in no snapshot (docs/snapshot-format.md, "Submodules"): no rollback may change it.
  const subDiff = diffStates(submodules(from), submodules(actual));
  if (subDiff.length > 0) findings.push(`${label}: the inside of a submodule changed:\n  ${subDiff.join('\n  ')}`);
  if (extra?.main) {
    // A rollback run in a linked worktree leaves the main worktree (its files, index, HEAD, git state) alone.
    const mainDiff = diffStates(mainView(extra.main.before), mainView(capture(extra.main.repo)));
    if (mainDiff.length > 0) findings.push(`${label}: the main worktree changed:\n  ${mainDiff.join('\n  ')}`);
  }
  const ignoredFrom = ignoredOf(from);
  const exp = promised(expected);
  const act = promised(extra?.normalize ? extra.normalize(actual) : actual);
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

interface Extra {
  /** The rollback runs in a linked worktree: the main worktree's state before it. */
  main?: { repo: TestRepo; before: State };
  /** What a `--paths` rollback does not promise, taken out of the state after it (pathsExpected). */
  normalize?: (state: State) => State;
}

/** What a rollback in another worktree must not touch: the main worktree's files, index, HEAD and git state. */
function mainView(state: State): State {
  return new Map([...state].filter(([k]) => k.startsWith('file:') || k.startsWith('sub:') || k === ':index' || k === ':index-flags' || k === ':head' || k.startsWith(':op:')));
}

const selectedBy = (name: string) => (p: string): boolean => p === name || p.startsWith(`${name}/`);

/**
 * What `guard rollback --paths NAME --paths 'NAME/**'` promises (docs/snapshot-format.md, "Snapshots
 * of other worktrees" and the restore recipe): the snapshot's files and staged entries under NAME,
 * everything else as it was (other files, other index entries and their bits, HEAD, refs, stash,
 * git's operation state, the sparse view). Index entries are compared only when neither index is
 * conflicted (a conflicted one has no tree: the index stays as it is).
 */
function pathsExpected(s0: State, s1: State, name: string): State {
  const m = selectedBy(name);
  const out: State = new Map();
  const entries = (s: State, k: string, sep: string): string[] => (s.get(k) ?? '').split(sep).filter(Boolean);
  const nameOfEntry = (e: string): string => e.slice(e.indexOf('\t') + 1);
  const flagName = (line: string): string => line.slice(0, line.lastIndexOf(' '));
  for (const [k, v] of s1) if (!(k.startsWith('file:') && m(k.slice(5)))) out.set(k, v);
  for (const [k, v] of s0) if (k.startsWith('file:') && m(k.slice(5))) out.set(k, v);
  const conflicted = (s: State): boolean => entries(s, ':index', '\0').some((e) => !e.includes(' 0\t'));
  if (!conflicted(s0) && !conflicted(s1)) {
    const byName = (a: string, b: string): number => (nameOfEntry(a) < nameOfEntry(b) ? -1 : nameOfEntry(a) > nameOfEntry(b) ? 1 : 0);
    const ita = (e: string): boolean => e.startsWith('(mode)');
    out.set(':index', [...entries(s1, ':index', '\0').filter((e) => !m(nameOfEntry(e))), ...entries(s0, ':index', '\0').filter((e) => m(nameOfEntry(e)) && !ita(e))].sort(byName).join('\0'));
    out.set(':index-flags', entries(s1, ':index-flags', '\n').filter((l) => !m(flagName(l))).join('\n'));
  }
  return out;
}

/**
 * Not promised by a `--paths` rollback, taken out of the state after it: the assume-unchanged,
 * skip-worktree and intent-to-add bits of the selected entries (an entry it takes from the snapshot
 * takes the snapshot's, one it leaves keeps its own: flagsAfterRestore in src/restore/rollback.ts),
 * and so a selected intent-to-add entry (the file itself is compared).
 */
function pathsNormalize(name: string, s0: State, s1: State): (state: State) => State {
  const m = selectedBy(name);
  const conflicted = (s: State): boolean => (s.get(':index') ?? '').split('\0').filter(Boolean).some((e) => !e.includes(' 0\t'));
  if (conflicted(s0) || conflicted(s1)) return (state) => state;
  return (state) => {
    const out = new Map(state);
    out.set(':index', (state.get(':index') ?? '').split('\0').filter((e) => e && !(m(e.slice(e.indexOf('\t') + 1)) && e.startsWith('(mode)'))).join('\0'));
    out.set(':index-flags', (state.get(':index-flags') ?? '').split('\n').filter((l) => l && !m(l.slice(0, l.lastIndexOf(' ')))).join('\n'));
    return out;
  };
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
  const main = createTestRepo(options.base ? { init: false } : {});
  let repo = main;
  try {
    if (options.base) cloneBase(repo, options.base);
    else buildHistory(repo, rng, opts, log);
    const later = new Rng(seed ^ 0x5bd1e995);
    // The wider states (rollback-ops.ts) draw from a stream of their own.
    const wideRng = options.wide ? new Rng(seed ^ 0x27d4eb2f) : null;
    const fromWorktree = wideRng !== null && gitRaw(repo, ['rev-parse', '-q', '--verify', 'HEAD']).code === 0 && wideRng.chance(0.15);
    const pathsMode = wideRng !== null && wideRng.chance(0.2);
    const wide: WideOptions | undefined = wideRng ? { rng: wideRng, submodule: !fromWorktree && wideRng.chance(0.25) } : undefined;
    if (fromWorktree) {
      // The whole case runs in a linked worktree on a branch of its own; the main worktree stays on main.
      const dir = path.join(repo.base, 'wt-run');
      const r = gitRaw(repo, ['worktree', 'add', '-q', '-b', 'run', dir, 'HEAD']);
      if (r.code !== 0) throw new Error(`worktree add failed: ${r.stderr}`);
      repo = { ...repo, dir };
      log.push('the case runs in the linked worktree wt-run');
    }
    buildWorkingState(repo, rng, opts, log, later, wide);

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
    const s0Names = [...s0.keys()].filter((k) => k.startsWith('file:')).map((k) => k.slice(5));

    // Destroy.
    for (let i = 0, n = rng.range(1, 8); i < n; i++) {
      if (wideRng && wideRng.chance(operationInProgress(repo) ? 0.6 : 0.3)) log.push(`destroy: ${wideDestroyStep(repo, wideRng)}`);
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
    const extra: Extra = repo !== main ? { main: { repo: main, before: capture(main) } } : {};
        // --paths NAME --paths 'NAME/**': NAME a top-level name of S0 or S1 (plain characters only).
    const pathsName = pathsMode && wideRng ? pathsTarget(repo, wideRng, s0Names.map((n) => n.split('/')[0]!).filter((n) => /^[A-Za-z0-9._-]+$/.test(n) && n !== '.gitignore')) : null;
    const pathsArgs = pathsName ? ['--paths', pathsName, '--paths', `${pathsName}/**`] : [];
    const goal = pathsName ? pathsExpected(s0, s1, pathsName) : s0;
    if (pathsName) log.push(`rollback --paths ${pathsName} --paths '${pathsName}/**'`);
    const goalExtra: Extra = pathsName ? { ...extra, normalize: pathsNormalize(pathsName, s0, s1) } : extra;
    if (process.env.GUARD_FUZZ_STOP === 's1') {
      // For a look at S1 by hand (with GUARD_FUZZ_KEEP=1): the case stops before the rollback.
      findings.push('stopped at S1 (GUARD_FUZZ_STOP)');
      return { seed, findings, log, ms: Date.now() - started };
    }

    // Rollback, undo.
    const t0 = Date.now();
    const rb = guard(repo, ['rollback', '--yes', '--json', id, ...pathsArgs]);
    const rollbackMs = Date.now() - t0;
    if (rb.code !== 0) {
      findings.push(`rollback failed (${rb.code}): ${rb.out}`);
      return { seed, findings, log, ms: Date.now() - started };
    }
    checkRollback('rollback', goal, s1, capture(repo), findings, false, goalExtra);
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
    checkRollback('undo', s1, s1, capture(repo), findings, true, extra);
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
    const child = spawn(process.execPath, [GUARD_BIN, 'rollback', '--yes', id, ...pathsArgs], { cwd: repo.dir, env: { ...repo.env, ...env }, detached: true, stdio: 'ignore' });
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
    const interrupted = fs.existsSync(path.join(gitDirOf(repo), 'guard', 'rollback-in-progress.json'));
    log.push(`interrupted: ${interrupted}`);
    if (interrupted) {
      let resume = guard(repo, ['rollback', '--resume', '--yes']);
      // A ref lock git left when the kill took its update-ref too (the whole process group): the
      // refusal names it and says to remove it when no git command runs (seed 204, test
      // rollback/ref-lock-left); the way forward it names is followed.
      const lock = /rm '([^']+\.lock)'/.exec(resume.out)?.[1];
      if (resume.code !== 0 && lock && lock.startsWith(repo.base)) {
        fs.rmSync(lock, { force: true });
        log.push(`resume: removed the ref lock it named (${path.basename(lock)}) and ran it again`);
        resume = guard(repo, ['rollback', '--resume', '--yes']);
      }
      if (resume.code !== 0) {
        findings.push(`rollback --resume failed (${resume.code}): ${resume.out}`);
        return { seed, findings, log, ms: Date.now() - started };
      }
      checkRollback('resume', goal, s1, capture(repo), findings, false, goalExtra);
    } else {
      const now = capture(repo);
      const atS0 = diffStates(promised(goal), promised(goalExtra.normalize ? goalExtra.normalize(now) : now)).length === 0;
      const atS1 = diffStates(promised(s1), promised(now)).length === 0;
      log.push(`killed rollback left ${atS0 ? 'S0 (finished)' : atS1 ? 'S1 (not started)' : 'neither'}`);
      if (!atS0 && !atS1) {
        findings.push(`killed rollback left no journal but changed the state:\n  vs S1: ${diffStates(promised(s1), promised(now)).join('\n  ')}`);
        return { seed, findings, log, ms: Date.now() - started };
      }
      if (atS1) {
        // Nothing was changed: the rollback runs again.
        const again = guard(repo, ['rollback', '--yes', id, ...pathsArgs]);
        if (again.code !== 0) {
          findings.push(`rollback after a killed one failed (${again.code}): ${again.out}`);
          return { seed, findings, log, ms: Date.now() - started };
        }
        checkRollback('rollback after kill', goal, s1, capture(repo), findings, false, goalExtra);
      }
    }
    const undo2 = guard(repo, ['rollback', '--undo', '--yes']);
    if (undo2.code !== 0) findings.push(`rollback --undo after the interrupted rollback failed (${undo2.code}): ${undo2.out}`);
    else checkRollback('undo after interrupted rollback', s1, s1, capture(repo), findings, true, extra);
    return { seed, findings, log, ms: Date.now() - started };
  } catch (error) {
    findings.push(`fuzzer error: ${(error as Error).stack}`);
    return { seed, findings, log, ms: Date.now() - started };
  } finally {
    if (findings.length > 0 && process.env.GUARD_FUZZ_KEEP) log.push(`kept: ${main.base}`);
    else main.cleanup();
  }
}
