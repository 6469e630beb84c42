/**
 * Which checked-out submodules hold work of their own that `git submodule update --force` throws
 * away: it runs `git checkout -f <recorded commit>` in each submodule it reaches, which discards
 * their modified and staged tracked files and overwrites untracked files where the commit tracks
 * them. Ignored files in the way are overwritten by a plain update too (git treats them as
 * expendable), so --force adds nothing there. Checked with real git 2.39.
 *
 * One `git status --porcelain=v2 -z --untracked-files=no --ignore-submodules=none` in the
 * superproject over the command's pathspecs: its `S<c><m><u>` field says, for each submodule,
 * whether it has tracked changes (m) or untracked files (u), git asking each checked-out
 * submodule once (its own nested submodules counted in it). -uno keeps the superproject's own
 * untracked walk out; the submodules' untracked files are still reported. A submodule not yet
 * initialised has no working tree and is not reported (an update only fills it).
 */
import { commandLinePathspecs } from './path.js';
import type { Repo } from './repo.js';
import { runGitSync, splitNulBytes } from './run.js';
import { hasSubmodules } from './submodule-recurse.js';

/**
 * The submodules (root-relative, git's bytes as latin1) under the pathspecs (relative to `cwd`;
 * none: every one) with tracked changes or untracked files; null where git cannot say.
 */
export function submodulesWithWork(repo: Repo, cwd: string, typed: readonly string[]): string[] | null {
  if (!hasSubmodules(repo)) return [];
  const asked = commandLinePathspecs(repo.root, cwd, typed);
  if (!asked) return null;
  const listed = runGitSync(['status', '--porcelain=v2', '-z', '--untracked-files=no', '--ignore-submodules=none', '--', ...asked.pathspecs], { cwd, okCodes: [128] });
  if (listed.code !== 0) return null;
  const fields = splitNulBytes(listed.stdout);
  const found: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const record = fields[i] as string;
    const kind = record[0];
    // 1 XY sub mH mI mW hH hI path; 2 XY sub mH mI mW hH hI Xscore path, then origPath; u XY sub m1 m2 m3 mW h1 h2 h3 path.
    const parts = record.split(' ');
    const at = kind === '1' ? 8 : kind === '2' ? 9 : kind === 'u' ? 10 : 0;
    if (kind === '2') i++;
    if (at === 0) continue;
    const sub = parts[2] ?? '';
    const name = parts.slice(at).join(' ');
    if (!sub.startsWith('S')) continue;
    // An unmerged submodule: whatever it holds, guard cannot tell it is clean.
    if (kind === 'u' || sub[2] === 'M' || sub[3] === 'U') found.push(name);
  }
  return found.filter(asked.keep);
}
