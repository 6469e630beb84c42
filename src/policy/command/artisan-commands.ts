/**
 * A Laravel project's own artisan commands (`php artisan app:reset`), read from their source in
 * app/Console/Commands/*.php: the class whose `$signature` (or `$name`) starts with the command's
 * name. Until 2026-12-07 only Laravel's own `migrate:fresh`, `db:wipe` ... were judged
 * (server-frameworks-php.ts), so a project's `app:reset` that runs `$this->call('migrate:fresh')`
 * or `User::truncate()` was "no destructive command found". Judged as Django's project commands
 * are (django-commands.ts):
 *
 * - `delete`: `$this->call('migrate:fresh'|'db:wipe'|'migrate:reset'|'migrate:refresh')` (also
 *   `callSilent(ly)`, `Artisan::call`), `->delete()`, `truncate()`, `forceDelete()`,
 *   `Schema::drop`, SQL that drops, truncates or deletes;
 * - `write`: `migrate`, `db:seed`, `::create(`, `->save()`, `->update(`, `->insert(`,
 *   `updateOrCreate(` ...;
 * - the project's own commands it calls followed, COMMAND_DEPTH deep. File reads only.
 *
 * Not read: closure commands in routes/console.php (`Artisan::command('x', fn ...)`), services the
 * command resolves from the container (docs/command-guard.md, Known limits).
 */
import { ARTISAN_DROPS } from './server-frameworks-php.js';
import type { Runtime } from './runtime.js';
import { codeEffect, codePatterns, StrongestEffect, type DataEffect } from './data-effect.js';
import { readAt } from './server-frameworks.js';


const COMMAND_DEPTH = 3;
const MAX_FILES = 60;

/** Eloquent's and the query builder's deletes and writes (data-effect.ts adds the SQL literals). */
const PATTERNS = codePatterns(
  String.raw`->(?:delete|forceDelete|truncate)\(\s*\)|::(?:truncate|destroy)\(|Schema::drop(?:IfExists|AllTables)?\(`,
  String.raw`::(?:create|insert|updateOrCreate|firstOrCreate|upsert|factory)\(|->(?:save|update|insert|upsert|increment|decrement|create)\(`,
);

/** What `artisan NAME` does where NAME is a command of the project's app/Console/Commands, or null. `root`: the directory artisan is in. */
export function artisanCommandEffect(name: string, rt: Runtime, root: string): DataEffect | null {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || !/^[\w:-]+$/.test(name)) return null;
  const commands = projectCommands(rt, root);
  if (commands === null) return null;
  return commandEffect(commands, name, 0, new Set());
}

/** The project's commands by name: their file and code; null where the directory cannot be listed. */
function projectCommands(rt: Runtime, root: string): Map<string, { file: string; code: string }> | null {
  const dir = `${root}/app/Console/Commands`;
  const names = rt.ctx.view?.fileNames(dir);
  if (names === undefined || names === null || names === 'missing') return null;
  const out = new Map<string, { file: string; code: string }>();
  for (const abs of names.filter((n) => n.endsWith('.php')).sort().slice(0, MAX_FILES)) {
    const base = abs.slice(abs.lastIndexOf('/') + 1);
    const found = readAt(rt, dir, base);
    if (!found || found === 'missing') continue;
    const code = found.text.replace(/^\s*(?:\/\/|#).*$/gm, '');
    const signature = /\$(?:signature|name)\s*=\s*(['"])\s*([\w:-]+)/.exec(code)?.[2];
    if (signature !== undefined && !out.has(signature)) out.set(signature, { file: `app/Console/Commands/${base}`, code });
  }
  return out;
}

function commandEffect(commands: Map<string, { file: string; code: string }>, name: string, depth: number, seen: Set<string>): DataEffect | null {
  if (seen.has(name)) return null;
  seen.add(name);
  const command = commands.get(name);
  if (command === undefined) return null;
  const where = `${name} (${command.file})`;
  const strongest = new StrongestEffect();
  const take = (found: DataEffect | null): void => strongest.take(found);
  take(codeEffect(command.code, where, PATTERNS));
  for (const call of command.code.matchAll(/(?:\$this->call(?:Silent(?:ly)?)?|Artisan::call)\(\s*(['"])([\w:-]+)/g)) {
    const called = call[2] as string;
    const typed = `call('${called}')`;
    if (ARTISAN_DROPS.includes(called) || called === 'migrate:rollback') take({ effect: 'delete', why: `${where} runs \`${typed}\`` });
    else if (/^(migrate|db:seed|migrate:install)$/.test(called)) take({ effect: 'write', why: `${where} runs \`${typed}\`` });
    else if (depth + 1 < COMMAND_DEPTH) {
      const inner = commandEffect(commands, called, depth + 1, seen);
      if (inner) take({ effect: inner.effect, why: `${where} runs \`${typed}\`, and ${inner.why}` });
    }
  }
  return strongest.best;
}
