/**
 * The syntax tree of a shell command line, as parse.ts builds it: close to bash's own grammar,
 * but keeping only what the command guard needs to decide (words with their quoting and
 * expansions, redirections, heredoc bodies, and the nesting of lists, pipelines and compound
 * commands). Every simple command keeps its source text, for messages.
 */

export type WordPart =
  /** Literal text; `quoted` when it came from quotes or a backslash (no globbing, splitting, braces, tilde). */
  | { kind: 'lit'; text: string; quoted: boolean }
  /** `$name`, `${name}`, `${name:-word}` ... `op` is the operator (`''` for a plain reference). */
  | { kind: 'param'; name: string; op: string; arg: Word | null; quoted: boolean; indirect: boolean; length: boolean; subscript?: string; zsh?: ZshParam }
  /** `$(...)` or a backtick substitution. */
  | { kind: 'cmdsub'; body: Script; quoted: boolean }
  /** `$((...))`: the value is a number guard does not compute; inner substitutions still run. */
  | { kind: 'arith'; subs: Script[]; quoted: boolean }
  /** `<(...)` / `>(...)`. */
  | { kind: 'procsub'; body: Script; direction: '<' | '>' }
  /** `(a b)` after `arr=` in a declaration builtin's word (`local -a arr=(a b)`): the value is unknown; the elements' substitutions run. */
  | { kind: 'array'; elements: Word[] };

export interface Word {
  parts: WordPart[];
  /** The word as written. */
  text: string;
  /** Read in a zsh script (parse.ts Dialect): its EXTENDED_GLOB forms `a~b` and `x#` are judged too (expand.ts zshWidened). */
  zsh?: true;
}

export interface Heredoc {
  delimiter: string;
  /** A quoted delimiter (`<<'EOF'`) means the body is taken literally, with no expansion. */
  quoted: boolean;
  /** `<<-`: leading tabs are stripped. */
  strip: boolean;
  body: string;
  /** Unquoted heredocs expand `$...` and backticks: the body parsed as a double-quoted word. */
  bodyWord: Word | null;
}

export interface Redirect {
  fd: number | null;
  /** `<`, `>`, `>>`, `>|`, `<>`, `<<`, `<<-`, `<<<`, `<&`, `>&`, `&>`, `&>>`. */
  op: string;
  target: Word | null;
  heredoc?: Heredoc;
}

export interface Assignment {
  name: string;
  value: Word | null;
  /** `name=(a b c)` */
  array: Word[] | null;
  append: boolean;
  text: string;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
  source: string;
}

export interface Subshell {
  type: 'subshell';
  body: Script;
  redirects: Redirect[];
  source: string;
}

export interface Group {
  type: 'group';
  body: Script;
  redirects: Redirect[];
  source: string;
}

/** if / while / until / for / select / case / [[ ]] / (( )): header words plus the bodies that may run. */
export interface Compound {
  type: 'compound';
  keyword: string;
  words: Word[];
  bodies: Script[];
  /** for/select: the loop variable. */
  loopVar?: string;
  /** for/select: the word list was given with `in` (without it, the loop runs over "$@"). */
  listed?: boolean;
  /** case: how many of `words` after the subject are the patterns of each body, in order. */
  casePatterns?: number[];
  /** case: a body ends with `;&` or `;;&` (the next body may run too). */
  caseFallthrough?: boolean;
  redirects: Redirect[];
  source: string;
}

export interface FunctionDef {
  type: 'function';
  name: string;
  body: Command;
  source: string;
}

export type Command = SimpleCommand | Subshell | Group | Compound | FunctionDef;

export interface Pipeline {
  commands: Command[];
  negated: boolean;
}

export interface AndOr {
  pipelines: Pipeline[];
  /** ops[i] joins pipelines[i] and pipelines[i + 1]. */
  ops: Array<'&&' | '||'>;
}

export interface Script {
  items: Array<{ andOr: AndOr; background: boolean }>;
}

/**
 * zsh's own forms of a parameter expansion (parse.ts, dialect zsh): `${(f)name}` flags,
 * `${${x%a}#b}` / `${(f)"$(cmd)"}` a nested expansion in place of the name, `${+name}`, and the
 * history modifiers `${0:a:h}`, `$file:t:r`. A value with flags, a nested expansion or `+` is
 * unknown; modifiers are applied where guard computes them exactly (expand.ts zshModified).
 */
export interface ZshParam {
  /** The flags between the parentheses (`f`, `ou`), '' for none. */
  flags: string;
  /** The expansion written where the name goes (its substitutions still run), or null. */
  inner: Word | null;
  /** `${+name}`: 1 or 0, whether it is set. */
  setTest: boolean;
  /** The modifiers, each without its colon (`['a', 'h']`). */
  modifiers: string[];
}
