/**
 * Which snapshots of one chain retention keeps (pure; `guard gc` applies it). A snapshot is kept
 * when any of these holds:
 *  - it is the newest of its chain;
 *  - it is younger than `keepMs` (snapshot.retention.keepDays, or `guard gc --keep 12h`; 0
 *    keeps nothing for its age alone);
 *  - it belongs to one of the `keepSessions` most recent sessions of the chain (so the latest
 *    session's snapshots are always kept: keepSessions is at least 1);
 *  - something still points at it (`pinned`: an open session's start, the last rollback's
 *    before/after states).
 */
export const DAY_MS = 24 * 60 * 60 * 1000;
export const HOUR_MS = 60 * 60 * 1000;

export interface RetentionInput {
  oid: string;
  /** ISO time the snapshot was taken. */
  time: string;
  session: string | null;
}

export interface RetentionOptions {
  /** Keep snapshots younger than this (milliseconds). */
  keepMs: number;
  keepSessions: number;
  now: number;
  pinned?: ReadonlySet<string>;
}

export interface RetentionPlan {
  keep: Set<string>;
  drop: string[];
}

/** `snapshots`: one chain, newest first. */
export function planRetention(snapshots: RetentionInput[], options: RetentionOptions): RetentionPlan {
  const keepSessions = Math.max(1, options.keepSessions);
  const ageLimit = Math.max(0, options.keepMs);
  const recentSessions = new Set<string>();
  for (const s of snapshots) {
    if (recentSessions.size >= keepSessions) break;
    if (s.session && !recentSessions.has(s.session)) recentSessions.add(s.session);
  }
  const keep = new Set<string>();
  const drop: string[] = [];
  snapshots.forEach((s, i) => {
    const age = options.now - Date.parse(s.time);
    const kept =
      i === 0 ||
      !(age >= ageLimit) || // also keeps a snapshot whose time cannot be read
      (s.session !== null && recentSessions.has(s.session)) ||
      options.pinned?.has(s.oid) === true;
    if (kept) keep.add(s.oid);
    else drop.push(s.oid);
  });
  return { keep, drop };
}
