/**
 * A Mix project's own aliases (mix.exs `defp aliases`), which `mix setup` and `mix ecto.setup`
 * run by name. hexpm's README starts with `mix setup`: its `setup` runs `ecto.setup`, which runs
 * `ecto.reset`, which starts with `ecto.drop`, so the development PostgreSQL database is dropped,
 * while Phoenix's generated `ecto.setup` (create, migrate, seed) drops nothing. The name alone
 * cannot tell them apart; until 2026-12-07 (found by the second real-projects hunt) `mix setup`
 * was free on both and `mix ecto.reset` typed was refused.
 *
 * Read without evaluating Elixir: the `aliases` function's keyword list, each key (`setup:`,
 * `"ecto.setup":`) with a string or a list of strings; a task is each string's first word (and
 * each task of a `do a, b` string). Anything else in a list (`&fun/1`, a variable) is a task
 * guard cannot see and is left out: what it runs is not judged, as before. An alias is followed
 * ALIAS_DEPTH deep; one that names itself runs Mix's own task of that name, as Mix does.
 */

/** Options of Mix's Ecto tasks that take the next word as their value (not a task). */
export const MIX_VALUE_OPTIONS: readonly string[] = ['-r', '--repo', '--to', '--step', '-n'];

/** How deep aliases are followed (setup -> ecto.setup -> ecto.reset -> ecto.drop is 3). */
const ALIAS_DEPTH = 5;

/** A task the line runs, with the aliases it came through (`[]` for one typed on the line). */
export interface MixTask {
  task: string;
  /** The whole string the alias gives it (`ecto.rollback --all`), or the task typed. */
  text: string;
  via: string[];
}

/** The body of mix.exs's `aliases` function, or null where there is none. */
function aliasesBody(code: string): string | null {
  const start = /\bdefp?\s+aliases\b[^\n]*\n/.exec(code);
  if (!start) return null;
  const rest = code.slice(start.index + start[0].length);
  const end = /\n\s*defp?\s/.exec(rest);
  return end ? rest.slice(0, end.index) : rest;
}

/** The string literals of `list` (from its `[`), up to the matching `]`; null where it does not close. */
function stringsOfList(text: string, open: number): string[] | null {
  const out: string[] = [];
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      if (close < 0) return null;
      if (depth === 1) out.push(text.slice(i + 1, close));
      i = close;
    } else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) return out;
  }
  return null;
}

/** Alias name -> the strings it runs, from mix.exs's text (comments already stripped or not). */
export function mixAliases(mixExs: string): Map<string, string[]> {
  const aliases = new Map<string, string[]>();
  const body = aliasesBody(mixExs.replace(/#.*$/gm, ''));
  if (body === null) return aliases;
  for (const m of body.matchAll(/(?:"([\w.:-]+)"|\b([a-z_][\w.]*[?!]?)):\s*(\[|")/g)) {
    const name = (m[1] ?? m[2]) as string;
    const at = (m.index as number) + m[0].length - 1;
    if (m[3] === '"') {
      const close = body.indexOf('"', at + 1);
      if (close > at) aliases.set(name, [body.slice(at + 1, close)]);
    } else {
      const strings = stringsOfList(body, at);
      if (strings !== null) aliases.set(name, strings);
    }
  }
  return aliases;
}

/** The tasks one alias string runs: its first word, or each task of `do a, b` / `do a + b`. */
function tasksOfString(text: string): string[] {
  const words = text.trim().split(/\s+/);
  if (words[0] !== 'do') return words[0] ? [words[0]] : [];
  return words.slice(1).join(' ').split(/\s*[,+]\s*/).map((part) => part.split(/\s+/)[0] as string).filter(Boolean);
}

/**
 * The tasks `typed` runs through the project's aliases: each typed task, and where it is an alias
 * each task that alias runs (depth first, ALIAS_DEPTH deep), the alias names themselves included.
 * `test` is not followed: Mix runs it in the test environment, whose database the tests own.
 */
export function expandMixTasks(typed: readonly string[], aliases: Map<string, string[]>): MixTask[] {
  const out: MixTask[] = [];
  const walk = (task: string, text: string, via: string[]): void => {
    out.push({ task, text, via });
    const strings = aliases.get(task);
    if (!strings || task === 'test' || via.includes(task) || via.length >= ALIAS_DEPTH) return;
    for (const s of strings) {
      for (const inner of tasksOfString(s)) {
        // An alias naming itself runs Mix's own task of that name.
        if (inner === task) out.push({ task: inner, text: s, via: [...via, task] });
        else walk(inner, s, [...via, task]);
      }
    }
  };
  for (const task of typed) walk(task, task, []);
  return out;
}

/** `mix setup (setup -> ecto.setup -> ecto.reset)` for a task reached through aliases; `mix TASK` for one typed. */
export function mixTaskLabel(found: MixTask): string {
  if (found.via.length === 0) return `mix ${found.task}`;
  return `mix ${found.via[0]} (an alias in mix.exs: ${[...found.via, found.task].join(' -> ')})`;
}
