/**
 * The rollback fuzzer's generator and destroyer (test/fuzz/rollback-fuzz.test.ts; the oracle is
 * rollback-oracle.ts). Files of this fuzzer are prefixed `rollback-` (test/fuzz/ is shared with the
 * command-guard and watcher fuzzers); nothing here is shared with them.
 *
 * Everything is seeded: a case is reproduced by its seed (GUARD_FUZZ_SEED). Real git in a hermetic
 * repository (test/helpers/git-repo.ts, env.ts: fixed dates, no global config, gc off). Names and
 * contents are bytes: a name that is not UTF-8 never goes on git's command line (git add -A, or
 * update-index -z --stdin).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { TestRepo } from '../helpers/git-repo.js';

import { Rng } from '../helpers/seeded-random.js';
import { addSubmodule, stoppedOperation } from './rollback-ops.js';

export { Rng };

export interface GitOut {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** git with bytes in and out (names that are not UTF-8 stay bytes). */
export function gitRaw(repo: TestRepo, args: string[], input?: Buffer | string, cwd: string = repo.dir): GitOut {
  const r = spawnSync('git', args, { cwd, env: repo.env, input, maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

const gitDirs = new Map<string, string>();

/** The worktree's own git directory (a linked worktree's is .git/worktrees/<name>), absolute. */
export function gitDirOf(repo: TestRepo): string {
  let dir = gitDirs.get(repo.dir);
  if (!dir) {
    dir = gitRaw(repo, ['rev-parse', '--absolute-git-dir']).stdout.toString().trim();
    gitDirs.set(repo.dir, dir);
  }
  return dir;
}

/** The repository's common git directory (the main worktree's .git), absolute. */
export function commonDirOf(repo: TestRepo): string {
  return gitRaw(repo, ['rev-parse', '--path-format=absolute', '--git-common-dir']).stdout.toString().trim();
}

/** git that must succeed. */
export function gitOk(repo: TestRepo, args: string[], input?: Buffer | string): Buffer {
  const r = gitRaw(repo, args, input);
  if (r.code !== 0) throw new Error(`git ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
}

export function splitZ(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let i = buf.indexOf(0); i !== -1; i = buf.indexOf(0, start)) {
    out.push(buf.subarray(start, i));
    start = i + 1;
  }
  return out;
}

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

/** Name parts chosen to break whatever treats a path as text. */
const NAME_PARTS: Buffer[] = [
  b('a'), b('b.txt'), b('src'), b('lib'), b('docs'), b('index.js'), b('README.md'), b('deep'), b('x'),
  b('my file.txt'), b('line\nbreak'), b('back\\slash'), b('q"uote\'s'), b('-rf'), b('--help'), b('tab\there'),
  b('caf\u00e9'), b('cafe\u0301'), b('\u{1F600}.md'), b('UPPER.TXT'), b('upper.txt'), b('*star'), b('[br]'), b('cr\rname'),
  Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x6c, 0x6f, 0x67]), Buffer.from([0xc3, 0x28, 0x2e, 0x62, 0x69, 0x6e]), Buffer.from([0x6c, 0x61, 0x74, 0x69, 0x6e, 0xe9]),
];

export interface GenOptions {
  /** Allow 1-3 MB files. */
  big: boolean;
}

/** Random file bytes: empty, LF, CRLF, mixed, no final newline, binary, sometimes 1-3 MB. */
export function content(rng: Rng, opts: GenOptions): Buffer {
  const lines = (n: number, eol: () => string): string => Array.from({ length: n }, (_, i) => `line ${i} ${rng.int(1000)}${eol()}`).join('');
  switch (rng.int(9)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return b(lines(rng.range(1, 8), () => '\r\n'));
    case 2:
      return b(lines(rng.range(1, 8), () => rng.pick(['\n', '\r\n'])));
    case 3:
      return b(`no final newline ${rng.int(1e6)}`);
    case 4:
      return rng.bytes(rng.range(1, 300));
    case 5:
      if (opts.big && rng.chance(0.15)) return rng.bytes(rng.range(1, 3) * 1024 * 1024 - rng.int(4096));
      return b(lines(rng.range(20, 200), () => '\n'));
    default:
      return b(lines(rng.range(1, 6), () => '\n'));
  }
}

/** A relative path (bytes) of 1-3 parts under `dirs` (existing directories, often reused). */
export function randomPath(rng: Rng, dirs: Buffer[]): Buffer {
  const base = dirs.length > 0 && rng.chance(0.6) ? rng.pick(dirs) : null;
  const parts: Buffer[] = base ? [base] : [];
  const extra = rng.range(1, base ? 2 : 3);
  for (let i = 0; i < extra; i++) parts.push(rng.chance(0.5) ? rng.pick(NAME_PARTS) : b(`${rng.pick(['f', 'd', 'n'])}${rng.int(30)}`));
  return Buffer.concat(parts.flatMap((p, i) => (i === 0 ? [p] : [b('/'), p])));
}

/** Full path of a relative one (bytes). */
export function abs(repo: TestRepo, rel: Buffer): Buffer {
  return Buffer.concat([b(repo.dir), b('/'), rel]);
}

function parentOf(rel: Buffer): Buffer | null {
  const i = rel.lastIndexOf(0x2f);
  return i === -1 ? null : rel.subarray(0, i);
}

/** A regular file there (not a link; false when a file stands on the way, ENOTDIR). */
export function isFile(full: Buffer): boolean {
  try {
    return fs.lstatSync(full).isFile();
  } catch {
    return false;
  }
}

/** Removes whatever is at `full` (file, link, directory), never following a link. */
export function removeAny(full: Buffer): void {
  fs.rmSync(full as unknown as string, { recursive: true, force: true });
}

/**
 * Makes the directories on the way to `rel`, replacing a file or symlink that stands where a
 * directory must go (a file becomes a directory).
 */
function makeParents(repo: TestRepo, rel: Buffer): void {
  const parent = parentOf(rel);
  if (!parent) return;
  makeParents(repo, parent);
  const full = abs(repo, parent);
  let st: fs.Stats | null = null;
  try {
    st = fs.lstatSync(full);
  } catch {
    st = null;
  }
  if (st && !st.isDirectory()) removeAny(full);
  if (!st || !st.isDirectory()) fs.mkdirSync(full);
}

/** Writes a file (replacing a directory or link in the way) with `mode`. */
export function writeFile(repo: TestRepo, rel: Buffer, bytes: Buffer, mode = 0o644): void {
  if (rel.includes(b('.git'))) return;
  makeParents(repo, rel);
  const full = abs(repo, rel);
  try {
    if (!fs.lstatSync(full).isFile()) removeAny(full);
  } catch {
    // nothing there
  }
  fs.writeFileSync(full, bytes);
  fs.chmodSync(full, mode);
}

export function writeLink(repo: TestRepo, rel: Buffer, target: Buffer): void {
  makeParents(repo, rel);
  const full = abs(repo, rel);
  removeAny(full);
  fs.symlinkSync(target as unknown as string, full);
}

/** Every file and symlink under the work tree (not .git), as relative paths in bytes. */
export function listEntries(repo: TestRepo): { files: Buffer[]; links: Buffer[]; dirs: Buffer[] } {
  const out = { files: [] as Buffer[], links: [] as Buffer[], dirs: [] as Buffer[] };
  const walk = (rel: Buffer | null): void => {
    const full = rel ? abs(repo, rel) : b(repo.dir);
    let names: Buffer[];
    try {
      names = fs.readdirSync(full as unknown as string, { encoding: 'buffer' }) as Buffer[];
    } catch {
      return;
    }
    for (const name of names) {
      if (name.equals(b('.git'))) continue;
      const r = rel ? Buffer.concat([rel, b('/'), name]) : name;
      const st = fs.lstatSync(abs(repo, r));
      if (st.isSymbolicLink()) out.links.push(r);
      else if (st.isDirectory()) {
        // A submodule's (or a nested repository's) inside is its own: only rollback-ops.ts touches it.
        if (fs.existsSync(abs(repo, Buffer.concat([r, b('/.git')])) as unknown as string)) continue;
        out.dirs.push(r);
        walk(r);
      } else if (st.isFile()) out.files.push(r);
    }
  };
  walk(null);
  return out;
}

/** One random change to the work tree: a new, edited or removed file, a link, a mode flip, a kind swap. */
export function randomWorktreeChange(repo: TestRepo, rng: Rng, opts: GenOptions): string {
  const listed = listEntries(repo);
  // .gitmodules is left to the submodule steps (rollback-ops.ts): git refuses it as a symlink
  // ("invalid path"), so neither a snapshot nor a checkout can hold one.
  const files = listed.files.filter((f) => !f.equals(b('.gitmodules')));
  const { links, dirs } = listed;
  const all = [...files, ...links];
  switch (rng.int(10)) {
    case 0:
    case 1: {
      const p = randomPath(rng, dirs);
      writeFile(repo, p, content(rng, opts), rng.chance(0.2) ? 0o755 : 0o644);
      return 'new file';
    }
    case 2:
    case 3: {
      if (files.length === 0) return 'none';
      const p = rng.pick(files);
      const st = fs.lstatSync(abs(repo, p));
      writeFile(repo, p, content(rng, opts), st.mode & 0o777);
      return 'edit';
    }
    case 4: {
      if (all.length === 0) return 'none';
      removeAny(abs(repo, rng.pick(all)));
      return 'rm file';
    }
    case 5: {
      if (files.length === 0) return 'none';
      const full = abs(repo, rng.pick(files));
      fs.chmodSync(full, fs.lstatSync(full).mode & 0o111 ? 0o644 : 0o755);
      return 'chmod';
    }
    case 6: {
      // Symlinks: to a file, to a directory, dangling, absolute.
      const p = randomPath(rng, dirs);
      const target = rng.pick<Buffer>([
        all.length > 0 ? rng.pick(all) : b('missing'),
        dirs.length > 0 ? rng.pick(dirs) : b('.'),
        b('dangling/nowhere'),
        b('/nonexistent/absolute/target'),
        b('/tmp'),
        b('../outside'),
      ]);
      writeLink(repo, p, target);
      return 'symlink';
    }
    case 7: {
      // A file becomes a directory, or a directory a file.
      if (rng.chance(0.5) && files.length > 0) {
        const p = rng.pick(files);
        writeFile(repo, Buffer.concat([p, b('/inner.txt')]), content(rng, opts));
        return 'file->dir';
      }
      if (dirs.length === 0) return 'none';
      const d = rng.pick(dirs);
      removeAny(abs(repo, d));
      writeFile(repo, d, content(rng, opts));
      return 'dir->file';
    }
    case 8: {
      // A file becomes a symlink or a symlink a file.
      if (links.length > 0 && rng.chance(0.5)) {
        writeFile(repo, rng.pick(links), content(rng, opts));
        return 'link->file';
      }
      if (files.length === 0) return 'none';
      writeLink(repo, rng.pick(files), b('target-of-swap'));
      return 'file->link';
    }
    default: {
      if (dirs.length === 0) return 'none';
      removeAny(abs(repo, rng.pick(dirs)));
      return 'rm -rf dir';
    }
  }
}

/** Branch names (not the current one's), tags. */
export function refNames(repo: TestRepo, prefix: string): string[] {
  return gitOk(repo, ['for-each-ref', '--format=%(refname:short)', prefix]).toString('utf8').split('\n').filter(Boolean);
}

function commitAll(repo: TestRepo, message: string): boolean {
  gitRaw(repo, ['add', '-A']);
  return gitRaw(repo, ['commit', '-q', '--allow-empty', '--no-verify', '-m', message]).code === 0;
}

/** True while git has a merge, rebase, cherry-pick, revert or am in progress. */
export function operationInProgress(repo: TestRepo): boolean {
  const gitDir = gitDirOf(repo);
  return ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'sequencer', 'BISECT_LOG'].some((f) => fs.existsSync(`${gitDir}/${f}`));
}

/** Ends whatever operation is in progress (abort, else reset). */
export function endOperation(repo: TestRepo): void {
  // `bisect reset HEAD`: stays where it is when the checkout of the original branch is refused (untracked files in its way).
  for (const args of [['merge', '--abort'], ['rebase', '--abort'], ['cherry-pick', '--abort'], ['revert', '--abort'], ['am', '--abort'], ['bisect', 'reset'], ['bisect', 'reset', 'HEAD']]) {
    if (!operationInProgress(repo)) return;
    gitRaw(repo, args);
  }
  if (operationInProgress(repo)) {
    gitRaw(repo, ['reset', '-q', '--hard']);
    for (const f of ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'sequencer']) removeAny(b(`${gitDirOf(repo)}/${f}`));
  }
}

/** The wider states (rollback-ops.ts), from their own stream. */
export interface WideOptions {
  rng: Rng;
  submodule: boolean;
}

export interface Scenario {
  /** What the generator did, for the failure report. */
  log: string[];
}

/**
 * The history: commits on a few branches (random trees), light and annotated tags (a tag of a tag,
 * a tag of a blob), an `.gitattributes` with eol/text=auto sometimes, a conflict pair of branches.
 * With `unborn`, no commit at all (HEAD on an unborn branch).
 */
export function buildHistory(repo: TestRepo, rng: Rng, opts: GenOptions, log: string[]): void {
  if (rng.chance(0.08)) {
    log.push('unborn: no commit');
    return;
  }
  writeFile(repo, b('.gitignore'), b('*.log\nbuild/\n!keep.log\n'));
  if (rng.chance(0.4)) {
    const attrs = rng.pick(['* text=auto\n', '*.txt text eol=crlf\n* text=auto\n', '*.md eol=lf\n*.bin binary\n', '* text=auto eol=lf\n']);
    writeFile(repo, b('.gitattributes'), b(attrs));
    log.push(`attributes ${JSON.stringify(attrs)}`);
  }
  writeFile(repo, b('conflict.txt'), b('base\n'));
  const n = rng.range(3, 8);
  for (let i = 0; i < n; i++) randomWorktreeChange(repo, rng, opts);
  commitAll(repo, 'base');
  log.push('commit base');
  const branches = ['main'];
  const steps = rng.range(2, 6);
  for (let s = 0; s < steps; s++) {
    if (rng.chance(0.4)) {
      const name = rng.pick(['feature', 'topic', 'fix/a', 'release-1', 'wip', 'b\u00e9ta']);
      if (!branches.includes(name)) {
        gitRaw(repo, ['checkout', '-q', '-b', name]);
        branches.push(name);
        log.push(`branch ${name}`);
      }
    } else if (rng.chance(0.3)) {
      const name = rng.pick(branches);
      gitRaw(repo, ['checkout', '-q', '-f', name]);
      log.push(`checkout ${name}`);
    }
    const changes = rng.range(1, 5);
    for (let i = 0; i < changes; i++) randomWorktreeChange(repo, rng, opts);
    commitAll(repo, `step ${s}`);
    if (rng.chance(0.5)) {
      const tag = `v${s}.${rng.int(10)}`;
      if (rng.chance(0.5)) gitRaw(repo, ['tag', '-a', tag, '-m', `annotated ${tag}`]);
      else gitRaw(repo, ['tag', tag]);
      log.push(`tag ${tag}`);
    }
  }
  if (rng.chance(0.3)) {
    // A tag of a tag, and a tag of a blob (non-commit targets are promised: K's target-<oid>).
    const tags = refNames(repo, 'refs/tags');
    if (tags.length > 0) gitRaw(repo, ['tag', '-a', 'outer', '-m', 'tag of a tag', tags[0] as string]);
    gitRaw(repo, ['tag', 'blob-tag', 'HEAD:conflict.txt']);
    log.push('tag of tag, blob tag');
  }
  // Two branches that conflict on conflict.txt, for a merge or cherry-pick in progress later.
  gitRaw(repo, ['checkout', '-q', '-f', 'main']);
  gitRaw(repo, ['checkout', '-q', '-b', 'conflicting']);
  writeFile(repo, b('conflict.txt'), b('theirs\n'));
  commitAll(repo, 'theirs');
  gitRaw(repo, ['checkout', '-q', '-f', 'main']);
  writeFile(repo, b('conflict.txt'), b('ours\n'));
  commitAll(repo, 'ours');
  log.push('conflicting branch');
}

/**
 * The state S0 on top of the history: HEAD somewhere (a branch, detached, an unborn orphan),
 * stash entries (-u), a merge or cherry-pick stopped on a conflict, staged changes that differ
 * from the work tree, staged deletions, `add -N`, index bits, staged chmod, ignored files,
 * untracked files (some at 0600).
 */
export function buildWorkingState(repo: TestRepo, rng: Rng, opts: GenOptions, log: string[], later: Rng = rng, wide?: WideOptions): void {
  const born = gitRaw(repo, ['rev-parse', '-q', '--verify', 'HEAD']).code === 0;
  if (born) {
    const branches = refNames(repo, 'refs/heads');
    const where = rng.int(10);
    if (where < 2) {
      gitRaw(repo, ['checkout', '-q', '-f', '--detach', rng.pick(branches)]);
      log.push('detached HEAD');
    } else if (where < 3) {
      gitRaw(repo, ['checkout', '-q', '-f', '--orphan', 'unborn-orphan']);
      log.push('orphan (unborn) branch with the index of before');
    } else {
      const name = rng.pick(branches.filter((x) => x !== 'conflicting'));
      gitRaw(repo, ['checkout', '-q', '-f', name ?? 'main']);
      log.push(`on ${name}`);
    }
  }
  // Stash entries, with untracked files too.
  const stashes = born ? rng.int(3) : 0;
  for (let i = 0; i < stashes; i++) {
    for (let j = 0, n = rng.range(1, 3); j < n; j++) randomWorktreeChange(repo, rng, opts);
    const r = gitRaw(repo, ['stash', 'push', '-q', ...(rng.chance(0.6) ? ['-u'] : []), '-m', `stash ${i}`]);
    log.push(`stash push ${i}: ${r.code}`);
  }
  // The wider states (rollback-ops.ts): a submodule with local changes.
  if (wide && born && wide.submodule) addSubmodule(repo, wide.rng, log);
  // An operation in progress: a conflicted merge or cherry-pick (rollback restores it).
  const onMain = gitRaw(repo, ['symbolic-ref', '-q', 'HEAD']).stdout.toString().trim() === 'refs/heads/main';
  if (onMain && rng.chance(0.3)) {
    const op = rng.chance(0.5) ? ['merge', '-q', '--no-edit', 'conflicting'] : ['cherry-pick', 'conflicting'];
    const r = gitRaw(repo, op);
    log.push(`${op[0]} conflicting: ${r.code} (conflict expected)`);
  }
  // The wider states: a rebase, am, revert, range pick, bisect or merge --autostash stopped half way.
  if (wide && born && !operationInProgress(repo) && wide.rng.chance(0.55)) log.push(stoppedOperation(repo, wide.rng));
  const conflicted = operationInProgress(repo);
  // Features added after the first long runs draw from `later`, a stream of their own, so that the
  // seeds found before keep their cases.
  // A linked worktree on a branch of its own (rollback leaves a branch checked out elsewhere alone).
  if (born && later.chance(0.15)) {
    const r = gitRaw(repo, ['worktree', 'add', '-q', '-b', 'linked', `${repo.base}/linked`, 'HEAD']);
    log.push(`linked worktree: ${r.code}`);
  }
  // A sparse checkout (cone or not; docs/snapshot-format.md "Sparse checkouts").
  const sparse = born && !conflicted && later.chance(0.12);
  if (sparse) {
    const args = later.chance(0.5) ? ['sparse-checkout', 'set', 'src', 'lib', 'deep'] : ['sparse-checkout', 'set', '--no-cone', '/*', '!/d*/'];
    const r = gitRaw(repo, args);
    log.push(`${args.join(' ')}: ${r.code}`);
  }
  // Work-tree changes, some staged, then changed again.
  for (let i = 0, n = rng.range(2, 8); i < n; i++) {
    log.push(`worktree ${randomWorktreeChange(repo, rng, opts)}`);
    if (rng.chance(0.3) && !conflicted) gitRaw(repo, ['add', '-A']);
  }
  const tracked = splitZ(gitOk(repo, ['ls-files', '-z'])).filter((p) => !p.equals(b('conflict.txt')));
  const stdinPaths = (paths: Buffer[]): Buffer => Buffer.concat(paths.flatMap((p) => [p, Buffer.from([0])]));
  if (tracked.length > 0) {
    const some = (k: number): Buffer[] => Array.from({ length: k }, () => rng.pick(tracked)).filter((p, i, a) => a.findIndex((q) => q.equals(p)) === i);
    if (rng.chance(0.4)) {
      // Staged edit, then an unstaged one on top (index differs from both HEAD and the work tree).
      for (const p of some(2)) {
        if (isFile(abs(repo, p))) {
          writeFile(repo, p, content(rng, opts));
          gitRaw(repo, ['update-index', '-z', '--add', '--remove', '--stdin'], stdinPaths([p]));
          writeFile(repo, p, content(rng, opts));
        }
      }
      log.push('staged then edited');
    }
    if (rng.chance(0.3)) {
      gitRaw(repo, ['update-index', '-z', '--force-remove', '--stdin'], stdinPaths(some(1)));
      log.push('staged deletion (file kept: untracked now)');
    }
    if (rng.chance(0.3)) {
      gitRaw(repo, ['update-index', '-z', '--chmod=+x', '--stdin'], stdinPaths(some(2)));
      log.push('staged chmod +x');
    }
    if (rng.chance(0.3)) {
      // A manual skip-worktree bit is not kept in a sparse checkout (docs/snapshot-format.md, indexFlags).
      const flag = sparse ? '--assume-unchanged' : rng.pick(['--assume-unchanged', '--skip-worktree']);
      const paths = some(2).filter((p) => isFile(abs(repo, p)));
      gitRaw(repo, ['update-index', '-z', flag, '--stdin'], stdinPaths(paths));
      for (const p of paths) writeFile(repo, p, b(`local override ${rng.int(1000)}\n`));
      log.push(`${flag} with local bytes`);
    }
  }
  if (rng.chance(0.35)) {
    const p = Buffer.concat([b('intent-'), b(String(rng.int(100))), b('.txt')]);
    writeFile(repo, p, content(rng, opts));
    gitRaw(repo, ['add', '-N', '--', p.toString('utf8')]);
    log.push('add -N');
  }
  // Untracked files, one at 0600 (modes), and ignored ones (never touched by snapshot or rollback).
  for (let i = 0, n = rng.range(0, 4); i < n; i++) {
    const { dirs } = listEntries(repo);
    writeFile(repo, randomPath(rng, dirs), content(rng, opts), rng.chance(0.2) ? 0o600 : 0o644);
  }
  if (rng.chance(0.7)) {
    writeFile(repo, b('debug.log'), b(`ignored ${rng.int(1e6)}\n`));
    writeFile(repo, b('build/out.bin'), rng.bytes(64));
    if (rng.chance(0.5)) writeFile(repo, b('src/nested.log'), b('ignored nested\n'), 0o600);
    log.push('ignored files');
  }
}

/**
 * Destroyer steps added after the first long runs, from their own stream (`later`), run after a
 * main step now and then: ignore rules that change, git mv/rm, restores of the index and the work
 * tree, a clean merge or a conflicted one, the index bits cleared, a directory's bits.
 */
export function laterDestroyStep(repo: TestRepo, later: Rng): string {
  const branches = refNames(repo, 'refs/heads');
  const run = (args: string[]): string => `git ${args.join(' ')} -> ${gitRaw(repo, args).code}`;
  const { files, dirs } = listEntries(repo);
  switch (later.int(9)) {
    case 0: {
      // New ignore rules: the .gitignore rewritten or removed (docs: "Ignore rules that changed since the target").
      const rules = later.pick(['', '*.txt\n', '*.log\n', 'src/\n*.bin\n', '!debug.log\n*.md\n']);
      if (rules === '') removeAny(abs(repo, b('.gitignore')));
      else writeFile(repo, b('.gitignore'), b(rules));
      return `.gitignore = ${JSON.stringify(rules)}`;
    }
    case 1:
      return files.length > 0 && dirs.length > 0 ? `git mv -> ${gitRaw(repo, ['mv', '-k', '--', files[0]!.toString('utf8'), dirs[0]!.toString('utf8')]).code}` : 'none';
    case 2:
      return dirs.length > 0 ? run(['rm', '-r', '-q', '--ignore-unmatch', '--', later.pick(dirs).toString('utf8')]) : 'none';
    case 3:
      return run(['restore', '--staged', '.']);
    case 4:
      return run(['checkout', '-q', '--', '.']);
    case 5:
      return run(['stash', 'apply', '-q']);
    case 6:
      return branches.length > 0 ? run(['merge', '-q', '--no-edit', later.pick(branches)]) : 'none';
    case 7: {
      const tracked = splitZ(gitOk(repo, ['ls-files', '-z']));
      gitRaw(repo, ['update-index', '-z', '--no-skip-worktree', '--no-assume-unchanged', '--stdin'], Buffer.concat(tracked.flatMap((p) => [p, Buffer.from([0])])));
      return run(['checkout', '-q', '--', '.']);
    }
    default: {
      if (dirs.length === 0) return 'none';
      const d = later.pick(dirs);
      fs.chmodSync(abs(repo, d), later.pick([0o700, 0o750, 0o755]));
      return 'chmod dir';
    }
  }
}

/** One destroyer step; returns its name for the log. */
export function destroyStep(repo: TestRepo, rng: Rng, opts: GenOptions): string {
  const branches = refNames(repo, 'refs/heads');
  const tags = refNames(repo, 'refs/tags');
  const anyRef = (): string => rng.pick([...branches, ...tags, 'HEAD', 'HEAD~1']);
  const run = (args: string[]): string => `git ${args.join(' ')} -> ${gitRaw(repo, args).code}`;
  switch (rng.int(22)) {
    case 0:
      return run(['reset', '-q', '--hard', anyRef()]);
    case 1:
      return run(['clean', '-q', rng.pick(['-fdx', '-fd', '-fx'])]);
    case 2:
      return branches.length > 0 ? run(['checkout', '-q', ...(rng.chance(0.5) ? ['-f'] : []), rng.pick(branches)]) : 'none';
    case 3:
      return branches.length > 0 ? run(['switch', '-q', '--discard-changes', rng.pick(branches)]) : 'none';
    case 4:
      return branches.length > 0 ? run(['branch', '-D', rng.pick(branches)]) : 'none';
    case 5:
      return tags.length > 0 ? run(['tag', '-d', rng.pick(tags)]) : 'none';
    case 6:
      return run(['stash', rng.pick(['drop', 'clear', 'pop'])]);
    case 7:
      return run(['commit', '-q', '--amend', '--allow-empty', '--no-verify', '-a', '-m', `amended ${rng.int(100)}`]);
    case 8:
      return branches.length > 0 ? run(['rebase', '-q', rng.pick(branches)]) : 'none';
    case 9:
      return run(['update-ref', '-d', rng.pick(['refs/heads/' + (rng.pick(branches) ?? 'main'), 'refs/stash', 'refs/tags/' + (rng.pick(tags) ?? 'x')])]);
    case 10:
      return run(['checkout', '-q', '--detach', anyRef()]);
    case 11:
      return run(['add', '-A']);
    case 12:
      return run(['rm', '-r', '-q', '--cached', '.']);
    case 13:
      return run(['stash', 'push', '-q', '-u', '-m', 'destroyer stash']);
    case 14:
      return run(['commit', '-q', '--no-verify', '-m', 'destroyer commit']);
    case 15:
      if (rng.chance(0.3)) {
        gitRaw(repo, ['reflog', 'expire', '--expire=now', '--all']);
        return run(['gc', '-q', '--prune=now']);
      }
      return run(['checkout', '-q', '--orphan', `orphan-${rng.int(10)}`]);
    case 16:
      if (fs.existsSync(`${gitDirOf(repo)}/info/sparse-checkout`)) return run(rng.chance(0.5) ? ['sparse-checkout', 'disable'] : ['sparse-checkout', 'set', 'docs']);
      return run(['update-index', '--really-refresh']);
    default:
      return randomWorktreeChange(repo, rng, opts);
  }
}
