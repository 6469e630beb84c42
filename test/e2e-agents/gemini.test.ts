/**
 * End to end with the real Gemini CLI (pinned, installed by the suite into a cache outside the
 * package): `gemini -p --yolo` against a scripted Gemini-API server on 127.0.0.1
 * (GOOGLE_GEMINI_BASE_URL, an API key, `security.auth.selectedType: gemini-api-key` in the test's
 * own user settings), the folder trusted with GEMINI_CLI_TRUST_WORKSPACE=true (without trust
 * Gemini loads no project hook). Gemini runs its shells with git hooks off, so here the agent
 * hook alone stands before each command. Skips as claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { gemini } from '../../src/agents/gemini/index.js';
import { withTestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startGeminiServer, type GeminiCall } from './gemini-server.js';
import { checkOutcome, COMMANDS, prepare, run } from './scenario.js';

const AGENT = PINNED.gemini;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Gemini CLI ${AGENT.version} skipped: ${skip}`);

describe.skipIf(skip !== null)(`Gemini CLI ${AGENT.version} (real CLI)`, () => {
  it('trusted, its hooks fire: denies hold in --yolo, snapshots precede destructive commands, one end per session, rollback and undo are byte-exact', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      const prepared = prepare(t, 'gemini');
      fs.mkdirSync(path.join(t.home, '.gemini'), { recursive: true });
      fs.writeFileSync(path.join(t.home, '.gemini', 'settings.json'), JSON.stringify({ security: { auth: { selectedType: 'gemini-api-key' } } }));
      const env = { ...t.env, GEMINI_API_KEY: 'e2e-test-key', GEMINI_CLI_TRUST_WORKSPACE: 'true' };
      expect(gemini.trust(t.dir, t.env).state).toBe('blocked');
      expect(gemini.trust(t.dir, env).state).toBe('loads');
      const shell = (command: string): GeminiCall => ({ name: 'run_shell_command', args: { command } });
      const script = [
        shell(COMMANDS.benign),
        shell(COMMANDS.forcePush),
        shell(COMMANDS.rmProtected),
        { name: 'write_file', args: { file_path: path.join(t.dir, '.guard.yaml'), content: 'protect: {}\n' } },
        shell(COMMANDS.branchDelete),
        shell(COMMANDS.reset),
      ];
      const server = await startGeminiServer(script);
      let result;
      try {
        // GEMINI_CLI_NO_RELAUNCH: without it Gemini starts, reads its settings and starts itself
        // again as a child with a bigger heap and this variable set; the child is what runs the
        // session and the hooks either way (as in gemini-trust.test.ts).
        result = await run(bin, ['-p', 'Work on this repository.', '--yolo', '-m', 'gemini-2.5-flash', '--output-format', 'json'], t.dir, { ...env, GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_CLI_NO_RELAUNCH: 'true' });
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      const responses = server.responses();
      expect(responses).toHaveLength(script.length);
      const [benign, push, rmProtected, write, branchDelete, reset] = responses as string[];
      expect(benign).toContain('a.txt');
      expect(push).toMatch(/blocked: git-guard blocked this \(rule git-push-force\)/);
      expect(rmProtected).toContain('(rule protected-path)');
      expect(write).toContain('rule hooks-disable');
      expect(branchDelete).not.toMatch(/blocked/);
      expect(reset).not.toMatch(/blocked/);
      // guard status from a shell without the variable reads what the CLI read (its hook's environment):
      // trusted through it, that shell only, not a failure.
      const status = t.guard(['status']).stdout;
      expect(status).toMatch(/ok +Gemini CLI .*trusted through GEMINI_CLI_TRUST_WORKSPACE=true in the shell Gemini CLI ran in/);
      const session = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions[0];
      checkOutcome(t, prepared, 'gemini', session.agentSession, 'end');
    });
  });
});
