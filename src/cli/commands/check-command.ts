/**
 * `guard check-command [--json] [--cwd DIR] COMMAND` (`-` reads the command from stdin): decides a
 * shell command line with the command guard (src/policy/command) and says why. Exit codes:
 * 0 for allow and snapshot (the caller takes a snapshot, then runs it), 3 for deny and for ask
 * (the caller must not run an "ask" without a person confirming it).
 *
 * The verdict is the agent hook's: the same function (evaluateCommand in ../command-state.ts),
 * the same policy (readPolicy: policy.json while it is up to date, else .guard.yaml compiled in
 * memory; nothing is written), the same repository state and ref checks. Only the actor differs:
 * the agent markers of the environment (src/policy/actor.ts) make it an agent.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readPolicy } from '../../config/compile.js';
import { GuardError } from '../../errors.js';
import { guardCommonPath, openRepo, superprojectOf, type Repo } from '../../git/repo.js';
import { detectActor } from '../../policy/actor.js';
import type { Verdict } from '../../policy/command/index.js';
import { defaultConfig } from '../../policy/schema.js';
import { captureNames, evaluateCommand } from '../command-state.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../main.js';

interface CheckArgs {
  command?: string;
  json?: boolean;
}

async function readCommand(arg: string | undefined): Promise<string> {
  if (arg === undefined) throw new GuardError('user', 'no command to check', { hints: ['Pass the command as one argument: guard check-command "git push --force" (or - to read it from stdin).'] });
  if (arg !== '-') return arg;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}

async function findRepo(cwd: string): Promise<Repo | null> {
  try {
    return await openRepo(cwd);
  } catch (error) {
    // Outside a repository (or in a bare one) the command is judged by the defaults; a directory
    // guard cannot read (its path is not UTF-8) may well be a repository: that is an error.
    if (error instanceof GuardError && error.kind === 'user' && error.details?.pathNotText === undefined) return null;
    throw error;
  }
}

/**
 * The repository a command here is judged in, as the installed agent hook judges it
 * (agent-hook.ts guardedRepo): `repo` where guard is set up in it (its launcher exists), else the
 * nearest superproject where guard is, for a submodule. In jq's vendor/oniguruma check-command
 * said "snapshot" for `git reset --hard` (the submodule judged as its own repository, guard's
 * defaults) where the hook refuses it: another repository inside the protected one (2026-12-07,
 * helper realproj5). No git process where guard is set up, or where the common git dir is not a
 * submodule's (`.git/modules/`); one rev-parse per level otherwise.
 */
async function judgedRepo(repo: Repo): Promise<Repo> {
  for (let at = repo; ; ) {
    if (fs.existsSync(guardCommonPath(at, 'agent-hook.sh'))) return at;
    if (!/\/modules\//.test(at.commonDir)) return repo;
    const top = await superprojectOf(at);
    if (!top) return repo;
    at = await openRepo(top);
  }
}

export function exitCodeForVerdict(verdict: Verdict['verdict']): number {
  return verdict === 'allow' || verdict === 'snapshot' ? ExitCode.ok : ExitCode.refused;
}

export async function run(args: CheckArgs, ctx: CommandContext): Promise<number> {
  const command = await readCommand(args.command);
  const cwd = path.resolve(ctx.cwd);
  const found = await findRepo(cwd);
  const repo = found ? await judgedRepo(found) : null;
  // Outside a repository there is no .guard.yaml: the documented defaults.
  const policy = repo ? await readPolicy(repo, { persist: false }) : defaultConfig();
  const verdict = await evaluateCommand(command, { cwd, repo, policy, actor: detectActor(process.env) });
  const { out } = ctx;
  if (out.json) {
    const data: Record<string, string> = { verdict: verdict.verdict, rule: verdict.rule, reason: verdict.reason };
    if (verdict.instead) data.instead = verdict.instead;
    const keeps: Record<string, unknown> = {};
    // the snapshot goes into the backup before the command (it may delete .git): the agent hook pushes it first
    if (verdict.verdict === 'snapshot' && verdict.backupFirst) keeps.backupFirst = true;
    if (verdict.keep && verdict.keep.length > 0) keeps.keep = verdict.keep;
    if (verdict.keepCommits && verdict.keepCommits.length > 0) keeps.keepCommits = verdict.keepCommits;
    // a merge, rebase, pull, pick, am or stash pop: the agent hook keeps a copy of .guard.yaml and puts it back if the command deletes it
    if (verdict.watchPolicy) keeps.watchPolicy = true;
    out.data({ ...data, ...keeps });
  } else {
    out.line(`${verdict.verdict}: ${verdict.reason} [${verdict.rule}]`);
    if (verdict.command && verdict.command !== command.trim()) out.line(`  in: ${verdict.command}`);
    const keeps = verdict.verdict === 'snapshot' && verdict.keep && verdict.keep.length > 0 ? verdict.keep : null;
    // What a push overwrites is on the remote, which no rollback moves: the kept tips are the way back.
    if (keeps) out.line(`  guard takes a snapshot first and keeps the commits these refs name now (refs/guard/keep/head): ${keeps.join(', ')}`);
    else if (verdict.verdict === 'snapshot' && verdict.keepCommits && verdict.keepCommits.length > 0) {
      // A worktree's commits are in no snapshot of this worktree: the keep chain holds them, and a branch gets one back.
      out.line(`  guard takes a snapshot first and keeps these commits (refs/guard/keep/head): ${verdict.keepCommits.map((c) => `${c.oid} (${c.ref} of ${c.root})`).join(', ')}`);
      out.line(`  to get one back: git branch rescued ${verdict.keepCommits[0]!.oid}, or git worktree add <path> ${verdict.keepCommits[0]!.oid}`);
    } else if (verdict.verdict === 'snapshot') out.line('  guard takes a snapshot first, so this can be undone with `guard rollback`');
    if (verdict.verdict === 'snapshot' && verdict.capture.length > 0) out.line(`  ignored files the snapshot must capture: ${captureNames(verdict).join(', ')}`);
    if (verdict.instead && verdict.verdict !== 'allow') out.line(`  instead: ${verdict.instead}`);
  }
  return exitCodeForVerdict(verdict.verdict);
}
