/**
 * End to end with the real Copilot CLI (pinned, installed by the suite into a cache outside the
 * package): `copilot -p --allow-all-tools` offline against a scripted OpenAI-compatible server on
 * 127.0.0.1 (COPILOT_OFFLINE, COPILOT_PROVIDER_BASE_URL, COPILOT_PROVIDER_API_KEY, COPILOT_MODEL),
 * the folder trusted in the test's own ~/.copilot/config.json (untrusted, Copilot loads no
 * .github/hooks). Skips as claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { copilot } from '../../src/agents/copilot/index.js';
import { withTestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, sharedCacheDir, skipReason } from './agents.js';
import { startOpenAIServer, type OpenAICall } from './openai-server.js';
import { checkOutcome, COMMANDS, prepare, run } from './scenario.js';

const AGENT = PINNED.copilot;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Copilot CLI ${AGENT.version} skipped: ${skip}`);

describe.skipIf(skip !== null)(`Copilot CLI ${AGENT.version} (real CLI)`, () => {
  it('trusted, its hooks fire: denies hold with --allow-all-tools, snapshots precede destructive commands, one end per session, rollback and undo are byte-exact', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      const prepared = prepare(t, 'copilot');
      expect(copilot.trust(t.dir, t.env).state).toBe('blocked');
      fs.mkdirSync(path.join(t.home, '.copilot'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [t.dir] }));
      expect(copilot.trust(t.dir, t.env).state).toBe('loads');
      const shell = (command: string): OpenAICall => ({ name: 'bash', args: { command, description: command } });
      const firstLine = prepared.guardYaml.split('\n')[0] as string;
      const script = [
        shell(COMMANDS.benign),
        shell(COMMANDS.forcePush),
        shell(COMMANDS.rmProtected),
        { name: 'edit', args: { path: path.join(t.dir, '.guard.yaml'), old_str: firstLine, new_str: '# off' } },
        shell(COMMANDS.branchDelete),
        shell(COMMANDS.reset),
      ];
      const server = await startOpenAIServer(script);
      let result;
      try {
        result = await run(bin, ['-p', 'Work on this repository.', '--allow-all-tools'], t.dir, {
          ...t.env,
          // Unpacked once for all tests, not into each test's HOME (see copilot-trust.test.ts).
          COPILOT_PKG_CACHE_HOME: sharedCacheDir(AGENT, 'pkg-cache'),
          COPILOT_OFFLINE: 'true',
          COPILOT_PROVIDER_BASE_URL: server.url,
          COPILOT_PROVIDER_API_KEY: 'e2e-test-key',
          COPILOT_MODEL: 'e2e-model',
        });
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      const messages = server.toolMessages();
      expect(messages).toHaveLength(script.length);
      const [benign, push, rmProtected, edit, branchDelete, reset] = messages as string[];
      expect(benign).toContain('a.txt');
      expect(push).toMatch(/^Denied by preToolUse hook: git-guard blocked this \(rule git-push-force\)/);
      expect(rmProtected).toContain('(rule protected-path)');
      expect(edit).toContain('rule hooks-disable');
      expect(branchDelete).not.toMatch(/Denied/);
      expect(reset).not.toMatch(/Denied/);
      const session = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions[0];
      checkOutcome(t, prepared, 'copilot', session.agentSession, 'end');
    });
  });
});
