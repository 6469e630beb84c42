/**
 * The CLI's one registry: every command's name, options and help live here; each action
 * lazy-imports src/cli/commands/<name>.ts so that a command pays only for what it uses (a hook
 * must not load yaml or chokidar). This file and the command modules are the only code that
 * prints or decides the exit code.
 */
import { isHelpWord } from './help-words.js';
import { Command, CommanderError, Option } from 'commander';
import { ExitCode } from './exit-codes.js';
import { reportError } from './report-error.js';
import { withRecoverHint } from './recover-hint.js';
import { createOutput, type Output } from './output.js';

/** What every command module exports. */
export interface CommandContext {
  cwd: string;
  out: Output;
}
type CommandRun = (args: any, ctx: CommandContext) => Promise<number | void>;

/** Wraps a lazily imported command: output setup, error mapping, exit code. */
function lazy(load: () => Promise<{ run: CommandRun }>, argNames: string[] = []) {
  return async (...received: unknown[]): Promise<void> => {
    // commander passes positional args, then the options object, then the Command.
    const command = received[received.length - 1] as Command;
    const options = command.opts() as Record<string, unknown>;
    const args: Record<string, unknown> = { ...options };
    argNames.forEach((name, i) => {
      args[name] = received[i];
    });
    const out = createOutput({ json: options.json === true });
    const cwd = typeof options.cwd === 'string' ? options.cwd : process.cwd();
    try {
      const { run } = await load();
      const code = await run(args, { cwd, out });
      process.exitCode = code ?? ExitCode.ok;
    } catch (error) {
      out.done();
      process.exitCode = reportError(await withRecoverHint(error, cwd), out);
    }
  };
}

const jsonOption = (): Option => new Option('--json', 'print machine-readable JSON on stdout');

/**
 * An option that takes a value swallows the word after it, even `-h` (commander's rule for a
 * required option-argument): `guard recover --into -h` rebuilt a repository into a directory
 * named `-h`. Such a word is a request for help, never a path or a name, so it prints the help.
 */
function asksForHelpAsValue(command: Command): boolean {
  return command.options.some((option) => {
    const value: unknown = command.getOptionValue(option.attributeName());
    return typeof value === 'string' ? isHelpWord(value) : Array.isArray(value) && value.some((v) => typeof v === 'string' && isHelpWord(v));
  });
}

export function buildProgram(): Command {
  const program = new Command('guard')
    .description('git-guard: snapshots, protective hooks and one-command rollback for repositories that AI agents work in')
    .version('0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureHelp({ sortSubcommands: false })
    .hook('preAction', (_program, action) => {
      if (asksForHelpAsValue(action)) action.help();
    });

  program
    .command('snapshot')
    .description('capture the whole repository state (working tree with untracked files, index, HEAD, branches, tags, stash) into hidden refs')
    .option('-m, --message <msg>', 'a note stored with the snapshot')
    .option('--trigger <trigger>', 'why the snapshot is taken: manual, session-start, watch, pre-rollback, hook', 'manual')
    .option('--max-file-size <size>', 'skip new untracked files larger than this (e.g. 50MB, 0 = no limit)')
    .option('--quiet', 'print nothing on success')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/snapshot.js')));

  program
    .command('list')
    .description('list snapshots of this worktree, newest first')
    .option('-n, --limit <n>', 'show at most N snapshots', '20')
    .option('--all', 'show every snapshot')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/list.js')));

  program
    .command('rollback')
    .argument('[id]', 'snapshot to restore (default: start of the latest agent session, else the latest snapshot that differs from now; when that one already lacks files the snapshots before it had, the plan names them)')
    .description('put the working tree, index, HEAD, branches, tags and stash back as they were in a snapshot (undoable with --undo)')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--paths <glob...>', 'restore only paths matching these globs, from the top of the repository (implies --files-only; exits 1 when no file matches); a value in double quotes (\'"k\\377.env"\', as guard shows names) is one exact name')
    .option('--files-only', 'restore files and the index; leave HEAD, branches, tags and stash alone')
    .option('--session <id>', 'restore the state at the start of this agent session')
    .option('--undo', 'undo the most recent rollback (returns to the state just before it)')
    .option('--resume', 'finish a rollback that was interrupted (every rollback, undo and resume is in `guard log`)')
    .option('--lfs-pointers', 'write Git LFS files whose content is in neither .git/lfs/objects nor the backup as their LFS pointers (named), instead of refusing')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/rollback.js'), ['id']));

  program
    .command('show')
    .argument('<id>', 'snapshot id (short hash) or "latest"')
    .description('show one snapshot: metadata, refs, skipped paths and what changed against the previous snapshot')
    .option('--stat', 'list changed files with counts (default)')
    .option('--patch', 'show the full diff against the previous snapshot')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/show.js'), ['id']));

  program
    .command('diff')
    .argument('[id]', 'snapshot id (default: latest)')
    .description('compare a snapshot with the working tree now')
    .option('--stat', 'summary only')
    .option('--name-status', 'paths with A/M/D')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/diff.js'), ['id']));

  const configCommand = program
    .command('config')
    .description('check, show and explain .guard.yaml, the policy the hooks enforce');
  configCommand
    .command('check')
    .description('validate .guard.yaml and print every problem as file:line:column (exit 1 when there are problems)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/config.js').then((m) => ({ run: m.check }))));
  configCommand
    .command('show')
    .description('print the effective policy (defaults <- .guard.yaml) and where each value comes from')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/config.js').then((m) => ({ run: m.show }))));
  configCommand
    .command('schema')
    .description('print the JSON schema of .guard.yaml (for editors)')
    .action(lazy(() => import('./commands/config.js').then((m) => ({ run: m.schema }))));
  configCommand
    .command('compile')
    .description('refresh the compiled policy the git hooks read (done by itself when .guard.yaml changes)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/config.js').then((m) => ({ run: m.compile }))));

  const session = program.command('session').description('agent sessions: a snapshot at the start, a summary and a one-command undo at the end');
  session
    .command('start')
    .description('start a session: takes the session-start snapshot (an existing --id is resumed, keeping its start)')
    .option('--agent <name>', 'the agent working in this session (claude, cursor, codex, ...)')
    .option('--id <id>', 'session id to use or resume (default: generated)')
    .addOption(new Option('--without-agent-hooks', 'opened by a git hook for an agent whose own hooks did not run').hideHelp())
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/session.js')).start })));
  session
    .command('end')
    .description('end a session and print what it changed and the command that undoes it')
    .option('--id <id>', 'session to end (default: the innermost open session)')
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/session.js')).end })));
  session
    .command('list')
    .description('list the sessions of this worktree, newest first')
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/session.js')).list })));

  program
    .command('run')
    .argument('<command...>', 'the command to run, after `--` (e.g. guard run --agent claude -- claude)')
    .description('run a command (any agent, with or without hooks) inside a session: snapshot first, summary and exit code after')
    .option('--agent <name>', 'name of the agent the command runs')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/run.js'), ['command']));

  program
    .command('log')
    .description('show the event journal: sessions, steps, snapshots, blocked and allowed-after-snapshot commands, ref moves, restores')
    .option('--session <id>', 'only the events of this session')
    .option('--type <types...>', 'only events of these types (e.g. blocked ref-update step-start; a trailing * matches a prefix: step*)')
    .option('--since <when>', 'only events since then: an ISO time, or an age such as 30m, 2h, 1d')
    .option('--all', "also show guard's own moves of refs/guard/* (hidden: they are not user actions)")
    .option('-n, --limit <n>', 'show the newest N events (0 = all)', '50')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/log.js')));

  // --- what the agent did (issue 12, docs/timeline.md) ---
  program
    .command('timeline')
    .argument('[session]', 'session id (default: the newest session of this worktree)')
    .description('what an agent session did, step by step: each tool call with its command, files added/modified/deleted, refs moved, what was blocked, and the ids to undo or restore it')
    .option('--html <file>', 'write the timeline as one self-contained HTML page (diffs included; no network, no scripts needed)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/timeline.js'), ['session']));

  program
    .command('blame')
    .argument('<path>', 'a file of this worktree')
    .description('which session, step and command last changed a file, and the changes before that')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/blame.js'), ['path']));

  program
    .command('restore')
    .argument('<paths...>', 'files or directories to restore')
    .description('put files back as they were before the agent touched them (before the newest session, or before a given session or step); undoable with `guard rollback --undo`')
    .option('--before <session-or-step>', 'a session id (its start) or a step id SESSION:N (just before that step)')
    .option('--dry-run', 'print what would change and change nothing')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/restore.js'), ['paths']));

  program
    .command('undo')
    .argument('<step>', 'a step id as `guard timeline` shows it (SESSION:N, or N for the newest session)')
    .description('revert only what one step changed, keeping later work (a three-way merge per file); undoable with `guard rollback --undo`')
    .option('--dry-run', 'print what would change and change nothing')
    .option('--force', 'files that later steps changed in the same place get the version from before the step (later changes to them are lost from the worktree; they stay in the snapshots)')
    .addOption(new Option('--conflicts <how>', 'what to do with conflicting files: skip (default) or markers (write them with conflict markers)').choices(['skip', 'markers']).default('skip'))
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/undo.js'), ['step']));

  // --- watcher, backup, recover, gc (issue 5) ---
  const watch = program
    .command('watch')
    .description('record every change while agents work: a background watcher per worktree that snapshots changes and restores deleted protected paths')
    .option('--foreground', 'run in this terminal and print what it records (Ctrl-C stops it)')
    .addOption(new Option('--daemon', 'run as the background watcher (used by guard itself)').hideHelp())
    .addOption(new Option('--session <id>', 'the session this watcher was started for').hideHelp())
    // No --json here: commander would take it away from `watch status --json`.
    .action(lazy(() => import('./commands/watch.js')));
  watch
    .command('stop')
    .description('stop the watcher of this worktree (it records pending changes first)')
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/watch.js')).stop })));
  watch
    .command('status')
    .description('is the watcher running, polling, stopped or crashed, and what has it recorded')
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/watch.js')).status })));

  const backup = program.command('backup').description('the copy of every snapshot in a private repository outside the working tree (and backup.remote)');
  backup
    .command('push')
    .description('mirror the snapshots into the backup now (and to backup.remote when set)')
    .option('--local-only', 'only the backup on this machine')
    .option('--remote-only', 'only backup.remote')
    .addOption(new Option('--background', 'the detached pusher that snapshots start (used by guard itself)').hideHelp())
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/backup.js')).push })));
  backup
    .command('status')
    .description('where the backup is, whether it holds every snapshot, and how the last pushes went')
    .addOption(jsonOption())
    .action(lazy(async () => ({ run: (await import('./commands/backup.js')).status })));

  program
    .command('recover')
    .description('rebuild a repository (refs, HEAD, index, working tree, stash) from its backup after `rm -rf .git` or a deleted directory')
    .option('--list', 'list every backup on this machine and change nothing')
    .option('--from <backup>', 'backup to use: an id from --list or the path of a backup repository (default: the one made from this directory)')
    .option('--into <dir>', 'directory to rebuild (default: the current directory)')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/recover.js')));
  program
    .command('gc')
    .description('drop old snapshots (snapshot.retention in .guard.yaml) from every chain and from the backup, and report the space reclaimed')
    .option('--dry-run', 'show what would be dropped and change nothing')
    .option('--keep <duration>', 'keep snapshots younger than this: 30m, 12h, 7d, or 0 (default: snapshot.retention.keepDays)')
    .option('--keep-days <n>', 'the same in days (0 or more, fractions allowed)')
    .option('--keep-sessions <n>', 'keep the snapshots of the N most recent sessions (the latest is always kept)')
    .option('--auto', 'only if the store has grown past snapshot.retention.maxStoreSize (at most once a day; the watcher runs this)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/gc.js')));
  // --- end issue 5 ---

  // --- issue 3: protection (init, uninstall, status, approve, verify, server, hook) ---
  program
    .command('init')
    .description('set guard up here: .guard.yaml, git hooks (chaining the hooks already there), agent hooks, a first snapshot')
    .option('--preset <name>', 'the preset for a new .guard.yaml: default or strict (an existing file is never overwritten)')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--agents <list>', 'agent hooks to install: claude,cursor,codex,gemini,copilot,opencode, all or none (default: the agents detected here)')
    .option('--no-hook-manager', "leave the hook manager's configuration alone (husky's .husky/<hook>, lefthook.yml, .pre-commit-config.yaml); by default guard asks (or with --yes, adds) an entry that runs its checks, so re-installing the manager's hooks does not switch guard off")
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/init.js')));

  program
    .command('uninstall')
    .description('remove guard\'s hooks and put back exactly what was there before; snapshots stay')
    .option('--purge-snapshots', 'also delete every snapshot (refs/guard/*)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/uninstall.js')));

  program
    .command('status')
    .description('prove the protection works: each hook run through git (a self-test), hooksPath changes, config, latest snapshot, store size; exits 1 when degraded')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/status.js')));

  program
    .command('approve')
    .argument('<rule>', 'the rule to let through, e.g. protected-branch-delete')
    .description('let a person override one rule that would refuse; only from an interactive terminal, recorded in the journal')
    .option('--once', 'for the next refused action only')
    .option('--minutes <n>', 'how long the approval stays valid (default 10)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/approve.js'), ['rule']));

  program
    .command('verify')
    .argument('[range]', 'BASE..HEAD, BASE...HEAD or one commit (default: @{upstream}..HEAD)')
    .description('check a commit range for deletions of protected paths and rewrites of a protected branch (for CI)')
    .option('--branch <name>', 'the branch the range was pushed to: refuse a rewrite of its history when it is protected')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/verify.js'), ['range']));

  const serverCommand = program.command('server').description('the server-side hook for a bare repository people push to');
  serverCommand
    .command('install')
    .argument('<path>', 'the bare repository')
    .description('install a pre-receive hook that enforces .guard.yaml on every push (--no-verify does not skip it)')
    .option('--config <file>', 'pin this .guard.yaml (default: the one on the default branch before each push)')
    .option('--allow-snapshots', 'a backup repository: accept refs/guard/* (never deleted or rewritten)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/server.js').then((m) => ({ run: m.install })), ['path']));
  serverCommand
    .command('uninstall')
    .argument('<path>', 'the bare repository')
    .description('remove the server-side hook and put back what was there')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/server.js').then((m) => ({ run: m.uninstall })), ['path']));

  program
    .command('hook', { hidden: true })
    .argument('<name>', 'the git hook')
    .argument('[hookArgs...]', 'what git passed to it')
    .description('the Node side of the git hook shims (hooks/*.sh); not for people')
    .action(lazy(() => import('./commands/hook.js'), ['name', 'hookArgs']));
  // --- end issue 3 ---

  program
    .command('agent-hook', { hidden: true })
    .argument('<agent>', 'agent id: claude, cursor, codex, gemini, copilot, opencode')
    .argument('<event>', 'session-start, pre-tool, post-tool, stop or session-end')
    .description('answer one agent hook event in that agent\'s protocol (run by the installed agent hooks; payload on stdin)')
    .action(lazy(() => import('./commands/agent-hook.js'), ['agent', 'event']));

  program
    .command('check-command')
    .argument('<command>', 'the shell command line, as one argument (`-` reads it from stdin)')
    .description('decide a shell command before it runs: allow, snapshot (take one, then allow), ask or deny, with the rule and what to do instead; exit 3 for deny and ask')
    .option('--cwd <dir>', 'the directory the command would run in (default: the current one)')
    .addOption(jsonOption())
    .action(lazy(() => import('./commands/check-command.js'), ['command']));

  // core-commands

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // `guard hook <name>` is what the git hook shims start (issue 3): it skips building and parsing
  // the whole commander program and loads only the hook path, because it runs inside git
  // commands. (commander itself is still loaded by the static import above.)
  if (argv[2] === 'hook' && argv[3] !== undefined && !argv[3].startsWith('-')) {
    try {
      const { runHook } = await import('./commands/hook.js');
      process.exitCode = await runHook(argv[3], argv.slice(4), process.cwd());
    } catch (error) {
      process.exitCode = reportError(error, createOutput());
    }
    return;
  }
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors were already printed by commander.
      process.exitCode = error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
      return;
    }
    process.exitCode = reportError(error, createOutput());
  }
}
