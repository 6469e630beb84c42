/**
 * Reading snapshots back: the chain of this worktree (newest first), one snapshot by oid, and
 * the ids people type (`latest`, a short hash, `latest~N`).
 */
import type { Repo } from '../git/repo.js';
import { runGit, splitNul } from '../git/run.js';
import { GuardError } from '../errors.js';
import { decodeMessage, type Snapshot } from './format.js';
import { ALL_CHAIN_HEADS, headRef } from './refs.js';

function parseRecords(stdout: Buffer): Snapshot[] {
  const snapshots: Snapshot[] = [];
  for (const record of splitNul(stdout)) {
    const newline = record.indexOf('\n');
    const oid = record.slice(0, newline);
    const meta = decodeMessage(record.slice(newline + 1));
    if (meta) snapshots.push({ ...meta, oid });
  }
  return snapshots;
}

/**
 * The last chain this process walked whole: a commit's first-parent history never changes, so a
 * walk from its tip, or from any snapshot in it, is answered from it. A rollback walked the same
 * chain up to three times (its default target, the captured ignored files, the earlier targets it
 * names), each a `git log` of every snapshot. Only the walk is kept: the chain head is read anew
 * each time (listSnapshots), so a snapshot another process appends is seen as before. One chain,
 * so a long-lived process (the watcher) holds no more than one list.
 */
let lastWalk: { commonDir: string; snapshots: Snapshot[] } | null = null;

/**
 * A snapshot this process just wrote on top of `previous` (its first parent; null: on the chain's
 * root, which is no snapshot): when the last chain walked ends at `previous`, the new chain is
 * that one with it in front, with no `git log` (the rollback's pre-rollback snapshot, between the
 * lookup of the id and the captured ignored files' walk). `message` is the commit's message, read
 * as a walk reads it.
 */
export function chainGrew(repo: Repo, previous: string | null, oid: string, message: string): void {
  const meta = decodeMessage(message);
  if (!meta) return;
  const snapshot: Snapshot = { ...meta, oid };
  if (previous === null) lastWalk = { commonDir: repo.commonDir, snapshots: [snapshot] };
  else if (lastWalk && lastWalk.commonDir === repo.commonDir && lastWalk.snapshots[0]?.oid === previous) lastWalk = { commonDir: repo.commonDir, snapshots: [snapshot, ...lastWalk.snapshots] };
}

/** Snapshots of the chain ending at `tip`, newest first. */
export async function walkChain(repo: Repo, tip: string, limit?: number): Promise<Snapshot[]> {
  const at = lastWalk && lastWalk.commonDir === repo.commonDir ? lastWalk.snapshots.findIndex((s) => s.oid === tip) : -1;
  if (at >= 0) {
    const rest = lastWalk!.snapshots.slice(at);
    return limit !== undefined ? rest.slice(0, limit) : rest;
  }
  const { stdout } = await runGit(
    [
      'log',
      '--first-parent', // the chain: parent 1 is always the previous snapshot (format.ts)
      '-z',
      '--format=%H%n%B',
      ...(limit !== undefined ? [`--max-count=${limit + 1}`] : []),
      tip,
      '--',
    ],
    { cwd: repo.root },
  );
  const snapshots = parseRecords(stdout);
  // Whole and starting at `tip` (a tip that is no snapshot walks to a list without it: not kept).
  if (limit === undefined && snapshots[0]?.oid === tip) lastWalk = { commonDir: repo.commonDir, snapshots };
  return limit !== undefined ? snapshots.slice(0, limit) : snapshots;
}

/** walkChain of the commit `ref` names now, read by the walk itself; [] when the ref does not exist. */
async function walkFromRef(repo: Repo, ref: string): Promise<Snapshot[]> {
  const { stdout } = await runGit(['log', '--first-parent', '-z', '--format=%H%n%B', '--ignore-missing', ref, '--'], { cwd: repo.root });
  const snapshots = parseRecords(stdout);
  // Kept as walkChain keeps a walk: whole and starting at the tip (a tip that is no snapshot is not kept).
  const tip = stdout.subarray(0, stdout.indexOf(0x0a)).toString('latin1');
  if (snapshots[0] && snapshots[0].oid === tip) lastWalk = { commonDir: repo.commonDir, snapshots };
  return snapshots;
}

export async function readSnapshot(repo: Repo, oid: string): Promise<Snapshot> {
  const result = await runGit(['log', '-1', '-z', '--format=%H%n%B', oid, '--'], { cwd: repo.root, okCodes: [128] });
  const [snapshot] = result.code === 0 ? parseRecords(result.stdout) : [];
  if (!snapshot) throw new GuardError('user', `${oid} is not a guard snapshot`);
  return snapshot;
}

/** The newest snapshot of this worktree, or null before the first. */
export async function readChainHead(repo: Repo): Promise<Snapshot | null> {
  // One process: exit 128 when the ref does not exist yet.
  const result = await runGit(['log', '-1', '-z', '--format=%H%n%B', headRef(repo), '--'], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return null;
  return parseRecords(result.stdout)[0] ?? null;
}

export async function listSnapshots(repo: Repo, options: { limit?: number } = {}): Promise<Snapshot[]> {
  // No chain walked yet in this process: the walk reads the chain head itself (one `git log` of
  // the ref, which --ignore-missing answers with nothing before the first snapshot), where the
  // head's rev-parse only decided between the walk kept and a new one. Read at the same moment,
  // so what it sees is what rev-parse then log saw.
  if (options.limit === undefined && !(lastWalk && lastWalk.commonDir === repo.commonDir)) return walkFromRef(repo, headRef(repo));
  const tip = await runGit(['rev-parse', '-q', '--verify', headRef(repo)], { cwd: repo.root, okCodes: [1, 128] });
  if (tip.code !== 0) return [];
  return walkChain(repo, tip.stdout.toString('utf8').trim(), options.limit);
}

/** Every chain head (one per worktree that ever took a snapshot). */
export async function listChainHeads(repo: Repo): Promise<Array<{ ref: string; oid: string }>> {
  const { stdout } = await runGit(['for-each-ref', '--format=%(objectname) %(refname)', ...ALL_CHAIN_HEADS], { cwd: repo.root });
  return stdout
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ oid: line.slice(0, line.indexOf(' ')), ref: line.slice(line.indexOf(' ') + 1) }));
}

const ID_PATTERN = /^[0-9a-f]{4,64}$/i;

/**
 * Resolves what a person typed: `latest`, `latest~N` (N snapshots before the latest) or a hash
 * prefix of any snapshot of any worktree (this worktree's chain is searched first).
 */
export async function resolveSnapshot(repo: Repo, id: string): Promise<Snapshot> {
  const own = await listSnapshots(repo);
  const latest = /^latest(?:~(\d+))?$/.exec(id);
  if (latest) {
    const back = Number(latest[1] ?? 0);
    const found = own[back];
    if (found) return found;
    throw new GuardError('user', own.length === 0 ? 'there are no snapshots of this worktree yet' : `there are only ${own.length} snapshots; latest~${back} does not exist`, {
      hints: own.length === 0 ? ['Take one with `guard snapshot`.'] : ['See them with `guard list`.'],
    });
  }
  if (!ID_PATTERN.test(id)) {
    throw new GuardError('user', `"${id}" is not a snapshot id (expected "latest", "latest~N" or at least 4 hex digits)`, {
      hints: ['See the ids with `guard list`.'],
    });
  }
  const needle = id.toLowerCase();
  let pool = own;
  let matches = pool.filter((s) => s.oid.startsWith(needle));
  if (matches.length === 0) {
    const others = await listChainHeads(repo);
    pool = [...own];
    for (const head of others) {
      if (head.ref === headRef(repo)) continue;
      pool.push(...(await walkChain(repo, head.oid)));
    }
    matches = pool.filter((s) => s.oid.startsWith(needle));
  }
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new GuardError('user', `snapshot id "${id}" is ambiguous: it matches ${matches.length} snapshots`, {
      hints: [...matches.slice(0, 8).map((s) => `${s.oid.slice(0, 12)}  ${s.time}  ${s.trigger}`), 'Type more digits of the id.'],
      details: { candidates: matches.map((s) => s.oid) },
    });
  }
  const close = closeMatches(needle, pool);
  throw new GuardError('user', `no snapshot with id "${id}"`, {
    hints: close.length > 0 ? ['Did you mean one of these?', ...close.map((s) => `  ${s.oid.slice(0, 12)}  ${s.time}  ${s.trigger}`)] : ['See the ids with `guard list`.'],
    details: { candidates: close.map((s) => s.oid) },
  });
}

/** Ids that share the longest prefix with, or differ by one typo from, what was typed. */
function closeMatches(needle: string, pool: Snapshot[]): Snapshot[] {
  const score = (oid: string): number => {
    let prefix = 0;
    while (prefix < needle.length && oid[prefix] === needle[prefix]) prefix++;
    let typos = 0;
    for (let i = 0; i < needle.length; i++) if (oid[i] !== needle[i]) typos++;
    return Math.max(prefix, needle.length - typos);
  };
  return pool
    .map((s) => ({ s, score: score(s.oid) }))
    .filter((x) => x.score >= Math.min(2, needle.length))
    .sort((a, b) => b.score - a.score)
    .slice(0, 5)
    .map((x) => x.s);
}

/** Several snapshots by oid in one git process; ids that name no snapshot are left out. */
export async function readSnapshots(repo: Repo, oids: Iterable<string>): Promise<Map<string, Snapshot>> {
  const unique = [...new Set(oids)];
  const found = new Map<string, Snapshot>();
  if (unique.length === 0) return found;
  // --no-walk: exactly these commits, no history; --stdin keeps the argv short for long lists.
  const result = await runGit(['log', '--no-walk=unsorted', '-z', '--format=%H%n%B', '--stdin', '--'], { cwd: repo.root, input: `${unique.join('\n')}\n`, okCodes: [128] });
  if (result.code === 0) {
    for (const snapshot of parseRecords(result.stdout)) found.set(snapshot.oid, snapshot);
    return found;
  }
  // One id is gone (retention dropped it): read them one by one.
  for (const oid of unique) {
    try {
      found.set(oid, await readSnapshot(repo, oid));
    } catch {
      // not a snapshot (any more)
    }
  }
  return found;
}
