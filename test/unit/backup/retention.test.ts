import { describe, expect, it } from 'vitest';
import { DAY_MS, planRetention, type RetentionInput } from '../../../src/backup/retention.js';
import { parsePorcelain } from '../../../src/backup/mirror.js';

const NOW = Date.parse('2026-06-01T00:00:00Z');
const at = (days: number, hours = 0): string => new Date(NOW - days * DAY_MS - hours * 3600_000).toISOString();

describe('planRetention', () => {
  const chain: RetentionInput[] = [
    { oid: 'newest', time: at(60), session: null }, // the chain head is kept whatever its age
    { oid: 'hour', time: at(0, 1), session: null },
    { oid: 'recent-session', time: at(50), session: 's3' },
    { oid: 'older-session', time: at(55), session: 's2' },
    { oid: 'oldest-session', time: at(58), session: 's1' },
    { oid: 'old', time: at(40), session: null },
    { oid: 'week', time: at(6), session: null },
    { oid: 'pinned', time: at(90), session: null },
    { oid: 'garbled', time: 'not a date', session: null },
  ];

  it('keeps the head, anything younger than keepDays, the latest sessions and pinned snapshots', () => {
    const plan = planRetention(chain, { keepMs: 7 * DAY_MS, keepSessions: 2, now: NOW, pinned: new Set(['pinned']) });
    expect([...plan.keep].sort()).toEqual(['garbled', 'hour', 'newest', 'older-session', 'pinned', 'recent-session', 'week']);
    expect(plan.drop).toEqual(['oldest-session', 'old']);
  });

  it('never drops the newest snapshot or the latest session; keepMs 0 keeps nothing for its age', () => {
    const plan = planRetention(chain, { keepMs: 0, keepSessions: 0, now: NOW });
    expect(plan.keep.has('newest')).toBe(true);
    expect(plan.keep.has('hour')).toBe(false);
    expect(plan.keep.has('recent-session')).toBe(true);
    expect(plan.keep.has('older-session')).toBe(false);
    expect(plan.keep.has('week')).toBe(false);
  });

  it('keeps by hours: a sub-day retention drops what is older', () => {
    const plan = planRetention(chain, { keepMs: 2 * 3600_000, keepSessions: 1, now: NOW });
    expect(plan.keep.has('hour')).toBe(true);
    expect(plan.keep.has('week')).toBe(false);
  });
});

describe('parsePorcelain', () => {
  it('counts updated refs and lists refusals', () => {
    const out = [
      'To /backups/x.git',
      '*\trefs/guard/main/head:refs/guard/main/head\t[new reference]',
      ' \trefs/guard/keep/head:refs/guard/keep/head\tabc..def',
      '=\trefs/guard/worktrees/a/head:refs/guard/worktrees/a/head\t[up to date]',
      '!\trefs/guard/worktrees/b/head:refs/guard/worktrees/b/head\t[remote rejected] (hook declined)',
      'Done',
    ].join('\n');
    expect(parsePorcelain(out)).toEqual({ updated: 2, rejected: [{ ref: 'refs/guard/worktrees/b/head', reason: '[remote rejected] (hook declined)' }] });
  });
});
