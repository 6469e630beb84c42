/**
 * A seeded fuzzer of the watcher's incremental snapshots (src/watcher/daemon.ts: each snapshot
 * edits the previous snapshot's tree with only the paths its events named). A real `guard watch`
 * runs in a hermetic repository with guard initialised; random bursts of edits (watcher-gen.ts:
 * files made, edited, removed, renamed across directories, directories and files and symlinks
 * swapped under one name, exec bits, large files written in chunks, names that are not UTF-8 or
 * hold spaces, newlines, glob and pathspec-magic characters, ignored files, `git add`) alternate
 * with git commands (commit, checkout -b, stash -u, reset --hard, tag).
 *
 * After each burst the test waits, with a reliable signal and no sleep, for the watcher's
 * snapshot that covers it, either way a session gets one:
 *  - `step`: what an agent's post-tool hook does (src/session/steps.ts): a mark appended to
 *    <gitDir>/guard/step-flush, whose event reaches the watcher after every event of the burst
 *    (one inotify queue); the watcher's own snapshot loop takes the snapshot and journals
 *    `step-snapshot` with the mark and the snapshot's id (null: nothing changed since the
 *    previous snapshot, which then covers the burst);
 *  - `served`: `guard snapshot`, answered by the watcher (a barrier through the inotify queue,
 *    then one incremental snapshot of everything pending: serve.ts).
 * At that quiet moment the snapshot's tree must be the tree a full walk records (plain git, a
 * private index: fullWalkTree) and its index tree the index's; the state S_i is recorded as bytes
 * (watcher-gen.ts byteState). The watcher's debounced snapshots in the middle of a burst (pauses
 * longer than its debounceMs) record states that lived shorter than that, which nothing promises
 * (docs/snapshot-format.md; the watcher records "every change ... soon after it settles",
 * src/watcher/daemon.ts): they are not compared, but every later snapshot edits their trees.
 *
 * At the end, with the watcher stopped (and checked gone), `guard rollback --yes <S_i's snapshot>`
 * must give S_i exactly for some random i and the last one, and `guard rollback --undo --yes` the
 * state before it.
 *
 * Fixed seeds run in CI; a long run: GUARD_FUZZ_CASES=N GUARD_FUZZ_SEED=S npx vitest run
 * test/fuzz/watcher-snapshots.test.ts (N cases from seed S on; GUARD_FUZZ_BURSTS sets the bursts
 * per case, GUARD_FUZZ_ROLLBACKS the rollbacks). A failure names its seed and prints the edits of
 * every burst.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { fullWalkTree, json, waitFor, waitForWatcher } from '../integration/watcher/helpers.js';
import { burst, byteState, gitBytes, gitStep, rng, rollbackDiff, show, type Rng } from './watcher-gen.js';

/**
 * The fixed seeds (each found nothing, or is the regression of what it found: README). CI runs seed 1
 * alone (issue 8: the three fixed cases took 82 s of a clean CI run): seed 2's find and seed 417's
 * (FIXED_LONG) have focused tests that go red without their fixes (rollback/ignored-rule-tracked-at-target,
 * rollback/untracked-unknown-modes), and the breaks README lists redden seed 1 at its first bursts.
 * GUARD_FUZZ_SEEDS=all runs them all.
 */
const FIXED_SEEDS = [1, 2];
const CI_SEEDS = [1];
const ALL_SEEDS = process.env.GUARD_FUZZ_SEEDS === 'all';
const CASES = Number(process.env.GUARD_FUZZ_CASES ?? 0);
const FIRST_SEED = Number(process.env.GUARD_FUZZ_SEED ?? 1);
const BURSTS = Number(process.env.GUARD_FUZZ_BURSTS ?? 7);
const ROLLBACKS = Number(process.env.GUARD_FUZZ_ROLLBACKS ?? 3);
/** Generous: a loaded machine; never an assertion on time. */
const WAIT_MS = 120_000;

const seeds = CASES > 0 ? Array.from({ length: CASES }, (_, i) => FIRST_SEED + i) : FIXED_SEEDS;

/**
 * Found by long runs and not fixed yet (test/fuzz/README.md, "Known"): each replays exactly
 * (the rollbacks do not depend on the watcher's timing). Run with GUARD_FUZZ_KNOWN=1.
 */
const KNOWN: Array<{ seed: number; bursts: number; rollbacks: number; what: string }> = [];

/**
 * Known cases fixed since, run with the fixed seeds (their own bursts and rollbacks; README,
 * "Found so far").
 */
const FIXED_LONG = [
  { seed: 417, bursts: 14, rollbacks: 6, what: 'a file untracked at 0644 at the target, tracked and narrowed to 0640 since with no git command after the chmod, is untracked at 0644 again' },
];

interface Recorded {
  burst: number;
  oid: string;
  how: string;
  state: Map<string, string>;
}

function journalEvents(repo: TestRepo): any[] {
  let text = '';
  try {
    text = fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'journal.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function chainHead(repo: TestRepo): string {
  return repo.git(['rev-parse', 'refs/guard/main/head']).trim();
}

/** A snapshot's metadata (the JSON after the marker line of its commit message). */
function meta(repo: TestRepo, oid: string): any {
  const message = repo.git(['cat-file', 'commit', oid]);
  const marker = '\n--- git-guard snapshot v1 ---\n';
  return JSON.parse(message.slice(message.indexOf(marker) + marker.length));
}

/** The tree of the index as it is (written from a copy: the user's index is not touched). */
function indexTree(repo: TestRepo): string {
  const copy = path.join(repo.base, `index-copy-${process.pid}`);
  fs.copyFileSync(path.join(repo.dir, '.git', 'index'), copy);
  try {
    return repo.git(['write-tree'], { env: { GIT_INDEX_FILE: copy } }).trim();
  } finally {
    fs.rmSync(copy, { force: true });
  }
}

/** The watcher's snapshot for a step: a mark in step-flush, awaited in the journal. */
async function stepSnapshot(repo: TestRepo, mark: string): Promise<string> {
  fs.appendFileSync(path.join(repo.dir, '.git', 'guard', 'step-flush'), `${mark}\n`);
  const event = await waitFor(`the watcher's step-snapshot for ${mark}`, () => journalEvents(repo).find((e) => e.type === 'step-snapshot' && e.marks?.includes(mark)), WAIT_MS, 50);
  if (event.snapshot) return event.snapshot as string;
  // Nothing changed since the previous snapshot: that one covers the burst. It must have been
  // taken before the step was journaled (a later one would mean the step missed a change).
  const head = chainHead(repo);
  expect(Date.parse(meta(repo, head).time), `step ${mark}: journaled "nothing changed", but the newest snapshot ${head} is younger`).toBeLessThanOrEqual(Date.parse(event.time));
  return head;
}

function servedSnapshot(repo: TestRepo): string {
  const served = json(repo, ['snapshot']);
  expect(served.takenBy, 'guard snapshot is answered by the watcher').toBe('watcher');
  return served.oid as string;
}

/** What differs between the watcher's tree and the walk's: status, mode and id of each side, names escaped. */
function treeDiff(repo: TestRepo, watcher: string, walk: string): string {
  const fields = gitBytes(repo, ['diff-tree', '-r', '-z', watcher, walk]).toString('latin1').split('\0').filter(Boolean);
  const lines: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) lines.push(`${fields[i]}  ${show(fields[i + 1]!)}`);
  return `(":<watcher mode> <walk mode> <watcher id> <walk id> <status>")\n${lines.join('\n')}`;
}

function treeOf(repo: TestRepo, oid: string): string {
  return repo.git(['rev-parse', `${oid}^{tree}`]).trim();
}

function setUp(repo: TestRepo): void {
  repo.write('.gitignore', '*.ign\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('src/lib/util.js', 'export {};\n');
  repo.write('docs/readme.txt', 'docs\n');
  repo.write('run.sh', '#!/bin/sh\n', 0o755);
  repo.symlink('link', 'src/app.js');
  // A directory and a file whose names are not UTF-8.
  fs.mkdirSync(Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from('bad\xff', 'latin1')]));
  fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from('bad\xff/name\xfe.txt', 'latin1')]), 'not utf-8\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const init = repo.guard(['init', '--yes', '--agents', 'none']);
  expect(init.code, init.stderr).toBe(0);
  // A watcher that snapshots soon after a change settles (and inside bursts that pause).
  repo.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 150\n  maxIntervalMs: 1000\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'guard']);
}

async function runCase(seed: number, bursts = BURSTS, rollbacks = ROLLBACKS): Promise<void> {
  const r: Rng = rng(seed);
  const repo = createTestRepo();
  const history: string[] = [];
  const recorded: Recorded[] = [];
  let pid = 0;
  const fail = (what: string): never => {
    let log = '';
    try {
      log = fs.readFileSync(path.join(repo.dir, '.git', 'guard', 'watcher.log'), 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      // no log
    }
    // GUARD_FUZZ_KEEP=1: the failing case's directory (repo and HOME) is copied for a look.
    if (process.env.GUARD_FUZZ_KEEP) spawnSync('cp', ['-a', repo.base, `/tmp/fw-keep-${seed}`]);
    throw new Error(`seed ${seed}: ${what}\n--- what ran ---\n${history.join('\n')}\n--- the watcher's log (end) ---\n${log}`);
  };
  try {
    setUp(repo);
    const started = repo.guard(['watch']);
    expect(started.code, started.stderr).toBe(0);
    pid = (await waitForWatcher(repo)).pid;
    for (let i = 0; i < bursts; i++) {
      history.push(`# burst ${i}`);
      history.push(...(await burst(repo, r, 4 + r.int(14))));
      if (r.chance(0.4)) history.push(gitStep(repo, r, i));
      if (r.chance(0.3)) history.push(...(await burst(repo, r, 1 + r.int(4))));
      const how = r.chance(0.6) ? 'step' : 'served';
      const oid = how === 'step' ? await stepSnapshot(repo, `fuzz-${seed}-${i}`) : servedSnapshot(repo);
      history.push(`# ${how} snapshot ${oid}`);
      // The quiet moment: the watcher's tree is what a full walk records, its index the index.
      const walk = fullWalkTree(repo);
      const tree = treeOf(repo, oid);
      if (tree !== walk) fail(`burst ${i} (${how}): the watcher's snapshot ${oid} differs from a full walk:\n${treeDiff(repo, tree, walk)}`);
      const index = indexTree(repo);
      if (meta(repo, oid).indexTree !== index) fail(`burst ${i} (${how}): the snapshot ${oid} records index tree ${meta(repo, oid).indexTree}, the index is ${index}`);
      recorded.push({ burst: i, oid, how, state: byteState(repo) });
    }
    const status = json(repo, ['watch', 'status']);
    expect(status.health, status.summary).toBe('running');
    const stopped = repo.guard(['watch', 'stop']);
    expect(stopped.code, stopped.stderr).toBe(0);
    await waitFor('the watcher process to be gone', () => !alive(pid), WAIT_MS);

    // Rollbacks to some of the states (and the last), each undone.
    const picks = new Set<number>([recorded.length - 1]);
    while (picks.size < Math.min(rollbacks, recorded.length)) picks.add(r.int(recorded.length));
    for (const at of picks) {
      const target = recorded[at]!;
      const before = byteState(repo);
      const rolled = repo.guard(['rollback', '--yes', '--json', target.oid]);
      if (rolled.code !== 0) fail(`guard rollback --yes ${target.oid} (burst ${target.burst}) failed (${rolled.code}): ${rolled.stderr}${rolled.stdout}`);
      const rolledBack = byteState(repo);
      const diff = rollbackDiff(target.state, before, rolledBack);
      if (diff) fail(`guard rollback to burst ${target.burst}'s snapshot ${target.oid} (${target.how}) does not give its state back:\n${diff}`);
      // Already there (the last burst's state, with nothing run since): no rollback, nothing to undo.
      if (JSON.parse(rolled.stdout).nothingToDo === true) continue;
      const undone = repo.guard(['rollback', '--undo', '--yes']);
      if (undone.code !== 0) fail(`guard rollback --undo --yes after burst ${target.burst}'s rollback failed (${undone.code}): ${undone.stderr}${undone.stdout}`);
      const back = rollbackDiff(before, rolledBack, byteState(repo));
      if (back) fail(`guard rollback --undo after the rollback to burst ${target.burst} does not give the state before back:\n${back}`);
    }
  } finally {
    repo.guard(['watch', 'stop']);
    repo.cleanup();
  }
  // Never a daemon left behind (cleanup kills what a failed case left running).
  expect(pid > 0 && alive(pid), `seed ${seed}: the watcher (pid ${pid}) still runs after its test`).toBe(false);
}

/** Whether the process runs (a zombie waiting for its parent to reap it runs no more). */
function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('the watcher\'s snapshots, fuzzed', () => {
  for (const seed of seeds) {
    // Skipped, not left out: the list shows every seed.
    it.skipIf(CASES === 0 && !ALL_SEEDS && !CI_SEEDS.includes(seed))(`seed ${seed}: every settled state it snapshotted equals a full walk and is given back by a rollback, byte for byte`, () => runCase(seed), WAIT_MS * 4 + BURSTS * 30_000);
  }
  for (const fixed of CASES > 0 ? [] : FIXED_LONG) {
    it.skipIf(!ALL_SEEDS)(`seed ${fixed.seed} (${fixed.bursts} bursts, ${fixed.rollbacks} rollbacks): ${fixed.what}`, () => runCase(fixed.seed, fixed.bursts, fixed.rollbacks), WAIT_MS * 4 + fixed.bursts * 30_000);
  }
  for (const known of KNOWN) {
    it.skipIf(!process.env.GUARD_FUZZ_KNOWN)(`known, not fixed: seed ${known.seed} (${known.bursts} bursts, ${known.rollbacks} rollbacks): ${known.what}`, () => runCase(known.seed, known.bursts, known.rollbacks), WAIT_MS * 4 + known.bursts * 30_000);
  }
});
