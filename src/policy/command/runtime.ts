/**
 * What command handlers receive: one simple command, fully expanded as far as guard can know it
 * (an Invocation), and a Runtime to report verdicts and to classify nested code (`bash -c`,
 * `eval`, `find -exec`, git aliases ...). Handlers never decide alone what a nested string
 * does; they hand it back to the evaluator, so every level gets the same rules.
 */
import type { BranchLines } from './branch-names.js';
import type { Field, ShellState } from './expand.js';
import type { RefChange } from './ref-changes.js';
import { makeVerdict, opaqueKind, type RuleName } from './rules.js';
import type { CommandContext, Verdict, VerdictKind } from './types.js';
import type { Listing } from './state.js';
import type { Dialect } from './parse.js';

/** What a command reads on stdin. `text` is null when it comes from a pipe or expansion guard cannot see. */
/**
 * What a command reads on stdin; `from` (a file redirect's path as written, or the command piping in) says where it comes from,
 * `path` a file redirect's path as guard reads it (relative to where the command runs; null: a word guard cannot see).
 */
export type Stdin =
  | { kind: 'terminal' }
  | { kind: 'file'; from?: string; path?: string | null }
  /** `files`: where `text` is null, the files (absolute, escaped text) the producer copies out whole (`cat a.sql b.sql |`). */
  | { kind: 'text'; text: string | null; from: string; listing?: Listing; /** `git branch` lines, filtered (branch-names.ts). */ branches?: BranchLines; files?: string[]; /** The line's text handed to a command in a container (hostStdin): a shell there reads it through CommandContext.hostScript. */ host?: true };

/** Where stdin comes from, as written (a file, the command piping in), or '' for a terminal. */
export function stdinOrigin(stdin: Stdin): string {
  return stdin.kind === 'terminal' ? '' : (stdin.from ?? '');
}

export interface Invocation {
  argv: Field[];
  /** Variables the command sees that this command line set (prefix assignments, exports); null = unknown value. */
  env: Map<string, string | null>;
  /** The directory it runs in; null = unknown. */
  cwd: string | null;
  stdin: Stdin;
  /** The simple command as written, for messages. */
  source: string;
  /** The shell it runs in (eval and `.` run in the current shell). */
  state: ShellState;
  /**
   * Variables in `env` the shell set but never exported (`X=V;`), not assigned for this command
   * (`X=V cmd`, `env X=V cmd`): a new process sees V only where the agent's own environment,
   * which guard cannot see, exports X already; else X is unset there (unexportedForChild).
   */
  hidden?: ReadonlySet<string>;
  /** In a container or on another machine whose project guard cannot read: the stand-in (CommandContext.inContainer.unseen). */
  unseenProject?: string;
}

/**
 * Does the program `inv` starts see `name` only maybe (V or unset)? A variable the line set and
 * never exported, whose value `env` still holds (a wrapper that sets it again, `env X=V` or a
 * runner's env file, passes it for certain).
 */
export function unexportedForChild(inv: Invocation, name: string): boolean {
  return inv.hidden?.has(name) === true && inv.env.has(name) && inv.state.vars.get(name)?.value === inv.env.get(name);
}

export interface ShellOptions {
  cwd: string | null;
  /** `$0 $1 ...` for a `bash -c` string. */
  positional?: Array<string | null> | null;
  /** Run in this shell state (eval) instead of a fresh child shell. */
  state?: ShellState;
  /** Exported variables the child shell inherits. */
  env?: Map<string, string | null>;
  /**
   * `env` is not derived from the invoking shell's variables (a container's environment): none of
   * it is judged as inherited from the line (Evaluator.inherited).
   */
  foreignEnv?: boolean;
  /** Variables the child shell sets itself, not exported (a script file's BASH_SOURCE). */
  vars?: Map<string, string>;
  /** Context override (a submodule's `foreach` runs in another repository). */
  ctx?: CommandContext;
  /** What the code reads on stdin (awk's `print | "cmd"` feeds cmd the program's output). */
  stdin?: Stdin;
  /** What runs the code, named in every verdict but allow (`make clean, Makefile:12`: make-targets.ts). */
  via?: string;
  /** The code is zsh's (a zsh script, `zsh -c`): read with zsh's parameter and glob forms (parse.ts Dialect). */
  dialect?: Dialect;
  /** A new shell started with `-e` (`bash -e FILE`, `#!/bin/sh -e`): ShellState.errexit. */
  errexit?: boolean;
  /** With `state`: the code runs in that shell at some later point (a trap's handler), judged at every state from here on (later-bodies.ts). */
  later?: boolean;
  /**
   * Each verdict but allow the code gets, as the caller words it, or null to drop it; its ref
   * changes are dropped too. For code judged as a stand-in for what guard cannot see (a running
   * container whose mounts are unknown: container-run.ts), whose verdicts mean something else.
   */
  translate?: (verdict: Verdict) => Verdict | null;
}

export interface Runtime {
  readonly ctx: CommandContext;
  readonly depth: number;
  report(verdict: Verdict): void;
  /** Records a change to the protected repository's refs, for the caller to judge against its state. */
  noteRefChange(change: RefChange): void;
  /** Classifies shell source (a `bash -c` string, an eval, an alias, a heredoc fed to a shell). */
  shell(source: string, options: ShellOptions, origin: string): void;
  /** Classifies an argument vector as if it were executed (find -exec, xargs, git bisect run). */
  exec(invocation: Invocation): void;
  /**
   * This runtime, its verdicts (but allow) saying first what the person typed stands for: `git
   * wipe` judged as the alias it runs says "`git wipe` is the alias `!git clean -fdx`: ...".
   */
  named(prefix: string): Runtime;
}

export function report(rt: Runtime, kind: VerdictKind, rule: RuleName, reason: string, command: string, instead?: string): void {
  rt.report(makeVerdict(kind, rule, reason, command, instead));
}

/** A command guard cannot see through: asked for a person, denied for an agent. */
export function reportOpaque(rt: Runtime, reason: string, command: string): void {
  rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', reason, command));
}

export function sub(inv: Invocation, argv: Field[], changes: Partial<Invocation> = {}): Invocation {
  return { ...inv, ...changes, argv };
}

/** The values of fields, or null when any is unknown. */
export function values(fields: Field[]): string[] | null {
  const out: string[] = [];
  for (const field of fields) {
    if (field.value === null) return null;
    out.push(field.value);
  }
  return out;
}

/**
 * `text` with the words a runner passes on to it appended (`npm run x -- ARGS`, `deno task x ARGS`,
 * `composer x ARGS`), each quoted as the one word it is; a word guard cannot know becomes an
 * unknown variable named `prefix` + its position, set in `env`, left unquoted where the typed word
 * was (it splits in the caller's shell before the runner sees it).
 */
export function appendArgs(text: string, args: Field[], env: Map<string, string | null>, prefix: string): string {
  let line = text;
  args.forEach((arg, n) => {
    if (arg.value !== null) line += ` ${shellQuote(arg.value)}`;
    else {
      const variable = `${prefix}${n}`;
      env.set(variable, null);
      line += arg.splittable ? ` $${variable}` : ` "$${variable}"`;
    }
  });
  return line;
}

/** Quotes a word for display and for re-parsing by the shell parser. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
