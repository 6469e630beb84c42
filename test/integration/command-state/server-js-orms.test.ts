/**
 * Drizzle Kit and TypeORM against a database server (src/policy/command/server-frameworks-js.ts):
 * `drizzle-kit push --force` (data-loss statements without the question) and TypeORM's
 * `schema:drop` / `schema:sync` were "allow: no destructive command found" until 2026-12-06
 * (late) while `prisma db push --accept-data-loss` was refused. Read from drizzle.config.ts's
 * `dialect` and the data source's `type`, as the tools load them; a SQLite project stays
 * databases.ts's (its file captured first). Judged in this process (test/helpers/evaluated.ts),
 * the first row through `guard check-command`.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const FILES: Record<string, string> = {
  // the URL before the dialect on one line: a `//` in a string is no comment
  'api/drizzle.config.ts': "import { defineConfig } from 'drizzle-kit';\n// dialect: 'sqlite' (before the move to Neon)\nexport default defineConfig({ dbCredentials: { url: 'postgres://app@db/app' }, dialect: 'postgresql', schema: './src/schema.ts' });\n",
  'api/src/data-source.ts': "import { DataSource } from 'typeorm';\nexport const AppDataSource = new DataSource({\n  type: 'postgres',\n  url: process.env.DATABASE_URL,\n  entities: ['src/entity/*.ts'],\n});\n",
  'local/drizzle.config.js': "// production: dialect: 'postgresql'\nmodule.exports = { dialect: 'sqlite', dbCredentials: { url: 'file:local.db' }, schema: './schema.js' };\n",
  'local/data-source.ts': "export default new DataSource({ type: 'better-sqlite3', database: 'local.db' });\n",
  'legacy/drizzle.config.ts': "export default { driver: 'pg', schema: './schema.ts', dbCredentials: { connectionString: process.env.DATABASE_URL } };\n",
};

const ROWS: EvaluatedRow[] = [
  ['cd api && npx drizzle-kit push --force', 'deny', 'remote-data-delete', ['drizzle-kit push --force', 'postgresql', 'drizzle.config.ts']],
  ['npx drizzle-kit push --force --config api/drizzle.config.ts', 'deny', 'remote-data-delete', ['postgresql']],
  ['cd legacy && npx drizzle-kit push:pg --force', 'deny', 'remote-data-delete', ['pg server']],
  ['cd api && npx drizzle-kit push', 'allow', 'no-risk'],
  ['cd api && npx drizzle-kit generate', 'allow', 'no-risk'],
  ['cd local && npx drizzle-kit push --force', 'allow', 'no-risk'],
  ['cd api && npx typeorm schema:drop -d src/data-source.ts', 'deny', 'remote-data-delete', ['drops every table', 'postgres']],
  ['cd api && npx typeorm-ts-node-commonjs schema:sync -d ./src/data-source.ts', 'deny', 'remote-data-delete', ['schema:sync']],
  ['cd api && npx typeorm-ts-node-esm migration:revert -d src/data-source.ts', 'allow', 'no-risk'],
  ['cd api && npx typeorm migration:run -d src/data-source.ts', 'allow', 'no-risk'],
  ['cd local && npx typeorm schema:drop -d data-source.ts', 'allow', 'no-risk'],
];

describe('Drizzle Kit and TypeORM against a server', () => {
  it('refuses push --force and schema:drop|sync where the configuration names a server; SQLite and the migrations stay free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, FILES);
      expect(checkVerdict(t, ROWS[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, ROWS[0]![0], { asAgent: true }));
      await expectEvaluatedTable(t, ROWS);
      expect(checkVerdict(t, ROWS[0]![0], { asAgent: true }).instead).toContain('pg_dump');
    });
  });
});
