/**
 * guard's own files put back after a broad `git clean`. This module owns
 * `<commonDir>/guard/put-back.json` (the files due to come back, per worktree).
 *
 * `git clean -fdx` (and `-fdX`, `-fd` while they are untracked) deletes `.claude/settings.local.json`
 * (ignored since `guard init`), an untracked `.guard.yaml`: the agent's hooks and guard's policy.
 * An agent's clean was refused for that (guard-self), which made one of the commands agents run
 * most refused in every repository with Claude Code's hooks. Where the agent's post-tool hook
 * runs after every tool call (AGENTS_WITH_POST_TOOL, policy/actor.ts), the clean is a snapshot
 * instead: the snapshot taken first holds those files (captured when ignored), the hook records
 * them here with that snapshot, and they are put back, byte for byte with their permission bits,
 * by the first of: the post-tool hook of that call, any later hook event of any agent in this
 * repository (the sh fast path sends the event to Node while this file exists), `guard status`.
 * Claude Code reads its hooks at the session start, so the rest of the session keeps them even
 * before the put-back; the put-back is what the next session starts with.
 *
 * Only a file that is missing is written (through a hard link from a temp file, which fails
 * rather than replace anything that appeared since); one that is there again is left as it is.
 * Names are ASCII (GUARD_FILES_IN_REPO): recorded as text.
 */
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { readCheckedOut, readObjects } from '../git/batch-objects.js';
import { runGit, splitNulBytes } from '../git/run.js';
import { gitPath } from '../git/path.js';
import { checkoutPerms, recordedUmask } from '../snapshot/file-modes.js';
import { readSnapshot } from '../snapshot/read.js';
import type { Snapshot } from '../snapshot/format.js';
import { appendEvent } from '../session/journal.js';
import { CONFIG_FILE_NAME } from '../policy/schema.js';
import { shQuote } from '../config/policy-sh.js';

const FILE = 'put-back.json';

export interface PutBackEntry {
  /** The worktree's git dir: the entry is this worktree's. */
  gitDir: string;
  root: string;
  /** The snapshot taken before the command, which holds the files. */
  snapshot: string;
  /** Relative to the root (text). */
  paths: string[];
  /** The command that deletes them (for the journal and the message). */
  command: string;
  time: string;
  /**
   * Agents whose hook entries live in a TRACKED settings file (guard's entries an uncommitted
   * change of it) that the command may revert (`git reset --hard`, `git checkout -f BRANCH`):
   * their entries are written back into whatever the command left there (noteRehook).
   */
  rehook?: string[];
  /**
   * A policy watch (notePolicyWatch): the command (a merge, rebase, pull, pick, am, revert, stash
   * pop) may take in a deletion of `.guard.yaml`; these are its bytes and permission bits before
   * the command (base64), put back only if it is gone afterwards. `snapshot` is '' then.
   */
  copy?: { path: string; base64: string; perms: number };
  /**
   * The watch's command stopped part-way in a sequence (rebase-merge/, rebase-apply/ or sequencer/
   * seen by a hook event after it): the command is over, so once the sequence ends (`git rebase
   * --continue`, `--abort`, `--skip`, the person's or the agent's) any event answers the watch, not
   * only that command's own post-tool hook.
   */
  stopped?: true;
}

export interface PutBackResult {
  snapshot: string;
  command: string;
  /** Written back. */
  putBack: string[];
  /** There again already (left as they are). */
  present: string[];
  /** Could not be written, with why (the snapshot holds them: `guard rollback SNAPSHOT --paths F`). */
  failed: Array<{ path: string; error: string }>;
  /** Hook files the command reverted, guard's entries written back into them (the rest as the command left it). */
  rehooked?: string[];
  /**
   * A policy copy that could not be written back stays due (tried again at the next hook event or
   * `guard status`: the copy is the only one of an uncommitted policy) and is also saved here, for
   * the person to copy back by hand (undefined when that failed too).
   */
  keptAt?: string;
  /** Hook files the command reverted that guard could not write its entries back into, with why. */
  rehookFailed?: Array<{ path: string; error: string }>;
  /** From a policy watch: the copy guard kept before the command (no snapshot). */
  fromCopy?: true;
  /**
   * After a policy watch put `.guard.yaml` back, what git has of it (one `git status`): HEAD and
   * the index have it as written ('tracked'); the index deletes it (a merge or pick stopped before
   * its commit: 'staged-deletion'); neither has it ('untracked'); anything else ('other').
   */
  policyState?: 'tracked' | 'staged-deletion' | 'untracked' | 'other';
}

/**
 * Writes guard's entries back into the agents' hook files where they are gone or changed (the
 * same merge as `guard init --agents ID`, which keeps everything else in the file). Injected by
 * the caller (agents/rehook.ts) so this module does not load the agents' integrations.
 */
export type Rehook = (repo: Repo, agents: readonly string[]) => Promise<{ rehooked: string[]; failed: Array<{ path: string; error: string }> }>;

export function putBackPath(repo: Repo): string {
  return guardCommonPath(repo, FILE);
}

/** The entries; null when the file is there but not what notePutBack writes. */
function readEntries(repo: Repo): PutBackEntry[] | null {
  let text: string;
  try {
    text = fs.readFileSync(putBackPath(repo), 'utf8');
  } catch {
    return [];
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) return null;
    return (parsed as PutBackEntry[]).filter((e) => e && typeof e.gitDir === 'string' && typeof e.snapshot === 'string' && Array.isArray(e.paths) && e.paths.every((p) => typeof p === 'string'));
  } catch {
    return null;
  }
}

function writeEntries(repo: Repo, entries: PutBackEntry[]): void {
  const file = putBackPath(repo);
  if (entries.length === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}

/**
 * Whether this worktree has files due to be put back (a file read, no git process). While the
 * file exists every agent hook event goes to Node (the sh fast path steps aside), so what can
 * never be put back is dropped here: an unreadable file, entries of a worktree that is gone.
 */
export function putBackDue(repo: Repo): boolean {
  if (!fs.existsSync(putBackPath(repo))) return false;
  const entries = readEntries(repo);
  const live = (entries ?? []).filter((e) => fs.existsSync(e.gitDir));
  if (entries === null || live.length !== entries.length) writeEntries(repo, live);
  return live.some((e) => e.gitDir === repo.gitDir);
}

/**
 * The paths the snapshot does not hold (so cannot be put back): the agent hook refuses the
 * command then, as it did before. One `ls-tree`.
 */
export async function notHeldBy(repo: Repo, snapshot: Snapshot, paths: readonly string[]): Promise<string[]> {
  const entries = await treeEntries(repo, snapshot.tree, paths);
  return paths.filter((p) => !entries.has(p));
}

/**
 * Records agents whose tracked hook files the command may revert, for their entries to be written
 * back after it (putBackOwnFiles with a Rehook). Kept with the command's snapshot, which holds
 * the file as it was (`guard rollback SNAPSHOT --paths FILE` if the write-back fails).
 */
export function noteRehook(repo: Repo, snapshot: string, agents: readonly string[], command: string): void {
  const entries = readEntries(repo) ?? [];
  const same = entries.find((e) => e.gitDir === repo.gitDir && e.snapshot === snapshot);
  if (same) same.rehook = [...new Set([...(same.rehook ?? []), ...agents])];
  else entries.push({ gitDir: repo.gitDir, root: repo.root, snapshot, paths: [], command: command.slice(0, 300), time: new Date().toISOString(), rehook: [...agents] });
  writeEntries(repo, entries);
}

/** The largest `.guard.yaml` a policy watch keeps a copy of (a policy is a few KB; larger: not watched). */
export const POLICY_COPY_LIMIT = 1024 * 1024;

/**
 * Keeps a copy of the policy's bytes before an agent's command that may take in a deletion of it
 * (`git merge X` where X deleted `.guard.yaml` since the merge base, `git rebase X`, `git pull`,
 * `git cherry-pick C`, `git am`, `git revert C`, `git stash pop`: StateVerdict.watchPolicy), for
 * putBackOwnFiles to write back if the command deleted it. The file the policy is read from
 * (`policySource`) is watched only where it is this worktree's own (the main worktree: a linked
 * one's copy does not govern). No git process: an lstat and a read. False: nothing to watch
 * (no such file, not a regular file, over POLICY_COPY_LIMIT).
 */
export function notePolicyWatch(repo: Repo, policySource: string, command: string): boolean {
  const rel = path.relative(repo.root, policySource);
  if (rel !== CONFIG_FILE_NAME) return false;
  let bytes: Buffer;
  let perms: number;
  try {
    const stat = fs.lstatSync(policySource);
    if (!stat.isFile() || stat.size > POLICY_COPY_LIMIT) return false;
    bytes = fs.readFileSync(policySource);
    perms = stat.mode & 0o7777;
  } catch {
    return false;
  }
  const shown = command.slice(0, 300);
  const entries = (readEntries(repo) ?? []).filter((e) => !(e.gitDir === repo.gitDir && e.copy && e.command === shown));
  entries.push({ gitDir: repo.gitDir, root: repo.root, snapshot: '', paths: [rel], command: shown, time: new Date().toISOString(), copy: { path: rel, base64: bytes.toString('base64'), perms } });
  writeEntries(repo, entries);
  return true;
}

/** Records the files for the put-back after the command (the snapshot holds them: notHeldBy). */
export function notePutBack(repo: Repo, snapshot: string, paths: readonly string[], command: string): void {
  const all = readEntries(repo) ?? [];
  const rehook = all.find((e) => e.gitDir === repo.gitDir && e.snapshot === snapshot)?.rehook;
  const entries = all.filter((e) => !(e.gitDir === repo.gitDir && e.snapshot === snapshot));
  entries.push({ gitDir: repo.gitDir, root: repo.root, snapshot, paths: [...paths], command: command.slice(0, 300), time: new Date().toISOString(), ...(rehook ? { rehook } : {}) });
  writeEntries(repo, entries);
}

interface TreeEntry {
  mode: string;
  oid: string;
}

async function treeEntries(repo: Repo, tree: string, paths: readonly string[]): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  if (paths.length === 0) return out;
  const result = await runGit(['ls-tree', '-r', '-z', '--full-tree', tree, '--', ...paths.map((p) => `:(literal)${p}`)], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return out;
  const wanted = new Set(paths);
  for (const record of splitNulBytes(result.stdout)) {
    // "<mode> SP <type> SP <oid> TAB <path>"
    const tab = record.indexOf('\t');
    const [mode, type, oid] = record.slice(0, tab).split(' ');
    const file = record.slice(tab + 1);
    if (type === 'blob' && wanted.has(file)) out.set(file, { mode: mode!, oid: oid! });
  }
  return out;
}

/**
 * Puts back this worktree's due files that are missing, and forgets the entries. Null when none
 * are due. Journaled (`put-back`, by: the hook event or command that did it).
 */
export async function putBackOwnFiles(repo: Repo, by: string, rehook?: Rehook, options: { preTool?: boolean; postToolCommand?: string } = {}): Promise<PutBackResult[] | null> {
  // A pre-tool event may be another tool call's, run beside the command (Claude Code runs tool
  // calls in parallel): an entry that writes hook entries back waits for an event after it.
  // A policy watch waits, where the agent's post-tool hook runs, for that hook of its own command
  // (another call's may come while the merge still runs) or for an event that is no tool call's.
  const waits = (e: PutBackEntry): boolean => (options.preTool === true && ((e.rehook?.length ?? 0) > 0 || (e.copy !== undefined && !e.stopped))) || (e.copy !== undefined && !e.stopped && options.postToolCommand !== undefined && options.postToolCommand.slice(0, 300) !== e.command);
  // A rebase, `git am`, or a cherry-pick or revert of several commits that stopped part-way: a
  // copy put back now, untracked, stops a later pick of the sequence that changes the file
  // ("untracked working tree file would be overwritten"). The watch waits until the sequence ends
  // (its state directory gone): three stats, only while a watch is due.
  // A watch seen waiting on a sequence (by its own command's post-tool hook, or any event where
  // nothing waits for another) is marked stopped: that command is over, and the sequence's end
  // (its state directory removed after the last pick and the autostash) is where the watch is answered,
  // by whichever event comes first: the post-tool hook of `git rebase --continue` or `--abort`.
  const all = readEntries(repo) ?? [];
  // The stats only where a watch is due.
  const inSequence = all.some((e) => e.copy !== undefined) && ['rebase-merge', 'rebase-apply', 'sequencer'].some((dir) => fs.existsSync(path.join(repo.gitDir, dir)));
  const sequencing = (e: PutBackEntry): boolean => e.copy !== undefined && inSequence;
  const stopping = all.filter((e) => e.gitDir === repo.gitDir && sequencing(e) && !e.stopped && !waits(e));
  if (stopping.length > 0) {
    for (const e of stopping) e.stopped = true;
    writeEntries(repo, all);
  }
  const mine = all.filter((e) => e.gitDir === repo.gitDir && !waits(e) && !sequencing(e));
  if (mine.length === 0) return null;
  const results: PutBackResult[] = [];
  const stillDue: PutBackEntry[] = [];
  for (const entry of mine) {
    const result: PutBackResult = { snapshot: entry.snapshot, command: entry.command, putBack: [], present: [], failed: [] };
    const missing = entry.paths.filter((p) => !exists(path.join(repo.root, p)));
    result.present = entry.paths.filter((p) => !missing.includes(p));
    if (entry.copy) {
      // A policy watch: the command left it there (the usual: nothing taken in), or it comes back from the copy.
      if (missing.length === 0) continue;
      result.fromCopy = true;
      const copy = entry.copy;
      try {
        writeMissing(path.join(repo.root, copy.path), { mode: '100644', bytes: Buffer.from(copy.base64, 'base64'), perms: copy.perms });
        result.putBack.push(copy.path);
        result.policyState = await policyState(repo, copy.path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        result.failed.push({ path: copy.path, error: (error as Error).message });
        stillDue.push(entry);
        result.keptAt = saveKeptCopy(repo, copy) ?? undefined;
      }
    } else if (missing.length > 0) {
      try {
        const snapshot = await readSnapshot(repo, entry.snapshot);
        const contents = await contentsOf(repo, snapshot, missing);
        for (const p of missing) {
          const found = contents.get(p);
          if (!found) {
            result.failed.push({ path: p, error: `snapshot ${entry.snapshot.slice(0, 12)} does not hold it` });
            continue;
          }
          try {
            writeMissing(path.join(repo.root, p), found);
            result.putBack.push(p);
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'EEXIST') result.present.push(p);
            else result.failed.push({ path: p, error: (error as Error).message });
          }
        }
      } catch (error) {
        for (const p of missing) result.failed.push({ path: p, error: (error as Error).message });
      }
    }
    if (entry.rehook && entry.rehook.length > 0) {
      if (rehook) {
        try {
          const done = await rehook(repo, entry.rehook);
          if (done.rehooked.length > 0) result.rehooked = done.rehooked;
          if (done.failed.length > 0) result.rehookFailed = done.failed;
        } catch (error) {
          result.rehookFailed = [{ path: entry.rehook.join(', '), error: (error as Error).message }];
        }
      } else {
        result.rehookFailed = [{ path: entry.rehook.join(', '), error: 'no write-back here' }];
      }
    }
    results.push(result);
    appendEvent(repo, { type: 'put-back', by, snapshot: entry.snapshot, command: entry.command, putBack: result.putBack, ...(result.present.length > 0 ? { present: result.present } : {}), ...(result.failed.length > 0 ? { failed: result.failed } : {}), ...(result.rehooked ? { rehooked: result.rehooked } : {}), ...(result.rehookFailed ? { rehookFailed: result.rehookFailed } : {}) });
  }
  // Re-read: another worktree's hook may have added its own entry meanwhile.
  const done = mine.filter((m) => !stillDue.includes(m));
  writeEntries(repo, (readEntries(repo) ?? []).filter((e) => !(e.gitDir === repo.gitDir && done.some((m) => m.snapshot === e.snapshot && m.command === e.command && (m.copy === undefined) === (e.copy === undefined)))));
  return results.length > 0 ? results : null;
}

/** Saves a policy copy that could not be put back beside put-back.json, for a `cp` by hand; null if that fails too (the entry stays due either way). */
function saveKeptCopy(repo: Repo, copy: NonNullable<PutBackEntry['copy']>): string | null {
  const file = path.join(path.dirname(putBackPath(repo)), 'guard-yaml.kept');
  try {
    fs.writeFileSync(file, Buffer.from(copy.base64, 'base64'), { mode: 0o600 });
    return file;
  } catch {
    return null;
  }
}

/** What git has of the policy file just put back (PutBackResult.policyState): one `git status`. */
async function policyState(repo: Repo, rel: string): Promise<PutBackResult['policyState']> {
  const result = await runGit(['status', '--porcelain=v2', '-z', '--untracked-files=normal', '--ignored=no', '--', `:(literal)${rel}`], { cwd: repo.root, okCodes: [128] });
  if (result.code !== 0) return 'other';
  const records = splitNulBytes(result.stdout).filter((r) => r !== '');
  if (records.length === 0) return 'tracked';
  // "? path": untracked, in neither HEAD nor the index. "1 D. ...": HEAD has it, the index deletes it (and "? path" beside it).
  if (records.every((r) => r.startsWith('? '))) return 'untracked';
  if (records.some((r) => r.startsWith('1 D'))) return 'staged-deletion';
  return 'other';
}

/** What the person is told ('' when nothing was due). */
export function putBackMessage(results: PutBackResult[] | null): string {
  if (!results) return '';
  const lines: string[] = [];
  for (const r of results) {
    const id = r.snapshot.slice(0, 12);
    if (r.fromCopy) {
      lines.push(...policyWatchLines(r));
      continue;
    }
    if (r.putBack.length > 0) lines.push(`git-guard: put back ${r.putBack.join(', ')} (guard's policy or an agent's hook settings), which \`${r.command}\` deleted, from snapshot ${id}`);
    // Untracked now (after a checkout or reset to a tree without it): git stops a plain checkout of a branch that tracks it.
    if (r.putBack.includes('.guard.yaml')) lines.push("git-guard: .guard.yaml is untracked here; to check out a branch that tracks it, `git checkout -f BRANCH` (git stops at the untracked copy otherwise)");
    for (const f of r.failed) lines.push(`git-guard: WARNING: could not put back ${f.path}, which \`${r.command}\` deleted (${f.error}); get it back with: guard rollback ${id} --paths ${f.path}`);
    if (r.rehooked && r.rehooked.length > 0) lines.push(`git-guard: \`${r.command}\` reverted ${r.rehooked.join(', ')} (tracked; guard's hook entries were an uncommitted change of it): wrote guard's hook entries back into it, the rest of the file as the command left it (the file as it was before: guard rollback ${id} --paths ${r.rehooked[0]})`);
    for (const f of r.rehookFailed ?? []) lines.push(`git-guard: WARNING: \`${r.command}\` may have reverted guard's hook entries in ${f.path} and guard could not write them back (${f.error}); the agent's hooks are off for its next session until \`guard init\` writes them again`);
  }
  return lines.join('\n');
}

/** What the person is told after a policy watch put `.guard.yaml` back (or could not). */
function policyWatchLines(r: PutBackResult): string[] {
  const lines: string[] = [];
  for (const p of r.putBack) {
    lines.push(`git-guard: \`${r.command}\` took in a deletion of ${p}, guard's policy (made on the other branch, commit, patch or stash): guard put it back, byte for byte, from the copy it kept before the command, so the person's protected paths and branches hold again (without it guard runs on its defaults)`);
    if (r.policyState === 'untracked') lines.push(`git-guard: ${p} is untracked now (the new HEAD does not have it). To keep it on this branch: \`git add ${p} && git commit -m "Keep guard's policy"\`; to check out a branch that tracks it: \`git checkout -f BRANCH\` (git stops at the untracked copy otherwise). Only the person decides to drop it`);
    else if (r.policyState === 'staged-deletion') lines.push(`git-guard: the index still deletes ${p} (the operation stopped before its commit): \`git add ${p}\` keeps it in the commit that finishes it (guard's pre-commit hook refuses a commit that deletes it). Only the person decides to drop it`);
    else if (r.policyState === 'other') lines.push(`git-guard: see \`git status -- ${p}\`: the copy put back is guard's policy as it was before the command`);
  }
  for (const f of r.failed) {
    const byHand = r.keptAt ? `, or now: \`cp ${shQuote(r.keptAt)} ${f.path}\` (its bytes before the command)` : '';
    lines.push(`git-guard: WARNING: \`${r.command}\` deleted ${f.path}, guard's policy, and guard could not put it back (${f.error}); guard runs on its defaults until it is back. guard keeps its copy and tries again at the next hook event or \`guard status\`${byHand}`);
  }
  return lines;
}

interface Content {
  mode: string;
  bytes: Buffer;
  perms: number;
}

/**
 * Each path's bytes as the snapshot holds them (its raw bytes where it kept them beside its tree,
 * else git's checkout of the blob, as a rollback writes it), with its mode and permission bits
 * (the snapshot's `modes` record, else git's checkout default under its umask).
 */
async function contentsOf(repo: Repo, snapshot: Snapshot, paths: string[]): Promise<Map<string, Content>> {
  const [entries, raw] = await Promise.all([treeEntries(repo, snapshot.tree, paths), snapshot.rawFiles ? treeEntries(repo, snapshot.rawFiles.tree, paths) : Promise.resolve(new Map<string, TreeEntry>())]);
  const out = new Map<string, Content>();
  const umask = recordedUmask(snapshot) ?? process.umask();
  const direct = [...entries].filter(([p, e]) => e.mode === '120000' || raw.has(p));
  const checkedOut = [...entries].filter(([p, e]) => e.mode !== '120000' && !raw.has(p));
  const objects = await readObjects(repo, direct.map(([p, e]) => (raw.get(p) ?? e).oid));
  direct.forEach(([p, e], i) => {
    const object = objects[i];
    if (object) out.set(p, { mode: e.mode, bytes: object.content, perms: permsOf(snapshot, p, e.mode, umask) });
  });
  if (checkedOut.length > 0) {
    const smudged = (await readCheckedOut(repo, checkedOut.map(([p, e]) => ({ oid: e.oid, path: gitPath(p) })))) ?? [];
    const blobs = smudged.some((b) => !b) ? await readObjects(repo, checkedOut.map(([, e]) => e.oid)) : [];
    checkedOut.forEach(([p, e], i) => {
      const bytes = smudged[i] ?? blobs[i]?.content;
      if (bytes) out.set(p, { mode: e.mode, bytes, perms: permsOf(snapshot, p, e.mode, umask) });
    });
  }
  return out;
}

function permsOf(snapshot: Snapshot, p: string, mode: string, umask: number): number {
  const recorded = snapshot.modes?.[p];
  return recorded !== undefined ? Number.parseInt(recorded, 8) : checkoutPerms(mode === '100755', umask);
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Writes a file that is not there: a temp file linked to its name (EEXIST if something appeared). */
function writeMissing(file: string, content: Content): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (content.mode === '120000') {
    fs.symlinkSync(content.bytes, file);
    return;
  }
  const temp = `${path.dirname(file)}/.${path.basename(file)}.guard-put-back-${process.pid}`;
  fs.rmSync(temp, { force: true });
  try {
    fs.writeFileSync(temp, content.bytes, { mode: content.perms });
    fs.chmodSync(temp, content.perms);
    fs.linkSync(temp, file);
  } finally {
    fs.rmSync(temp, { force: true });
  }
}
