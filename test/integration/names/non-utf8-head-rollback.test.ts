/**
 * HEAD on a branch whose name is not UTF-8 (`git switch -c $'rel/bad\xff'`), then an agent
 * switches to main and deletes that branch. Rollback and recover put the branch back by its
 * bytes (update-ref --stdin), but pointed HEAD at it with `git symbolic-ref HEAD NAME`, the name
 * on git's command line as guard's text (`rel/bad\377`): Node gives a child process its argv as
 * UTF-8 only, so git got a backslash and refused, after the branches had moved. Real git, the
 * real CLI; .git/HEAD, every ref name, the index and the files compared byte for byte, with a
 * neighbour branch `rel/bad\xfe` that differs only in that byte.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// These tests run recover or read the backup: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

function gitBytes(t: TestRepo, args: string[]): Buffer {
  const r = spawnSync('git', args, { cwd: t.dir, env: t.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

function bash(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
}

/** Every file of the working tree by its name's bytes (hex) with mode and content hash. */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (at: Buffer, rel: string): void => {
    for (const name of fs.readdirSync(at, { encoding: 'buffer' })) {
      const full = Buffer.concat([at, Buffer.from('/'), name]);
      const key = `${rel}${name.toString('hex')}`;
      if (name.toString('latin1') === '.git') continue;
      const stat = fs.lstatSync(full);
      if (stat.isDirectory()) walk(full, `${key}/`);
      else out[key] = `${(stat.mode & 0o7777).toString(8)} ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`;
    }
  };
  walk(Buffer.from(dir), '');
  return out;
}

/** .git/HEAD's bytes, every branch, tag and the stash by name bytes and value, the index and the files, as bytes. */
function state(t: TestRepo): Record<string, unknown> {
  return {
    head: fs.readFileSync(path.join(t.dir, '.git', 'HEAD')).toString('hex'),
    refs: gitBytes(t, ['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags', 'refs/stash'])
      .toString('hex')
      .split('0a'),
    index: gitBytes(t, ['ls-files', '--stage', '-z']).toString('hex'),
    files: files(t.dir),
  };
}

/** On rel/bad\xff (a neighbour rel/bad\xfe beside it), with a staged and an unstaged change. */
function onBadBranch(t: TestRepo): void {
  commitFiles(t, { 'a.txt': 'a\n' });
  bash(t, "git branch $'rel/bad\\xfe' && git switch -q -c $'rel/bad\\xff'");
  commitFiles(t, { 'a.txt': 'on the branch\n' }, 'on the branch');
  writeFiles(t, { 'staged.txt': 'staged\n' });
  t.git(['add', 'staged.txt']);
  writeFiles(t, { 'a.txt': 'unstaged\n' });
  expect(fs.readFileSync(path.join(t.dir, '.git', 'HEAD'), 'latin1')).toBe('ref: refs/heads/rel/bad\xff\n');
}

/** What the agent does: back to main (the changes go), and the branch deleted. */
const AGENT = "git stash -q && git switch -q main && git branch -D $'rel/bad\\xff' && git stash drop -q";

describe('HEAD on a branch whose name is not UTF-8', () => {
  it('guard rollback points HEAD at the branch by its bytes after an agent switched away and deleted it, and --undo goes back', async () => {
    await withTestRepo((t) => {
      onBadBranch(t);
      const before = state(t);
      const id = snapshotId(t);
      const hook = preToolHook(t, { tool: 'Bash', command: AGENT });
      expect(hook.decision, hook.reason).not.toBe('deny');
      bash(t, AGENT);
      const after = state(t);
      expect(after.head).toBe(Buffer.from('ref: refs/heads/main\n').toString('hex'));

      const out = rollbackOk(t, id);
      expect(out).not.toContain('\ufffd');
      expect(state(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.git', 'HEAD'), 'latin1')).toBe('ref: refs/heads/rel/bad\xff\n');

      undoOk(t);
      expect(state(t)).toEqual(after);
    });
  });

  it('guard recover --into rebuilds the repository with HEAD on the branch by its bytes', async () => {
    await withTestRepo(async (t) => {
      onBadBranch(t);
      const before = state(t);
      json(t, ['snapshot']);
      expect(json(t, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(t);
      bash(t, AGENT);
      fs.rmSync(t.dir, { recursive: true, force: true });

      const r = t.guard(['recover', '--into', 'repo', '--yes'], { cwd: t.base });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).not.toContain('\ufffd');
      expect(state(t)).toEqual(before);
    });
  });
});
