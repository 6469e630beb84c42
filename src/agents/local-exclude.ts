/**
 * Keeps an agent's clone-local settings file (Claude Code's `.claude/settings.local.json`, which
 * holds guard's hooks) out of git, as Claude Code's own convention wants it: by a line in
 * `<commonDir>/info/exclude`, which is this clone's alone (nothing tracked changes).
 *
 * Why: `guard init` left the file untracked where the project does not ignore it already. Then
 * every `git clean -fd` an agent ran was denied (guard-self: the clean would delete guard's hooks),
 * `git status` showed it to everyone, and an agent's `git add -A` committed a file meant for one
 * clone. Ignored, `git clean -fd` leaves it and is judged on what it really deletes; `git clean
 * -fdx` and `rm` of it are still denied (the guard-self rule judges the file, ignored or not).
 *
 * Added only where git reports the file untracked and not ignored (tracked: someone committed it
 * on purpose; ignored: nothing to do). Removed by `guard uninstall` only while the two lines are
 * still there as guard wrote them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { runGitSync } from '../git/run.js';

const COMMENT = "# git-guard: this clone's own agent settings, which hold guard's hooks (`guard uninstall` removes these lines)";

function excludeFile(repo: Pick<Repo, 'commonDir'>): string {
  return path.join(repo.commonDir, 'info', 'exclude');
}

/** The exclude line for a path relative to the worktree root: anchored, special characters escaped. */
function lineFor(file: string): string {
  return `/${file.replace(/[\\*?[!#]/g, (c) => `\\${c}`)}`;
}

/** Is `file` (relative to the root) untracked and not ignored? One `git status` of that path. */
function untrackedNotIgnored(repo: Pick<Repo, 'root'>, file: string): boolean {
  const out = runGitSync(['status', '--porcelain=v2', '-z', '--untracked-files=all', '--ignored=matching', '--', `:(literal)${file}`], { cwd: repo.root });
  return out.stdout.toString('latin1').split('\0').some((entry) => entry.startsWith('? '));
}

/**
 * Adds the exclude line for `file` where git reports it untracked and not ignored. Returns the
 * line added, or null when nothing was needed.
 */
export function excludeLocalFile(repo: Pick<Repo, 'root' | 'commonDir'>, file: string): string | null {
  if (!untrackedNotIgnored(repo, file)) return null;
  const target = excludeFile(repo);
  const line = lineFor(file);
  let text = '';
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  }
  if (text.split('\n').includes(line)) return null; // there, yet the file is not ignored: another rule re-includes it
  const lead = text === '' || text.endsWith('\n') ? '' : '\n';
  fs.appendFileSync(target, `${lead}${COMMENT}\n${line}\n`);
  return line;
}

/** Removes what excludeLocalFile added for `file`, where both lines are still as it wrote them. */
export function removeLocalExclude(repo: Pick<Repo, 'commonDir'>, file: string): boolean {
  const target = excludeFile(repo);
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch {
    return false;
  }
  const block = `${COMMENT}\n${lineFor(file)}\n`;
  if (!text.includes(block)) return false;
  fs.writeFileSync(target, text.replace(block, ''));
  return true;
}

/** Where a session start notes the files it found ignored or tracked already, so it asks git once. */
function checkedMemo(repo: Pick<Repo, 'gitDir'>): string {
  return path.join(repo.gitDir, 'guard', 'local-exclude-checked');
}

/**
 * For a clone set up before `guard init` kept the file out of git: at a session start, the same
 * exclude line, where git reports the file untracked and not ignored. No git process once the
 * line is there (a read of info/exclude) or once git said it is ignored or tracked already (a
 * memo in <gitDir>/guard); one `git status` of that one path before. Returns the line added, or null.
 */
export function refreshLocalExclude(repo: Pick<Repo, 'root' | 'commonDir' | 'gitDir'>, file: string): string | null {
  if (!fs.existsSync(path.join(repo.root, file))) return null;
  let text = '';
  try {
    text = fs.readFileSync(excludeFile(repo), 'utf8');
  } catch {
    // no info/exclude yet: excludeLocalFile makes it
  }
  if (text.split('\n').includes(lineFor(file))) return null;
  const memo = checkedMemo(repo);
  let checked: string[] = [];
  try {
    checked = fs.readFileSync(memo, 'utf8').split('\n');
  } catch {
    // not asked yet
  }
  if (checked.includes(file)) return null;
  const line = excludeLocalFile(repo, file);
  if (!line) {
    fs.mkdirSync(path.dirname(memo), { recursive: true });
    fs.appendFileSync(memo, `${file}\n`);
  }
  return line;
}
