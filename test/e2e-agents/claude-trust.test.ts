/**
 * Interactive Claude Code and workspace trust, with the real CLI under a pseudo-terminal
 * (util-linux `script`): does it run guard's project hooks, and does guard's own reading of
 * trust (src/agents/trust/claude.ts, shown by `guard status`) say the same? Four cases: no
 * record, the repository's root trusted, only its parent trusted, a linked worktree whose main
 * checkout alone is trusted (2.1.332 runs the hooks there without asking). Claude Code 2.1.197 counted a
 * trusted parent; 2.1.332 asks again in the repository and runs no hook until the dialog is
 * accepted, so guard must not report "loads" there. Headless `claude -p` (claude-code.test.ts)
 * runs project hooks without trust. Skips as claude-code.test.ts does, and without `script`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentsHealth } from '../../src/agents/health.js';
import { openRepo } from '../../src/git/repo.js';
import { ensureInstalled, PINNED, skipReason } from './agents.js';
import { startAnthropicServer } from './anthropic-server.js';
import { noPty, settle, underPty, trustRepos } from './pty.js';

const AGENT = PINNED.claude;
const skip = skipReason(AGENT) ?? noPty;
if (skip) console.warn(`e2e-agents: interactive Claude Code ${AGENT.version} skipped: ${skip}`);

const TRUST_DIALOG = /Isthisaprojectyoucreatedoroneyoutrust/;

describe.skipIf(skip !== null)(`Claude Code ${AGENT.version} interactive (real CLI under a pty)`, () => {
  // The repositories copied from one build each (pty.ts trustRepos).
  const withTrustRepo = trustRepos('claude');
  for (const trusted of ['nothing', 'the root', 'only the parent', 'only the main checkout (run in a linked worktree)'] as const) {
    it(`with ${trusted} trusted: hooks run exactly when guard reports that they load`, { timeout: 300_000 }, async () => {
      const bin = ensureInstalled(AGENT);
      const linked = trusted === 'only the main checkout (run in a linked worktree)';
      await withTrustRepo(linked, async (t, { dir, journal }) => {
        const key = 'sk-ant-e2e-test-0123456789abcdefghij';
        const projects: Record<string, unknown> = {};
        if (trusted === 'the root' || linked) projects[t.dir] = { hasTrustDialogAccepted: true };
        if (trusted === 'only the parent') projects[path.dirname(t.dir)] = { hasTrustDialogAccepted: true };
        // Onboarding done and the key approved, so the only dialog left is the trust dialog.
        fs.writeFileSync(path.join(t.home, '.claude.json'), JSON.stringify({ hasCompletedOnboarding: true, theme: 'dark', numStartups: 5, customApiKeyResponses: { approved: [key.slice(-20)], rejected: [] }, projects }));
        const expected = trusted === 'the root' || linked ? 'loads' : 'blocked';
        expect(agentsHealth(await openRepo(dir), t.env, ['claude']).agents[0]!.trust.state).toBe(expected);

        const server = await startAnthropicServer([{ name: 'Bash', input: { command: 'ls -la', description: 'list' } }]);
        let screen: string;
        try {
          // Ends as soon as the dialog shows or the tool call has come back to the model server.
          screen = await underPty(
            `${bin} 'Work on this repository.'`,
            dir,
            { ...t.env, ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: key, DISABLE_TELEMETRY: '1', DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', TERM: 'xterm' },
            (text) => TRUST_DIALOG.test(text) || (server.results().length > 0 && journal().includes('"step-end"')),
            120_000,
          );
        } finally {
          await server.close();
          await settle(t.base);
        }
        if (expected === 'loads') {
          expect(TRUST_DIALOG.test(screen), screen.slice(0, 500)).toBe(false);
          expect(server.results()).toHaveLength(1);
          expect(journal()).toContain('"session-start"');
        } else {
          expect(TRUST_DIALOG.test(screen), screen.slice(0, 500)).toBe(true);
          expect(server.results()).toHaveLength(0);
          expect(journal()).not.toContain('"session-start"');
        }
      });
    });
  }
});
