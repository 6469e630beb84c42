/**
 * A rename in an interpreter one-liner (`node -e "fs.renameSync('a', '../out')"`, Python's
 * os.rename / os.replace / shutil.move, Perl's rename, Ruby's File.rename / FileUtils.mv, PHP's
 * rename) was not modelled at all: `node -e "require('fs').renameSync('docs/crlf.txt', '../out')"`
 * was allowed with no snapshot, and the edit no snapshot held yet was gone after `guard rollback`
 * (found by the command-guard fuzzer, test/fuzz/command-guard.test.ts). Now a rename is judged as
 * mv is: its source by checkMoveSource (a snapshot where it leaves the repository or carries an
 * ignored file no snapshot holds, protected paths refused), its destination as a write (an ignored
 * file there captured first); a source guard cannot read is asked about, as for a deletion.
 * Through Claude Code's hook, run for real, rolled back to the hook's snapshot, compared by bytes.
 */
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, snapshotsBefore } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': 'node_modules/\n.env\n',
    '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n    - .guard.yaml\n',
    'src/app.js': 'export const app = 1;\n',
    'db/migrations/001.sql': 'create table a (id int);\n',
  });
  writeFiles(t, { 'notes.txt': 'untracked notes\n', '.env': ['KEY=1\n', 0o600] });
}


describe('a rename in a one-liner is judged as mv', () => {
  for (const command of [
    `node -e "require('fs').renameSync('src/app.js', '../out')"`,
    `perl -e 'rename "notes.txt", "../out"'`,
    `node -e "require('fs').renameSync('.env', 'env.bak')"`,
    `node -e "require('fs').renameSync('notes.txt', '.env')"`,
  ]) {
    it(`${command}: a snapshot first, and guard rollback gives every byte back`, async () => {
      await withTestRepo((t) => {
        setup(t);
        expect(agentVerdict(t, 'git status')).toMatchObject({ decision: 'allow' });
        // An edit no snapshot holds yet.
        t.write('src/app.js', 'export const app = 2; // not in any snapshot yet\n');
        const before = stateWithModes(t, ['.env']);
        expect(agentVerdict(t, command)).toMatchObject({ decision: 'allow' });
        const [snapshot] = snapshotsBefore(t, command);
        expect(snapshot, 'the hook took a snapshot first').toBeTruthy();
        shellOk(t, command);
        rollbackOk(t, snapshot!);
        expect(stateWithModes(t, ['.env'])).toEqual(before);
      });
    });
  }

  it('the verdicts of each language; renames inside the repository stay allowed', async () => {
    await withTestRepo((t) => {
      setup(t);
      const verdict = (command: string): unknown => checkVerdict(t, command, { asAgent: true });
      for (const command of [
        `python3 -c "import os; os.rename('src/app.js', '../x')"`,
        `python3 -c "import os; os.replace('notes.txt', '/var/lib/x')"`,
        `python3 -c "import shutil; shutil.move('src', '../x')"`,
        `ruby -e 'File.rename("src/app.js", "../x")'`,
        `ruby -e 'require "fileutils"; FileUtils.mv("notes.txt", "../x")'`,
        `php -r 'rename("src/app.js", "../x");'`,
        `node -e "require('fs').promises.rename('src/app.js', '../z')"`,
      ]) {
        expect(verdict(command), command).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', reason: expect.stringContaining('out of the repository') });
      }
      expect(verdict(`node -e "require('fs').renameSync('db/migrations/001.sql', 'x.sql')"`)).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(verdict(`node -e "require('fs').renameSync(process.argv[1], 'x')"`)).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
      for (const command of [`node -e "require('fs').renameSync('src/app.js', 'src/main.js')"`, `python3 -c "import os; os.rename('notes.txt', 'docs.txt')"`]) {
        expect(verdict(command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
    });
  });
});
