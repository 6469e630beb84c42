/**
 * The command guard's answer for a command in a test repository, the two ways tests ask: `guard
 * check-command --json` (verdict, rule, reason, way forward) and Claude Code's PreToolUse hook
 * through `guard agent-hook` (the decision the agent sees; no output is allow).
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { preToolHook } from './claude-hook.js';
import type { TestRepo } from './git-repo.js';
import { installedClaudeHook } from './guard-steps.js';

export interface CheckVerdict {
  verdict: string;
  rule: string;
  reason: string;
  instead?: string;
}

/**
 * `guard check-command --json COMMAND` in the repository (or `cwd`); exit 0 allowed, 3 denied.
 * `asAgent` runs it with Claude Code's marker (CLAUDECODE=1) in the environment, as an agent's
 * shell would: the policy may be stricter for an agent than for a person.
 */
export function checkVerdict(t: TestRepo, command: string, options: { asAgent?: boolean; cwd?: string } = {}): CheckVerdict {
  const r = t.guard(['check-command', '--json', command], { ...(options.asAgent ? { env: { CLAUDECODE: '1' } } : {}), ...(options.cwd ? { cwd: options.cwd } : {}) });
  expect([0, 3], r.stderr).toContain(r.code);
  return JSON.parse(r.stdout) as CheckVerdict;
}

/** Claude Code's pre-tool hook for a Bash tool call running COMMAND in the repository. */
export function agentVerdict(t: TestRepo, command: string): { decision: string; reason: string } {
  const { decision, reason } = preToolHook(t, { tool: 'Bash', command });
  return { decision, reason };
}

/**
 * A table of agent lines and what `guard check-command` must say of each: the verdict, the rule,
 * and names the reason must hold (one, or several: captured files, the recipe that ran it).
 */
export type VerdictCase = readonly [command: string, verdict: string, rule: string, names?: string | readonly string[]];

export function expectAgentVerdicts(t: TestRepo, cases: readonly VerdictCase[], options: { cwd?: string } = {}): void {
  for (const [command, verdict, rule, names] of cases) {
    const v = checkVerdict(t, command, { asAgent: true, ...options });
    expect(v, command).toMatchObject({ verdict, rule });
    for (const name of typeof names === 'string' ? [names] : (names ?? [])) if (name) expect(v.reason, command).toContain(name);
  }
}

export interface JournaledHook {
  decision: string;
  reason: string;
  /** The verdict the hook journaled for the call (its step-start): allow or snapshot, deny for a refusal. */
  verdict: string;
  /** The rule and reason of the snapshot the hook took first (its allowed-after-snapshot); '' for an allow. */
  rule: string;
  snapshotReason: string;
  /** The ignored files that snapshot captured, as its allowed-after-snapshot event names them. */
  capturedIgnored: string[];
}

/**
 * The Claude Code hook for a Bash call of `command` (the installed command through its sh shim,
 * installedClaudeHook; `direct`: `guard agent-hook claude pre-tool` itself, preToolHook), with the
 * verdict Node journaled for it, read from the journal file: the one evaluation check-command
 * shares (evaluateCommand), without a second guard process, and what `guard log` would show of
 * its snapshot without a third. Fails when the call journaled no step, as a call the sh shim
 * answered alone does (ask check-command there).
 */
export function hookWithVerdict(t: TestRepo, command: string, options: { direct?: boolean } = {}): JournaledHook {
  const journal = path.join(t.dir, '.git', 'guard', 'journal.jsonl');
  const seen = fs.existsSync(journal) ? fs.readFileSync(journal).length : 0;
  const answer = options.direct ? agentVerdict(t, command) : installedClaudeHook(t, command);
  const events = (fs.existsSync(journal) ? fs.readFileSync(journal).subarray(seen).toString('utf8') : '')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; command?: string; verdict?: string; rule?: string; reason?: string; capturedIgnored?: string[] });
  const step = events.find((e) => e.type === 'step-start' && e.command === command);
  expect(step, `${command}: no step journaled (answered by the sh shim?)`).toBeDefined();
  const taken = events.find((e) => e.type === 'allowed-after-snapshot' && e.command === command);
  return { ...answer, verdict: step!.verdict ?? '', rule: taken?.rule ?? '', snapshotReason: taken?.reason ?? '', capturedIgnored: taken?.capturedIgnored ?? [] };
}
