/**
 * `guard hook <name> [args...]`: the Node side of the sh shims in hooks/ (installed by
 * `guard init`). The shims answer the common case themselves and start this only when a check
 * needs the exact policy. stdin is git's hook input. Messages go to stderr (git shows them);
 * exit code 0 lets git go on, 3 (refused) stops it. A crash exits 70, which git also treats as a
 * refusal: the checks that get here protect data, so they fail closed.
 *
 * bin/guard.js sends `hook` to the hot entry (src/cli/hot.ts), which loads neither commander nor
 * the rest of the CLI, and this module imports only the hook path (no yaml unless .guard.yaml
 * changed, no chokidar).
 */
import fs from 'node:fs';
import { writeStderr } from '../output.js';
import { GuardError } from '../../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../main.js';
import { hookInputText } from '../../git/ref-name.js';
import type { HookReport } from '../../githooks/decide.js';

const HOOKS = ['reference-transaction', 'pre-push', 'pre-commit', 'pre-receive', 'fetch-landing', 'keep-dropped'] as const;
type HookName = (typeof HOOKS)[number];

/** The hook's input; ref names that are not UTF-8 stay exact (src/git/ref-name.ts), never U+FFFD. */
async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return hookInputText(Buffer.concat(chunks));
}

async function dispatch(name: HookName, args: string[], cwd: string): Promise<HookReport> {
  if (name === 'pre-receive') {
    const { preReceive } = await import('../../githooks/pre-receive.js');
    return preReceive(cwd, await readStdin());
  }
  if (name === 'fetch-landing') {
    // Not a git hook: the reference-transaction shim starts it after a fetch (src/githooks/fetch-landing.ts).
    const { fetchLanding } = await import('../../githooks/fetch-landing.js');
    return fetchLanding(cwd, args[0] ?? '', args[1] ?? '');
  }
  const { hookContext } = await import('../../githooks/context.js');
  const ctx = await hookContext(cwd);
  switch (name) {
    case 'reference-transaction': {
      const { referenceTransaction } = await import('../../githooks/reference-transaction.js');
      return referenceTransaction(ctx, args[0] ?? '', await readStdin());
    }
    case 'pre-push': {
      const { prePush } = await import('../../githooks/pre-push.js');
      return prePush(ctx, args[0] ?? '', args[1] ?? '', await readStdin());
    }
    case 'pre-commit': {
      const { preCommit } = await import('../../githooks/pre-commit.js');
      return preCommit(ctx);
    }
    case 'keep-dropped': {
      // Not a git hook: the reference-transaction shim's committed run, for deleted remote-tracking refs.
      const { keepDroppedRemoteTips } = await import('../../githooks/dropped-remotes.js');
      return keepDroppedRemoteTips(ctx);
    }
  }
}

/**
 * `guard hook refresh-copies <hook>`: a git hook shim whose package stamp is not the installed
 * package's (hooks/lib.sh: the package was upgraded or downgraded under this clone) asks for
 * guard's per-clone copies (git hook shims, the agent hook launcher) to be brought to the
 * installed version (src/agents/refresh.ts), then runs itself again. Notes the stamp it refreshed
 * for in <commonDir>/guard/hooks-stamp-seen. Says so on stderr; never refuses (exit 0), whatever
 * happens: the shim goes on with the copy it has.
 */
async function refreshCopies(hook: string, cwd: string): Promise<number> {
  try {
    const [{ openRepo, guardCommonPath }, { refreshInstall, refreshMessage }, { packageStamp }] = await Promise.all([
      import('../../git/repo.js'),
      import('../../agents/refresh.js'),
      import('../../util/package-root.js'),
    ]);
    const repo = await openRepo(cwd);
    const said = refreshMessage(await refreshInstall(repo, `git hook ${hook}`));
    if (said) writeStderr(`${said}\n`);
    // The stamp refreshed for: a shim left as it is (edited, another install's) reads it and goes
    // on without asking again at every run (hooks/lib.sh). Temp + rename, as the shims are written.
    const seen = guardCommonPath(repo, 'hooks-stamp-seen');
    const temp = `${seen}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${packageStamp()}\n`);
    fs.renameSync(temp, seen);
  } catch (error) {
    writeStderr(`guard: could not update this clone's hook files to the installed version (${error instanceof Error ? error.message : String(error)}): \`guard init\` writes them again\n`);
  }
  return ExitCode.ok;
}

/** Runs one hook and writes its messages to stderr; returns the exit code. */
export async function runHook(name: string, args: string[], cwd: string): Promise<number> {
  if (name === 'refresh-copies') return refreshCopies(args[0] ?? '', cwd);
  if (!(HOOKS as readonly string[]).includes(name)) {
    throw new GuardError('user', `unknown hook ${JSON.stringify(name)}`, { hints: [`guard hook runs: ${HOOKS.join(', ')} (the shims in hooks/ call it)`] });
  }
  const result = await dispatch(name as HookName, args, cwd);
  for (const message of result.messages) writeStderr(`${message}\n`);
  return result.refused ? ExitCode.refused : ExitCode.ok;
}

interface Args {
  name: string;
  hookArgs?: string[];
}

export async function run(args: Args, { cwd }: CommandContext): Promise<number> {
  return runHook(args.name, args.hookArgs ?? [], cwd);
}
