import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { readObjects, writeObjects } from '../../../src/git/batch-objects.js';
import { keepObjectPipes, objectPipesOf } from '../../../src/git/object-pipes.js';
import { fastWatchConfig, waitFor, waitForSnapshot, waitForWatcher } from '../watcher/helpers.js';

/** Running git processes (Linux /proc): pid, parent pid, argv and working directory. */
function gitProcesses(): Array<{ pid: number; ppid: number; argv: string[]; cwd: string }> {
  const out: Array<{ pid: number; ppid: number; argv: string[]; cwd: string }> = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = fs.readFileSync(`/proc/${name}/cmdline`, 'latin1').split('\0').filter(Boolean);
      if (!argv[0] || !/(^|\/)git$/.test(argv[0])) continue;
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'latin1');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      out.push({ pid: Number(name), ppid, argv: argv.slice(1), cwd: fs.readlinkSync(`/proc/${name}/cwd`) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

const onLinux = fs.existsSync('/proc/self/stat');

describe('long-lived object processes (src/git/object-pipes.ts)', () => {
  it.skipIf(!onLinux)('answer as a process per batch does, start again after their process died, and end on close', async () => {
    await withTestRepo(async (repo) => {
      repo.write('a.txt', 'a\n');
      repo.write('dir/b.bin', Buffer.from([0, 1, 2, 10, 255]));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const names = ['HEAD^{tree}', 'HEAD:dir', 'HEAD:dir/b.bin', 'HEAD:a.txt', 'HEAD:missing', '0000000000000000000000000000000000000000'];
      const tree = Buffer.concat([Buffer.from('100644 x\0'), Buffer.from(repo.git(['rev-parse', 'HEAD:a.txt']).trim(), 'hex')]);
      const oneShot = { read: await readObjects(r, names), tree: await writeObjects(r, 'tree', [tree]) };
      expect(objectPipesOf(r)).toBeUndefined();
      const mine = (): Array<{ pid: number; argv: string[] }> => gitProcesses().filter((p) => p.ppid === process.pid);

      const kept = keepObjectPipes(r);
      expect(await readObjects(r, names)).toEqual(oneShot.read);
      expect(await writeObjects(r, 'tree', [tree])).toEqual(oneShot.tree);
      const catFile = mine().find((p) => p.argv[0] === 'cat-file');
      expect(catFile, 'a cat-file --batch kept running').toBeDefined();
      // A second request goes to the same process.
      expect(await readObjects(r, names.slice(0, 2))).toEqual(oneShot.read.slice(0, 2));
      expect(mine().filter((p) => p.argv[0] === 'cat-file').map((p) => p.pid)).toEqual([catFile!.pid]);

      // Objects written and packed (and their loose files pruned) while it runs are found.
      const later = repo.git(['hash-object', '-w', '--stdin'], { input: 'written later\n' }).trim();
      expect((await readObjects(r, [later]))[0]?.content.toString()).toBe('written later\n');
      repo.git(['tag', 'later', later]); // reachable: packed by gc, not pruned
      repo.git(['gc', '-q', '--prune=now']);
      expect(fs.readdirSync(`${repo.dir}/.git/objects`).filter((d) => /^[0-9a-f]{2}$/.test(d))).toEqual([]);
      const [packed, ...again] = await readObjects(r, [later, ...names]);
      expect(packed?.content.toString()).toBe('written later\n');
      expect(again).toEqual(oneShot.read);
      expect(mine().filter((p) => p.argv[0] === 'cat-file').map((p) => p.pid)).toEqual([catFile!.pid]);

      // Killed: the next request starts another and is answered alike.
      process.kill(catFile!.pid, 'SIGKILL');
      await waitFor('the killed cat-file to be gone', () => !mine().some((p) => p.pid === catFile!.pid), 30_000, 20);
      expect(await readObjects(r, names)).toEqual(oneShot.read);
      expect(mine().find((p) => p.argv[0] === 'cat-file')?.pid).not.toBe(catFile!.pid);
      // A tree git refuses ends that conversation; the next one is answered by a new process.
      await expect(writeObjects(r, 'tree', [Buffer.from('100644 truncated\0abc')])).rejects.toThrow();
      expect(await writeObjects(r, 'tree', [tree])).toEqual(oneShot.tree);

      await kept.close();
      expect(objectPipesOf(r)).toBeUndefined();
      await waitFor('no git process of ours to run', () => mine().length === 0, 30_000, 20);
      // Afterwards a process per batch again.
      expect(await readObjects(r, names)).toEqual(oneShot.read);
    });
  });

  it.skipIf(!onLinux)('are kept by the watcher daemon while it runs and end when it stops', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      expect(repo.guard(['watch']).code).toBe(0);
      const status = await waitForWatcher(repo);
      repo.write('dir/new.txt', 'new\n');
      await waitForSnapshot(repo, 'the watcher to record dir/new.txt', (_, files) => files.includes('dir/new.txt'));
      const inRepo = (): Array<{ pid: number; ppid: number; argv: string[] }> => gitProcesses().filter((p) => p.cwd === repo.dir && (p.argv[0] === 'cat-file' || p.argv[0] === 'hash-object'));
      expect(inRepo().some((p) => p.ppid === status.pid && p.argv[0] === 'cat-file')).toBe(true);
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
      await waitFor('no cat-file or hash-object left running in the repository', () => inRepo().length === 0, 30_000, 50);
    }));
});
