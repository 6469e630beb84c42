/**
 * `guard recover` and `guard rollback` write the repository's config and the stash list back in a
 * bounded number of git processes (issue 8; recover.ts restoreConfig/configText,
 * git/stash-reflog.ts), and byte for byte: config values with quotes, backslashes, a newline, a
 * `#`, leading spaces and bytes that are not UTF-8, a branch section whose name is not UTF-8;
 * the stash's reflog (oids and messages) as `git reflog` shows it, and a drop of stash@{1} still
 * works on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';

realBackupPushInFile();

/** `git config --local -z --list` as bytes. */
function configBytes(t: TestRepo): Buffer {
  return spawnSync('git', ['config', '--local', '-z', '--list'], { cwd: t.dir, env: t.env }).stdout;
}

/** The user's keys of a `config -z --list` (layout keys of the clone left out). */
function userKeys(list: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  while (start < list.length) {
    const end = list.indexOf(0, start);
    const item = list.subarray(start, end);
    if (/^(remote|branch|guardtest)\./.test(item.toString('latin1'))) out.push(item);
    start = end + 1;
  }
  return out;
}

const stashLog = (t: TestRepo): string => t.git(['reflog', 'show', '--format=%H %gs', 'refs/stash']);

function makeStash(t: TestRepo, n: number): void {
  for (let i = 0; i < n; i++) {
    t.write('a.txt', `stashed ${i}\n`);
    t.git(['stash', 'push', '-q', '-m', `entry ${i} "quoted" \\ back`]);
  }
}

describe('recover and rollback: config and stash bytes, bounded processes', () => {
  it('recover writes every config key back byte for byte in one write, and the stash list in two processes', () =>
    withTestRepo(async (t) => {
      t.write('a.txt', 'base\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '-m', 'base']);
      const init = t.guard(['init', '--yes', '--agents', 'none']);
      expect(init.code, init.stderr).toBe(0);
      // Values git must read back as the same bytes; a branch section whose name is the byte 0xff.
      // Through bash's $'...': the byte 0xff reaches git as that byte, not as UTF-8 text.
      const set = (key: string, value: string): void => {
        const r = spawnSync('bash', ['-c', `git config --add ${key} ${value}`], { cwd: t.dir, env: t.env, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      };
      set('remote.up.url', `'https://example.com/a "b" \\c #d ;e'`);
      set('remote.up.pushurl', `'  leading and trailing  '`);
      set('remote.up.fetch', `'+refs/heads/*:refs/remotes/up/*'`);
      set('guardtest.multi', `$'line one\nline two\ttab'`);
      set(`$'remote.w\\xffx.url'`, `$'/srv/r\\xfe.git'`);
      set(`$'branch.rel/b\\xff "q" \\\\.remote'`, 'up');
      set('guardtest.empty', `''`);
      makeStash(t, 4);
      const config = userKeys(configBytes(t));
      const stash = stashLog(t);
      expect(config.length).toBe(7);
      expect(t.guard(['snapshot']).code).toBe(0);
      await backgroundPushDone(t.dir);
      expect(t.guard(['backup', 'push', '--local-only']).code).toBe(0);
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });

      const file = path.join(t.base, 'trace-recover.json');
      const r = t.guard(['recover', '--yes'], { env: traceEnv(file) });
      expect(r.code, r.stderr).toBe(0);
      await backgroundPushDone(t.dir);
      expect(userKeys(configBytes(t))).toEqual(config);
      expect(stashLog(t)).toBe(stash);
      const count = countGitProcesses(file);
      // Three `git config` for the user's config (two lists and the read-back), none per key;
      // two processes for the four stash entries (git var, one update-ref), none per entry.
      const configs = count.argv.filter((a) => a.includes('config') && a.includes('-f'));
      expect(configs.length, JSON.stringify(configs)).toBeLessThanOrEqual(3);
      const stashWrites = count.argv.filter((a) => a.includes('refs/stash') && a.includes('update-ref'));
      expect(stashWrites, JSON.stringify(stashWrites)).toHaveLength(1);
      // The stash list is usable as git's own: stash@{1} dropped, stash@{0} applied.
      t.git(['stash', 'drop', '-q', 'stash@{1}']);
      expect(t.git(['stash', 'list']).split('\n').filter(Boolean)).toHaveLength(3);
      t.git(['stash', 'pop', '-q']);
      expect(t.read('a.txt')).toBe('stashed 3\n');
    }));

  it('rollback after `git stash clear` writes the stash back in three processes, reflog as it was', () =>
    withTestRepo(async (t) => {
      t.write('a.txt', 'base\n');
      t.git(['add', 'a.txt']);
      t.git(['commit', '-q', '-m', 'base']);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      makeStash(t, 5);
      const stash = stashLog(t);
      expect(t.guard(['snapshot']).code).toBe(0);
      await backgroundPushDone(t.dir);
      t.git(['stash', 'clear']);
      const file = path.join(t.base, 'trace-rollback.json');
      const r = t.guard(['rollback', '--yes'], { env: { ...traceEnv(file), GUARD_TEST_NO_AUTO_PUSH: '1' } });
      expect(r.code, r.stderr).toBe(0);
      expect(stashLog(t)).toBe(stash);
      const stashWrites = countGitProcesses(file).argv.filter((a) => a.includes('refs/stash') && a.includes('update-ref'));
      expect(stashWrites, JSON.stringify(stashWrites)).toHaveLength(1);
      // The undo: the stash is empty again, as the rollback found it; then the rollback again, and git uses the list.
      const undo = t.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(t.gitResult(['rev-parse', '-q', '--verify', 'refs/stash']).code).not.toBe(0);
    }));
});
