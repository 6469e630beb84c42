/**
 * An agent whose guard hooks do not load, with the real CLI: does guard say so where the person
 * and the model look? Codex (`codex exec`) with the project trusted but guard's hooks not trusted
 * by hash in config.toml (what a person who skipped `/hooks` has): no agent hook runs. guard's
 * git hooks see Codex's marker (CODEX_THREAD_ID) and no open session (hooks/lib.sh
 * guard_heal_session): they open a session and say, on the git command's stderr, which the model
 * reads as the command's output and the person in the transcript, that the agent hooks are off
 * and the step that turns them on. `guard status` says the same. Skips as codex.test.ts does.
 * Copilot CLI (`copilot -p`) in a folder not trusted loads no `.github/hooks` and still runs its
 * tools; its shells carry COPILOT_CLI=1 (seen with 1.0.102), so the same holds. Claude Code
 * (`claude -p`) with `disableAllHooks` in the person's settings: likewise (CLAUDECODE=1).
 * Gemini CLI (`gemini -p`) with `hooksConfig.enabled: false` in the person's settings runs no
 * project hook, and its shells run git with git's hooks off (core.hooksPath=""): neither layer
 * runs and no git hook can say so, so only `guard status` does: Gemini's hooks do not load (with
 * the setting to remove), and its git commands never run guard's git hooks. (Not trusted, 0.61.0
 * `gemini -p` does not start at all: exit 55, naming --skip-trust and GEMINI_CLI_TRUST_WORKSPACE.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codex } from '../../src/agents/codex/index.js';
import { withTestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, sharedCacheDir, skipReason } from './agents.js';
import { writeCodexConfig } from './codex-config.js';
import { runClaudeScripted } from './anthropic-server.js';
import { startGeminiServer } from './gemini-server.js';
import { startOpenAIServer } from './openai-server.js';
import { startResponsesServer, type FunctionCall } from './responses-server.js';
import { run, initialised } from './scenario.js';

const AGENT = PINNED.codex;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Codex ${AGENT.version} (hooks off) skipped: ${skip}`);

const OFF = /git-guard: codex runs git here without guard's agent hooks .*guard opened session (\S+), took a snapshot.*Fix: .*\/hooks/;

describe.skipIf(skip !== null)(`Codex ${AGENT.version}: guard's hooks not trusted`, () => {
  it("the agent's first git command that runs a git hook says guard's agent hooks are off and how to turn them on", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      initialised(t, 'codex');
      const shell = (cmd: string): FunctionCall => ({ name: 'exec_command', args: { cmd } });
      const server = await startResponsesServer([shell('echo b > b.txt && git add b.txt && git commit -q -m b'), shell('git commit -q --allow-empty -m c')]);
      let r;
      try {
        writeCodexConfig(t, server.url);
        const config = path.join(t.home, '.codex', 'config.toml');
        // The project trusted, guard's hooks not (no [hooks.state] records).
        fs.writeFileSync(config, fs.readFileSync(config, 'utf8').split('[hooks.state')[0] as string);
        expect(codex.trust(t.dir, t.env)).toMatchObject({ state: 'blocked' });
        r = await run(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work.'], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      expect(r.code, r.stderr).toBe(0);
      const [first, second] = server.outputs() as [string, string];
      // No agent hook ran: the session was opened by the git hook.
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ agent: 'codex', withoutAgentHooks: true });
      expect(first).toMatch(OFF);
      expect(OFF.exec(first)?.[1]).toBe(sessions[0].id);
      // Said once: the next git command finds the session open.
      expect(second).not.toMatch(/git-guard/);
      const status = t.guard(['status']);
      expect(status.stderr + status.stdout).toMatch(/codex runs git here without guard's agent hooks/);
      expect(status.stdout).toMatch(/FAIL +OpenAI Codex CLI .*does NOT load: .*\/hooks/);
    });
  });

  it('a git command that runs only reference-transaction (a new branch) says it too, and the session opens behind it', { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      initialised(t, 'codex');
      const server = await startResponsesServer([{ name: 'exec_command', args: { cmd: 'git checkout -q -b topic' } }]);
      let r;
      try {
        writeCodexConfig(t, server.url);
        const config = path.join(t.home, '.codex', 'config.toml');
        fs.writeFileSync(config, fs.readFileSync(config, 'utf8').split('[hooks.state')[0] as string);
        r = await run(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work.'], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      expect(r.code, r.stderr).toBe(0);
      const [out] = server.outputs() as [string];
      expect(out).toMatch(/git-guard: codex runs git here without guard's agent hooks, so its commands are not checked before they run; .*`guard status` names the fix\./);
      // The session opens in the background: wait for it (bounded), not for a time.
      let sessions: Array<Record<string, unknown>> = [];
      for (let i = 0; i < 100 && sessions.length === 0; i++) {
        sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
        if (sessions.length === 0) await new Promise((res) => setTimeout(res, 100));
      }
      expect(sessions[0]).toMatchObject({ agent: 'codex', withoutAgentHooks: true });
    });
  });
});

const COPILOT = PINNED.copilot;
const copilotSkip = skipReason(COPILOT);

describe.skipIf(copilotSkip !== null)(`Copilot CLI ${COPILOT.version}: the folder not trusted`, () => {
  it("`copilot -p` runs its tools without guard's hooks; its first git commit says so, with the trust step", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(COPILOT);
    await withTestRepo(async (t) => {
      initialised(t, 'copilot');
      fs.mkdirSync(path.join(t.home, '.copilot'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({}));
      const shell = (command: string) => ({ name: 'bash', args: { command, description: command } });
      const server = await startOpenAIServer([shell('echo b > b.txt && git add b.txt && git commit -q -m b')]);
      let r;
      try {
        r = await run(bin, ['-p', 'Work.', '--allow-all-tools'], t.dir, {
          ...t.env,
          COPILOT_PKG_CACHE_HOME: sharedCacheDir(COPILOT, 'pkg-cache'),
          COPILOT_OFFLINE: 'true',
          COPILOT_PROVIDER_BASE_URL: server.url,
          COPILOT_PROVIDER_API_KEY: 'e2e-test-key',
          COPILOT_MODEL: 'e2e-model',
        });
      } finally {
        await server.close();
      }
      expect(r.code, r.stderr).toBe(0);
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ agent: 'copilot', withoutAgentHooks: true });
      const [out] = server.toolMessages() as [string];
      expect(out).toMatch(new RegExp(`git-guard: copilot runs git here without guard's agent hooks .*session ${sessions[0].id}.*Fix: start \`copilot\` in .* trust the folder`));
      const status = t.guard(['status']);
      expect(status.stderr).toMatch(/copilot runs git here without guard's agent hooks/);
      expect(status.stdout).toMatch(/FAIL +GitHub Copilot CLI .*does NOT load: /);
    });
  });
});

const CLAUDE = PINNED.claude;
const claudeSkip = skipReason(CLAUDE);

describe.skipIf(claudeSkip !== null)(`Claude Code ${CLAUDE.version}: disableAllHooks`, () => {
  it("`claude -p` with every hook off: its first git commit tells the model, with the setting to remove", { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(CLAUDE);
    await withTestRepo(async (t) => {
      initialised(t, 'claude');
      fs.mkdirSync(path.join(t.home, '.claude'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.claude', 'settings.json'), JSON.stringify({ disableAllHooks: true }));
      const r = await runClaudeScripted(bin, [{ name: 'Bash', input: { command: 'echo b > b.txt && git add b.txt && git commit -q -m b' } }], 'Work.', t.dir, t.env);
      expect(r.code, r.stderr).toBe(0);
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions).toHaveLength(1);
      expect(sessions[0]).toMatchObject({ agent: 'claude', withoutAgentHooks: true });
      expect(r.results).toHaveLength(1);
      expect(r.results[0]?.content).toMatch(new RegExp(`git-guard: claude runs git here without guard's agent hooks .*session ${sessions[0].id}.*Fix: remove disableAllHooks from `));
      const status = t.guard(['status']);
      expect(status.stderr + status.stdout).toMatch(/claude runs git here without guard's agent hooks/);
      expect(status.stdout).toMatch(/FAIL +Claude Code .*does NOT load: .*disableAllHooks/);
    });
  });
});

const GEMINI = PINNED.gemini;
const geminiSkip = skipReason(GEMINI);

describe.skipIf(geminiSkip !== null)(`Gemini CLI ${GEMINI.version}: hooksConfig.enabled false, git's hooks off`, () => {
  it('`gemini -p` runs its shell with no guard hook of either layer; `guard status` says both, with the fix', { timeout: 300_000 }, async () => {
    const bin = ensureInstalled(GEMINI);
    await withTestRepo(async (t) => {
      initialised(t, 'gemini');
      fs.mkdirSync(path.join(t.home, '.gemini'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } }, hooksConfig: { enabled: false } }));
      const trusted = { GEMINI_CLI_TRUST_WORKSPACE: 'true' };
      const command = 'git config --show-scope --get-all core.hooksPath; echo b > b.txt && git add b.txt && git commit -q -m b && echo committed';
      const server = await startGeminiServer([{ name: 'run_shell_command', args: { command } }]);
      let r;
      try {
        r = await run(bin, ['-p', 'Work.', '--yolo', '-m', 'gemini-2.5-flash', '--output-format', 'json'], t.dir, {
          ...t.env,
          ...trusted,
          GEMINI_API_KEY: 'e2e-test-key',
          GOOGLE_GEMINI_BASE_URL: server.url,
          GEMINI_CLI_NO_RELAUNCH: 'true',
        });
      } finally {
        await server.close();
      }
      expect(r.code, r.stderr).toBe(0);
      const [out] = server.responses() as [string];
      // Its shell ran git with hooks off (set on the command line, empty) and committed.
      expect(out).toMatch(/command\\t(\\n|")/);
      expect(out).toContain('committed');
      // No guard hook of either layer ran: no session, nothing said to the model.
      expect(JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions).toHaveLength(0);
      expect(out).not.toMatch(/git-guard/);
      // In the shell Gemini ran in (trusted there): the hooks are off by the setting.
      const status = t.guard(['status'], { env: trusted });
      expect(status.stdout).toMatch(/FAIL +Gemini CLI .*does NOT load: hooks are turned off in .*settings\.json \(hooksConfig\.enabled: false\)/);
      expect(status.stderr).toMatch(/fix: remove hooksConfig\.enabled: false from /);
      expect(status.stdout).toMatch(/Gemini CLI runs every git command with git's hooks off \(core.hooksPath=""\), so guard's git hooks never run for its commands/);
      expect(status.stderr).toMatch(/guard: problem: .*Gemini CLI/);
    });
  });
});
