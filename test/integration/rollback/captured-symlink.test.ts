/**
 * A symlink standing where a captured ignored file goes. An agent's `rm .env && ln -s
 * config/dev.env .env` (the command guard captured the person's .env before the rm): the symlink
 * is part of the state after the incident, and `guard rollback` used to leave it there and only
 * report the .env as not restored. What a person expects of "roll back the agent's work" is their
 * .env back: the rollback replaces the link (git unlinks it, never follows it, so a link to a
 * directory takes nothing of the directory with it), the pre-rollback snapshot records the link,
 * and `guard rollback --undo` gives it back with its target text byte for byte. The same the
 * other way round: a captured symlink where a file, or another link, stands now.
 *
 * A fifo (or socket) at the name is in no snapshot: it stays, and the file is named with the
 * command that gives its bytes.
 *
 * Through the agent hook and real git in a hermetic repository; compared byte for byte with every
 * path's kind, bits and link target, the index, HEAD, refs, the stash and `git status --ignored`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** The agent hook allows `command`, then bash runs it. */
function agentRuns(t: TestRepo, command: string): void {
  expect(agentVerdict(t, command).decision, command).toBe('allow');
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

describe('a symlink where a captured ignored file goes', () => {
  it('rm .env, then ln -s config/dev.env .env: rollback gives the file back at 0600, --undo the link with its target text', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': '.env\n', 'config/dev.env': 'DEV=1\n' });
      t.write('.env', SECRET, 0o600);
      const before = byteState(t);
      agentRuns(t, 'rm .env');
      agentRuns(t, 'ln -s config/dev.env .env');
      const after = byteState(t);
      expect(after['.env']).toBe('link 777 -> config/dev.env');
      const out = rollbackOk(t);
      expect(out).toContain('brought back: 1');
      expect(out).not.toContain('NOT brought back');
      expect(byteState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      // What the link pointed to is untouched (git unlinks a link, never writes through it).
      expect(t.read('config/dev.env')).toBe('DEV=1\n');
      undoOk(t);
      expect(byteState(t)).toEqual(after);
      // And once more: the rollback after the undo is exact too.
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
    });
  });

  it('a link to a directory of the repository: the directory and its files are untouched by the rollback and the undo', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'secrets\n', 'src/main.c': 'int main;\n', 'src/util.c': 'int util;\n' });
      t.write('secrets', SECRET, 0o640);
      const before = byteState(t);
      agentRuns(t, 'rm secrets');
      agentRuns(t, 'ln -s src secrets');
      const after = byteState(t);
      expect(after.secrets).toBe('link 777 -> src');
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
      undoOk(t);
      expect(byteState(t)).toEqual(after);
    });
  });

  it('a captured symlink where a regular file stands now, and where another link stands now: the captured link comes back, --undo gives each back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': '*.link\n' });
      // Target text that is not UTF-8: kept as bytes.
      const target = Buffer.from('../shared/k\xffy', 'latin1');
      fs.symlinkSync(target, path.join(t.dir, 'one.link'));
      fs.symlinkSync(target, path.join(t.dir, 'two.link'));
      const before = byteState(t);
      agentRuns(t, 'rm one.link two.link');
      agentRuns(t, "printf 'plain\\n' > one.link && chmod 600 one.link && ln -s elsewhere two.link");
      const after = byteState(t);
      expect(after['one.link']).toBe(`file 600 ${after['one.link']!.split(' ')[2]}`);
      const out = rollbackOk(t);
      expect(out).toContain('brought back: 2');
      expect(byteState(t)).toEqual(before);
      expect(fs.readlinkSync(path.join(t.dir, 'one.link'), { encoding: 'buffer' })).toEqual(target);
      undoOk(t);
      expect(byteState(t)).toEqual(after);
    });
  });

  it('a symlink where the captured file\'s directory was, to a directory holding the same bytes: the link goes, the file comes back, --undo gives the link back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'conf/\n' });
      t.write('conf/x', SECRET, 0o600);
      const before = byteState(t);
      agentRuns(t, 'rm -r conf');
      // Read through the link, conf/x looks like the captured file already in place.
      fs.mkdirSync(path.join(t.base, 'shared'));
      fs.writeFileSync(path.join(t.base, 'shared', 'x'), SECRET, { mode: 0o600 });
      agentRuns(t, `ln -s '${path.join(t.base, 'shared')}' conf`);
      const after = byteState(t);
      expect(after.conf).toMatch(/^link /);
      const out = rollbackOk(t);
      expect(out).toContain('brought back: 1');
      expect(byteState(t)).toEqual(before);
      // Nothing was written through the link.
      expect(fs.readdirSync(path.join(t.base, 'shared'))).toEqual(['x']);
      undoOk(t);
      expect(byteState(t)).toEqual(after);
    });
  });

  it('a fifo where the captured file goes stays, and the file is named with the command that gives its bytes', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': '.env\n' });
      t.write('.env', SECRET, 0o600);
      agentRuns(t, 'rm .env');
      agentRuns(t, 'mkfifo .env');
      const after = byteState(t);
      expect(after['.env']).toMatch(/^special /);
      const out = rollbackOk(t);
      expect(out).toContain('.env: a special file (fifo, socket or device) is there now');
      const command = /its bytes: (git cat-file blob \S+ > FILE)/.exec(out)?.[1];
      expect(command, out).toBeDefined();
      const file = path.join(t.base, 'env-bytes');
      const r = spawnSync('bash', ['-c', command!.replace(/FILE$/, `'${file}'`)], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(fs.readFileSync(file)).toEqual(SECRET);
      // The fifo is as it was (the rollback had nothing else to change).
      expect(byteState(t)).toEqual(after);
    });
  });
});
