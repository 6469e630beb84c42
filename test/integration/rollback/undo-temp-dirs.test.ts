/**
 * `guard undo` merges three versions of a file in `.git/guard/tmp/undo-<pid>.<tag>-*` and removes
 * the directory when done; one left by a killed undo is swept by the next snapshot, so by the next
 * rollback: at once when its pid is dead and its tag is ours, after an hour when it was written
 * elsewhere or by an older guard (no tag), never while its pid runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { deadPid, ourPidSpaceTag } from '../../helpers/pid-space.js';

describe('undo temp directories', () => {
  it('a rollback sweeps the ones a dead undo of this pid namespace left, and keeps the others', async () => {
    await withTestRepo((repo) => {
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const snap = repo.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).oid as string;
      repo.write('a.txt', 'changed\n');

      const tmp = path.join(repo.dir, '.git', 'guard', 'tmp');
      fs.mkdirSync(tmp, { recursive: true });
      const dead = deadPid();
      const gone = `undo-${dead}.${ourPidSpaceTag()}-a1B2c3`;
      const kept = [
        `undo-${dead}.00000000-d4E5f6`, // another pid namespace's undo, maybe running there
        `undo-${dead}-g7H8i9`, // an older guard's, without the tag: judged by its age
        `undo-${process.pid}.${ourPidSpaceTag()}-j1K2l3`, // a live process's
      ].sort();
      for (const name of [gone, ...kept]) {
        fs.mkdirSync(path.join(tmp, name));
        for (const version of ['now', 'after-step', 'before-step']) fs.writeFileSync(path.join(tmp, name, version), 'x\n');
      }

      const rollback = repo.guard(['rollback', id, '--yes']);
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(repo.read('a.txt')).toBe('a\n');
      expect(fs.readdirSync(tmp).filter((name) => name.startsWith('undo-')).sort()).toEqual(kept);
    });
  });
});
