/**
 * The hosting services' command-line clients, `gh` (GitHub) and `glab` (GitLab): what they do to
 * the remote that `git push` is refused for. Until 2026-12-06 every `gh`/`glab` line was "no
 * destructive command found", so an agent refused `git push --force origin main` could do the same
 * through the REST API, which agents reach for (`gh api`):
 *
 *  - `gh api -X DELETE repos/O/R/git/refs/heads/B` (or `tags/T`) deletes a remote branch or tag:
 *    `git-push-delete`, as `git push --delete` is; GitLab: `glab api -X DELETE
 *    projects/ID/repository/branches/B` (`tags/T`);
 *  - `gh api -X PATCH repos/O/R/git/refs/heads/B -F sha=X -F force=true` moves the branch to any
 *    commit: `git-push-force`, as `git push --force` is (without `force=true` GitHub takes only a
 *    fast-forward: free); a body from `--input` is not read, so it counts as forced;
 *  - GraphQL: a `deleteRef` mutation deletes a ref, `updateRef`/`updateRefs` with `force: true`
 *    forces one (the query text and its fields are searched; a query read from `@file` is read
 *    when it is a readable file);
 *  - `gh repo delete`, `glab repo delete`, `gh api -X DELETE repos/O/R` (`projects/ID`) delete the
 *    whole repository with its issues and pull requests: `forge-repo-delete`, refused for an agent
 *    and asked of a person;
 *  - `gh release delete T --cleanup-tag` deletes the tag too: `git-push-delete`;
 *  - `gh release delete T`, `gh release delete-asset T A`, `gh api -X DELETE
 *    repos/O/R/releases/ID` (`releases/assets/ID`) delete the release's notes and uploaded assets,
 *    which GitHub keeps no copy of: `remote-data-delete`, refused for an agent and asked of a
 *    person (since 2026-12-07, helper holes4; before, free).
 *
 * Free: everything that reads, creates or fast-forwards; `gh pr merge|close --delete-branch`
 * (GitHub keeps the pull request's head, and its page restores the branch).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Field } from './expand.js';
import { apiTarget, graphqlDamage } from './forge-api.js';
import { makeVerdict, type RuleName } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here). */
export const FORGE_PROGRAMS = new Set(['gh', 'glab']);

/** `gh api` / `glab api` options that take the next word as their value. */
const API_VALUE_OPTIONS = new Set(['-X', '--method', '-f', '--raw-field', '-F', '--field', '-H', '--header', '--input', '-q', '--jq', '-t', '--template', '--hostname', '-p', '--preview', '--cache']);
const FIELD_OPTIONS = new Set(['-f', '--raw-field', '-F', '--field']);
/** Options before the subcommand (`gh -R o/r repo delete`, `glab -R ...`). */
const GLOBAL_VALUE_OPTIONS = new Set(['-R', '--repo']);

interface ApiCall {
  method: string;
  endpoint: string | null;
  /** KEY=VALUE of every field, as written; the text of `@file` values read where possible. */
  fields: string[];
  /** A body from --input, which guard does not read. */
  input: boolean;
}

function readApiCall(args: Field[], cwd: string): ApiCall {
  let method: string | null = null;
  let endpoint: string | null = null;
  const fields: string[] = [];
  let input = false;
  for (let i = 0; i < args.length; i++) {
    const word = args[i]?.value ?? null;
    if (word === null) continue;
    const long = /^(--[a-z-]+)=(.*)$/s.exec(word);
    const short = /^(-[XfFHqtp])(.+)$/s.exec(word);
    const [name, inline] = long ? [long[1]!, long[2]!] : short ? [short[1]!, short[2]!] : [word, null];
    if (name.startsWith('-') && API_VALUE_OPTIONS.has(name)) {
      const value = inline ?? args[++i]?.value ?? '';
      if (name === '-X' || name === '--method') method = value.toUpperCase();
      else if (FIELD_OPTIONS.has(name)) fields.push(fieldText(value, cwd));
      else if (name === '--input') input = true;
      continue;
    }
    if (name.startsWith('-')) continue;
    endpoint ??= word;
  }
  return { method: method ?? (fields.length > 0 || input ? 'POST' : 'GET'), endpoint, fields, input };
}

/** A field as written, or for `key=@file` the file's text as well (gh reads it), bounded. */
function fieldText(field: string, cwd: string): string {
  const at = /^[^=]*=@(.+)$/s.exec(field);
  if (!at || at[1] === '-') return field;
  try {
    const file = path.resolve(cwd, at[1]!);
    if (fs.statSync(file).size > 1 << 20) return field;
    return `${field}\n${fs.readFileSync(file, 'utf8')}`;
  } catch {
    return field;
  }
}

/** The endpoint's path as forge-api.ts reads it: `gh api` takes a full URL too, and GitHub Enterprise's `api/v3/`. */
function endpointPath(endpoint: string): string {
  return endpoint.replace(/^https?:\/\/[^/]+/, '').replace(/^\/+/, '').replace(/^api\/v[34]\//, '');
}

/** What the line does to the remote that guard refuses, or null. */
export function forgeDamage(program: string, args: Field[], cwd: string): { rule: RuleName; reason: string; instead?: string } | null {
  let start = 0;
  while (start < args.length) {
    const word = args[start]?.value ?? null;
    if (word !== null && GLOBAL_VALUE_OPTIONS.has(word)) start += 2;
    else if (word !== null && word.startsWith('-')) start++;
    else break;
  }
  const [first = null, second = null] = args.slice(start, start + 2).map((a) => a.value);
  const rest = args.slice(start + 2);
  if (first === 'repo' && second === 'delete') return { rule: 'forge-repo-delete', reason: `${program} repo delete deletes the repository on ${program === 'gh' ? 'GitHub' : 'GitLab'}, with every branch, tag, issue and ${program === 'gh' ? 'pull' : 'merge'} request` };
  if (program === 'gh' && first === 'release' && second === 'delete' && rest.some((a) => a.value === '--cleanup-tag')) {
    const tag = rest.find((a) => a.value !== null && !a.value.startsWith('-'))?.value ?? 'its tag';
    return { rule: 'git-push-delete', reason: `gh release delete --cleanup-tag deletes the tag ${tag} on GitHub` };
  }
  // A release's notes and uploaded assets (builds, signatures): GitHub keeps no copy once deleted.
  if (program === 'gh' && first === 'release' && (second === 'delete' || second === 'delete-asset')) {
    const tag = rest.find((a) => a.value !== null && !a.value.startsWith('-'))?.value ?? 'TAG';
    return { rule: 'remote-data-delete', reason: second === 'delete' ? `gh release delete deletes the release ${tag} on GitHub with its notes and uploaded assets, which GitHub cannot restore` : `gh release delete-asset deletes an uploaded asset of the release ${tag} on GitHub, which GitHub cannot restore`, instead: `Keep a copy first (\`gh release download ${tag} -D release-${tag}\`, \`gh release view ${tag} --json body,name\`), then ask the person to run it; \`gh release edit ${tag} --draft\` hides a release without deleting it.` };
  }
  if (first !== 'api') return null;
  const call = readApiCall(args.slice(start + 1), cwd);
  if (call.endpoint === null) return null;
  const service = program === 'gh' ? 'GitHub' : 'GitLab';
  if (call.endpoint === 'graphql') {
    const damage = graphqlDamage(call.fields.join('\n'));
    if (damage === 'delete') return { rule: 'git-push-delete', reason: `${program} api graphql runs a deleteRef mutation, which deletes a branch or tag on ${service}` };
    if (damage === 'force') return { rule: 'git-push-force', reason: `${program} api graphql forces a ref update (updateRef with force: true), which rewrites history on ${service}` };
    return null;
  }
  if (program === 'gh' && call.method === 'DELETE' && /^repos\/[^/]+\/[^/]+\/releases\/(?:assets\/)?[^/]+\/?$/.test(endpointPath(call.endpoint))) {
    return { rule: 'remote-data-delete', reason: `gh api -X DELETE ${call.endpoint} deletes a release or an uploaded asset on GitHub, which GitHub cannot restore`, instead: 'Keep a copy first (`gh release download TAG -D backup`), then ask the person to run it; `gh release edit TAG --draft` hides a release without deleting it.' };
  }
  const target = apiTarget(program === 'gh' ? 'github' : 'gitlab', endpointPath(call.endpoint));
  if (target === null) return null;
  if (target.kind === 'repository') return call.method === 'DELETE' ? { rule: 'forge-repo-delete', reason: `${program} api -X DELETE ${call.endpoint} deletes the repository on ${service}` } : null;
  const ref = target.ref;
  if (call.method === 'DELETE') return { rule: 'git-push-delete', reason: `${program} api -X DELETE deletes ${ref.replace(/^heads\//, '')} on ${service}` };
  if (program === 'gh' && call.method === 'PATCH') {
    if (call.input) return { rule: 'git-push-force', reason: `gh api -X PATCH moves ${ref.replace(/^heads\//, '')} on GitHub with a body guard does not read (--input), which may force it` };
    if (call.fields.some((f) => /^force=(?:true|1)$/i.test(f.split('\n')[0]!))) return { rule: 'git-push-force', reason: `gh api -X PATCH ... force=true moves ${ref.replace(/^heads\//, '')} on GitHub to any commit, rewriting its history` };
  }
  return null;
}

/** Refuses what `gh`/`glab` would do to the remote that guard cannot bring back. */
export function classifyForge(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const damage = forgeDamage(program, args, rt.ctx.cwd ?? '.');
  if (damage === null) return;
  const kind = (damage.rule === 'forge-repo-delete' || damage.rule === 'remote-data-delete') && !rt.ctx.isAgent ? 'ask' : 'deny';
  rt.report(makeVerdict(kind, damage.rule, damage.reason, inv.source, damage.instead));
}
