/**
 * A rollback after many `git remote remove`/`set-url` writes the remotes back in one write of the
 * config file (restore/remote-config.ts restoreAtOnce, issue 8), where it ran one `git config` per
 * key: 31 for 10 removed remotes. Under `config.lock`, read back by git before it replaces the
 * file; the values byte for byte (quotes, backslashes, `#`, spaces, a newline), the rest of the
 * file (comments, other sections) untouched, the undo in one write too. A file with a form the
 * text edit does not read (a header with a key on its line) goes key by key through git, as
 * before, with the same result.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';

const REMOTES = 10;

/** Each remote's keys in order, and every other local key in order (sections may move in the file). */
function configShape(t: TestRepo): { remotes: Record<string, string[]>; rest: string[] } {
  const list = t.gitResult(['config', '--local', '-z', '--list']).stdout.split('\0').filter(Boolean);
  const remotes: Record<string, string[]> = {};
  const rest: string[] = [];
  for (const item of list) {
    const key = item.split('\n')[0]!;
    if (key.startsWith('remote.')) (remotes[key.slice(7, key.lastIndexOf('.'))] ??= []).push(item);
    else rest.push(item);
  }
  return { remotes, rest };
}

function setUp(t: TestRepo): string {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
  for (let r = 0; r < REMOTES; r++) {
    t.git(['remote', 'add', `r${r}`, `https://example.com/r${r} "q" \\b #c ;d.git`]);
    t.git(['remote', 'set-url', '--push', `r${r}`, `  git@example.com:r${r}.git  `]);
  }
  t.git(['config', 'remote.r0.description', 'line one\nline two']);
  t.git(['remote', 'add', 'kept', 'https://example.com/kept.git']);
  // A comment of the person's at the top (one inside a section goes with it, as with git's --remove-section).
  const config = path.join(t.dir, '.git', 'config');
  fs.writeFileSync(config, `# a comment of the person\n[user]\n\tname = Someone\n${fs.readFileSync(config, 'utf8')}`);
  const snap = t.guard(['snapshot', '--json']);
  expect(snap.code, snap.stderr).toBe(0);
  return JSON.parse(snap.stdout).id as string;
}

function rollbackCounted(t: TestRepo, args: string[]): { perKey: string[][]; total: number } {
  const file = path.join(t.base, `trace-${args.join('-').replace(/\W+/g, '-')}-${Date.now()}.json`);
  const r = t.guard(['rollback', ...args, '--yes'], { env: { ...traceEnv(file), GUARD_TEST_NO_AUTO_PUSH: '1' } });
  expect(r.code, r.stderr + r.stdout).toBe(0);
  const count = countGitProcesses(file);
  return { perKey: count.argv.filter((a) => a.includes('config') && (a.includes('--add') || a.includes('--remove-section'))), total: count.total };
}

describe('rollback of many remotes', () => {
  it('writes them back, and the undo removes them again, in one write each, byte for byte', () =>
    withTestRepo((t) => {
      const id = setUp(t);
      const before = configShape(t);
      for (let r = 0; r < REMOTES; r++) t.git(['remote', 'remove', `r${r}`]);
      t.git(['remote', 'set-url', 'kept', 'https://example.com/elsewhere.git']);
      const incident = configShape(t);
      const comment = () => fs.readFileSync(path.join(t.dir, '.git', 'config'), 'utf8').includes('# a comment of the person\n');

      const back = rollbackCounted(t, [id]);
      expect(back.perKey).toEqual([]);
      expect(configShape(t)).toEqual(before);
      expect(t.git(['config', 'remote.r0.description'])).toBe('line one\nline two\n');
      expect(t.git(['config', 'remote.r3.pushurl'])).toBe('  git@example.com:r3.git  \n');
      expect(comment()).toBe(true);
      expect(fs.existsSync(path.join(t.dir, '.git', 'config.lock'))).toBe(false);

      const undo = rollbackCounted(t, ['--undo']);
      expect(undo.perKey).toEqual([]);
      expect(configShape(t)).toEqual(incident);
      expect(comment()).toBe(true);
    }));

  it('goes key by key through git where the file has a form the text edit does not read', () =>
    withTestRepo((t) => {
      const id = setUp(t);
      const before = configShape(t);
      t.git(['remote', 'remove', 'r1']);
      t.git(['remote', 'set-url', 'r2', 'https://example.com/moved.git']);
      // A header with a key on its line: git reads it, dropSections does not.
      fs.appendFileSync(path.join(t.dir, '.git', 'config'), '[alias] st = status\n');
      const back = rollbackCounted(t, [id]);
      expect(back.perKey.length).toBeGreaterThan(0);
      expect(configShape(t).remotes).toEqual(before.remotes);
      expect(t.git(['config', 'alias.st'])).toBe('status\n');
    }));
});
