/**
 * The values of the environment variables an agent's trust decision reads (AgentIntegration.trustEnv),
 * as its session-start hook saw them: the hook inherits the agent's environment, which `guard status`
 * run in another shell does not have. One small JSON file per worktree and agent,
 * `<gitDir>/guard/seen-env-<agent>.json`, rewritten at each session start of that agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SeenEnv } from './types.js';

const fileOf = (gitDir: string, agent: string): string => path.join(gitDir, 'guard', `seen-env-${agent}.json`);

export function recordSeenEnv(gitDir: string, agent: string, names: string[], env: NodeJS.ProcessEnv, now: Date = new Date()): void {
  const seen: SeenEnv = { time: now.toISOString(), env: Object.fromEntries(names.map((n) => [n, env[n] ?? null])) };
  try {
    fs.writeFileSync(fileOf(gitDir, agent), `${JSON.stringify(seen)}\n`);
  } catch {
    // A record for `guard status`, never a reason to fail a session start.
  }
}

export function readSeenEnv(gitDir: string, agent: string): SeenEnv | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(fileOf(gitDir, agent), 'utf8')) as SeenEnv;
    if (typeof data.time !== 'string' || typeof data.env !== 'object' || data.env === null) return undefined;
    return data;
  } catch {
    return undefined;
  }
}
