/**
 * Ecto's drops of a database server: `mix ecto.drop`, `mix ecto.reset` (Phoenix's alias: drop,
 * create, migrate, seed), `mix ecto.rollback --all`, also inside `mix do a, b`. A new Phoenix
 * project's repository is PostgreSQL (`mix phx.new`'s default), so these empty a server no
 * snapshot reaches; until 2026-12-06 they were only the capture of file databases
 * (framework-migrations.ts, databases.ts).
 *
 * Which database: the adapter's driver among mix.exs's dependencies (postgrex, myxql, tds are
 * servers; ecto_sqlite3 and exqlite a file), read from the directory mix runs in; the environment
 * MIX_ENV on the line, else dev. The test environment is free, as Rails' is (every `mix test`
 * drops and loads it through the sandbox). Where mix.exs names both kinds or neither (an umbrella
 * project's root, whose apps hold the dependencies), the command is left as before.
 */
import type { Field } from './expand.js';
import { operandWords, optionValue } from './gnu-args.js';
import type { Invocation, Runtime } from './runtime.js';
import { environmentsOf, moreThanOne, readAt, unseenProject } from './server-frameworks.js';
import { expandMixTasks, MIX_VALUE_OPTIONS, mixAliases, mixTaskLabel, type MixTask } from './mix-aliases.js';

const SERVER_DRIVERS = /\{\s*:(postgrex|myxql|tds)\b/;
const FILE_DRIVERS = /\{\s*:(ecto_sqlite3|exqlite|ecto_sqlite)\b/;

/** `mix ecto.drop` and its kin against a server: what it does, or null. */
export function ecto(inv: Invocation, args: Field[], rt: Runtime): string | null {
  if (args.some((a) => a.value === '--help' || a.value === '-h')) return null;
  const typed = operandWords(args, MIX_VALUE_OPTIONS).map((w) => w.replace(/,$/, ''));
  const all = args.some((a) => a.value === '--all');
  // Mix.Tasks.Ecto.Rollback: one migration by default; `--step N` / `-n N` the last N, `--to V` every one after V
  // (ecto_sql's lib/mix/tasks/ecto.rollback.ex): more than one is judged as --all is (docs/DECISIONS.md)
  const to = optionValue(args, ['--to']);
  const step = optionValue(args, ['--step', '-n']);
  const partial = to !== undefined ? `--to ${to ?? 'V'}` : moreThanOne(step) ? `--step ${step ?? 'N'}` : null;
  // on another machine: its mix.exs and config are there, unseen
  const remote = unseenProject(inv, args);
  const found = remote === undefined && inv.cwd !== null ? readAt(rt, inv.cwd, 'mix.exs') : undefined;
  const code = found === undefined || found === null || found === 'missing' ? null : found.text.replace(/#.*$/gm, '');
  // The project's aliases followed (mix-aliases.ts): hexpm's `mix setup` reaches `ecto.drop`.
  const tasks = expandMixTasks(typed, code === null ? new Map() : mixAliases(code));
  const rollsBack = (t: MixTask): boolean => t.task === 'ecto.rollback' && (t.via.length === 0 ? all || partial !== null : /\s(--all|--to|--step\s+([2-9]|\d\d)|-n\s+([2-9]|\d\d))\b/.test(` ${t.text}`));
  const hit = tasks.find((t) => t.task === 'ecto.drop' || rollsBack(t)) ?? tasks.find((t) => t.task === 'ecto.reset');
  if (hit === undefined) return null;
  const environments = environmentsOf(inv, args, ['MIX_ENV'], 'dev').filter((e) => e !== 'test');
  if (environments.length === 0) return null;
  const label = mixTaskLabel(hit);
  const what = hit.task !== 'ecto.rollback' ? `${label} drops` : hit.via.length > 0 ? `${label} reverts more than one migration (dropping what they made) of` : all ? 'mix ecto.rollback --all reverts every migration of' : `mix ecto.rollback ${partial} reverts more than one migration (dropping what they made) of`;
  if (remote !== undefined) return `${what} ${remote}`;
  if (code === null) return null;
  const driver = SERVER_DRIVERS.exec(code)?.[1];
  if (driver === undefined || FILE_DRIVERS.test(code)) return null;
  const server = driver === 'postgrex' ? 'PostgreSQL' : driver === 'myxql' ? 'MySQL' : 'SQL Server';
  const env = environments.map((e) => e ?? 'configured').join(' or ');
  return `${what} the ${env} database, on a ${server} server (${driver} in mix.exs)`;
}
