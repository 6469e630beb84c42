/**
 * A hermetic environment for every git and guard process a test starts: own HOME, no global or
 * system git config, fixed identity and dates (stable SHAs), no agent markers inherited from the
 * shell that runs the tests (they would tighten policy), and guard's data dirs inside the temp dir.
 */
import path from 'node:path';

const AGENT_MARKERS = [
  'CLAUDECODE',
  'CLAUDE_PROJECT_DIR',
  'CURSOR_AGENT',
  'GEMINI_CLI',
  'CODEX_THREAD_ID',
  'CODEX_SANDBOX',
  'OPENCODE',
  'COPILOT_CLI',
];

export const FIXED_DATE = '2026-01-01T00:00:00Z';

/**
 * The tests run the test bundle (dist-test/: the product's code with the test faults compiled in,
 * src/util/test-faults.ts) with no automatic backup push (GUARD_TEST_NO_AUTO_PUSH=1): every
 * snapshot, rollback, init and session end started a detached pusher (a Node start, a git push
 * with receive-pack, pack-objects, unpack-objects; a fifth of guard's Node starts in a typical
 * command-state file) that no test there looks at. A file that looks at the backup, the pusher,
 * its lock or log, recover, or counts processes the push adds calls realBackupPushInFile() at its
 * top; a single test, realBackupPush(repo) before its first guard command. The product test
 * (test-faults.test.ts) and the packed install (e2e/packed) run dist/, which ignores both.
 */
const NO_AUTO_PUSH = { GUARD_TEST_BUNDLE: '1', GUARD_TEST_NO_AUTO_PUSH: '1' };
let autoPushInFile = false;

/** This test file's repositories push to the backup after each snapshot, as the product does. */
export function realBackupPushInFile(): void {
  autoPushInFile = true;
}

/** This repository's guard pushes to the backup after each snapshot from now on, as the product does. */
export function realBackupPush(repo: { env: NodeJS.ProcessEnv }): void {
  delete repo.env.GUARD_TEST_NO_AUTO_PUSH;
}

export function hermeticEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key.startsWith('GIT_') || key.startsWith('GUARD_') || AGENT_MARKERS.includes(key)) delete env[key];
  }
  // Node 20 parses the bundle NODE_EXTRA_CA_CERTS names at every start (37 ms of CPU for Debian's, more
  // than the rest of `node -e 0`; docs/BENCHMARKS.md), and these machines and CI set it. No process a
  // test starts opens a TLS connection, and the tests run guard's Node thousands of times. The hand-over
  // of the variable around guard's own Node is tested with it set on purpose (own-node-ca-certs.test.ts).
  delete env.NODE_EXTRA_CA_CERTS;
  Object.assign(env, {
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_STATE_HOME: path.join(home, '.local', 'state'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_AUTHOR_DATE: FIXED_DATE,
    GIT_COMMITTER_DATE: FIXED_DATE,
    LC_ALL: 'C',
    TZ: 'UTC',
    NO_COLOR: '1',
    CI: 'true',
    ...(autoPushInFile ? { GUARD_TEST_BUNDLE: '1' } : NO_AUTO_PUSH),
    ...extra,
  });
  return env;
}
