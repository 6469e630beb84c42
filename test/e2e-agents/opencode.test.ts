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
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { cacheDir, ensureInstalled, PINNED, skipReason } from './agents.js';
import { ensureConfigDeps, linkConfigDeps } from './opencode-config-deps.js';
import { startOpenAIServer, type OpenAICall } from './openai-server.js';
import { checkOutcome, checkPatchOutcome, COMMANDS, prepare, preparePatches, run } from './scenario.js';

const AGENT = PINNED.opencode;

/**
 * The user config: the scripted provider with one model. OpenCode 1.18.33 offers `apply_patch`
 * (args `{patchText}`) in place of `edit`/`write` to a model whose id contains `gpt-` (not `gpt-4`,
 * not `oss`), whatever the provider (its ToolRegistry.tools filter). `extra`: more user config.
 */
function writeOpenCodeConfig(t: TestRepo, url: string, configDeps: string, model: string, extra: Record<string, unknown> = {}): void {
  const config = path.join(t.home, '.config', 'opencode', 'opencode.json');
  // The user config directory's own SDK install, shared (see opencode-config-deps.ts).
  linkConfigDeps(configDeps, path.dirname(config));
  fs.writeFileSync(
    config,
    JSON.stringify({
      provider: { e2e: { npm: '@ai-sdk/openai-compatible', name: 'e2e', options: { baseURL: url, apiKey: 'e2e-test-key' }, models: { [model]: { name: 'e2e', tool_call: true } } } },
      model: `e2e/${model}`,
      ...extra,
    }),
  );
}

const runOpenCode = (bin: string, t: TestRepo, model: string): ReturnType<typeof run> =>
  run(bin, ['run', 'Work on this repository.', '-m', `e2e/${model}`], t.dir, { ...t.env, XDG_CACHE_HOME: path.join(cacheDir(), 'opencode-xdg-cache') });

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
        writeOpenCodeConfig(t, server.url, configDeps, 'e2e-model');
        result = await runOpenCode(bin, t, 'e2e-model');
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

  it("with a gpt- model its apply_patch tool (in place of edit/write) goes through guard's judgment: a move out of the repository, deletions of tracked files and an Add File over an ignored secret after a snapshot, a protected file's deletion denied, as check-command judges the same patch; rollback is byte-exact", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    const configDeps = ensureConfigDeps(AGENT);
    const model = 'gpt-5.5-e2e';
    await withTestRepo(async (t) => {
      const prepared = preparePatches(t, 'opencode');
      const server = await startOpenAIServer(prepared.patches.map((patchText) => ({ name: 'apply_patch', args: { patchText } })));
      let result;
      try {
        // A patch that moves a file out of the project asks for external_directory, which `opencode
        // run` rejects and ends the run on; allowed here, as a user who lets the agent work does.
        writeOpenCodeConfig(t, server.url, configDeps, model, { permission: { external_directory: 'allow' } });
        result = await runOpenCode(bin, t, model);
      } finally {
        await server.close();
      }
      expect(result.code, result.stderr).toBe(0);
      expect(server.offered(), `OpenCode ${AGENT.version} offered no apply_patch tool to ${model}`).toContain('apply_patch');
      expect(server.offered()).not.toContain('edit');
      // OpenCode's own words for an applied patch.
      const outputs = server.toolMessages();
      for (const i of [0, 1, 3]) expect(outputs[i], result.stdout.slice(-3000)).toMatch(/^Success/);
      // Its npm install in .opencode/ at startup comes before guard's session starts.
      checkPatchOutcome(t, prepared, outputs, '.opencode/', true);
    });
  });
});
