/**
 * `rsync --files-from=LIST` with `--remove-source-files` or `--delete` (src/policy/command/files.ts
 * rsyncFilesFrom). Until 2026-12-07 the list was not read: the sources (and the destination) were
 * judged whole, so `rsync -a --remove-source-files --files-from=moved.txt ./ /tmp/out/`, which
 * deletes only the listed files, was refused as deleting the repository itself. Now a list guard
 * can read is judged entry by entry below each source (and below the destination for --delete);
 * a list it cannot read (stdin, a file the line writes first, none there) is judged as before.
 * rsync is not installed here: its deletion of the listed file is made by hand after the hook
 * answered, as rsync would make it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles } from '../../helpers/repo-steps.js';

/** A committed app with guard's Claude hooks installed and committed. */
function guardedApp(t: TestRepo, gitignore: string): void {
  commitFiles(t, { '.gitignore': gitignore, 'src/app.ts': 'export {};\n' }, 'app');
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t);
}

describe('rsync --files-from', () => {
  it('judges the listed paths: a listed untracked file is held by the snapshot and comes back; an unread list keeps the whole source', async () => {
    await withTestRepo(async (t) => {
      guardedApp(t, 'node_modules/\n');
      const notes = Buffer.from('untracked notes, in no commit\n');
      t.write('exports/notes.txt', notes);
      t.write('moved.txt', '# what goes to the archive\nexports/notes.txt\n');
      t.write('secrets.txt', '.git/\n');
      t.write('many.txt', Array.from({ length: 300 }, (_, i) => `f${i}\n`).join(''));
      // through the installed hook: a snapshot first (before: denied as the repository itself); rollback brings the file back
      const moved = hookWithVerdict(t, 'rsync -a --remove-source-files --files-from=moved.txt ./ /tmp/archive/');
      expect(moved).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(path.join(t.dir, 'exports/notes.txt'));
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'exports/notes.txt'))).toEqual(notes);
      // through check-command
      expect(checkVerdict(t, 'rsync -a --remove-source-files --files-from=moved.txt ./ /tmp/archive/', { asAgent: true })).toMatchObject({ verdict: 'snapshot', reason: expect.stringContaining('exports/notes.txt') });
      await expectEvaluatedVerdicts(t, [
        ['rsync -a --delete -r --files-from=moved.txt /tmp/src/ ./', 'snapshot', 'rm-in-repo', ['exports/notes.txt']],
        ['rsync -a --remove-source-files --files-from secrets.txt ./ /tmp/x/', 'deny', 'git-dir-write'],
        // a list guard cannot read: the sources whole, as before
        ['rsync -a --remove-source-files --files-from=- ./ /tmp/x/', 'deny', 'rm-repo-root'],
        ['git ls-files -o > l.txt && rsync -a --remove-source-files --files-from=l.txt ./ /tmp/x/', 'deny', 'rm-repo-root'],
        ['rsync -a --remove-source-files --files-from=many.txt ./ /tmp/x/', 'deny', 'rm-repo-root'],
        ['rsync -a --remove-source-files --files-from=prod:list.txt ./ /tmp/x/', 'deny', 'rm-repo-root'],
        // copying by a list deletes nothing
        ['rsync -a --files-from=moved.txt ./ /tmp/archive/', 'allow', 'no-risk'],
        ['rsync -a src/ /tmp/dst/', 'allow', 'no-risk'],
      ]);
    });
  });

  it('a listed ignored file whose name is not UTF-8 (Latin-1 list bytes): captured under its bytes, rolled back byte for byte', async () => {
    await withTestRepo(async (t) => {
      guardedApp(t, '*.env\n');
      const at = (rel: string): Buffer => Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
      const secret = Buffer.from('KEY=\xe9\r\n', 'latin1');
      fs.writeFileSync(at('src/caf\xe9.env'), secret);
      fs.writeFileSync(at('src/caf\xe8.env'), 'OTHER=1\n');
      fs.writeFileSync(at('moved.txt'), Buffer.from('caf\xe9.env\n', 'latin1'));
      const command = 'rsync -a --remove-source-files --files-from=moved.txt src/ /tmp/archive/';
      expect(checkVerdict(t, command, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(hookWithVerdict(t, command)).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(at('src/caf\xe9.env'));
      rollbackOk(t);
      expect(fs.readFileSync(at('src/caf\xe9.env'))).toEqual(secret);
      expect(fs.readFileSync(at('src/caf\xe8.env'), 'utf8')).toBe('OTHER=1\n');
    });
  });
});
