/**
 * `guard verify [RANGE]` for CI: the commits of a range must not delete or move away protected
 * paths (protected-path-delete; changes follow protected-path-modify), and with --branch, the
 * range must not rewrite that branch's history when it is protected (the base must be an
 * ancestor of the head; a base missing from a full clone means it was force-pushed away). Nor may
 * it contain a commit guard wrote (a snapshot or one built on it: guard-refs-push).
 *
 * The policy is the .guard.yaml of the range's BASE when it has one, so a pull request cannot
 * loosen the rules it is checked against; else the checked-out file. CI cannot tell a person
 * from an agent: the stricter mode of each rule applies, and there are no approvals.
 */
import { readPolicy } from '../config/compile.js';
import { GuardError } from '../errors.js';
import { isAncestor, resolveRev } from '../git/revs.js';
import type { Repo } from '../git/repo.js';
import { runGit } from '../git/run.js';
import { detectActor } from '../policy/actor.js';
import { branchName, protectingBranchGlob } from '../policy/match.js';
import type { Policy } from '../policy/schema.js';
import { scanCommits } from './commit-scan.js';
import type { HookContext } from './context.js';
import { decide, type Decision } from './decide.js';
import { configuredAt, shortOid } from './messages.js';
import { pathViolations } from './path-violations.js';
import { policyFromText } from './policy-from-text.js';
import { firstGuardCommit } from './refs-state.js';

export interface VerifyResult {
  range: string;
  /** The commit the range starts after (null: none, e.g. a new branch). */
  base: string | null;
  head: string;
  commits: string[];
  policySource: string;
  decisions: Decision[];
  notes: string[];
  refused: boolean;
}

interface ParsedRange {
  base: string | null;
  baseSpec: string | null;
  head: string;
}

async function mustResolve(repo: Repo, spec: string): Promise<string> {
  const oid = await resolveRev(repo, `${spec}^{commit}`);
  if (!oid) throw new GuardError('user', `${spec} is not a commit in this repository`, { hints: ['In CI, fetch the full history (actions/checkout with fetch-depth: 0).'] });
  return oid;
}

async function parseRange(repo: Repo, range: string, notes: string[]): Promise<ParsedRange> {
  const symmetric = range.indexOf('...');
  const plain = range.indexOf('..');
  if (symmetric >= 0 || plain >= 0) {
    const [left, right] = symmetric >= 0 ? [range.slice(0, symmetric), range.slice(symmetric + 3)] : [range.slice(0, plain), range.slice(plain + 2)];
    const head = await mustResolve(repo, right || 'HEAD');
    const leftSpec = left || 'HEAD';
    if (/^0+$/.test(leftSpec)) {
      notes.push('the range starts at the all-zero id (a new branch): only its last commit is checked');
      return { base: (await resolveRev(repo, `${head}^`)) ?? null, baseSpec: null, head };
    }
    const leftOid = await resolveRev(repo, `${leftSpec}^{commit}`);
    if (!leftOid) return { base: null, baseSpec: leftSpec, head };
    if (symmetric < 0) return { base: leftOid, baseSpec: leftSpec, head };
    const mergeBase = await runGit(['merge-base', leftOid, head], { cwd: repo.root, okCodes: [1] });
    return { base: mergeBase.code === 0 ? mergeBase.stdout.toString('utf8').trim() : null, baseSpec: leftSpec, head };
  }
  const head = await mustResolve(repo, range);
  return { base: (await resolveRev(repo, `${head}^`)) ?? null, baseSpec: `${range}^`, head };
}

async function policyAt(repo: Repo, base: string | null): Promise<Policy> {
  if (base) {
    const blob = await runGit(['cat-file', 'blob', `${base}:.guard.yaml`], { cwd: repo.root, okCodes: [128] });
    if (blob.code === 0) return policyFromText(blob.stdout.toString('utf8'), `${shortOid(base)}:.guard.yaml`);
  }
  return readPolicy(repo);
}

export async function verifyRange(repo: Repo, options: { range: string; branch?: string }): Promise<VerifyResult> {
  const notes: string[] = [];
  const parsed = await parseRange(repo, options.range, notes);
  const policy = await policyAt(repo, parsed.base);
  const ctx: HookContext = { repo, policy, actor: detectActor({}), where: 'ci' };
  const decisions: Decision[] = [];

  if (options.branch) {
    const glob = protectingBranchGlob(policy, options.branch);
    if (glob !== null && parsed.baseSpec !== null) {
      const rewritten = parsed.base === null || !(await isAncestor(repo, parsed.base, parsed.head));
      if (rewritten) {
        const name = branchName(options.branch) ?? options.branch;
        decisions.push(
          await decide(
            ctx,
            {
              rule: 'protected-branch-force-push',
              what:
                parsed.base === null
                  ? `the history of the protected branch ${name} was rewritten: ${parsed.baseSpec} is not in this clone (with a full clone, that means it was force-pushed away)`
                  : `the history of the protected branch ${name} was rewritten: ${shortOid(parsed.base)} is not an ancestor of ${shortOid(parsed.head)}`,
              subject: `refs/heads/${name}`,
              why: `${name} is protected: it matches '${glob}' (${configuredAt(policy, 'protect.branches', repo.root)})`,
              instead: [`restore ${name} to include ${parsed.baseSpec} (push it back), then add changes as new commits`],
            },
            { hook: 'verify' },
          ),
        );
      }
    }
  }

  const revs = parsed.base ? [`${parsed.base}..${parsed.head}`] : [parsed.head, '-1'];
  const listed = await runGit(['rev-list', '--no-merges', ...revs], { cwd: repo.root });
  const commits = listed.stdout.toString('utf8').split('\n').filter(Boolean);
  // Without a base only the last commit is checked, as for the paths below.
  const snapshot = await firstGuardCommit(repo, [parsed.head], [parsed.base ?? `${parsed.head}^@`]);
  if (snapshot) {
    decisions.push(
      await decide(
        ctx,
        {
          rule: 'guard-refs-push',
          what: `the range contains ${shortOid(snapshot)}, a commit guard wrote (a snapshot, or a commit built on one), which can hold every file of a working tree, secrets included`,
          subject: snapshot,
          instead: ['drop the commit from the branch and commit only the files you need from it'],
        },
        { hook: 'verify' },
      ),
    );
  }
  for (const violation of pathViolations(ctx, await scanCommits(repo, commits, policy), 'range with')) {
    decisions.push(await decide(ctx, violation, { hook: 'verify' }));
  }
  return {
    range: options.range,
    base: parsed.base,
    head: parsed.head,
    commits,
    policySource: policy.source,
    decisions,
    notes,
    refused: decisions.some((d) => d.verdict === 'refuse'),
  };
}
