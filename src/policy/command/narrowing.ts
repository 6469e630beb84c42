/**
 * Tests that tell a maybe-empty variable (ShellVar.nonEmpty: `d=$(mktemp -d -t x.XXXXXX ||
 * true)`) is not empty, so that where the test holds the variable is the name mktemp made. jq's
 * tests/setup (run by every test driver) makes its temp directory that way, stops with `if [ -z
 * "$d" ]; then ... exit 1; fi` and cleans it in `elif [ -n "$d" ]; then rm -rf "$d"`: before
 * 2026-12-05 `./tests/shtest` asked about `rm -rf "$d"` in every jq checkout. Without the test,
 * the variable stays unknown: `rm -rf "$d"/*` with d empty is `rm -rf /*`.
 *
 * Understood: `[ -n "$d" ]`, `test -n "$d"`, `[ "$d" ]`, `[ -d|-e|-f|-s "$d" ]` (true only for a
 * non-empty name), `[ -z "$d" ]` (its failure), `!` in front swapping them. The word must be
 * quoted: `[ -n $d ]` with d empty is `[ -n ]`, which is true.
 */
import type { Pipeline, Script, SimpleCommand, Word } from './ast.js';
import { cloneState, type ShellState, type ShellVar } from './expand.js';

export interface EmptinessTest {
  name: string;
  /** The value it has where it is not empty. */
  value: string;
  /** Where the variable is not empty: when the test succeeds, or when it fails. */
  when: 'succ' | 'fail';
}

const NON_EMPTY_WHEN_TRUE = new Set(['-n', '-d', '-e', '-f', '-s']);

/** The maybe-empty variable `word` is, quoted and alone (`"$d"`, `"${d}"`), or null. */
function maybeEmptyVar(word: Word | undefined, state: ShellState): [string, ShellVar] | null {
  const part = word?.parts.length === 1 ? word.parts[0] : undefined;
  if (!part || part.kind !== 'param' || !part.quoted || part.op !== '' || part.arg !== null || part.length || part.indirect || part.subscript !== undefined || part.zsh !== undefined) return null;
  const variable = state.vars.get(part.name);
  return variable && variable.value === null && variable.nonEmpty !== undefined ? [part.name, variable] : null;
}

/** What a pipeline that is one test command says of a maybe-empty variable, or null. */
export function emptinessTest(pipeline: Pipeline | undefined, state: ShellState, functions: ReadonlySet<string>): EmptinessTest | null {
  const command = pipeline && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (!command || command.type !== 'simple' || command.assigns.length > 0 || command.redirects.length > 0) return null;
  let words = command.words.map((w) => w);
  const name = words[0]?.text;
  if (name === '[') {
    if (words[words.length - 1]?.text !== ']') return null;
    words = words.slice(1, -1);
  } else if (name === 'test') words = words.slice(1);
  else return null;
  if (functions.has(name)) return null;
  let negated = pipeline?.negated ?? false;
  if (words[0]?.text === '!' && words.length > 1) {
    negated = !negated;
    words = words.slice(1);
  }
  let when: 'succ' | 'fail';
  let operand: Word | undefined;
  if (words.length === 1) [when, operand] = ['succ', words[0]];
  else if (words.length === 2 && NON_EMPTY_WHEN_TRUE.has(words[0]?.text ?? '')) [when, operand] = ['succ', words[1]];
  else if (words.length === 2 && words[0]?.text === '-z') [when, operand] = ['fail', words[1]];
  else return null;
  const found = maybeEmptyVar(operand, state);
  if (!found) return null;
  if (negated) when = when === 'succ' ? 'fail' : 'succ';
  return { name: found[0], value: found[1].nonEmpty as string, when };
}

/** The test a script of one test command is (an `if`'s condition), or null. */
export function conditionTest(script: Script | undefined, state: ShellState, functions: ReadonlySet<string>): EmptinessTest | null {
  const item = script?.items.length === 1 ? script.items[0] : undefined;
  if (!item || item.background || item.andOr.pipelines.length !== 1) return null;
  return emptinessTest(item.andOr.pipelines[0], state, functions);
}

/** Does the script always end the shell (its last command `exit` or `return`, unconditionally)? */
export function endsShell(script: Script | undefined): boolean {
  const last = script?.items[script.items.length - 1];
  if (!last || last.background || last.andOr.pipelines.length !== 1) return false;
  const command = last.andOr.pipelines[0]?.commands.length === 1 ? last.andOr.pipelines[0].commands[0] : undefined;
  return command?.type === 'simple' && command.assigns.length === 0 && ['exit', 'return'].includes(command.words[0]?.text ?? '');
}

/**
 * Sets the variable to its non-empty value; the returned function puts the maybe-empty one back
 * (unless a command since assigned the variable something else).
 */
export function narrow(state: ShellState, test: EmptinessTest): () => void {
  const before = state.vars.get(test.name);
  if (!before) return () => undefined;
  const { nonEmpty: _dropped, ...rest } = before;
  const narrowed: ShellVar = { ...rest, value: test.value };
  state.vars.set(test.name, narrowed);
  return () => {
    if (state.vars.get(test.name) === narrowed) state.vars.set(test.name, before);
  };
}

/** Maybe-empty variables one command may be judged with each way (2 variables: 4 judgements). */
const MAX_FORKED = 2;

/**
 * Without a test, a maybe-empty variable is one of two values: the command runs with the name,
 * or with nothing (`rm -rf "$d"` is then `rm -rf ""`, which deletes nothing). The states to
 * judge a command in, one per combination of the maybe-empty variables its words, assignments
 * and redirections name directly (`"$d"`, `$d/x`, `${d}`; not inside another expansion's word,
 * which stays unknown), or null when it names none or too many. Each state's verdict is a way
 * the command really runs, so the line takes the strictest: `rm -rf "$d"/*` with d empty is
 * `rm -rf /*`.
 */
export function valueStates(command: SimpleCommand, state: ShellState): Array<{ state: ShellState; empty: string[] }> | null {
  const names = new Set<string>();
  const words: Array<Word | null | undefined> = [...command.words, ...command.assigns.map((a) => a.value), ...command.redirects.map((r) => r.target)];
  for (const word of words) {
    for (const part of word?.parts ?? []) {
      if (part.kind !== 'param' || part.length || part.indirect || part.subscript !== undefined) continue;
      const variable = state.vars.get(part.name);
      if (variable && variable.value === null && variable.nonEmpty !== undefined) names.add(part.name);
    }
  }
  if (names.size === 0 || names.size > MAX_FORKED) return null;
  let forks = [{ state, empty: [] as string[] }];
  for (const name of names) {
    forks = forks.flatMap((from) => {
      const { nonEmpty, ...rest } = from.state.vars.get(name) as ShellVar;
      return [nonEmpty as string, ''].map((value) => {
        const fork = cloneState(from.state);
        fork.vars.set(name, { ...rest, value });
        return { state: fork, empty: value === '' ? [...from.empty, name] : from.empty };
      });
    });
  }
  return forks;
}
