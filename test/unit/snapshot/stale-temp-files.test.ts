/**
 * removeStaleTempFiles removes what a crashed guard (or an aborted git transaction) left, and
 * never what a live process in another pid namespace (a container sharing the repository) is
 * using: there its pid names no process here. A file named with our pid-space tag and a dead pid
 * goes at once; a foreign or untagged one (an older guard's, the hook's notes) only once it has
 * not changed for an hour.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repo } from '../../../src/git/repo.js';
import { copyUserIndex, removeStaleTempFiles } from '../../../src/snapshot/temp-index.js';

const HOUR = 60 * 60 * 1000;
let dir: string;
let repo: Repo;
let tmp: string;
let guardDir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-stale-'));
  repo = { gitDir: dir, commonDir: dir, indexFile: path.join(dir, 'index') } as Repo;
  guardDir = path.join(dir, 'guard');
  tmp = path.join(guardDir, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Our pid space's tag, computed from /proc here, not by guard. */
function ourTag(): string {
  let ns = 'none';
  try {
    ns = String(fs.statSync('/proc/self/ns/pid').ino);
  } catch {
    // no /proc
  }
  return createHash('sha256').update(`host=${encodeURIComponent(os.hostname())};pidns=${ns}`).digest('hex').slice(0, 8);
}

function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

const listing = (d: string): string[] => fs.readdirSync(d).sort();

describe('removeStaleTempFiles', () => {
  it('names a private index with our pid and pid-space tag', async () => {
    const index = await copyUserIndex(repo);
    expect(path.basename(index.file)).toMatch(new RegExp(`^index-${process.pid}\\.${ourTag()}-[0-9a-f]{12}$`));
    await index.dispose();
  });

  it('removes at once the files of a dead pid written in our pid namespace', async () => {
    const pid = deadPid();
    fs.writeFileSync(path.join(tmp, `index-${pid}.${ourTag()}-0123456789ab`), 'index');
    fs.writeFileSync(path.join(tmp, `index-${pid}.${ourTag()}-0123456789ab.lock`), 'lock');
    fs.mkdirSync(path.join(tmp, `objects-${pid}.${ourTag()}-0123456789ab`));
    // The three versions a killed `guard undo` was merging.
    fs.mkdirSync(path.join(tmp, `undo-${pid}.${ourTag()}-a1B2c3`));
    fs.writeFileSync(path.join(tmp, `undo-${pid}.${ourTag()}-a1B2c3`, 'now'), 'x');
    await removeStaleTempFiles(repo);
    expect(listing(tmp)).toEqual([]);
  });

  it('keeps fresh files of a pid dead here written elsewhere or by an older guard, and removes them an hour later', async () => {
    const pid = deadPid();
    const kept = [
      `index-${pid}.00000000-0123456789ab`, // another pid namespace's guard
      `index-${pid}-0123456789ab`, // a guard before the tag
      `objects-${pid}.ffffffff-0123456789ab`,
      `undo-${pid}-a1B2c3`, // a guard before undo's tag
    ].sort();
    for (const name of kept) fs.writeFileSync(path.join(tmp, name), 'x');
    fs.writeFileSync(path.join(guardDir, `deleting.${pid}`), 'oid refs/heads/x\n');
    await removeStaleTempFiles(repo);
    expect(listing(tmp)).toEqual(kept);
    expect(listing(guardDir)).toContain(`deleting.${pid}`);
    await removeStaleTempFiles(repo, Date.now() + 2 * HOUR);
    expect(listing(tmp)).toEqual([]);
    expect(listing(guardDir)).not.toContain(`deleting.${pid}`);
  });

  it('judges a private index by its change time, not its mtime (a copy keeps the user index mtime)', async () => {
    const pid = deadPid();
    const name = `index-${pid}.00000000-0123456789ab`;
    const old = new Date(Date.now() - 2 * HOUR);
    fs.writeFileSync(path.join(tmp, name), 'x');
    fs.utimesSync(path.join(tmp, name), old, old);
    await removeStaleTempFiles(repo);
    expect(listing(tmp)).toEqual([name]);
  });

  it("removes guard's temp names beside git's operation state (a write-back killed midway), and nothing else there", async () => {
    const pid = deadPid();
    const live = process.ppid;
    // The git dir (here `dir`) holds git's own files and the person's too.
    const gits = ['rebase-merge', 'MERGE_MSG', 'ORIG_HEAD', '.rebase-merge.guard-new-x', `.rebase-merge.guard-${pid}`, `.MERGE_MSG.swp`, `rebase-apply.guard-new-${pid}.${ourTag()}`];
    for (const name of gits) fs.writeFileSync(path.join(dir, name), 'x');
    const ours = [`.rebase-merge.guard-new-${pid}.${ourTag()}`, `.rebase-apply.guard-old-${pid}.${ourTag()}`, `.sequencer.guard-new-${pid}.${ourTag()}`];
    for (const name of ours) {
      fs.mkdirSync(path.join(dir, name));
      fs.writeFileSync(path.join(dir, name, 'git-rebase-todo'), 'pick 0123456 x\n');
    }
    fs.writeFileSync(path.join(dir, `.MERGE_MSG.guard-${pid}.${ourTag()}`), 'msg');
    fs.writeFileSync(path.join(dir, `.ORIG_HEAD.guard-${pid}.${ourTag()}`), 'oid');
    // A live guard's, another pid namespace's and an older (untagged) guard's wait.
    const waiting = [`.rebase-merge.guard-new-${live}.${ourTag()}`, `.rebase-merge.guard-new-${pid}.00000000`, `.rebase-merge.guard-new-${pid}`, `.MERGE_MSG.guard-${pid}`];
    for (const name of waiting) fs.mkdirSync(path.join(dir, name));
    await removeStaleTempFiles(repo);
    expect(listing(dir)).toEqual(['guard', ...gits, ...waiting].sort());
    // An hour later the dead pids' go too, whoever wrote them; the live one's stays.
    await removeStaleTempFiles(repo, Date.now() + 2 * HOUR);
    expect(listing(dir).filter((name) => name.includes('.guard-') && !gits.includes(name))).toEqual([`.rebase-merge.guard-new-${live}.${ourTag()}`]);
  });

  it('keeps the files of a live pid however old', async () => {
    const live = process.ppid;
    const name = `index-${live}.${ourTag()}-0123456789ab`;
    fs.writeFileSync(path.join(tmp, name), 'x');
    fs.writeFileSync(path.join(guardDir, `deleting.${live}`), 'x');
    await removeStaleTempFiles(repo, Date.now() + 2 * HOUR);
    expect(listing(tmp)).toEqual([name]);
    expect(listing(guardDir)).toContain(`deleting.${live}`);
  });
});
