/**
 * The hosting services' REST and GraphQL APIs called with a plain HTTP client: what forge-cli.ts
 * refuses of `gh api` / `glab api`, sent with curl, wget, httpie (`http`, `https`) or xh (`xh`,
 * `xhs`). Until 2026-12-06 `curl -X DELETE https://api.github.com/repos/O/R/git/refs/heads/main`
 * was "no destructive command found" while the same call through `gh api` was refused. The
 * endpoints are forge-api.ts's table; this module only reads each client's command line into a
 * method, URLs and a body:
 *
 *  - the service by the URL: host `api.github.com`, or a path under `/api/v3/` (GitHub
 *    Enterprise); a path under `/api/v4/` on any host (GitLab, self-hosted too); host
 *    `api.bitbucket.org` under `/2.0/`; GraphQL at `api.github.com/graphql` or `/api/graphql`;
 *  - DELETE of a repository: `forge-repo-delete`; of a branch or tag: `git-push-delete`;
 *    GitHub's PATCH of a ref whose body sets `force` to true, or whose body guard cannot read
 *    (`-d @-`, a file outside the repository, a variable): `git-push-force`; a GraphQL body with
 *    `deleteRef` / `updateRef(s)` with `force: true` (forge-api.ts graphqlDamage);
 *  - a method guard cannot read (`-X "$M"`) on a repository or ref URL counts as DELETE; a URL
 *    partly from variables (`https://api.github.com/repos/$OWNER/$REPO`) is read with each
 *    `$NAME` as one path segment.
 *
 * curl's options are its own grammar (output-files.ts CURL: `-XDELETE`, `-sX DELETE`, `--request
 * DELETE`, `--url U`; curl takes no `--opt=value`: `--request=DELETE` is an error that sends
 * nothing); `--next` / `-:` starts a new request with options of its own. Not covered (docs/
 * command-guard.md Known limits): other services' APIs (Gitea/Forgejo `/api/v1`, Bitbucket
 * Server, Azure DevOps), clouds' REST APIs, URLs read from a file (`curl -K`, `wget -i`).
 */
import { posix } from 'node:path';
import type { Field } from './expand.js';
import { apiTarget, FORGE_NAMES, forcesRef, graphqlDamage, shownRef, type Forge } from './forge-api.js';
import { scanGnuArgs, type GnuGrammar, type ScannedArgs } from './gnu-args.js';
import { CURL, WGET } from './output-files.js';
import { isUnder, resolvePath } from './paths.js';
import { makeVerdict, type RuleName } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here). */
export const HTTP_API_PROGRAMS = new Set(['curl', 'wget', 'http', 'https', 'xh', 'xhs']);

/** A body guard cannot read (stdin, a file outside the repository, a variable). */
const UNREAD = null;

/** One request as the client sends it. */
interface Request {
  /** Upper case; null when guard cannot read it. */
  method: string | null;
  urls: Field[];
  /** The body's text, '' for none, UNREAD when guard cannot read it. */
  body: string | null;
}

/** curl's flags that look like a prefix of a valued option (`--head` is not `--header`). */
const CURL_GRAMMAR: GnuGrammar = { ...CURL, longFlags: [...CURL.longFlags, 'head', 'get', 'next'] };
const CURL_DATA = ['-d', '--data', '--data-ascii', '--data-binary', '--data-raw', '--data-urlencode', '--json', '-F', '--form', '--form-string'];

/**
 * A body file, read as guard reads any file a command names (the state view: bounded by
 * FILE_TEXT_LIMIT, no git), inside the repository only. Not known yet (collecting, or by text):
 * unread, which the resolved pass then decides with the file's text.
 */
function readBody(name: string, inv: Invocation, rt: Runtime): string | null {
  if (name === '-') return UNREAD;
  const file = resolvePath(name, inv.cwd);
  const root = rt.ctx.repoRoot;
  if (file === null || root === null || !isUnder(file, root)) return UNREAD;
  const found = rt.ctx.view?.file({ dir: posix.dirname(file), name: posix.basename(file), up: false });
  return found && found !== 'missing' ? found.text : UNREAD;
}

/** Joins body pieces; any piece guard cannot read makes the whole body unread. */
function joined(pieces: Array<string | null>): string | null {
  return pieces.some((p) => p === UNREAD) ? UNREAD : pieces.join('\n');
}

function values(scanned: ScannedArgs, ...names: string[]): Array<Field | null> {
  return scanned.options.filter((o) => names.includes(o.name)).map((o) => o.value);
}

function curlRequests(args: Field[], inv: Invocation, rt: Runtime): Request[] {
  const groups: Field[][] = [[]];
  for (const arg of args) {
    if (arg.value === '--next' || arg.value === '-:') groups.push([]);
    else groups[groups.length - 1]!.push(arg);
  }
  return groups.map((group) => {
    const scanned = scanGnuArgs(group, CURL_GRAMMAR);
    const data = scanned.options.filter((o) => CURL_DATA.includes(o.name));
    const body = joined(
      data.map(({ name, value }) => {
        const text = value?.value ?? null;
        if (text === null) return UNREAD;
        // `-d @file`, `--json @file`, `--data-urlencode name@file`, `-F name=<file`: curl reads the file.
        if (name === '--data-raw' || name === '--form-string') return text;
        const at = name === '--data-urlencode' ? /^[^=@]*@(.+)$/s.exec(text) : name === '-F' || name === '--form' ? /^[^=]*=[<@](.+)$/s.exec(text) : /^@(.+)$/s.exec(text);
        return at ? readBody(at[1]!, inv, rt) : text;
      }),
    );
    const methods = values(scanned, '-X', '--request');
    const last = methods[methods.length - 1];
    const upload = values(scanned, '-T', '--upload-file').length > 0;
    const head = scanned.options.some((o) => o.name === '-I' || o.name === '--head');
    const get = scanned.options.some((o) => o.name === '-G' || o.name === '--get');
    const implied = head ? 'HEAD' : get ? 'GET' : upload ? 'PUT' : data.length > 0 ? 'POST' : 'GET';
    const method = last === undefined ? implied : (last?.value?.toUpperCase() ?? null);
    const urls = [...scanned.operands, ...values(scanned, '--url').filter((u): u is Field => u !== null)];
    return { method, urls, body: get ? '' : body };
  });
}

function wgetRequest(args: Field[], inv: Invocation, rt: Runtime): Request {
  const scanned = scanGnuArgs(args, WGET);
  const methods = values(scanned, '--method');
  const last = methods[methods.length - 1];
  const texts = values(scanned, '--body-data', '--post-data').map((f) => f?.value ?? UNREAD);
  const files = values(scanned, '--body-file', '--post-file').map((f) => (f?.value ? readBody(f.value, inv, rt) : UNREAD));
  const posts = values(scanned, '--post-data', '--post-file').length > 0;
  const method = last === undefined ? (posts ? 'POST' : 'GET') : (last?.value?.toUpperCase() ?? null);
  return { method, urls: scanned.operands, body: joined([...texts, ...files]) };
}

/** httpie 3 and xh: options that take a value (as the next word, or `--opt=value`). */
const HTTPIE_VALUED = new Set([
  '-a', '--auth', '-A', '--auth-type', '--bearer', '-o', '--output', '-p', '--print', '-P', '--history-print', '-s', '--style',
  '--session', '--session-read-only', '--proxy', '--cert', '--cert-key', '--cert-key-pass', '--verify', '--timeout', '--max-redirects',
  '--pretty', '--format-options', '--response-charset', '--response-mime', '--ssl', '--ciphers', '--default-scheme', '--boundary',
  '--raw', '--http-version', '--resolve', '--interface', '--unix-socket', '--path-as-is',
]);
const HTTP_METHOD = /^[A-Za-z]+$/;

/**
 * `http [OPTIONS] [METHOD] URL [ITEM ...]`: METHOD is a word of letters before the URL (either
 * case); items `key=value`, `key:=json`, `key=@file`, `key:=@file`, `@file` make the body (and
 * POST the default); without items and `--raw`, the body is stdin when it is not a terminal.
 */
function httpieRequest(args: Field[], inv: Invocation, rt: Runtime): Request {
  const positional: Field[] = [];
  let raw: string | null | undefined;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!.value;
    if (word === null || !word.startsWith('-') || word === '-') {
      positional.push(args[i]!);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.startsWith('--') && eq !== -1 ? word.slice(0, eq) : word;
    if (!HTTPIE_VALUED.has(name)) continue;
    const value = eq !== -1 && word.startsWith('--') ? word.slice(eq + 1) : (args[++i]?.value ?? null);
    if (name === '--raw') raw = value;
  }
  let method: string | null = null;
  let urlAt = 0;
  const first = positional[0];
  if (first && first.value !== null && HTTP_METHOD.test(first.value) && positional.length > 1) {
    method = first.value.toUpperCase();
    urlAt = 1;
  } else if (first && first.value === null && positional.length > 1 && !/[:/.]/.test(first.display)) {
    urlAt = 1; // `http "$METHOD" URL`: a method guard cannot read
  }
  const items = positional.slice(urlAt + 1);
  const pieces = items.map((item) => {
    const text = item.value;
    if (text === null) return UNREAD;
    if (/^[^=:]*==/.test(text) || /^[^=:]+:(?!=)/.test(text)) return ''; // a query parameter or a header
    const file = /^(?:[^=:]*:?=)?@(.+)$/s.exec(text);
    return file ? readBody(file[1]!, inv, rt) : text;
  });
  let body: string | null;
  if (raw !== undefined) body = raw;
  else if (items.length > 0) body = joined(pieces);
  else if (inv.stdin.kind === 'terminal') body = '';
  else if (inv.stdin.kind === 'text') body = inv.stdin.text;
  else body = inv.stdin.path ? readBody(inv.stdin.path, inv, rt) : UNREAD;
  if (method === null && urlAt === 0) method = body === '' || body === null ? 'GET' : 'POST';
  const url = positional[urlAt];
  return { method, urls: url ? [url] : [], body };
}

/** The URL as the client reads it; `$NAME` of an unknown one stands for one path segment. */
function urlText(url: Field): string {
  if (url.value !== null) return url.value;
  return url.display.replace(/["']/g, '').replace(/\$\{?\w+\}?/g, 'x');
}

/** Which API the URL is, and its path below the version prefix; null for any other URL. */
function apiOf(url: string): { forge: Forge; path: string; graphql: boolean } | null {
  const rest = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\//, '');
  const slash = rest.indexOf('/');
  if (slash === -1) return null;
  const host = rest.slice(0, slash).replace(/^.*@/, '').replace(/:\d*$/, '').toLowerCase();
  const path = rest.slice(slash).replace(/[?#].*$/s, '').replace(/\/{2,}/g, '/');
  if (host === 'api.github.com') return { forge: 'github', path, graphql: path === '/graphql' || path === '/graphql/' };
  if (path === '/api/graphql' || path === '/api/graphql/') return { forge: 'github', path, graphql: true };
  const prefixed = /^\/api\/(v3|v4)(\/.*)$/.exec(path);
  if (prefixed) return { forge: prefixed[1] === 'v3' ? 'github' : 'gitlab', path: prefixed[2]!, graphql: false };
  if (host === 'api.bitbucket.org' && path.startsWith('/2.0/')) return { forge: 'bitbucket', path: path.slice('/2.0'.length), graphql: false };
  return null;
}

/** What one request does that guard refuses, or null. */
function requestDamage(program: string, request: Request): { rule: RuleName; reason: string } | null {
  for (const url of request.urls) {
    const api = apiOf(urlText(url));
    const text = url.value ?? url.display;
    if (api === null) continue;
    const service = FORGE_NAMES[api.forge];
    // `curl DELETE URL`, or the URL with a method guard cannot read
    const call = request.method === null ? `${program} ${text} (a method guard cannot read, which may be DELETE)` : `${program} ${request.method} ${text}`;
    if (api.graphql) {
      if (request.body === null) continue; // a query guard cannot read: most are reads (as for `gh api graphql`)
      const damage = graphqlDamage(request.body);
      if (damage === 'delete') return { rule: 'git-push-delete', reason: `${program} sends a GraphQL deleteRef mutation to ${text}, which deletes a branch or tag on ${service}` };
      if (damage === 'force') return { rule: 'git-push-force', reason: `${program} sends a GraphQL ref update with force: true to ${text}, which rewrites history on ${service}` };
      continue;
    }
    const deletes = request.method === null || request.method === 'DELETE';
    // a release or an uploaded asset, which GitHub keeps no copy of (as `gh release delete`, forge-cli.ts; since 2026-12-07, holes4)
    if (api.forge === 'github' && deletes && /^\/repos\/[^/]+\/[^/]+\/releases\/(?:assets\/)?[^/]+\/?$/.test(api.path)) {
      return { rule: 'remote-data-delete', reason: `${call} deletes a release or an uploaded asset on GitHub, which GitHub cannot restore` };
    }
    const target = apiTarget(api.forge, api.path);
    if (target === null) continue;
    if (target.kind === 'repository') {
      if (deletes) return { rule: 'forge-repo-delete', reason: `${call} deletes the repository on ${service}, with every branch, tag, issue and pull request` };
      continue;
    }
    // A ref named by a variable is shown as a branch or a tag, not as the placeholder read.
    const ref = url.value !== null ? shownRef(target.ref) : target.ref.startsWith('tags/') ? 'a tag' : 'a branch';
    if (deletes) return { rule: 'git-push-delete', reason: `${call} deletes ${ref} on ${service}` };
    if (api.forge === 'github' && request.method === 'PATCH') {
      if (request.body === null) return { rule: 'git-push-force', reason: `${program} PATCH ${text} moves ${ref} on GitHub with a body guard cannot read, which may force it` };
      if (forcesRef(request.body)) return { rule: 'git-push-force', reason: `${program} PATCH ${text} with force: true moves ${ref} on GitHub to any commit, rewriting its history` };
    }
  }
  return null;
}

/** Refuses what a plain HTTP call to a hosting service's API would do that guard cannot bring back. */
export function classifyHttpApi(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const requests = program === 'curl' ? curlRequests(args, inv, rt) : program === 'wget' ? [wgetRequest(args, inv, rt)] : [httpieRequest(args, inv, rt)];
  for (const request of requests) {
    const damage = requestDamage(program, request);
    if (damage === null) continue;
    const kind = (damage.rule === 'forge-repo-delete' || damage.rule === 'remote-data-delete') && !rt.ctx.isAgent ? 'ask' : 'deny';
    rt.report(makeVerdict(kind, damage.rule, damage.reason, inv.source, damage.rule === 'remote-data-delete' ? 'Keep a copy first (`gh release download TAG -D backup`), then ask the person to run it; `gh release edit TAG --draft` hides a release without deleting it.' : undefined));
    return;
  }
}

