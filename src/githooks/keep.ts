/**
 * The keep chain (KEEP_REF in src/snapshot/refs.ts): keeps commits reachable that a ref move
 * left behind, so `git gc --prune=now` (or reflog expiry) cannot take them: the old tip of a
 * protected branch rewritten locally (`commit --amend`, `reset`, a rebase) or deleted with an
 * approval, and the remote tip a push overwrote. One ref for the repository; each keep commit has
 * an empty tree and the parents [previous keep commit, kept tips...], and its message says what
 * was kept and why (the journal says it too).
 *
 * Written with guard's internal token, so guard's own reference-transaction hook lets it through.
 */
import { GuardError } from '../errors.js';
import { withInternalToken } from '../git/internal-token.js';
import { escapedBytes } from '../util/escaped-text.js';
import { checkObjects } from '../git/batch-objects.js';
import { commitTree, emptyTree, zeroOid } from '../git/objects.js';
import { resolveRev } from '../git/revs.js';
import type { Repo } from '../git/repo.js';
import { openGitPipe, runGit, type GitPipe } from '../git/run.js';
import { KEEP_REF, noteKeepHead, seenKeepHead } from '../snapshot/refs.js';

export interface KeepItem {
  /** The ref whose move left the commit behind (a local branch, or `origin refs/heads/x`). */
  ref: string;
  oid: string;
  reason: string;
}

export interface KeepResult {
  /** The new keep commit, or null when everything was already kept or nothing was a commit. */
  commit: string | null;
  kept: KeepItem[];
}

async function parentsOf(repo: Repo, commit: string): Promise<string[]> {
  const { stdout } = await runGit(['rev-parse', `${commit}^@`], { cwd: repo.root });
  return stdout.toString('utf8').split('\n').filter(Boolean);
}

export async function keepTips(repo: Repo, items: KeepItem[]): Promise<KeepResult> {
  // Each item's commit (a tag is peeled; a tree or blob is no commit), all in one cat-file.
  const commits = await checkObjects(repo, items.map((item) => `${item.oid}^{commit}`));
  const resolved = new Map<string, KeepItem>();
  // Deleted remote-tracking refs are recorded each by its name even when their commit is kept
  // already (under another ref, or another remote-tracking ref at the same commit): `guard
  // rollback` lists them by these records (prunedRemotesSince).
  const named: KeepItem[] = [];
  items.forEach((item, i) => {
    const commit = commits[i]?.type === 'commit' ? commits[i]!.oid : null;
    if (commit && !resolved.has(commit)) resolved.set(commit, { ...item, oid: commit });
    if (commit && item.reason === 'remote-tracking-deleted') named.push({ ...item, oid: commit });
  });
  if (resolved.size === 0) return { commit: null, kept: [] };
  return withInternalToken(repo, async (env) => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const previous = await resolveRev(repo, KEEP_REF);
      const already = previous ? new Set(await parentsOf(repo, previous)) : new Set<string>();
      const fresh = [...resolved.values()].filter((item) => !already.has(item.oid));
      const records = [...fresh, ...named.filter((item) => !fresh.some((f) => f.ref === item.ref && f.oid === item.oid))];
      if (records.length === 0) return { commit: null, kept: [] };
      const message = [
        `guard keep: ${records.map((item) => `${item.ref} ${item.oid.slice(0, 12)}`).join(', ')}`.slice(0, 200),
        '',
        JSON.stringify({ time: new Date().toISOString(), items: records }),
        '',
      ].join('\n');
      const commit = await commitTree(repo, await emptyTree(repo), [...(previous ? [previous] : []), ...fresh.map((item) => item.oid)], message);
      // Expected old value: a concurrent keep makes this fail cleanly and we retry on top of it.
      const update = await runGit(['update-ref', '-m', 'guard keep', KEEP_REF, commit, previous ?? zeroOid(commit)], {
        cwd: repo.root,
        env,
        okCodes: [1, 128],
      });
      if (update.code === 0) {
        noteKeepHead(repo, commit);
        return { commit, kept: fresh };
      }
    }
    throw new GuardError('git', `could not update ${KEEP_REF}: it kept changing under guard`);
  });
}

export interface KeepTrim {
  /** Keep commits in the chain before. */
  before: number;
  /** Tips no longer kept (kept longer than the retention). */
  dropped: KeepItem[];
  /** Tips kept, now in one commit (or none: the ref deleted). */
  kept: number;
  /** The new chain head ('' when the ref was deleted), null when nothing changed. */
  commit: string | null;
}

interface KeptTip extends KeepItem {
  /** When it was kept (ISO). */
  time: string;
}

interface KeepChain {
  /** Keep commits, newest first; `previous` is the next older keep commit (null for the oldest). */
  chain: Array<{ oid: string; parents: string[]; time: string; body: string; previous: string | null }>;
  /** Every kept tip by its commit, with the ref, reason and time its latest keep recorded. */
  tips: Map<string, KeptTip>;
  /** Every deleted remote-tracking ref a keep commit records (also one whose commit an earlier keep held), oldest first. */
  remotes: KeptTip[];
}

/**
 * The keep chain from `head` (an oid or a ref name, which `cat-file --batch` resolves; missing:
 * an empty chain), read over an open `git cat-file --batch`: keep commits (the empty tree, "guard
 * keep" messages) linked by their first parent. The oldest one's first parent is a kept tip, whose
 * own history is not walked: asked commit by commit (a `git log --first-parent` would go on
 * through the tip's whole history).
 */
async function readKeepChain(pipe: GitPipe, head: string, empty: string | null): Promise<KeepChain> {
  const parsed: Array<{ oid: string; parents: string[]; time: string; body: string }> = [];
  for (let next: string | undefined = head; next; ) {
    pipe.write(`${next}\n`);
    const header = (await pipe.readLine()).split(' ');
    if (header[1] !== 'commit') {
      // A blob or tree has content to read past before the next question; `missing` has none.
      if (header.length === 3) await pipe.readBytes(Number(header[2]) + 1);
      break;
    }
    const text = (await pipe.readBytes(Number(header[2]) + 1)).toString('utf8');
    const [headers, ...rest] = text.split('\n\n');
    const lines = headers!.split('\n');
    const body = rest.join('\n\n');
    if (lines[0] !== `tree ${empty ?? EMPTY_TREE[header[0]!.length]}` || !body.startsWith('guard keep')) break;
    const parents = lines.filter((l) => l.startsWith('parent ')).map((l) => l.slice('parent '.length));
    const ct = /^committer .* (\d+) [+-]\d{4}$/.exec(lines.find((l) => l.startsWith('committer ')) ?? '');
    parsed.push({ oid: header[0]!, parents, time: new Date(Number(ct?.[1] ?? 0) * 1000).toISOString(), body });
    next = parents[0];
  }
  // A commit's first parent is the previous keep commit when the chain goes on (the oldest has none: all its parents are tips).
  const chain = parsed.map((commit, i) => ({ ...commit, previous: i + 1 < parsed.length ? parsed[i + 1]!.oid : null }));
  const tips = new Map<string, KeptTip>();
  const remotes: KeptTip[] = [];
  // Oldest first, so a tip kept again later carries its later time.
  for (const commit of [...chain].reverse()) {
    let meta: { time?: string; items?: Array<Partial<KeptTip>> } = {};
    try {
      meta = JSON.parse(commit.body.split('\n').find((line) => line.startsWith('{')) ?? '{}') as typeof meta;
    } catch {
      meta = {};
    }
    // The first record of each commit is its tip's (keepTips and the fold write the tip first; a
    // second name of the same commit, a deleted remote-tracking ref, comes after it).
    const named = new Map<string, Partial<KeptTip>>();
    for (const item of meta.items ?? []) if (typeof item.oid === 'string' && !named.has(item.oid)) named.set(item.oid, item);
    const at = typeof meta.time === 'string' ? meta.time : commit.time;
    for (const item of meta.items ?? []) {
      if (item.reason === 'remote-tracking-deleted' && typeof item.ref === 'string' && typeof item.oid === 'string') remotes.push({ ref: item.ref, oid: item.oid, reason: item.reason, time: typeof item.time === 'string' ? item.time : at });
    }
    for (const parent of commit.parents.filter((p) => p !== commit.previous)) {
      const item = named.get(parent);
      tips.set(parent, { ref: item?.ref ?? '', oid: parent, reason: item?.reason ?? '', time: typeof item?.time === 'string' ? item.time : at });
    }
  }
  return { chain, tips, remotes };
}

/** The empty tree's id for sha1 and sha256 repositories (a keep commit's tree; no `mktree` to ask). */
const EMPTY_TREE: Record<number, string> = {
  40: '4b825dc642cb6eb9a060e54bf8d69288fbee4904',
  64: '6ef19b41225c5369f1c104d45d8d85efa9b057b53b14b4b9b939dd74decc5321',
};

export interface PrunedRemote {
  /** The remote-tracking ref (escaped text: ref-name bytes that are not UTF-8 escaped). */
  ref: string;
  /** Its tip when it was deleted (kept in KEEP_REF). */
  oid: string;
  /** When the tip was kept (ISO; the background keep runs seconds after the deletion). */
  keptAt: string;
}

/**
 * `guard rollback`: the remote-tracking refs deleted (`git fetch --prune`, `git remote prune`,
 * `git branch -dr`) whose tips were kept at or after `since` (the target snapshot's time) and that
 * do not exist now: snapshots do not hold refs/remotes (docs/DECISIONS.md), so the rollback leaves
 * them, and says each one's way back. A ref kept more than once counts with its latest tip. One
 * `git cat-file --batch` reads the chain and then asks each such ref whether it exists; no chain,
 * no question past the first. No process at all when this process's last look at the refs (the
 * pre-rollback snapshot's for-each-ref, refs.ts seenKeepHead) found no chain.
 */
export async function prunedRemotesSince(repo: Repo, since: string): Promise<PrunedRemote[]> {
  if (seenKeepHead(repo) === null) return [];
  const sinceMs = Date.parse(since);
  const pipe = openGitPipe(['cat-file', '--batch'], { cwd: repo.root });
  try {
    const { remotes } = await readKeepChain(pipe, KEEP_REF, null);
    const latest = new Map<string, KeptTip>();
    for (const tip of remotes) {
      if (tip.reason !== 'remote-tracking-deleted' || !tip.ref.startsWith('refs/remotes/') || !(Date.parse(tip.time) >= sinceMs)) continue;
      const seen = latest.get(tip.ref);
      if (!seen || Date.parse(tip.time) >= Date.parse(seen.time)) latest.set(tip.ref, tip);
    }
    const pruned: PrunedRemote[] = [];
    for (const tip of latest.values()) {
      // The ref by its full name: `<name> missing` when it does not exist (a fetch brought it back: left out).
      pipe.write(Buffer.concat([escapedBytes(tip.ref), Buffer.from('\n')]));
      const header = (await pipe.readLine()).split(' ');
      if (header.length === 3) await pipe.readBytes(Number(header[2]) + 1);
      else pruned.push({ ref: tip.ref, oid: tip.oid, keptAt: tip.time });
    }
    return pruned.sort((a, b) => a.keptAt.localeCompare(b.keptAt) || a.ref.localeCompare(b.ref));
  } finally {
    await pipe.close().catch(() => undefined);
  }
}

/**
 * `guard gc`: the keep chain grows one commit per keep (a batch of deleted remote-tracking refs, a
 * rewritten protected branch, a force push), and nothing trimmed it. Tips kept longer ago than
 * `keepMs` (the snapshot retention: what guard printed as "stays reachable" stays so as long as
 * snapshots do) are let go; the rest are folded into one commit whose message lists each with the
 * time it was kept (so a later gc drops them one by one). Nothing changes while no tip is that
 * old. One `git log` of the chain; a commit-tree and an update-ref only when something goes.
 */
export async function trimKeepChain(repo: Repo, keepMs: number, options: { now?: number; dryRun?: boolean } = {}): Promise<KeepTrim | null> {
  const now = options.now ?? Date.now();
  const head = await resolveRev(repo, KEEP_REF);
  if (!head) return null;
  const pipe = openGitPipe(['cat-file', '--batch'], { cwd: repo.root });
  let read: KeepChain;
  try {
    // null: the empty tree's id by the object format (EMPTY_TREE), no process to ask it
    read = await readKeepChain(pipe, head, null);
  } finally {
    await pipe.close().catch(() => undefined);
  }
  const { chain, tips, remotes } = read;
  const cutoff = now - keepMs;
  // A commit stays while any record of it is younger than the retention: its tip's keep, or a
  // later deleted remote-tracking ref recorded by name at it (a second name of a kept commit).
  const latest = new Map<string, number>();
  for (const tip of tips.values()) latest.set(tip.oid, Date.parse(tip.time));
  for (const name of remotes) if (tips.has(name.oid)) latest.set(name.oid, Math.max(latest.get(name.oid)!, Date.parse(name.time)));
  const stays = [...tips.values()].filter((tip) => latest.get(tip.oid)! >= cutoff);
  const dropped = [...tips.values()].filter((tip) => !(latest.get(tip.oid)! >= cutoff));
  // Every name record younger than the retention goes into the fold too, not only one per commit:
  // `guard rollback` lists each pruned remote-tracking ref by these records (prunedRemotesSince).
  // After the tips' own records, so each commit's first record stays its tip's; the latest record
  // of each name and commit (a tip's own record may repeat as a name: prunedRemotesSince takes the latest).
  const staying = new Set(stays.map((tip) => tip.oid));
  const seen = new Set<string>();
  const names: KeptTip[] = [];
  for (const name of [...remotes].reverse()) {
    const key = `${name.ref}\0${name.oid}`;
    if (!staying.has(name.oid) || !(Date.parse(name.time) >= cutoff) || seen.has(key)) continue;
    seen.add(key);
    names.push(name);
  }
  if (dropped.length === 0) return { before: chain.length, dropped: [], kept: stays.length, commit: null };
  const result = { before: chain.length, dropped: dropped.map(({ time: _t, ...item }) => item), kept: stays.length };
  if (options.dryRun) return { ...result, commit: null };
  return withInternalToken(repo, async (env) => {
    let commit = '';
    if (stays.length > 0) {
      const message = [
        `guard keep: ${stays.length} tip(s), folded by guard gc`.slice(0, 200),
        '',
        JSON.stringify({ time: new Date(now).toISOString(), folded: true, items: [...stays, ...names.reverse()] }),
        '',
      ].join('\n');
      commit = await commitTree(repo, await emptyTree(repo), stays.map((tip) => tip.oid), message);
    }
    // Expected old value: a keep that lands meanwhile makes this fail, and this gc leaves the chain as it is.
    const update = await runGit(commit ? ['update-ref', '-m', 'guard gc: keep chain folded', KEEP_REF, commit, head] : ['update-ref', '-m', 'guard gc: keep chain emptied', '-d', KEEP_REF, head], { cwd: repo.root, env, okCodes: [1, 128] });
    if (update.code !== 0) return { before: chain.length, dropped: [], kept: tips.size, commit: null };
    noteKeepHead(repo, commit || null);
    return { ...result, commit };
  });
}
