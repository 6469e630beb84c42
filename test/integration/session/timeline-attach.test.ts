/**
 * Issue 12: what happened during a step is attached to that step, in `guard timeline` text,
 * `--json` and `--html`: the ignored file the command guard captured into the snapshot before an
 * `rm` of it, and the protected file the watcher put back after a command deleted it. Driven
 * through the real hook payloads (sh shim, agent hook, watcher).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { json, waitFor, waitForWatcher } from '../watcher/helpers.js';
import { journal, ScriptedClaude, setUpRepo } from './timeline-driver.js';

const CAPTURED = 'ignored files captured before it ran: .env';
const PUT_BACK = 'protected-restore: put back .github/workflows/ci.yml (deleted)';

describe('what happened during a step is attached to it (issue 12)', () => {
  it('captured ignored files and protected-file restores show on their step in text, --json and --html', async () => {
    await withTestRepo(async (t) => {
      setUpRepo(t);
      t.write('.gitignore', '.env\n');
      t.write('.github/workflows/ci.yml', 'on: push\n');
      // A project script that deletes more than it should, in a language guard does not read
      // (shell scripts it judges by their text): the hook sees only `./clean.js`.
      t.write('clean.js', "#!/usr/bin/env node\nconst fs = require('fs');\nfor (const f of ['one.txt', '.github/workflows/ci.yml']) fs.rmSync(f, { force: true });\n");
      fs.chmodSync(path.join(t.dir, 'clean.js'), 0o755);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'ci and ignores']);
      t.write('.env', 'API_KEY=secret\n');
      const agent = new ScriptedClaude(t, 'conv-attach');
      agent.start();
      await waitForWatcher(t);

      const run = async (command: string): Promise<void> => expect((await agent.step({ name: 'Bash', command })).denied, command).toBe(false);
      await run('echo one > one.txt'); // 1
      await run('rm .env'); // 2: the command guard captures .env into the snapshot first
      expect(t.exists('.env')).toBe(false);
      await run('./clean.js'); // 3: the watcher puts the protected file back
      await waitFor('the watcher to put ci.yml back', () => journal(t).some((e) => e.type === 'protected-restore') && t.exists('.github/workflows/ci.yml'), 60_000);
      // ... and to record the state with it back, so the next step starts from there. A snapshot
      // journaled after the restore may have read the tree before it (it was running when the
      // watcher wrote the file: CI, 2026-12-06, step 4 then showed "added ci.yml"): wait for one
      // that holds the file.
      await waitFor('a snapshot after the restore, with ci.yml in it', () => {
        const lines = journal(t);
        const at = lines.findIndex((e) => e.type === 'protected-restore');
        return lines.slice(at + 1).some((e) => e.type === 'snapshot' && e.trigger === 'watch' && t.gitResult(['cat-file', '-e', `${String(e.snapshot)}:.github/workflows/ci.yml`]).code === 0);
      }, 60_000);
      await run('echo two > two.txt'); // 4

      // --json
      const timeline = json(t, ['timeline']);
      const session = timeline.session.id as string;
      expect(timeline.steps).toHaveLength(4);
      expect(timeline.steps.map((s: any) => s.capturedIgnored)).toEqual([[], ['.env'], [], []]);
      const restores = timeline.steps.map((s: any) => s.events.filter((e: any) => e.type === 'protected-restore').map((e: any) => e.detail));
      expect(restores).toEqual([[], [], ['put back .github/workflows/ci.yml (deleted)'], []]);
      // The step shows what the command did (the delete of ci.yml too, when the snapshot that
      // closed it was taken before the watcher put the file back); the next step starts after.
      expect(timeline.steps[2].files.map((f: any) => `${f.status} ${f.path}`)).toContain('deleted one.txt');
      expect(timeline.steps[3].files.map((f: any) => `${f.status} ${f.path}`)).toEqual(['added two.txt']);
      expect(timeline.events.filter((e: any) => e.type === 'protected-restore')).toEqual([]);

      // text: each step's block, from its id line to the next blank line.
      const text = t.guard(['timeline']).stdout;
      const block = (n: number): string => {
        const start = text.indexOf(`\n${session}:${n} `);
        expect(start, `step ${n} in the text`).toBeGreaterThanOrEqual(0);
        const end = text.indexOf('\n\n', start + 1);
        return text.slice(start, end < 0 ? undefined : end);
      };
      expect(block(2)).toContain(CAPTURED);
      expect(block(3)).toContain(PUT_BACK);
      for (const n of [1, 3, 4]) expect(block(n)).not.toContain('ignored files captured');
      for (const n of [1, 2, 4]) expect(block(n)).not.toContain('protected-restore');

      // --html: each step's card.
      const file = path.join(t.base, 'timeline.html');
      expect(t.guard(['timeline', '--html', file]).code).toBe(0);
      const html = fs.readFileSync(file, 'utf8');
      const card = (n: number): string => {
        const match = new RegExp(`<li class="step[^"]*" id="step-${n}">[\\s\\S]*?</li>\\n(?=<li class="step|</ol>)`).exec(html);
        expect(match, `step ${n} in the page`).not.toBeNull();
        return match![0];
      };
      expect(card(2)).toContain(CAPTURED);
      expect(card(3)).toContain(PUT_BACK);
      for (const n of [1, 3, 4]) expect(card(n)).not.toContain('ignored files captured');
      for (const n of [1, 2, 4]) expect(card(n)).not.toContain('protected-restore');
    });
  }, 300_000);
});
