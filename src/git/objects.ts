/**
 * Small typed wrappers over git plumbing that writes objects. Every commit guard writes carries
 * a fixed identity so snapshots never depend on (or fail for lack of) the user's user.name.
 */
import { writeObjects } from './batch-objects.js';
import { objectPipesOf } from './object-pipes.js';
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
  // The watcher daemon keeps a hash-object process running (object-pipes.ts): there the commit is
  // written as the very bytes commit-tree would write, without starting a process (3 of a
  // snapshot's 10 process starts, in sequence, after a commit).
  const pipes = objectPipesOf(repo);
  if (pipes) {
    // A keeper names its tree as `<commit>^{tree}`: the running cat-file says which it is.
    const named = /^([0-9a-f]+)\^\{tree\}$/.exec(tree) ? (await pipes.readObjects([tree]))[0] : null;
    const body = commitBody(named?.type === 'tree' ? named.oid : tree, parents, message, env);
    if (body) return (await writeObjects(repo, 'commit', [body]))[0]!;
  }
  const onCommandLine = message.endsWith('\n') && !message.includes('\0') && message.length <= MAX_MESSAGE_ARGUMENT;
  return gitText(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), ...(onCommandLine ? ['-m', message] : [])], {
    cwd: repo.root,
    ...(onCommandLine ? {} : { input: message }),
    // commit.gpgSign does not apply to commit-tree unless -S is given; hooks do not run for it.
    env: { ...GUARD_IDENTITY, ...env },
  });
}

const OID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * The raw commit `git commit-tree` writes for these inputs with guard's identity (GUARD_IDENTITY,
 * which nothing overrides), or null when only git can say: a tree or parent named by an
 * expression, or a date given in a form this does not read (git reads many). The dates are
 * GIT_AUTHOR_DATE / GIT_COMMITTER_DATE from `env` or this process's environment, else now in this
 * process's time zone, as git takes them. git records the message's bytes as commitTree hands
 * them over (`-m` only for one that ends with a newline, which `-m` then adds nothing to).
 * (No `encoding` header: commit-tree writes one only under i18n.commitEncoding, and guard's
 * messages are UTF-8 whatever it says; a reader of snapshots reads the bytes either way.)
 */
export function commitBody(tree: string, parents: string[], message: string, env: Record<string, string>): Buffer | null {
  if (!OID.test(tree) || !parents.every((p) => OID.test(p)) || message.includes('\0')) return null;
  const author = gitDate(env.GIT_AUTHOR_DATE ?? process.env.GIT_AUTHOR_DATE);
  const committer = gitDate(env.GIT_COMMITTER_DATE ?? process.env.GIT_COMMITTER_DATE);
  if (!author || !committer) return null;
  const lines = [
    `tree ${tree}`,
    // commit-tree drops a parent given twice (with a warning), keeping the first.
    ...[...new Set(parents)].map((p) => `parent ${p}`),
    `author ${GUARD_IDENTITY.GIT_AUTHOR_NAME} <${GUARD_IDENTITY.GIT_AUTHOR_EMAIL}> ${author}`,
    `committer ${GUARD_COMMITTER} ${committer}`,
  ];
  return Buffer.from(`${lines.join('\n')}\n\n${message}`, 'utf8');
}

/**
 * "<seconds> <+hhmm>" for a date git would read from GIT_*_DATE: unset (now, local zone),
 * `@<seconds> <+hhmm>`, `<seconds> <+hhmm>`, or ISO 8601 to the second with `Z` or `+hh:mm`.
 * null for anything else.
 */
export function gitDate(value: string | undefined, now = new Date()): string | null {
  if (value === undefined || value === '') {
    const offset = -now.getTimezoneOffset();
    return `${Math.floor(now.getTime() / 1000)} ${zone(offset)}`;
  }
  const raw = /^@?(\d{1,12}) ([+-])(\d\d)(\d\d)$/.exec(value);
  if (raw) return `${Number(raw[1])} ${raw[2]}${raw[3]}${raw[4]}`;
  const iso = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:Z|([+-])(\d\d):?(\d\d))$/.exec(value);
  if (!iso) return null;
  const offset = iso[7] ? (iso[7] === '-' ? -1 : 1) * (Number(iso[8]) * 60 + Number(iso[9])) : 0;
  const utc = Date.UTC(Number(iso[1]), Number(iso[2]) - 1, Number(iso[3]), Number(iso[4]), Number(iso[5]), Number(iso[6])) / 1000;
  if (!Number.isFinite(utc) || utc < 0) return null;
  return `${utc - offset * 60} ${zone(offset)}`;
}

function zone(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
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
