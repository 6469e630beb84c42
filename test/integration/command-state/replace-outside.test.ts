/**
 * A write that replaces an existing file outside the repository: `echo x > ~/.bashrc`, `cp key
 * ~/.ssh/id_ed25519`, `curl -o ~/.npmrc URL`, `printf x > ../notes.txt`. The old bytes are in no
 * snapshot, as a deleted file's are, and `rm ~/.bashrc` has been refused from the start
 * (rm-outside-repo), as was `: > ~/.bashrc`; the replacing forms were allowed until 2026-12-06
 * (only a write through a symbolic link in the repository was refused). What loses nothing stays
 * free: appending, a file that does not exist yet, `cp -n` / `--backup` / `ln` without -f, `install`
 * (what `make install` runs), the temp directory, an edit in place (`sed -i`, as the agents' file tools), /dev/null. Real files in a
 * real repository and home directory, judged in process by the hook's own evaluation; one row
 * through `guard check-command` and one through Claude Code's pre-tool hook.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, useDefaultPolicy } from '../../helpers/repo-steps.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

let t: TestRepo;
let sibling: string;
beforeAll(() => {
  t = createTestRepo();
  useDefaultPolicy(t);
  commitFiles(t, { 'a.txt': 'a\n', 'keys/new.pub': 'ssh-ed25519 AAAA new\n', 'keys/id_ed25519': 'TEST KEY\n' });
  fs.mkdirSync(path.join(t.home, '.ssh'), { recursive: true });
  fs.writeFileSync(path.join(t.home, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n', { mode: 0o600 });
  fs.writeFileSync(path.join(t.home, '.bashrc'), 'export PATH=$HOME/bin:$PATH\n');
  fs.writeFileSync(path.join(t.home, '.npmrc'), '//registry.npmjs.org/:_authToken=secret\n');
  // A project beside this one (the test's temp directory is scratch space unless the policy says otherwise).
  sibling = path.join(path.dirname(t.dir), 'other');
  fs.mkdirSync(sibling, { recursive: true });
  fs.writeFileSync(path.join(sibling, 'notes.txt'), 'notes\n');
}, 60_000);
afterAll(() => t?.cleanup());

const REPLACES = 'an existing file outside the repository';

describe('replacing a file outside the repository', () => {
  it('is refused for every writer that replaces the file, naming it and the way forward', async () => {
    await expectEvaluatedVerdicts(t, [
      ['echo x > ~/.bashrc', 'deny', 'rm-outside-repo', ['~/.bashrc', REPLACES]],
      ['printf "PATH=x" >| ~/.bashrc', 'deny', 'rm-outside-repo', '~/.bashrc'],
      ['cp keys/new.pub ~/.ssh/id_ed25519', 'deny', 'rm-outside-repo', '~/.ssh/id_ed25519'],
      // into a directory: the file of the same name there is replaced
      ['cp keys/id_ed25519 ~/.ssh/', 'deny', 'rm-outside-repo', '~/.ssh/id_ed25519'],
      ['mv a.txt ~/.bashrc', 'deny', 'rm-outside-repo', '~/.bashrc'],
      ['ln -sf /dev/null ~/.bashrc', 'deny', 'rm-outside-repo', '~/.bashrc'],
      ['tee ~/.npmrc < a.txt', 'deny', 'rm-outside-repo', '~/.npmrc'],
      ['curl -fsSL -o ~/.npmrc https://example.invalid/npmrc', 'deny', 'rm-outside-repo', '~/.npmrc'],
      ['rsync a.txt ~/.bashrc', 'deny', 'rm-outside-repo', '~/.bashrc'],
      ['sort -o ~/.bashrc a.txt', 'deny', 'rm-outside-repo', '~/.bashrc'],
      ['cd ~ && echo x > .bashrc', 'deny', 'rm-outside-repo', '~/.bashrc'],
    ]);
    const v = await evaluatedVerdict(t, 'echo x > ~/.bashrc', { asAgent: true });
    expect(v.instead).toContain('Ask the person');
    expect(v.instead).toContain('>>');
  });

  it('stays free where nothing is lost: appends, new files, no-clobber and backups, links that fail, edits in place, the temp directory', async () => {
    await expectEvaluatedVerdicts(t, [
      ['echo "export X=1" >> ~/.bashrc', 'allow', 'no-risk'],
      ['tee -a ~/.bashrc < a.txt', 'allow', 'no-risk'],
      ['echo x > ~/new-notes.txt', 'allow', 'no-risk'],
      ['cp -n keys/new.pub ~/.ssh/id_ed25519', 'allow', 'no-risk'],
      ['cp --backup=numbered keys/new.pub ~/.ssh/id_ed25519', 'allow', 'no-risk'],
      ['cp -b a.txt ~/.bashrc', 'allow', 'no-risk'],
      ['ln -s a.txt ~/.bashrc', 'allow', 'no-risk'],
      ['cp keys/new.pub ~/.ssh/', 'allow', 'no-risk'],
      // what `make install` runs: replacing an earlier install is the program's purpose
      ['install -m 755 a.txt ~/.bashrc', 'allow', 'no-risk'],
      ['sed -i "s/bin/sbin/" ~/.bashrc', 'allow', 'no-risk'],
      ['echo x > ~/.ssh', 'allow', 'no-risk'],
      [`echo x > ${sibling}/notes.txt`, 'allow', 'no-risk'],
      ['echo x > /dev/null', 'allow', 'no-risk'],
      ['echo x > a.txt', 'allow', 'no-risk'],
    ]);
  });

  it('a sibling project is outside the repository once the temp directory is not scratch space', async () => {
    const policy = path.join(t.dir, '.guard.yaml');
    fs.writeFileSync(policy, fs.readFileSync(policy, 'utf8').replace('tempIsScratch: true', 'tempIsScratch: false'));
    try {
      await expectEvaluatedVerdicts(t, [
        ['echo x > ../other/notes.txt', 'deny', 'rm-outside-repo', ['../other/notes.txt', `(${sibling}/notes.txt)`]],
        ['cp a.txt ../other/', 'allow', 'no-risk'],
        ['cp a.txt ../other/notes.txt', 'deny', 'rm-outside-repo'],
      ]);
    } finally {
      useDefaultPolicy(t);
    }
  });

  it('check-command and the installed hook say the same', () => {
    expect(checkVerdict(t, 'cp keys/new.pub ~/.ssh/id_ed25519', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
    const hook = agentVerdict(t, 'echo x > ~/.bashrc');
    expect(hook.decision).toBe('deny');
    expect(hook.reason).toContain('rm-outside-repo');
    expect(fs.readFileSync(path.join(t.home, '.bashrc'), 'utf8')).toBe('export PATH=$HOME/bin:$PATH\n');
  });
});
