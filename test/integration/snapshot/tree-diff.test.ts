/**
 * A snapshot's `changes` are counted from its tree and the previous snapshot's, read through the
 * snapshot's running `cat-file` (src/snapshot/tree-diff.ts) instead of a `git diff-tree` process
 * after the tree is written. What it lists must be what diff-tree lists: the same files with the
 * same A/D/M status (git's T, a kind changed, counts as modified), over random pairs of trees
 * with files that become directories and back, links, executable bits, submodule entries, names
 * with spaces and bytes that are not UTF-8, in sha1 and sha256 repositories. Fixed seeds.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { openRepo } from '../../../src/git/repo.js';
import { treeChanges, MAX_TREES } from '../../../src/snapshot/tree-diff.js';
import { runGit } from '../../../src/git/run.js';

/** mulberry32: a small deterministic generator. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMES = ['a', 'b', 'x y', 'caf\xc3\xa9', 'bad\xff', 'z.txt', 'a.b', 'a-b'];
const MODES = ['100644', '100644', '100644', '100755', '120000', '160000'];

type Entries = Map<string, { mode: string; oid: string }>;

/** Sets `p` (latin1 bytes) to `entry`, removing what is in its way (a file where a directory must be, or the reverse). */
function put(entries: Entries, p: string, entry: { mode: string; oid: string }): void {
  const parts = p.split('/');
  for (let i = 1; i < parts.length; i++) entries.delete(parts.slice(0, i).join('/'));
  for (const key of [...entries.keys()]) if (key.startsWith(`${p}/`)) entries.delete(key);
  entries.set(p, entry);
}

async function writeTree(repo: TestRepo, root: string, entries: Entries): Promise<string> {
  const index = path.join(repo.base, `index-${Math.random().toString(36).slice(2)}`);
  const input = Buffer.from([...entries].map(([p, e]) => `${e.mode} ${e.oid}\t${p}\0`).join(''), 'latin1');
  await runGit(['update-index', '-z', '--index-info'], { cwd: root, env: { GIT_INDEX_FILE: index }, input });
  return (await runGit(['write-tree'], { cwd: root, env: { GIT_INDEX_FILE: index } })).stdout.toString('utf8').trim();
}

/** "<status> <path>" lines of a name-status listing, T as M, sorted. */
function listing(nameStatus: string): string[] {
  const parts = nameStatus.split('\0');
  const out: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) out.push(`${parts[i] === 'T' ? 'M' : parts[i]} ${parts[i + 1]}`);
  return out.sort();
}

async function compare(repo: TestRepo, format: 'sha1' | 'sha256', seed: number): Promise<number> {
  const root = path.join(repo.base, `${format}-${seed}`);
  repo.git(['init', '-q', `--object-format=${format}`, root]);
  const r = await openRepo(root);
  const rand = random(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const blobs: string[] = [];
  for (let i = 0; i < 6; i++) blobs.push((await runGit(['hash-object', '-w', '--stdin'], { cwd: root, input: `blob ${seed} ${i}\n` })).stdout.toString('utf8').trim());
  const commitLike = (await runGit(['hash-object', '-t', 'commit', '--stdin', '-w'], { cwd: root, input: 'tree ' + (await writeTree(repo, root, new Map())) + '\nauthor a <a> 0 +0000\ncommitter a <a> 0 +0000\n\nsub\n' })).stdout.toString('utf8').trim();
  const randomPath = (): string => Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(NAMES)).join('/');
  const entry = (): { mode: string; oid: string } => {
    const mode = pick(MODES);
    return { mode, oid: mode === '160000' ? commitLike : pick(blobs) };
  };
  let listed = 0;
  let left: Entries = new Map();
  for (let i = 0; i < 25; i++) put(left, randomPath(), entry());
  for (let round = 0; round < 12; round++) {
    const right: Entries = new Map(left);
    const changes = 1 + Math.floor(rand() * 8);
    for (let c = 0; c < changes; c++) {
      const keys = [...right.keys()];
      const what = rand();
      if (what < 0.3 && keys.length > 0) right.delete(pick(keys));
      else if (what < 0.5 && keys.length > 0) {
        // A directory removed whole, or a file where a directory was (or the reverse).
        const victim = pick(keys);
        const dir = victim.includes('/') ? victim.slice(0, victim.lastIndexOf('/')) : victim;
        put(right, dir, entry());
      } else if (what < 0.7 && keys.length > 0) put(right, pick(keys), entry());
      else put(right, randomPath(), entry());
    }
    const [from, to] = [await writeTree(repo, root, left), await writeTree(repo, root, right)];
    const git = (await runGit(['diff-tree', '-r', '-z', '--no-renames', '--name-status', from, to], { cwd: root })).stdout.toString('latin1');
    const ours = await treeChanges(r, from, to);
    expect(ours, `seed ${seed} round ${round}`).not.toBeNull();
    expect(listing(ours!), `seed ${seed} round ${round}: ${from} -> ${to}`).toEqual(listing(git));
    listed += listing(git).length;
    left = right;
  }
  return listed;
}

describe("a snapshot's changes, read through cat-file (tree-diff.ts)", () => {
  it.each([
    ['sha1', 1],
    ['sha1', 2],
    ['sha1', 3],
    ['sha256', 4],
    ['sha256', 5],
  ] as const)('list what git diff-tree lists (%s, seed %i)', async (format, seed) => {
    await withTestRepo(async (repo) => {
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      // Something was compared: the rounds are not all empty.
      expect(await compare(repo, format, seed)).toBeGreaterThan(10);
    });
  });

  it('leave a diff over many trees to git (null)', async () => {
    await withTestRepo(async (repo) => {
      Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: repo.home });
      const r = await openRepo(repo.dir);
      const blob = repo.git(['hash-object', '-w', '--stdin'], { input: 'x\n' }).trim();
      const many: Entries = new Map();
      // Each directory its own tree (same contents would be one tree, read once).
      for (let i = 0; i <= MAX_TREES; i++) many.set(`d${i}/f${i}`, { mode: '100644', oid: blob });
      const none = await writeTree(repo, repo.dir, new Map([['f', { mode: '100644', oid: blob }]]));
      expect(await treeChanges(r, none, await writeTree(repo, repo.dir, many))).toBeNull();
      expect(listing((await treeChanges(r, none, none))!)).toEqual([]);
    });
  });
});
