/**
 * Issue 8: long commands say what they do on a terminal (stderr, a line rewritten in place), and
 * say nothing extra without one or with --json. The terminal is util-linux `script`'s
 * pseudo-terminal.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { buildManyRefsRepo } from '../../helpers/many-refs.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// guard recover from the backup: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

function onTerminal(repo: TestRepo, args: string[], cwd = repo.dir): { code: number; output: string } {
  const command = [process.execPath, GUARD_BIN, ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd, env: repo.env, input: '', encoding: 'utf8' });
  return { code: r.status ?? 128, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!HAS_SCRIPT)('progress on a terminal', () => {
  it('guard init, a first snapshot and guard recover say what they do; not without a terminal or with --json', () =>
    withTestRepo((repo) => {
      buildManyRefsRepo(repo.dir, repo.env, { tags: 20, annotated: 10, branches: 5, files: 300 });
      for (let i = 0; i < 50; i++) repo.write(`untracked/u${i}.txt`, `${i}\n`);
      const init = onTerminal(repo, ['init', '--yes', '--agents', 'none']);
      expect(init.code, init.output).toBe(0);
      expect(init.output).toContain('guard init: first snapshot: reading 51 files that differ from the index…');

      repo.write('more.txt', 'more\n');
      const quiet = repo.guard(['snapshot']);
      expect(quiet.stderr).toBe('');
      const json = onTerminal(repo, ['snapshot', '--json']);
      expect(json.output).not.toContain('snapshot: reading');

      expect(repo.guard(['backup', 'push', '--local-only']).code).toBe(0);
      fs.rmSync(repo.dir, { recursive: true, force: true });
      const recover = onTerminal(repo, ['recover', '--into', repo.dir, '--yes'], repo.base);
      expect(recover.code, recover.output).toBe(0);
      expect(recover.output).toContain('recover: copying the backup');
      expect(recover.output).toMatch(/recover: writing the working tree \(\d+ files\)…/);
      expect(fs.existsSync(path.join(repo.dir, 'more.txt'))).toBe(true);
    }));
});
