/**
 * The verdict `guard check-command --json` gives, computed in the test's own process: the same
 * function check-command and the agent hook call (evaluateCommand, src/cli/command-state.ts) on
 * the real repository with its policy read as check-command reads it (persist: false). For tables
 * of pure classification rows (issue 8: the suite's time): each row through check-command is a
 * Node start and its git processes (~0.3-0.5 s of CPU on the 2026-12 CI machine); in-process the
 * row costs its git processes alone. A file that uses it keeps at least one row through the CLI
 * (checkVerdict) so check-command's own path stays exercised there.
 *
 * Kept out of verdicts.ts: importing src/ transforms its module graph, a cost every file that
 * imports verdicts.ts would pay.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { evaluateCommand } from '../../src/cli/command-state.js';
import { fastPathAllows } from '../../src/policy/command/fast-path.js';
import { readPolicy } from '../../src/config/compile.js';
import { openRepo } from '../../src/git/repo.js';
import { detectActor } from '../../src/policy/actor.js';
import type { TestRepo } from './git-repo.js';
import type { CheckVerdict, VerdictCase } from './verdicts.js';

/** check-command's verdict, rule, reason and way forward for `command` (`asAgent`: CLAUDECODE=1's actor, Claude Code). */
export async function evaluatedVerdict(t: TestRepo, command: string, options: { asAgent?: boolean; cwd?: string } = {}): Promise<CheckVerdict> {
  const cwd = path.resolve(options.cwd ?? t.dir);
  // The environment check-command would have (t.env: the test's HOME, GIT_CONFIG_GLOBAL=/dev/null,
  // no agent marker; CLAUDECODE=1 for an agent), for the git processes evaluateCommand starts
  // (src/git/run.ts passes process.env on) and the config files it reads. Tests of a file run
  // one at a time, so nothing else in this process runs while it is swapped in.
  const env = { ...t.env, ...(options.asAgent ? { CLAUDECODE: '1' } : {}) };
  const saved = process.env;
  process.env = env;
  try {
    const repo = await openRepo(cwd);
    const policy = await readPolicy(repo, { persist: false });
    const v = await evaluateCommand(command, { cwd, repo, policy, actor: detectActor(env), home: t.home });
    return { verdict: v.verdict, rule: v.rule, reason: v.reason, ...(v.instead ? { instead: v.instead } : {}) };
  } finally {
    process.env = saved;
  }
}

/** expectAgentVerdicts (verdicts.ts) in this process: the verdict, the rule, names the reason must hold; a line not allowed must pass the sh fast path to Node. */
export async function expectEvaluatedVerdicts(t: TestRepo, cases: readonly VerdictCase[], options: { cwd?: string } = {}): Promise<void> {
  for (const [command, verdict, rule, names] of cases) {
    const v = await evaluatedVerdict(t, command, { asAgent: true, ...options });
    expect(v, command).toMatchObject({ verdict, rule });
    for (const name of typeof names === 'string' ? [names] : (names ?? [])) if (name) expect(v.reason, command).toContain(name);
    // what is refused, asked or snapshotted must reach Node past the hook's sh fast path (where
    // no word names a file: the shim's own look at script files decides those, guard_no_script)
    if (verdict !== 'allow' && !namesFile(command, options.cwd ?? t.dir)) expect(fastPathAllows(command), command).toBe(false);
  }
}

/** Whether a word of `command` names a file under `cwd` (`./reset`, `bin/setup`), which hooks/agent-hook.sh looks at itself. */
function namesFile(command: string, cwd: string): boolean {
  return command.split(/\s+/).some((word) => word.includes('/') && fs.existsSync(path.resolve(cwd, word.replace(/^['"]|['"]$/g, ''))));
}

/** A row of expectEvaluatedTable: the command, its verdict and rule, names its reason must hold. */
export type EvaluatedRow = [command: string, verdict: string, rule: string, names?: string[]];

/**
 * A table of agent lines judged in this process, compared as one table (every row that differs
 * shows at once), then each reason's names; a line refused or snapshotted must also reach Node
 * past the hook's sh fast path (fastPathAllows false), or the shim would allow it without a look.
 */
export async function expectEvaluatedTable(t: TestRepo, rows: readonly EvaluatedRow[], options: { cwd?: string } = {}): Promise<void> {
  const got = [];
  for (const [command] of rows) got.push(await evaluatedVerdict(t, command, { asAgent: true, ...options }));
  expect(got.map((v, i) => [rows[i]?.[0], v.verdict, v.rule])).toEqual(rows.map(([command, verdict, rule]) => [command, verdict, rule]));
  for (const [i, [command, verdict, , names]] of rows.entries()) {
    for (const name of names ?? []) expect(got[i]?.reason, command).toContain(name);
    if (verdict !== 'allow') expect(fastPathAllows(command), command).toBe(false);
  }
}

