/**
 * The one interface every agent integration implements (Claude Code, Cursor, Codex, Gemini CLI,
 * Copilot CLI, OpenCode). Agent-specific knowledge (file locations, event names, payload fields,
 * the deny protocol) never leaves the agent's folder; everything else in guard speaks the
 * normalized types below. Registration is one line in src/agents/index.ts.
 *
 * Invariants every integration keeps:
 *  - install merges into existing settings without losing a key, and is idempotent (a second run
 *    writes nothing);
 *  - uninstall removes exactly guard's entries, and deletes a file only if guard created it and
 *    nothing else is left in it;
 *  - formatVerdict never loosens the agent's own permission flow: "allow" means "guard does not
 *    object", never an auto-approval.
 */

/** The normalized hook events. The sh shim and `guard agent-hook <agent> <event>` use these names. */
export const HOOK_EVENTS = ['session-start', 'pre-tool', 'post-tool', 'stop', 'session-end'] as const;
export type HookEventKind = (typeof HOOK_EVENTS)[number];

export type ToolKind = 'shell' | 'file-write' | 'file-edit' | 'file-delete' | 'other';

export interface ToolCall {
  kind: ToolKind;
  /** The agent's own tool name (Bash, run_shell_command, apply_patch ...), for messages and the journal. */
  name: string;
  /** Shell tools: the command line exactly as the agent will run it. */
  command?: string;
  /** File tools: the path the tool writes (absolute or relative to the event's cwd). */
  path?: string;
  /** File tools that touch several files at once (a Codex patch). Includes `path` when set. */
  paths?: string[];
  /**
   * A Codex-style patch tool (`*** Update File:` ... `*** Move to:`): the patch text. The pre-tool
   * hook judges it as the shell line `apply_patch '<patch>'` is judged (one judgment for both forms).
   */
  patch?: string;
}

export interface AgentEvent {
  kind: HookEventKind;
  /** The agent's session (conversation, thread) id; null when the payload carries none. */
  sessionId: string | null;
  /** Working directory of the agent (or of the tool call); null when the payload carries none. */
  cwd: string | null;
  /** pre-tool / post-tool: what is about to run. */
  tool: ToolCall | null;
  /** session-start: startup | resume | clear | compact ... when the agent says. */
  source?: string;
  /** The agent's id of this tool call (Claude Code's tool_use_id): pairs a pre-tool with its post-tool. */
  callId?: string;
  /** Claude Code: the permission mode (an "ask" cannot be honoured under bypassPermissions). */
  permissionMode?: string;
}

export type Decision = 'allow' | 'ask' | 'deny';

/** What guard answers to one event. */
export interface HookVerdict {
  decision: Decision;
  /** Rule id (e.g. `git.push.force`, `file.protected`, `hook-error`); absent for a plain allow. */
  rule?: string;
  /** One sentence for the agent and the person: what was refused and why. */
  reason?: string;
  /** For deny/ask: what to do instead. */
  instead?: string;
  /** A message for the person (the session summary at stop / session-end). */
  message?: string;
}

/** Exactly what the hook process prints and exits with. */
export interface HookOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Detection {
  detected: boolean;
  /** Where it was seen, for `guard init` output: ".claude/ in the repo", "claude on PATH". */
  evidence: string[];
}

/** A file an install or uninstall touched, relative to the worktree root. */
export interface FileChange {
  path: string;
  action: 'created' | 'updated' | 'unchanged' | 'removed' | 'deleted';
}

export interface InstallContext {
  /** Worktree root the agent configuration is written into. */
  root: string;
  /** Builds the shell command an agent runs for one normalized event. */
  hookCommand: (event: HookEventKind) => string;
  /** What guard created in an earlier install (so a re-install keeps the record). */
  previous: InstallRecord | undefined;
}

/** What guard created, so uninstall can remove exactly that. Stored in <gitDir>/guard/agents.json. */
export interface InstallRecord {
  /** Files guard created (relative paths). */
  createdFiles: string[];
  /** Directories guard created (relative paths), deepest last. */
  createdDirs: string[];
  /** Settings keys guard added that were absent before, per file: dotted paths. */
  addedKeys: Record<string, string[]>;
}

export interface InstallResult {
  files: FileChange[];
  record: InstallRecord;
  /** Things the person must do (restart the agent, trust the hooks ...). */
  notes: string[];
}

export interface UninstallResult {
  files: FileChange[];
}

/** Is guard's part of the agent's hook file what `guard init` wrote? */
export interface HookFileCheck {
  /** Relative to the worktree root. */
  file: string;
  state: 'ok' | 'missing' | 'changed' | 'unreadable';
  detail: string;
}

/**
 * Will the agent actually load guard's hooks here (agents skip project hooks until the person
 * trusts the folder or the hooks, silently)? Read from the trust records the agent keeps.
 */
export interface TrustReport {
  /** loads: the agent runs guard's hooks here; blocked: it will not; unknown: guard cannot tell. */
  state: 'loads' | 'blocked' | 'unknown';
  /** Why, with the record it was read from. */
  detail: string;
  /** The one step that makes them load (blocked and unknown). */
  fix?: string;
}

export interface AgentIntegration {
  /** Stable id used on the command line and in hook commands: claude, cursor, codex, gemini, copilot, opencode. */
  id: string;
  displayName: string;
  /** Extra names accepted by `--agents` (e.g. claude-code). */
  aliases?: string[];
  /**
   * The agent's hooks report the end of a session (guard installs a session-end hook that fires):
   * then `stop` (end of a turn) only checkpoints and the session ends at `session-end`. Without,
   * `stop` ends the session and the next tool call of the same agent session resumes it.
   */
  reportsSessionEnd: boolean;
  /**
   * Started with its working directory inside a submodule of this repository, the agent takes the
   * submodule for its project and loads no hook of this repository, so nothing it runs there is
   * checked (seen with the real CLI: test/e2e-agents/agent-submodule-start.test.ts,
   * opencode-submodule.test.ts). `guard status` and the session-start message say so where the
   * repository has submodules. Unset: not checked (Cursor).
   */
  unguardedInSubmodule?: boolean;
  /**
   * The agent's settings file that belongs to this clone only (Claude Code's
   * `.claude/settings.local.json`): `guard init` keeps it out of git where the project does not
   * already (src/agents/local-exclude.ts).
   */
  localSettingsFile?: string;
  /**
   * The agent's non-interactive mode shows no hook output to the person (`codex exec`, `copilot -p`:
   * seen with the real CLIs, docs/agents.md "What the person and the model see"): the program
   * names of its process among the hook's ancestors, and whether its arguments make the run
   * non-interactive. guard appends its messages to that process's stderr there
   * (src/cli/headless-output.ts); never in the interactive TUI, whose screen it would garble.
   */
  headlessOutput?: { programs: string[]; headless: (args: string[]) => boolean };
  /** Is this agent used here: configuration in the repo, or installed on the machine. */
  detect(root: string, env: NodeJS.ProcessEnv): Detection;
  install(context: InstallContext): InstallResult;
  uninstall(root: string, record: InstallRecord | undefined): UninstallResult;
  /** Parses the hook's stdin for one normalized event. Throws on a payload it cannot read. */
  parseEvent(stdin: string, event: HookEventKind): AgentEvent;
  /** Renders guard's verdict in this agent's protocol. `event` may be null when parsing failed. */
  formatVerdict(verdict: HookVerdict, event: HookEventKind, parsed: AgentEvent | null): HookOutput;
  /** Checks guard's entries in the agent's hook file (src/agents/shared/inspect.ts). */
  inspect(root: string): HookFileCheck;
  /**
   * Reads the agent's trust records for this worktree; `env` holds HOME and the agent's config
   * variables. `mainRoot`: in a linked worktree, the directory that holds the common git dir
   * (the main checkout), which some agents use in place of the worktree (Codex).
   */
  trust(root: string, env: NodeJS.ProcessEnv, mainRoot?: string, seen?: SeenEnv): TrustReport;
  /**
   * Environment variables the agent's trust decision reads (Gemini CLI's GEMINI_CLI_TRUST_WORKSPACE):
   * its session-start hook, which runs with the agent's own environment, records their values
   * (src/agents/seen-env.ts), so `guard status` in another shell can say how the agent trusted the folder.
   */
  trustEnv?: string[];
}

/** What the agent's last session-start hook in this worktree saw of its trustEnv variables. */
export interface SeenEnv {
  /** ISO time of that session start. */
  time: string;
  /** Each variable's value, or null when it was unset. */
  env: Record<string, string | null>;
}
