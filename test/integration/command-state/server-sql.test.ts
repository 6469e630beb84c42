/**
 * SQL sent to a database server from a file, a pipe or a heredoc (src/policy/command/server-sql.ts,
 * remote-data.ts): `psql -f drop.sql`, `mysql app < reset.sql`, `cat x.sql | psql` were "allow: no
 * destructive command found" until 2026-12-06 while the rows they delete are on a server no
 * snapshot holds. The files are real files in the repository, read by guard before the command;
 * no server is needed (guard runs no client).
 */
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict, expectAgentVerdicts, type VerdictCase } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

/** A dump restore with its data (COPY lines that look like SQL are data), a schema, and files that delete. */
const FILES: Record<string, string> = {
  'db/schema.sql': 'CREATE TABLE users (id int, note text);\nINSERT INTO users VALUES (1, \'DROP TABLE users\');\n-- DROP TABLE users;\n',
  'db/restore.sql': '\\connect app\nSET client_encoding = \'UTF8\';\nCOPY public.users (id, note) FROM stdin;\n1\tDELETE FROM users;\n\\.\nSELECT 1;\n',
  'db/drop.sql': 'BEGIN;\nDROP TABLE IF EXISTS sessions;\nCOMMIT;\n',
  'db/reset.sql': '/* wipe */ DELETE\n  FROM events;\n',
  'db/prune.sql': 'DELETE FROM events WHERE created_at < now() - interval \'30 days\';\n',
  'db/truncate.sql': 'truncate table `events`;\n',
};

describe('SQL a server client reads from a file, a pipe or a heredoc', () => {
  it('refuses the files that delete rows, asks for what guard cannot read, leaves schema files free', async () => {
    await withTestRepo((t) => {
      commitFiles(t, FILES);
      // an ignored one over the 1 MiB guard reads: a dump (no DROP in the part read or not, guard cannot say)
      writeFiles(t, { '.gitignore': 'big.sql\n', 'big.sql': `${'INSERT INTO t VALUES (1);\n'.repeat(45_000)}` });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const cases: VerdictCase[] = [
        ['psql -f db/drop.sql', 'deny', 'remote-data-delete', ['DROP TABLE', 'db/drop.sql']],
        ['psql -h db -U app --file=db/reset.sql app', 'deny', 'remote-data-delete', 'DELETE FROM without WHERE'],
        ['psql app < db/truncate.sql', 'deny', 'remote-data-delete', 'TRUNCATE'],
        ['mysql -u root app < db/drop.sql', 'deny', 'remote-data-delete', 'db/drop.sql'],
        ['mariadb app < db/reset.sql', 'deny', 'remote-data-delete', 'DELETE FROM'],
        ['cat db/schema.sql db/drop.sql | psql app', 'deny', 'remote-data-delete', 'drop.sql'],
        ['cd db && psql -f drop.sql', 'deny', 'remote-data-delete', 'DROP TABLE'],
        ["mysql app -e 'source db/truncate.sql'", 'deny', 'remote-data-delete', 'TRUNCATE'],
        ["psql -c '\\i db/drop.sql'", 'deny', 'remote-data-delete', 'DROP TABLE'],
        ['psql -f db/schema.sql', 'allow', 'no-risk'],
        ['psql -f db/restore.sql app', 'allow', 'no-risk'],
        ['mysql app < db/prune.sql', 'allow', 'no-risk'],
        ['cat db/schema.sql | psql', 'allow', 'no-risk'],
        ['psql -f db/missing.sql', 'ask', 'remote-data-delete', 'db/missing.sql'],
        ['psql app < big.sql', 'ask', 'remote-data-delete', 'big.sql'],
        ['gunzip -c dump.sql.gz | psql app', 'ask', 'remote-data-delete', 'gunzip'],
      ];
      expectAgentVerdicts(t, cases);
      // the way forward names a readable file and a dump first
      expect(checkVerdict(t, 'psql -f db/missing.sql', { asAgent: true }).instead).toContain('pg_dump');
      // a person is asked about what deletes, and left free where guard cannot read the SQL
      expect(checkVerdict(t, 'psql -f db/drop.sql')).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
      expect(checkVerdict(t, 'psql app < big.sql')).toMatchObject({ verdict: 'allow' });
      // through the installed Claude hook (the sh shim hands psql on to Node)
      expect(agentVerdict(t, 'psql app < db/drop.sql').decision).toBe('deny');
      expect(agentVerdict(t, 'psql -f db/schema.sql').decision).toBe('allow');
    });
  });
});
