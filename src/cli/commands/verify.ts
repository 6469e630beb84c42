/**
 * `guard verify [RANGE] [--branch NAME] [--json]`: the CI check (templates/ci/github-workflow.yml
 * runs it). RANGE is `BASE..HEAD`, `BASE...HEAD` (from their merge base) or one commit; the
 * default is `@{upstream}..HEAD`. Exits 3 when a rule refuses, 0 otherwise (warnings included).
 */
import { writeStderr } from '../output.js';
import { GuardError } from '../../errors.js';
import { openRepo } from '../../git/repo.js';
import { runGit } from '../../git/run.js';
import { verifyRange } from '../../githooks/verify.js';
import { ExitCode } from '../exit-codes.js';
import { shortId } from '../format.js';
import type { CommandContext } from '../main.js';

interface Args {
  range?: string;
  branch?: string;
  json?: boolean;
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  let range = args.range;
  if (!range) {
    const upstream = await runGit(['rev-parse', '--abbrev-ref', '--symbolic-full-name', '@{upstream}'], { cwd: repo.root, okCodes: [128] });
    if (upstream.code !== 0) {
      throw new GuardError('user', 'no range given and the current branch has no upstream', {
        hints: ['Give a range, e.g. `guard verify origin/main...HEAD` (a pull request) or `guard verify BEFORE..AFTER --branch main` (a push).'],
      });
    }
    range = `${upstream.stdout.toString('utf8').trim()}..HEAD`;
  }
  const result = await verifyRange(repo, { range, ...(args.branch ? { branch: args.branch } : {}) });
  const violations = result.decisions.map((d) => ({ rule: d.violation.rule, verdict: d.verdict, what: d.violation.what, subject: d.violation.subject }));
  if (out.json) {
    out.data({ ok: !result.refused, range: result.range, base: result.base, head: result.head, commits: result.commits.length, policy: result.policySource, violations, notes: result.notes });
  } else {
    out.line(`guard verify ${result.range}: ${result.commits.length} commit(s) from ${result.base ? shortId(result.base) : '(start)'} to ${shortId(result.head)}, rules from ${result.policySource}`);
    for (const note of result.notes) out.line(`note: ${note}`);
    for (const decision of result.decisions) writeStderr(`${decision.text}\n`);
    out.line(result.refused ? 'verify: FAILED' : result.decisions.length > 0 ? 'verify: ok, with warnings' : 'verify: ok');
  }
  return result.refused ? ExitCode.refused : ExitCode.ok;
}
