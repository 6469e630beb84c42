/**
 * Issue 12: what did the agent do? A scripted Claude Code session of 20 tool calls through the
 * installed hooks (sh shim, git hooks, watcher), then timeline, blame, restore, undo of a middle
 * step with and without a conflicting later step, and the undo of each undo, compared byte for
 * byte with what the files were at each point.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitForWatcher } from '../watcher/helpers.js';
import { bytes, journal, lines, ScriptedClaude, setUpRepo as setUp, type Tool } from './timeline-driver.js';

function showBytes(t: TestRepo, oid: string, file: string): Buffer {
  return spawnSync('git', ['show', `${oid}:${file}`], { cwd: t.dir, env: t.env }).stdout;
}

/** Debian's chromium (apt-get install chromium), if this machine has it. */
const CHROMIUM = ['chromium', 'chromium-browser', 'google-chrome'].find((bin) => spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0);

/** Distinct byte values of a PNG's pixel rows: a page of one colour has a handful, a rendered page hundreds. */
function pngVariety(png: Buffer): { width: number; height: number; distinct: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
    } else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  const raw = zlib.inflateSync(Buffer.concat(idat));
  return { width, height, distinct: new Set(raw).size };
}

describe('timeline, blame, restore and undo of an agent session (issue 12)', () => {
  it('records 20 tool calls as steps and undoes, restores and blames them byte for byte', async () => {
    await withTestRepo(async (t) => {
      setUp(t);
      const agent = new ScriptedClaude(t, 'conv-timeline');
      agent.start();
      await waitForWatcher(t);

      // a.txt as it is after each step (index = step number), to compare with later.
      const aAfter: Buffer[] = [bytes(t, 'a.txt')];
      const steps: Tool[] = [
        /* 1 */ { name: 'Bash', command: "sed -i 's/^two$/TWO/' a.txt" },
        /* 2 */ { name: 'Write', file: 'notes.md', content: 'first notes\n' },
        /* 3 */ { name: 'Edit', file: 'a.txt', content: lines(['one', 'TWO', 'three', 'four', 'five', 'six', 'seven', 'eight', 'NINE', 'ten']) },
        /* 4 */ { name: 'Bash', command: 'rm b.txt' },
        /* 5 */ { name: 'Bash', command: 'git add -A && git commit -q -m wip' },
        /* 6 */ { name: 'Write', file: 'src/util.js', content: 'export const util = 1;\n' },
        /* 7 */ { name: 'Bash', command: 'git branch -D feature' },
        /* 8 */ { name: 'Edit', file: 'src/app.js', content: 'export const app = 2;\n' },
        /* 9 */ { name: 'Bash', command: 'git reset --hard' },
        /* 10 */ { name: 'Bash', command: 'git push --force origin main' },
        /* 11 */ { name: 'Edit', file: 'a.txt', content: lines(['one', 'TWO', 'three', 'four', 'FIVE', 'six', 'seven', 'eight', 'NINE', 'ten']) },
        /* 12 */ { name: 'Bash', command: "printf 'c\\none\\n' > c.txt" },
        /* 13 */ { name: 'Bash', command: 'rm notes.md' },
        /* 14 */ { name: 'Edit', file: 'src/util.js', content: 'export const util = 2;\n' },
        /* 15 */ { name: 'Edit', file: 'a.txt', content: lines(['one', '2wo', 'three', 'four', 'FIVE', 'six', 'seven', 'eight', 'NINE', 'ten']) },
        /* 16 */ { name: 'Bash', command: 'mkdir -p docs && echo hi > docs/x.md' },
        /* 17 */ { name: 'Write', file: 'c.txt', content: 'c two\n' },
        /* 18 */ { name: 'Bash', command: 'git tag v1' },
        /* 19 */ { name: 'Edit', file: 'README.md', content: '# demo\n\nmore\n' },
        /* 20 */ { name: 'Bash', command: 'ls' },
      ];
      const results = [];
      for (const tool of steps) {
        results.push(await agent.step(tool));
        aAfter.push(bytes(t, 'a.txt'));
      }
      expect(results.map((r) => r.denied)).toEqual(steps.map((_, i) => i === 9));

      const timeline = json(t, ['timeline']);
      const session = timeline.session.id as string;
      expect(timeline.steps).toHaveLength(20);
      const step = (n: number): any => timeline.steps[n - 1];
      const files = (n: number): string[] => step(n).files.map((f: any) => `${f.status} ${f.path}`);
      expect(step(1)).toMatchObject({ id: `${session}:1`, tool: 'Bash', command: "sed -i 's/^two$/TWO/' a.txt", verdict: 'allow' });
      expect(files(1)).toEqual(['modified a.txt']);
      expect(files(2)).toEqual(['added notes.md']);
      expect(step(2).paths).toEqual(['notes.md']);
      expect(files(3)).toEqual(['modified a.txt']);
      expect(step(4).verdict).toBe('snapshot');
      expect(files(4)).toEqual(['deleted b.txt']);
      expect(step(5).refs.map((r: any) => r.ref)).toEqual(['refs/heads/main']);
      expect(files(6)).toEqual(['added src/util.js']);
      expect(step(7).refs).toEqual([{ ref: 'refs/heads/feature', from: expect.any(String), to: null }]);
      expect(files(8)).toEqual(['modified src/app.js']);
      expect(files(9)).toEqual(['modified src/app.js']);
      expect(step(10)).toMatchObject({ verdict: 'deny', rule: 'git-push-force', files: [], command: 'git push --force origin main' });
      expect(files(12)).toEqual(['added c.txt']);
      expect(files(13)).toEqual(['deleted notes.md']);
      expect(files(16)).toEqual(['added docs/x.md']);
      expect(step(18).refs).toEqual([{ ref: 'refs/tags/v1', from: null, to: expect.any(String) }]);
      expect(files(19)).toEqual(['modified README.md']);
      // A benign command answered by the shim's fast path is still a step (from its post-tool).
      expect(step(20)).toMatchObject({ command: 'ls', verdict: 'allow', files: [] });
      // guard's own ref moves are not user actions: not journaled, not on any step.
      expect(journal(t).filter((e) => e.type === 'ref-update' && String(e.ref).startsWith('refs/guard/'))).toEqual([]);
      expect(timeline.steps.flatMap((s: any) => s.refs.map((r: any) => r.ref)).some((r: string) => r.startsWith('refs/guard/'))).toBe(false);
      // The post-tool hook ran without Node where it could, and through Node where the payload needed it.
      const ends = journal(t).filter((e) => e.type === 'step-end');
      expect(ends.filter((e) => e.via === 'sh').length).toBeGreaterThan(10);
      expect(ends.find((e) => e.command === "printf 'c\\none\\n' > c.txt").via).toBeUndefined();
      // Every step's after is the next step's before: nothing falls between two steps.
      for (let n = 1; n < 20; n++) if (step(n + 1).verdict !== 'deny') expect(step(n + 1).before).toBe(step(n).after);

      const text = t.guard(['timeline']);
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`${session}:10`);
      expect(text.stdout).toContain('[BLOCKED]');
      expect(text.stdout).toContain(`guard undo ${session}:3`);
      expect(text.stdout).toMatch(/branch feature deleted/);

      // blame: the last change and the ones before it.
      const blame = json(t, ['blame', 'a.txt']);
      expect(blame.changes.map((c: any) => c.step)).toEqual([15, 11, 3, 1].map((n) => `${session}:${n}`));
      expect(blame.changes[0].command).toBe('Edit a.txt');

      const now = bytes(t, 'a.txt');
      expect(now).toEqual(aAfter[20]);

      // A dry run says what it would do and changes nothing.
      const dry = json(t, ['restore', 'a.txt', 'c.txt', '--before', session, '--dry-run']);
      expect(dry).toMatchObject({ applied: false, dryRun: true, target: { session, step: null } });
      expect(dry.files.map((f: any) => `${f.action} ${f.path}`).sort()).toEqual(['delete c.txt', 'write a.txt']);
      expect(bytes(t, 'a.txt')).toEqual(now);
      expect(json(t, ['undo', `${session}:3`, '--dry-run']).files).toEqual([{ path: 'a.txt', action: 'merged' }]);
      expect(bytes(t, 'a.txt')).toEqual(now);

      // restore a.txt as it was just before step 11, then undo the restore.
      const restored = t.guard(['restore', 'a.txt', '--before', `${session}:11`, '--yes']);
      expect(restored.code, restored.stderr).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(aAfter[10]);
      expect(bytes(t, 'a.txt')).toEqual(showBytes(t, step(11).before, 'a.txt'));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(now);

      // undo step 3 (nine -> NINE): later steps changed other lines of a.txt, which stay.
      const undo3 = t.guard(['undo', `${session}:3`, '--yes']);
      expect(undo3.code, undo3.stderr).toBe(0);
      expect(t.read('a.txt')).toBe(lines(['one', '2wo', 'three', 'four', 'FIVE', 'six', 'seven', 'eight', 'nine', 'ten']));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(now);

      // undo step 1 (two -> TWO): step 15 changed the same line again, so it is a conflict, left alone.
      const undo1 = t.guard(['undo', `${session}:1`, '--yes', '--json']);
      expect(undo1.code).toBe(3);
      expect(JSON.parse(undo1.stdout)).toMatchObject({ applied: false, conflicts: 1, files: [{ path: 'a.txt', action: 'conflict' }] });
      expect(bytes(t, 'a.txt')).toEqual(now);
      // --force: the whole file as before the step, the later changes dropped (kept in the snapshots).
      const forced = t.guard(['undo', `${session}:1`, '--force', '--yes']);
      expect(forced.code, forced.stderr).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(aAfter[0]);
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(now);
      const markers = t.guard(['undo', `${session}:1`, '--conflicts=markers', '--yes']);
      expect(markers.code, markers.stderr).toBe(0);
      expect(t.read('a.txt')).toMatch(/^<<<<<<< now\n2wo\n\|\|\|\|\|\|\| after the step|^<<<<<<< now\n2wo\n=======\ntwo\n>>>>>>> before the step/m);
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(bytes(t, 'a.txt')).toEqual(now);

      // undo a delete (step 13): notes.md comes back as it was; undo of the undo removes it again.
      const notes = showBytes(t, step(13).before, 'notes.md');
      expect(t.guard(['undo', `${session}:13`, '--yes']).code).toBe(0);
      expect(bytes(t, 'notes.md')).toEqual(notes);
      expect(bytes(t, 'a.txt')).toEqual(now);
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(t.exists('notes.md')).toBe(false);

      // The journal says what was done, and guard log shows a detail for every line.
      const log = t.guard(['log', '--type', 'undo', 'restore', '--limit', '0']);
      expect(log.stdout).toContain(`undid step ${session}:3`);
      expect(log.stdout).toContain(`restored a.txt as of before step ${session}:11`);
      expect(json(t, ['log', '--since', '1h', '--session', session, '--type', 'step-start', '--limit', '0']).events).toHaveLength(19);
      expect(json(t, ['log', '--since', '2099-01-01T00:00:00Z']).events).toEqual([]);
      const all = json(t, ['log', '--limit', '0']).events;
      expect(all.length).toBeGreaterThan(40);
      const rows = t.guard(['log', '--limit', '0']).stdout.trim().split('\n').slice(1);
      for (const row of rows) expect(row.split(/\s{2,}/).length, row).toBeGreaterThanOrEqual(5);
    });
  }, 300_000);

  it.skipIf(!CHROMIUM)(`renders the HTML timeline in a headless browser${CHROMIUM ? '' : ' (skipped: no chromium on PATH; install it with apt-get install -y chromium)'}`, async () => {
    await withTestRepo(async (t) => {
      setUp(t);
      const agent = new ScriptedClaude(t, 'conv-html');
      agent.start();
      await waitForWatcher(t);
      await agent.step({ name: 'Bash', command: "sed -i 's#^two$#TWO-<b>bold</b>#' a.txt" });
      await agent.step({ name: 'Write', file: 'page notes.md', content: 'notes & more\n' });
      expect((await agent.step({ name: 'Bash', command: 'git push --force origin main' })).denied).toBe(true);
      await agent.step({ name: 'Bash', command: 'rm b.txt' });
      const session = json(t, ['timeline']).session.id as string;

      const file = path.join(t.base, 'timeline.html');
      const wrote = t.guard(['timeline', '--html', file]);
      expect(wrote.code, wrote.stderr).toBe(0);
      const html = fs.readFileSync(file, 'utf8');
      // Self-contained: no script, no external reference of any kind.
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|https?:\/\//i);
      expect(html).toContain('TWO-&lt;b&gt;bold&lt;/b&gt;');

      const browser = (args: string[]): { stdout: string; stderr: string; status: number | null } =>
        spawnSync(CHROMIUM!, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', `--user-data-dir=${path.join(t.base, 'chromium')}`, ...args, `file://${file}`], {
          env: { ...t.env, HOME: t.home },
          encoding: 'utf8',
          timeout: 120_000,
        });
      // One browser start for both: the DOM on stdout and the screenshot of the same page.
      const png = path.join(t.base, 'timeline.png');
      const dom = browser(['--dump-dom', `--screenshot=${png}`, '--window-size=1200,2000', '--hide-scrollbars']);
      expect(dom.status, dom.stderr).toBe(0);
      for (let n = 1; n <= 4; n++) expect(dom.stdout).toContain(`${session}:${n}`);
      expect(dom.stdout).toContain('-two');
      expect(dom.stdout).toContain('+TWO-&lt;b&gt;bold&lt;/b&gt;');
      expect(dom.stdout).toContain('+notes &amp; more');
      expect(dom.stdout).toMatch(/class="step blocked"[\s\S]*git push --force origin main/);
      expect(dom.stdout).toContain(`guard undo ${session}:4`);
      expect(dom.stdout).toContain(`guard restore --before ${session}:1 a.txt`);

      const variety = pngVariety(fs.readFileSync(png));
      expect(variety).toMatchObject({ width: 1200, height: 2000 });
      expect(variety.distinct).toBeGreaterThan(64);
    });
  }, 300_000);

  it('refuses bad input and changes nothing', async () => {
    await withTestRepo(async (t) => {
      setUp(t);
      expect(t.guard(['timeline']).code).toBe(1);
      const agent = new ScriptedClaude(t, 'conv-bad');
      agent.start();
      const before = bytes(t, 'a.txt');
      expect(t.guard(['undo', 'nope']).code).toBe(1);
      expect(t.guard(['undo', '7']).stderr).toContain('has no step 7');
      expect(t.guard(['restore', '../outside', '--yes']).code).toBe(1);
      expect(t.guard(['restore', 'a.txt', '--before', 'no-such-session', '--yes']).code).toBe(1);
      expect(t.guard(['log', '--since', 'yesterday-ish']).code).toBe(1);
      expect(bytes(t, 'a.txt')).toEqual(before);
    });
  }, 120_000);
});
