/**
 * `guard init --agents claude` writes Claude Code's `.claude/settings.local.json`, a file meant
 * for this clone only. Where the project did not ignore it, it stayed untracked: every `git clean
 * -fd` an agent ran was then denied (guard-self: the clean would delete guard's hooks), `git
 * status` showed it, and an agent's `git add -A` committed it (found on a vite clone, 2026-12-05).
 * Now init keeps it out of git with a line in `.git/info/exclude` (nothing tracked changes), and
 * `guard uninstall` takes the line out again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { agentVerdict } from '../../helpers/verdicts.js';

const LOCAL = '.claude/settings.local.json';

function exclude(t: TestRepo): string {
  return fs.readFileSync(path.join(t.dir, '.git', 'info', 'exclude'), 'utf8');
}

function init(t: TestRepo): string {
  const r = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  return r.stdout;
}

function setup(t: TestRepo, gitignore = 'dist/\n'): void {
  t.write('.gitignore', gitignore);
  t.write('src/a.ts', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
}

describe('guard init keeps Claude Code local settings out of git', () => {
  it("adds the exclude line once; git status no longer shows the file; an agent's git clean -fd runs and leaves guard's hooks; uninstall restores info/exclude byte for byte", async () => {
    await withTestRepo((t) => {
      setup(t);
      const before = exclude(t);
      const out = init(t);
      expect(out).toContain(`kept ${LOCAL} out of git`);
      expect(exclude(t)).toBe(`${before}${before.endsWith('\n') ? '' : '\n'}# git-guard: this clone's own agent settings, which hold guard's hooks (\`guard uninstall\` removes these lines)\n/${LOCAL}\n`);
      expect(t.git(['status', '--porcelain', '--untracked-files=all'])).not.toContain('.claude');
      // Again: nothing added twice, nothing said.
      expect(init(t)).not.toContain('out of git');
      expect(exclude(t).split(`/${LOCAL}\n`).length).toBe(2);
      // With .guard.yaml committed, as init asks, the clean is judged on what it deletes.
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      t.write('scratch/tmp.txt', 'junk\n');
      expect(agentVerdict(t, 'git clean -fd').decision).toBe('allow');
      t.git(['clean', '-fd']);
      expect(fs.existsSync(path.join(t.dir, 'scratch'))).toBe(false);
      expect(fs.existsSync(path.join(t.dir, LOCAL))).toBe(true);
      // `rm` of it is still refused; `git clean -fdx` runs after a snapshot that holds it, and the
      // post-tool hook puts it back (clean-puts-back-guard-files.test.ts).
      expect(agentVerdict(t, 'git clean -fdx').decision).toBe('allow');
      expect(agentVerdict(t, `rm ${LOCAL}`).decision).toBe('deny');
      const un = t.guard(['uninstall']);
      expect(un.code, un.stderr).toBe(0);
      expect(un.stdout).toContain('info/exclude');
      expect(exclude(t)).toBe(before);
    });
  });

  it('adds nothing where the project ignores the file already or tracks it', async () => {
    await withTestRepo((t) => {
      setup(t, `dist/\n${LOCAL}\n`);
      const before = exclude(t);
      expect(init(t)).not.toContain('out of git');
      expect(exclude(t)).toBe(before);
    });
    await withTestRepo((t) => {
      setup(t);
      t.write(LOCAL, '{}\n');
      t.git(['add', LOCAL]);
      t.git(['commit', '-q', '-m', 'shared claude settings']);
      const before = exclude(t);
      expect(init(t)).not.toContain('out of git');
      expect(exclude(t)).toBe(before);
    });
  });
});
