/**
 * GitPath: a path exactly as git hands it over (`-z` output) or the file system names it, from
 * that moment until it goes back to git or to an fs call. It is a "byte string": every byte of
 * the name is one char (latin1), so any name (not valid UTF-8, with CR, LF, a leading quote)
 * survives, and it can still key a Map or Set and be cut at '/' like any string. The brand keeps
 * it apart from display text: turning one into the other is always explicit (pathText for people,
 * matchText for globs, gitPath for a name typed as text).
 *
 * Node's child_process takes argv as UTF-8 strings only, so a GitPath that is not valid UTF-8
 * cannot go on git's command line: send paths on stdin (`-z --stdin`, `--batch`,
 * `--pathspec-from-file=- --pathspec-file-nul`), as the callers here do.
 */
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { escapedBytes } from '../util/escaped-text.js';

declare const gitPathBrand: unique symbol;
export type GitPath = string & { readonly [gitPathBrand]: true };

/** The bytes of a Buffer as a GitPath (no decoding). */
export function gitPathOf(bytes: Buffer): GitPath {
  return bytes.toString('latin1') as GitPath;
}

/** A path typed or configured as text (UTF-8), e.g. from the command line. */
export function gitPath(text: string): GitPath {
  return Buffer.from(text, 'utf8').toString('latin1') as GitPath;
}

/** Splits NUL-terminated git output (`-z`) into paths, byte-exact. */
export function gitPathsOf(output: Buffer): GitPath[] {
  if (output.length === 0) return [];
  const parts = output.toString('latin1').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts as GitPath[];
}

export function pathBytes(p: GitPath): Buffer {
  return Buffer.from(p, 'latin1');
}

/** Absolute file-system path of `p` under `root`, as a Buffer so fs calls reach the exact name. */
export function fsPath(root: string, p: GitPath): Buffer {
  return Buffer.concat([Buffer.from(`${root}${path.sep}`, 'utf8'), pathBytes(p)]);
}

/** `paths`, each followed by NUL: input for `-z --stdin` and `--pathspec-file-nul`. */
export function nulInput(paths: Iterable<GitPath>): Buffer {
  return Buffer.concat([...paths].map((p) => Buffer.from(`${p}\0`, 'latin1')));
}

/** `:(literal)` pathspecs for `--pathspec-from-file=- --pathspec-file-nul`. */
export function literalPathspecInput(paths: Iterable<GitPath>): Buffer {
  return Buffer.concat([...paths].map((p) => Buffer.from(`:(literal)${p}\0`, 'latin1')));
}

/** True when the name is valid UTF-8, so it may go on git's command line and be shown as is. */
export function isTextPath(p: GitPath): boolean {
  return isUtf8(pathBytes(p));
}

/**
 * The name for glob matching (protect.paths, --paths): its UTF-8 text. An invalid byte becomes
 * U+FFFD, which `*` and `**` still match; the result is never used to name a file.
 */
export function matchText(p: GitPath): string {
  return pathBytes(p).toString('utf8');
}

const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * The name for people: as is when it is UTF-8 text without control characters, otherwise quoted
 * the way git quotes it (`"bad\377.log"`, `"a\nb"`), so two different names never look alike.
 */
export function pathText(p: GitPath): string {
  const bytes = pathBytes(p);
  if (isUtf8(bytes)) {
    const text = bytes.toString('utf8');
    if (!CONTROL.test(text) && !text.startsWith('"')) return text;
  }
  let out = '"';
  for (const byte of bytes) {
    if (byte === 0x22) out += '\\"';
    else if (byte === 0x5c) out += '\\\\';
    else if (byte === 0x0a) out += '\\n';
    else if (byte === 0x0d) out += '\\r';
    else if (byte === 0x09) out += '\\t';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}"`;
}

/**
 * The path a pathText string names (its inverse): a quoted name is unquoted the way git quotes
 * (octal escapes are bytes), anything else is UTF-8 text. pathText quotes every name that begins
 * with a double quote, so the two never mix up. For names stored as text (a snapshot's captured
 * ignored files) that must come back to bytes.
 */
export function pathFromText(text: string): GitPath {
  if (!(text.length >= 2 && text.startsWith('"') && text.endsWith('"'))) return gitPath(text);
  const bytes: number[] = [];
  const escapes: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '"': 0x22, '\\': 0x5c, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b };
  for (let i = 1; i < text.length - 1; i++) {
    const char = String.fromCodePoint(text.codePointAt(i)!);
    if (char !== '\\') {
      bytes.push(...Buffer.from(char, 'utf8'));
      i += char.length - 1;
      continue;
    }
    const next = text[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(text.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[next] ?? next.charCodeAt(0));
      i += 1;
    }
  }
  return gitPathOf(Buffer.from(bytes));
}

/**
 * `:(literal)` pathspecs for git's command line that cover `paths`: a name that cannot go on the
 * command line (not UTF-8) is covered by its nearest ancestor that can, or by the whole tree
 * (null). Callers list with -r and keep only the names they asked for.
 */
export function coveringPathspecs(paths: Iterable<GitPath>): string[] | null {
  const specs = new Set<string>();
  for (const p of paths) {
    let covering: GitPath | null = p;
    while (covering !== null && !isTextPath(covering)) {
      const slash = covering.lastIndexOf('/');
      covering = slash > 0 ? (covering.slice(0, slash) as GitPath) : null;
    }
    if (covering === null) return null;
    specs.add(`:(literal)${pathBytes(covering).toString('utf8')}`);
  }
  return [...specs];
}

/**
 * A `:(glob)` pathspec naming exactly the directory `dir` and everything under it, for a name
 * that cannot go on git's command line as text (not UTF-8) where the command takes no
 * `--pathspec-from-file` (ls-files has none): every byte outside ASCII becomes `?`, which git's
 * wildmatch matches against one byte, and glob characters are escaped. It may also match other
 * names with the same ASCII bytes, so callers keep only the paths under `dir`, byte for byte.
 */
export function bytewiseGlobUnder(dir: GitPath): string {
  return `${bytewiseGlob(dir)}/**`;
}

/**
 * Pathspecs for git's command line naming exactly `p` and everything under it: `:(literal)` text
 * when the name is UTF-8; otherwise (its bytes would reach git as U+FFFD and match nothing) a
 * bytewise glob for it and one for what is under it, which may match other names too: callers
 * keep only what is at or under `p`, byte for byte (atOrUnder).
 */
export function exactPathspecs(p: GitPath): string[] {
  return isTextPath(p) ? [`:(literal)${matchText(p)}`] : [bytewiseGlob(p), bytewiseGlobUnder(p)];
}

/**
 * Whether git's entry (maybe a collapsed directory ending in `/`) is `p`, lies under it, or is a
 * collapsed directory that holds it: byte for byte, so a name that differs from `p` only in a
 * byte that is not UTF-8 (which a bytewise glob also matches) is not kept.
 */
export function atOrUnder(entry: string, p: GitPath): boolean {
  const bare = entry.endsWith('/') ? entry.slice(0, -1) : entry;
  return bare === p || bare.startsWith(`${p}/`) || (entry.endsWith('/') && p.startsWith(entry));
}

const ESCAPED_BYTE = /[\udc80-\udcff]/;

/** Escaped text (escaped-text.ts) that holds a byte that is not UTF-8, so it cannot reach git as typed. */
export function hasEscapedByte(text: string): boolean {
  return ESCAPED_BYTE.test(text);
}

/**
 * A glob typed as escaped text (a shell word, util/escaped-text.ts) for git's `:(glob)` on its
 * command line: each byte that is not UTF-8 becomes `?`, which matches that byte (and any other
 * single byte), so git lists a superset; callers match what they keep against the escaped text.
 */
export function globOfEscaped(pattern: string): string {
  return pattern.replace(/[\udc80-\udcff]/g, '?');
}

/**
 * A pathspec as a command line writes it (escaped text: a shell word may hold bytes that are not
 * UTF-8), relative to `cwdRel` (the directory git runs in, relative to the root, escaped text,
 * '' at the root), as arguments for git's command line. Text goes as it is (`exact` null). With
 * such bytes: a plain name, or a `:(literal)` one, is named bytewise (exactPathspecs) and `exact`
 * is the root-relative name to keep git's answer to (atOrUnder); a pattern gets `?` for each byte
 * (globOfEscaped: more than it names, never less). Null for other magic and absolute paths, which
 * are not carried (the caller answers as it does where git cannot be asked).
 */
export function typedPathspecs(spec: string, cwdRel: string): { specs: string[]; exact: GitPath | null } | null {
  if (!ESCAPED_BYTE.test(spec)) return { specs: [spec], exact: null };
  const literal = spec.startsWith(':(literal)');
  const body = literal ? spec.slice(':(literal)'.length) : spec;
  if ((!literal && body.startsWith(':')) || body.startsWith('/')) return null;
  if (!literal && /[*?[\\]/.test(body)) return { specs: [globOfEscaped(body)], exact: null };
  const rel = path.posix.normalize(path.posix.join(cwdRel, body)).replace(/\/+$/, '');
  if (rel === '.' || rel === '..' || rel.startsWith('../') || rel.startsWith('/')) return null;
  const exact = escapedBytes(rel).toString('latin1') as GitPath;
  const local = escapedBytes(path.posix.normalize(body).replace(/\/+$/, '')).toString('latin1') as GitPath;
  return { specs: exactPathspecs(local), exact };
}

/**
 * A command's pathspecs (escaped text, relative to `cwd`, under the worktree `root`) for git's
 * command line (typedPathspecs), and which of git's root-relative entries to keep: where every
 * one was named bytewise, only what lies at or under one of them; else all (a pattern asks for
 * more, never less). Null where one cannot be carried: the caller answers as where git fails.
 */
export function commandLinePathspecs(root: string, cwd: string, typed: readonly string[]): { pathspecs: string[]; keep: (entry: string) => boolean } | null {
  if (!typed.some((spec) => ESCAPED_BYTE.test(spec))) return { pathspecs: [...typed], keep: () => true };
  const top = root.replace(/\/+$/, '');
  const here = cwd.replace(/\/+$/, '');
  const cwdRel = here === top ? '' : here.startsWith(`${top}/`) ? here.slice(top.length + 1) : null;
  if (cwdRel === null) return null;
  const asked = typed.map((spec) => typedPathspecs(spec, cwdRel));
  if (asked.some((a) => a === null)) return null;
  const exact = asked.map((a) => a?.exact ?? null);
  const pathspecs = asked.flatMap((a) => a?.specs ?? []);
  if (exact.some((e) => e === null)) return { pathspecs, keep: () => true };
  return { pathspecs, keep: (entry) => exact.some((e) => atOrUnder(entry, e as GitPath)) };
}

/** Like bytewiseGlobUnder, for the name `p` itself (a file, or a directory without its contents). */
export function bytewiseGlob(p: GitPath): string {
  let out = '';
  for (const byte of pathBytes(p)) {
    if (byte >= 0x80) out += '?';
    else {
      const c = String.fromCharCode(byte);
      out += /[*?[\\\]]/.test(c) ? `\\${c}` : c;
    }
  }
  return `:(glob)${out}`;
}

/**
 * The name as one argument for a command people copy into their shell: bare when safe, in single
 * quotes when it is plain text, and as bash/zsh `$'...'` with escapes when it holds control
 * characters or bytes that are not UTF-8 (the only way to type those names exactly).
 */
export function shellArg(p: GitPath): string {
  const bytes = pathBytes(p);
  const text = bytes.toString('utf8');
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(text)) return text;
  if (isUtf8(bytes) && !CONTROL.test(text)) return `'${text.replace(/'/g, `'\\''`)}'`;
  let out = "$'";
  for (const byte of bytes) {
    if (byte === 0x27) out += "\\'";
    else if (byte === 0x5c) out += '\\\\';
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\${byte.toString(8).padStart(3, '0')}`;
  }
  return `${out}'`;
}

/**
 * The name as one `guard rollback --paths` argument for the shell that names exactly it: bare
 * when it holds nothing a glob or the shell reads specially, otherwise in double quotes as
 * pathText shows it (`"k\377.env"`: rollback takes a quoted value as one exact name, bytes that
 * are not UTF-8 included), single-quoted for the shell.
 */
export function exactPathArg(p: GitPath): string {
  const text = pathBytes(p).toString('utf8');
  if (isTextPath(p) && /^[A-Za-z0-9_./@%+=:,-]+$/.test(text)) return text;
  const shown = pathText(p);
  const quoted = shown.startsWith('"') ? shown : `"${text.replace(/[\\"]/g, '\\$&')}"`;
  return `'${quoted.replace(/'/g, `'\\''`)}'`;
}
