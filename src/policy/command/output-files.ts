/**
 * Programs that write a file named by an option or operand rather than through a redirection:
 * `curl -o .env URL`, `wget -O .env URL`, `sort -o .env`, `uniq in .env`, `openssl rand -out .env`.
 * Each path written is judged exactly as `> path` is
 * (targets.ts checkWriteTarget): an existing ignored file that is not regenerable output is
 * captured into the snapshot first (overwrite-ignored), `.git`, devices, guard's files and
 * protected paths are refused, everything else is a plain write. Before 2026-12-05 these were
 * "no destructive command found" and the ignored file was gone for good.
 *
 * The table below is each tool's own option grammar, read from its `--help` and man page on the
 * machine this was written on (curl 7.88.1, GNU Wget 1.21.3, GNU coreutils 9.1 sort and uniq,
 * OpenSSL 3.0.19). git's
 * `archive -o` and `bundle create`, and tar's `-c -f`, are judged where those commands are
 * (git.ts, archives.ts). Paths are relative to where the command runs.
 */
import path from 'node:path';
import { knownField, unknownField, type Field } from './expand.js';
import type { Invocation, Runtime } from './runtime.js';
import { checkWriteTarget, checkWriteText } from './targets.js';
import { resolvePath } from './paths.js';
import { checkWriteGlob } from './write-targets.js';
import { scanGnuArgs, type GnuGrammar, type ScannedArgs } from './gnu-args.js';
import { checkOverlay } from './overlay.js';
import { reportOpaque } from './runtime.js';
import { GLOB_EXPANSION_LIMIT } from './state.js';
import { opaqueKind, makeVerdict } from './rules.js';
import { shownEscaped } from '../../util/escaped-text.js';

/** curl 7.88.1, `curl --help all`: short and long options that take a value. */
export const CURL: GnuGrammar = {
  shortValues: 'ACDEFHKPQTUXYbcdehmortuwxyz',
  longValues: (
    'abstract-unix-socket alt-svc aws-sigv4 cacert capath cert cert-type ciphers config connect-timeout connect-to continue-at cookie ' +
    'cookie-jar create-file-mode crlfile curves data data-ascii data-binary data-raw data-urlencode delegation dns-interface dns-ipv4-addr ' +
    'dns-ipv6-addr dns-servers doh-url dump-header egd-file engine etag-compare etag-save expect100-timeout form form-string ftp-account ' +
    'ftp-alternative-to-user ftp-method ftp-port ftp-ssl-ccc-mode happy-eyeballs-timeout-ms header help hostpubmd5 hostpubsha256 hsts ' +
    'interface json keepalive-time key key-type krb libcurl limit-rate local-port login-options mail-auth mail-from mail-rcpt max-filesize ' +
    'max-redirs max-time netrc-file noproxy oauth2-bearer output output-dir parallel-max pass pinnedpubkey preproxy proto proto-default ' +
    'proto-redir proxy proxy-cacert proxy-capath proxy-cert proxy-cert-type proxy-ciphers proxy-crlfile proxy-header proxy-key ' +
    'proxy-key-type proxy-pass proxy-pinnedpubkey proxy-service-name proxy-tls13-ciphers proxy-tlsauthtype proxy-tlspassword proxy-tlsuser ' +
    'proxy-user proxy1.0 pubkey quote random-file range rate referer request request-target resolve retry retry-delay retry-max-time ' +
    'sasl-authzid service-name socks4 socks4a socks5 socks5-gssapi-service socks5-hostname speed-limit speed-time stderr telnet-option ' +
    'tftp-blksize time-cond tls-max tls13-ciphers tlsauthtype tlspassword tlsuser trace trace-ascii unix-socket upload-file url url-query ' +
    'user user-agent write-out'
  ).split(' '),
  longFlags: ['remote-name', 'remote-name-all', 'remote-header-name', 'no-clobber', 'globoff', 'create-dirs'],
  inline: false,
  prefixes: true,
  missing: null,
};

/** GNU Wget 1.21.3, `wget --help` (`-n` takes the letters of -nc, -nd, -nH, -np, -nv). */
export const WGET: GnuGrammar = {
  shortValues: 'eoaiBtOTwQPUlARDIXn',
  longValues: (
    'execute output-file append-output report-speed input-file base config rejected-log tries retry-on-http-error output-document ' +
    'start-pos progress timeout dns-timeout connect-timeout read-timeout wait waitretry quota bind-address limit-rate restrict-file-names ' +
    'prefer-family user password use-askpass local-encoding remote-encoding directory-prefix cut-dirs http-user http-password default-page ' +
    'header compression proxy-user proxy-password referer user-agent load-cookies save-cookies post-data post-file method body-data ' +
    'body-file secure-protocol certificate certificate-type private-key private-key-type ca-certificate ca-directory crl-file pinnedpubkey ' +
    'ciphers ftp-user ftp-password warc-file warc-header warc-max-size warc-dedup warc-tempdir level backups accept reject accept-regex ' +
    'reject-regex regex-type domains exclude-domains follow-tags ignore-tags include-directories exclude-directories'
  ).split(' '),
  longFlags: ['timestamping', 'no-clobber', 'recursive', 'page-requisites', 'mirror', 'no-directories', 'no-host-directories'],
  inline: true,
  prefixes: true,
  missing: null,
};

/** GNU sort 9.1, `sort --help`. */
const SORT: GnuGrammar = {
  shortValues: 'kotST',
  longValues: ['key', 'output', 'field-separator', 'buffer-size', 'temporary-directory', 'random-source', 'sort', 'batch-size', 'compress-program', 'files0-from', 'parallel'],
  longFlags: [],
  inline: true,
  prefixes: true,
  missing: null,
};

/** GNU uniq 9.1, `uniq --help`: `uniq [OPTION]... [INPUT [OUTPUT]]`. */
const UNIQ: GnuGrammar = { shortValues: 'fsw', longValues: ['skip-fields', 'skip-chars', 'check-chars'], longFlags: [], inline: true, prefixes: true, missing: null };

/**
 * The compiler drivers (gcc 12.2.0 `--help`: `-o <file>`, also `-ofile`, `--output=file`,
 * `--output file`) and `go build`/`go test -c` (`-o F`, `-o=F`, `--o F`; go is not installed on
 * the machine this was written on: from `go help build`). What they write is the build's own
 * output, which the next build writes again: judging it as a redirection would snapshot (and
 * capture a binary) before every build, and their names would send every `go test` and `cc`
 * line through Node, for a loss (`gcc -o .env`) nobody makes. So only the refusals that need no
 * look at the repository apply (`gcc -o .git/hooks/pre-commit`, guard's files, protected paths:
 * checkWriteText), and they are not words of the hook's fast path (a path into `.git` or one of
 * guard's files holds a risky word itself). Not `c++`: the fast path cuts words at `+`.
 */
const COMPILERS = new Set(['gcc', 'cc', 'g++', 'clang', 'clang++', 'go']);
/**
 * The 1Password CLI (`op`, cobra flags: `-oFILE`, `-o FILE`, `--out-file=FILE`): `op inject -o
 * FILE` writes a template with its secrets filled in, `op read -o FILE` one secret, `op document
 * get -o FILE` a stored document. The file written is usually an ignored secrets file
 * (`.envrc.secrets`, `.env`), which no snapshot holds; realproj4 found `op inject -o` free on
 * 2026-12-07. Its value-taking options (op 2.x `--help`): the global ones and these commands'.
 */
const OP: GnuGrammar = {
  shortValues: 'iov',
  longValues: ['account', 'config', 'encoding', 'format', 'session', 'in-file', 'out-file', 'output', 'file-mode', 'vault'],
  longFlags: [],
  inline: true,
  prefixes: false,
  missing: null,
};

/** Programs whose output files this module knows (commands.ts sends them here). */
export const OUTPUT_FILE_PROGRAMS = new Set(['curl', 'wget', 'sort', 'uniq', 'openssl', 'op', ...COMPILERS]);

function values(scanned: ScannedArgs, ...names: string[]): Field[] {
  return scanned.options.filter((o) => names.includes(o.name) && o.value !== null).map((o) => o.value as Field);
}

function has(scanned: ScannedArgs, ...names: string[]): boolean {
  return scanned.options.some((o) => names.includes(o.name));
}

/** One file a program writes: the path (relative to where it runs), and how it is named in messages. */
export interface OutputFile {
  file: Field;
  what: string;
}

/** The files `name args...` writes by option or operand, over what is there (stdout, `-`, left out). */
export function outputFiles(name: string, args: Field[]): OutputFile[] {
  if (name === 'go') return goOutputs(args);
  if (COMPILERS.has(name)) return compilerOutputs(name, args);
  switch (name) {
    case 'curl':
      return curlOutputs(args);
    case 'wget':
      return wgetOutputs(args);
    case 'sort':
      return written('sort', values(scanGnuArgs(args, SORT), '-o', '--output'));
    case 'uniq': {
      const output = scanGnuArgs(args, UNIQ).operands[1];
      return written('uniq', output ? [output] : []);
    }
    case 'openssl':
      return opensslOutputs(args);
    case 'op':
      return opOutputs(args);
    default:
      return [];
  }
}

/** `op inject|read -o FILE`, `op document get -o FILE` (`--out-file`, `--output`). */
function opOutputs(args: Field[]): OutputFile[] {
  const scanned = scanGnuArgs(args, OP);
  const [first, second] = scanned.operands.map((o) => o.value);
  if (first !== 'inject' && first !== 'read' && !(first === 'document' && second === 'get')) return [];
  return written(`op ${first === 'document' ? 'document get' : first}`, values(scanned, '-o', '--out-file', '--output'));
}

/** Each field as a file the tool writes; `-` is standard output. */
function written(tool: string, files: Field[], how = 'writes'): OutputFile[] {
  return files.filter((f) => f.value !== '-').map((file) => ({ file, what: `${tool} ${how} ${file.display}` }));
}

/**
 * curl: the i-th `-o FILE` or `-O` goes with the i-th URL (`--remote-name-all`: every URL
 * without one is `-O`); `-O` names the file after the URL's last path segment (no query, no
 * fragment), in the current directory or `--output-dir`, which `-o` names are under too.
 * `--no-clobber` writes `name.1` instead of replacing. `-J` lets the server name the file, which
 * curl never writes over an existing one; without such a header the URL's name is used, so it is
 * judged as `-O`. The cookie jar, header dump, traces and the rest write their file too.
 */
function curlOutputs(args: Field[]): OutputFile[] {
  const scanned = scanGnuArgs(args, CURL);
  const urls = [...scanned.operands, ...values(scanned, '--url')];
  const dirs = values(scanned, '--output-dir');
  const dir = dirs[dirs.length - 1];
  const globs = !has(scanned, '-g', '--globoff');
  const files: OutputFile[] = [];
  if (!has(scanned, '--no-clobber')) {
    const specs = scanned.options.filter((o) => ['-o', '--output', '-O', '--remote-name'].includes(o.name));
    const all = has(scanned, '--remote-name-all');
    for (let i = 0; i < Math.max(specs.length, all ? urls.length : 0); i++) {
      const spec = specs[i];
      const named = spec && (spec.name === '-o' || spec.name === '--output');
      if (named && spec.value === null) continue;
      if (named) {
        const file = spec.value as Field;
        if (file.value === '-') continue;
        files.push({ file: underDir(dir, file), what: `curl writes ${file.display}` });
        continue;
      }
      const url = urls[i];
      if (!url) continue;
      const remote = urlFileName(url, globs);
      if (remote === null) continue;
      files.push({ file: underDir(dir, remote), what: `curl -O writes ${remote.display}, the file name of ${url.display}` });
    }
  }
  const extra = values(scanned, '-c', '--cookie-jar', '-D', '--dump-header', '--trace', '--trace-ascii', '--stderr', '--libcurl', '--etag-save');
  return [...files, ...written('curl', extra)];
}

/** A curl output name under `--output-dir` (joined as curl joins them, an absolute name too). */
function underDir(dir: Field | undefined, file: Field): Field {
  if (!dir) return file;
  if (dir.value === null || file.value === null) return unknownField(`${dir.display}/${file.display}`);
  return knownField(path.posix.join(dir.value, file.value));
}

/**
 * The file name curl -O (and wget -N) gives a URL: its last path segment, without query or
 * fragment. Null when it has none (curl then fails, writing nothing); unknown when the URL is,
 * or when it has curl's `{a,b}` / `[1-3]` globs (several names).
 */
function urlFileName(url: Field, globs: boolean): Field | null {
  if (url.value === null || (globs && /[[{]/.test(url.value))) return unknownField(`the file name of ${url.display}`);
  const afterScheme = url.value.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const slash = afterScheme.indexOf('/');
  if (slash === -1) return null;
  const pathPart = (afterScheme.slice(slash).split(/[?#]/)[0] as string);
  const base = pathPart.slice(pathPart.lastIndexOf('/') + 1);
  return base === '' || base === '.' || base === '..' ? null : knownField(base);
}

/**
 * wget: `-O FILE` replaces FILE (`-` is stdout), `-o FILE` replaces it with the log (`-a`
 * appends). Without -O a download never replaces a file (it saves `name.1`), except with
 * `-N`/`--timestamping`, which replaces `name` (in `-P` DIR) when the remote one is newer.
 * `--save-cookies` writes its file.
 */
function wgetOutputs(args: Field[]): OutputFile[] {
  const scanned = scanGnuArgs(args, WGET);
  const documents = values(scanned, '-O', '--output-document');
  const files = [...written('wget', documents), ...written('wget', values(scanned, '-o', '--output-file', '--save-cookies'))];
  // A recursive download writes a tree (wgetTrees), not these names.
  if (wgetRecursive(scanned)) return files;
  if (documents.length === 0 && has(scanned, '-N', '--timestamping')) {
    const prefixes = values(scanned, '-P', '--directory-prefix');
    const prefix = prefixes[prefixes.length - 1];
    for (const url of scanned.operands) {
      const remote = urlFileName(url, false);
      if (remote) files.push({ file: underDir(prefix, remote), what: `wget -N writes ${remote.display}, the file name of ${url.display}` });
    }
  }
  return files;
}

/** `-r`, `-p`, `-m` (and their long names): a tree under the host's directory, replacing what is there. */
function wgetRecursive(scanned: ScannedArgs): boolean {
  return has(scanned, '-r', '--recursive', '-p', '--page-requisites', '-m', '--mirror');
}

/**
 * wget -r / -p / -m (GNU Wget 1.21.3's man page: "When running Wget with -r or -p, but without
 * -N, -nd, or -nc, re-downloading a file will result in the new copy simply overwriting the
 * old"): the files it writes are named by the pages it follows, unknown before it runs, under
 * PREFIX/HOST[:PORT]/ (PREFIX from -P, else where it runs; `-nH` drops the host's directory).
 * Judged as an archive extracted there (overlay.ts, from: null): the ignored files under that
 * directory that are not regenerable output are captured first, over the capture bound denied.
 * `-nc`, and `-nd` without `-N` (wget then saves `name.1`), replace nothing; `-O` writes one file
 * (wgetOutputs). Until 2026-12-05 not judged ("allow: no destructive command found").
 */
function wgetTrees(inv: Invocation, args: Field[], rt: Runtime): void {
  const scanned = scanGnuArgs(args, WGET);
  if (!wgetRecursive(scanned) || values(scanned, '-O', '--output-document').length > 0) return;
  // `-n` takes the letters of -nc, -nd, -nH, -np, -nv (scanGnuArgs keeps its value).
  const n = values(scanned, '-n').map((v) => v.value ?? '').join('');
  const noClobber = has(scanned, '--no-clobber') || n.includes('c');
  const noDirs = has(scanned, '--no-directories') || n.includes('d');
  if (noClobber || (noDirs && !has(scanned, '-N', '--timestamping'))) return;
  const noHost = noDirs || has(scanned, '--no-host-directories') || n.includes('H');
  const prefixes = values(scanned, '-P', '--directory-prefix');
  const prefix = prefixes[prefixes.length - 1];
  const what = 'wget -r downloads pages';
  if (prefix && (prefix.value === null || prefix.glob)) {
    reportOpaque(rt, `${what} under ${prefix.display}, a directory guard cannot know before the command runs`, inv.source);
    return;
  }
  const base = prefix ? resolvePath(prefix.value, inv.cwd) : inv.cwd;
  if (base === null) return;
  const dirs = new Set<string>();
  for (const url of [...scanned.operands, ...values(scanned, '-i', '--input-file').map(() => null)]) {
    const host = noHost ? '' : url === null ? null : urlHostDir(url);
    if (host === null) {
      // A URL guard cannot read (or read from a file): every host's directory there.
      dirs.add(base);
      continue;
    }
    dirs.add(host === '' ? base : path.posix.join(base, host));
  }
  for (const dest of dirs) {
    const byText = checkWriteText(dest, rt.ctx, inv.source, `${what} into ${dest}`);
    if (byText) {
      rt.report(byText);
      continue;
    }
    const verdict = checkOverlay({ from: null, dest, name: null, what, unlisted: 'whose names guard cannot know before it runs (each replaces the file of its name there)' }, rt.ctx, inv.source);
    if (verdict) rt.report(verdict);
  }
}

/** wget's directory for a URL's host: `host`, `host:port` for a port that is not the scheme's default; null when unknown. */
function urlHostDir(url: Field): string | null {
  if (url.value === null || url.glob) return null;
  const match = /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/.exec(url.value);
  if (!match || !match[2]) return null;
  const scheme = (match[1] ?? 'http').toLowerCase();
  const defaults: Record<string, string> = { http: '80', https: '443', ftp: '21', ftps: '990' };
  const host = match[2].toLowerCase();
  if (host.includes('/') || host === '.' || host === '..') return null;
  return match[3] && match[3] !== defaults[scheme] ? `${host}:${match[3]}` : host;
}

/** openssl SUBCOMMAND: `-out FILE` (also `--out`, `-out=FILE`), req's `-keyout FILE`, rand's `-writerand FILE`. */
function opensslOutputs(args: Field[]): OutputFile[] {
  const files: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) continue;
    const match = /^--?(out|keyout|writerand)(=(.*))?$/s.exec(value);
    if (!match) continue;
    if (match[2] !== undefined) files.push(knownField(match[3] as string));
    else if (args[i + 1]) files.push(args[++i] as Field);
  }
  return written('openssl', files);
}

/** gcc, cc, g++, clang ...: `-o FILE`, `-oFILE`, `--output=FILE`, `--output FILE` (without one: a.out, left alone). */
function compilerOutputs(name: string, args: Field[]): OutputFile[] {
  const files: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) continue;
    if (value === '-o' || value === '--output') {
      if (args[i + 1]) files.push(args[++i] as Field);
    } else if (value.startsWith('--output=')) files.push(knownField(value.slice('--output='.length)));
    else if (value.startsWith('-o')) files.push(knownField(value.slice(2)));
  }
  return written(name, files);
}

/** `go build -o FILE` and `go test -c -o FILE` (Go's flag package: `-o F`, `-o=F`, `--o F`). */
function goOutputs(args: Field[]): OutputFile[] {
  const command = args[0]?.value;
  if (command !== 'build' && command !== 'test') return [];
  const files: Field[] = [];
  for (let i = 1; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) continue;
    if (value === '--') break;
    const match = /^--?o(=(.*))?$/s.exec(value);
    if (!match) continue;
    if (match[1] !== undefined) files.push(knownField(match[2] as string));
    else if (args[i + 1]) files.push(args[++i] as Field);
  }
  return written(`go ${command}`, files);
}

/** Judges every file the program writes as a redirection to it is judged. */
export function classifyOutputFiles(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name === 'wget') wgetTrees(inv, args, rt);
  const refusalsOnly = COMPILERS.has(name);
  for (const { file, what } of outputFiles(name, args)) {
    if (!refusalsOnly) judgeOutputFile(file, inv.cwd, rt, inv.source, what);
    else if (file.value !== null && !file.glob) {
      const abs = resolvePath(file.value, inv.cwd);
      const verdict = abs === null ? null : checkWriteText(abs, rt.ctx, inv.source, what);
      if (verdict) rt.report(verdict);
    }
  }
}

/**
 * One file a command replaces (`-` is standard output), judged as `> file` is: the same rule,
 * message, capture and cost (also for `git archive -o`, `git bundle create`, `tar -cf`).
 */
export function judgeOutputFile(file: Field, cwd: string | null, rt: Runtime, source: string, what: string): void {
  if (file.value === '-') return;
  const verdict = file.glob ? checkWriteGlob(file, cwd, rt.ctx, source, what) : checkWriteTarget(file, cwd, rt.ctx, source, what);
  if (verdict) rt.report(verdict);
}

/** A glob's special characters escaped, so a directory's name is matched as itself. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * Files a command writes whose names guard knows only as a pattern (`git format-patch` writes
 * `0001-<subject>.patch` ...): the names the pattern matches now, expanded from the file system as
 * bash would (StateView.globWords, readdir, no git process), are the files it can replace, each
 * judged as `> file` is (an ignored one captured first). Nothing matching: nothing replaced, no
 * cost. By text alone (no view) nothing is judged. Past the expansion bound: a path guard cannot
 * know (refused for an agent, asked of a person).
 */
export function judgeOutputPattern(pattern: string, cwd: string | null, rt: Runtime, source: string, what: string): void {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || cwd === null) return;
  const words = view.globWords({ cwd, pattern, limit: GLOB_EXPANSION_LIMIT });
  if (words === undefined) return;
  if (words === null) {
    rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', `${what}: more files match ${pattern} than guard reads before a command, so what it replaces is not known`, source, 'Write into a new or empty directory (git format-patch -o DIR), then move what you need.'));
    return;
  }
  for (const word of words) judgeOutputFile({ ...knownField(word), display: shownEscaped(word) }, cwd, rt, source, `${what} ${shownEscaped(word)}`);
}
