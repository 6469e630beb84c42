/**
 * The stash list written back in a bounded number of git processes (issue 8): `git stash list` is
 * refs/stash's reflog, and `git update-ref` writes one reflog entry per process (`--stdin` takes
 * one message for the whole session and refuses two updates of one ref in a transaction), so a
 * rollback after `git stash clear` and a recover ran one `update-ref` per entry: 32 processes for
 * 30 entries (2026-12-07, helper costaudit, test/integration/perf/shape-count.test.ts).
 *
 * With the files ref backend the reflog is a file git appends lines to
 * (`<old> <new> <ident> <time> <tz>\t<message>`): refs/stash is set first with no reflog (one
 * `update-ref`, expecting no refs/stash: a `git stash` meanwhile fails it), then the whole log is
 * written beside it and linked into place, which fails if a `git stash` created one meanwhile.
 * The entries' ident is git's own (`git var GIT_COMMITTER_IDENT`, as update-ref would write it).
 * Two processes whatever the number of entries. Not taken (the caller writes entry by entry, as
 * before): a reftable repository (no log file), an entry with no reflog (hidden), a message that
 * holds a line break or a tab (update-ref would rewrite it), a single entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './run.js';
import { escapedBytes } from '../util/escaped-text.js';

export interface StashLine {
  oid: string;
  /** Escaped text (escaped-text.ts): the reflog message's bytes. */
  message: string;
  hidden?: true;
}

/**
 * Writes `entries` (stash@{0} first) as refs/stash and its reflog when refs/stash does not exist
 * now. Returns false when this cannot be done in one go (see above; nothing was written), else
 * true; throws when refs/stash appeared meanwhile (the update-ref's error), or when its log did.
 */
export async function writeStashAtOnce(root: string, commonDir: string, entries: StashLine[], zero: string, env: Record<string, string | undefined>): Promise<boolean> {
  if (entries.length < 2 || entries.some((e) => e.hidden || /[\n\r\t]/.test(e.message))) return false;
  if (fs.existsSync(path.join(commonDir, 'reftable'))) return false;
  const log = path.join(commonDir, 'logs', 'refs', 'stash');
  if (fs.existsSync(log)) return false;
  const ident = (await runGit(['var', 'GIT_COMMITTER_IDENT'], { cwd: root, env })).stdout.toString('utf8').trim();
  if (!/^.* <[^<>]*> \d+ [+-]\d{4}$/.test(ident)) return false;
  const newest = entries[0]!;
  const moved = await runGit(['-c', 'core.logAllRefUpdates=false', 'update-ref', 'refs/stash', newest.oid, zero], { cwd: root, env, okCodes: [1, 128] });
  if (moved.code !== 0) throw new Error(moved.stderr.trim() || 'refs/stash could not be set');
  let old = zero;
  const lines: Buffer[] = [];
  // A message is escaped text (repo-state.ts readStash): written as its bytes.
  for (const entry of [...entries].reverse()) {
    lines.push(Buffer.from(`${old} ${entry.oid} ${ident}\t`), escapedBytes(entry.message), Buffer.from('\n'));
    old = entry.oid;
  }
  fs.mkdirSync(path.dirname(log), { recursive: true });
  const temp = `${log}.guard-${process.pid}`;
  fs.writeFileSync(temp, Buffer.concat(lines));
  try {
    // link: fails when a `git stash` created the log since the check above (its entry is kept).
    fs.linkSync(temp, log);
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return true;
}
