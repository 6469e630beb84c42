/**
 * End to end with the real OpenCode CLI (pinned, installed by the suite into a cache outside the
 * package): `opencode run` against a scripted OpenAI-compatible server on 127.0.0.1 (a provider
 * with `@ai-sdk/openai-compatible` and `baseURL` in the test's own user config). OpenCode loads
 * guard's plugin from .opencode/plugins without asking (and npm-installs its dependencies there at
 * startup: the first run needs the registry; OpenCode's own cache is kept in the suite's cache).
 * Skips as claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../helpers/git-repo.js';
import { cacheDir, ensureInstalled, PINNED, skipReason } from './agents.js';
import { ensureConfigDeps, linkConfigDeps } from './opencode-config-deps.js';
import { startOpenAIServer, type OpenAICall } from './openai-server.js';
import { checkOutcome, COMMANDS, prepare, run } from './scenario.js';

const AGENT = PINNED.opencode;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: OpenCode ${AGENT.version} skipped: ${skip}`);

describe.skipIf(skip !== null)(`OpenCode ${AGENT.version} (real CLI)`, () => {
  it("guard's plugin blocks what guard refuses, snapshots precede destructive commands, rollback and undo are byte-exact", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    const configDeps = ensureConfigDeps(AGENT);
    await withTestRepo(async (t) => {
      const prepared = prepare(t, 'opencode');
      const shell = (command: string): OpenAICall => ({ name: 'bash', args: { command, description: command } });
      const script = [
        shell(COMMANDS.benign),
        shell(COMMANDS.forcePush),
        shell(COMMANDS.rmProtected),
        { name: 'write', args: { filePath: path.join(t.dir, '.guard.yaml'), content: 'protect: {}\n' } },
        shell(COMMANDS.branchDelete),
        shell(COMMANDS.reset),
      ];
      const server = await startOpenAIServer(script);
      let result;
      try {
        const config = path.join(t.home, '.config', 'opencode', 'opencode.json');
        // The user config directory's own SDK install, shared (see opencode-config-deps.ts).
        linkConfigDeps(configDeps, path.dirname(config));
        fs.writeFileSync(
          config,
          JSON.stringify({
            provider: { e2e: { npm: '@ai-sdk/openai-compatible', name: 'e2e', options: { baseURL: server.url, apiKey: 'e2e-test-key' }, models: { 'e2e-model': { name: 'e2e', tool_call: true } } } },
            model: 'e2e/e2e-model',
          }),
        );
        result = await run(bin, ['run', 'Work on this repository.', '-m', 'e2e/e2e-model'], t.dir, { ...t.env, XDG_CACHE_HOME: path.join(cacheDir(), 'opencode-xdg-cache') });
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      const messages = server.toolMessages();
      expect(messages, `${result.stdout.slice(-3000)}\n${JSON.stringify(messages).slice(0, 3000)}`).toHaveLength(script.length);
      const [benign, push, rmProtected, write, branchDelete, reset] = messages as string[];
      expect(benign).toContain('a.txt');
      expect(push).toMatch(/git-guard blocked this \(rule git-push-force\)/);
      expect(rmProtected).toContain('(rule protected-path)');
      expect(write).toContain('rule hooks-disable');
      expect(branchDelete).not.toMatch(/blocked/);
      expect(reset).not.toMatch(/blocked/);
      // The plugin made OpenCode npm-install in .opencode/ (guard init says so).
      expect(fs.existsSync(path.join(t.dir, '.opencode', 'package.json'))).toBe(true);
      const session = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions[0];
      checkOutcome(t, prepared, 'opencode', session.agentSession, 'stop');
    });
  });
});
