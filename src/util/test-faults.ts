/**
 * Test-only fault injection: the tests kill a rollback after a given step (to prove --resume and
 * --undo), make the agent hook crash or its snapshot slow (to prove that denies), fake the
 * watcher's inotify limit, kill its check-ignore, or hold its walk, a rescan or a protected
 * restore, hold a rollback after its plan,
 * coarsen the file times a snapshot reads, or skip the automatic backup push (what most tests
 * never look at). None of it ships:
 * scripts/build.mjs defines __GUARD_TEST_FAULTS__ as false for dist/ (what `npm run build`,
 * `npm pack` and users run), so these reads are compiled out and no environment variable can
 * change what guard does. Only dist-test/, which the test
 * suite builds for itself (`node scripts/build.mjs --test`; never packed), reads them, and
 * bin/guard.js runs it only for a process started with GUARD_TEST_BUNDLE=1 in a checkout that has
 * it. Source run directly (unit tests) has no definition: no faults either.
 */
declare const __GUARD_TEST_FAULTS__: boolean | undefined;

export type TestFault =
  | 'GUARD_TEST_KILL_AFTER_STEP'
  /** Colon-separated interpreters the git hook shims prefer to /bin/sh (githooks/install/shim.ts hookShell). */
  | 'GUARD_TEST_HOOK_SHELLS'
  /** Set: a write-back of rebase-merge/ (or another state directory) is killed once its temp copy is built. */
  | 'GUARD_TEST_KILL_IN_OPERATION_DIR'
  | 'GUARD_TEST_CRASH'
  | 'GUARD_TEST_SNAPSHOT_DELAY_MS'
  | 'GUARD_TEST_FAKE_WATCH_LIMIT'
  /** A file: while it exists, the check-ignore of every watcher walk dies on its first question. */
  | 'GUARD_TEST_CHECK_IGNORE_DIES_WHILE'
  /** A directory (relative): the watcher's walk waits before it lists it (watcher/ignored-dirs.ts). */
  | 'GUARD_TEST_WALK_PAUSE_AT'
  /**
   * A directory (relative; '' the root): a rescan's walk (one after reset(), watcher/ignored-dirs.ts)
   * waits before it lists it, each time the test has armed the pause (`<gitDir>/guard/test-rescan-pause`).
   */
  | 'GUARD_TEST_RESCAN_PAUSE_AT'
  /**
   * Set: a snapshot reads file and index times in whole seconds (snapshot/capture-worktree.ts,
   * scan-memo.ts), as on a file system whose clock moves in seconds: what a same-size edit within
   * one tick of that clock looks like, made deterministic.
   */
  /**
   * Set: the watcher's protected restore holds while the test has armed it
   * (`<gitDir>/guard/test-restore-hold`; watcher/protected-restore.ts): armed empty, before it
   * reads HEAD, the index and the content; armed `write`, after those reads, before its last
   * checks and the write.
   */
  | 'GUARD_TEST_RESTORE_HOLD'
  /**
   * Set: a rollback holds once it has planned, before its checks, while the test has armed it
   * (`<gitDir>/guard/test-rollback-hold`; restore/rollback.ts).
   */
  | 'GUARD_TEST_ROLLBACK_HOLD'
  /**
   * Set: a snapshot holds while the test has armed it (`<gitDir>/guard/test-snapshot-hold`;
   * snapshot/create.ts): armed empty, a full walk once its worktree scan is done, before it reads
   * the index tree; `raw`, once its tree is written, before it reads the raw files; `memo`, after
   * that read, before it signs them for the scan memo.
   */
  | 'GUARD_TEST_SNAPSHOT_HOLD'
  | 'GUARD_TEST_STAT_SECONDS'
  /**
   * Milliseconds: the agent hook's answer cache (agents/answer-cache.ts) takes its clock as that
   * far ahead, as a file system whose change times lag the clock (whole seconds; two on FAT) looks
   * to it: an allow judged from a file changed that recently must not be kept.
   */
  | 'GUARD_TEST_ANSWER_CLOCK_AHEAD_MS'
  /**
   * Set: the full walk signs a file's ctime as its mtime (snapshot/capture-worktree.ts). No one can
   * set a ctime, so a test cannot otherwise give an edit the lstat data of an edit made in the
   * clock tick of the previous look (which only a fast machine manages to do for real): with this
   * it sets the mtime (utimes) and gets exactly those data, whatever the machine's speed.
   */
  | 'GUARD_TEST_CTIME_AS_MTIME'
  /**
   * '1': no automatic backup push (backup/auto-push.ts: the detached pusher after a snapshot,
   * rollback, init or session end, the session start's own push; the watcher's pushes). The test
   * helpers set it by default (test/helpers/env.ts): each such push is a Node start and a git
   * push with receive-pack, pack-objects and unpack-objects, a fifth of guard's Node starts in a
   * typical command-state test file, and most tests never look at the backup. Tests of the
   * backup, the pusher, recover and what reads them opt back in (docs/DECISIONS.md).
   */
  | 'GUARD_TEST_NO_AUTO_PUSH';

/** true only in the test bundle; a constant the bundler folds, so guarded code is dropped from the product. */
export const TEST_FAULTS: boolean = typeof __GUARD_TEST_FAULTS__ !== 'undefined' && __GUARD_TEST_FAULTS__;

/** The fault's value in the test bundle; always undefined in the product. */
export function testFault(name: TestFault): string | undefined {
  return TEST_FAULTS ? process.env[name] : undefined;
}
