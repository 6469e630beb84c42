/**
 * The ignored files a session-start snapshot captures (snapshot.ignoredAtSessionStart).
 *
 * The command guard captures an ignored file (`.env`, `local.db`) before a command it can read
 * deletes or overwrites it (`rm local.db`, `git clean -x`, `git pull` over `.env`). What it cannot
 * read runs without that: a package script (`npm run db:reset`), a make target, a Python or Node
 * script, a tool that resets its own database, an agent whose git hooks are off. The watcher does
 * not follow ignored files, so nothing held them and no rollback could give them back. Captured
 * at the session's start, a rollback to that snapshot (or `guard rollback <start> --paths .env`)
 * gives them back whatever ran afterwards.
 *
 * Which files: every ignored file that is not regenerable output (commands.regenerable, the list
 * the command guard uses: node_modules, dist, build ...), not over snapshot.maxFileSize, smallest
 * first until the byte budget or MAX_FILES is reached; the rest is counted as left
 * out (the journal says so). Not while backup.remote is set: the files may hold secrets, and the
 * session-start snapshot is pushed there. Cost: one `ls-files --others --ignored --directory`, one
 * more only where ignored directories are not regenerable, and an lstat per file listed.
 */
import type { Repo } from '../git/repo.js';
import type { GitPath } from '../git/path.js';
import { ignoredEntriesOfWorktree } from '../git/path-facts.js';
import type { Policy } from '../policy/schema.js';

export interface StartCapture {
  /** Repo-relative byte strings (latin1), as createSnapshot's captureIgnored takes them. */
  files: GitPath[];
  bytes: number;
  /** Ignored, non-regenerable files not captured (over the budget, over maxFileSize, too many to list). */
  leftOut: { files: number; bytes: number; examples: GitPath[] };
  /** Why the ignored files could not be listed (nothing captured), when git failed. */
  error?: string;
}

/**
 * At most this many files: each later snapshot of the session carries a record of each while it
 * is unchanged (`heldIgnored`, about 130 bytes), so a rollback to it brings the file back too.
 */
export const MAX_FILES = 200;

const none = (): StartCapture => ({ files: [], bytes: 0, leftOut: { files: 0, bytes: 0, examples: [] } });

/** Never rejects: the capture adds safety, it never fails a session start (the error goes to the journal). */
export async function sessionStartCapture(repo: Pick<Repo, 'root'>, policy: Pick<Policy, 'snapshot' | 'backup' | 'commands'>): Promise<StartCapture> {
  const budget = policy.snapshot.ignoredAtSessionStart;
  // Off: the budget is 0, or backup.remote is set (guard status says so).
  if (budget <= 0 || policy.backup.remote) return none();
  let entries: Awaited<ReturnType<typeof ignoredEntriesOfWorktree>>;
  try {
    entries = await ignoredEntriesOfWorktree(repo, { regenerable: policy.commands.regenerable });
  } catch (error) {
    return { ...none(), error: (error as Error).message.split('\n')[0] ?? 'unknown error' };
  }
  if (entries === null) return none();
  const candidates: Array<{ path: GitPath; size: number }> = [];
  const leftOut = { files: 0, bytes: 0, examples: [] as GitPath[] };
  const leave = (path: string, size: number): void => {
    leftOut.files++;
    leftOut.bytes += size;
    if (leftOut.examples.length < 5) leftOut.examples.push(path as GitPath);
  };
  const maxFileSize = policy.snapshot.maxFileSize;
  for (const entry of entries) {
    if (entry.regenerable) continue;
    // More files than describeIgnored lists one by one: the directory is left out as a whole.
    if (entry.files === null) {
      leave(entry.path, 0);
      continue;
    }
    for (const file of entry.files) {
      // A nested repository (`dir/`) is not captured file by file.
      if (file.path.endsWith('/')) continue;
      if (maxFileSize > 0 && file.size > maxFileSize) leave(file.path, file.size);
      else candidates.push({ path: file.path as GitPath, size: file.size });
    }
  }
  candidates.sort((a, b) => a.size - b.size || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const files: GitPath[] = [];
  let bytes = 0;
  for (const candidate of candidates) {
    if (bytes + candidate.size > budget || files.length >= MAX_FILES) leave(candidate.path, candidate.size);
    else {
      files.push(candidate.path);
      bytes += candidate.size;
    }
  }
  return { files, bytes, leftOut };
}
