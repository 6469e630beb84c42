/**
 * `codex exec --json` (headless, JSON Lines on stdout) with the real Codex CLI against the scripted
 * Responses server: where does a guard denial go, and does guard keep out of the event stream?
 * Seen with 0.171.0 (docs/agents.md, "What the person and the model see"):
 *  - the model gets guard's reason and its way forward ("Instead: ...") as the call's output;
 *  - the JSON stream has no item for the refused call and no hook event (Codex's JSONL processor
 *    drops HookStarted/HookCompleted, and a call its PreToolUse hook refused never starts);
 *  - the person reads the refusal on codex's stderr (Codex's own `ERROR ... blocked by
 *    PreToolUse hook: <guard's reason>` line), next to guard's session start, undo command and
 *    summary, which guard appends to that stderr (src/cli/headless-output.ts; Linux);
 *  - guard writes nothing into stdout: every line of the stream stays JSON.
 * The run: stdout into a file (the stream a program reads), stderr into a pipe (what the person
 * sees). Skips as codex.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { writeCodexConfig } from './codex-config.js';
import { startResponsesServer, type FunctionCall } from './responses-server.js';
import { run, initialised } from './scenario.js';

const AGENT = PINNED.codex;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Codex ${AGENT.version} --json skipped: ${skip}`);

const REASON = /git-guard blocked this \(rule git-push-force\): .*Instead: /;

describe.skipIf(skip !== null)(`Codex ${AGENT.version}: codex exec --json`, () => {
  it("a denial reaches the model (reason and way forward) and the person (codex's stderr); guard writes nothing into the JSON stream", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      initialised(t, 'codex');
      const shell = (cmd: string): FunctionCall => ({ name: 'exec_command', args: { cmd } });
      const server = await startResponsesServer([shell('git push --force origin main'), shell('ls')]);
      const stream = path.join(t.home, 'events.jsonl');
      let r;
      try {
        writeCodexConfig(t, server.url);
        // stdout to a file, stderr through a pipe (`| cat`): a socket, which Node gives a child, cannot be opened through /proc.
        r = await run('sh', ['-c', '"$0" exec --json --dangerously-bypass-approvals-and-sandbox Work. </dev/null 2>&1 >"$1" | cat', bin, stream], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      const stderr = r.stdout;
      expect(r.code, stderr).toBe(0);
      // The model: guard's reason with the way forward, as the refused call's output.
      const outputs = server.outputs();
      expect(outputs).toHaveLength(2);
      expect(outputs[0]).toMatch(REASON);
      // The stream: JSON on every line, nothing of guard's, no item for the refused call.
      const lines = fs.readFileSync(stream, 'utf8').split('\n').filter(Boolean);
      const events = lines.map((l) => JSON.parse(l) as { type: string; item?: { type: string; command?: string } });
      expect(events.map((e) => e.type)).toContain('turn.completed');
      expect(lines.join('\n')).not.toMatch(/git-guard/);
      const commands = events.filter((e) => e.item?.type === 'command_execution').map((e) => e.item?.command ?? '');
      expect(commands.some((c) => c.includes('ls'))).toBe(true);
      expect(commands.some((c) => c.includes('git push'))).toBe(false);
      // The person: Codex's refusal line with guard's reason, and guard's own lines, on stderr.
      expect(stderr).toMatch(new RegExp(`blocked by PreToolUse hook: ${REASON.source}`));
      expect(stderr).toMatch(/git-guard: session \S+ \(codex\) started at snapshot \w+\. Undo everything this session does: guard rollback --session \S+/);
      expect(stderr).toMatch(/git-guard: session \S+ \(codex\) ended[\s\S]*commands blocked: 1\n\s+git push --force origin main {2}\(git-push-force\)/);
    });
  });
});
