/**
 * The watcher's restore of deleted protected files (src/watcher/protected-restore.ts): an agent's
 * `rm -rf migrations/` of many protected files must cost the watcher (almost) as many git
 * processes as the deletion of a few. Before, each restored file started its own `cat-file
 * --batch --filters` (its content as git's checkout writes it) and its own `ls-tree` (the
 * snapshot's index entry): 160 processes for 80 files. Counted with git's trace2 (git-trace.ts):
 * the watcher daemon is started by the session start with the trace file in its environment, so
 * every git process it starts is counted. The watcher's own snapshots are held off (debounce of
 * ten minutes): what is counted is the restore.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, shownCount, traceEnv, type GitProcessCount } from '../../helpers/git-trace.js';
import { json, waitFor, waitForWatcher } from '../watcher/helpers.js';

const FEW = 4;
const MANY = 80;
/** A process a loaded machine may add: a retried read after a git command raced the write ('moved'), a pipe restarted. */
const SLACK = 4;

const bases: string[] = [];
afterEach(() => {
  for (const base of bases.splice(0)) stopWatchers(base);
});

const file = (dir: string, i: number): string => `migrations/${dir}/${String(i).padStart(3, '0')}_step.sql`;
const content = (dir: string, i: number): string => `-- ${dir} ${i}\nCREATE TABLE t${i} (id int);\n`;

function restores(repo: TestRepo): any[] {
  return json(repo, ['log', '--type', 'protected-restore', '--limit', '0']).events;
}

/** Deletes migrations/<dir> (or its files, keeping the directory) with a plain rm and waits until all `count` files are back and journaled; the processes the watcher started meanwhile. */
async function deleteAndCount(repo: TestRepo, trace: string, dir: string, count: number, keepDir = false): Promise<GitProcessCount> {
  const before = countGitProcesses(trace).total;
  const journaled = restores(repo).length;
  if (keepDir) for (let i = 0; i < count; i++) fs.rmSync(path.join(repo.dir, file(dir, i)));
  else fs.rmSync(path.join(repo.dir, 'migrations', dir), { recursive: true });
  await waitFor(`the ${count} files of migrations/${dir} to come back and be journaled`, () => restores(repo).length >= journaled + count || undefined, 60_000, 100);
  for (let i = 0; i < count; i++) expect(repo.read(file(dir, i))).toBe(content(dir, i));
  const after = countGitProcesses(trace);
  return { total: after.total - before, byCommand: tally(after.argv.slice(before)), argv: after.argv.slice(before) };
}

function tally(argv: string[][]): Array<[string, number]> {
  const by = new Map<string, number>();
  for (const a of argv) {
    const name = a.slice(1).find((x) => !x.startsWith('-')) ?? 'git';
    by.set(name, (by.get(name) ?? 0) + 1);
  }
  return [...by.entries()].sort((a, b) => b[1] - a[1]);
}

describe('the watcher restore of many deleted protected files', () => {
  it(`starts as many git processes for ${MANY} files as for ${FEW}, and writes every one back`, () =>
    withTestRepo(async (repo) => {
      bases.push(repo.base);
      // Snapshots held off while the test runs; the session start's snapshot is the source.
      repo.write('.guard.yaml', 'version: 1\nprotect:\n  paths: ["migrations/**"]\nwatch:\n  debounceMs: 600000\n  maxIntervalMs: 600000\n');
      repo.write('src/app.js', 'console.log(1);\n');
      for (const [dir, count] of [['warm', 1], ['few', FEW], ['many', MANY], ['kept', FEW]] as const) for (let i = 0; i < count; i++) repo.write(file(dir, i), content(dir, i));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const trace = path.join(repo.base, 'watcher-trace.json');
      const started = repo.guard(['session', 'start', '--agent', 'test', '--json'], { env: traceEnv(trace) });
      expect(started.code, started.stderr).toBe(0);
      await waitForWatcher(repo);

      // The first restore starts what the watcher keeps (its object pipes): not counted.
      await deleteAndCount(repo, trace, 'warm', 1);
      const few = await deleteAndCount(repo, trace, 'few', FEW);
      const many = await deleteAndCount(repo, trace, 'many', MANY);
      console.log(`watcher restore: ${FEW} files: ${shownCount(few)}; ${MANY} files: ${shownCount(many)}`);
      expect(many.total, `${FEW} files: ${shownCount(few)}\n${MANY} files: ${shownCount(many)}\n${many.argv.map((a) => a.join(' ')).join('\n')}`).toBeLessThanOrEqual(few.total + SLACK);
      // The restore's own temp files (`.<name>.guard-restore-<pid>`, protected by the same glob) are
      // not deletions to look at: before, their events started another look (rev-parse, log and an
      // ls-tree naming each of them) after every restore. Seen where the directory stayed (its
      // watch is in place when the temp files come and go).
      const kept = await deleteAndCount(repo, trace, 'kept', FEW, true);
      // Their look would come after the settle delay: one more deletion's restore waits for it.
      const last = await deleteAndCount(repo, trace, 'warm', 1);
      expect([...few.argv, ...many.argv, ...kept.argv, ...last.argv].filter((a) => a.some((x) => x.includes('.guard-restore-'))).map((a) => a.join(' '))).toEqual([]);
      // No command line grows with the files either (their directory is named, not each of them).
      const widest = (count: GitProcessCount): number => Math.max(...count.argv.map((a) => a.length));
      expect(widest(many), many.argv.map((a) => a.join(' ')).join('\n')).toBeLessThanOrEqual(widest(few));
      expect(repo.git(['status', '--porcelain'])).toBe('');
      expect(repo.guard(['watch', 'stop']).code).toBe(0);
    }));
});
