/**
 * Recording the steps of an agent session (docs/timeline.md): each tool call of an agent is a
 * step. The hooks only append journal lines; what a step changed is worked out when someone asks
 * (timeline.ts), from the snapshots around it. Journal lines (all additive to journal.ts):
 *
 *   step-start     pre-tool (Node): session, agent, agentSession, tool, kind, command | paths,
 *                  verdict (allow | snapshot | ask | deny), rule, reason, callId
 *   step-end       post-tool: agent, agentSession, tool, command | path(s), callId, mark; written
 *                  by hooks/agent-hook.sh without Node when the watcher runs, else by Node
 *   step-snapshot  the snapshot that closes the steps named in `marks`: taken by the watcher
 *                  when the post-tool hook pokes it (<gitDir>/guard/step-flush, so a step costs
 *                  what the watcher's incremental snapshot costs: O(changes)), or by the
 *                  post-tool hook itself when no watcher runs. snapshot is null when nothing
 *                  changed since the previous snapshot.
 *
 * A benign command answered by the sh fast path writes no step-start (that path stays as it
 * was); its step-end carries the command instead.
 */
import fs from 'node:fs';
import { guardPath, type Repo } from '../git/repo.js';
import { appendEvent } from './journal.js';

/** The file the post-tool hook appends a step mark to; the watcher snapshots when it changes. */
export const STEP_FLUSH_FILE = 'step-flush';

export function stepFlushPath(repo: Repo): string {
  return guardPath(repo, STEP_FLUSH_FILE);
}

/** A mark that names one step-end (unique enough: the pid and the time of the hook). */
export function newStepMark(): string {
  return `${process.pid}-${Date.now()}`;
}

/** Asks the running watcher for a snapshot now, for the step with this mark. */
export function pokeWatcher(repo: Repo, mark: string): void {
  fs.appendFileSync(stepFlushPath(repo), `${mark}\n`);
}

export interface StepCall {
  session: string | null;
  agent: string;
  agentSession: string | null;
  tool: string | undefined;
  kind: string | undefined;
  command?: string;
  paths?: string[];
  callId?: string;
}

export function recordStepStart(repo: Repo, call: StepCall, verdict: { decision: string; rule?: string; reason?: string }): void {
  appendEvent(repo, {
    type: 'step-start',
    ...callFields(call),
    verdict: verdict.decision,
    ...(verdict.rule ? { rule: verdict.rule } : {}),
    ...(verdict.reason ? { reason: verdict.reason } : {}),
  });
}

export function recordStepEnd(repo: Repo, call: StepCall, mark: string): void {
  appendEvent(repo, { type: 'step-end', ...callFields(call), mark });
}

export function recordStepSnapshot(repo: Repo, marks: string[], snapshot: string | null, fields: { session?: string | null; agent?: string | null; by: 'watcher' | 'hook' }): void {
  appendEvent(repo, { type: 'step-snapshot', marks, snapshot, session: fields.session ?? null, agent: fields.agent ?? null, by: fields.by });
}

function callFields(call: StepCall): Record<string, unknown> {
  return {
    session: call.session,
    agent: call.agent,
    agentSession: call.agentSession,
    tool: call.tool ?? null,
    kind: call.kind ?? null,
    ...(call.command !== undefined ? { command: call.command } : {}),
    ...(call.paths && call.paths.length > 0 ? { paths: call.paths } : {}),
    ...(call.callId ? { callId: call.callId } : {}),
  };
}
