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

/** curl 7.88.1, `curl --help all`: short and long options that take a value. */
const CURL: GnuGrammar = {
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
const WGET: GnuGrammar = {
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
  longFlags: ['timestamping', 'no-clobber'],
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
/** Programs whose output files this module knows (commands.ts sends them here). */
export const OUTPUT_FILE_PROGRAMS = new Set(['curl', 'wget', 'sort', 'uniq', 'openssl', ...COMPILERS]);

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
    default:
      return [];
  }
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
