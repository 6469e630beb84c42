/**
 * The command guard's public types. `classifyCommand` is pure: everything it knows about the
 * world (where the repository is, who is acting, what is protected) arrives in CommandContext.
 */

import type { StateView } from './state.js';

export type VerdictKind = 'allow' | 'snapshot' | 'ask' | 'deny';

export interface CommandContext {
  /** Absolute directory the command runs in. */
  cwd: string;
  /** Absolute top of the working tree guard protects, or null outside a repository. */
  repoRoot: string | null;
  /**
   * Set while judging the command `git submodule foreach` runs: the superproject's root. The
   * command runs in each submodule, repositories of their own (repoRoot is null then), whose
   * directories are not known here; cwd stays the superproject's, so the reasons name the
   * submodules rather than a path under the superproject.
   */
  foreachIn?: string;
  /** Absolute git dir of that worktree (`<root>/.git` or `.git/worktrees/<name>`), when known. */
  gitDir?: string | null;
  /** Absolute common git dir (differs from gitDir in a linked worktree), when known. */
  commonDir?: string | null;
  /** The user's home directory (for `~` and `$HOME`), when known. */
  home?: string;
  /** True when an AI agent runs the command (policy only ever gets stricter for agents). */
  isAgent: boolean;
  /**
   * True when the agent runs git with git's hooks switched off (Gemini CLI sets core.hooksPath to
   * "" for every shell command: AGENTS_WITHOUT_GIT_HOOKS, actor.ts): the checks the hooks make
   * while git runs (a pull's fetch-time capture) are made here, before the command, where they can.
   */
  gitHooksOff?: boolean;
  /**
   * True when guard puts back its own files (agent hook settings, .guard.yaml) that a broad
   * `git clean` deletes, right after the command, from the snapshot taken first (the agent's
   * post-tool hook: AGENTS_WITH_POST_TOOL, actor.ts; restore/own-files.ts). Such a clean is then a
   * snapshot (StateView.putBack lists the files) rather than a guard-self deny.
   */
  putsBackOwnFiles?: boolean;
  /** Protected branch-name globs (picomatch; `release/*`). */
  protectedBranches: string[];
  /** Protected path globs relative to the repository root (picomatch, dotfiles match). */
  protectedPaths: string[];
  /**
   * Whether guard's snapshots hold the stash entries, so `git stash drop/clear` can be undone.
   * Defaults to true (the snapshot format records every stash entry and keeps it reachable).
   */
  stashSnapshotted?: boolean;
  /**
   * Absolute directories that are the agent's scratch space (the system temp dir): deleting
   * strictly inside them is allowed. Empty or absent: deleting there is denied like anywhere
   * outside the repository.
   */
  scratchDirs?: string[];
  /**
   * Names (`__pycache__`, `*.pyc`) and paths of regenerable output (`commands.regenerable`). With
   * a view of the repository, `find -name NAME -exec rm -rf {} +` for such names is judged by what
   * git lists under that name rather than as an unknown directory. Absent: not used.
   */
  regenerable?: readonly string[];
  /**
   * `snapshot.maxFileSize` (bytes; 0 or absent: no limit). A snapshot skips an untracked file
   * larger than this, so no rollback can bring it back: with a view of the repository, a command
   * that would delete one is denied, naming it.
   */
  maxFileSize?: number;
  /**
   * The code judged is a recipe (or a `$(shell ...)`) of a makefile make reads (make-targets.ts)
   * or of a justfile (just-recipes.ts):
   * a command name guard cannot know there (`$(PYTHON) x.py`, `PYTHON := $(shell which python3)`)
   * is a program of the repository's build guard cannot name, judged as a program it does not
   * model (allowed), and one whose name is known (`$(GOPATH)/bin/promu`) as that program.
   */
  inRecipe?: boolean;
  /**
   * Absolute paths of ignored files that are the build's own output where this code runs: the
   * target of the automake Makefile.am rule whose recipe this is, where Makefile.am lists it in
   * CLEANFILES, MOSTLYCLEANFILES or DISTCLEANFILES (make-targets.ts). A write replacing one is
   * not captured first (overwrite-ignored), as regenerable output is not. In automake's *-generic
   * cleans: the entries of those lists (and MAINTAINERCLEANFILES) that a rule of the makefile
   * makes; a deletion of one that git ignores is of regenerable output (targets.ts
   * declaredOutputs), also inside a submodule whose own git ignores it.
   */
  buildOutputs?: ReadonlySet<string>;
  /**
   * The code judged runs inside a container or a pod (`docker compose exec db psql ...`,
   * container-exec.ts): only what it sends a database server or a cloud is judged (remote-data.ts,
   * server-frameworks.ts); the files it touches are the container's. `configDir` is where the
   * frameworks' configuration is read (config/database.yml, manage.py): the directory the line
   * runs in on the host, the repository the usual compose setup mounts into the app container.
   */
  inContainer?: {
    configDir: string | null;
    /**
     * The stand-in database URL (server-frameworks.ts CONTAINER_DATABASE_URL, UNSEEN_DATABASE_URL,
     * HEROKU_DATABASE_URL) of a project whose configuration guard cannot read (a pod's image,
     * another machine): the frameworks that read no DATABASE_URL (Django's settings, mix.exs,
     * flyway.conf ...) judge against it even where the container's environment sets DATABASE_URL,
     * which only the frameworks that read it take (Invocation.unseenProject, server-frameworks.ts
     * unseenProject).
     */
    unseen?: string;
    /**
     * Where a project's own commands (rake tasks, `rails runner`'s classes, artisan and Django
     * commands) are read when its configuration is unseen (another machine, a pod's image): the
     * directory the line runs in on the host, the repository, as the project deployed there is
     * most often this one (databases.ts refuseProjectCommand; since 2026-12-07). Null or absent:
     * not read.
     */
    sourceDir?: string | null;
    /**
     * The words that reach that machine from here (`ssh prod`), where the code runs on another
     * machine through ssh: a way forward run there is written with them (container-volumes.ts:
     * `ssh prod docker run ... tar czf - ... > VOLUME.tgz`). Absent elsewhere.
     */
    reach?: string;
  };
  /**
   * The root of a file system guard can neither look at nor restore, whose paths the judged code
   * names (a pod's, mapped under CONTAINER_FS: container-exec.ts). A write that would replace a
   * file under it (not an append, an edit in place, or one that keeps the old file) is judged as
   * replacing an existing file outside the repository (rm-outside-repo): guard cannot tell whether
   * one is there. Its scratch directories (scratchDirs) stay free.
   */
  unseenFiles?: string;
  /**
   * Shell code read on the host but run in a container or pod (a script file, the line's heredoc
   * or file fed to `sh` on stdin: `kubectl exec -i db-0 -- sh < wipe.sh`): its absolute paths
   * made the container's as the typed inner command's are (container-run.ts mapScript with the
   * container's mounts). Applied once, where the text is read (script-files.ts runScriptFile,
   * commands.ts readStdinScript for a stdin marked `host`).
   */
  hostScript?: (text: string) => string;
  /**
   * The judged code runs in a container whose mounts guard cannot see (container-run.ts
   * classifyUnknownMounts): a git command anywhere in it (`docker exec web sh -c 'git clean
   * -fdx'`, a script it runs) is handed here, to be judged as run in the repository, which
   * the container most often shows. The classifier judges it no further.
   */
  containerGit?: (inv: import('./runtime.js').Invocation) => void;
  /**
   * A container's named volumes, where the judged code's paths name them (container-run.ts maps
   * `pgdata:/var/lib/postgresql/data` to `root`): deleting there deletes the volume's data (a
   * database's), outside the repository and every snapshot, as `docker volume rm` does
   * (container-volume-delete). `target` is the path in the container, for messages.
   */
  volumes?: ReadonlyArray<{ root: string; name: string; target: string }>;
  /**
   * The code judged is a container's command (container-run.ts, captureThroughGuessedMounts)
   * through a mount guard guessed, the repository at a container path, for the ignored files it
   * would capture: a container in it is not guessed again.
   */
  mountGuess?: true;
  /**
   * What guard knows of the file system and the index right now (state.ts). Absent: every path
   * is judged by its text alone. classifyWithState sets it.
   */
  view?: StateView;
}

export interface Verdict {
  verdict: VerdictKind;
  /** Stable kebab-case rule id (see RULES in rules.ts); `no-risk` for a plain allow. */
  rule: string;
  /** One sentence: what was found and why it matters. */
  reason: string;
  /** For deny/ask/snapshot: what to do instead. */
  instead?: string;
  /** The simple command that decided, as written. */
  command?: string;
  /**
   * For a snapshot: the command may delete the repository's .git with the snapshot in it (a
   * recursive delete in a container whose mounts guard cannot see: container-run.ts), so the
   * snapshot must be in the backup outside the working tree before the command runs; where it
   * cannot be pushed there, the command is refused (the agent hook).
   */
  backupFirst?: true;
}

/** deny > ask > snapshot > allow. */
export const STRICTNESS: Record<VerdictKind, number> = { allow: 0, snapshot: 1, ask: 2, deny: 3 };
