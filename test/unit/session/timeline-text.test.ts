/** Pure pieces of issue 12: --since ages, typed names back to bytes for restore/blame, journal details. */
import { describe, expect, it } from 'vitest';
import { parseSince } from '../../../src/cli/commands/log.js';
import { gitPathOf } from '../../../src/git/path.js';
import { exactParent, namesFor } from '../../../src/restore/typed-paths.js';
import { eventDetail, isGuardOwnRefMove } from '../../../src/session/timeline.js';

describe('guard log --since', () => {
  it('reads ages back from now and ISO times as given; anything else is an error', () => {
    const now = Date.parse('2026-06-01T12:00:00Z');
    expect(parseSince('30m', now).toISOString()).toBe('2026-06-01T11:30:00.000Z');
    expect(parseSince('2h', now).toISOString()).toBe('2026-06-01T10:00:00.000Z');
    expect(parseSince('1d', now).toISOString()).toBe('2026-05-31T12:00:00.000Z');
    expect(parseSince('2026-01-31T12:00:00Z', now).toISOString()).toBe('2026-01-31T12:00:00.000Z');
    expect(() => parseSince('yesterday', now)).toThrow(/--since takes/);
  });
});

describe('typed names back to bytes', () => {
  // What Node makes of the command line $'dir/bad\377.log': each byte that is not UTF-8 is U+FFFD.
  const typed = Buffer.from('dir/bad\xff.log', 'latin1').toString('utf8');
  const bad = gitPathOf(Buffer.from('dir/bad\xff.log', 'latin1'));
  const other = gitPathOf(Buffer.from('dir/bad\xfe.log', 'latin1'));
  it('text that lost no bytes is its own name, byte for byte', () => {
    expect(namesFor('src/[x]*.md', [])).toEqual(['src/[x]*.md']);
    expect(namesFor('a\nb', [])).toEqual(['a\nb']);
    expect(namesFor('é.txt', [])).toEqual([gitPathOf(Buffer.from('é.txt'))]);
  });
  it('text that lost bytes finds the names it stands for, files or directories above them', () => {
    expect(typed).toBe('dir/bad\uFFFD.log');
    expect(namesFor(typed, [bad, gitPathOf(Buffer.from('dir/good.log'))])).toEqual([bad]);
    expect(namesFor(typed, [bad, other]).sort()).toEqual([bad, other].sort());
    const dir = gitPathOf(Buffer.from('d\xff', 'latin1'));
    expect(namesFor('d\uFFFD', [`${dir}/x` as never, `${dir}/y` as never])).toEqual([dir]);
    expect(namesFor(typed, [])).toEqual([]);
  });
  it('asks git for the names under the last directory that lost nothing', () => {
    expect(exactParent('dir/bad\uFFFD.log')).toBe('dir');
    expect(exactParent('bad\uFFFD/x')).toBe('');
    expect(exactParent('plain/name')).toBe('plain/name');
  });
});

describe('eventDetail', () => {
  const base = { time: '2026-01-01T00:00:00Z', worktree: '/r' };
  it('says something for every event type, known or not', () => {
    expect(eventDetail({ ...base, type: 'ref-update', ref: 'refs/heads/x', old: '0'.repeat(40), new: 'a'.repeat(40), actor: 'agent' })).toBe(`refs/heads/x created at ${'a'.repeat(12)} by agent`);
    expect(eventDetail({ ...base, type: 'ref-update', ref: 'refs/heads/x', old: 'b'.repeat(40), new: '0'.repeat(40) })).toBe(`refs/heads/x deleted (was ${'b'.repeat(12)})`);
    // A deletion git named no old value for (journals written before the hook resolved it): a deletion, not a creation.
    expect(eventDetail({ ...base, type: 'ref-update', ref: 'refs/heads/x', old: '0'.repeat(40), new: '0'.repeat(40) })).toBe('refs/heads/x deleted');
    expect(eventDetail({ ...base, type: 'step-start', verdict: 'deny', command: 'git push -f' })).toBe('deny: git push -f');
    expect(eventDetail({ ...base, type: 'step-snapshot', snapshot: null })).toBe('the step changed nothing');
    expect(eventDetail({ ...base, type: 'protected-restore', path: 'db/migrations/1.sql', reason: 'deleted' })).toBe('put back db/migrations/1.sql (deleted)');
    expect(eventDetail({ ...base, type: 'blocked', command: 'git branch -D main', rule: 'branch-delete', reason: 'protected', hook: 'reference-transaction' })).toBe('git branch -D main [branch-delete] protected (reference-transaction hook)');
    expect(eventDetail({ ...base, type: 'something-new', count: 3, nested: { a: 1 } })).toBe('count=3 nested={"a":1}');
    expect(eventDetail({ ...base, type: 'bare' })).toBe('-');
  });

  it("recognises guard's own ref moves", () => {
    expect(isGuardOwnRefMove({ ...base, type: 'ref-update', ref: 'refs/guard/main/head' })).toBe(true);
    expect(isGuardOwnRefMove({ ...base, type: 'ref-update', ref: 'refs/heads/main' })).toBe(false);
  });
});
