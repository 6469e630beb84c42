/**
 * After `rm -rf .git`, every command points at `guard recover` when a backup of the directory
 * exists (issue 11): the CLI's errors, the hot `guard snapshot`, the advice `guard run` prints
 * when its session cannot end, and the agent hook.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

async function backedUpThenGone(repo: TestRepo): Promise<void> {
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  json(repo, ['snapshot']);
  await waitForBackgroundPush(repo);
  expect(json(repo, ['backup', 'status']).inSync).toBe(true);
  fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
}

describe('after rm -rf .git', () => {
  it('commands point at guard recover, from the directory and from one below it', () =>
    withTestRepo(async (repo) => {
      await backedUpThenGone(repo);
      for (const args of [['status'], ['list'], ['snapshot'], ['rollback', '--yes'], ['session', 'start']]) {
        const r = repo.guard(args);
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr, args.join(' ')).toMatch(/not inside a git repository: .*; a backup of this directory exists, newest snapshot \d+[smhd] ago: run `guard recover`/);
        expect(r.stderr).not.toContain('--cwd');
      }
      const below = repo.guard(['status'], { cwd: path.join(repo.dir, 'src') });
      expect(below.stderr).toContain(`a backup of this directory exists (in ${repo.dir})`);
      expect(below.stderr).toContain(`cd ${repo.dir} && guard recover`);
      const asJson = JSON.parse(repo.guard(['list', '--json']).stdout);
      expect(asJson.error.message).toContain('run `guard recover`');
      // And the advice is right: recover brings it back.
      expect(repo.guard(['recover', '--yes']).code).toBe(0);
      expect(json(repo, ['list']).length).toBeGreaterThan(0);
    }));

  it('says only "not inside a git repository" where no backup exists, and never mentions a --cwd option', () =>
    withTestRepo((repo) => {
      const elsewhere = path.join(repo.base, 'plain-dir');
      fs.mkdirSync(elsewhere);
      const r = repo.guard(['status'], { cwd: elsewhere });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('not inside a git repository');
      expect(r.stderr).not.toContain('guard recover');
      expect(r.stderr).not.toContain('--cwd');
    }, { init: false }));

  // The second command leaves what a watcher's or a backup push's write racing `rm -rf .git`
  // left (seen in CI): rm fails on the directory that is not empty, and .git holds only guard's
  // leftovers. No HEAD: gone all the same.
  it.each([
    ['removed .git', 'rm -rf .git'],
    ['left guard\'s own files in .git', 'rm -rf .git && mkdir -p .git/guard && echo {} > .git/guard/watcher.json'],
  ])('guard run, whose command %s, says to run guard recover instead of rollback, and recover works', (_, command) =>
    withTestRepo((repo) => {
      repo.write('README.md', '# project\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const r = repo.guard(['run', '--agent', 'test', '--', 'sh', '-c', command]);
      expect(r.stderr).toContain('could not be ended cleanly');
      expect(r.stderr).toMatch(/the repository's \.git is gone; a backup of this directory exists, newest snapshot .*: run `guard recover`/);
      expect(r.stderr.slice(r.stderr.indexOf('could not be ended cleanly'))).not.toContain('guard rollback --session');
      // The advice holds: recover (moving any leftovers aside) rebuilds the repository.
      expect(repo.guard(['recover', '--yes']).code).toBe(0);
      expect(repo.git(['log', '--format=%s']).trim()).toBe('base');
    }));

  it('the agent hook tells the agent that a backup exists', () =>
    withTestRepo(async (repo) => {
      await backedUpThenGone(repo);
      const payload = { session_id: 's1', transcript_path: '/t', cwd: repo.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'ls' } };
      const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: repo.dir, env: repo.env, input: JSON.stringify(payload), encoding: 'utf8' });
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout).systemMessage).toMatch(/no longer a git repository .*a backup of this directory exists, newest snapshot .*: run `guard recover`/);
    }));
});
