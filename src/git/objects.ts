/**
 * Small typed wrappers over git plumbing that writes objects. Every commit guard writes carries
 * a fixed identity so snapshots never depend on (or fail for lack of) the user's user.name.
 */
import type { Repo } from './repo.js';
import { gitText, runGit } from './run.js';

export const GUARD_IDENTITY = {
  GIT_AUTHOR_NAME: 'git-guard',
  GIT_AUTHOR_EMAIL: 'guard@localhost',
  GIT_COMMITTER_NAME: 'git-guard',
  GIT_COMMITTER_EMAIL: 'guard@localhost',
};

/**
 * The committer line of every commit guard writes (snapshots, their index and keeper commits, the
 * chain root, keep commits; `guard gc` keeps it when it rewrites the chain). The hooks find guard's
 * commits in what is being pushed by it (`git rev-list -F --committer=...`); hooks/pre-push.sh
 * spells the same string.
 */
export const GUARD_COMMITTER = `${GUARD_IDENTITY.GIT_COMMITTER_NAME} <${GUARD_IDENTITY.GIT_COMMITTER_EMAIL}>`;

/**
 * A message this short goes on the command line (`-m`): commit-tree then runs at once instead of
 * waiting for its stdin to be closed, which a busy caller can delay by several ms (the watcher
 * daemon closes it from its event loop, after spawning the next process). `-m` adds a newline only
 * to a message without a final one, so a message that ends with one is recorded byte for byte as
 * from stdin. A longer one (a snapshot's metadata lists every ref) stays on stdin: the kernel takes
 * at most 128 KiB in one argument.
 */
const MAX_MESSAGE_ARGUMENT = 16 * 1024;

export async function commitTree(repo: Repo, tree: string, parents: string[], message: string, env: Record<string, string> = {}): Promise<string> {
  const onCommandLine = message.endsWith('\n') && !message.includes('\0') && message.length <= MAX_MESSAGE_ARGUMENT;
  return gitText(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), ...(onCommandLine ? ['-m', message] : [])], {
    cwd: repo.root,
    ...(onCommandLine ? {} : { input: message }),
    // commit.gpgSign does not apply to commit-tree unless -S is given; hooks do not run for it.
    env: { ...GUARD_IDENTITY, ...env },
  });
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  oid: string;
  name: string;
}

/** Writes a flat tree (names must not contain '/'). */
export async function makeTree(repo: Repo, entries: TreeEntry[]): Promise<string> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`).join('');
  // -z: NUL-terminated input, so names may hold any byte but NUL and '/'.
  return gitText(['mktree', '-z'], { cwd: repo.root, input });
}

export async function hashBlob(repo: Repo, content: Buffer | string): Promise<string> {
  return gitText(['hash-object', '-w', '-t', 'blob', '--stdin'], { cwd: repo.root, input: content });
}

export async function emptyTree(repo: Repo): Promise<string> {
  return makeTree(repo, []);
}

export async function objectExists(repo: Repo, oid: string): Promise<boolean> {
  const result = await runGit(['cat-file', '-e', oid], { cwd: repo.root, okCodes: [1, 128] });
  return result.code === 0;
}

/** The all-zero oid of this repository's hash (sha1 or sha256). */
export function zeroOid(sample: string): string {
  return '0'.repeat(sample.length === 64 ? 64 : 40);
}
