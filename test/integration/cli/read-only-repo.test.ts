/**
 * A repository this user may read but not write (another user's checkout, a read-only mount):
 * the read-only commands work, and the ones that must write say which path they cannot write,
 * with exit 1, never "internal error". Shown as nobody (test/helpers/unprivileged.ts): root may
 * write anywhere.
 */
import { describe, expect, it } from 'vitest';
import { canDropPrivileges, guardAsNobody, openToOthers } from '../../helpers/unprivileged.js';
import { guarded } from '../githooks/setup.js';

describe.runIf(canDropPrivileges)('a repository this user cannot write to', () => {
  it('read commands work; writing ones say plainly what they cannot write', () => {
    const repo = guarded({ remote: false });
    try {
      repo.write('src/app.js', 'changed\n');
      expect(repo.guard(['snapshot', '-m', 'by the owner']).code).toBe(0);
      repo.write('src/app.js', 'changed again\n');
      openToOthers(repo);
      for (const args of [['status'], ['list'], ['show', 'latest'], ['config', 'show'], ['config', 'check']]) {
        const r = guardAsNobody(repo, args);
        expect(r.stderr, args.join(' ')).not.toContain('internal error');
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      }
      for (const args of [['snapshot'], ['diff'], ['rollback', '--yes']]) {
        const r = guardAsNobody(repo, args);
        expect(r.stderr, args.join(' ')).not.toContain('internal error');
        expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(1);
        expect(r.stderr.toLowerCase(), args.join(' ')).toMatch(/permission denied|insufficient permission/);
        expect(r.stderr, args.join(' ')).toContain(repo.dir);
      }
      // The journal holds agents' command lines and is private to its owner: another user is told so.
      const log = guardAsNobody(repo, ['log']);
      expect(log.code).toBe(1);
      expect(log.stderr).toContain(`cannot open ${repo.dir}/.git/guard/journal.jsonl: permission denied`);
      expect(log.stderr).not.toContain('internal error');
      expect(repo.read('src/app.js')).toBe('changed again\n');
    } finally {
      repo.cleanup();
    }
  });
});
