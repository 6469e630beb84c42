/**
 * Interactive Gemini CLI and folder trust, with the real CLI under a pseudo-terminal (pty.ts): does
 * it run guard's project hooks, and does guard's own reading (src/agents/trust/gemini.ts, shown by
 * `guard status`) say the same? Cases: nothing trusted (the trust dialog shows), the folder
 * trusted, only a parent trusted, a TRUST_PARENT rule below it, DO_NOT_TRUST, the
 * GEMINI_CLI_TRUST_WORKSPACE variable both ways, folder trust turned off in the user's settings,
 * and a linked worktree whose main checkout alone is trusted (Gemini asks). Untrusted, Gemini
 * 0.61.0 still sends the prompt and runs the model's shell command, only without project hooks: each case ends once the tool result is back at the server (and, to
 * be trusted, guard's session has started). `CI` is unset: with it Gemini refuses to start
 * interactively in an untrusted folder. Skips as gemini.test.ts does, and without `script`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsHealth } from '../../src/agents/health.js';
import { openRepo } from '../../src/git/repo.js';
import type { TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startGeminiServer } from './gemini-server.js';
import { noPty, settle, underPty, trustRepos } from './pty.js';

const AGENT = PINNED.gemini;
const skip = skipReason(AGENT) ?? noPty;
if (skip) console.warn(`e2e-agents: interactive Gemini CLI ${AGENT.version} skipped: ${skip}`);

const TRUST_DIALOG = /Doyoutrustthefilesinthisfolder\?/;
const UNTRUSTED_NOTE = /Thisfolderisuntrusted/;
const HOOKS_WARNING = /project-levelhookshavebeendetected/;

interface Case {
  name: string;
  /** Run in a linked worktree of the repository instead of its main checkout. */
  linked?: boolean;
  /** trustedFolders.json rules, given the repository. */
  rules?: (t: TestRepo) => Record<string, string>;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  loads: boolean;
  /** What Gemini shows, when it does not load the hooks. */
  shows?: RegExp;
}

const CASES: Case[] = [
  { name: 'nothing trusted', loads: false, shows: TRUST_DIALOG },
  { name: 'the folder trusted', rules: (t) => ({ [t.dir]: 'TRUST_FOLDER' }), loads: true },
  { name: 'only a parent trusted', rules: (t) => ({ [path.dirname(t.dir)]: 'TRUST_FOLDER' }), loads: true },
  { name: 'TRUST_PARENT on a folder inside it', rules: (t) => ({ [path.join(t.dir, 'sub')]: 'TRUST_PARENT' }), loads: true },
  { name: 'DO_NOT_TRUST under a trusted parent', rules: (t) => ({ [path.dirname(t.dir)]: 'TRUST_FOLDER', [t.dir]: 'DO_NOT_TRUST' }), loads: false, shows: UNTRUSTED_NOTE },
  { name: 'GEMINI_CLI_TRUST_WORKSPACE=true, nothing recorded', env: { GEMINI_CLI_TRUST_WORKSPACE: 'true' }, loads: true },
  { name: 'GEMINI_CLI_TRUST_WORKSPACE=false, the folder trusted', rules: (t) => ({ [t.dir]: 'TRUST_FOLDER' }), env: { GEMINI_CLI_TRUST_WORKSPACE: 'false' }, loads: false },
  { name: 'a linked worktree, only its main checkout trusted', linked: true, rules: (t) => ({ [t.dir]: 'TRUST_FOLDER' }), loads: false, shows: TRUST_DIALOG },
  { name: 'folder trust turned off in the user settings', settings: { security: { folderTrust: { enabled: false } } }, loads: true },
];

describe.skipIf(skip !== null)(`Gemini CLI ${AGENT.version} interactive (real CLI under a pty)`, () => {
  // The repositories copied from one build each (pty.ts trustRepos).
  const withTrustRepo = trustRepos('gemini');
  for (const c of CASES) {
    it(`${c.name}: hooks run exactly when guard reports that they load`, { timeout: 300_000 }, async () => {
      const bin = ensureInstalled(AGENT);
      await withTrustRepo(c.linked === true, async (t, { dir, journal }) => {
        const gem = path.join(t.home, '.gemini');
        fs.mkdirSync(gem, { recursive: true });
        // API-key auth chosen, so the only dialog left is the trust dialog.
        const settings = c.settings ?? {};
        fs.writeFileSync(path.join(gem, 'settings.json'), JSON.stringify({ ...settings, security: { ...(settings.security as object), auth: { selectedType: 'gemini-api-key' } } }));
        if (c.rules) fs.writeFileSync(path.join(gem, 'trustedFolders.json'), JSON.stringify(c.rules(t)));
        const server = await startGeminiServer([{ name: 'run_shell_command', args: { command: 'ls -la' } }]);
        // GEMINI_CLI_NO_RELAUNCH: Gemini otherwise starts, reads its settings, and starts itself
        // again as a child with a bigger heap and this variable set (1.5 s of CPU and 2-3 s a case
        // on two cores); the child is what runs the session and the hooks either way.
        const env: NodeJS.ProcessEnv = { ...t.env, GEMINI_API_KEY: 'e2e-test-key', GOOGLE_GEMINI_BASE_URL: server.url, TERM: 'xterm-256color', GEMINI_CLI_NO_RELAUNCH: 'true', ...c.env };
        delete env.CI;
        const predicted = agentsHealth(await openRepo(dir), env, ['gemini']).agents[0]!.trust;
        expect(predicted.state, predicted.detail).toBe(c.loads ? 'loads' : 'blocked');

        let screen: string;
        try {
          screen = await underPty(
            `${bin} -m gemini-2.5-flash -i 'Work on this repository.'`,
            dir,
            env,
            () => server.responses().length > 0 && (!c.loads || journal().includes('"session-start"')),
            120_000,
          );
        } finally {
          await server.close();
          await settle(t.base);
        }
        // Trusted or not, the command ran; only with trust did guard's hooks.
        expect(server.responses(), screen.slice(-1500)).toHaveLength(1);
        if (c.loads) {
          expect(HOOKS_WARNING.test(screen), screen.slice(-1500)).toBe(true);
          expect(journal()).toContain('"session-start"');
        } else {
          if (c.shows) expect(c.shows.test(screen), screen.slice(-1500)).toBe(true);
          expect(HOOKS_WARNING.test(screen)).toBe(false);
          expect(journal()).not.toContain('"session-start"');
        }
      });
    });
  }
});
