/**
 * Code that runs later than where it is written: a shell function's body (at each call) and a
 * trap's handler (at the exit, or a signal). Before 2026-12-05 both were judged once, with the
 * shell's state where they were written, so `d=/tmp/x; f() { rm -rf "$d"; }; d=/usr/lib; f`,
 * `cleanup() { rm -rf lib; }; cd /usr; cleanup` and `trap 'rm -rf "$d"' EXIT; d=/usr/lib` were
 * "allow" where `rm -rf /usr/lib` typed is denied: the call ran with other values.
 *
 * A call may come after any later command, so the body is judged again with the state after
 * every command that changes what it depends on: the directories the shell may be in, the
 * positional parameters (a trap's), the variables the body names (`$d`, `${d:-x}`; every
 * variable where it uses `${!ref}` or eval), and the exported variables guard's rules read
 * (RULE_ENV: what the programs it runs inherit). Each distinct state is judged once; past MAX_STATES the body is judged once
 * more with all of those unknown, and then no more. The body of a function is also judged again
 * when a later function is defined, so that the calls it makes to that one are seen with the
 * state they make (`f() { d=/usr/lib; g; }; g() { rm -rf "$d"; }`).
 *
 * A function's positional parameters are its call's arguments, which guard does not follow to
 * the body: `$1` there is unknown (a script's own `$1` is not what a function sees).
 */
import type { ShellState, ShellVar } from './expand.js';

/** Distinct states one body is judged for before the rest count as unknown. */
const MAX_STATES = 24;

export interface LaterBody {
  /** Judges the body as if it ran in this state (on a copy: nothing it does leaks back). */
  judge(state: ShellState): void;
  /** Variables the body reads by name; 'all' where it may read any (`${!ref}`, eval). */
  names: ReadonlySet<string> | 'all';
  /** The body as written (which functions it may call). */
  source: string;
  /** A function's name; absent for a trap's handler (which may fire anywhere, also inside a function). */
  name?: string;
  /** The states judged so far (stateKey). */
  seen: Set<string>;
  /** Judged with everything unknown: nothing more to do. */
  saturated: boolean;
}

/** The names a body reads (`$name`, `${name...}`, `${#name}`), or 'all' for an indirect read. */
export function namesRead(source: string): ReadonlySet<string> | 'all' {
  if (/\$\{!|\beval\b/.test(source)) return 'all';
  const names = new Set<string>();
  for (const match of source.matchAll(/\$\{?#?([A-Za-z_][A-Za-z0-9_]*)/g)) names.add(match[1] as string);
  // `[[ -n x ]]`, `(( n > 1 ))`, `${a[i]}`: arithmetic reads names without a `$`; count every word there.
  if (/\(\(|\$\[|\[[A-Za-z_]/.test(source)) for (const match of source.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) names.add(match[0]);
  return names;
}

function shownVar(variable: ShellVar | undefined): string {
  if (!variable) return '-';
  // An unknown value is judged the same whatever it came from (its origin only names it in messages).
  return `${variable.exported ? 'x' : ''}${variable.value === null ? '?' : `=${variable.value}`}`;
}

/** What a body's verdicts depend on in this state, as one string. */
function stateKey(body: LaterBody, state: ShellState, exportedKey: string): string {
  // A function's positional parameters are its call's (unknown): only a trap's handler reads the shell's.
  const positional = body.name !== undefined ? '' : state.positional ? state.positional.map((p) => p ?? '\u0000?').join('\u0000') : '\u0000none';
  const parts = [state.cwds.map((c) => c ?? '\u0000?').join('\u0000'), positional, exportedKey];
  if (body.names === 'all') {
    for (const [name, variable] of state.vars) parts.push(`${name}${shownVar(variable)}`);
  } else {
    for (const name of body.names) parts.push(`${name}${shownVar(state.vars.get(name))}`);
  }
  return parts.join('\u0001');
}

/**
 * The exported variables the command guard's own rules read (git's, guard's, the shell's and
 * make's environment): a body's programs inherit them. Other exported variables count where the
 * body names them; a child script reading one the body does not name is judged with the values
 * of the states met for other reasons (a documented limit: jq's tests/shtest exports JQ_COLORS
 * six times over, and each would be one more judgement of every function).
 */
const RULE_ENV = /^(?:GIT_\w*|GUARD_\w*|HOME|PATH|TMPDIR|CDPATH|PWD|OLDPWD|SHELL|BASH_ENV|ENV|MAKEFLAGS|MAKEFILES|MFLAGS|GNUMAKEFLAGS)$/;

function exportedKeyOf(state: ShellState): string {
  const parts: string[] = [];
  for (const [name, variable] of state.vars) if (variable.exported && RULE_ENV.test(name)) parts.push(`${name}${shownVar(variable)}`);
  return parts.join('\u0001');
}

/** The state with everything a body may depend on unknown. */
function unknownState(body: LaterBody, state: ShellState): ShellState {
  const vars = new Map(state.vars);
  const names = body.names === 'all' ? [...state.vars.keys()] : [...body.names];
  for (const name of names) vars.set(name, { value: null, exported: state.vars.get(name)?.exported ?? false, origin: `$${name}, set anywhere in the line` });
  for (const [name, variable] of state.vars) if (variable.exported && RULE_ENV.test(name)) vars.set(name, { value: null, exported: true, origin: `$${name}, set anywhere in the line` });
  return { ...state, cwds: [null], vars, positional: null };
}

/**
 * Judges every body again that the state makes new (force: even where judged before, as after a
 * new function is defined). Called after each pipeline (evaluate.ts andOr).
 */
export function recheckLater(bodies: readonly LaterBody[], state: ShellState, force = false): void {
  if (bodies.length === 0) return;
  const exportedKey = exportedKeyOf(state);
  // A body's judgement may define more bodies: only the ones there now.
  for (const body of bodies.slice()) {
    if (body.saturated) continue;
    const key = stateKey(body, state, exportedKey);
    if (!force && body.seen.has(key)) continue;
    body.seen.add(key);
    if (body.seen.size > MAX_STATES) {
      body.saturated = true;
      body.judge(unknownState(body, state));
    } else body.judge(state);
  }
}
