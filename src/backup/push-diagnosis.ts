/**
 * Why a backup push failed, in words a person can act on. git's own report is terse: a push
 * whose pack cannot be built says only "[remote rejected] (unpacker error)" for the ref, while the
 * reason ("fatal: unable to read <oid>", "No space left on device") is on stderr. This reads both
 * and names the cause and what to do; the raw lines are kept next to it.
 */
export interface PushDiagnosis {
  /** What went wrong, one sentence. */
  cause: string;
  /** What to do about it: a command first. */
  fix: string;
}

/** git's error lines from a push's stderr (progress and "To <url>" lines dropped). */
export function errorLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^(fatal|error|remote: error|remote: fatal):/i.test(line) || /^remote: git-guard backup/.test(line));
}

const UNREADABLE = /(?:unable to read|bad object|missing (?:blob|tree|commit|tag) object|did not receive expected object|could not read)\s+([0-9a-f]{40,64})/gi;

/**
 * The objects git said it could not read while building the pack (each once, in order): what a
 * push that failed for a missing object leaves in its record (push-status.ts `missing`).
 */
export function unreadableObjects(stderr: string, rejections: string[]): string[] {
  const text = `${stderr}\n${rejections.join('\n')}`;
  return [...new Set([...text.matchAll(UNREADABLE)].map((m) => m[1]!.toLowerCase()))];
}

export function diagnosePush(stderr: string, rejections: string[]): PushDiagnosis | null {
  const text = `${stderr}\n${rejections.join('\n')}`;
  const missing = unreadableObjects(stderr, rejections)[0];
  if (missing || /pack-objects died|bad object|unable to read [0-9a-f]/i.test(text)) {
    return {
      cause: `an object the snapshots need is missing from this repository's history${missing ? ` (${missing})` : ''}, so git cannot build the pack to send (the backup's "unpacker error" only echoes that)`,
      fix: `run \`git fsck --full\` to see what is damaged; if the file is still in the working tree, \`git hash-object -w -- <file>\` writes its object back; then \`guard backup push\``,
    };
  }
  if (/No space left on device|ENOSPC|disk quota exceeded/i.test(text)) {
    return { cause: 'the disk that holds the backup is full', fix: 'free space there (or set backup.dir in .guard.yaml to another disk), then `guard backup push`' };
  }
  if (/Permission denied|EACCES|insufficient permission|read-only file system/i.test(text)) {
    return { cause: 'guard may not write into the backup (permissions or a read-only file system)', fix: 'make the backup directory writable for you (`guard backup status` shows where it is), then `guard backup push`' };
  }
  if (/shallow update not allowed/i.test(text)) {
    // The local backup takes shallow updates (store.ts); a remote one may not (GitHub does not).
    return {
      cause: 'this clone is shallow (made with `git clone --depth`) and the backup refuses a history that stops short',
      fix: '`git fetch --unshallow` gives this clone its whole history (then `guard backup push`); or, for a backup repository you own, `git -C <backup> config receive.shallowUpdate true`',
    };
  }
  if (/non-fast-forward|fetch first|stale info/i.test(text)) {
    // A chain only an older gc forked in the backup is mended before this is said (mend-fork.ts): here the backup's holds snapshots this one lacks.
    return { cause: 'the snapshot chain here no longer extends the one in the backup, which holds snapshots this one does not (retention rewrote the chain here, or another repository pushed into this backup)', fix: '`guard gc` brings both in line where retention rewrote the chain here; then `guard backup push`. Otherwise move the backup aside (`guard backup status` shows where; the old one keeps what only it has) and run `guard backup push`: it starts a new backup holding every snapshot here' };
  }
  if (/a backup never loses snapshots/.test(text)) {
    return { cause: 'the backup refused to lose snapshots (a deletion or a rewrite)', fix: '`guard gc` rewrites chains in the backup itself; then `guard backup push`' };
  }
  if (/does not appear to be a git repository|Could not read from remote|unable to access|Connection refused|Could not resolve host/i.test(text)) {
    return { cause: 'the backup could not be reached', fix: 'check backup.remote / backup.dir in .guard.yaml (`guard backup status`), then `guard backup push`' };
  }
  return null;
}
