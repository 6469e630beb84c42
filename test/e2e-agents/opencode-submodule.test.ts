/**
 * OpenCode and a submodule of a guarded superproject, with the real CLI (set up as in
 * opencode.test.ts). Started in the superproject, a bash call whose `workdir` is inside the
 * submodule goes through guard's plugin with that cwd, and `git reset --hard` there (which would
 * wipe the submodule's uncommitted work, in no snapshot of the superproject) is denied. Started
 * inside the submodule, OpenCode takes the submodule for its project and loads no plugin of the
 * superproject's `.opencode/` (docs/agents.md, OpenCode): the premise is checked here, so a
 * release that changes it shows up (the plugin itself then finds the superproject's launcher:
 * test/unit/agents/opencode-plugin.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addSubmodule } from '../helpers/fixtures.js';
import { withTestRepo, type TestRepo } from '../helpers/git-repo.js';
import { cacheDir, ensureInstalled, PINNED, skipReason } from './agents.js';
import { ensureConfigDeps, linkConfigDeps } from './opencode-config-deps.js';
import { startOpenAIServer, type OpenAICall } from './openai-server.js';
import { run } from './scenario.js';

const AGENT = PINNED.opencode;
const skip = skipReason(AGENT);

async function runOpenCode(t: TestRepo, bin: string, cwd: string, script: OpenAICall[]) {
  const server = await startOpenAIServer(script);
  try {
    const config = path.join(t.home, '.config', 'opencode', 'opencode.json');
    fs.writeFileSync(
      config,
      JSON.stringify({
        provider: { e2e: { npm: '@ai-sdk/openai-compatible', name: 'e2e', options: { baseURL: server.url, apiKey: 'e2e-test-key' }, models: { 'e2e-model': { name: 'e2e', tool_call: true } } } },
        model: 'e2e/e2e-model',
      }),
    );
    const result = await run(bin, ['run', 'Work on this repository.', '-m', 'e2e/e2e-model'], cwd, { ...t.env, XDG_CACHE_HOME: path.join(cacheDir(), 'opencode-xdg-cache') });
    expect(result.code, result.stderr).toBe(0);
    const messages = server.toolMessages();
    expect(messages, result.stdout.slice(-3000)).toHaveLength(script.length);
    return messages;
  } finally {
    await server.close();
  }
}

describe.skipIf(skip !== null)(`OpenCode ${AGENT.version} and a submodule (real CLI)`, () => {
  it("denies git reset --hard with the bash tool's workdir inside a submodule; started inside the submodule it loads no plugin of the superproject", { timeout: 900_000 }, async () => {
    const bin = ensureInstalled(AGENT);
    const configDeps = ensureConfigDeps(AGENT);
    await withTestRepo(async (t) => {
      t.write('a.txt', 'committed\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      addSubmodule(t, 'vendor/lib');
      const sub = path.join(t.dir, 'vendor/lib');
      const init = t.guard(['init', '--yes', '--agents', 'opencode']);
      expect(init.code, init.stderr).toBe(0);
      t.write('vendor/lib/lib.txt', 'local work\n');
      linkConfigDeps(configDeps, path.join(t.home, '.config', 'opencode'));
      const shell = (command: string, workdir?: string): OpenAICall => ({ name: 'bash', args: { command, description: command, ...(workdir ? { workdir } : {}) } });

      const [reset] = await runOpenCode(t, bin, t.dir, [shell('git reset --hard', sub)]);
      expect(reset).toMatch(/git-guard blocked this \(rule git-reset-hard\).*another git repository/);
      expect(t.read('vendor/lib/lib.txt')).toBe('local work\n');
      const sessions = (): number => JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions.length;
      expect(sessions()).toBe(1);

      // Inside the submodule: a harmless command; no session opens in the superproject (the
      // plugin, which finds the superproject's launcher from there, was not loaded at all).
      const [ls] = await runOpenCode(t, bin, sub, [shell('ls')]);
      expect(ls).toContain('lib.txt');
      expect(sessions()).toBe(1);
    });
  });
});
