/**
 * Decides an agent's file tool (Write, Edit, Delete, a patch ...) on one path. Guard's own files
 * are never an agent's to change, because changing them switches protection off:
 *  - anything inside the git directory (refs, packed-refs, HEAD, config, hooks): rule `guard-refs`,
 *    or `hooks-disable` for the hooks directory and the config (core.hooksPath);
 *  - `.guard.yaml` and every agent's hook settings (GUARD_FILES_IN_REPO): rule `hooks-disable`;
 *  - the protected paths of the policy (`protect.paths`): rule `agent-file-edit-protected`.
 * Each rule's agent mode from the policy applies (enforce: deny, warn: allow and journal, off).
 * Paths are resolved through symlinks, so a link into `.git` is judged by where it points.
 * Paths outside the worktree are not guard's to judge (the command guard handles `rm -rf ~`),
 * except an existing file reached through a symlink inside the repository, which is refused.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { compileGlob, modeFor, normalizeRepoPath, protectingPathGlob, type MatchPolicy } from '../policy/match.js';
import { CONFIG_FILE_NAME, type Mode, type RuleId } from '../policy/schema.js';
import { GUARD_FILES_IN_REPO } from '../policy/command/paths.js';

export interface FileFinding {
  rule: RuleId;
  mode: Exclude<Mode, 'off'>;
  /** Repository-relative path (or the git-dir path) that was judged. */
  path: string;
  reason: string;
  instead: string;
}

/** Resolves symlinks of the longest existing prefix (the file itself may not exist yet). */
function realish(absolute: string): string {
  let existing = absolute;
  const rest: string[] = [];
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) return absolute;
    rest.unshift(path.basename(existing));
    existing = parent;
  }
  try {
    return path.join(fs.realpathSync(existing), ...rest);
  } catch {
    return absolute;
  }
}

function inside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

let guardGlobs: Array<{ glob: string; test: (p: string) => boolean }> | undefined;
/**
 * guard's own files in the worktree: the command guard's list (so `rm .cursor/hooks.json` and a
 * Write to it are judged alike); a test checks that it covers every file the agents' installs write.
 */
function guardFileGlob(relative: string): string | null {
  guardGlobs ??= [...new Set([CONFIG_FILE_NAME, ...GUARD_FILES_IN_REPO])].map((glob) => ({ glob, test: compileGlob(glob) }));
  return guardGlobs.find((g) => g.test(relative))?.glob ?? null;
}

function finding(policy: MatchPolicy, rule: RuleId, file: string, reason: string, instead: string): FileFinding | null {
  const mode = modeFor(policy, rule, 'agent');
  return mode === 'off' ? null : { rule, mode, path: file, reason, instead };
}

export function checkFileTarget(repo: Repo, policy: MatchPolicy, target: string, cwd: string): FileFinding | null {
  const absolute = realish(path.resolve(cwd, target));
  for (const gitDir of new Set([realish(repo.gitDir), realish(repo.commonDir)])) {
    if (!inside(absolute, gitDir)) continue;
    const within = normalizeRepoPath(path.relative(gitDir, absolute));
    const disablesHooks = within === 'config' || within === 'hooks' || within.startsWith('hooks/');
    return finding(
      policy,
      disablesHooks ? 'hooks-disable' : 'guard-refs',
      absolute,
      `${absolute} is inside the git directory, which holds the refs, hooks and snapshots guard relies on; agents may not change it with file tools`,
      'use git commands (they are checked and recoverable), or ask the person to make this change',
    );
  }
  const root = realish(repo.root);
  if (!inside(absolute, root)) {
    // A path in the repository that a symlink leads out of it: the write would change a file
    // outside, which no snapshot holds (a new file there destroys nothing).
    const located = path.resolve(realish(cwd), target);
    if (inside(located, root) && located !== root && fs.existsSync(absolute)) {
      return finding(
        policy,
        'agent-file-edit-protected',
        normalizeRepoPath(path.relative(root, located)),
        `${normalizeRepoPath(path.relative(root, located))} is a symbolic link to ${absolute}, outside the repository: changing it there cannot be undone with guard rollback`,
        'edit the file where it really is only if the person asks for it, or copy it into the repository first',
      );
    }
    return null;
  }
  const relative = normalizeRepoPath(path.relative(root, absolute));
  if (relative === '') return null;
  if (relative === '.git' || relative.startsWith('.git/')) {
    // A linked worktree's or submodule's `.git` file points at its git directory.
    return finding(policy, 'guard-refs', relative, `${relative} links this worktree to its git directory`, 'leave it alone; use git commands instead');
  }
  const settings = guardFileGlob(relative);
  if (settings) {
    return finding(
      policy,
      'hooks-disable',
      relative,
      `${relative} configures git-guard or an agent's hooks; changing it could switch the protection off`,
      'ask the person to edit it (guard init / guard config manage these files)',
    );
  }
  const glob = protectingPathGlob(policy, relative);
  if (glob) {
    return finding(
      policy,
      'agent-file-edit-protected',
      relative,
      `${relative} is a protected path (matches "${glob}" in protect.paths)`,
      'ask the person to make this change, or remove the path from protect.paths in .guard.yaml',
    );
  }
  return null;
}
