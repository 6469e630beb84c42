/**
 * Issue 12 with names that are not text: a file named with byte \377 and one with a newline,
 * changed by an agent's steps. timeline and blame show them as git quotes them and suggest
 * commands with $'...'; those commands, typed into bash as printed, restore the files byte for
 * byte; undo of a step that changed them (and the undo of that undo) is exact.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitForWatcher } from '../watcher/helpers.js';
import { A0, lines, ScriptedClaude, setUpRepo } from './timeline-driver.js';

const BAD = Buffer.from('bad\xff.txt', 'latin1');
const NL = Buffer.from('new\nline.txt');
const GONE = Buffer.from('gone\xff.txt', 'latin1');

const file = (t: TestRepo, name: Buffer): Buffer => Buffer.concat([Buffer.from(`${t.dir}/`), name]);
const read = (t: TestRepo, name: Buffer): Buffer => fs.readFileSync(file(t, name));

/** A command as guard prints it (`guard ...`), typed into bash as it is. */
function bash(t: TestRepo, command: string): { stdout: string; stderr: string; status: number | null } {
  expect(command.startsWith('guard ')).toBe(true);
  return spawnSync('bash', ['-c', `"$GUARD_NODE" "$GUARD_BIN_JS" ${command.slice('guard '.length)}`], {
    cwd: t.dir,
    env: { ...t.env, GUARD_NODE: process.execPath, GUARD_BIN_JS: GUARD_BIN },
    encoding: 'utf8',
  });
}

/** The index, byte for byte (modes, ids, names). */
const index = (t: TestRepo): Buffer => spawnSync('git', ['ls-files', '-s', '-z'], { cwd: t.dir, env: t.env }).stdout;

describe('names that are not text in timeline, blame, restore and undo (issue 12)', () => {
  it('shows them git-quoted, suggests $-quoted commands that work, and undoes and restores them byte for byte', async () => {
    await withTestRepo(async (t) => {
      setUpRepo(t);
      fs.writeFileSync(file(t, BAD), lines(A0));
      fs.writeFileSync(file(t, NL), 'x\n');
      fs.writeFileSync(file(t, GONE), Buffer.from('gone \xfe\xff\n', 'latin1'));
      // Two names that differ only in a byte that is not UTF-8: one text on the command line.
      fs.writeFileSync(file(t, Buffer.from('odd\xfe.txt', 'latin1')), 'fe\n');
      fs.writeFileSync(file(t, Buffer.from('odd\xff.txt', 'latin1')), 'ff\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'odd names']);
      const agent = new ScriptedClaude(t, 'conv-names');
      agent.start();
      await waitForWatcher(t);

      // Commands an agent can write (JSON carries no raw \377): a glob that matches the byte, and
      // a newline inside quotes. Each runs as the agent's shell runs it.
      const run = async (command: string): Promise<void> => expect((await agent.step({ name: 'Bash', command })).denied, command).toBe(false);
      await run("sed -i 's/^two$/TWO/' bad?.txt"); // 1
      await run("printf 'changed\\n' > 'new\nline.txt'"); // 2
      await run("sed -i 's/^nine$/NINE/' bad?.txt"); // 3
      await run('rm gone?.txt'); // 4
      const bad = read(t, BAD);
      expect(bad.toString()).toBe(lines(A0.map((w) => (w === 'two' ? 'TWO' : w === 'nine' ? 'NINE' : w))));
      expect(read(t, NL).toString()).toBe('changed\n');
      expect(fs.existsSync(file(t, GONE))).toBe(false);
      const indexNow = index(t);

      // timeline: git's quoting in text and --json, $'...' in the commands it suggests.
      const timeline = json(t, ['timeline']);
      const session = timeline.session.id as string;
      const files = (n: number): string[] => timeline.steps[n - 1].files.map((f: any) => `${f.status} ${f.path}`);
      expect(files(1)).toEqual(['modified "bad\\377.txt"']);
      expect(files(2)).toEqual(['modified "new\\nline.txt"']);
      expect(files(3)).toEqual(['modified "bad\\377.txt"']);
      expect(files(4)).toEqual(['deleted "gone\\377.txt"']);
      const text = t.guard(['timeline']).stdout;
      expect(text).toContain('~ modified 1: "bad\\377.txt"');
      expect(text).toContain('~ modified 1: "new\\nline.txt"');
      const restoreLine = (n: number): string => {
        const line = text.split('\n').find((l) => l.startsWith(`  $ guard restore --before ${session}:${n} `));
        expect(line, `restore command of step ${n}`).toBeDefined();
        return line!.slice('  $ '.length);
      };
      expect(restoreLine(1)).toBe(`guard restore --before ${session}:1 $'bad\\377.txt'`);
      expect(restoreLine(2)).toBe(`guard restore --before ${session}:2 $'new\\012line.txt'`);

      // blame, typed as bash passes $'...': the byte the command line cannot carry as text is
      // found again among the names the steps changed.
      const blame = bash(t, "guard blame $'bad\\377.txt' --json");
      expect(blame.status, blame.stderr).toBe(0);
      expect(JSON.parse(blame.stdout)).toMatchObject({ path: '"bad\\377.txt"' });
      expect(JSON.parse(blame.stdout).changes.map((c: any) => c.step)).toEqual([`${session}:3`, `${session}:1`]);
      const blameText = bash(t, "guard blame $'bad\\377.txt'");
      expect(blameText.stdout).toContain('"bad\\377.txt" was last modified');
      expect(blameText.stdout).toContain(`guard restore --before ${session}:3 $'bad\\377.txt'`);
      const blameNl = json(t, ['blame', 'new\nline.txt']);
      expect(blameNl.changes.map((c: any) => c.step)).toEqual([`${session}:2`]);

      // restore with the suggested command, as printed: the bytes from before the step.
      const restored = bash(t, `${restoreLine(1)} --yes`);
      expect(restored.status, restored.stderr).toBe(0);
      expect(restored.stdout).toContain('"bad\\377.txt"');
      expect(read(t, BAD)).toEqual(Buffer.from(lines(A0)));
      expect(read(t, NL).toString()).toBe('changed\n');
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(read(t, BAD)).toEqual(bad);
      const restoredNl = bash(t, `${restoreLine(2)} --yes`);
      expect(restoredNl.status, restoredNl.stderr).toBe(0);
      expect(read(t, NL)).toEqual(Buffer.from('x\n'));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(read(t, NL).toString()).toBe('changed\n');

      // undo of step 1 (two -> TWO) keeps step 3's later change (nine -> NINE): a merge, by bytes.
      const undo1 = t.guard(['undo', `${session}:1`, '--yes']);
      expect(undo1.code, undo1.stderr).toBe(0);
      expect(undo1.stdout).toContain('"bad\\377.txt"');
      expect(read(t, BAD).toString()).toBe(lines(A0.map((w) => (w === 'nine' ? 'NINE' : w))));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(read(t, BAD)).toEqual(bad);
      // undo of step 2 (the newline name) and of step 4 (it deleted gone\377.txt: back, byte for byte).
      expect(t.guard(['undo', `${session}:2`, '--yes']).code).toBe(0);
      expect(read(t, NL)).toEqual(Buffer.from('x\n'));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(read(t, NL).toString()).toBe('changed\n');
      const undo4 = t.guard(['undo', `${session}:4`, '--yes']);
      expect(undo4.code, undo4.stderr).toBe(0);
      expect(read(t, GONE)).toEqual(Buffer.from('gone \xfe\xff\n', 'latin1'));
      expect(t.guard(['rollback', '--undo', '--yes']).code).toBe(0);
      expect(fs.existsSync(file(t, GONE))).toBe(false);
      expect(index(t)).toEqual(indexNow);
      // Which of the two odd names is meant cannot be told from the command line: refused, both
      // named, nothing changed.
      fs.writeFileSync(file(t, Buffer.from('odd\xff.txt', 'latin1')), 'changed\n');
      const ambiguous = bash(t, `guard restore --before ${session} $'odd\\377.txt' --yes`);
      expect(ambiguous.status).toBe(1);
      expect(ambiguous.stderr).toContain('"odd\\376.txt"');
      expect(ambiguous.stderr).toContain('"odd\\377.txt"');
      expect(read(t, Buffer.from('odd\xff.txt', 'latin1')).toString()).toBe('changed\n');
      expect(read(t, Buffer.from('odd\xfe.txt', 'latin1')).toString()).toBe('fe\n');
      expect(index(t)).toEqual(indexNow);

      // The end-of-session summary names them as git quotes them too (never decoded lossily).
      const end = agent.hook('SessionEnd', { ...agent.base('SessionEnd'), reason: 'exit' });
      expect(end.code, end.stderr).toBe(0);
      const summary = JSON.parse(end.stdout).systemMessage as string;
      expect(summary).toContain('"bad\\377.txt"');
      expect(summary).toContain('"new\\nline.txt"');
      expect(summary).toContain('"gone\\377.txt"');
      expect(summary).not.toContain('\ufffd');
      // Nothing else in the worktree moved.
      expect(fs.readdirSync(t.dir).filter((n) => !n.startsWith('.')).sort()).toEqual(['README.md', 'a.txt', 'b.txt', 'bad\ufffd.txt', 'new\nline.txt', 'odd\ufffd.txt', 'odd\ufffd.txt', 'src'].sort());
    });
  }, 300_000);
});
