/**
 * The environment a framework's drop or reset runs in, where the line starts a new process or a
 * container: `RAILS_ENV=test; bash -c 'bin/rails db:reset'` was judged as test, while the new
 * shell gets only exported variables and runs rails in development, dropping the PostgreSQL
 * database (evaluate.ts Evaluator.inherited); a subshell `( )` / `$( )` is a fork and keeps them.
 * `docker compose run|exec SERVICE`'s container gets the service's `environment:` and `env_file:`
 * (interpolated from the line's exports and `.env`, or compose's `--env-file`), `docker run
 * --env-file F` its file (container-env.ts): only `-e K=V` was read before. Real files in a real
 * repository, judged by the agent hook's one evaluation (evaluateCommand) in process; one line
 * through the real `guard check-command` and one through the installed Claude hook.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, useDefaultPolicy } from '../../helpers/repo-steps.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

const FILES: Record<string, string> = {
  'config/database.yml': 'development:\n  adapter: postgresql\n  database: app_development\ntest:\n  adapter: postgresql\n  database: app_test\nproduction:\n  adapter: postgresql\n  database: app\n',
  'bin/rails': '#!/usr/bin/env ruby\n',
  'reset.sh': 'bin/rails db:reset\n',
  'package.json': '{"scripts": {"reset": "bin/rails db:reset"}}\n',
  'compose.yaml': [
    'services:',
    '  web:',
    '    build: .',
    '    environment:',
    '      RAILS_ENV: test',
    '  worker:',
    '    build: .',
    '    env_file: .env.docker',
    '  api:',
    '    build: .',
    '    environment:',
    '      - RAILS_ENV=${APP_ENV:-development}',
    '  db:',
    '    image: postgres:16',
    '',
  ].join('\n'),
  '.env.docker': '# the test database\nRAILS_ENV=test\n',
  '.env.prod': 'RAILS_ENV=production\n',
  '.env.ci': 'APP_ENV=test\n',
};

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  useDefaultPolicy(t);
  commitFiles(t, FILES);
}, 60_000);
afterAll(() => t?.cleanup());

/** Each row's verdict; the rule follows from it (remote-data-delete for a refusal). */
async function expectVerdicts(cases: Array<[string, string, string?]>): Promise<void> {
  await expectEvaluatedVerdicts(t, cases.map(([command, verdict, named]) => [command, verdict, verdict === 'allow' ? 'no-risk' : 'remote-data-delete', named] as const));
}

describe('the environment a new process or a container gives a framework', () => {
  it('a new shell, script, package script or env -i sees only exported variables; a subshell sees all', async () => {
    await expectVerdicts([
      ["RAILS_ENV=test; bash -c 'bin/rails db:reset'", 'deny', 'development'],
      ["RAILS_ENV=test; sh -c 'bin/rails db:reset'", 'deny', 'development'],
      ['RAILS_ENV=test; bash reset.sh', 'deny', 'run by `bash reset.sh`'],
      ['RAILS_ENV=test; npm run reset', 'deny', 'development'],
      ["RAILS_ENV=test; bash -c 'export RAILS_ENV; bin/rails db:reset'", 'deny', 'development'],
      ['RAILS_ENV=test; (bin/rails db:reset)', 'deny', 'development'],
      ['export RAILS_ENV=test; env -i bin/rails db:reset', 'deny', 'development'],
      ['export RAILS_ENV=test; env -u RAILS_ENV bash reset.sh', 'deny', 'development'],
      ["export RAILS_ENV=test; bash -c 'bin/rails db:reset'", 'allow'],
      ["RAILS_ENV=test bash -c 'bin/rails db:reset'", 'allow'],
      ['set -a; RAILS_ENV=test; bash reset.sh', 'allow'],
      ['RAILS_ENV=test; env RAILS_ENV=test bash reset.sh', 'allow'],
      ["RAILS_ENV=test; (export RAILS_ENV; bash -c 'bin/rails db:reset')", 'allow'],
      ['RAILS_ENV=test; echo "$(export RAILS_ENV; bin/rails db:reset)"', 'allow'],
    ]);
  });

  it("a container gets the compose service's environment and env files, and docker's --env-file", async () => {
    await expectVerdicts([
      ['docker compose exec web bin/rails db:reset', 'allow'],
      ['docker compose run --rm worker bin/rails db:reset', 'allow'],
      ['docker compose exec -e RAILS_ENV=development web bin/rails db:reset', 'deny', 'development'],
      // `${APP_ENV:-development}`: from the line's exports, else compose's --env-file (or .env), else the default
      ['docker compose exec api bin/rails db:reset', 'deny', 'development'],
      ['docker compose --env-file .env.ci exec api bin/rails db:reset', 'allow'],
      ['APP_ENV=test docker compose exec api bin/rails db:reset', 'allow'],
      ['APP_ENV=test; docker compose exec api bin/rails db:reset', 'deny', 'development'],
      ['docker compose -f compose.yaml exec worker sh -c "bin/rails db:reset"', 'allow'],
      ['docker run --rm --env-file .env.docker app bin/rails db:reset', 'allow'],
      ['docker run --rm --env-file .env.prod app bin/rails db:reset', 'deny', 'production'],
      ['docker run --rm --env-file .env.docker -e RAILS_ENV=production app bin/rails db:reset', 'deny', 'production'],
      ['docker exec --env-file .env.docker app bin/rails db:reset', 'allow'],
    ]);
  });

  it('the real check-command and the installed Claude hook refuse the child shell that drops development', () => {
    useInstalledHook();
    expect(checkVerdict(t, "RAILS_ENV=test; bash -c 'bin/rails db:reset'", { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete' });
    expect(agentVerdict(t, 'RAILS_ENV=test; bash reset.sh').decision).toBe('deny');
  });
});

function useInstalledHook(): void {
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}
