/**
 * What a `git clean` would delete, asked of git itself: `git clean -n` with the command's own
 * options (-d, -x/-X, every -e pattern), its `-c core.excludesFile`, its pathspecs, where it runs.
 * Which files a clean takes depends on rules no listing reproduces (an `-e` pattern keeps what it
 * matches under -x and adds to the ignore rules without it; a directory holding an ignored file is
 * not taken whole without -x; nested repositories are skipped; -d does not matter once a pathspec
 * is given), so guard captured every ignored file in the clean's scope, and over the capture bound
 * refused `git clean -fdx -e .env` for files it keeps. The dry run's list is git's answer.
 *
 * It is not cheap everywhere: in a dry run with -d git walks every directory it would remove, to
 * find nested repositories (4.6 s over an ignored node_modules of 22k directories, where `ls-files
 * --directory` takes 0.02 s: docs/BENCHMARKS.md). Regenerable output is never captured, so the
 * caller keeps those directories out of the walk (`leaveOut`, exclude pathspecs); that changes
 * nothing else the clean takes, and only where git already reads pathspecs or -d as given (without
 * -d or a pathspec, git takes no directory and walks none).
 *
 * Its output is text (no -z): every name is C-quoted by git where it holds a control character, a
 * quote or a backslash, and with core.quotePath=true every byte above 0x7f as octal, so each line
 * is ASCII and unquoted here byte for byte. The names are relative to where it runs (`../x` for a
 * pathspec above it) and come back relative to the root, as git's bytes (latin1 strings), a
 * directory taken whole ending in `/`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { escapedBytes } from '../util/escaped-text.js';
import { runGitBytesSync } from './run.js';

export interface CleanDryRun {
  /** Where git clean runs (escaped text, absolute). */
  cwd: string;
  /** `key=value` settings the command line gives git (`-c core.excludesFile=...`), escaped text. */
  config: readonly string[];
  /** The clean's options that choose what goes, one word each: `-d`, `-x`, `-X`, `-e`, PATTERN ... */
  flags: readonly string[];
  /** Its pathspecs as typed (escaped text). */
  pathspecs: readonly string[];
  /** Root-relative directories (git's bytes, latin1, ending in `/`) to keep out of the walk. */
  leaveOut?: readonly string[];
}

const REMOVE = 'Would remove ';
const SKIP = 'Would skip repository ';
/** Printed (git 2.39) where the clean would take the directory it runs in: it keeps that directory, and lists what it takes inside it. */
const KEEPS_CWD = 'Would refuse to remove current working directory';

/** The entries the clean would delete (root-relative latin1, directories ending in `/`); null where git cannot say. */
export function cleanDryRun(root: string, request: CleanDryRun): string[] | null {
  const prefix = cwdPrefix(root, request.cwd);
  if (prefix === null) return null;
  // Exclude pathspecs make git read pathspecs as given: only where -d or a pathspec already does.
  const leaveOut = request.flags.includes('-d') || request.pathspecs.length > 0 ? (request.leaveOut ?? []) : [];
  const args: Array<string | Buffer> = [
    '-c',
    'core.quotePath=true',
    ...request.config.flatMap((c) => ['-c', escapedBytes(c)]),
    'clean',
    '-n',
    ...request.flags.map((f) => escapedBytes(f)),
    '--',
    ...request.pathspecs.map((p) => escapedBytes(p)),
    ...leaveOut.map((dir) => Buffer.concat([Buffer.from(':(top,exclude,literal)'), Buffer.from(dir.replace(/\/$/, ''), 'latin1')])),
  ];
  let listed;
  try {
    listed = runGitBytesSync(args, { cwd: request.cwd, okCodes: [128, 129] });
  } catch {
    return null;
  }
  if (listed.code !== 0) return null;
  const out: string[] = [];
  for (const line of listed.stdout.toString('latin1').split('\n')) {
    if (line === '' || line.startsWith(SKIP) || line === KEEPS_CWD) continue;
    if (!line.startsWith(REMOVE)) return null;
    const name = unquoted(line.slice(REMOVE.length));
    if (name === null) return null;
    const rel = path.posix.normalize(prefix + name);
    if (rel.startsWith('../') || rel === '..' || rel.startsWith('/')) return null;
    out.push(rel);
  }
  return out;
}

/** cwd relative to root as git's bytes (latin1) with a trailing `/`, '' at the root; null outside it. */
function cwdPrefix(root: string, cwd: string): string | null {
  let top: string;
  let here: string;
  try {
    top = (fs.realpathSync(Buffer.from(root, 'utf8'), { encoding: 'buffer' }) as Buffer).toString('latin1');
    here = (fs.realpathSync(escapedBytes(cwd), { encoding: 'buffer' }) as Buffer).toString('latin1');
  } catch {
    return null;
  }
  if (here === top) return '';
  return here.startsWith(`${top}/`) ? `${here.slice(top.length + 1)}/` : null;
}

const ESCAPES: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 0x22, '\\': 0x5c };

/**
 * A name as git's quote_c_style printed it, back to its bytes (latin1): bare when it needed no
 * quoting, else in double quotes with `\n`, `\"`, `\\` ... and `\ooo` for a byte. Null for
 * anything else (a form git does not print).
 */
export function unquoted(shown: string): string | null {
  if (!shown.startsWith('"')) return shown;
  if (shown.length < 2 || !shown.endsWith('"')) return null;
  const body = shown.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"') return null;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) return null;
    if (/[0-3]/.test(next) && /^[0-7]{3}$/.test(body.slice(i + 1, i + 4))) {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else if (next in ESCAPES) {
      out += String.fromCharCode(ESCAPES[next] as number);
      i += 1;
    } else return null;
  }
  return out;
}

/** The dry run's entries, asked of root-relative paths (latin1): is it taken, is anything under it. */
export class CleanEntries {
  private readonly set: Set<string>;
  private readonly sorted: string[];

  constructor(entries: readonly string[]) {
    this.set = new Set(entries);
    this.sorted = [...entries].sort();
  }

  get empty(): boolean {
    return this.sorted.length === 0;
  }

  /** The path (a file, or a directory ending in `/`) is listed, or lies in a directory listed whole. */
  takes(p: string): boolean {
    const bare = p.endsWith('/') ? p.slice(0, -1) : p;
    if (this.set.has(bare) || this.set.has(`${bare}/`)) return true;
    for (let at = bare.indexOf('/'); at > 0; at = bare.indexOf('/', at + 1)) if (this.set.has(bare.slice(0, at + 1))) return true;
    return false;
  }

  /** Something listed lies strictly under the directory `dir` (ending in `/`). */
  takesUnder(dir: string): boolean {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as string) < dir) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.sorted.length; i++) {
      const entry = this.sorted[i] as string;
      if (!entry.startsWith(dir)) return false;
      if (entry !== dir) return true;
    }
    return false;
  }
}
