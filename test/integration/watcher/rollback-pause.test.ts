/**
 * A rollback and the watcher's protected-path restore (src/watcher/protected-restore.ts) must not
 * act on the same files at once. Seen in an agent session: `git rm` of the last submodule emptied
 * `.gitmodules` (a protected path), the watcher's restore was due, and a `guard rollback` run
 * right after failed with "git would not update some files: .gitmodules", said it changed
 * nothing, yet the file had the watcher's bytes (docs/FRICTION.md). Now a rollback pauses the
 * watcher (watcher/serve.ts, pauseWatcher) from before its pre-rollback snapshot to its end.
 *
 * The race is made deterministic by two holds of the test bundle (util/test-faults.ts): the
 * watcher's restore holds right before its last look at the file and its write
 * (GUARD_TEST_RESTORE_HOLD), the rollback holds once planned, before its checks
 * (GUARD_TEST_ROLLBACK_HOLD). The test releases the restore while the rollback is held: exactly
 * the interleaving of the report, every run. Real git, the real watcher daemon.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_BIN, stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { addSubmodule } from '../../helpers/fixtures.js';
import { fastWatchConfig, json, snapshots, treeFiles, waitFor, waitForStatus, waitForWatcher, waitForWatcherToMatchFullWalk } from './helpers.js';

const HOLDS = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_RESTORE_HOLD: '1', GUARD_TEST_ROLLBACK_HOLD: '1' };

const bases: string[] = [];
afterEach(() => {
  // withTestRepo stops them too; here also when an assertion failed half-way.
  for (const base of bases.splice(0)) stopWatchers(base);
});

function guardFile(repo: TestRepo, name: string): string {
  return path.join(repo.dir, '.git', 'guard', name);
}

function guardInBackground(repo: TestRepo, args: string[]): { pid: number; done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [GUARD_BIN, ...args], { cwd: repo.dir, env: { ...repo.env, ...HOLDS }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { pid: child.pid!, done: new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr }))) };
}

/** A committed project with a protected file, a session (its watcher started with the holds), and the session's start snapshot. */
async function setUp(repo: TestRepo): Promise<{ start: string; session: string }> {
  bases.push(repo.base);
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  repo.write('db/migrate/001_init.sh', '#!/bin/sh\necho init\n', 0o755);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const started = repo.guard(['session', 'start', '--agent', 'test', '--json'], { env: HOLDS });
  expect(started.code, started.stderr).toBe(0);
  const session = JSON.parse(started.stdout).session;
  await waitForWatcher(repo);
  return { start: session.startSnapshot, session: session.id };
}

/**
 * The agent's change: src/app.js edited and the protected ci.yml emptied, with the watcher's
 * restore of ci.yml held just before it writes. Returns the state then (what --undo goes back to).
 */
async function agentEmptiesProtectedFile(repo: TestRepo): Promise<ReturnType<typeof captureState>> {
  repo.write('src/app.js', 'console.log(2);\n');
  fs.writeFileSync(guardFile(repo, 'test-restore-hold'), '');
  fs.writeFileSync(path.join(repo.dir, '.github/workflows/ci.yml'), '');
  await waitFor('the watcher restore of ci.yml to be due and held', () => fs.existsSync(guardFile(repo, 'test-restore-held')), 60_000, 20);
  return captureState(repo);
}

/**
 * Releases the held restore while the rollback is held after its plan, then the rollback;
 * returns what the restore did and the watcher's status while the rollback was held.
 */
async function releaseRestoreDuringRollback(repo: TestRepo, whileHeld: () => Promise<void> = async () => undefined): Promise<{ outcome: string; status: any }> {
  await waitFor('the rollback to hold after its plan', () => fs.existsSync(guardFile(repo, 'test-rollback-held')), 60_000, 20);
  const status = json(repo, ['watch', 'status']);
  await whileHeld();
  fs.rmSync(guardFile(repo, 'test-restore-held'));
  // Read until it holds a word: writeFileSync creates the file before it writes (CI, 2026-12-06: read empty).
  const outcome = await waitFor('the held restore to finish', () => (fs.existsSync(guardFile(repo, 'test-restore-done')) && fs.readFileSync(guardFile(repo, 'test-restore-done'), 'utf8')) || undefined, 60_000, 20);
  fs.rmSync(guardFile(repo, 'test-rollback-held'));
  return { outcome, status };
}

/**
 * A person at a terminal: guard under `script` (a pseudo-terminal), run until it asks "Proceed?";
 * answered through the child's stdin. `output()` is everything said so far (stdout and stderr).
 */
async function askedAtTerminal(repo: TestRepo, args: string[]): Promise<{ child: ReturnType<typeof spawn>; output: () => string; done: Promise<number | null> }> {
  const command = [process.execPath, GUARD_BIN, ...args].map((a) => `'${a}'`).join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: { ...repo.env, ...HOLDS }, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  await waitFor('the question', () => output.includes('Proceed? [y/N]') || undefined, 60_000, 20);
  return { child, output: () => output, done };
}

/** The watcher held still for this rollback while it ran, and said so. */
function expectPausedFor(held: { outcome: string; status: any }, rollbackPid: number): void {
  expect(held.outcome).toBe('deferred');
  expect(held.status.file.pausedFor).toEqual([rollbackPid]);
  expect(held.status.summary).toContain(`paused while a rollback runs (pid ${rollbackPid})`);
}

describe('a rollback while the watcher restores a protected file', () => {
  it('the restore due when the rollback starts waits: the rollback succeeds, byte for byte, and --undo returns to the state before it', () =>
    withTestRepo(async (repo) => {
      const { start } = await setUp(repo);
      const atStart = captureState(repo);
      const before = await agentEmptiesProtectedFile(repo);
      // Emptied (the sha-256 of no bytes), not yet restored.
      expect(before.files['.github/workflows/ci.yml']).toBe('- e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');

      fs.writeFileSync(guardFile(repo, 'test-rollback-hold'), '');
      const rollback = guardInBackground(repo, ['rollback', start, '--yes', '--json']);
      const held = await releaseRestoreDuringRollback(repo, async () => {
        // The agent goes on meanwhile: the snapshot that becomes due is held (counted), not taken
        // while the rollback runs; the watcher records it once the rollback ends.
        repo.write('notes.txt', 'written while the rollback ran\n');
        await waitForStatus(repo, 'the watcher to hold a snapshot for the rollback', (s) => s.file.snapshots.held > 0 || undefined);
      });
      const r = await rollback.done;
      // Before the fix the watcher wrote ci.yml while the rollback was held ('written') and the
      // rollback then refused: "git would not update some files ...: .github/workflows/ci.yml".
      expect(r.code, r.stderr).toBe(0);
      expectPausedFor(held, rollback.pid);
      const out = JSON.parse(r.stdout);
      expect(out.applied).toBe(true);
      expect(out.watcher).toEqual({ state: 'paused' });

      // Files (bytes, exec bits), index, HEAD, branches, tags, stash: as at the session start,
      // and the file written meanwhile, which no plan named, left alone.
      const rolledBack = captureState(repo);
      expect(rolledBack.files['notes.txt']).toBeDefined();
      delete rolledBack.files['notes.txt'];
      expect(rolledBack).toEqual(atStart);
      await waitForStatus(repo, 'the watcher to be paused for no one', (s) => s.file.pausedFor.length === 0 || undefined);
      // The watcher records the result once the pause ends, and no snapshot of it lies between
      // the pre-rollback snapshot and that one (none of a half-restored tree).
      const after = await waitForWatcherToMatchFullWalk(repo, 'the watcher to record the rolled-back tree');
      const list = snapshots(repo);
      const preAt = list.findIndex((s: any) => s.id === out.preRollbackSnapshot.id || s.oid === out.preRollbackSnapshot.oid);
      expect(preAt).toBeGreaterThan(-1);
      // Every one of them records the rolled-back tree and index (parent 2: the index commit).
      const index = repo.git(['rev-parse', `${list[0].oid}^2^{tree}`]).trim();
      for (const s of list.slice(0, preAt)) {
        expect(repo.git(['rev-parse', `${s.oid}^{tree}`]).trim()).toBe(after);
        expect(repo.git(['rev-parse', `${s.oid}^2^{tree}`]).trim()).toBe(index);
      }
      expect(treeFiles(repo, list[0].oid)).toContain('notes.txt');

      // The journal says what happened: the rollback, with the watcher paused; no restore by the watcher.
      const events = json(repo, ['log']).events;
      const rolled = events.filter((e: any) => e.type === 'rollback');
      expect(rolled).toHaveLength(1);
      expect(rolled[0].watcher).toBe('paused');
      expect(events.filter((e: any) => e.type === 'protected-restore')).toEqual([]);
      const text = repo.guard(['log']);
      expect(text.stdout).toContain('the watcher was paused while it ran');

      // --undo goes to the pre-rollback snapshot: the state the agent left, ci.yml empty (notes.txt,
      // not in it, is removed: the undo's own pre-rollback snapshot holds it).
      const undo = repo.guard(['rollback', '--undo', '--yes', '--json'], { env: { GUARD_TEST_BUNDLE: '1' } });
      expect(undo.code, undo.stderr).toBe(0);
      expect(JSON.parse(undo.stdout).target.oid).toBe(out.preRollbackSnapshot.oid);
      expect(captureState(repo)).toEqual(before);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('a rollback that changes nothing (refused) lets the watcher go on: the held restore is done after it', () =>
    withTestRepo(async (repo) => {
      const { start } = await setUp(repo);
      await agentEmptiesProtectedFile(repo);
      fs.writeFileSync(guardFile(repo, 'test-rollback-hold'), '');
      // No --yes and no terminal: refused after the plan, nothing changed.
      const rollback = guardInBackground(repo, ['rollback', start]);
      const held = await releaseRestoreDuringRollback(repo);
      const r = await rollback.done;
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('rollback needs confirmation');
      expectPausedFor(held, rollback.pid);
      await waitFor('ci.yml to come back once the rollback let go', () => repo.read('.github/workflows/ci.yml') === 'on: push\njobs: {}\n' || undefined);
      const restores = await waitFor('the restore in the journal', () => {
        const found = json(repo, ['log']).events.filter((e: any) => e.type === 'protected-restore');
        return found.length > 0 ? found : undefined;
      });
      expect(restores.map((e: any) => [e.path, e.reason])).toEqual([['.github/workflows/ci.yml', 'emptied']]);
      expect(json(repo, ['log']).events.filter((e: any) => e.type === 'rollback')).toEqual([]);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('git rm of the last submodule (the report): the watcher leaves .gitmodules as git staged it, and the rollback and --undo are exact', () =>
    withTestRepo(async (repo) => {
      bases.push(repo.base);
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('.github/workflows/ci.yml', 'on: push\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      addSubmodule(repo, 'vendor/lib');
      const started = repo.guard(['session', 'start', '--agent', 'test', '--json'], { env: HOLDS });
      expect(started.code, started.stderr).toBe(0);
      const start = JSON.parse(started.stdout).session.startSnapshot;
      await waitForWatcher(repo);
      const atStart = captureState(repo);

      // git empties .gitmodules in the index and on disk; the watcher's restore of it is held
      // before it looks at the index, and released.
      fs.writeFileSync(guardFile(repo, 'test-restore-hold'), '');
      repo.git(['rm', '-q', 'vendor/lib']);
      await waitFor('the watcher restore of .gitmodules to be due and held', () => fs.existsSync(guardFile(repo, 'test-restore-held')), 60_000, 20);
      fs.rmSync(guardFile(repo, 'test-restore-held'));
      const outcome = await waitFor('the held restore to finish', () => (fs.existsSync(guardFile(repo, 'test-restore-done')) && fs.readFileSync(guardFile(repo, 'test-restore-done'), 'utf8')) || undefined, 60_000, 20);
      // Before: 'written', the old .gitmodules over git's empty one while the index kept it empty
      // (the file and the index apart, and the race with the rollback of the report).
      expect(outcome).toBe('staged');
      expect(repo.read('.gitmodules')).toBe('');
      expect(repo.git(['ls-files', '-s', '--', '.gitmodules'])).toMatch(/^100644 e69de29bb2d1d6434b8b29ae775ad8c2e48c5391 0\t\.gitmodules\n$/);
      expect(json(repo, ['log']).events.filter((e: any) => e.type === 'protected-restore')).toEqual([]);
      const afterRm = captureState(repo);

      const r = repo.guard(['rollback', start, '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).watcher).toEqual({ state: 'paused' });
      repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'update', '-q', '--init']);
      expect(captureState(repo)).toEqual(atStart);
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      // The submodule's own checkout (filled by the update above) is its repository's: a rollback
      // leaves it (docs/FRICTION.md); everything else is as git rm left it.
      const undone = captureState(repo);
      undone.files = Object.fromEntries(Object.entries(undone.files).filter(([file]) => !file.startsWith('vendor/lib/')));
      expect(undone).toEqual(afterRm);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('at the "Proceed?" question (a terminal, no --yes) the watcher goes on; paused once confirmed, the rollback is exact and --undo brings back what changed while asked', () =>
    withTestRepo(async (repo) => {
      const { start } = await setUp(repo);
      const atStart = captureState(repo);
      repo.write('src/app.js', 'console.log(2);\n');
      const { child, output: said, done } = await askedAtTerminal(repo, ['rollback', start]);

      // While the question is open: the watcher is not paused and takes snapshots of the agent's work.
      const status = json(repo, ['watch', 'status']);
      expect(status.file.pausedFor ?? []).toEqual([]);
      expect(status.summary).not.toContain('paused while a rollback runs');
      repo.write('src/app.js', 'console.log(3);\n');
      repo.write('notes.txt', 'written while the question was open\n');
      await waitFor('the watcher to snapshot the change made while asked', () => treeFiles(repo, snapshots(repo)[0].oid).includes('notes.txt') || undefined);
      const whileAsked = captureState(repo);

      // Confirmed: the rollback (planned again) holds after its plan, with the watcher paused for it.
      fs.writeFileSync(guardFile(repo, 'test-rollback-hold'), '');
      child.stdin!.write('y\n');
      await waitFor('the confirmed rollback to hold after its plan', () => fs.existsSync(guardFile(repo, 'test-rollback-held')) || undefined, 60_000, 20);
      const paused = json(repo, ['watch', 'status']);
      expect(paused.file.pausedFor).toHaveLength(1);
      expect(paused.summary).toContain('paused while a rollback runs');
      fs.rmSync(guardFile(repo, 'test-rollback-held'));
      expect(await done, said()).toBe(0);
      expect(said()).toContain('the repository changed while the question was open');
      expect(said()).toContain('The watcher was paused while it ran');

      // Exact: bytes, modes, index, HEAD, refs as at the start (notes.txt, in the new pre-rollback snapshot, removed).
      expect(captureState(repo)).toEqual(atStart);
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(captureState(repo)).toEqual(whileAsked);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));

  it('confirmed with nothing changed while asked: no new snapshot, no warning; an answer of no changes nothing', () =>
    withTestRepo(async (repo) => {
      const { start } = await setUp(repo);
      const atStart = captureState(repo);
      repo.write('src/app.js', 'console.log(2);\n');
      const edited = captureState(repo);
      await waitForWatcherToMatchFullWalk(repo, 'the watcher to record the edit');
      const latest = snapshots(repo)[0];
      const command = [process.execPath, GUARD_BIN, 'rollback', start].map((a) => `'${a}'`).join(' ');
      const ask = (answer: string): Promise<{ code: number | null; output: string }> => {
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: { ...repo.env, ...HOLDS }, stdio: ['pipe', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('Proceed? [y/N]') && answer) {
            child.stdin.write(`${answer}\n`);
            answer = '';
          }
        });
        return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
      };
      const no = await ask('n');
      expect(no.code, no.output).not.toBe(0);
      expect(no.output).toContain('rollback not confirmed; nothing was changed');
      expect(captureState(repo)).toEqual(edited);
      expect(json(repo, ['log']).events.filter((e: any) => e.type === 'rollback')).toEqual([]);

      const yes = await ask('y');
      expect(yes.code, yes.output).toBe(0);
      expect(yes.output).not.toContain('changed while the question was open');
      expect(yes.output).toContain('The watcher was paused while it ran');
      expect(captureState(repo)).toEqual(atStart);
      // Asked and planned again after the answer, from the same state: no new snapshot, the
      // watcher's of the edit is the state before.
      expect(yes.output).toContain(`The state before is snapshot ${latest.id}.`);
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(captureState(repo)).toEqual(edited);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
  it('guard restore at the "Proceed?" question: what changed while asked is reported and in the pre-restore snapshot; the watcher paused and says so', () =>
    withTestRepo(async (repo) => {
      const { session } = await setUp(repo);
      repo.write('src/app.js', 'console.log(2);\n');
      await waitForWatcherToMatchFullWalk(repo, 'the watcher to record the edit');
      const { child, output: said, done } = await askedAtTerminal(repo, ['restore', '--before', session, 'src/app.js']);
      repo.write('notes.txt', 'written while the question was open\n');
      await waitFor('the watcher to snapshot the change made while asked', () => treeFiles(repo, snapshots(repo)[0].oid).includes('notes.txt') || undefined);
      const whileAsked = captureState(repo);
      child.stdin!.write('y\n');
      expect(await done, said()).toBe(0);
      expect(said()).toContain('the repository changed while the question was open; the restore was planned again');
      expect(said()).toContain('The watcher was paused while it ran');
      // Only the path asked for went back; notes.txt, written while asked, stays and is in the pre-restore snapshot.
      expect(repo.read('src/app.js')).toBe('console.log(1);\n');
      expect(repo.read('notes.txt')).toBe('written while the question was open\n');
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(captureState(repo)).toEqual(whileAsked);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
