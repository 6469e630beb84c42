/**
 * Protected files whose names are bytes that are not UTF-8, hold a newline, or a backslash and a
 * quote (db/migrate/**), deleted while a session runs: the watcher puts each back byte for byte
 * under its own name (watcher/protected-restore.ts), and a rollback after the agent deleted them
 * with the watcher stopped does too. Real git, the real watcher daemon; names and contents
 * compared as bytes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fastWatchConfig, waitFor, waitForWatcher } from '../watcher/helpers.js';

const NAMES: Buffer[] = [
  Buffer.concat([Buffer.from('001_k'), Buffer.from([0xff]), Buffer.from('_x.rb')]),
  Buffer.from('002_a\nb.rb'),
  Buffer.from('003_a\\b"q.rb'),
];
const content = (i: number): Buffer => Buffer.concat([Buffer.from(`migration ${i} `), Buffer.from([0xfe, 0x0d, 0x0a])]);

function migrateDir(t: TestRepo): Buffer {
  return Buffer.from(path.join(t.dir, 'db', 'migrate'));
}
const file = (t: TestRepo, name: Buffer): Buffer => Buffer.concat([migrateDir(t), Buffer.from('/'), name]);
const listed = (t: TestRepo): Buffer[] => (fs.readdirSync(migrateDir(t), { encoding: 'buffer' }) as Buffer[]).sort(Buffer.compare);

function setUp(t: TestRepo): void {
  t.write('.guard.yaml', fastWatchConfig());
  fs.mkdirSync(path.join(t.dir, 'db', 'migrate'), { recursive: true });
  NAMES.forEach((name, i) => fs.writeFileSync(file(t, name), content(i)));
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'migrations']);
}

function expectAllBack(t: TestRepo): void {
  expect(listed(t)).toEqual([...NAMES].sort(Buffer.compare));
  NAMES.forEach((name, i) => expect(fs.readFileSync(file(t, name))).toEqual(content(i)));
}

describe('protected files with names that are not plain text', () => {
  it('come back byte for byte through the watcher and through a rollback', () =>
    withTestRepo(async (t) => {
      setUp(t);
      const started = t.guard(['session', 'start', '--agent', 'test', '--json']);
      expect(started.code, started.stderr).toBe(0);
      await waitForWatcher(t);
      for (const name of NAMES) fs.rmSync(file(t, name));
      await waitFor('the watcher to put the three files back', () => listed(t).length === NAMES.length && NAMES.every((n) => fs.existsSync(file(t, n))), 60_000, 50);
      // Written through a temp file and a rename: read once the names are all there.
      await waitFor('their contents', () => NAMES.every((n, i) => fs.readFileSync(file(t, n)).equals(content(i))), 30_000, 50);
      expectAllBack(t);

      // With the watcher stopped, the deletion stays until a rollback.
      expect(t.guard(['watch', 'stop']).code).toBe(0);
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;
      for (const name of NAMES) fs.rmSync(file(t, name));
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expectAllBack(t);
    }));
});
