/**
 * Randomized differential test of guard's core promise (docs/snapshot-format.md): `guard snapshot`
 * changes nothing, `guard rollback --yes <snapshot>` after random destruction gives the state back
 * byte for byte, `--undo` gives the destroyed state back, and a rollback killed at a random moment
 * is finished by `--resume` with nothing lost. Generator and destroyer: rollback-gen.ts; oracle:
 * rollback-oracle.ts; one case: rollback-case.ts. test/fuzz/README.md says how to run it longer.
 *
 * Each seed that once found a bug stays in the list. CI runs a sample of them (`ci`: one found
 * with the early destroyer, one with the later steps, one of the wider states, and the case with
 * nothing to do; about 35 s of the 170 s all 13 took in a clean CI run, issue 8). Every other seed
 * that found a bug in guard has a focused test of its own, named beside it, that goes red without
 * its fix; 228 and 2009 found what the oracle must leave out (documented). GUARD_FUZZ_SEEDS=all
 * runs every seed; GUARD_FUZZ_CASES=N GUARD_FUZZ_SEED=S runs N cases from seed S instead.
 */
import { describe, expect, it } from 'vitest';
import { runCase } from './rollback-case.js';

/**
 * Seeds that run in CI, with what each found. `early`: found before the later destroyer steps
 * (rollback-gen.ts laterDestroyStep) existed, and run without them to keep their case.
 */
const FIXED: { seed: number; early?: true; wide?: true; ci?: true }[] = [
  { seed: 122, early: true }, // a kill after a random delay left index.lock with no journal (fixed: the journal first, rollback/killed-at-lock)
  { seed: 123, early: true, ci: true }, // the destroyer changed nothing: rollback has nothing to do and makes no rollback to undo (oracle)
  { seed: 228, early: true }, // a conflicted merge in S0, a stray MERGE_MSG in S1 (in no snapshot: compared only during an operation)
  { seed: 1062, early: true }, // sparse view changed + add -N: the entry dropped (fixed: add -N with sparse rules off, rollback/intent-to-add-missing)
  { seed: 1075, early: true }, // add -N of a file deleted since: the entry dropped (fixed: added from a temp work tree, rollback/intent-to-add-missing)
  { seed: 2009 }, // chmod after add -N: the intent-to-add entry's mode is not recorded (documented; oracle)
  { seed: 2083, ci: true }, // git restore --staged in a cone: an entry outside left unmarked, marked by reapply (documented; oracle)
  { seed: 3080 }, // skip-worktree local bytes of the entry's size in its second: the pre-rollback snapshot took the index blob, --undo lost them (fixed: rollback/flagged-stale-stat)
  { seed: 208, early: true, ci: true }, // assume-unchanged: red with applyFlags skipped in src/restore/rollback.ts
  // The wider states (rollback-ops.ts):
  { seed: 5108, wide: true }, // in a linked worktree, --paths: a selected untracked key's 0600 not given back when its bytes were unchanged (fixed: rollback/paths-selected-bits)
  { seed: 5109, wide: true }, // merge --autostash, submodule, --paths: an assume-unchanged entry outside the paths lost its bit (fixed: rollback/paths-index-flags)
  { seed: 5113, wide: true, ci: true }, // rebase -r stopped; its abort refused, rebase-merge/ removed (git's own advice): a stray REBASE_HEAD, in no snapshot (not compared, by design)
  { seed: 6024, wide: true }, // a bisect the agent could not reset: the refusal named git bisect --continue/--abort (fixed: rollback/bisect-refusal)
];

const cases = process.env.GUARD_FUZZ_CASES ? Number(process.env.GUARD_FUZZ_CASES) : 0;
const first = process.env.GUARD_FUZZ_SEED ? Number(process.env.GUARD_FUZZ_SEED) : 1000;
// Long runs draw the wider states too (rollback-ops.ts) unless GUARD_FUZZ_NARROW=1 (a seed found before them).
const allSeeds = process.env.GUARD_FUZZ_SEEDS === 'all';
const seeds: { seed: number; early?: true; wide?: true; ci?: true }[] =
  cases > 0
    ? Array.from({ length: cases }, (_, i) => ({ seed: first + i, ...(process.env.GUARD_FUZZ_EARLY ? { early: true as const } : {}), ...(process.env.GUARD_FUZZ_NARROW ? {} : { wide: true as const }) }))
    : FIXED;

describe('rollback fuzz: snapshot, destroy, rollback, undo, interrupted rollback', () => {
  for (const { seed, early, wide, ci } of seeds) {
    // Skipped, not left out: the list shows every seed, and GUARD_FUZZ_SEEDS=all runs them.
    it.skipIf(cases === 0 && !ci && !allSeeds)(`seed ${seed}${early ? ' (early destroyer)' : ''}${wide ? ' (wide)' : ''}`, async () => {
      // CI's fixed seeds kill the rollback after a named step only (reproducible on any machine); long runs also after a random delay.
      const result = await runCase(seed, { ...(early ? { laterDestroy: false } : {}), ...(wide ? { wide: true } : {}), ...(cases > 0 ? {} : { killByStepOnly: true }) });
      if (process.env.GUARD_FUZZ_VERBOSE) console.log(`seed ${seed}: ${result.ms} ms, ${result.findings.length} findings\n  ${result.log.join('\n  ')}${result.findings.length > 0 ? `\n  FINDINGS:\n  ${result.findings.join('\n  ')}` : ''}`);
      expect(result.findings, `seed ${seed} (GUARD_FUZZ_CASES=1 GUARD_FUZZ_SEED=${seed} to repeat)\n${result.log.join('\n')}\n`).toEqual([]);
    }, 300_000);
  }
});
