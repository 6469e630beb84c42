/**
 * End to end with the real Codex CLI (pinned, installed by the suite into a cache outside the
 * package): `codex exec --dangerously-bypass-approvals-and-sandbox` against a scripted Responses
 * API server on 127.0.0.1 (a custom model_provider in the test's own CODEX_HOME). The project and
 * guard's hooks are trusted in config.toml with the hashes guard computes (codexHookHash), which
 * proves them: an untrusted or "modified" hook would not run and the denies below would not hold.
 * Codex's shell tool (exec_command) reaches the hook as Bash; the edit of .guard.yaml is an
 * `apply_patch` sent through the shell, as Codex models do. Skips as claude-code.test.ts does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codex } from '../../src/agents/codex/index.js';
import { codexEventLabel, codexHookHash } from '../../src/agents/trust/codex.js';
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startResponsesServer, type FunctionCall } from './responses-server.js';
import { checkOutcome, COMMANDS, prepare, run } from './scenario.js';

const AGENT = PINNED.codex;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Codex ${AGENT.version} skipped: ${skip}`);

/** config.toml: the scripted provider, the trusted project, and guard's hooks trusted by hash. */
function writeCodexConfig(t: TestRepo, url: string): void {
  const hooksFile = path.join(t.dir, '.codex', 'hooks.json');
  const hooks = JSON.parse(fs.readFileSync(hooksFile, 'utf8')).hooks as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
  const states = Object.entries(hooks).map(([event, groups]) => {
    const group = groups[0] as { hooks: Array<Record<string, unknown>> };
    return `[hooks.state."${hooksFile}:${codexEventLabel(event)}:0:0"]\ntrusted_hash = "${codexHookHash(event, group, group.hooks[0] as Record<string, unknown>)}"\n`;
  });
  const config = [
    'model = "e2e-model"',
    'model_provider = "e2e"',
    '',
    '[model_providers.e2e]',
    'name = "e2e"',
    `base_url = "${url}"`,
    'wire_api = "responses"',
    '',
    `[projects."${t.dir}"]`,
    'trust_level = "trusted"',
    '',
    ...states,
  ].join('\n');
  fs.mkdirSync(path.join(t.home, '.codex'), { recursive: true });
  fs.writeFileSync(path.join(t.home, '.codex', 'config.toml'), config);
}

describe.skipIf(skip !== null)(`Codex ${AGENT.version} (real CLI)`, () => {
  it('trusted by hash, its hooks fire: denies hold in bypass mode, snapshots precede destructive commands, rollback and undo are byte-exact', { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      const prepared = prepare(t, 'codex');
      const shell = (cmd: string): FunctionCall => ({ name: 'exec_command', args: { cmd } });
      const patch = "apply_patch <<'EOF'\n*** Begin Patch\n*** Update File: .guard.yaml\n@@\n-version: 1\n+version: 2\n*** End Patch\nEOF\n";
      const script = [shell(COMMANDS.benign), shell(COMMANDS.forcePush), shell(COMMANDS.rmProtected), shell(patch), shell(COMMANDS.branchDelete), shell(COMMANDS.reset)];
      const server = await startResponsesServer(script);
      let result;
      try {
        writeCodexConfig(t, server.url);
        // guard status reads the same trust records and says the hooks load.
        expect(codex.trust(t.dir, t.env)).toMatchObject({ state: 'loads' });
        result = await run(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work on this repository.'], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      const outputs = server.outputs();
      expect(outputs).toHaveLength(script.length);
      const [benign, push, rmProtected, patched, branchDelete, reset] = outputs as string[];
      expect(benign).toContain('a.txt');
      expect(push).toMatch(/blocked by PreToolUse hook: git-guard blocked this \(rule git-push-force\)/);
      expect(rmProtected).toContain('(rule protected-path)');
      expect(patched).toMatch(/git-guard blocked this \(rule (guard-self|hooks-disable)\)/);
      expect(branchDelete).toMatch(/exited with code 0/);
      expect(reset).toMatch(/exited with code 0/);
      const session = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions[0];
      checkOutcome(t, prepared, 'codex', session.agentSession, 'stop');
    });
  });
});
