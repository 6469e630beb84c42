/**
 * `-h` / `--help` where an option's value goes is a request for help, not a path or a name: an
 * option that takes a value swallows the next word (commander's rule), so `guard recover --into
 * -h` rebuilt a repository into a directory named `-h`, `guard snapshot -m -h` took a snapshot
 * and `check-command --cwd -h` judged a command in a directory `-h`. Each prints the command's help
 * now, exits 0 and creates nothing (the hot paths of snapshot, check-command and watch hand such
 * a word to commander).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// These tests run recover or read the backup: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

/**
 * Every name under `dir` (the repository's .git and the backup included), for "creates nothing";
 * not Node's compiled-code cache of the hot bundles (home/.cache), which any run may write.
 */
function tree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((name) => !name.startsWith(path.join('home', '.cache'))).map((name) => path.join(dir, name)).sort();
}

function setup(repo: TestRepo): string {
  repo.write('a.txt', 'a\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const snap = repo.guard(['snapshot', '--json']);
  expect(snap.code, snap.stderr).toBe(0);
  expect(repo.guard(['backup', 'push']).code).toBe(0);
  return JSON.parse(repo.guard(['backup', 'status', '--json']).stdout).id as string;
}

describe('-h or --help given as an option value', () => {
  it('prints the help and creates nothing', async () => {
    await withTestRepo((repo) => {
      const backup = setup(repo);
      const before = tree(repo.base);
      const snapshots = repo.guard(['list', '--all', '--json']).stdout;
      for (const [args, usage] of [
        [['recover', '--from', backup, '--into', '-h'], 'guard recover'],
        [['recover', '--from', backup, '--into=--help'], 'guard recover'],
        [['timeline', '--html', '-h'], 'guard timeline'],
        [['rollback', '--paths', '-h'], 'guard rollback'],
        [['snapshot', '-m', '-h'], 'guard snapshot'],
        [['snapshot', '--max-file-size', '--help'], 'guard snapshot'],
        [['check-command', '--cwd', '-h', 'rm -rf x'], 'guard check-command'],
        [['watch', '--daemon', '--session', '-h'], 'guard watch'],
      ] as Array<[string[], string]>) {
        const r = repo.guard(args);
        expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 0, stderr: '' });
        expect(r.stdout).toContain(`Usage: ${usage}`);
      }
      expect(tree(repo.base)).toEqual(before);
      expect(repo.guard(['list', '--all', '--json']).stdout).toBe(snapshots);
      expect(fs.existsSync(path.join(repo.dir, '-h'))).toBe(false);
    });
  });
});
