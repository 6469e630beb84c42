/**
 * Interactive Codex and project/hook trust, with the real CLI under a pseudo-terminal (pty.ts):
 * does it run guard's hooks, and does guard's own reading (src/agents/trust/codex.ts, shown by
 * `guard status`) say the same? `codex exec` (codex.test.ts) skips untrusted hooks silently; the
 * TUI asks. Cases: nothing trusted (folder trust dialog), the project and guard's hooks trusted
 * (runs them), the project trusted but not the hooks ("Hooks need review"), only a parent trusted
 * (folder trust dialog), the project marked untrusted (a restricted session, no trust offered),
 * and a linked worktree, where Codex 0.171.0 takes the main checkout's trust and reads the main
 * checkout's .codex/hooks.json (guard read the worktree's until this test). Each case ends as soon
 * as the dialog shows or the tool call has come back. Skips as codex.test.ts does, and without `script`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsHealth } from '../../src/agents/health.js';
import { codexEventLabel, codexHookHash } from '../../src/agents/trust/codex.js';
import { openRepo } from '../../src/git/repo.js';
import type { TestRepo } from '../helpers/git-repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { noPty, settle, underPty, trustRepos } from './pty.js';
import { startResponsesServer } from './responses-server.js';

const AGENT = PINNED.codex;
const skip = skipReason(AGENT) ?? noPty;
if (skip) console.warn(`e2e-agents: interactive Codex ${AGENT.version} skipped: ${skip}`);

/** The hook trust records Codex keeps for guard's hooks in `<dir>/.codex/hooks.json`. */
function hookStates(t: TestRepo, dir: string): string[] {
  const hooksFile = path.join(dir, '.codex', 'hooks.json');
  const hooks = JSON.parse(fs.readFileSync(path.join(t.dir, '.codex', 'hooks.json'), 'utf8')).hooks as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
  return Object.entries(hooks).map(([event, groups]) => {
    const group = groups[0] as { hooks: Array<Record<string, unknown>> };
    return `[hooks.state."${hooksFile}:${codexEventLabel(event)}:0:0"]\ntrusted_hash = "${codexHookHash(event, group, group.hooks[0] as Record<string, unknown>)}"\n`;
  });
}

const FOLDER_DIALOG = /Trustthisfolder\?/;
const HOOKS_DIALOG = /hooksareneworchanged/;
const RESTRICTED = /untrustedfoldersstaydisabled.*Openrestricted/;

interface Case {
  name: string;
  /** Run in a linked worktree of the repository instead of its main checkout. */
  linked?: boolean;
  /** config.toml lines for the project and hook trust, given the main checkout and the directory run in. */
  trust: (t: TestRepo, dir: string) => string[];
  /** What Codex shows: null when it runs the session (and guard's hooks). */
  dialog: RegExp | null;
}

const CASES: Case[] = [
  { name: 'nothing trusted', trust: () => [], dialog: FOLDER_DIALOG },
  { name: 'the project and the hooks trusted', trust: (t) => [`[projects."${t.dir}"]`, 'trust_level = "trusted"', ...hookStates(t, t.dir)], dialog: null },
  { name: 'the project trusted, not the hooks', trust: (t) => [`[projects."${t.dir}"]`, 'trust_level = "trusted"'], dialog: HOOKS_DIALOG },
  { name: 'only a parent trusted', trust: (t) => [`[projects."${path.dirname(t.dir)}"]`, 'trust_level = "trusted"', ...hookStates(t, t.dir)], dialog: FOLDER_DIALOG },
  { name: 'the project marked untrusted', trust: (t) => [`[projects."${t.dir}"]`, 'trust_level = "untrusted"', ...hookStates(t, t.dir)], dialog: RESTRICTED },
  { name: 'a linked worktree, the main checkout and its hooks trusted', linked: true, trust: (t) => [`[projects."${t.dir}"]`, 'trust_level = "trusted"', ...hookStates(t, t.dir)], dialog: null },
  { name: "a linked worktree, the worktree and its own hooks.json trusted", linked: true, trust: (t, dir) => [`[projects."${dir}"]`, 'trust_level = "trusted"', ...hookStates(t, dir)], dialog: HOOKS_DIALOG },
];

describe.skipIf(skip !== null)(`Codex ${AGENT.version} interactive (real CLI under a pty)`, () => {
  // The repositories copied from one build each (pty.ts trustRepos).
  const withTrustRepo = trustRepos('codex');
  for (const c of CASES) {
    it(`${c.name}: hooks run exactly when guard reports that they load`, { timeout: 300_000 }, async () => {
      const bin = ensureInstalled(AGENT);
      await withTrustRepo(c.linked === true, async (t, { dir, journal }) => {
        const server = await startResponsesServer([{ name: 'exec_command', args: { cmd: 'ls -la' } }]);
        const codexHome = path.join(t.home, '.codex');
        const config = ['model = "e2e-model"', 'model_provider = "e2e"', '', '[model_providers.e2e]', 'name = "e2e"', `base_url = "${server.url}"`, 'wire_api = "responses"', '', ...c.trust(t, dir)];
        fs.mkdirSync(codexHome, { recursive: true });
        fs.writeFileSync(path.join(codexHome, 'config.toml'), `${config.join('\n')}\n`);
        const env = { ...t.env, CODEX_HOME: codexHome, TERM: 'xterm-256color' };
        const predicted = agentsHealth(await openRepo(dir), env, ['codex']).agents[0]!.trust;
        expect(predicted.state, predicted.detail).toBe(c.dialog ? 'blocked' : 'loads');

        let screen: string;
        try {
          // --no-daemon: the app server runs inside the TUI's process, as `codex exec` runs it.
          // By default Codex 0.171.0 first installs a shared app-server daemon into CODEX_HOME,
          // a copy of its 424 MB package in each test's new HOME (7 s of CPU and 15 s a case
          // under load), though the trust dialogs, the hook trust and the hooks are the same.
          screen = await underPty(
            `${bin} --no-daemon 'Work on this repository.'`,
            dir,
            env,
            (text) => (c.dialog !== null && c.dialog.test(text)) || (server.outputs().length > 0 && journal().includes('"session-start"')),
            120_000,
          );
        } finally {
          await server.close();
          await settle(t.base);
        }
        if (c.dialog === null) {
          expect([FOLDER_DIALOG, HOOKS_DIALOG, RESTRICTED].some((d) => d.test(screen)), screen.slice(-1500)).toBe(false);
          expect(server.outputs()).toHaveLength(1);
          expect(journal()).toContain('"session-start"');
        } else {
          expect(c.dialog.test(screen), screen.slice(-1500)).toBe(true);
          expect(server.outputs()).toHaveLength(0);
          expect(journal()).not.toContain('"session-start"');
        }
      });
    });
  }
});
