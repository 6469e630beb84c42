/**
 * Node frameworks whose CLI runs database commands of its own (realproj8, 2026-12-08; each was
 * "no destructive command found" on a clone of a real project):
 *
 * - RedwoodJS (redwoodjs/example-blog): `yarn rw prisma migrate reset` is Prisma's own, run by
 *   Redwood's CLI from the project's root with the schema under api/db. judged as `prisma ARGS
 *   --schema api/db/schema.prisma` (the SQLite `api/db/dev.db` captured first; a server's
 *   datasource refused), unless the line names a schema.
 * - AdonisJS (filipebraida/adonisjs-starter-kit): `node ace migration:fresh|reset|rollback|refresh`,
 *   `db:wipe`, `db:truncate` (Lucid) drop tables or rows of the connection config/database.ts
 *   names; `migration:run` and `db:seed` write rows. Judged as artisan's are (databases.ts
 *   migrationChanges 'ace', server-frameworks-js.ts adonis).
 * - Medusa (medusajs/medusa-starter-default): `medusa db:rollback` reverts module migrations and
 *   `db:sync-links --execute-all` drops link tables, always on PostgreSQL (Medusa 2 has no other
 *   database): refused (server-frameworks-js.ts medusa).
 */
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import type { Invocation, Runtime } from './runtime.js';
import { readAt } from './server-frameworks.js';

/**
 * The arguments `rw prisma ARGS` hands Prisma: ARGS with `--schema` of the Redwood project's
 * api/db/schema.prisma (redwood.toml marks the project's root, looked for from the line's
 * directory up); ARGS as typed where they name a schema; null where no redwood.toml is found
 * (then the line is not judged as Prisma's: guard would not know which schema).
 */
export function redwoodPrismaArgs(inv: Invocation, args: Field[], rt: Runtime): Field[] | null {
  if (args.some((a) => a.value === '--schema' || a.value?.startsWith('--schema='))) return args;
  if (inv.cwd === null) return null;
  const toml = readAt(rt, inv.cwd, 'redwood.toml', true);
  if (!toml || toml === 'missing') return null;
  return [...args, knownField('--schema'), knownField(`${path.posix.dirname(toml.path)}/api/db/schema.prisma`)];
}
