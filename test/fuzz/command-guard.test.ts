/**
 * The command guard's oracle fuzzer: "what guard can restore may run". Agent-like shell commands
 * (grammar.ts) over a template repository holding every kind of path a rollback promises to give
 * back (template.ts) go through Claude Code's installed PreToolUse hook; what the hook lets run is
 * run, then rolled back and undone, and the bytes are compared (oracle.ts). Any difference fails.
 *
 * In CI: the fixed corpus (commands earlier runs found, each now fixed or excluded below) and a
 * fixed seed set. Long runs (see test/fuzz/command-guard/README.md):
 *
 *   GUARD_FUZZ_CASES=2000 GUARD_FUZZ_SEED=7 nice -n 10 npx vitest run test/fuzz/command-guard.test.ts
 *   GUARD_FUZZ_COMMAND='mv src/app.js ../out' npx vitest run test/fuzz/command-guard.test.ts
 *
 * GUARD_FUZZ_JOBS (default 2) cases run at once; GUARD_FUZZ_REPORT=file writes one JSON line per case.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseSeed, commandFor } from './command-guard/grammar.js';
import { describeFinding, oracleContext, runCase, type CaseResult, type OracleContext } from './command-guard/oracle.js';
import { makeTemplate, type Template } from './command-guard/template.js';
import { CORPUS, KNOWN } from './command-guard/corpus.js';

const CASES = Number(process.env.GUARD_FUZZ_CASES ?? 10);
const SEED = Number(process.env.GUARD_FUZZ_SEED ?? 1);
const JOBS = Math.max(1, Number(process.env.GUARD_FUZZ_JOBS ?? 2));
const ONE = process.env.GUARD_FUZZ_COMMAND;
const REPORT = process.env.GUARD_FUZZ_REPORT;
/** The fixed corpus runs in CI and with GUARD_FUZZ_CASES; GUARD_FUZZ_CORPUS=0 leaves it out of a long run. */
const WITH_CORPUS = !ONE && process.env.GUARD_FUZZ_CORPUS !== '0';

let template: Template;
let ctx: OracleContext;

beforeAll(async () => {
  template = makeTemplate();
  ctx = await oracleContext(template);
});

afterAll(() => template?.repo.cleanup());

async function runAll(cases: Array<{ seed: number | string; command: string }>): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const c = cases[next++]!;
      const r = await runCase(ctx, c.seed, c.command);
      results.push(r);
      if (REPORT) fs.appendFileSync(REPORT, `${JSON.stringify(r)}\n`);
    }
  };
  await Promise.all(Array.from({ length: JOBS }, worker));
  return results;
}

function summary(results: CaseResult[]): string {
  const verdicts: Record<string, number> = {};
  const refusals: Record<string, number> = {};
  for (const r of results) {
    verdicts[r.verdict] = (verdicts[r.verdict] ?? 0) + 1;
    if (r.verdict === 'ask' || r.verdict === 'deny') refusals[`${r.verdict} ${r.rule}`] = (refusals[`${r.verdict} ${r.rule}`] ?? 0) + 1;
  }
  const ms = results.reduce((sum, r) => sum + r.ms, 0);
  return [
    `${results.length} cases, ${(ms / Math.max(1, results.length) / 1000).toFixed(2)} s per case (wall, ${JOBS} at once)`,
    `verdicts: ${JSON.stringify(verdicts)}`,
    `refusals by rule: ${JSON.stringify(Object.fromEntries(Object.entries(refusals).sort((a, b) => b[1] - a[1])))}`,
  ].join('\n');
}

describe('command guard oracle fuzzer: whatever the hook lets run, guard rollback gives back', () => {
  it(
    ONE ? `one command: ${ONE}` : `the fixed corpus and ${CASES} generated cases from seed ${SEED}`,
    async () => {
      const cases: Array<{ seed: number | string; command: string }> = [];
      if (ONE) cases.push({ seed: 'command', command: ONE });
      else {
        if (WITH_CORPUS) CORPUS.forEach((command, i) => cases.push({ seed: `corpus#${i}`, command }));
        for (let k = 0; k < CASES; k++) {
          const seed = caseSeed(SEED, k);
          cases.push({ seed, command: commandFor(seed, template.paths) });
        }
      }
      const results = await runAll(cases);
      const findings = results.filter((r) => r.diff.length > 0 && !KNOWN.some((k) => k.matches(r)));
      const known = results.filter((r) => r.diff.length > 0 && KNOWN.some((k) => k.matches(r)));
      console.log(`${summary(results)}${known.length ? `\nknown (skipped): ${known.length}` : ''}`);
      if (findings.length) console.log(findings.map(describeFinding).join('\n\n'));
      expect(findings.map(describeFinding)).toEqual([]);
    },
    Math.max(120_000, (ONE ? 1 : CASES + CORPUS.length) * 20_000),
  );
});
