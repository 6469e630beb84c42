/**
 * The repository's remotes back as the target recorded them (`remote.<name>.*`: url, pushurl,
 * fetch refspecs and any other key; SnapshotMeta.remoteConfig, kept on this machine by
 * snapshot/remote-config.ts). Found on a clone of pallets/flask (2026-12-07, helper rbaudit):
 * `git remote remove origin`, `git remote rename origin up` and `git remote set-url origin ...`
 * are allowed for an agent, and a rollback brought the branches' upstreams back but not the
 * remote they name, whose URL the person may not know by heart.
 *
 * Each remote's section is compare-and-swap against the config read once before any write, as
 * branch sections are (branch-config.ts): rewritten only while its keys are still exactly what
 * the pre-rollback snapshot recorded; a section changed in between is left as it is. Rewritten
 * as `git config --remove-section remote.<name>` when it has keys, then one `git config --add`
 * per key of the target's, in the recorded order. So the cost is one read plus one process per
 * key of the remotes that differ; none when no remote changed, whatever their number.
 *
 * Not restored: the remote-tracking refs `git remote remove` deletes (and `rename` moves), which
 * no snapshot records: `git fetch <remote>` brings them back once the remote is.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { configRecords, configText, dropSections, type ConfigRecord } from '../git/config-text.js';
import { runGit, runGitBytes, splitNulBytes } from '../git/run.js';
import { escapedBytes, escapedText } from '../util/escaped-text.js';
import type { Snapshot } from '../snapshot/format.js';
import { readRemoteSections, type RemoteConfigPair, type RemoteSections } from '../snapshot/remote-config.js';

/** A remote whose section goes back to the target's: its keys' names only (a URL may hold a token). */
export interface RemoteConfigChange {
  remote: string;
  /** The variables now, in order ([] when there is no such remote now). */
  from: string[];
  /** The variables after the rollback ([] when the remote goes). */
  to: string[];
}

export interface RemoteConfigPlan {
  /** The remotes that change. */
  changes: RemoteConfigChange[];
  /** The target's remotes are not recorded on this machine: left as they are. */
  unknown?: true;
}

/**
 * The remotes whose section differs between now (the pre-rollback snapshot) and the target.
 * Null when either was written before remotes were recorded, or when they are the same key.
 */
export function planRemoteConfig(repo: Repo, now: Snapshot, target: Snapshot): RemoteConfigPlan | null {
  if (now.remoteConfig === undefined || target.remoteConfig === undefined || now.remoteConfig === target.remoteConfig) return null;
  const from = readRemoteSections(repo, now.remoteConfig);
  const to = readRemoteSections(repo, target.remoteConfig);
  if (!from || !to) return { changes: [], unknown: true };
  const changes: RemoteConfigChange[] = [];
  for (const remote of [...new Set([...Object.keys(from), ...Object.keys(to)])].sort()) {
    const a = from[remote] ?? [];
    const b = to[remote] ?? [];
    if (JSON.stringify(a) !== JSON.stringify(b)) changes.push({ remote, from: a.map(([k]) => k), to: b.map(([k]) => k) });
  }
  return changes.length > 0 ? { changes } : null;
}

/** Every local `remote.<name>.*` key now, by remote name, in the config's order (one process). */
async function currentSections(repo: Repo): Promise<RemoteSections> {
  const listed = await runGit(['config', '--local', '-z', '--get-regexp', '^remote\\..+\\.[^.]+$'], { cwd: repo.root, okCodes: [1] });
  const sections: RemoteSections = {};
  for (const record of splitNulBytes(listed.stdout)) {
    const eol = record.indexOf('\n');
    const key = escapedText(Buffer.from(eol < 0 ? record : record.slice(0, eol), 'latin1'));
    const value = eol < 0 ? null : escapedText(Buffer.from(record.slice(eol + 1), 'latin1'));
    const dot = key.lastIndexOf('.');
    (sections[key.slice('remote.'.length, dot)] ??= []).push([key.slice(dot + 1), value]);
  }
  return sections;
}

/** Applies the plan's remote changes, each only while the config still holds what the pre-rollback snapshot recorded. */
export async function restoreRemoteConfig(repo: Repo, plan: RemoteConfigPlan | undefined, pre: Snapshot, target: Snapshot): Promise<void> {
  if (!plan || plan.changes.length === 0) return;
  const from = readRemoteSections(repo, pre.remoteConfig ?? '');
  const to = readRemoteSections(repo, target.remoteConfig ?? '');
  if (!from || !to) return;
  if (await restoreAtOnce(repo, plan, from, to)) return;
  const sections = await currentSections(repo);
  for (const { remote } of plan.changes) {
    const current: RemoteConfigPair[] = sections[remote] ?? [];
    // Changed since the pre-rollback snapshot: left as it is.
    if (JSON.stringify(current) !== JSON.stringify(from[remote] ?? [])) continue;
    // Code 128: an emptied `[remote "x"]` header is all there is (nothing to remove).
    // Names and values as their bytes (escaped text: one that is not UTF-8 goes through runGitBytes).
    if (current.length > 0) await runGitBytes(['config', '--local', '--remove-section', escapedBytes(`remote.${remote}`)], { cwd: repo.root, okCodes: [128] });
    for (const [variable, value] of to[remote] ?? []) {
      await runGitBytes(['config', '--local', '--add', escapedBytes(`remote.${remote}.${variable}`), escapedBytes(value ?? 'true')], { cwd: repo.root });
    }
  }
}

/**
 * The plan's remote changes in one write of the config file (issue 8: a rollback after `git remote
 * remove` of 10 remotes ran 31 `git config`), as git writes it: under `config.lock` (created
 * exclusively: a git writing the config meanwhile makes this give way), the file read through
 * git once the lock is held (the compare-and-swap against the pre-rollback snapshot, as above),
 * the changed remotes' sections dropped (config-text.ts dropSections) and the target's appended,
 * the result read back by git and compared with what it must list before it is renamed into
 * place. False, with nothing written, where any of that cannot be done: the caller then goes key
 * by key. Two processes whatever the number of remotes that change.
 */
async function restoreAtOnce(repo: Repo, plan: RemoteConfigPlan, from: RemoteSections, to: RemoteSections): Promise<boolean> {
  const file = path.join(repo.commonDir, 'config');
  const lock = `${file}.lock`;
  let fd: number;
  try {
    fd = fs.openSync(lock, 'wx', 0o644);
  } catch {
    return false;
  }
  let done = false;
  try {
    const listed = await runGit(['config', '-f', file, '-z', '--list'], { cwd: repo.root, okCodes: [1] });
    const records = configRecords(listed.stdout);
    const sections: RemoteSections = {};
    for (const { key, value } of records) {
      const text = escapedText(key);
      if (!text.startsWith('remote.') || text.lastIndexOf('.') <= 'remote.'.length) continue;
      const dot = text.lastIndexOf('.');
      (sections[text.slice('remote.'.length, dot)] ??= []).push([text.slice(dot + 1), value === null ? null : escapedText(value)]);
    }
    const dropped = new Set<string>();
    const added: ConfigRecord[] = [];
    for (const { remote } of plan.changes) {
      const current: RemoteConfigPair[] = sections[remote] ?? [];
      if (JSON.stringify(current) !== JSON.stringify(from[remote] ?? [])) continue;
      if (current.length > 0) dropped.add(remote);
      for (const [variable, value] of to[remote] ?? []) {
        const key = escapedBytes(`remote.${remote}.${variable}`);
        const raw = Buffer.concat([key, value === null ? Buffer.alloc(0) : Buffer.concat([Buffer.from('\n'), escapedBytes(value)]), Buffer.from([0])]);
        added.push({ key, value: value === null ? null : escapedBytes(value), raw });
      }
    }
    // Nothing left to write (every changed remote changed again meanwhile): the lock goes, as above.
    if (dropped.size === 0 && added.length === 0) return true;
    const before = fs.readFileSync(file);
    fs.fchmodSync(fd, fs.statSync(file).mode & 0o7777);
    const kept = dropSections(before, 'remote', dropped);
    if (kept === null) return false;
    const separator = kept.length > 0 && kept[kept.length - 1] !== 0x0a ? Buffer.from('\n') : Buffer.alloc(0);
    fs.writeSync(fd, Buffer.concat([kept, separator, configText(added)]));
    fs.closeSync(fd);
    fd = -1;
    const inDropped = (key: Buffer): boolean => {
      const text = escapedText(key);
      return text.startsWith('remote.') && dropped.has(text.slice('remote.'.length, text.lastIndexOf('.')));
    };
    const expected = Buffer.concat([...records.filter((r) => !inDropped(r.key)).map((r) => r.raw), ...added.map((r) => r.raw)]);
    const after = await runGit(['config', '-f', lock, '-z', '--list'], { cwd: repo.root, okCodes: [1, 128] });
    if (after.code > 1 || !after.stdout.equals(expected)) return false;
    fs.renameSync(lock, file);
    done = true;
    return true;
  } finally {
    if (fd >= 0) fs.closeSync(fd);
    if (!done) fs.rmSync(lock, { force: true });
  }
}
