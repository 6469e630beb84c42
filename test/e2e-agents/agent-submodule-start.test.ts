/**
 * Claude Code, Gemini CLI, Codex and Copilot CLI started with their cwd *inside* a submodule of a
 * guarded superproject (real pinned CLIs, the fake model servers of claude-code.test.ts,
 * gemini.test.ts, codex.test.ts and copilot.test.ts). The model asks for `git reset --hard` in the
 * submodule, which would wipe the submodule's uncommitted work (in no snapshot of the
 * superproject). What each agent does is pinned here, so a release that changes it goes red
 * (docs/agents.md, "Started inside a submodule"; OpenCode: opencode-submodule.test.ts). Skips as
 * claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codexEventLabel, codexHookHash } from '../../src/agents/trust/codex.js';
import { addSubmodule } from '../helpers/fixtures.js';
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, sharedCacheDir, skipReason } from './agents.js';
import { runClaudeScripted, type ToolResult } from './anthropic-server.js';
import { startGeminiServer } from './gemini-server.js';
import { startOpenAIServer } from './openai-server.js';
import { startResponsesServer } from './responses-server.js';
import { run } from './scenario.js';

/** A superproject with `vendor/lib` as a local submodule, guard set up for `agent`, uncommitted work in the submodule. */
function superproject(t: TestRepo, agent: string): string {
  t.write('a.txt', 'committed\n');
  t.git(['add', '.']);
  t.git(['commit', '-q', '-m', 'base']);
  addSubmodule(t, 'vendor/lib');
  const init = t.guard(['init', '--yes', '--agents', agent]);
  expect(init.code, init.stderr).toBe(0);
  t.write('vendor/lib/lib.txt', 'local work\n');
  return path.join(t.dir, 'vendor/lib');
}

/**
 * The two runs of each agent: started in the superproject, `git -C vendor/lib reset --hard` is
 * denied (the hooks are set up and load here, so what follows is not a broken setup); started in
 * the submodule, `git reset --hard` runs, the work is gone, and no hook opened a session.
 */
async function bothRuns(t: TestRepo, sub: string, start: (cwd: string, command: string) => Promise<string>, denied: RegExp): Promise<void> {
  const fromTop = await start(t.dir, 'git -C vendor/lib reset --hard');
  expect(fromTop).toMatch(denied);
  expect(t.read('vendor/lib/lib.txt')).toBe('local work\n');
  expect(sessions(t)).toBe(1);
  const fromSub = await start(sub, 'git reset --hard');
  expect(fromSub).toContain('HEAD is now at');
  expect(t.read('vendor/lib/lib.txt')).toBe('library\n');
  expect(sessions(t)).toBe(1);
}

const sessions = (t: TestRepo): number => JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions.length;

const CLAUDE = PINNED.claude;
describe.skipIf(skipReason(CLAUDE) !== null)(`Claude Code ${CLAUDE.version} started inside a submodule (real CLI)`, () => {
  it("loads no hook of the superproject: git reset --hard runs and wipes the submodule's work", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(CLAUDE);
    await withTestRepo(async (t) => {
      const sub = superproject(t, 'claude');
      await bothRuns(
        t,
        sub,
        async (cwd, command) => {
          const result = await runClaudeScripted(bin, [{ name: 'Bash', input: { command, description: command } }], 'Work on this repository.', cwd, t.env);
          expect(result.code, result.stderr).toBe(0);
          expect(result.results).toHaveLength(1);
          return (result.results[0] as ToolResult).content;
        },
        /git-guard blocked this \(rule git-reset-hard\).*another git repository/s,
      );
    });
  });
});

const GEMINI = PINNED.gemini;
describe.skipIf(skipReason(GEMINI) !== null)(`Gemini CLI ${GEMINI.version} started inside a submodule (real CLI)`, () => {
  it("loads no hook of the superproject even with the folder trusted: git reset --hard runs and wipes the submodule's work", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(GEMINI);
    await withTestRepo(async (t) => {
      const sub = superproject(t, 'gemini');
      fs.mkdirSync(path.join(t.home, '.gemini'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
      await bothRuns(
        t,
        sub,
        async (cwd, command) => {
          const server = await startGeminiServer([{ name: 'run_shell_command', args: { command } }]);
          try {
            // As in gemini.test.ts: trusted by GEMINI_CLI_TRUST_WORKSPACE, no relaunch.
            const env = { ...t.env, GEMINI_API_KEY: 'e2e-test-key', GEMINI_CLI_TRUST_WORKSPACE: 'true', GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_CLI_NO_RELAUNCH: 'true' };
            const result = await run(bin, ['-p', 'Work on this repository.', '--yolo', '-m', 'gemini-2.5-flash', '--output-format', 'json'], cwd, env);
            expect(result.code, result.stderr).toBe(0);
            const responses = server.responses();
            expect(responses).toHaveLength(1);
            return responses[0] as string;
          } finally {
            await server.close();
          }
        },
        /blocked: git-guard blocked this \(rule git-reset-hard\).*another git repository/s,
      );
    });
  });
});

const CODEX = PINNED.codex;
describe.skipIf(skipReason(CODEX) !== null)(`Codex ${CODEX.version} started inside a submodule (real CLI)`, () => {
  it("loads no hook of the superproject even with both folders and the hooks trusted: git reset --hard runs and wipes the submodule's work", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(CODEX);
    await withTestRepo(async (t) => {
      const sub = superproject(t, 'codex');
      await bothRuns(
        t,
        sub,
        async (cwd, command) => {
          const server = await startResponsesServer([{ name: 'exec_command', args: { cmd: command } }]);
          try {
            // As in codex.test.ts (the superproject's hooks trusted by hash), and the submodule trusted too.
            const hooksFile = path.join(t.dir, '.codex', 'hooks.json');
            const hooks = JSON.parse(fs.readFileSync(hooksFile, 'utf8')).hooks as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
            const states = Object.entries(hooks).map(([event, groups]) => {
              const group = groups[0] as { hooks: Array<Record<string, unknown>> };
              return `[hooks.state."${hooksFile}:${codexEventLabel(event)}:0:0"]\ntrusted_hash = "${codexHookHash(event, group, group.hooks[0] as Record<string, unknown>)}"\n`;
            });
            const projects = [t.dir, sub].flatMap((dir) => [`[projects."${dir}"]`, 'trust_level = "trusted"', '']);
            const config = ['model = "e2e-model"', 'model_provider = "e2e"', '', '[model_providers.e2e]', 'name = "e2e"', `base_url = "${server.url}"`, 'wire_api = "responses"', '', ...projects, ...states].join('\n');
            fs.mkdirSync(path.join(t.home, '.codex'), { recursive: true });
            fs.writeFileSync(path.join(t.home, '.codex', 'config.toml'), config);
            const result = await run(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work on this repository.'], cwd, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
            expect(result.code, result.stderr).toBe(0);
            const outputs = server.outputs();
            expect(outputs).toHaveLength(1);
            return outputs[0] as string;
          } finally {
            await server.close();
          }
        },
        /blocked by PreToolUse hook: git-guard blocked this \(rule git-reset-hard\).*another git repository/s,
      );
    });
  });
});

const COPILOT = PINNED.copilot;
describe.skipIf(skipReason(COPILOT) !== null)(`Copilot CLI ${COPILOT.version} started inside a submodule (real CLI)`, () => {
  it("loads no hook of the superproject even with it trusted: git reset --hard runs and wipes the submodule's work", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(COPILOT);
    await withTestRepo(async (t) => {
      const sub = superproject(t, 'copilot');
      // The superproject trusted, as in copilot.test.ts (a trusted parent counts for the submodule).
      fs.mkdirSync(path.join(t.home, '.copilot'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [t.dir] }));
      const start = async (cwd: string, command: string): Promise<string> => {
        const server = await startOpenAIServer([{ name: 'bash', args: { command, description: command } }]);
        try {
          const result = await run(bin, ['-p', 'Work on this repository.', '--allow-all-tools'], cwd, {
            ...t.env,
            COPILOT_PKG_CACHE_HOME: sharedCacheDir(COPILOT, 'pkg-cache'),
            COPILOT_OFFLINE: 'true',
            COPILOT_PROVIDER_BASE_URL: server.url,
            COPILOT_PROVIDER_API_KEY: 'e2e-test-key',
            COPILOT_MODEL: 'e2e-model',
          });
          expect(result.code, result.stderr).toBe(0);
          const messages = server.toolMessages();
          expect(messages).toHaveLength(1);
          return messages[0] as string;
        } finally {
          await server.close();
        }
      };
      await bothRuns(t, sub, start, /^Denied by preToolUse hook: git-guard blocked this \(rule git-reset-hard\).*another git repository/s);
    });
  });
});
