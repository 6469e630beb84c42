/**
 * `guard check-command [--json] [--cwd DIR] COMMAND` (`-` reads the command from stdin): decides a
 * shell command line with the command guard (src/policy/command) and says why. Exit codes:
 * 0 for allow and snapshot (the caller takes a snapshot, then runs it), 3 for deny and for ask
 * (the caller must not run an "ask" without a person confirming it).
 *
 * This is on the hook path: it reads the compiled policy (`<commonDir>/guard/policy.json`) with
 * plain JSON.parse and never loads yaml or chokidar.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GuardError } from '../../errors.js';
import { guardCommonPath, openRepo, type Repo } from '../../git/repo.js';
import { detectActor } from '../../policy/actor.js';
import { DEFAULT_PROTECTED_BRANCHES, DEFAULT_PROTECTED_PATHS, type CommandContext as GuardContext, type Verdict } from '../../policy/command/index.js';
import { captureNames, classifyInRepository, commandSettings, type CommandSettings } from '../command-state.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../main.js';

interface CheckArgs {
  command?: string;
  json?: boolean;
}

interface Protection {
  branches: string[];
  paths: string[];
  /** The `commands` settings (temp dir as scratch, regenerable output, the capture bound). */
  commands: CommandSettings;
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
    if (error instanceof GuardError && error.kind === 'user') return null;
    throw error;
  }
}

function strings(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
}

/**
 * Protected branches and paths from the compiled policy, else the documented defaults. A policy
 * compiled from a broken .guard.yaml carries `error`: then everything counts as protected.
 */
export function readProtection(repo: Repo | null): Protection {
  const defaults = { branches: [...DEFAULT_PROTECTED_BRANCHES], paths: [...DEFAULT_PROTECTED_PATHS], commands: commandSettings(null) };
  if (!repo) return defaults;
  let text: string;
  try {
    text = fs.readFileSync(guardCommonPath(repo, 'policy.json'), 'utf8');
  } catch {
    return defaults;
  }
  let policy: Record<string, unknown>;
  try {
    policy = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // An unreadable compiled policy must not weaken anything: fail closed.
    return { branches: ['**'], paths: ['**'], commands: commandSettings(null) };
  }
  if (typeof policy.error === 'string' && policy.error !== '') return { branches: ['**'], paths: ['**'], commands: commandSettings(null) };
  const protect = (policy.protect ?? {}) as Record<string, unknown>;
  return {
    branches: strings(protect.branches) ?? strings(policy.protectedBranches) ?? defaults.branches,
    paths: strings(protect.paths) ?? strings(policy.protectedPaths) ?? defaults.paths,
    commands: commandSettings(policy),
  };
}

export function exitCodeForVerdict(verdict: Verdict['verdict']): number {
  return verdict === 'allow' || verdict === 'snapshot' ? ExitCode.ok : ExitCode.refused;
}

export async function run(args: CheckArgs, ctx: CommandContext): Promise<number> {
  const command = await readCommand(args.command);
  const cwd = path.resolve(ctx.cwd);
  const repo = await findRepo(cwd);
  const protection = readProtection(repo);
  const guardContext: GuardContext = {
    cwd,
    repoRoot: repo?.root ?? null,
    gitDir: repo?.gitDir ?? null,
    commonDir: repo?.commonDir ?? null,
    home: process.env.HOME || os.homedir(),
    isAgent: detectActor(process.env).kind === 'agent',
    protectedBranches: protection.branches,
    protectedPaths: protection.paths,
  };
  const { verdict } = await classifyInRepository(command, guardContext, repo, protection.commands);
  const { out } = ctx;
  if (out.json) {
    const data: Record<string, string> = { verdict: verdict.verdict, rule: verdict.rule, reason: verdict.reason };
    if (verdict.instead) data.instead = verdict.instead;
    out.data(data);
  } else {
    out.line(`${verdict.verdict}: ${verdict.reason} [${verdict.rule}]`);
    if (verdict.command && verdict.command !== command.trim()) out.line(`  in: ${verdict.command}`);
    if (verdict.verdict === 'snapshot') out.line('  guard takes a snapshot first, so this can be undone with `guard rollback`');
    if (verdict.verdict === 'snapshot' && verdict.capture.length > 0) out.line(`  ignored files the snapshot must capture: ${captureNames(verdict).join(', ')}`);
    if (verdict.instead && verdict.verdict !== 'allow') out.line(`  instead: ${verdict.instead}`);
  }
  return exitCodeForVerdict(verdict.verdict);
}
