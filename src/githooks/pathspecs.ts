/**
 * Protected-path globs as git pathspecs, for the pre-commit shim's fast path: one
 * `git diff --cached --quiet -- <pathspecs>` tells whether a commit touches anything protected,
 * without Node and without parsing file names. The pathspecs must match AT LEAST every path the
 * globs match (a false "yes" only costs a Node start; a false "no" would let a deletion through).
 *
 * Written to `<commonDir>/guard/protected-pathspecs.sh`, derived from the compiled policy. The
 * shim trusts it only while it is newer than policy.sh and carries the same key (the policy's
 * source hash and its sh patterns), so a changed .guard.yaml sends the commit to Node, which
 * rewrites it.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { guardCommonPath, type Repo } from '../git/repo.js';
import { renderPolicySh, shQuote } from '../config/policy-sh.js';
import type { Policy } from '../policy/schema.js';

/** Characters of picomatch syntax that git's `glob` pathspec magic does not share. */
const UNSUPPORTED = /[{}()!+@|\\]/;

/**
 * Pathspecs (with `top` and `glob` magic) matching a superset of what a picomatch glob
 * (`dot: true`) matches. `*`, `?`, `[...]` and `**` mean the same in both; anything else (braces,
 * extglobs, escapes) is widened to everything under the last directory before it. A pathspec
 * also matches everything under a matching directory, and `dir/**` in picomatch also matches
 * `dir` itself, so that form gets the bare directory too.
 */
export function globToPathspecs(glob: string): string[] {
  let pattern = glob.replace(/^\.\//, '');
  const bad = pattern.search(UNSUPPORTED);
  if (bad >= 0) {
    const cut = pattern.lastIndexOf('/', bad);
    pattern = cut < 0 ? '**' : `${pattern.slice(0, cut)}/**`;
  }
  const specs = [`:(top,glob)${pattern}`];
  if (pattern.endsWith('/**') && pattern.length > 3) specs.push(`:(top,glob)${pattern.slice(0, -3)}`);
  if (pattern === '**' || pattern === '**/*') return [':(top,glob)**'];
  return specs;
}

export function policyPathspecs(policy: Pick<Policy, 'protect'>): string[] {
  return [...new Set(policy.protect.paths.flatMap(globToPathspecs))];
}

export function pathspecsFile(repo: Repo): string {
  return guardCommonPath(repo, 'protected-pathspecs.sh');
}

/** The value of GUARD_PROTECTED_PATHS that renderPolicySh writes for this policy. */
function shPatternsOf(policy: Policy): string {
  const line = renderPolicySh(policy)
    .split('\n')
    .find((l) => l.startsWith('GUARD_PROTECTED_PATHS='));
  const quoted = line?.slice('GUARD_PROTECTED_PATHS='.length) ?? "''";
  // Undo shQuote: '...' with '\'' for a quote.
  return quoted.slice(1, -1).replace(/'\\''/g, "'");
}

export function renderPathspecsSh(policy: Policy): string {
  const specs = policyPathspecs(policy);
  return [
    '# git-guard: protected paths as git pathspecs for the pre-commit shim. Generated; do not edit.',
    `guard_pathspecs_key=${shQuote(`${policy.sourceHash ?? ''} ${shPatternsOf(policy)}`)}`,
    `guard_pathspecs_count=${specs.length}`,
    `set -- ${specs.map(shQuote).join(' ')}`,
    '',
  ].join('\n');
}

/** Writes the file when its content differs (atomically: write, then rename). */
export async function writePathspecsFile(repo: Repo, policy: Policy): Promise<void> {
  const file = pathspecsFile(repo);
  const content = renderPathspecsSh(policy);
  const current = await fs.readFile(file, 'utf8').catch(() => null);
  if (current === content) {
    // Same content, but policy.sh may have been rewritten since: the shim also wants it newer.
    const [mine, sh] = await Promise.all([fs.stat(file), fs.stat(guardCommonPath(repo, 'policy.sh')).catch(() => null)]);
    if (!sh || mine.mtimeMs > sh.mtimeMs) return;
  }
  await fs.mkdir(guardCommonPath(repo), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, content, { mode: 0o644 });
  await fs.rename(temp, file);
}
