/**
 * The parts of the watcher fuzzer (watcher-snapshots.test.ts) that are not the test itself: a
 * seeded random source, names as bytes (not UTF-8, spaces, newlines, glob and pathspec-magic
 * characters), one random burst of edits on the real file system, the git commands run between
 * bursts, and the byte-exact state a rollback promises to give back.
 *
 * Paths are byte strings held one char per byte (latin1), as src/git/path.ts holds a GitPath:
 * every fs call gets them as a Buffer, and git gets them on stdin (`--pathspec-from-file`), never on
 * its command line (argv is UTF-8 text).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { Rng } from '../helpers/seeded-random.js';
import type { TestRepo } from '../helpers/git-repo.js';

/** A byte string, one char per byte. */
export type P = string;

export type { Rng } from '../helpers/seeded-random.js';

/** The generator's numbers for a seed (test/helpers/seeded-random.ts). */
export function rng(seed: number): Rng {
  return new Rng(seed);
}

const utf8 = (text: string): P => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Name parts. `.ign` names are ignored (the test's .gitignore: `*.ign`); none is a protected path
 * of the default policy (the watcher would restore it behind the generator's back).
 */
const NAMES: P[] = [
  'a', 'b', 'c', 'src', 'lib', 'docs', 'x1', 'deep', 'n0',
  'my file', ' lead', 'trail ', 'new\nline', 'tab\there',
  'bad\xff', '\xe9t\xe9', 'half\xc3', utf8('café'), utf8('日本'),
  'q"uote', "it's", 'back\\slash', '-dash', '*star', 'what?', '[ab]', ':colon', ':(top)x', '#hash',
  'junk.ign', 'cache.ign',
];

/** Ignored by the rule the test's .gitignore always has (`*.ign`). */
export function isIgnored(p: P): boolean {
  return p.split('/').some((part) => part.endsWith('.ign'));
}

/** Rules the generator adds to and drops from .gitignore (a directory, names at any depth). */
const RULES = ['x1*', 'deep/', '*2', 'my file', 'lib/'];

export function abs(repo: TestRepo, p: P): Buffer {
  return Buffer.concat([Buffer.from(`${repo.dir}/`), Buffer.from(p, 'latin1')]);
}

/** A name for people (JSON escapes, so a newline or 0xff shows). */
export function show(p: P): string {
  return JSON.stringify(p);
}

export interface Entry {
  kind: 'file' | 'link' | 'dir';
}

/** Every entry under the worktree (`.git` left out), by its bytes. */
export function listTree(repo: TestRepo): Map<P, Entry> {
  const out = new Map<P, Entry>();
  const walk = (rel: P): void => {
    let names: Buffer[];
    try {
      names = fs.readdirSync(rel === '' ? repo.dir : abs(repo, rel), { encoding: 'buffer' });
    } catch {
      return;
    }
    for (const raw of names) {
      const name = raw.toString('latin1');
      const p = rel === '' ? name : `${rel}/${name}`;
      if (p === '.git') continue;
      const stat = fs.lstatSync(abs(repo, p));
      if (stat.isSymbolicLink()) out.set(p, { kind: 'link' });
      else if (stat.isDirectory()) {
        out.set(p, { kind: 'dir' });
        walk(p);
      } else out.set(p, { kind: 'file' });
    }
  };
  walk('');
  return out;
}

/** Never touched by the generator: guard's policy and the ignore rules. */
function fixed(p: P): boolean {
  return p === '.guard.yaml' || p === '.gitignore';
}

/**
 * What a rollback promises to give back, as bytes: every file (content hash, exec bit) and symlink
 * (target bytes) that git does not ignore; the index (modes, ids, stages, names); HEAD; branches
 * and tags; the stash. Directories are not in it: a snapshot holds no empty directory
 * (docs/snapshot-format.md, "Empty directories"). Ignored files are in no snapshot (ibid., "A
 * snapshot is a commit W": the tree holds what is not ignored).
 */
export function byteState(repo: TestRepo): Map<string, string> {
  const out = new Map<string, string>();
  const index = gitBytes(repo, ['ls-files', '-s', '-z']).toString('latin1');
  const tracked = new Set(index.split('\0').filter(Boolean).map((record) => record.slice(record.indexOf('\t') + 1)));
  // What git ignores now (the rules change: .gitignore is edited too), as git says it.
  const ignored = new Set(splitNul(gitBytes(repo, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'])));
  for (const [p, entry] of listTree(repo)) {
    if (entry.kind === 'dir') continue;
    // Ignored files are in no snapshot: kept apart (`I`), for the rollback check (rollbackDiff).
    const key = `${ignored.has(p) ? 'I' : 'F'} ${p}`;
    const file = abs(repo, p);
    if (entry.kind === 'link') {
      out.set(key, `link -> ${fs.readlinkSync(file, { encoding: 'buffer' }).toString('latin1')}`);
      continue;
    }
    // An untracked file's permission bits are recorded when they are not git's default
    // (docs/snapshot-format.md, "Permission bits of untracked files"); of a tracked file only the
    // executable bit is promised (ibid., "... of tracked files": that record is not complete).
    const mode = fs.lstatSync(file).mode;
    const bits = tracked.has(p) ? ((mode & 0o100) !== 0 ? 'x' : '-') : (mode & 0o777).toString(8);
    out.set(key, `${bits} ${createHash('sha256').update(fs.readFileSync(file)).digest('hex')}`);
  }
  out.set(':index', index);
  const symbolic = repo.gitResult(['symbolic-ref', '-q', 'HEAD']);
  out.set(':head', symbolic.code === 0 ? symbolic.stdout.trim() : `detached ${repo.git(['rev-parse', 'HEAD']).trim()}`);
  out.set(':refs', repo.git(['for-each-ref', '--format=%(objectname) %(refname)', 'refs/heads', 'refs/tags']));
  out.set(':stash', repo.git(['stash', 'list', '--format=%H %gs']));
  return out;
}

/** An entry's bytes: a file's hash or a link's target, without the bits. */
function bytesOf(value: string): string {
  return value.startsWith('link -> ') ? value : value.slice(value.indexOf(' ') + 1);
}

/** A state's file entries by path, ignored or not. */
function files(state: Map<string, string>): Map<P, string> {
  return new Map([...state].filter(([key]) => key.startsWith('F ') || key.startsWith('I ')).map(([key, value]) => [key.slice(2), value]));
}

/**
 * What a rollback (or its --undo) from the state `pre` to the recorded state `want` got wrong in
 * `post` ('' when nothing): every file `want` holds that git does not ignore, byte for byte, and
 * the index, HEAD, branches, tags and stash exactly. A file ignored before the rollback is in no
 * snapshot and is never touched (nothing could bring it back; docs/snapshot-format.md, "Ignore
 * rules that changed since the target" and the restore recipe): it stays as it was, even where
 * the rules of `want` do not ignore it, unless `want` puts a file there or it lay in the way (then
 * the rollback captured and replaced it). A file that `want`'s rules ignore after the rollback is
 * not compared (as at the target, an ignored file).
 */
export function rollbackDiff(want: Map<string, string>, pre: Map<string, string>, post: Map<string, string>): string {
  const lines: string[] = [];
  const bad = (what: string, key: string, a: string | undefined, b: string | undefined): void => {
    lines.push(`${what} ${JSON.stringify(key)}: want ${JSON.stringify(a ?? '(absent)')}, have ${JSON.stringify(b ?? '(absent)')}`);
  };
  const before = files(pre);
  const after = files(post);
  for (const [key, value] of want) {
    if (key.startsWith('I ')) continue;
    const have = key.startsWith('F ') ? after.get(key.slice(2)) : post.get(key);
    if (have !== value) bad(key.startsWith('F ') ? 'file' : 'state', key, value, have);
  }
  for (const [key, value] of post) {
    if (!key.startsWith('F ') || want.has(key)) continue;
    const p = key.slice(2);
    // Left as it was: ignored before the rollback.
    if (pre.has(`I ${p}`) && bytesOf(before.get(p)!) === bytesOf(value)) continue;
    const was = (state: Map<string, string>): string => (state.has(`F ${p}`) ? `F ${state.get(`F ${p}`)}` : state.has(`I ${p}`) ? `ignored ${state.get(`I ${p}`)}` : 'absent');
    bad(`extra file (before the rollback: ${was(pre)}; in the recorded state: ${was(want)})`, key, undefined, value);
  }
  for (const [key, value] of pre) {
    if (!key.startsWith('I ') || want.has(`F ${key.slice(2)}`)) continue;
    const have = after.get(key.slice(2));
    // Its bytes (or link target) compared: the bits are shown as a tracked file's once the
    // target's index tracks it (an entry deleted from the worktree at the target, left on disk).
    if (have !== undefined && bytesOf(have) !== bytesOf(value)) bad('ignored file changed', key, value, have);
  }
  return lines.join('\n');
}

/** git with byte input and output (names that are not UTF-8 survive). Throws on failure unless `allowFail`. */
export function gitBytes(repo: TestRepo, args: string[], options: { input?: Buffer; allowFail?: boolean; env?: Record<string, string> } = {}): Buffer {
  const r = spawnSync('git', args, { cwd: repo.dir, env: { ...repo.env, ...options.env }, input: options.input ?? Buffer.alloc(0), maxBuffer: 1 << 30 });
  if (r.error) throw r.error;
  if (r.status !== 0 && !options.allowFail) throw new Error(`git ${args.join(' ')} failed (${r.status}): ${r.stderr.toString()}`);
  return r.stdout;
}

function splitNul(data: Buffer): P[] {
  return data.toString('latin1').split('\0').filter(Boolean);
}

function pathspecs(paths: P[]): Buffer {
  return Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1');
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The random content of a small file: text, binary, CRLF, empty. */
function content(r: Rng): Buffer {
  switch (r.int(5)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(Array.from({ length: 1 + r.int(300) }, () => r.int(256)));
    case 2:
      return Buffer.from(`line ${r.int(1000)}\r\nsecond\r\n`);
    default:
      return Buffer.from(`${'text '.repeat(1 + r.int(40))}${r.int(1_000_000)}\n`);
  }
}

/**
 * One burst: `ops` random edits on the real worktree, with a pause now and then (so the watcher's
 * own debounced snapshots fall inside bursts: the next incremental snapshot edits their trees).
 * Returns what it did, one line per edit, for the failure message and a repro.
 */
export async function burst(repo: TestRepo, r: Rng, ops: number): Promise<string[]> {
  const log: string[] = [];
  const tree = (): Map<P, Entry> => listTree(repo);
  const of = (kind: Entry['kind'] | 'any', keepFixed = false): P[] => [...tree()].filter(([p, e]) => (kind === 'any' || e.kind === kind) && (keepFixed || !fixed(p))).map(([p]) => p);
  const exists = (p: P): boolean => {
    try {
      fs.lstatSync(abs(repo, p));
      return true;
    } catch {
      return false;
    }
  };
  const name = (): P => `${r.pick(NAMES)}${r.chance(0.5) ? String(r.int(4)) : ''}`;
  /** A directory to put something in: the root, an existing one, or a new one (maybe deep). */
  const dirFor = (): P => {
    const dirs = of('dir');
    let dir: P = r.chance(0.25) || dirs.length === 0 ? '' : r.pick(dirs);
    if (r.chance(0.3)) for (let depth = 1 + (r.chance(0.2) ? 4 + r.int(4) : r.int(2)); depth > 0; depth--) dir = dir === '' ? name() : `${dir}/${name()}`;
    return dir;
  };
  /** A new path whose parent directories can be made (nothing but directories on the way). */
  const freshPath = (): P | null => {
    for (let tries = 0; tries < 20; tries++) {
      const dir = dirFor();
      const p = dir === '' ? name() : `${dir}/${name()}`;
      if (fixed(p) || p === '.git' || exists(p)) continue;
      const parts = p.split('/');
      let ok = true;
      for (let i = 1; i < parts.length && ok; i++) {
        const up = parts.slice(0, i).join('/');
        if (exists(up) && !fs.lstatSync(abs(repo, up)).isDirectory()) ok = false;
      }
      if (ok) return p;
    }
    return null;
  };
  const mkParent = (p: P): void => {
    const at = p.lastIndexOf('/');
    if (at > 0) fs.mkdirSync(abs(repo, p.slice(0, at)), { recursive: true });
  };
  const writeNew = (p: P, data: Buffer): void => {
    mkParent(p);
    fs.writeFileSync(abs(repo, p), data);
  };

  for (let i = 0; i < ops; i++) {
    const op = r.int(25);
    switch (op) {
      case 0:
      case 1:
      case 2: {
        const p = freshPath();
        if (!p) break;
        writeNew(p, content(r));
        if (r.chance(0.2)) fs.chmodSync(abs(repo, p), 0o755);
        log.push(`create ${show(p)}`);
        break;
      }
      case 3:
      case 4: {
        const files = of('file');
        if (files.length === 0) break;
        const p = r.pick(files);
        const file = abs(repo, p);
        if (r.chance(0.3)) {
          // Same size, other bytes (in the same second as the last write, often).
          const old = fs.readFileSync(file);
          const data = Buffer.from(old.map((b) => (b + 1 + r.int(200)) & 0xff));
          fs.writeFileSync(file, data);
          log.push(`rewrite-same-size ${show(p)}`);
        } else if (r.chance(0.5)) {
          fs.appendFileSync(file, content(r));
          log.push(`append ${show(p)}`);
        } else {
          fs.writeFileSync(file, content(r));
          log.push(`modify ${show(p)}`);
        }
        break;
      }
      case 5: {
        const gone = [...of('file'), ...of('link')];
        if (gone.length === 0) break;
        const p = r.pick(gone);
        fs.rmSync(abs(repo, p));
        log.push(`delete ${show(p)}`);
        break;
      }
      case 6: {
        // Made and removed at once (a temp file), maybe one that existed: then made again.
        const p = freshPath();
        if (!p) break;
        writeNew(p, content(r));
        fs.rmSync(abs(repo, p));
        log.push(`create+delete ${show(p)}`);
        const files = of('file');
        if (files.length > 0 && r.chance(0.5)) {
          const q = r.pick(files);
          const data = fs.readFileSync(abs(repo, q));
          fs.rmSync(abs(repo, q));
          fs.writeFileSync(abs(repo, q), r.chance(0.5) ? data : content(r));
          log.push(`delete+recreate ${show(q)}`);
        }
        break;
      }
      case 7: {
        // A file or symlink renamed, often into another directory.
        const from = [...of('file'), ...of('link')];
        const to = freshPath();
        if (from.length === 0 || !to) break;
        const p = r.pick(from);
        mkParent(to);
        fs.renameSync(abs(repo, p), abs(repo, to));
        log.push(`rename ${show(p)} -> ${show(to)}`);
        break;
      }
      case 8: {
        // A directory renamed (not into itself).
        const dirs = of('dir');
        const to = freshPath();
        if (dirs.length === 0 || !to) break;
        const p = r.pick(dirs);
        if (to === p || to.startsWith(`${p}/`)) break;
        mkParent(to);
        fs.renameSync(abs(repo, p), abs(repo, to));
        log.push(`rename-dir ${show(p)} -> ${show(to)}`);
        break;
      }
      case 9: {
        // A directory replaced by a file of the same name.
        const dirs = of('dir');
        if (dirs.length === 0) break;
        const p = r.pick(dirs);
        fs.rmSync(abs(repo, p), { recursive: true });
        fs.writeFileSync(abs(repo, p), content(r));
        log.push(`dir->file ${show(p)}`);
        break;
      }
      case 10: {
        // A file replaced by a directory of the same name (with something in it).
        const files = of('file');
        if (files.length === 0) break;
        const p = r.pick(files);
        fs.rmSync(abs(repo, p));
        const child = `${p}/${name()}`;
        writeNew(child, content(r));
        log.push(`file->dir ${show(p)} (${show(child)})`);
        break;
      }
      case 11: {
        // A file replaced by a symlink, or a symlink by a file.
        const links = of('link');
        const files = of('file');
        if (links.length > 0 && (files.length === 0 || r.chance(0.4))) {
          const p = r.pick(links);
          fs.rmSync(abs(repo, p));
          fs.writeFileSync(abs(repo, p), content(r));
          log.push(`link->file ${show(p)}`);
        } else if (files.length > 0) {
          const p = r.pick(files);
          fs.rmSync(abs(repo, p));
          const target = r.pick(of('any', true).concat(['nowhere', `../${name()}`, 'bad\xfftarget']));
          fs.symlinkSync(Buffer.from(target, 'latin1'), abs(repo, p));
          log.push(`file->link ${show(p)} -> ${show(target)}`);
        }
        break;
      }
      case 12: {
        // A new symlink (to a file, a directory, nothing).
        const p = freshPath();
        if (!p) break;
        const target = r.chance(0.5) ? r.pick(of('any', true).concat(['.'])) : `x/${name()}`;
        mkParent(p);
        fs.symlinkSync(Buffer.from(target, 'latin1'), abs(repo, p));
        log.push(`symlink ${show(p)} -> ${show(target)}`);
        break;
      }
      case 13:
      case 14: {
        const files = of('file');
        if (files.length === 0) break;
        const p = r.pick(files);
        const mode = fs.lstatSync(abs(repo, p)).mode & 0o777;
        // The executable bit turned, or the file narrowed (a key, a credentials file).
        const next = r.chance(0.25) ? r.pick([0o600, 0o640, 0o700, 0o604]) : mode & 0o100 ? mode & ~0o111 : mode | 0o111;
        fs.chmodSync(abs(repo, p), next);
        log.push(`chmod ${next.toString(8)} ${show(p)}`);
        break;
      }
      case 15: {
        // A large file written in chunks, the event loop let go between them.
        const p = freshPath();
        if (!p) break;
        mkParent(p);
        const fd = fs.openSync(abs(repo, p), 'w');
        const chunks = 8 + r.int(40);
        try {
          for (let c = 0; c < chunks; c++) {
            fs.writeSync(fd, Buffer.alloc(64 * 1024, c + r.int(256)));
            if (c % 8 === 7) await sleep(r.int(40));
          }
        } finally {
          fs.closeSync(fd);
        }
        log.push(`large ${show(p)} (${chunks} x 64 KiB)`);
        break;
      }
      case 16: {
        // A directory removed whole.
        const dirs = of('dir');
        if (dirs.length === 0) break;
        const p = r.pick(dirs);
        fs.rmSync(abs(repo, p), { recursive: true });
        log.push(`rm -rf ${show(p)}`);
        break;
      }
      case 17: {
        // An ignored file (no snapshot holds it), maybe in a new directory.
        const dir = dirFor();
        const p = `${dir === '' ? '' : `${dir}/`}${r.pick(['junk.ign', 'out.ign', 'cache.ign/x'])}`;
        try {
          writeNew(p, content(r));
          log.push(`ignored ${show(p)}`);
        } catch {
          // a file on the way
        }
        break;
      }
      case 18: {
        // `git add` of some paths (present or deleted), and sometimes `git rm --cached`.
        const paths = [...of('file'), ...of('link')].filter((p) => !isIgnored(p) && r.chance(0.3));
        if (paths.length === 0) break;
        if (r.chance(0.8)) {
          gitBytes(repo, ['--literal-pathspecs', 'add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: pathspecs(paths), allowFail: true });
          log.push(`git add ${paths.map(show).join(' ')}`);
        } else {
          gitBytes(repo, ['--literal-pathspecs', 'rm', '-q', '--cached', '--ignore-unmatch', '--pathspec-from-file=-', '--pathspec-file-nul'], { input: pathspecs(paths), allowFail: true });
          log.push(`git rm --cached ${paths.map(show).join(' ')}`);
        }
        break;
      }
      case 19: {
        // A deep new directory.
        let p: P = name();
        for (let d = 0; d < 4 + r.int(6); d++) p += `/${name()}`;
        if (exists(p.split('/')[0]!)) break;
        writeNew(`${p}/leaf`, content(r));
        log.push(`deep ${show(p)}/leaf`);
        break;
      }
      case 20: {
        // A directory replaced by a symlink, or a symlink by a directory.
        const links = of('link');
        const dirs = of('dir');
        if (links.length > 0 && (dirs.length === 0 || r.chance(0.5))) {
          const p = r.pick(links);
          fs.rmSync(abs(repo, p));
          writeNew(`${p}/${name()}`, content(r));
          log.push(`link->dir ${show(p)}`);
        } else if (dirs.length > 0) {
          const p = r.pick(dirs);
          fs.rmSync(abs(repo, p), { recursive: true });
          const target = r.pick(['src', '..', 'nowhere', `${name()}/${name()}`]);
          fs.symlinkSync(Buffer.from(target, 'latin1'), abs(repo, p));
          log.push(`dir->link ${show(p)} -> ${show(target)}`);
        }
        break;
      }
      case 21: {
        // A new directory, a pause (the watcher may snapshot it while it has no watch yet: it
        // asks git whether it is ignored first), then more written into it.
        const p = freshPath();
        if (!p) break;
        writeNew(`${p}/${name()}`, content(r));
        const ms = 100 + r.int(250);
        await sleep(ms);
        const later = `${p}/${name()}${r.int(10)}`;
        if (exists(p) && fs.lstatSync(abs(repo, p)).isDirectory()) writeNew(later, content(r));
        log.push(`new-dir ${show(p)}, pause ${ms} ms, then ${show(later)}`);
        break;
      }
      case 22: {
        // An ignore rule added or dropped (files it covers turn untracked or ignored).
        const rules = fs.readFileSync(`${repo.dir}/.gitignore`, 'latin1').split('\n').filter(Boolean);
        const rule = r.pick(RULES);
        const next = rules.includes(rule) ? rules.filter((l) => l !== rule) : [...rules, rule];
        fs.writeFileSync(`${repo.dir}/.gitignore`, `${next.join('\n')}\n`, 'latin1');
        log.push(`.gitignore ${rules.includes(rule) ? '-' : '+'}${rule}`);
        break;
      }
      default: {
        // A pause: the watcher may snapshot here (debounceMs 150).
        const ms = r.int(350);
        await sleep(ms);
        log.push(`pause ${ms} ms`);
      }
    }
  }
  return log;
}

/** A git command between bursts; what it was (it may fail, as with a person: nothing to commit). */
export function gitStep(repo: TestRepo, r: Rng, n: number): string {
  const run = (args: string[]): string => {
    const result = repo.gitResult(args);
    return `git ${args.join(' ')} -> ${result.code}`;
  };
  switch (r.int(8)) {
    case 0:
      return run(['commit', '-q', '-m', `commit ${n}`]);
    case 1:
      gitBytes(repo, ['add', '-A'], { allowFail: true });
      return `git add -A; ${run(['commit', '-q', '-m', `all ${n}`])}`;
    case 2:
      return run(['checkout', '-q', '-b', `b${n}`]);
    case 3: {
      const branches = repo.git(['for-each-ref', '--format=%(refname:short)', 'refs/heads']).split('\n').filter(Boolean);
      return run(['checkout', '-q', r.pick(branches)]);
    }
    case 4:
      return run(['stash', 'push', '-q', '-u', '-m', `stash ${n}`]);
    case 5:
      return run(['reset', '-q', '--hard']);
    case 6:
      return run(['tag', `t${n}`]);
    default:
      return run(['commit', '-q', '-a', '-m', `tracked ${n}`]);
  }
}
