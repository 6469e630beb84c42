/**
 * Branch upstreams back as the target recorded them (`branch.<name>.remote` and
 * `branch.<name>.merge`, SnapshotMeta.upstreams). `git branch -D` removes them with the branch,
 * and a branch brought back by its ref alone no longer knows where `git pull` and `git push` go
 * (found on a clone of pallets/flask, 2026-12-07: `git branch -D stable` of a branch tracking
 * origin/stable, then a rollback). Each change is compare-and-swap against the config: the keys
 * are written, changed or removed only while both are still what the pre-rollback snapshot
 * recorded (neither, for a branch that had none); a key git holds twice (a `branch.x.merge` for
 * an octopus pull) is never touched. Only those two keys: a branch's description or pushRemote is
 * not recorded, and an emptied `[branch "x"]` header stays, as `git config --unset` leaves it.
 */
import type { Repo } from '../git/repo.js';
import { runGit, splitNul } from '../git/run.js';
import type { UpstreamChange } from './plan.js';

/** The branch name of `refs/heads/<name>`, or null when it is not one git config can name here. */
function branchName(ref: string): string | null {
  // ref-name.ts writes a name that is not UTF-8 with backslash escapes, which no ref name holds.
  if (!ref.startsWith('refs/heads/') || ref.includes('\\')) return null;
  return ref.slice('refs/heads/'.length);
}

/** `branch.<name>.remote` and `.merge` as the config has them now: each key's values, in order. */
async function currentValues(repo: Repo): Promise<Map<string, string[]>> {
  // -z: "<key>\n<value>\0"; the subsection (the branch name) keeps its case and bytes.
  const listed = await runGit(['config', '--local', '-z', '--get-regexp', '^branch\\..*\\.(remote|merge)$'], { cwd: repo.root, okCodes: [1] });
  const values = new Map<string, string[]>();
  for (const record of splitNul(listed.stdout)) {
    const eol = record.indexOf('\n');
    const key = eol < 0 ? record : record.slice(0, eol);
    const value = eol < 0 ? '' : record.slice(eol + 1);
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}

/**
 * Applies the plan's upstream changes, each only while the config still holds what the plan saw.
 */
export async function restoreUpstreams(repo: Repo, changes: UpstreamChange[] | undefined): Promise<void> {
  if (!changes || changes.length === 0) return;
  const values = await currentValues(repo);
  for (const change of changes) {
    const name = branchName(change.ref);
    if (name === null) continue;
    const keys = { remote: `branch.${name}.remote`, merge: `branch.${name}.merge` };
    const remote = values.get(keys.remote) ?? [];
    const merge = values.get(keys.merge) ?? [];
    const asPlanned = change.from === null ? remote.length === 0 && merge.length === 0 : remote.length === 1 && merge.length === 1 && remote[0] === change.from.remote && merge[0] === change.from.merge;
    // Changed since the pre-rollback snapshot (or held twice): left as it is.
    if (!asPlanned) continue;
    if (change.to === null) {
      await runGit(['config', '--local', '--unset', keys.remote], { cwd: repo.root, okCodes: [5] });
      await runGit(['config', '--local', '--unset', keys.merge], { cwd: repo.root, okCodes: [5] });
    } else {
      await runGit(['config', '--local', keys.remote, change.to.remote], { cwd: repo.root });
      await runGit(['config', '--local', keys.merge, change.to.merge], { cwd: repo.root });
    }
  }
}
