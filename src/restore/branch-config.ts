/**
 * Each branch's own config section back as the target recorded it (`branch.<name>.*`:
 * SnapshotMeta.branchConfig): remote and merge, and also pushRemote, rebase, description and any
 * other key. `git branch -D` removes the whole section with the branch, `git remote remove`
 * removes the remote and merge of every branch that tracked that remote (found on a clone of
 * pallets/flask, 2026-12-07: a rollback after `git branch -D feature` brought the branch back
 * with its upstream but without its description and pushRemote; after `git remote remove
 * origin` the undo of that rollback left the upstreams it had written, since `%(upstream)` is
 * empty for a branch whose remote is gone).
 *
 * Each change is compare-and-swap against the config read once before any write: a branch's
 * section is rewritten only while its keys are still exactly what the pre-rollback snapshot
 * recorded; otherwise (someone changed it since) it is left as it is. Rewritten as git's own
 * commands do it: `git config --remove-section` when it has keys, then one `git config --add` per
 * key of the target, in the recorded order. So a restored branch costs one process per key, as
 * the two keys of restore/upstreams.ts did; branches whose section is unchanged cost nothing.
 * Keys keep their values, not their spelling: the variable is written as git lists it (lower
 * case, `pushremote`, which git reads as `pushRemote`), a key written without a value
 * (`[branch "x"] rebase`) comes back as `= true`, and the section comes back at the end of the file.
 */
import type { Repo } from '../git/repo.js';
import { refNameBytes, refNameOf } from '../git/ref-name.js';
import { runGit, runGitBytes, splitNulBytes } from '../git/run.js';
import { escapedBytes, escapedText } from '../util/escaped-text.js';
import type { Snapshot } from '../snapshot/format.js';

export type ConfigPair = [string, string | null];

/** A branch's config section going back to the target's. */
export interface BranchConfigChange {
  /** The branch's refname (refs/heads/...). */
  ref: string;
  /** The keys now (the pre-rollback snapshot's); [] when it has none. */
  from: ConfigPair[];
  /** The keys after the rollback; [] when the section goes (a branch the rollback deletes). */
  to: ConfigPair[];
}

/**
 * The branch name of `refs/heads/<name>` as ref-name.ts writes it (`caf\351` for bytes that are
 * not UTF-8, the form the snapshot's refs and sections have), or null for another ref.
 */
function branchName(ref: string): string | null {
  if (!ref.startsWith('refs/heads/')) return null;
  return ref.slice('refs/heads/'.length);
}

/** `branch.<name>[.<variable>]` as the bytes git config is given (the name's bytes, ref-name.ts). */
function keyBytes(name: string, variable?: string): Buffer {
  return Buffer.concat([Buffer.from('branch.'), refNameBytes(name), Buffer.from(variable === undefined ? '' : `.${variable}`)]);
}

/**
 * The branches whose section differs between now and the target, for the branches the target
 * keeps (a branch it deletes loses its section, as `git branch -D` would). Null when either
 * snapshot was written before sections were recorded (then restore/upstreams.ts does the
 * upstreams alone, as before); branches in `leftAlone` (checked out elsewhere) are not touched.
 */
export function planBranchConfig(now: Snapshot, target: Snapshot, leftAlone: Set<string>): BranchConfigChange[] | null {
  if (!now.branchConfig || !target.branchConfig) return null;
  const changes: BranchConfigChange[] = [];
  const names = new Set([...Object.keys(now.branchConfig), ...Object.keys(target.branchConfig)]);
  for (const ref of [...names].sort()) {
    if (leftAlone.has(ref) || branchName(ref) === null) continue;
    const from = now.branchConfig[ref] ?? [];
    const to = target.refs[ref] !== undefined ? (target.branchConfig[ref] ?? []) : [];
    // A branch the target does not have and whose section now is a leftover is left alone too.
    if (target.refs[ref] === undefined && now.refs[ref] === undefined) continue;
    if (JSON.stringify(from) !== JSON.stringify(to)) changes.push({ ref, from, to });
  }
  return changes;
}

/** Every local `branch.<name>.*` key now, by branch name, in the config's order (one process). */
async function currentSections(repo: Repo): Promise<Map<string, ConfigPair[]>> {
  const listed = await runGit(['config', '--local', '-z', '--get-regexp', '^branch\\..+\\.[^.]+$'], { cwd: repo.root, okCodes: [1] });
  const sections = new Map<string, ConfigPair[]>();
  // Read as the snapshot records them (mode-rules.ts): the name as ref-name.ts writes it, the
  // value as escaped text, so a name or value that is not UTF-8 compares equal to its record.
  for (const record of splitNulBytes(listed.stdout)) {
    const eol = record.indexOf('\n');
    const key = Buffer.from(eol < 0 ? record : record.slice(0, eol), 'latin1');
    const value = eol < 0 ? null : escapedText(Buffer.from(record.slice(eol + 1), 'latin1'));
    const dot = key.lastIndexOf(0x2e);
    const name = refNameOf(key.subarray('branch.'.length, dot));
    sections.set(name, [...(sections.get(name) ?? []), [key.subarray(dot + 1).toString('latin1'), value]]);
  }
  return sections;
}

/** Applies the plan's section changes, each only while the config still holds what the plan saw. */
export async function restoreBranchConfig(repo: Repo, changes: BranchConfigChange[] | undefined): Promise<void> {
  if (!changes || changes.length === 0) return;
  const sections = await currentSections(repo);
  for (const change of changes) {
    const name = branchName(change.ref)!;
    const current = sections.get(name) ?? [];
    // Changed since the pre-rollback snapshot: left as it is.
    if (JSON.stringify(current) !== JSON.stringify(change.from)) continue;
    // Code 128: an emptied `[branch "x"]` header is all there is (nothing to remove).
    // The name and values as their bytes (runGitBytes: plain runGit when they are UTF-8).
    if (current.length > 0) await runGitBytes(['config', '--local', '--remove-section', keyBytes(name)], { cwd: repo.root, okCodes: [128] });
    for (const [variable, value] of change.to) {
      await runGitBytes(['config', '--local', '--add', keyBytes(name, variable), value === null ? 'true' : escapedBytes(value)], { cwd: repo.root });
    }
  }
}
