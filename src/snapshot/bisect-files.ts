/**
 * git's files of a bisect in progress (format.ts `operationState.dirs.bisect`; docs/snapshot-format.md
 * owns the field): BISECT_LOG (what `git bisect log` prints and `replay` replays), BISECT_START
 * (where `git bisect reset` goes back to), BISECT_TERMS, BISECT_EXPECTED_REV, BISECT_ANCESTORS_OK,
 * BISECT_NAMES, BISECT_FIRST_PARENT, BISECT_RUN, BISECT_HEAD (--no-checkout, files backend). They
 * lie beside HEAD in this worktree's own git directory, not in a directory of their own, so they
 * are recorded as one tree of the files whose names start with BISECT_ (read like a state
 * directory: operation-dirs.ts) and written back file by file. The terms themselves are refs
 * (refs/bisect/*), recorded with the other refs (repo-state.ts PER_WORKTREE_REFS).
 *
 * Without them a rollback after an agent's `git bisect reset` brought back HEAD and the refs but
 * no bisect: `git bisect log` said "We are not bisecting" and the person had to mark every commit again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import { pidSpaceTag } from '../util/process-alive.js';
import { childPath, readOperationDir, type DirRead, type HashName } from './operation-dirs.js';

const PREFIX = 'BISECT_';

/** Whether git's file `name` of the git directory belongs to a bisect (its own lock files aside). */
function isBisectFile(name: string): boolean {
  return name.startsWith(PREFIX) && !name.endsWith('.lock');
}

/** The BISECT_* files of the git directory `gitDir` as a tree; null when there is none. Only `fs`. */
export async function readBisectFiles(gitDir: string, hash: HashName): Promise<DirRead | null> {
  const read = await readOperationDir('bisect', gitDir, hash, isBisectFile);
  return read && 'files' in read && read.files.length === 0 ? null : read;
}

/** The names of the files a bisect tree holds, for people: "BISECT_*". */
export const BISECT_LABEL = `${PREFIX}*`;

/**
 * Puts the BISECT_* files of `gitDir` from what `from` recorded (its tree id; null: none) to
 * `files` (null: none), after checking they are on disk what `from` recorded (compare-and-swap: a
 * bisect started or stepped since is never overwritten or removed). Each file is written under a
 * temp name and renamed; BISECT_START, which tells git a bisect is in progress, goes last, and
 * first when the files go, so an interruption never leaves a bisect git would act on half written.
 */
export async function writeBisectFiles(gitDir: string, hash: HashName, from: string | null, files: Array<{ name: string; content: Buffer }> | null): Promise<void> {
  const disk = await readBisectFiles(gitDir, hash);
  const onDisk = disk === null ? null : 'tree' in disk ? disk.tree : 'unrecorded';
  if (onDisk !== from) {
    throw new GuardError('refused', `git's bisect files (BISECT_* in ${gitDir}) are not what the rollback planned from (${onDisk === null ? 'they are gone' : from === null ? 'a bisect was started meanwhile' : 'they changed meanwhile'}); git's operation state was left as it is`, {
      hints: ['Finish the bisect (`git bisect reset`), then run the rollback again: it plans from the new state.'],
    });
  }
  const present = disk && 'files' in disk ? disk.files.map((f) => f.name) : [];
  const wanted = new Set((files ?? []).map((f) => f.name));
  const last = (a: { name: string }, b: { name: string }): number => Number(a.name === 'BISECT_START') - Number(b.name === 'BISECT_START');
  for (const name of present.filter((n) => !wanted.has(n)).sort((a, b) => -last({ name: a }, { name: b }))) {
    await fs.rm(childPath(gitDir, name), { force: true });
  }
  for (const file of [...(files ?? [])].sort(last)) {
    const tmp = Buffer.concat([Buffer.from(gitDir + path.sep), Buffer.from(`.${file.name}.guard-${process.pid}.${pidSpaceTag()}`, 'latin1')]);
    await fs.writeFile(tmp, file.content);
    await fs.rename(tmp, childPath(gitDir, file.name));
  }
}
