/**
 * Walks a parsed command line the way the shell would run it and hands every simple command,
 * fully expanded, to the command handlers. It keeps the little state that changes what a later
 * command means: the working directory (`cd x && rm -rf y`), variables assigned on the same
 * line (`X=/; rm -rf $X`), what a command reads on stdin (`echo ... | sh`, heredocs) and what
 * a command writes through redirections. Every substitution (`$(...)`, backticks, `<(...)`) is
 * classified as a command of its own.
 *
 * Directories are tracked as a set: after `cd x` the next command may run in x or, if cd
 * failed, where it was; `cd x && cmd` runs cmd only in x. Rules see each possible directory.
 */
import type { AndOr, Command, Compound, Pipeline, Redirect, Script, SimpleCommand, Word } from './ast.js';
import { classifyInvocation } from './commands.js';
import path from 'node:path';
import { cloneState, type ShellVar, expandSingle, expandWord, joinOrigins, knownField, nameOrEmptyOutput, newState, noteWritten, noteWrittenText, provenance, shownUnknownText, type ExpandEnv, type Field, type ShellState } from './expand.js';
import { fastPathAllows } from './fast-path.js';
import { escapedBytes, escapedText, shownEscaped } from '../../util/escaped-text.js';
import { ParseError, decodeAnsiC, parseScript } from './parse.js';
import { isUnder, resolvePath } from './paths.js';
import type { RefChange } from './ref-changes.js';
import { ALLOW, makeVerdict, stricter } from './rules.js';
import { reportOpaque, stdinOrigin, unexportedForChild, type Invocation, type Runtime, type ShellOptions, type Stdin } from './runtime.js';
import { checkWriteTarget } from './targets.js';
import { checkTruncateTarget } from './write-targets.js';
import type { CommandContext, Verdict } from './types.js';
import { producerListing } from './listings.js';
import { branchListing, grepFilter, type BranchLines } from './branch-names.js';
import type { Listing } from './state.js';
import { namesRead, recheckLater, type LaterBody } from './later-bodies.js';
import { conditionTest, emptinessTest, endsShell, narrow, valueStates } from './narrowing.js';
import { setErrexit } from './errexit.js';
import { fnmatchRegExp } from './fnmatch.js';

const MAX_DEPTH = 12;
const TERMINAL: Stdin = { kind: 'terminal' };

type Cwds = Array<string | null>;

interface Outcome {
  /** Directories the shell is in if the command succeeded / failed. */
  succ: Cwds;
  fail: Cwds;
  /** What the command prints, when guard can know it (echo, printf, cat of a heredoc). */
  stdout: string | null;
  /** File names from a set guard can list, when it prints them (`git ls-files`, `grep -rl foo src`: listings.ts). */
  listing?: Listing;
  /** `git branch` lines it prints, after the grep filters guard reads (branch-names.ts). */
  branches?: BranchLines;
  /** Where stdout is null: the files it prints whole, in order (`cat a.sql b.sql`: absolute, escaped text), for a reader that reads them (server-sql.ts). */
  files?: string[];
}

/** Where every level of a command line reports to. */
interface Sink {
  verdict(verdict: Verdict): void;
  refChange(change: RefChange): void;
  /**
   * The branch checked out after the commands judged so far in the line, where one changed it:
   * absent while none did (HEAD names it), the branch `git switch -c NAME` / `checkout -b NAME`
   * makes, null where guard cannot say (another checkout: a tag or a path; a rebase that may stop
   * detached; HEAD moved by hand). What
   * `$(git branch --show-current)` prints later in the line. Shared by reference by every sink.
   */
  headMoved: { value?: string | null };
  /** Files written so far in the line and where their content came from (ShellState.written). */
  written: Map<string, string>;
  /** A loop body is being judged a second time (compound): loops inside it are not replayed again. */
  replaying: boolean;
  /** Values of `for` loops judged one by one so far in the line (MAX_LOOP_VALUES). */
  loopValues: number;
  /** Names of the shell functions the line defines anywhere (one named `basename` changes what `$(basename ...)` prints). */
  functions: Set<string>;
  /** Whether a command judged so far may change files, and how deep in a body judged once for many runs (a loop, a function): FileOrder. */
  order: FileOrder;
  /** Function bodies and trap handlers, judged again as the state changes (later-bodies.ts), by the node or text that defined them. */
  later: Map<unknown, LaterBody>;
  /** The function whose body is being judged (its source), or null: which later bodies it may run (recheckLater). */
  laterScope: string | null;
  /**
   * How deep in code whose failure `set -e` ignores (a condition, a command before the last of
   * an `&&`/`||` list, a negated pipeline, a body that runs later from anywhere): above 0, a failing
   * command there does not end the shell. Shared by reference by every sink of one line.
   */
  errexitIgnored: { depth: number };
}

/**
 * What a listing guard runs before the line (`git grep -l`, whose names depend on what the files
 * hold) may rely on: no command before it in the line changed a file (`changed`), and it is not
 * in a body that may run after later commands (`unordered`: a loop judged once, a function).
 * `git merge feature && git grep -l node | xargs sed -i ...` greps files the merge wrote.
 */
interface FileOrder {
  changed: boolean;
  unordered: number;
}

/** Commands that change no file (their redirections aside: redirectsWrite). */
const CHANGES_NO_FILE = new Set(['cd', 'pushd', 'popd', 'pwd', 'echo', 'printf', 'true', 'false', ':', 'test', '[', 'export', 'unset', 'ls', 'cat', 'head', 'tail', 'wc']);
const GIT_CHANGES_NO_FILE = new Set(['grep', 'ls-files', 'status', 'log', 'diff', 'show', 'rev-parse']);

function changesNoFile(argv: Field[]): boolean {
  const [name, sub] = argv.map((a) => a.value);
  if (name === 'git') return sub !== null && sub !== undefined && GIT_CHANGES_NO_FILE.has(sub) && !argv.some((a) => a.value?.startsWith('--output') || a.value === '-O' || a.value?.startsWith('--open-files-in-pager'));
  return name !== null && name !== undefined && CHANGES_NO_FILE.has(name);
}

function redirectsWrite(redirects: readonly Redirect[]): boolean {
  return redirects.some((r) => {
    if (!['>', '>>', '>|', '<>', '&>', '&>>', '>&'].includes(r.op)) return false;
    const target = r.target?.text ?? '';
    return target !== '/dev/null' && !(r.op === '>&' && /^(\d+|-)$/.test(target));
  });
}

/**
 * The most values of `for` loops the line's bodies are judged for, all loops together (a loop
 * inside another counts once per outer value): each value is one more pass over the body, and
 * the paths it names are read in the one batch (state.ts), so past this a loop's variable stays
 * unknown (ask), as before loops were expanded. At 1,000 values `guard check-command` of
 * `for f in gen/*.txt; do rm "$f"; done` took 0.50-0.56 s of CPU against 0.08 s for 2 values
 * (one git process either way; load 11-13 on 2 cores), about 0.45 ms per value and body command:
 * well inside an agent hook's time, and the batch of paths far below the 10,000 files a snapshot
 * captures.
 */
export const MAX_LOOP_VALUES = 1000;

/** Directories a loop's body may run in (ShellState.cwds) before its remaining values are judged as unknown. */
const MAX_LOOP_CWDS = 16;

/** A sink that names the loop's value in every verdict but allow: `rm "$f"` denied says which $f. */
function namingSink(parent: Sink, name: string, value: string): Sink {
  const shown = shownEscaped(value);
  return relabelling(parent, (v) => {
    const named = v.reason.includes(value) || v.reason.includes(shown) ? v.reason : `${v.reason} (the loop's ${name}=${shown})`;
    return { ...v, reason: named, command: `${v.command ?? ''} (${name}=${shown})`.trim() };
  });
}

/** A sink that says in every verdict but allow what ran the code (`make clean`: ShellOptions.via). */
function viaSink(parent: Sink, via: string): Sink {
  return relabelling(parent, (v) => {
    const reason = shownUnknownText(v.reason);
    return { ...v, reason: reason.endsWith(`(${via})`) ? reason : `${reason} (${via})`, ...(v.command !== undefined ? { command: shownUnknownText(v.command) } : {}) };
  });
}

/** A sink whose verdicts but allow start with `prefix` (Runtime.named). */
function prefixSink(parent: Sink, prefix: string): Sink {
  return relabelling(parent, (v) => (v.reason.startsWith(prefix) ? v : { ...v, reason: `${prefix}${v.reason}` }));
}

/** A sink that hands on each verdict but allow as `translate` words it (null: dropped), and no ref change (ShellOptions.translate). */
function translatingSink(parent: Sink, translate: (v: Verdict) => Verdict | null): Sink {
  const sink = relabelling(parent, null);
  sink.verdict = (v) => {
    const out = v.verdict === 'allow' ? v : translate(v);
    if (out) parent.verdict(out);
  };
  return sink;
}

/** A sink that keeps no verdict and no ref change (a command judged in other states instead: simple). */
function silent(parent: Sink): Sink {
  return relabelling(parent, null);
}

/** `label` null: verdicts and ref changes are dropped. */
function relabelling(parent: Sink, label: ((v: Verdict) => Verdict) | null): Sink {
  return {
    verdict: (v) => label && parent.verdict(v.verdict === 'allow' ? v : label(v)),
    refChange: (change) => label && parent.refChange(change),
    written: parent.written,
    functions: parent.functions,
    order: parent.order,
    later: parent.later,
    errexitIgnored: parent.errexitIgnored,
    headMoved: parent.headMoved,
    get laterScope() {
      return parent.laterScope;
    },
    set laterScope(scope: string | null) {
      parent.laterScope = scope;
    },
    get replaying() {
      return parent.replaying;
    },
    set replaying(replaying: boolean) {
      parent.replaying = replaying;
    },
    get loopValues() {
      return parent.loopValues;
    },
    set loopValues(count: number) {
      parent.loopValues = count;
    },
  };
}

/** The strictest verdict of a command line, and the ref changes it announces (ref-changes.ts). */
export interface Classification {
  verdict: Verdict;
  refChanges: RefChange[];
}

/** Classifies a whole command line. */
export function classifySource(source: string, ctx: CommandContext): Classification {
  let verdict: Verdict = ALLOW;
  let backupFirst = false;
  const refChanges: RefChange[] = [];
  const sink: Sink = {
    verdict: (v) => {
      // whichever snapshot verdict stands for the line, the backup comes first if any part asked for it
      if (v.backupFirst) backupFirst = true;
      verdict = stricter(verdict, v);
    },
    refChange: (change) => {
      refChanges.push(change);
    },
    written: new Map(),
    replaying: false,
    loopValues: 0,
    functions: new Set(),
    order: { changed: false, unordered: 0 },
    later: new Map(),
    laterScope: null,
    errexitIgnored: { depth: 0 },
    headMoved: {},
  };
  const evaluator = new Evaluator(ctx, 0, sink);
  evaluator.shell(source, { cwd: ctx.cwd, state: newState(ctx.cwd, sink.written) }, source);
  const final = verdict as Verdict;
  // only snapshot verdicts carry the flag; another snapshot may stand for the line
  return { verdict: backupFirst && final.verdict === 'snapshot' && !final.backupFirst ? { ...final, backupFirst: true } : final, refChanges };
}

/**
 * `for i in $(seq 1 "$n")`: every value is a number (seq prints numbers; only `-f`/`-s` change
 * what it prints, and those are not accepted here), so `$i` stays one word (jq's tests/shtest:
 * `dd if=... bs=$i count=1`).
 */
function seqList(words: readonly Word[]): boolean {
  const part = words.length === 1 && words[0]?.parts.length === 1 ? words[0].parts[0] : undefined;
  if (part?.kind !== 'cmdsub' || part.quoted) return false;
  const item = part.body.items.length === 1 ? part.body.items[0] : undefined;
  const pipeline = item && !item.background && item.andOr.pipelines.length === 1 ? item.andOr.pipelines[0] : undefined;
  const command = pipeline && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (command?.type !== 'simple' || command.assigns.length > 0 || command.redirects.length > 0 || command.words[0]?.text !== 'seq') return false;
  return command.words.slice(1).every((w) => !/^-(?!\d|w$)/.test(w.text) && !/^["']?-[a-z-]/i.test(w.text.replace(/^-w$/, '')));
}

/**
 * The body a `case` runs, where guard knows its subject and every pattern up to the one that
 * matches (shell patterns: fnmatch without FNM_PATHNAME, as find's -name; quoted characters
 * literal): its index, or null when none matches (no body runs). Undefined where guard cannot
 * say (an unknown word, a pattern it cannot translate exactly, `;&`/`;;&`): every body is judged.
 */
function caseBranch(command: Compound, env: ExpandEnv): number | null | undefined {
  if (!command.casePatterns || command.caseFallthrough || command.casePatterns.length !== command.bodies.length) return undefined;
  const subject = command.words[0] ? expandSingle(command.words[0], env).value : null;
  if (subject === null) return undefined;
  let at = 1;
  for (const [index, count] of command.casePatterns.entries()) {
    for (const word of command.words.slice(at, at + count)) {
      const pattern = expandSingle(word, env);
      if (pattern.value === null) return undefined;
      let matches = pattern.value === subject;
      if (pattern.glob) {
        const re = pattern.pattern === null ? null : fnmatchRegExp(pattern.pattern, false);
        if (re === null) return undefined;
        matches = re.test(subject);
      }
      if (matches) return index;
    }
    at += count;
  }
  return null;
}

/** Is `name` a word of `source` (not part of a longer name)? */
function mentions(source: string, name: string): boolean {
  let at = source.indexOf(name);
  while (at !== -1) {
    const before = source[at - 1] ?? ' ';
    const after = source[at + name.length] ?? ' ';
    if (!/[\w.-]/.test(before) && !/[\w.-]/.test(after)) return true;
    at = source.indexOf(name, at + 1);
  }
  return false;
}

function union(a: Cwds, b: Cwds): Cwds {
  const out = [...a];
  for (const c of b) if (!out.includes(c)) out.push(c);
  return out;
}

export class Evaluator implements Runtime {
  /**
   * The simple command being judged, whose handler may start a new shell (`bash -c`, a script
   * file, a recipe): what that shell inherits depends on what this one exported (inherited()).
   */
  private invoking: Invocation | null = null;

  constructor(
    readonly ctx: CommandContext,
    readonly depth: number,
    private readonly sink: Sink,
  ) {}

  report(verdict: Verdict): void {
    this.sink.verdict(verdict);
  }

  noteRefChange(change: RefChange): void {
    // a new branch (`switch -c NAME`) is checked out; `checkout X` may be a path or a tag (detached): unknown
    // an existing local branch named (`git checkout main`, `git switch main`) is checked out too: git prefers the branch to a path or a tag of that name
    if (change.kind === 'switch') this.sink.headMoved.value = change.created ? change.branch : change.branch !== null && localBranchExists(this.ctx, change.branch) ? change.branch : null;
    else if (change.kind === 'rebase' || change.kind === 'abort' || ((change.kind === 'move' || change.kind === 'delete') && change.ref === 'HEAD')) this.sink.headMoved.value = null;
    this.sink.refChange(change);
  }

  shell(source: string, options: ShellOptions, origin: string): void {
    if (this.depth >= MAX_DEPTH) {
      reportOpaque(this, 'commands are nested too deeply for guard to follow', origin);
      return;
    }
    let script: Script;
    try {
      script = parseScript(source, 0, options.dialect);
    } catch (error) {
      if (!(error instanceof ParseError)) throw error;
      // bash runs nothing of a line it cannot parse; still, a parser gap must not let a risky
      // command through, so only text with no risky word at all is allowed.
      if (!fastPathAllows(source)) reportOpaque(this, `guard cannot parse this command (${error.message})`, origin);
      return;
    }
    if (options.later && options.state) {
      // A trap's handler runs in this shell whenever the trap fires: judged as a later body.
      const ctx = options.ctx ?? this.ctx;
      const sink = options.via ? viaSink(this.sink, options.via) : this.sink;
      const judge = (at: ShellState): void => new Evaluator(ctx, this.depth + 1, sink).script(script, { ...cloneState(at), errexit: false }, options.stdin ?? TERMINAL);
      this.defineLater(`later\u0000${source}`, judge, source, options.state);
      return;
    }
    const state = options.state ?? newState(options.cwd, this.sink.written);
    if (!options.state) {
      for (const [name, value] of options.env ?? []) state.vars.set(name, options.foreignEnv ? { value, exported: true } : this.inherited(name, value));
      for (const [name, value] of options.vars ?? []) state.vars.set(name, { value, exported: false });
      if (options.positional !== undefined) state.positional = options.positional;
      if (options.errexit) state.errexit = true;
    }
    const via = options.via ? viaSink(this.sink, options.via) : this.sink;
    const child = new Evaluator(options.ctx ?? this.ctx, this.depth + 1, options.translate ? translatingSink(via, options.translate) : via);
    child.script(script, state, options.stdin ?? TERMINAL);
  }

  /**
   * A variable as a new shell process sees it. A new process gets the exported variables only:
   * `X=V;` never exported is V there only where the agent's own environment (which guard cannot
   * see) exports X already, else unset; so it is V or empty (ShellVar.nonEmpty, judged both ways
   * as a maybe-empty variable is). `RAILS_ENV=test; bash -c 'rails db:reset'` runs rails in
   * development in a fresh shell. A variable that is V or empty where it is exported stays so.
   * A subshell `( )` or `$( )` is a fork and copies the whole state instead (cloneState).
   */
  private inherited(name: string, value: string | null): ShellVar {
    const from = this.invoking;
    const parent = from?.state.vars.get(name);
    if (!from || !parent || parent.value !== value || from.env.get(name) !== value) return { value, exported: true };
    if (unexportedForChild(from, name)) {
      const origin = `$${name}, set on the line but not exported, so unset in a new shell unless the environment exports it`;
      return value === null || value === '' ? { value, exported: true, ...(value === null ? { origin } : {}) } : { value: null, exported: true, nonEmpty: value, origin, maybeUnset: true };
    }
    if (parent.exported && value === null && parent.nonEmpty !== undefined) return { ...parent, exported: true };
    return { value, exported: true };
  }

  named(prefix: string): Runtime {
    const named = new Evaluator(this.ctx, this.depth, prefixSink(this.sink, prefix));
    named.invoking = this.invoking;
    return named;
  }

  exec(invocation: Invocation): void {
    if (this.depth >= MAX_DEPTH) {
      reportOpaque(this, 'commands are nested too deeply for guard to follow', invocation.source);
      return;
    }
    const inner = new Evaluator(this.ctx, this.depth + 1, this.sink);
    inner.invoking = invocation;
    classifyInvocation(invocation, inner);
  }

  // ---------------------------------------------------------------- structure

  /**
   * A body that runs later than where it is written (a function, a trap handler): judged now,
   * then again as the state changes (later-bodies.ts). A new function also makes every body
   * defined before judged again: their calls to it are seen with the state they set up.
   */
  defineLater(key: unknown, judge: (state: ShellState) => void, source: string, state: ShellState, name?: string): void {
    // The same definition met again (a loop's body judged twice, a function judged again) is the same body.
    let body = this.sink.later.get(key);
    if (!body) {
      body = { judge, names: namesRead(source), source, ...(name !== undefined ? { name } : {}), seen: new Set(), saturated: false };
      this.sink.later.set(key, body);
    }
    const before = (state.later ?? []).filter((b) => b !== body);
    state.later = [...before, body];
    recheckLater([body], state);
    // Only bodies that may call the new function (its name is a word in them) can reach it.
    if (name !== undefined) recheckLater(before.filter((b) => mentions(b.source, name)), state, true);
  }

  script(script: Script, state: ShellState, stdin: Stdin): void {
    for (const item of script.items) this.andOr(item.andOr, state, stdin);
  }

  private andOr(node: AndOr, state: ShellState, stdin: Stdin): void {
    state.cwds = [...state.cwds];
    let outcome = this.ignoringErrexit(node.pipelines.length > 1, () => this.pipeline(node.pipelines[0] as Pipeline, state, stdin));
    let succ = outcome.succ;
    let fail = outcome.fail;
    // Where the list may end failing: by a command before the last `&&`/`||` (set -e does not end
    // the shell there), or by the last one it ran (set -e ends it: lastFail).
    let earlierFail: Cwds = [];
    let lastFail = outcome.fail;
    this.recheckLater(state, union(succ, fail));
    // `[ -n "$d" ] && rm -rf "$d"`: a maybe-empty variable is its name while the test holds
    // (narrowing.ts): through the `&&`s after a test true for it, or the one command after `||`.
    let restore: (() => void) | null = null;
    let narrowedBy: 'succ' | 'fail' | null = null;
    node.ops.forEach((op, index) => {
      if (restore && (narrowedBy === 'fail' || op === '||')) {
        restore();
        restore = null;
      }
      const test = emptinessTest(node.pipelines[index], state, this.sink.functions);
      if (test && (test.when === 'succ') === (op === '&&')) {
        restore?.();
        restore = narrow(state, test);
        narrowedBy = test.when;
      }
      state.cwds = op === '&&' ? succ : fail;
      if (state.cwds.length === 0) state.cwds = union(succ, fail);
      outcome = this.ignoringErrexit(index + 2 < node.pipelines.length, () => this.pipeline(node.pipelines[index + 1] as Pipeline, state, stdin));
      this.recheckLater(state, union(outcome.succ, outcome.fail));
      if (op === '&&') {
        succ = outcome.succ;
        fail = union(fail, outcome.fail);
        earlierFail = union(earlierFail, lastFail);
      } else {
        succ = union(succ, outcome.succ);
        fail = outcome.fail;
        earlierFail = [];
      }
      lastFail = outcome.fail;
    });
    // `[ -z "$d" ] && exit 1`, `[ -n "$d" ] || exit 1`: past the line, only the non-empty way is left.
    (restore as (() => void) | null)?.();
    const last = node.pipelines[1];
    if (node.pipelines.length === 2 && last && endsShell({ items: [{ andOr: { pipelines: [last], ops: [] }, background: false }] })) {
      const test = emptinessTest(node.pipelines[0], state, this.sink.functions);
      if (test && (test.when === 'succ') === (node.ops[0] === '||')) narrow(state, test);
    }
    state.cwds = union(succ, fail);
    // `set -e; cd build`: where cd fails the script ends, so what follows runs only in build (jq's
    // scripts/crosscompile). Only where the last command's failure is not ignored and some way goes on.
    const goesOn = union(succ, earlierFail);
    const lastNegated = node.pipelines[node.pipelines.length - 1]?.negated === true;
    if (state.errexit && this.sink.errexitIgnored.depth === 0 && !lastNegated && goesOn.length > 0) state.cwds = goesOn;
  }

  /** Runs `judge` as code whose failure `set -e` ignores, when `ignored` (Sink.errexitIgnored). */
  private ignoringErrexit<T>(ignored: boolean, judge: () => T): T {
    if (!ignored) return judge();
    this.sink.errexitIgnored.depth++;
    try {
      return judge();
    } finally {
      this.sink.errexitIgnored.depth--;
    }
  }

  /** After a command: the bodies that may run next, judged with the state it leaves (later-bodies.ts). */
  private recheckLater(state: ShellState, cwds: Cwds): void {
    if (!state.later?.length) return;
    // Inside a function's body, only the functions it may call can run next (and a trap, anywhere).
    const scope = this.sink.laterScope;
    const bodies = scope === null ? state.later : state.later.filter((b) => b.name === undefined || mentions(scope, b.name));
    recheckLater(bodies, { ...state, cwds });
  }

  private pipeline(pipeline: Pipeline, state: ShellState, stdin: Stdin): Outcome {
    if (pipeline.negated) return this.ignoringErrexit(true, () => this.pipelineIn({ ...pipeline, negated: false }, state, stdin));
    return this.pipelineIn(pipeline, state, stdin);
  }

  private pipelineIn(pipeline: Pipeline, state: ShellState, stdin: Stdin): Outcome {
    if (pipeline.commands.length === 1) return this.command(pipeline.commands[0] as Command, state, stdin);
    let input = stdin;
    for (const command of pipeline.commands) {
      // Every member of a pipeline runs in a subshell: cd and assignments do not persist.
      const outcome = this.command(command, cloneState(state), input);
      input = { kind: 'text', text: outcome.stdout, from: sourceOf(command), ...(outcome.listing ? { listing: outcome.listing } : {}), ...(outcome.branches ? { branches: outcome.branches } : {}), ...(outcome.files ? { files: outcome.files } : {}) };
    }
    return { succ: state.cwds, fail: state.cwds, stdout: null, ...(input.kind === 'text' && input.branches ? { branches: input.branches } : {}) };
  }

  private command(command: Command, state: ShellState, stdin: Stdin): Outcome {
    switch (command.type) {
      case 'simple':
        return this.simple(command, state, stdin);
      case 'subshell': {
        const input = this.redirects(command.redirects, state, stdin, command.source);
        this.script(command.body, cloneState(state), input);
        return { succ: state.cwds, fail: state.cwds, stdout: null };
      }
      case 'group': {
        const input = this.redirects(command.redirects, state, stdin, command.source);
        this.script(command.body, state, input);
        return { succ: state.cwds, fail: state.cwds, stdout: null };
      }
      case 'compound':
        return this.compound(command, state, stdin);
      case 'function': {
        this.sink.functions.add(command.name);
        // A definition runs nothing, but guard cannot follow calls: judge the body now, as one
        // that may run after any later command, and again whenever the state it depends on
        // changes (later-bodies.ts). Its positional parameters are the call's arguments: unknown.
        const judge = (at: ShellState): void => {
          const inner = cloneState(at);
          inner.positional = null;
          const scope = this.sink.laterScope;
          this.sink.order.unordered++;
          this.sink.laterScope = command.body.source;
          try {
            // Called from anywhere, maybe in a condition: set -e is not relied on in it.
            this.ignoringErrexit(true, () => this.command(command.body, inner, TERMINAL));
          } finally {
            this.sink.order.unordered--;
            this.sink.laterScope = scope;
          }
        };
        this.defineLater(command, judge, command.source, state, command.name);
        return { succ: state.cwds, fail: state.cwds, stdout: null };
      }
    }
  }

  private compound(command: Compound, state: ShellState, stdin: Stdin): Outcome {
    const env = this.expandEnv(state);
    const fields = command.words.flatMap((word) => expandWord(word, env));
    const input = this.redirects(command.redirects, state, stdin, command.source);
    // `case "X$1" in X-j*) jobs=$1;; esac` with a subject and patterns guard knows: the one body that runs.
    const branch = command.keyword === 'case' ? caseBranch(command, { ...env, onSubstitution: () => undefined }) : undefined;
    if (branch !== undefined) {
      if (branch !== null) this.script(command.bodies[branch] as Script, state, input);
      return { succ: state.cwds, fail: state.cwds, stdout: null };
    }
    const values = command.keyword === 'for' && command.listed ? this.loopValues(fields, state) : null;
    if (values && command.loopVar !== undefined) return this.unrolled(command, command.loopVar, values, state, input);
    // Bodies may or may not run, and loops repeat: run them on a copy, then merge what may
    // have changed (directories: either; variables: unknown unless unchanged).
    // An `if`'s first condition runs exactly once, before anything else: in the shell itself, so
    // what it sets holds after the `fi` (mvnw's `if TMP_DOWNLOAD_DIR="$(mktemp -d)" && [ -d ... ]; then`).
    const always = command.keyword === 'if' ? 1 : 0;
    if (always) this.ignoringErrexit(true, () => this.script(command.bodies[0] as Script, state, input));
    const inner = cloneState(state);
    // `for b in $(git branch --merged | grep -v main)`: b is one word of those lines (already split and globbed there)
    const loopBranches = command.keyword === 'for' && fields.length === 1 ? fields[0]?.branches : undefined;
    if (command.loopVar) inner.vars.set(command.loopVar, { value: null, exported: false, origin: provenance(command.words.map((w) => w.text).join(' '), state), ...(seqList(command.words) ? { numeric: true } : {}), ...(loopBranches ? { branches: loopBranches } : {}) });
    const loop = ['while', 'until', 'for', 'select'].includes(command.keyword);
    const before = loop ? writtenFootprint(state) : 0;
    // `if [ -z "$d" ]; then ...; exit 1; fi`: past the `fi` the maybe-empty d is its name (narrowing.ts).
    const firstTest = always ? conditionTest(command.bodies[0], state, this.sink.functions) : null;
    const stopsUnlessNonEmpty = firstTest?.when === 'fail' && command.bodies.length === 2 && endsShell(command.bodies[1]);
    // A body judged once for every run: a listing in it may run after a later command's changes.
    if (loop) this.sink.order.unordered++;
    try {
      command.bodies.forEach((body, index) => {
        if (index < always) return;
        // An `if`'s then-body (odd index) runs where its condition held; the else-body where the first failed.
        const condition = command.keyword !== 'if' ? null : index % 2 === 1 ? conditionTest(command.bodies[index - 1], inner, this.sink.functions) : index === 2 && command.bodies.length === 3 ? firstTest : null;
        const holds = condition && condition.when === (index % 2 === 1 ? 'succ' : 'fail') ? narrow(inner, condition) : null;
        // An `if`/`elif` condition (even index but the else-body), a `while`/`until` condition: set -e ignores their failure.
        const isCondition = (command.keyword === 'if' && index % 2 === 0 && index + 1 < command.bodies.length) || ((command.keyword === 'while' || command.keyword === 'until') && index === 0);
        this.ignoringErrexit(isCondition, () => this.script(body, inner, input));
        holds?.();
      });
      // A file a loop writes late in its body is there for the next iteration's first commands
      // (`for ...; do kill $(cat /tmp/p); cat .git/guard/watcher.pid > /tmp/p; done`): judge the
      // body once more when it wrote something. Only the outermost loop replays, so the cost is at most twice.
      if (loop && !this.sink.replaying && writtenFootprint(state) !== before) {
        this.sink.replaying = true;
        try {
          command.bodies.forEach((body, index) => this.ignoringErrexit(index === 0 && command.keyword !== 'for' && command.keyword !== 'select', () => this.script(body, inner, input)));
        } finally {
          this.sink.replaying = false;
        }
      }
    } finally {
      if (loop) this.sink.order.unordered--;
    }
    this.mergeInner(state, inner);
    if (stopsUnlessNonEmpty && firstTest && state.vars.get(firstTest.name)?.nonEmpty === firstTest.value) narrow(state, firstTest);
    return { succ: state.cwds, fail: state.cwds, stdout: null };
  }

  /**
   * The values of a `for` loop's word list, when guard can know them all: literal words (split,
   * brace-expanded, variables known), and globs expanded from the file system as bash would
   * (StateView.loopGlob; an unmatched glob stays the word itself). Null otherwise (a command
   * substitution, an unknown variable, a glob by text alone or in a directory guard cannot
   * determine), or past MAX_LOOP_VALUES values for the whole line: the variable stays unknown.
   */
  private loopValues(fields: Field[], state: ShellState): string[] | null {
    const values: string[] = [];
    for (const field of fields) {
      if (field.value === null) return null;
      if (field.glob) {
        if (field.pattern === null) return null;
        const cwd = field.pattern.startsWith('/') ? '/' : state.cwds.length === 1 ? state.cwds[0] : null;
        if (!cwd) return null;
        const matched = this.ctx.view?.loopGlob({ cwd, pattern: field.pattern }) ?? null;
        if (matched === null) return null;
        values.push(...(matched.length > 0 ? matched : [field.value]));
      } else values.push(field.value);
      if (values.length > MAX_LOOP_VALUES) return null;
    }
    if (this.sink.loopValues + values.length > MAX_LOOP_VALUES) return null;
    this.sink.loopValues += values.length;
    return values;
  }

  /**
   * A `for` loop whose values guard knows, judged as bash runs it: the body once per value, in
   * order, in the same shell (a `cd` in one iteration holds in the next), each verdict naming the
   * value it was given. If the directories the body may be in multiply past MAX_LOOP_CWDS
   * (`cd "$d"` with no way back), the rest is judged as an unknown value, as before.
   */
  private unrolled(command: Compound, name: string, values: string[], state: ShellState, input: Stdin): Outcome {
    const inner = cloneState(state);
    const exported = state.vars.get(name)?.exported ?? false;
    for (const value of values) {
      if (inner.cwds.length > MAX_LOOP_CWDS) {
        inner.vars.set(name, { value: null, exported, origin: provenance(command.words.map((w) => w.text).join(' '), state) });
        for (const body of command.bodies) this.script(body, inner, input);
        break;
      }
      inner.vars.set(name, { value, exported });
      const iteration = new Evaluator(this.ctx, this.depth, namingSink(this.sink, name, value));
      for (const body of command.bodies) iteration.script(body, inner, input);
    }
    this.mergeInner(state, inner);
    return { succ: state.cwds, fail: state.cwds, stdout: null };
  }

  /** After a compound command: directories either way, variables unknown unless unchanged. */
  private mergeInner(state: ShellState, inner: ShellState): void {
    state.cwds = union(state.cwds, inner.cwds);
    // A function a body defined (`if ...; then clean() {...}; trap clean EXIT; fi`) may exist after it.
    for (const body of inner.later ?? []) if (!state.later?.includes(body)) state.later = [...(state.later ?? []), body];
    for (const [name, variable] of inner.vars) {
      const before = state.vars.get(name);
      if (!before || before.value !== variable.value) {
        const origin = joinOrigins(before?.origin, variable.origin, variable.value);
        state.vars.set(name, { value: null, exported: variable.exported || (before?.exported ?? false), ...(origin ? { origin } : {}) });
      }
    }
  }

  // ---------------------------------------------------------------- simple commands

  private expandEnv(state: ShellState): ExpandEnv {
    return {
      state,
      home: this.ctx.home,
      functions: this.sink.functions,
      ...(this.ctx.scratchDirs?.[0] ? { tempDir: this.ctx.scratchDirs[0] } : {}),
      ...(this.ctx.view ? { isDir: (abs: string) => isDirectory(this.ctx, abs), realDir: (abs: string) => realDirectory(this.ctx, abs), realPath: (abs: string) => realPathOf(this.ctx, abs), repoTop: (cwd: string) => worktreeTop(this.ctx, cwd), currentBranch: (cwd: string) => (this.sink.headMoved.value !== undefined ? this.sink.headMoved.value : checkedOutBranch(this.ctx, cwd)) } : {}),
      // A substitution runs in a subshell, in the current directory.
      onSubstitution: (body) => {
        // One command alone (`$(git ls-files '*.js')`): what it prints may be a listing guard can enumerate.
        const only = body.items.length === 1 ? body.items[0]?.andOr : undefined;
        if (only && only.pipelines.length === 1 && !body.items[0]?.background) {
          const inner = { ...cloneState(state), errexit: false };
          inner.cwds = [...inner.cwds];
          const printed = this.pipeline(only.pipelines[0] as Pipeline, inner, TERMINAL);
          return printed.listing ?? (printed.branches ? { branches: printed.branches } : undefined);
        }
        // bash does not keep set -e in a substitution (without inherit_errexit): not relied on there.
        this.script(body, { ...cloneState(state), errexit: false }, TERMINAL);
        return undefined;
      },
    };
  }

  private simple(command: SimpleCommand, state: ShellState, stdin: Stdin): Outcome {
    // `rm -rf "$d"` after `d=$(mktemp -d || true)` and no test: judged with each value d may
    // have (narrowing.ts valueStates); the shell state it leaves is the one with d unknown,
    // whose own verdicts (d unknown: ask) those judgements replace.
    const forks = valueStates(command, state);
    if (forks === null) return this.simpleIn(command, state, stdin);
    for (const fork of forks) {
      const shown = fork.empty.map((name) => `$${name}`).join(' and ');
      const why = fork.empty.every((name) => state.vars.get(name)?.maybeUnset) ? 'it is not exported where it was set, and a new shell sees it only where the environment exports it' : 'what set it may print nothing';
      const sink = shown === '' ? this.sink : relabelling(this.sink, (v) => ({ ...v, reason: `${v.reason} (where ${shown} is empty: ${why})`, instead: `${v.instead ? `${v.instead} ` : ''}Or test it first: \`[ -n "$${fork.empty[0]}" ] && ...\`.` }));
      new Evaluator(this.ctx, this.depth, sink).simpleIn(command, fork.state, stdin);
    }
    return new Evaluator(this.ctx, this.depth, silent(this.sink)).simpleIn(command, state, stdin);
  }

  private simpleIn(command: SimpleCommand, state: ShellState, stdin: Stdin): Outcome {
    const env = this.expandEnv(state);
    // `TMPDIR=. T=$(mktemp)`: mktemp may see the new TMPDIR (expand.ts mktempOutput).
    if (command.assigns.some((a) => a.name === 'TMPDIR')) delete env.tempDir;
    const assigned = new Map<string, string | null>();
    const origins = new Map<string, string>();
    const nonEmpty = new Map<string, string>();
    for (const assignment of command.assigns) {
      let value: string | null;
      let origin = '';
      if (assignment.array) {
        const fields = assignment.array.flatMap((element) => expandWord(element, env));
        origin = provenance(fields.map((f) => f.display).join(' '), state);
        value = null;
      } else {
        const field = assignment.value ? expandSingle(assignment.value, env) : null;
        value = field ? field.value : '';
        if (field && field.value === null) origin = provenance(field.display, state);
        // `d=$(mktemp -d || true)`: mktemp's name or empty (narrowing below tells which).
        const only = assignment.value?.parts.length === 1 ? assignment.value.parts[0] : undefined;
        const named = value === null && only?.kind === 'cmdsub' ? nameOrEmptyOutput(only.body, { ...env, onSubstitution: () => undefined }) : null;
        if (named !== null) nonEmpty.set(assignment.name, named);
      }
      if (assignment.append) {
        const before = state.vars.get(assignment.name);
        value = before?.value != null && value !== null ? before.value + value : null;
        origin = joinOrigins(before?.origin, origin);
      }
      assigned.set(assignment.name, value);
      if (value === null && origin) origins.set(assignment.name, origin);
    }
    const argv = command.words.flatMap((word) => expandWord(word, env));
    const input = this.redirects(command.redirects, state, stdin, command.source, writesNothing(argv), copiesStdin(argv));
    this.checkAssignments(assigned, command.source);

    if (argv.length === 0) {
      for (const [name, value] of assigned) {
        const origin = origins.get(name);
        const named = nonEmpty.get(name);
        state.vars.set(name, { value, exported: (state.vars.get(name)?.exported ?? false) || state.allexport === true, ...(origin ? { origin } : {}), ...(named !== undefined ? { nonEmpty: named } : {}) });
      }
      return { succ: state.cwds, fail: state.cwds, stdout: null };
    }

    const visible = new Map<string, string | null>();
    let hidden: Set<string> | undefined;
    for (const [name, variable] of state.vars) {
      visible.set(name, variable.value);
      if (!variable.exported && !assigned.has(name)) (hidden ??= new Set()).add(name);
    }
    for (const [name, value] of assigned) visible.set(name, value);

    const before = this.invoking;
    try {
      for (const cwd of state.cwds) {
        const invocation: Invocation = { argv, env: visible, cwd, stdin: input, source: command.source, state, ...(hidden ? { hidden } : {}) };
        this.invoking = invocation;
        classifyInvocation(invocation, this);
      }
    } finally {
      this.invoking = before;
    }
    // `d=/usr/lib f`: a function runs with the assignments in front of its call set.
    if (assigned.size > 0 && state.later?.length) {
      const during = cloneState(state);
      for (const [name, value] of assigned) during.vars.set(name, { value, exported: true, ...(origins.get(name) ? { origin: origins.get(name) as string } : {}) });
      this.recheckLater(during, state.cwds);
    }
    const outcome = this.builtinEffects(argv, state, input, command.source, assigned.has('IFS'));
    const cwd = state.cwds.length === 1 ? (state.cwds[0] ?? null) : null;
    const order = this.sink.order;
    const ordered = !order.changed && order.unordered === 0;
    const listing = outcome.stdout === null ? producerListing(argv, cwd, this.ctx, command.source, ordered) : null;
    const branches = outcome.stdout === null ? this.branchLines(argv, input, ordered) : null;
    if (!changesNoFile(argv) || redirectsWrite(command.redirects)) order.changed = true;
    return listing || branches ? { ...outcome, ...(listing ? { listing } : {}), ...(branches ? { branches } : {}) } : outcome;
  }

  /**
   * The `git branch` lines a command prints (branch-names.ts): `git branch`'s listing, or a grep
   * filtering the lines piped in. Not where the line defines a function of that name.
   */
  private branchLines(argv: Field[], stdin: Stdin, ordered: boolean): BranchLines | null {
    const name = argv[0]?.value;
    if (name === null || name === undefined || this.sink.functions.has(name)) return null;
    if (stdin.kind === 'text' && stdin.branches) {
      const filter = grepFilter(argv);
      return filter ? { ...stdin.branches, filters: [...stdin.branches.filters, filter] } : null;
    }
    return branchListing(argv, ordered);
  }

  /** An agent may not set guard's internal token (it marks a ref update as guard's own). */
  private checkAssignments(assigned: Map<string, string | null>, source: string): void {
    if (this.ctx.isAgent && assigned.has('GUARD_INTERNAL_TOKEN')) {
      this.report(makeVerdict('deny', 'guard-self', 'an agent sets GUARD_INTERNAL_TOKEN, which marks ref updates as guard\'s own', source));
    }
  }

  /** cd, export, unset, read ...: what changes the shell for the commands that follow. */
  private builtinEffects(argv: Field[], state: ShellState, stdin: Stdin, source: string, ifsAssigned = false): Outcome {
    const unchanged: Outcome = { succ: state.cwds, fail: state.cwds, stdout: null };
    const name = argv[0]?.value;
    if (name === null || name === undefined) return unchanged;
    this.noteCopies(argv, state, stdin, source);
    const args = argv.slice(1);
    switch (name) {
      case 'cd':
      case 'pushd': {
        const operands = args.filter((a) => !(a.value !== null && /^-[LPe@]+$/.test(a.value)));
        const target = operands[0];
        let next: Cwds;
        if (!target) next = [this.ctx.home ?? null];
        else if (target.value === '-' || target.value === null) next = [null];
        else next = state.cwds.map((cwd) => resolvePath(target.value, cwd));
        return { succ: union([], next), fail: state.cwds, stdout: null };
      }
      case 'popd':
        return { succ: [null], fail: state.cwds, stdout: null };
      case 'set':
        setErrexit(args, state);
        return unchanged;
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly': {
        const exported = name === 'export' || args.some((a) => a.value !== null && /^-\w*x/.test(a.value));
        for (const arg of args) {
          if (arg.value === null) {
            // `export P=$(cat .git/guard/watcher.pid)`: set, to a value guard cannot know.
            const unknown = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg.display);
            if (unknown) state.vars.set(unknown[1] as string, { value: null, exported, origin: provenance(arg.display, state) });
            continue;
          }
          const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/s.exec(arg.value);
          if (!match) continue;
          const varName = match[1] as string;
          if (this.ctx.isAgent && varName === 'GUARD_INTERNAL_TOKEN') this.checkAssignments(new Map([[varName, null]]), argv.map((a) => a.display).join(' '));
          const before = state.vars.get(varName);
          // `export X=~/.ssh`: bash expands an unquoted `~` right after the `=` of a declaration's assignment, as in `X=~/.ssh`
          // (since 2026-12-08, holes8: the value was the literal `~/.ssh`, a path in the working directory, and `rm -rf $X` free)
          const tilde = match[2] !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=~(?:\/|$)/.test(arg.display) && /^~(?:\/|$)/.test(match[2]);
          const value = match[2] === undefined ? (before?.value ?? null) : tilde ? (this.ctx.home ? this.ctx.home + match[2].slice(1) : null) : match[2];
          state.vars.set(varName, { value, exported: exported || (before?.exported ?? false) });
        }
        return unchanged;
      }
      case 'unset':
        for (const arg of args) if (arg.value !== null && !arg.value.startsWith('-')) state.vars.delete(arg.value);
        return unchanged;
      case 'read':
      case 'mapfile':
      case 'readarray':
      {
        const names = args.filter((arg) => arg.value !== null && /^[A-Za-z_]\w*$/.test(arg.value));
        // `read [-r] f` from a listing's lines (not -d/-a/-n/-N, not two variables, not mapfile):
        // f is one line the listing prints, and an in-place edit of "$f" is judged by its set.
        const oneLine = name === 'read' && names.length === 1 && stdin.kind === 'text' && stdin.listing && !stdin.listing.nul && args.every((arg) => arg.value !== null && (arg === names[0] || arg.value === '-r'));
        const listing = oneLine && stdin.kind === 'text' ? stdin.listing : undefined;
        // `read [-r] b` from `git branch` lines: b is one line less its blanks (the name, or `* NAME`);
        // not with an IFS of the line's (`IFS=' -' read b` makes `  main-` main) or a function named read
        const branchLine = name === 'read' && !ifsAssigned && !state.vars.has('IFS') && !this.sink.functions.has('read') && names.length === 1 && stdin.kind === 'text' && stdin.branches && args.every((arg) => arg.value !== null && (arg === names[0] || arg.value === '-r'));
        const branches = branchLine && stdin.kind === 'text' ? stdin.branches : undefined;
        for (const arg of names) state.vars.set(arg.value as string, { value: null, exported: false, ...(stdinOrigin(stdin) ? { origin: stdinOrigin(stdin) } : {}), ...(listing ? { listing } : {}), ...(branches ? { branches } : {}) });
        return unchanged;
      }
      case 'echo':
        return { ...unchanged, stdout: echoOutput(args) };
      case 'printf':
        return { ...unchanged, stdout: printfOutput(args) };
      case 'cat': {
        if (args.every((a) => a.value === '-') && stdin.kind === 'text') return { ...unchanged, stdout: stdin.text };
        // `cat a.sql b.sql`: named files only (no option, no `-`), in the one directory the shell is in
        const cwd = state.cwds.length === 1 ? (state.cwds[0] ?? null) : null;
        const files = args.every((a) => a.value !== null && a.value !== '-' && !a.value.startsWith('-')) ? args.map((a) => resolvePath(a.value, cwd)) : [];
        return files.length > 0 && files.every((f) => f !== null) ? { ...unchanged, files: files as string[] } : unchanged;
      }
      default:
        return unchanged;
    }
  }

  // ---------------------------------------------------------------- redirections

  /** Checks what the redirections write; returns what the command reads on stdin. */
  private redirects(list: Redirect[], state: ShellState, stdin: Stdin, source: string, emptyOutput = false, copies = false): Stdin {
    let input = stdin;
    const env = this.expandEnv(state);
    const writes: string[] = [];
    const whole: string[] = []; // written from the start by stdout (`> file`): what `cat` copies there
    for (const redirect of list) {
      const op = redirect.op;
      if (redirect.heredoc) {
        const doc = redirect.heredoc;
        const text = doc.bodyWord ? expandSingle(doc.bodyWord, env).value : doc.body;
        if (redirect.fd === null || redirect.fd === 0) input = { kind: 'text', text, from: 'a heredoc' };
        continue;
      }
      const target = redirect.target ? expandSingle(redirect.target, env) : knownField('');
      if (op === '<<<') {
        if (redirect.fd === null || redirect.fd === 0) input = { kind: 'text', text: target.value === null ? null : `${target.value}\n`, from: 'a here-string' };
        continue;
      }
      if (op === '<') {
        if (redirect.fd === null || redirect.fd === 0) input = isStdinPath(target.value) ? input : { kind: 'file', from: target.display, path: target.value };
        continue;
      }
      if (op === '<&' || (op === '>&' && target.value !== null && /^(\d+|-)$/.test(target.value))) {
        if (op === '<&' && (redirect.fd === null || redirect.fd === 0) && target.value !== '0') input = { kind: 'text', text: null, from: `file descriptor ${target.display}` };
        continue;
      }
      // >, >>, >|, &>, &>>, <>, >&file: a write. `> file` and `: > file` only empty the file.
      if (target.value !== null) writes.push(target.value);
      if (target.value !== null && (op === '>' || op === '>|') && (redirect.fd === null || redirect.fd === 1)) whole.push(target.value);
      const truncates = emptyOutput && (op === '>' || op === '>|') && (redirect.fd === null || redirect.fd === 1);
      for (const cwd of state.cwds) {
        const verdict = truncates
          ? checkTruncateTarget(target, cwd, this.ctx, source, 'the redirection empties')
          : checkWriteTarget(target, cwd, this.ctx, source, `redirects output to ${target.display}`, { append: op === '>>' || op === '&>>' || op === '<>' });
        if (verdict) this.report(verdict);
      }
    }
    // What the command writes there comes from its words and its stdin: `cat .git/guard/watcher.pid > /tmp/p`.
    if (writes.length > 0) {
      const origin = this.contentOrigin(source, state, input);
      for (const file of writes) noteWritten(state, file, origin);
      // `cat > x.sh <<'EOF' ... EOF`: the file holds the heredoc's text, judged if the line runs it (script-files.ts).
      if (copies && input.kind === 'text' && input.text !== null) for (const file of whole) noteWrittenText(state, file, input.text);
    }
    return input;
  }

  /**
   * Where what a command writes comes from, for ShellState.written: its text with the origins of
   * its variables and of the files it reads, where its stdin comes from, and guard's directory
   * when it runs there (`cd .git/guard && cp watcher.pid /tmp/p`).
   */
  private contentOrigin(source: string, state: ShellState, stdin: Stdin): string {
    const inGuardDir = state.cwds.some((cwd) => cwd !== null && [this.ctx.commonDir, this.ctx.gitDir].some((dir) => dir && isUnder(cwd, `${dir}/guard`)));
    return joinOrigins(provenance(`${source}\n${stdinOrigin(stdin)}`, state), inGuardDir ? "(run in guard's directory)" : '');
  }

  /** Files a copying command writes (cp, mv, ln, install, tee, dd of=), as written. */
  private noteCopies(argv: Field[], state: ShellState, stdin: Stdin, source: string): void {
    const files = copiedTo(argv);
    if (files.length === 0) return;
    const origin = this.contentOrigin(source, state, stdin);
    for (const file of files) noteWritten(state, file, origin);
    // Where mv moves files to: a later deletion there in the line takes them (targets.ts movedThereFirst).
    const view = this.ctx.view;
    if (argv[0]?.value === 'mv' && view) {
      for (const file of files) for (const cwd of state.cwds) {
        const abs = resolvePath(file, cwd);
        if (abs !== null) view.movedInto.add(abs);
      }
    }
  }
}

/**
 * The files cp/mv/ln/install (the destination, and the destination joined with each source's
 * name in case it is a directory), tee (every operand) and dd (of=) write. An over-estimate is
 * fine: a file only matters if a later command reads a pid from it.
 */
function copiedTo(argv: Field[]): string[] {
  const name = argv[0]?.value;
  const args = argv.slice(1);
  const known = args.map((a) => a.value).filter((v): v is string => v !== null);
  switch (name) {
    case 'tee':
      return known.filter((v) => !v.startsWith('-'));
    case 'dd':
      return known.filter((v) => v.startsWith('of=')).map((v) => v.slice(3));
    case 'cp':
    case 'mv':
    case 'ln':
    case 'install': {
      let target: string | null = null;
      const operands: string[] = [];
      for (let i = 0; i < known.length; i++) {
        const value = known[i] as string;
        if (value === '-t' || value === '--target-directory') target = known[++i] ?? null;
        else if (value.startsWith('--target-directory=')) target = value.slice('--target-directory='.length);
        else if (/^-t./.test(value)) target = value.slice(2);
        else if (!value.startsWith('-')) operands.push(value);
      }
      const dest = target ?? operands.pop();
      if (dest === undefined || dest === null) return [];
      return [...(target === null ? [dest] : []), ...operands.map((source) => path.posix.join(dest, path.posix.basename(source)))];
    }
    default:
      return [];
  }
}

/**
 * Is `abs` a directory, by the state view's read of it (no git): a read that finds nothing there
 * says no, a file's text says no, and a read refused (a directory cannot be read as a file) says
 * yes; null while collecting (the next pass knows). A file over the read limit or unreadable is
 * taken for a directory: `cd` into it fails, which the idioms this serves do not meet.
 */
function isDirectory(ctx: CommandContext, abs: string): boolean | null {
  // A query with no name: found where abs is a directory (util/nearest-file.ts directoryAt).
  const found = ctx.view?.file({ dir: abs, name: '', up: false });
  if (found === undefined || found === null) return null;
  return found !== 'missing';
}

/** The real path (symlinks resolved) of the directory at abs; null where it is none or guard cannot say. */
function realDirectory(ctx: CommandContext, abs: string): string | null {
  const found = ctx.view?.file({ dir: abs, name: '', up: false });
  return found === undefined || found === null || found === 'missing' ? null : found.path;
}

/**
 * Where the existing file abs leads, every symlink resolved (`readlink -f FILE`): the state view's
 * read of it (FoundFile.real, realpath(3); no git); null where no file is there or guard cannot
 * read it (a directory, over the read limit), or while collecting (the next pass knows).
 */
function realPathOf(ctx: CommandContext, abs: string): string | null {
  const found = ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  return found && found !== 'missing' ? (found.real ?? null) : null;
}

/**
 * What `git rev-parse --show-toplevel` prints in `cwd` (inside this worktree): the nearest
 * directory from cwd up to the worktree's root that holds a `.git` (a nested repository or a
 * submodule is its own top), by the state view's reads (no git process). Null outside the
 * worktree, or while collecting.
 */
function worktreeTop(ctx: CommandContext, cwd: string): string | null {
  const root = ctx.repoRoot;
  if (!root || !ctx.view || !isUnder(cwd, root)) return null;
  for (let dir = cwd; dir !== root; dir = path.posix.dirname(dir)) {
    const found = ctx.view.file({ dir, name: '.git', up: false });
    if (found === undefined) return null;
    if (found !== 'missing') return dir;
  }
  return root;
}

/**
 * The branch this worktree has checked out, for a cwd in it (not in a nested repository): HEAD's
 * `ref: refs/heads/NAME`, read through the state view (so a kept answer is dropped when HEAD moves).
 * Null while collecting, detached, or where HEAD is a reftable stand-in (`refs/heads/.invalid`,
 * the branch is in the reftable) or anything else guard cannot read.
 */
function checkedOutBranch(ctx: CommandContext, cwd: string): string | null {
  if (!ctx.gitDir || worktreeTop(ctx, cwd) !== ctx.repoRoot) return null;
  const found = ctx.view?.file({ dir: ctx.gitDir, name: 'HEAD', up: false });
  if (!found || found === 'missing') return null;
  const name = /^ref: refs\/heads\/(.+)\n?$/.exec(found.text)?.[1];
  return name === undefined || name === '.invalid' ? null : name;
}

/**
 * Is `name` a local branch now (refs/heads/NAME loose in the common git dir, or in packed-refs),
 * read through the state view (no git process)? False only where both reads say so; a name git
 * would read otherwise (`@{-1}`, `HEAD`, an option), a symbolic ref, a reftable repository (its
 * refs are in no file here), a read guard cannot make or one still being collected: false, so
 * the branch switched to stays unknown.
 */
function localBranchExists(ctx: CommandContext, name: string): boolean {
  const common = ctx.commonDir ?? ctx.gitDir;
  if (!common || !ctx.view || !/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(name) || name.includes('..') || name.includes('//') || name.endsWith('/') || name.endsWith('.lock') || name === 'HEAD') return false;
  const full = path.posix.join(common, 'refs/heads', name);
  const loose = ctx.view.file({ dir: path.posix.dirname(full), name: path.posix.basename(full), up: false });
  if (loose === undefined || loose === null) return false;
  if (loose !== 'missing') return /^[0-9a-f]{40}([0-9a-f]{24})?\n?$/.test(loose.text);
  const packed = ctx.view.file({ dir: common, name: 'packed-refs', up: false });
  if (!packed || packed === 'missing') return false;
  return packed.text.split('\n').some((line) => /^[0-9a-f]{40}([0-9a-f]{24})? /.test(line) && line.slice(line.indexOf(' ') + 1) === `refs/heads/${name}`);
}

/** `cat` or `cat -` alone: what it writes to stdout is its stdin, byte for byte. */
function copiesStdin(argv: Field[]): boolean {
  return argv[0]?.value === 'cat' && argv.slice(1).every((a) => a.value === '-');
}

/** How much ShellState.written holds: origins only grow, so any new write changes it. */
function writtenFootprint(state: ShellState): number {
  let size = 0;
  for (const [key, origin] of state.written) size += key.length + origin.length;
  return size;
}

/** A command whose output is provably empty: none at all (`> f`), `:`, `true`, `echo -n`, `printf ''`, `cat /dev/null`. */
function writesNothing(argv: Field[]): boolean {
  const name = argv[0]?.value;
  if (argv.length === 0) return true;
  if (name === ':' || name === 'true') return argv.length === 1;
  if (name === 'echo') return echoOutput(argv.slice(1)) === '';
  if (name === 'printf') return printfOutput(argv.slice(1)) === '';
  if (name === 'cat') return argv.length > 1 && argv.slice(1).every((a) => a.value === '/dev/null');
  return false;
}

function isStdinPath(value: string | null): boolean {
  return value === '/dev/stdin' || value === '/dev/fd/0' || value === '/proc/self/fd/0';
}

function sourceOf(command: Command): string {
  return command.source;
}

function echoOutput(args: Field[]): string | null {
  let newline = true;
  let escapes = false;
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined || !/^-[neE]+$/.test(value)) break;
    if (value.includes('n')) newline = false;
    if (value.includes('e')) escapes = true;
    if (value.includes('E')) escapes = false;
  }
  const rest = args.slice(i);
  if (rest.some((a) => a.value === null)) return null;
  const text = rest.map((a) => a.value as string).join(' ');
  return (escapes ? decodeAnsiC(text) : text) + (newline ? '\n' : '');
}

function printfOutput(args: Field[]): string | null {
  if (args.some((a) => a.value === null) || args.length === 0) return null;
  const [format, ...rest] = args.map((a) => a.value as string) as [string, ...string[]];
  if (/%(?!%|s|b)/.test(format.replace(/%%/g, ''))) return null;
  const decoded = decodeAnsiC(format);
  let out = '';
  let index = 0;
  do {
    out += decoded.replace(/%%|%s|%b/g, (directive) => {
      if (directive === '%%') return '%';
      const value = rest[index++] ?? '';
      return directive === '%b' ? decodeAnsiC(value) : value;
    });
  } while (index < rest.length && /%[sb]/.test(decoded));
  // Bytes from the format and from the values join into one name (`printf '\303%s' $'\251'` is é).
  return escapedText(escapedBytes(out));
}
