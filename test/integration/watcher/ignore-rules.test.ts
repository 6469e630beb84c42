/**
 * The watcher keeps up when ignore rules change, and with names that are not UTF-8 (issue 11):
 * its latest snapshot equals what a full walk records. A seeded series of random operations
 * (files and directories with odd names, .gitignore and info/exclude edits) is the property test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { randomStream } from '../../helpers/seeded-random.js';
import { fastWatchConfig, json, latestTree, waitForWatcher, waitForWatcherToMatchFullWalk } from './helpers.js';

function base(repo: TestRepo): void {
  repo.write('.guard.yaml', fastWatchConfig());
  repo.write('.gitignore', 'build/\n*.tmp\n');
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
}

/** Bytes of a path inside the repository (names that are not UTF-8 need a Buffer). */
function bytesPath(repo: TestRepo, rel: Buffer | string): Buffer {
  return Buffer.concat([Buffer.from(`${repo.dir}/`), typeof rel === 'string' ? Buffer.from(rel) : rel]);
}

describe('the watcher and ignore rules', () => {
  it('un-ignoring build/ in .gitignore brings build/notes.txt into the next watcher snapshot', () =>
    withTestRepo(async (repo) => {
      base(repo);
      repo.write('build/notes.txt', 'notes kept in build\n');
      json(repo, ['session', 'start', '--agent', 'test']);
      await waitForWatcher(repo);
      repo.write('.gitignore', '*.tmp\n');
      const tree = await waitForWatcherToMatchFullWalk(repo, 'build/notes.txt in a watcher snapshot');
      expect(repo.git(['ls-tree', '-r', '--name-only', tree])).toContain('build/notes.txt');
      // build/ is watched now: a later edit there is recorded by events.
      repo.write('build/more.txt', 'more\n');
      await waitForWatcherToMatchFullWalk(repo, 'build/more.txt in a watcher snapshot');
    }));

  it('follows .git/info/exclude and core.excludesFile', () =>
    withTestRepo(async (repo) => {
      base(repo);
      const excludes = path.join(repo.home, 'global-ignore');
      fs.writeFileSync(excludes, 'secret/\n');
      repo.git(['config', 'core.excludesFile', excludes]);
      repo.write('secret/key.txt', 'not ignored any more soon\n');
      repo.write('docs/guide.md', 'guide\n');
      json(repo, ['session', 'start', '--agent', 'test']);
      await waitForWatcher(repo);
      repo.write('.git/info/exclude', 'docs/\n');
      let tree = await waitForWatcherToMatchFullWalk(repo, 'docs/ excluded by info/exclude');
      expect(repo.git(['ls-tree', '-r', '--name-only', tree])).not.toContain('docs/guide.md');
      fs.writeFileSync(excludes, '# nothing ignored here now\n');
      tree = await waitForWatcherToMatchFullWalk(repo, 'secret/ no longer ignored by core.excludesFile');
      expect(repo.git(['ls-tree', '-r', '--name-only', tree])).toContain('secret/key.txt');
    }));

  it('captures a file whose name is not UTF-8', () =>
    withTestRepo(async (repo) => {
      base(repo);
      json(repo, ['session', 'start', '--agent', 'test']);
      await waitForWatcher(repo);
      fs.writeFileSync(bytesPath(repo, Buffer.from('src/bad\xff name.txt', 'latin1')), 'bytes, not text\n');
      const tree = await waitForWatcherToMatchFullWalk(repo, 'the non-UTF-8 file in a watcher snapshot');
      const names = repo.gitResult(['ls-tree', '-r', '-z', '--name-only', tree]);
      const listed = names.stdout.split('\0').filter(Boolean);
      expect(listed).toHaveLength(5); // .gitignore .guard.yaml README.md src/app.js + the new one
      expect(listed.some((name) => name.startsWith('src/bad'))).toBe(true);
    }));

  it('property: after a seeded random series of operations the watcher\'s latest snapshot equals a full walk', () =>
    withTestRepo(async (repo) => {
      base(repo);
      json(repo, ['session', 'start', '--agent', 'test']);
      await waitForWatcher(repo);
      for (const seed of [11, 4242]) {
        const log = await randomOperations(repo, seed, 30);
        try {
          await waitForWatcherToMatchFullWalk(repo, `the watcher to catch up after seed ${seed}`);
        } catch (error) {
          throw new Error(`${(error as Error).message}\noperations (seed ${seed}):\n${log.join('\n')}`);
        }
      }
      // And `guard snapshot` (a full walk by guard itself) records the same tree.
      const manual = json(repo, ['snapshot']);
      expect(repo.git(['rev-parse', `${manual.oid}^{tree}`]).trim()).toBe(latestTree(repo));
    }));
});

/** A seeded number stream (test/helpers/seeded-random.ts), so a failure can be replayed. */
const prng = randomStream;

const DIRS = ['', 'src', 'src/deep', 'build', 'build/out', 'docs', 'sp ace'];
const NAMES: Array<string | Buffer> = ['a.txt', 'b c.txt', '"quoted.txt', 'x.tmp', 'caf\u00e9.md', Buffer.from('bad\xff.txt', 'latin1'), Buffer.from('lat\xe9n1.txt', 'latin1'), 'notes.txt'];
const GITIGNORES = ['build/\n*.tmp\n', '*.tmp\n', 'build/\n', 'build/out/\n*.tmp\n'];
const EXCLUDES = ['', 'docs/\n', 'sp ace/\n*.md\n'];

async function randomOperations(repo: TestRepo, seed: number, steps: number): Promise<string[]> {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const log: string[] = [];
  const fileIn = (dir: string, name: string | Buffer): Buffer => bytesPath(repo, Buffer.concat([Buffer.from(dir === '' ? '' : `${dir}/`), typeof name === 'string' ? Buffer.from(name) : name]));
  for (let step = 0; step < steps; step++) {
    const roll = random();
    const dir = pick(DIRS);
    const name = pick(NAMES);
    const shown = `${dir}/${typeof name === 'string' ? name : name.toString('latin1')}`;
    if (roll < 0.45) {
      const file = fileIn(dir, name);
      fs.mkdirSync(path.dirname(file.toString()), { recursive: true });
      fs.writeFileSync(file, `step ${step} seed ${seed} ${random()}\n`);
      log.push(`write ${shown}`);
    } else if (roll < 0.65) {
      fs.rmSync(fileIn(dir, name), { force: true });
      log.push(`rm ${shown}`);
    } else if (roll < 0.75) {
      if (dir !== '') fs.rmSync(path.join(repo.dir, dir), { recursive: true, force: true });
      log.push(`rm -rf ${dir}`);
    } else if (roll < 0.88) {
      const rules = pick(GITIGNORES);
      repo.write('.gitignore', rules);
      log.push(`.gitignore = ${JSON.stringify(rules)}`);
    } else {
      const rules = pick(EXCLUDES);
      repo.write('.git/info/exclude', rules);
      log.push(`info/exclude = ${JSON.stringify(rules)}`);
    }
    // Sometimes let the watcher see a step on its own, sometimes pile several up.
    if (random() < 0.5) await new Promise((resolve) => setTimeout(resolve, Math.floor(random() * 400)));
  }
  return log;
}
