/**
 * A reader that goes away (`guard list | head -1`) must not crash guard with an EPIPE stack
 * trace: like git, it stops writing quietly. A real pipe whose reader (`true`) has exited before
 * guard writes anything, so every write hits EPIPE.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createTestRepo, GUARD_BIN } from '../../helpers/git-repo.js';

describe('output into a closed pipe', () => {
  it('list, show --patch, config show, check-command, log and --json stop quietly with their own exit code', () => {
    const repo = createTestRepo();
    try {
      repo.write('a.txt', 'a\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      for (let i = 0; i < 5; i++) {
        repo.write(`f${i}.txt`, `${i}\n`.repeat(2000));
        expect(repo.guard(['snapshot', '-m', `s${i}`]).code).toBe(0);
      }
      const cases: Array<[string[], number]> = [
        [['list'], 0],
        [['list', '--json'], 0],
        [['show', 'latest', '--patch'], 0],
        [['config', 'show'], 0],
        [['check-command', 'git push --force'], 3],
        [['check-command', '--json', 'ls'], 0],
        [['log'], 0],
      ];
      for (const [args, code] of cases) {
        const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
        // The reader exits at once; guard's exit status is reported on stderr after the pipe.
        const r = spawnSync('sh', ['-c', `{ "${process.execPath}" "${GUARD_BIN}" ${quoted}; echo "exit=$?" >&2; } | true`], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
        expect(r.stderr, args.join(' ')).not.toContain('EPIPE');
        expect(r.stderr, args.join(' ')).not.toContain('internal error');
        expect(r.stderr.trim(), args.join(' ')).toBe(`exit=${code}`);
      }
    } finally {
      repo.cleanup();
    }
  });
});
