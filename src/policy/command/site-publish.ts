/**
 * Publishing tools that overwrite or delete what a hosting service holds, judged by what they
 * really destroy (since 2026-12-07, helper holes4; before, every line here was "no destructive
 * command found"):
 *
 *  - Pages publishers that force-push a branch: `ghp-import -p -f|-o DIR` (ghp-import 2.1: the
 *    local branch is first reset to the remote-tracking tip as last fetched, then `git push
 *    REMOTE BRANCH --force`; `-o`/`--no-history` pushes a commit without parents), `mkdocs
 *    gh-deploy --force|--no-history` (ghp-import's, same push), npm's `gh-pages -f|--no-history`
 *    (gh-pages 6.3: `git push --tags REMOTE BRANCH --force` only when history is off). What
 *    another person published to that branch since the last fetch is gone from the remote, as
 *    with `git push --force`, which guard refuses (git-push-force): refused the same way. Without
 *    the force they push a commit on top of the remote branch (git refuses a non-fast-forward):
 *    free.
 *  - `hugo deploy`: deletes the target bucket's files the local site lacks (up to --maxDeletes,
 *    256 by default), as `aws s3 sync --delete` does (remote-data-delete): refused for an agent
 *    unless `--maxDeletes 0` or `--dryRun`.
 *  - `netlify sites:delete` and `vercel project rm|remove`: the site or project with what only
 *    the service holds (environment variables, form submissions, domains, every deploy): refused
 *    for an agent, asked of a person.
 *
 * Left free on purpose: `vercel remove|rm` of deployments (builds of the repository's commits,
 * made again by deploying them), `firebase hosting:disable` (a release with no content: the
 * release history stays and Firebase rolls back to any release), `netlify deploy --prod`,
 * `firebase deploy` (a new release; the service rolls back).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here). */
export const SITE_PUBLISH_PROGRAMS = new Set(['ghp-import', 'mkdocs', 'gh-pages', 'hugo', 'netlify', 'ntl', 'vercel']);

const has = (values: string[], re: RegExp): boolean => values.some((v) => re.test(v));

/** The value of the last `-X V`, `-XV`, `--long V`, `--long=V` among `names`, or the default. */
function lastValue(args: Field[], names: readonly string[], fallback: string): string {
  let found = fallback;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === null || w === undefined) continue;
    for (const name of names) {
      if (w === name) found = args[i + 1]?.value ?? '?';
      else if (name.startsWith('--') && w.startsWith(`${name}=`)) found = w.slice(name.length + 1);
      else if (!name.startsWith('--') && w.startsWith(name) && w.length > 2 && !w.startsWith('--')) found = w.slice(2);
    }
  }
  return found;
}

/** The forced push a publisher makes (`origin gh-pages`), or null where it pushes without force or not at all. */
function forcedPush(program: string, args: Field[], values: string[], mkdocsConfig: () => MkdocsConfig | undefined): { tool: string; remote: string; branch: string; unforced: string; configured?: boolean } | null | undefined {
  switch (program) {
    case 'ghp-import': {
      // Short flags may be bundled (`-npf`, `-nop`).
      const bundle = (letter: string, long: string): boolean => has(values, new RegExp(`^(?:-[a-z]*${letter}[a-z]*|${long})$`));
      if (!bundle('p', '--push') || !(bundle('f', '--force') || bundle('o', '--no-history'))) return null;
      return { tool: 'ghp-import -p --force', remote: lastValue(args, ['-r', '--remote'], 'origin'), branch: lastValue(args, ['-b', '--branch'], 'gh-pages'), unforced: 'ghp-import -p DIR' };
    }
    case 'mkdocs': {
      if (operandWords(args, ['-f', '--config-file', '-m', '--message', '-b', '--remote-branch', '-r', '--remote-name', '-d', '--site-dir'])[0] !== 'gh-deploy') return null;
      if (!has(values, /^--(?:force|no-history)$/)) return null;
      // mkdocs.yml's `remote_branch:` / `remote_name:` where the line names none (holes6; before, gh-pages and origin were always named)
      const config = mkdocsConfig();
      if (config === undefined) return undefined;
      const branch = lastValue(args, ['-b', '--remote-branch'], '');
      return { tool: 'mkdocs gh-deploy --force', remote: lastValue(args, ['-r', '--remote-name'], config.remote ?? 'origin'), branch: branch || (config.branch ?? 'gh-pages'), unforced: 'mkdocs gh-deploy', configured: branch === '' && config.branch !== null };
    }
    case 'gh-pages': {
      if (!has(values, /^(?:-f|--no-history)$/) || has(values, /^--no-push$/)) return null;
      return { tool: 'gh-pages --no-history', remote: lastValue(args, ['-o', '--remote'], 'origin'), branch: lastValue(args, ['-b', '--branch'], 'gh-pages'), unforced: 'gh-pages -d DIR' };
    }
    default:
      return null;
  }
}

interface MkdocsConfig {
  branch: string | null;
  remote: string | null;
}

/**
 * mkdocs.yml's `remote_branch:` and `remote_name:` (mkdocs/config/defaults.py: gh-pages and
 * origin), read from `-f FILE` or the mkdocs.yml / mkdocs.yaml of the line's directory (mkdocs
 * looks there); nulls where none is read or set, undefined while the file is being read.
 */
function readMkdocsConfig(inv: Invocation, args: Field[], rt: Runtime): MkdocsConfig | undefined {
  const none = { branch: null, remote: null };
  const named = lastValue(args, ['-f', '--config-file'], '');
  if (inv.cwd === null || named === '?') return none;
  for (const name of named !== '' ? [named] : ['mkdocs.yml', 'mkdocs.yaml']) {
    const abs = path.posix.resolve(inv.cwd, name);
    const found = rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
    if (found === undefined) return rt.ctx.view ? undefined : none;
    if (found === null || found === 'missing') continue;
    const key = (k: string): string | null => new RegExp(`^${k}:[ \\t]*(['"]?)([^'"\\s#]+)\\1[ \\t]*(?:#.*)?$`, 'm').exec(found.text)?.[2] ?? null;
    return { branch: key('remote_branch'), remote: key('remote_name') };
  }
  return none;
}

/** Refuses the publishing lines that destroy what no snapshot holds. */
export function classifySitePublish(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const values = args.map((a) => a.value).filter((v): v is string => v !== null);
  if (has(values, /^(?:-h|--help)$/)) return;
  const push = forcedPush(program, args, values, () => readMkdocsConfig(inv, args, rt));
  if (push === undefined) return; // mkdocs.yml is being read: judged once it is
  if (push !== null) {
    rt.report(makeVerdict('deny', 'git-push-force', `${push.tool} force-pushes ${push.branch}${push.configured ? " (mkdocs.yml's remote_branch)" : ''} to ${push.remote}, dropping what was published there since the last fetch; guard cannot bring the remote branch back`, inv.source, `Publish without the force (\`${push.unforced}\`: a commit on top of the remote branch, which git refuses if the branch moved; then \`git fetch ${push.remote} ${push.branch}\` and publish again), or ask the person to force it.`));
    return;
  }
  const [first = '', second = ''] = operandWords(args, program === 'hugo' ? ['-s', '--source', '--target', '--maxDeletes', '--config', '--configDir', '--environment', '-e', '--workers', '-d', '--destination', '--clock', '--logLevel', '--themesDir'] : ['--scope', '-S', '--token', '-t', '--cwd', '-A', '--local-config', '-Q', '--global-config']);
  if (program === 'hugo' && first === 'deploy') {
    const maxDeletes = lastValue(args, ['--maxDeletes'], '256');
    if (maxDeletes === '0' || has(values, /^--(?:dryRun|dry-run)$/)) return;
    rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `hugo deploy deletes the target's files that the local site lacks (up to ${maxDeletes === '-1' ? 'any number' : maxDeletes}), outside the repository, where no snapshot holds them`, inv.source, 'See what it would delete (`hugo deploy --dryRun`), upload without deleting (`hugo deploy --maxDeletes 0`), or ask the person to run it.'));
    return;
  }
  if ((program === 'netlify' || program === 'ntl') && (first === 'sites:delete' || (first === 'sites' && second === 'delete'))) {
    rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `netlify sites:delete deletes the site with its deploys, environment variables and form submissions, outside the repository, where no snapshot holds them`, inv.source, 'Export what only Netlify holds first (`netlify env:list --json`, the form submissions), then ask the person to run it.'));
    return;
  }
  if (program === 'vercel' && (first === 'project' || first === 'projects') && (second === 'rm' || second === 'remove')) {
    rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'remote-data-delete', `vercel project ${second} deletes the project with its environment variables, domains and deployments, outside the repository, where no snapshot holds them`, inv.source, 'Save its environment variables first (`vercel env pull .env.vercel --environment=production`), then ask the person to run it; `vercel remove DEPLOYMENT` removes a single deployment.'));
  }
}

/**
 * gh-pages used through its Node API (`require('gh-pages').publish('dist', {history: false})`,
 * `import ghpages from 'gh-pages'`), in `node -e` code or a script file guard reads (`node
 * deploy.js`, a package.json script running it: scripts.ts): `history: false` makes it push with
 * `--force` (gh-pages 6.3 lib/index.js), as the CLI's `--no-history`; refused the same way
 * (git-push-force, since 2026-12-07, holes6; before, only the CLI form was judged). The branch and
 * remote are the literal `branch:` / `remote:` of the code, else gh-pages and origin; a `history`
 * option computed at run time (`history: !process.env.KEEP`) is not read, and publish without it
 * adds a commit on top of the remote branch: free, as `gh-pages -d dist` is.
 */
export function judgeGhPagesApi(inv: Invocation, code: string, rt: Runtime): void {
  if (!/(?:require\s*\(\s*|from\s+|import\s*\(\s*)['"]gh-pages['"]/.test(code) || !/\.publish\s*\(/.test(code)) return;
  if (!/\bhistory\s*:\s*false\b/.test(code)) return;
  const literal = (key: string, fallback: string): string => new RegExp(`\\b${key}\\s*:\\s*['"]([^'"]+)['"]`).exec(code)?.[1] ?? fallback;
  const branch = literal('branch', 'gh-pages');
  const remote = literal('remote', 'origin');
  rt.report(makeVerdict('deny', 'git-push-force', `gh-pages' publish with \`history: false\` force-pushes ${branch} to ${remote}, dropping what was published there since the last fetch; guard cannot bring the remote branch back`, inv.source, `Publish without \`history: false\` (a commit on top of the remote branch, which git refuses if the branch moved; then \`git fetch ${remote} ${branch}\` and publish again), or ask the person to force it.`));
}
