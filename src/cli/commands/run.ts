/**
 * `guard run [--agent NAME] -- COMMAND...`: wraps any agent (hooks or not) in a session. The
 * session-start snapshot is taken before the command starts; the command gets the terminal as is
 * (stdio inherited) plus GUARD_SESSION and the GUARD_AGENT marker (which only tightens policy);
 * SIGINT, SIGTERM and SIGHUP are passed on; when it exits the session ends, the summary goes to
 * stderr, and guard exits with the command's own exit code (128 + signal number if it was killed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { GuardError } from '../../errors.js';
import { gitDirIntact, openRepo } from '../../git/repo.js';
import { endSession, startSession } from '../../session/store.js';
import type { CommandContext } from '../main.js';
import { shortId } from '../format.js';
import { recoverAdvice } from '../recover-hint.js';
import { sessionBackupWarning, sessionHeading, summaryText } from '../session-text.js';

interface RunArgs {
  agent?: string;
  command?: string[];
}

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function runChild(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => {
    const [file, ...rest] = argv as [string, ...string[]];
    // Handlers go in before the child exists: it can start (and be signalled) before spawn returns.
    let child: ChildProcess | undefined;
    const pending: NodeJS.Signals[] = [];
    const forward = (signal: NodeJS.Signals): void => {
      if (child) child.kill(signal);
      else pending.push(signal);
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const done = (result: { code: number; error?: Error }): void => {
      for (const signal of FORWARDED) process.off(signal, forward);
      resolve(result);
    };
    child = spawn(file, rest, { stdio: 'inherit', env, cwd });
    for (const signal of pending) child.kill(signal);
    child.on('error', (error) => done({ code: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126, error }));
    child.on('exit', (code, signal) => {
      if (code !== null) done({ code });
      else done({ code: 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0) });
    });
  });
}

export async function run(args: RunArgs, ctx: CommandContext): Promise<number> {
  const argv = args.command ?? [];
  if (argv.length === 0) {
    throw new GuardError('user', 'guard run needs a command to run', { hints: ['Example: guard run --agent claude -- claude'] });
  }
  const repo = await openRepo(ctx.cwd);
  const agent = args.agent ?? null;
  const { session, watcher, backup } = await startSession(repo, { agent });
  ctx.out.warn(`${sessionHeading(session, 'started')} at snapshot ${shortId(session.startSnapshot)}; undo with: guard rollback --session ${session.id}`);
  if (!watcher.ready) ctx.out.warn(`guard: the watcher is not ready: ${watcher.error}`);
  const backupWarning = sessionBackupWarning(backup);
  if (backupWarning) ctx.out.warn(`guard: warning: ${backupWarning}`);

  const env: NodeJS.ProcessEnv = { ...process.env, GUARD_SESSION: session.id, GUARD_AGENT: agent ?? 'agent' };
  const result = await runChild(argv, env, ctx.cwd);
  if (result.error) ctx.out.warn(`guard: could not start ${argv[0]}: ${result.error.message}`);

  try {
    const ended = await endSession(repo, { id: session.id });
    ctx.out.warn(summaryText(ended.summary, sessionHeading(ended.session, `ended (${argv[0]} exited with ${result.code})`)));
    ctx.out.data({ exitCode: result.code, session: ended.session, summary: ended.summary });
  } catch (error) {
    // The command's exit code matters more than the summary: report and keep it.
    ctx.out.warn(`guard: the session ${session.id} could not be ended cleanly: ${(error as Error).message}`);
    // The command removed the repository (rm -rf .git): rollback cannot help, the backup can.
    // Gone means no HEAD: a guard process writing into .git/guard while `rm -rf .git` ran can leave
    // that directory behind, and the .git it sits in is no repository any more.
    const gone = !gitDirIntact(repo);
    const found = gone ? await (await import('../../backup/locate.js')).backupForDirectory(repo.root) : null;
    if (found) ctx.out.warn(`  the repository's .git is gone; ${recoverAdvice(found, repo.root)} (it rebuilds branches, tags, stash, index and files)`);
    else if (gone) ctx.out.warn(`  the repository's .git is gone and no backup of it was found (see \`guard recover --list\`)`);
    else ctx.out.warn(`  undo everything since it started: guard rollback --session ${session.id}`);
  }
  return result.code;
}
