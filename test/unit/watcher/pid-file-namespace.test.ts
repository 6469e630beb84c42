/**
 * The watcher's pid file records `<pid> host=<name>;pidns=<inode>`. A watcher started in another
 * pid namespace (a container sharing the repository) has a pid that names no process here, or
 * another one: its file is not read as a pid here (nothing signals or waits on it) and is not
 * taken over while fresh, so two watchers do not watch one worktree; once an hour unchanged it is.
 * A dead pid recorded in our namespace, or bare by an older guard, is taken over at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repo } from '../../../src/git/repo.js';
import { acquirePidFile, readPid, watcherFiles } from '../../../src/watcher/state-file.js';
import { deadPid, ourPidSpace } from '../../helpers/pid-space.js';

let dir: string;
let repo: Repo;
let pidFile: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-watcher-pid-'));
  // root: where this test process works, so readPid counts it as this worktree's.
  repo = { root: process.cwd(), gitDir: path.join(dir, '.git'), commonDir: path.join(dir, '.git') } as Repo;
  pidFile = watcherFiles(repo).pid;
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});



describe('the watcher pid file across pid namespaces', () => {
  it('records our pid and pid space when taken', () => {
    expect(acquirePidFile(repo)).toBeNull();
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(`${process.pid} ${ourPidSpace()}\n`);
    expect(readPid(repo)).toBe(process.pid);
  });

  it('takes over the file of a dead pid written in our namespace, or bare by an older guard', () => {
    for (const text of [`${deadPid()} ${ourPidSpace()}\n`, `${deadPid()}\n`]) {
      fs.writeFileSync(pidFile, text);
      expect(acquirePidFile(repo)).toBeNull();
      expect(readPid(repo)).toBe(process.pid);
      fs.rmSync(pidFile);
    }
  });

  it('keeps a fresh file written in another pid namespace, with a pid dead here, and takes it over an hour later', () => {
    const pid = deadPid();
    const foreign = `${pid} host=sandbox-7;pidns=1\n`;
    fs.writeFileSync(pidFile, foreign);
    expect(readPid(repo)).toBeNull();
    expect(acquirePidFile(repo)).toBe(pid);
    expect(fs.readFileSync(pidFile, 'utf8')).toBe(foreign);
    const then = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(pidFile, then, then);
    expect(acquirePidFile(repo)).toBeNull();
    expect(readPid(repo)).toBe(process.pid);
  });
});
