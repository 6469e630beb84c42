/**
 * core.ignoreCase: git sets it at `git init`/`git clone` where the file system folds case (macOS's
 * default APFS and HFS+, a FAT or exFAT volume). There a command that names `.ENV` reaches the
 * file `.env`: the command guard then looks up the name the directory holds (path-facts.ts,
 * spelledOnDisk).
 *
 * Asked without a git process where no config file git reads by default, and nothing in the
 * environment, mentions `ignorecase` or an `include`: the setting is then false (its default), and
 * that is the common case on Linux. Otherwise one `git config --type=bool --get core.ignoreCase`,
 * git reading its own format (includes, the last value winning). A value git cannot read makes
 * every git command die, but not the agent's `rm`: it counts as true, which only makes guard look
 * at more names.
 */
import fs from 'node:fs';
import { configFiles } from './config-files.js';
import type { Repo } from './repo.js';
import { runGitSync } from './run.js';

/** A config file's bytes mention the key or an include (either may set it); case-insensitive, as git's keys are. */
const MENTION = /ignorecase|include/i;

function mentioned(file: string): boolean {
  try {
    return MENTION.test(fs.readFileSync(file).toString('latin1'));
  } catch {
    return false;
  }
}

/** Settings given on a command line above this process (`git -c core.ignoreCase=true`, GIT_CONFIG_COUNT). */
function setInEnvironment(): boolean {
  return Object.keys(process.env).some((key) => key === 'GIT_CONFIG_PARAMETERS' || key === 'GIT_CONFIG_COUNT');
}

export function ignoresCase(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>): boolean {
  if (!setInEnvironment() && !configFiles(repo).some(mentioned)) return false;
  const read = runGitSync(['config', '--type=bool', '--get', 'core.ignorecase'], { cwd: repo.root, okCodes: [1, 128] });
  return read.code === 128 || (read.code === 0 && read.stdout.toString('utf8').trim() === 'true');
}
