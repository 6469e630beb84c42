/**
 * The hosting services' REST endpoints that destroy what no snapshot holds, read by both ways an
 * agent reaches them: the services' own clients (forge-cli.ts: `gh api`, `glab api`) and plain
 * HTTP clients (http-api.ts: curl, wget, httpie, xh). One table, so the two cannot drift apart.
 *
 *  - a repository: GitHub `repos/O/R`, GitLab `projects/ID`, Bitbucket Cloud
 *    `repositories/W/R` (DELETE: `forge-repo-delete`);
 *  - a branch or tag: GitHub `repos/O/R/git/refs/heads/B` (`tags/T`), GitLab
 *    `projects/ID/repository/branches/B` (`tags/T`), Bitbucket `repositories/W/R/refs/branches/B`
 *    (`tags/T`) (DELETE: `git-push-delete`; GitHub's PATCH with `force: true`: `git-push-force`).
 *
 * Paths are given without the host and the API's version prefix (`api/v3/`, `api/v4/`, `2.0/`).
 */

export type Forge = 'github' | 'gitlab' | 'bitbucket';

export const FORGE_NAMES: Readonly<Record<Forge, string>> = { github: 'GitHub', gitlab: 'GitLab', bitbucket: 'Bitbucket' };

/** What an endpoint names: the whole repository, or one ref (`heads/B`, `tags/T`). */
export type ApiTarget = { kind: 'repository' } | { kind: 'ref'; ref: string };

interface Endpoint {
  forge: Forge;
  pattern: RegExp;
  target: (match: RegExpExecArray) => ApiTarget;
}

const REPOSITORY: ApiTarget = { kind: 'repository' };
/** GitLab's and Bitbucket's `branches|tags/NAME` (NAME URL-encoded: `feature%2Fx`). */
const namedRef = (match: RegExpExecArray): ApiTarget => ({ kind: 'ref', ref: `${match[1] === 'branches' ? 'heads' : 'tags'}/${decoded(match[2]!)}` });

const ENDPOINTS: readonly Endpoint[] = [
  { forge: 'github', pattern: /^repos\/[^/]+\/[^/]+\/?$/, target: () => REPOSITORY },
  { forge: 'github', pattern: /^repos\/[^/]+\/[^/]+\/git\/refs\/((?:heads|tags)\/.+)$/, target: (m) => ({ kind: 'ref', ref: m[1]! }) },
  { forge: 'gitlab', pattern: /^projects\/[^/]+\/?$/, target: () => REPOSITORY },
  { forge: 'gitlab', pattern: /^projects\/[^/]+\/repository\/(branches|tags)\/(.+)$/, target: namedRef },
  { forge: 'bitbucket', pattern: /^repositories\/[^/]+\/[^/]+\/?$/, target: () => REPOSITORY },
  { forge: 'bitbucket', pattern: /^repositories\/[^/]+\/[^/]+\/refs\/(branches|tags)\/(.+)$/, target: namedRef },
];

function decoded(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** What `path` (no host, no version prefix, no query) names on `forge`, or null for anything else. */
export function apiTarget(forge: Forge, path: string): ApiTarget | null {
  const clean = path.replace(/^\/+/, '').split(/[?#]/)[0]!;
  for (const endpoint of ENDPOINTS) {
    if (endpoint.forge !== forge) continue;
    const match = endpoint.pattern.exec(clean);
    if (match) return endpoint.target(match);
  }
  return null;
}

/** A ref as messages name it: `main` for `heads/main`, `tag v1` for `tags/v1`. */
export function shownRef(ref: string): string {
  return ref.startsWith('heads/') ? ref.slice('heads/'.length) : ref.startsWith('tags/') ? `tag ${ref.slice('tags/'.length)}` : ref;
}

/**
 * A GraphQL request's text (query and variables): `deleteRef` deletes a ref, `updateRef(s)` with
 * `force: true` (or `force: $variable`) forces one. Searched as text: the mutation may sit in JSON, a file or a field.
 */
export function graphqlDamage(text: string): 'delete' | 'force' | null {
  if (/\bdeleteRef\s*\(/.test(text)) return 'delete';
  // `force: $f`: a variable guard does not resolve (its value may sit under any name) counts as true.
  if (/\bupdateRefs?\s*\(/.test(text) && /\bforce\b\\?["']?\s*[:=]\s*(?:true\b|\$\w)/.test(text)) return 'force';
  return null;
}

/** A request body (JSON or form) that sets `force` to true: GitHub's ref update may then rewind the branch. */
export function forcesRef(body: string): boolean {
  // JSON `"force": true`, a form's `force=true`, httpie's and xh's `force:=true`
  return /(?:^|[^\w])["']?force["']?\s*(?::=|:|=)\s*["']?(?:true|1)\b/i.test(body);
}
