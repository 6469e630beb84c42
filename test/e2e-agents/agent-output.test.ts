/**
 * What guard tells the person and the model through each real agent CLI, where the agent's own
 * hook output does not get there (docs/agents.md, "What the person and the model see"):
 *  - Claude Code (`claude -p`): guard's own policy put back after the agent's merge deleted it
 *    reaches the MODEL (PostToolUse additionalContext; systemMessage alone reaches only the person);
 *  - `codex exec`, `copilot -p`: they show no hook output at all; guard's session start (with its
 *    undo command), the put-back and the session summary are appended to the agent's own stderr;
 *    Codex's model gets the put-back as PreToolUse additionalContext;
 *  - `opencode run`: guard's plugin writes them to stderr, and the put-back into the next tool's
 *    output, which the model reads.
 * One short session each: `git merge` of a branch that deleted .guard.yaml, then `ls`.
 * Skips as claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { commitFiles } from '../helpers/repo-steps.js';
import { cacheDir, ensureInstalled, PINNED, sharedCacheDir, skipReason } from './agents.js';
import { runClaudeScripted } from './anthropic-server.js';
import { writeCodexConfig } from './codex-config.js';
import { ensureConfigDeps, linkConfigDeps } from './opencode-config-deps.js';
import { startOpenAIServer, type OpenAICall } from './openai-server.js';
import { startResponsesServer } from './responses-server.js';
import { shellQuote } from '../../src/agents/package-root.js';
import { run } from './scenario.js';

/**
 * The CLI in a terminal, as a person runs it (util-linux `script`: a pty): its stdout and stderr
 * as the person sees them, in `stderr` (CR LF turned into LF). guard writes to the agent's stderr
 * through /proc, which a terminal or a pipe allows and the socket Node's spawn gives a child
 * does not (docs/agents.md, Limits).
 */
async function runInTerminal(bin: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): ReturnType<typeof run> {
  const r = await run('script', ['-qec', [bin, ...args].map(shellQuote).join(' '), '/dev/null'], cwd, env);
  return { ...r, stderr: r.stdout.replace(/\r\n/g, '\n'), stdout: '' };
}

const MERGE = 'git merge --no-edit gone';
/** putBackMessage's words for a policy the agent's command took a deletion of (src/restore/own-files.ts). */
const PUT_BACK = /took in a deletion of \.guard\.yaml, guard's policy/;
const STARTED = /git-guard: session \S+ \(\w+\) started at snapshot \w+\. Undo everything this session does: guard rollback --session \S+/;
const SUMMARY = /git-guard: session \S+ \(\w+\) ended/;

/** main tracks guard's policy; `gone` deleted it (committed where guard's hooks did not run); HEAD: work. */
function setup(t: TestRepo, agent: string): Buffer {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const r = t.guard(['init', '--yes', '--agents', agent]);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  t.git(['add', '.guard.yaml']);
  t.git(['commit', '-q', '-m', 'policy']);
  t.git(['checkout', '-q', '-b', 'gone']);
  t.git(['rm', '-q', '.guard.yaml']);
  t.git(['commit', '-q', '--no-verify', '-m', 'drop the policy']);
  t.git(['checkout', '-q', '-b', 'work', 'main']);
  commitFiles(t, { 'w.txt': 'w\n' }, 'w');
  return fs.readFileSync(path.join(t.dir, '.guard.yaml'));
}

/** The merge ran (g's deletion taken in) and guard put its policy back, byte for byte. */
function putBack(t: TestRepo, policy: Buffer): void {
  expect(t.git(['log', '-1', '--format=%s'])).toMatch(/Merge branch 'gone'/);
  expect(fs.readFileSync(path.join(t.dir, '.guard.yaml'))).toEqual(policy);
}

/**
 * The CLI ended well, guard's policy is back, and the person saw guard's session start (with its
 * undo command), the put-back and the session summary on the agent's stderr.
 */
function shownOnStderr(t: TestRepo, policy: Buffer, r: Awaited<ReturnType<typeof run>>): void {
  expect(r.code, r.stderr).toBe(0);
  putBack(t, policy);
  expect(r.stderr).toMatch(STARTED);
  expect(r.stderr).toMatch(PUT_BACK);
  expect(r.stderr).toMatch(SUMMARY);
}

/** A shell tool call of the OpenAI-style servers (Copilot CLI's and OpenCode's `bash`). */
const shell = (command: string): OpenAICall => ({ name: 'bash', args: { command, description: command } });

const skipOf = (agent: (typeof PINNED)[keyof typeof PINNED]): string | null => skipReason(agent);

describe.skipIf(skipOf(PINNED.claude) !== null)(`Claude Code ${PINNED.claude.version}: what reaches the model`, () => {
  it("the put-back after the agent's merge reaches the model (PostToolUse additionalContext)", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(PINNED.claude);
    await withTestRepo(async (t) => {
      const policy = setup(t, 'claude');
      const r = await runClaudeScripted(bin, [{ name: 'Bash', input: { command: MERGE } }, { name: 'Bash', input: { command: 'ls' } }], 'Work.', t.dir, t.env);
      expect(r.code, r.stderr).toBe(0);
      putBack(t, policy);
      // The request after the merge's tool result carries guard's words (not the result itself: the hook's context).
      const after = r.bodies.filter((b) => b.includes('tool_result'));
      expect(after.some((b) => PUT_BACK.test(b.replace(/\\"/g, '"').replace(/\\\\/g, '\\'))), after.join('\n').slice(-3000)).toBe(true);
    });
  });
});

describe.skipIf(skipOf(PINNED.codex) !== null)(`Codex ${PINNED.codex.version}: codex exec`, () => {
  it('in a terminal, shows the session start, the put-back and the summary on exec\'s stderr; the model gets the put-back', { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(PINNED.codex);
    await withTestRepo(async (t) => {
      const policy = setup(t, 'codex');
      const server = await startResponsesServer([{ name: 'exec_command', args: { cmd: MERGE } }, { name: 'exec_command', args: { cmd: 'ls' } }]);
      let r;
      try {
        writeCodexConfig(t, server.url);
        r = await runInTerminal(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work.'], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      shownOnStderr(t, policy, r);
      expect(server.bodies().some((b) => PUT_BACK.test(b.replace(/\\"/g, '"')))).toBe(true);
    });
  });
});

describe.skipIf(skipOf(PINNED.copilot) !== null)(`Copilot CLI ${PINNED.copilot.version}: copilot -p`, () => {
  it("in a terminal, shows the session start, the put-back and the summary on copilot's stderr", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(PINNED.copilot);
    await withTestRepo(async (t) => {
      const policy = setup(t, 'copilot');
      fs.mkdirSync(path.join(t.home, '.copilot'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [t.dir] }));
      const server = await startOpenAIServer([shell(MERGE), shell('ls')]);
      let r;
      try {
        r = await runInTerminal(bin, ['-p', 'Work.', '--allow-all-tools'], t.dir, {
          ...t.env,
          COPILOT_PKG_CACHE_HOME: sharedCacheDir(PINNED.copilot, 'pkg-cache'),
          COPILOT_OFFLINE: 'true',
          COPILOT_PROVIDER_BASE_URL: server.url,
          COPILOT_PROVIDER_API_KEY: 'e2e-test-key',
          COPILOT_MODEL: 'e2e-model',
        });
      } finally {
        await server.close();
      }
      shownOnStderr(t, policy, r);
    });
  });
});

describe.skipIf(skipOf(PINNED.opencode) !== null)(`OpenCode ${PINNED.opencode.version}: opencode run`, () => {
  it("shows the session start, the put-back and the summary on stderr; the model reads the put-back in the next tool's output", { timeout: 400_000 }, async () => {
    const bin = ensureInstalled(PINNED.opencode);
    const configDeps = ensureConfigDeps(PINNED.opencode);
    await withTestRepo(async (t) => {
      const policy = setup(t, 'opencode');
      const server = await startOpenAIServer([shell(MERGE), shell('ls')]);
      const config = path.join(t.home, '.config', 'opencode', 'opencode.json');
      linkConfigDeps(configDeps, path.dirname(config));
      fs.writeFileSync(config, JSON.stringify({ provider: { e2e: { npm: '@ai-sdk/openai-compatible', name: 'e2e', options: { baseURL: server.url, apiKey: 'e2e-test-key' }, models: { 'e2e-model': { name: 'e2e', tool_call: true } } } }, model: 'e2e/e2e-model' }));
      let r;
      try {
        r = await run(bin, ['run', 'Work.', '-m', 'e2e/e2e-model'], t.dir, { ...t.env, XDG_CACHE_HOME: path.join(cacheDir(), 'opencode-xdg-cache') });
      } finally {
        await server.close();
      }
      shownOnStderr(t, policy, r);
      expect(server.toolMessages()[1]).toMatch(PUT_BACK);
    });
  });
});
