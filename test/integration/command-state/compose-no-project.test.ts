/**
 * `docker compose down -v` where compose finds no project (container-volumes.ts
 * composeFindsNoProject): no file named on the line, no COMPOSE_FILE / COMPOSE_PROJECT_NAME, no
 * compose file in the working directory or above it. compose stops with "no configuration file
 * provided" and deletes nothing, so it is not refused (found on ardalis/CleanArchitecture, which
 * has none). A compose file anywhere compose looks, a project named by `-p`, `-f` or the
 * environment: refused as before (volumes outside every snapshot).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, installedClaudeHook } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('docker compose down -v where compose finds no project', () => {
  it('is free (compose fails, deleting nothing); refused once a compose file or a project name is in reach', async () => {
    await withTestRepo(async (t) => {
      t.write('src/app.cs', 'x\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      expect(checkVerdict(t, 'docker compose down -v', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      await expectEvaluatedTable(t, [
        ['docker compose down -v', 'allow', 'no-risk'],
        ['docker-compose down -v --remove-orphans', 'allow', 'no-risk'],
        ['cd src && docker compose rm -fsv', 'allow', 'no-risk'],
        // a project compose can find without a file here: by name, by a file the line or the environment names
        ['docker compose -p app down -v', 'deny', 'container-volume-delete'],
        ['docker compose --project-name=app down -v', 'deny', 'container-volume-delete'],
        ['docker compose -f ../deploy/compose.yaml down -v', 'deny', 'container-volume-delete'],
        ['COMPOSE_FILE=../deploy/compose.yaml docker compose down -v', 'deny', 'container-volume-delete'],
        ['export COMPOSE_PROJECT_NAME=app; docker compose down -v', 'deny', 'container-volume-delete'],
        ['docker volume rm app_db-data', 'deny', 'container-volume-delete'],
        // not compose: the engine's containers and volumes, with no file to find
        ['docker rm -f -v web', 'deny', 'container-volume-delete'],
        ['docker container rm -v web', 'deny', 'container-volume-delete'],
        ['podman rm -v web', 'deny', 'container-volume-delete'],
      ]);
      // through the installed hook: allowed, and the answer may be kept for the sh fast path...
      expect(installedClaudeHook(t, 'docker compose down -v')).toMatchObject({ decision: 'allow' });
      expect(installedClaudeHook(t, 'docker compose down -v')).toMatchObject({ decision: 'allow' });
      t.write('.env', 'COMPOSE_PROJECT_NAME=app\n');
      // ...only until what it read changes: a .env naming the project
      expect(installedClaudeHook(t, 'docker compose down -v')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('container-volume-delete') });
      await expectEvaluatedTable(t, [['docker compose down -v', 'deny', 'container-volume-delete']]);
      fs.rmSync(path.join(t.dir, '.env'));
      // a compose file in a directory above the working directory: compose finds it there
      t.write('compose.yaml', 'services:\n  db:\n    image: postgres\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data:\n');
      await expectEvaluatedTable(t, [
        ['docker compose down -v', 'deny', 'container-volume-delete'],
        ['cd src && docker compose down -v', 'deny', 'container-volume-delete'],
      ]);
      expect(installedClaudeHook(t, 'cd src && docker compose down -v')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('container-volume-delete') });
    });
  });
});
