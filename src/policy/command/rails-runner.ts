/**
 * Rails' own commands that run code or clear files, beside its `db:` tasks (server-frameworks.ts,
 * databases.ts) and a project's rake tasks (rake-tasks.ts). Until 2026-12-07 these were "no
 * destructive command found" on codetriage/CodeTriage (PostgreSQL):
 *
 * - `rails runner CODE` (`rails r`, `bin/rails`, `bundle exec`; `-e ENV`): the Ruby code given
 *   inline, in a file (as Rails reads it: a word naming an existing file is that file, read up to
 *   SCRIPT_TEXT_LIMIT), or `-` (stdin), judged with a rake task body's vocabulary
 *   (rake-tasks.ts railsCodeEffect): a delete refused on a server database, any effect on rows
 *   capturing the file databases first, a read (`puts User.count`) free. The code's own shell and
 *   file calls are judged as `ruby -e` code is (scripts.ts); code guard cannot see (`"$CODE"`) is
 *   opaque, as for `ruby -e`.
 *
 * `rails log:clear` and `rails tmp:clear` stay free, by choice (docs/DECISIONS.md): they exist to
 * drop logs and caches that have grown past use, and judging them as the typed `: > log/*.log`
 * (a capture first) refused them (capture-too-large) for exactly the 300 MB development.log they
 * are run for.
 */
import type { Field } from './expand.js';
import { railsCodeEffect } from './rake-tasks.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { readRunFile, SCRIPT_TEXT_LIMIT } from './script-files.js';
import { judgeRubyCode } from './scripts.js';
import type { DataEffect } from './data-effect.js';

/** Options of `rails runner` that take a value. */
const RUNNER_VALUE_OPTIONS = new Set(['-e', '--environment']);

/** The code `rails runner` runs: text and how to name it, 'unseen' (a word or stdin guard cannot see), or null (not a runner line, nothing to read). */
export function runnerCode(inv: Invocation, args: Field[], rt: Runtime): { code: string; where: string; fromFile: boolean } | 'unseen' | null {
  const at = args.findIndex((a) => a.value === null || !a.value.startsWith('-'));
  const command = args[at]?.value;
  if (command !== 'runner' && command !== 'r') return null;
  let operand: Field | undefined;
  for (let i = at + 1; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === '-h' || value === '--help') return null;
    if (value !== null && value !== undefined && RUNNER_VALUE_OPTIONS.has(value)) {
      i++;
      continue;
    }
    if (value !== null && value !== undefined && value.startsWith('-') && value !== '-') continue;
    operand = args[i];
    break;
  }
  if (operand === undefined) return null;
  const value = operand.value;
  if (value === null) return 'unseen';
  if (value === '-') {
    if (inv.stdin.kind !== 'text') return null;
    return inv.stdin.text === null ? 'unseen' : { code: inv.stdin.text, where: 'code from stdin', fromFile: false };
  }
  // Rails: a word naming an existing file runs that file, any other is the code
  const found = /[\s(){};'"]/.test(value) ? 'missing' : readRunFile(inv, value, rt);
  if (found === 'missing') return { code: value, where: 'code', fromFile: false };
  if (!found || found.text.length > SCRIPT_TEXT_LIMIT || found.text.includes('\0')) return null;
  return { code: found.text, where: value, fromFile: true };
}

/** What the runner's code does to the database, for the server half (databases.ts). */
export function runnerEffect(inv: Invocation, args: Field[], rt: Runtime): DataEffect | null {
  const code = runnerCode(inv, args, rt);
  if (code === null || code === 'unseen') return null;
  return railsCodeEffect(rt, inv.cwd, code.code, code.where);
}

/**
 * `rails runner`: its code's shell and file calls judged (opaque where guard cannot see it).
 * Returns the code's effect on the database for databases.ts to judge, or null.
 */
export function classifyRailsRunner(inv: Invocation, args: Field[], rt: Runtime): DataEffect | null {
  const code = runnerCode(inv, args, rt);
  if (code === null) return null;
  if (code === 'unseen') {
    reportOpaque(rt, 'rails runner runs Ruby code guard cannot see before it runs', inv.source);
    return null;
  }
  judgeRubyCode(inv, rt, code.code, `rails runner ${code.where}`, code.fromFile);
  return railsCodeEffect(rt, inv.cwd, code.code, code.where);
}
