import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { withTestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { readObjects, writeObjects } from '../../../src/git/batch-objects.js';
import { keepObjectPipes, objectPipesOf } from '../../../src/git/object-pipes.js';
import { commitTree, gitDate } from '../../../src/git/objects.js';
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
  it.each(['sha1', 'sha256'])('write the commits commit-tree writes, byte for byte (every snapshot writes its commits through them), %s', async (format) => {
    await withTestRepo(async (repo) => {
      const dir = path.join(repo.base, format);
      repo.git(['init', '-q', `--object-format=${format}`, '-b', 'main', dir]);
      fs.writeFileSync(path.join(dir, 'a.txt'), 'a\n');
      repo.git(['add', '-A'], { cwd: dir });
      repo.git(['commit', '-q', '-m', 'base'], { cwd: dir });
      // The whole hermetic environment, fixed dates included: cases without dates of their own take
      // this process's, and a second that ticks between the two runs must not change the bytes.
      Object.assign(process.env, repo.env);
      const r = await openRepo(dir);
      const tree = repo.git(['rev-parse', 'HEAD^{tree}'], { cwd: dir }).trim();
      const head = repo.git(['rev-parse', 'HEAD'], { cwd: dir }).trim();
      expect(head).toHaveLength(format === 'sha256' ? 64 : 40);
      const long = `${JSON.stringify({ refs: Array.from({ length: 2000 }, (_, i) => `refs/tags/v${i}`) })}\n`;
      const cases: Array<[string, string[], string, Record<string, string>]> = [
        [tree, [head], 'guard index\n', {}],
        [tree, [], 'git-guard chain root\n', { GIT_AUTHOR_DATE: '1970-01-01T00:00:00Z', GIT_COMMITTER_DATE: '1970-01-01T00:00:00Z' }],
        [tree, [head, head], 'no final newline', {}],
        [tree, [head], long, { GIT_AUTHOR_DATE: '@1767225600 +0530', GIT_COMMITTER_DATE: '1767225601 -0800' }],
        [tree, [head], 'zoned\n', { GIT_AUTHOR_DATE: '2026-05-01T10:20:30+02:00', GIT_COMMITTER_DATE: '2026-05-01T10:20:30-0330' }],
        [tree, [head], 'unicode é ✓\n', {}],
        [`${head}^{tree}`, [head], 'a keeper names its tree so\n', {}],
      ];
      const oneShot = [];
      for (const [t, parents, message, env] of cases) oneShot.push(await commitTree(r, t, parents, message, env));
      const kept = keepObjectPipes(r);
      try {
        const piped = [];
        for (const [t, parents, message, env] of cases) piped.push(await commitTree(r, t, parents, message, env));
        // The fixed dates (test/helpers/env.ts, set above) make both runs write the same bytes.
        expect(piped).toEqual(oneShot);
        for (const oid of piped) expect(repo.git(['cat-file', '-t', oid], { cwd: dir }).trim()).toBe('commit');
      } finally {
        await kept.close();
      }
    });
  });

  it('read the dates git reads from GIT_*_DATE, and leave the rest to git', () => {
    expect(gitDate('2026-01-01T00:00:00Z')).toBe('1767225600 +0000');
    expect(gitDate('2026-01-01T02:00:00+02:00')).toBe('1767225600 +0200');
    expect(gitDate('@1767225600 -0130')).toBe('1767225600 -0130');
    expect(gitDate(undefined, new Date(1767225600_000))).toMatch(/^1767225600 [+-]\d{4}$/);
    for (const other of ['yesterday', '2026-01-01', 'Thu, 01 Jan 2026 00:00:00 +0000', '1767225600']) expect(gitDate(other)).toBeNull();
  });
});
