/**
 * The git aliases the repository's configuration defines (its own, the worktree's, the global
 * and the system config, with their includes: git reads them, never guard). `git nuke HEAD~1`
 * where `alias.nuke` is `reset --hard` was "no destructive command found": the command guard
 * knew only aliases given on the command line (`-c alias.x=...`).
 *
 * Asked only for a git subcommand that is not one of git's own commands (an alias cannot shadow
 * those: git runs its own), so the everyday git lines cost nothing more; one `git config` then.
 */
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

/** Alias name (as git lowercases config keys) -> its value. Empty where none, or where git cannot be asked. */
export function configAliases(repo: Repo): Map<string, string> {
  const out = new Map<string, string>();
  // Exit 1: no alias at all.
  const read = runGitSync(['config', '-z', '--get-regexp', '^alias\\.'], { cwd: repo.root, okCodes: [1] });
  if (read.code !== 0) return out;
  // -z: "<key>\n<value>\0" per entry.
  for (const entry of read.stdout.toString('utf8').split('\0')) {
    const eol = entry.indexOf('\n');
    if (eol < 0) continue;
    const key = entry.slice(0, eol);
    if (key.startsWith('alias.')) out.set(key.slice('alias.'.length), entry.slice(eol + 1));
  }
  return out;
}
