/**
 * Interactive Copilot CLI and folder trust, with the real CLI under a pseudo-terminal (pty.ts),
 * offline against the scripted server: does it load guard's `.github/hooks`, and does guard's own
 * reading (src/agents/trust/copilot.ts, shown by `guard status`) say the same? Cases: nothing
 * trusted ("Confirm folder trust" shows, nothing runs), the folder trusted, a parent trusted, the
 * older `trusted_folders` key, only a folder inside the repository trusted, a linked worktree
 * whose main checkout is trusted (loads: Copilot counts the main checkout). Copilot keeps no
 * "do not trust" record (answering No ends the session). Each case ends as soon as the dialog
 * shows or the tool call has come back. Skips as copilot.test.ts does, and without `script`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsHealth } from '../../src/agents/health.js';
import { openRepo } from '../../src/git/repo.js';
import type { TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, sharedCacheDir, skipReason } from './agents.js';
import { startOpenAIServer } from './openai-server.js';
import { noPty, settle, underPty, trustRepos } from './pty.js';

const AGENT = PINNED.copilot;
const skip = skipReason(AGENT) ?? noPty;
if (skip) console.warn(`e2e-agents: interactive Copilot CLI ${AGENT.version} skipped: ${skip}`);

const TRUST_DIALOG = /Confirmfoldertrust/;

const CASES: Array<{ name: string; linked?: boolean; config: (t: TestRepo) => Record<string, unknown>; loads: boolean }> = [
  { name: 'nothing trusted', config: () => ({}), loads: false },
  { name: 'the folder trusted', config: (t) => ({ trustedFolders: [t.dir] }), loads: true },
  { name: 'a parent trusted', config: (t) => ({ trustedFolders: [path.dirname(t.dir)] }), loads: true },
  { name: 'the folder in the older trusted_folders', config: (t) => ({ trusted_folders: [t.dir] }), loads: true },
  { name: 'only a folder inside the repository trusted', config: (t) => ({ trustedFolders: [path.join(t.dir, 'sub')] }), loads: false },
  // Copilot CLI 1.0.102 counts a linked worktree's main checkout (guard read the worktree alone until this test).
  { name: 'a linked worktree, only its main checkout trusted', linked: true, config: (t) => ({ trustedFolders: [t.dir] }), loads: true },
];

describe.skipIf(skip !== null)(`Copilot CLI ${AGENT.version} interactive (real CLI under a pty)`, () => {
  // The repositories copied from one build each (pty.ts trustRepos).
  const withTrustRepo = trustRepos('copilot', { 'sub/b.txt': 'b\n' });
  for (const c of CASES) {
    it(`${c.name}: hooks run exactly when guard reports that they load`, { timeout: 300_000 }, async () => {
      const bin = ensureInstalled(AGENT);
      await withTrustRepo(c.linked === true, async (t, { dir, journal }) => {
        fs.mkdirSync(path.join(t.home, '.copilot'), { recursive: true });
        fs.writeFileSync(path.join(t.home, '.copilot', 'config.json'), JSON.stringify(c.config(t)));
        const predicted = agentsHealth(await openRepo(dir), t.env, ['copilot']).agents[0]!.trust;
        expect(predicted.state, predicted.detail).toBe(c.loads ? 'loads' : 'blocked');

        const server = await startOpenAIServer([{ name: 'bash', args: { command: 'ls -la', description: 'list' } }]);
        // COPILOT_PKG_CACHE_HOME: Copilot's binary unpacks its bundled JavaScript package on first
        // start (spawning itself once more to do it) into a cache under HOME, new in each test;
        // shared beside the install, it is unpacked once. Trust and hooks are read from HOME.
        const env = { ...t.env, COPILOT_PKG_CACHE_HOME: sharedCacheDir(AGENT, 'pkg-cache'), COPILOT_OFFLINE: 'true', COPILOT_PROVIDER_BASE_URL: server.url, COPILOT_PROVIDER_API_KEY: 'e2e-test-key', COPILOT_MODEL: 'e2e-model', TERM: 'xterm-256color' };
        let screen: string;
        try {
          screen = await underPty(
            `${bin} -i 'Work on this repository.'`,
            dir,
            env,
            (text) => TRUST_DIALOG.test(text) || (server.toolMessages().length > 0 && journal().includes('"session-start"')),
            120_000,
          );
        } finally {
          await server.close();
          await settle(t.base);
        }
        if (c.loads) {
          expect(TRUST_DIALOG.test(screen), screen.slice(-1500)).toBe(false);
          expect(server.toolMessages()).toHaveLength(1);
          expect(journal()).toContain('"session-start"');
        } else {
          expect(TRUST_DIALOG.test(screen), screen.slice(-1500)).toBe(true);
          expect(server.toolMessages()).toHaveLength(0);
          expect(journal()).not.toContain('"session-start"');
        }
      });
    });
  }
});
