/**
 * `guard rollback` with no id and no session takes the newest snapshot that differs from now. With
 * a watcher running during an incident that is a snapshot taken in the middle of it: the files
 * removed before it are not in it. The plan names the snapshots before it that removed files too,
 * and the one before them all, with the command that goes back there; and that command does.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { guardOk, snapshotId } from '../../helpers/guard-steps.js';
import { fastWatchConfig, waitForSnapshot, waitForWatcher } from '../watcher/helpers.js';

describe('rollback names earlier snapshots when the one it picks is mid-incident', () => {
  it('with the watcher snapshotting while files go one after another: the plan points at the state before, and going there brings every file back', () =>
    withTestRepo(async (t) => {
      t.write('.guard.yaml', fastWatchConfig());
      t.write('README.md', '# app\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      for (const name of ['notes/a.md', 'notes/b.md', 'notes/c.md']) t.write(name, `work in ${name}\n`);
      const before = snapshotId(t);
      guardOk(t, ['watch']);
      await waitForWatcher(t);
      // An agent without hooks removes the notes one by one; the watcher snapshots in between.
      t.remove('notes/a.md');
      await waitForSnapshot(t, 'the watcher to record a.md gone', (s, files) => s.trigger === 'watch' && !files.includes('notes/a.md') && files.includes('notes/b.md'));
      t.remove('notes/b.md');
      await waitForSnapshot(t, 'the watcher to record b.md gone', (s, files) => s.trigger === 'watch' && !files.includes('notes/b.md') && files.includes('notes/c.md'));
      guardOk(t, ['watch', 'stop']);
      t.remove('notes/c.md');

      const dry = guardOk(t, ['rollback', '--dry-run']);
      // The default target has only c.md back; the plan says so and names the state before.
      expect(dry.stdout).toContain('create: 1 file\n    notes/c.md');
      expect(dry.stdout).toContain('it already has 1 file removed against the snapshot before it. If the damage began earlier, go back further:');
      expect(dry.stdout).toMatch(/\(removed or changed files too\)/);
      expect(dry.stdout).toContain(`${before}  `);
      expect(dry.stdout).toContain(`with: guard rollback ${before} `);
      const asJson = JSON.parse(guardOk(t, ['rollback', '--dry-run', '--json']).stdout);
      expect(asJson.earlier.before.id).toBe(before);
      expect(asJson.earlier.run.length).toBe(2);
      expect(asJson.earlier.run.every((s: { trigger: string; changes: { deleted: number } }) => s.trigger === 'watch' && s.changes.deleted === 1)).toBe(true);

      // Without a terminal the refusal carries the same, for a script or an agent to read.
      const refused = t.guard(['rollback', '--json']);
      expect(refused.code).toBe(3); // refused: nothing was changed
      expect(JSON.parse(refused.stdout).error.details.earlier.before.id).toBe(before);

      // The advice holds: every note comes back.
      guardOk(t, ['rollback', before, '--yes']);
      for (const name of ['notes/a.md', 'notes/b.md', 'notes/c.md']) expect(fs.readFileSync(path.join(t.dir, name), 'utf8')).toBe(`work in ${name}\n`);
    }));

  it('says nothing more when the target removed nothing, or when a session start is the target', () =>
    withTestRepo((t) => {
      t.write('README.md', '# app\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('a.txt', 'a\n');
      snapshotId(t);
      t.remove('a.txt');
      const plain = guardOk(t, ['rollback', '--dry-run']);
      expect(plain.stdout).toContain('a.txt');
      expect(plain.stdout).not.toContain('go back further');
      expect(JSON.parse(guardOk(t, ['rollback', '--dry-run', '--json']).stdout).earlier).toBeNull();

      // In a session the target is the session's start, chosen on purpose: no hint.
      t.write('b.txt', 'b\n');
      snapshotId(t);
      t.remove('b.txt');
      snapshotId(t);
      guardOk(t, ['session', 'start', '--agent', 'test']);
      t.write('README.md', 'changed\n');
      const inSession = guardOk(t, ['rollback', '--dry-run']);
      expect(inSession.stdout).toContain('README.md');
      expect(inSession.stdout).not.toContain('go back further');
      expect(JSON.parse(guardOk(t, ['rollback', '--dry-run', '--json']).stdout).earlier).toBeUndefined();
    }));
});
