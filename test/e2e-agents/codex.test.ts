/**
 * End to end with the real Codex CLI (pinned, installed by the suite into a cache outside the
 * package): `codex exec --dangerously-bypass-approvals-and-sandbox` against a scripted Responses
 * API server on 127.0.0.1 (a custom model_provider in the test's own CODEX_HOME). The project and
 * guard's hooks are trusted in config.toml with the hashes guard computes (codexHookHash), which
 * proves them: an untrusted or "modified" hook would not run and the denies below would not hold.
 * Codex's shell tool (exec_command) reaches the hook as Bash; the edit of .guard.yaml is an
 * `apply_patch` sent through the shell, as Codex models do. Skips as claude-code.test.ts does.
 *
 * The second case drives Codex's apply_patch TOOL call. Codex offers that tool (a freeform
 * `custom` tool) only to a model whose metadata has `apply_patch_tool_type`; a custom provider's
 * model is looked up in Codex's bundled catalog by longest slug prefix (codex-rs models-manager
 * construct_model_info_from_candidates), and an unknown slug gets fallback metadata without it.
 * So that case names a catalog model (APPLY_PATCH_MODEL) served by the scripted provider.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codex } from '../../src/agents/codex/index.js';
import { withTestRepo } from '../helpers/git-repo.js';
import { writeCodexConfig } from './codex-config.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startResponsesServer, type FunctionCall } from './responses-server.js';
import { checkOutcome, checkPatchOutcome, COMMANDS, prepare, preparePatches, run } from './scenario.js';

const AGENT = PINNED.codex;
const skip = skipReason(AGENT);
if (skip) console.warn(`e2e-agents: Codex ${AGENT.version} skipped: ${skip}`);

/**
 * A model of Codex's bundled catalog whose metadata says `apply_patch_tool_type: "freeform"` (every
 * model of the 0.171.0 catalog does); the scripted provider serves it like any other slug.
 */
const APPLY_PATCH_MODEL = 'gpt-5.5';

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
      // Codex adds ". Command: <command>" after the reason: one period, not two.
      expect(push).toMatch(/[^.]\. Command: git push --force origin main$/);
      expect(rmProtected).toContain('(rule protected-path)');
      expect(patched).toMatch(/git-guard blocked this \(rule (guard-self|hooks-disable)\)/);
      expect(branchDelete).toMatch(/exited with code 0/);
      expect(reset).toMatch(/exited with code 0/);
      const session = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions[0];
      checkOutcome(t, prepared, 'codex', session.agentSession, 'stop');
    });
  });

  it("its apply_patch TOOL call (not the shell's) goes through guard's judgment: a move out of the repository, deletions of tracked files and an Add File over an ignored secret after a snapshot, a protected file's deletion denied, as check-command judges the same patch; rollback is byte-exact", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    await withTestRepo(async (t) => {
      const prepared = preparePatches(t, 'codex');
      const server = await startResponsesServer(prepared.patches.map((input) => ({ name: 'apply_patch', input })));
      let result;
      try {
        writeCodexConfig(t, server.url, APPLY_PATCH_MODEL);
        expect(codex.trust(t.dir, t.env)).toMatchObject({ state: 'loads' });
        result = await run(bin, ['exec', '--dangerously-bypass-approvals-and-sandbox', 'Work on this repository.'], t.dir, { ...t.env, CODEX_HOME: path.join(t.home, '.codex') });
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      // Codex offered apply_patch as its own (freeform) tool: the calls below are that tool's.
      expect(server.offered(), `Codex ${AGENT.version} offered no apply_patch tool to ${APPLY_PATCH_MODEL}`).toContainEqual({ type: 'custom', name: 'apply_patch' });
      const outputs = server.outputs();
      // Codex's own words for an applied patch.
      for (const i of [0, 1, 3]) expect(outputs[i]).toMatch(/Success/);
      checkPatchOutcome(t, prepared, outputs);
    });
  });
});
