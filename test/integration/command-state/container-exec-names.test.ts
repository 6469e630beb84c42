/**
 * `docker exec CONTAINER CMD` of a running container (container-names.ts, container-run.ts):
 * until 2026-12-06 CMD's file operations were not judged at all, so `docker exec repo-web-1 rm
 * -rf /app/src` was "allow: no-risk" while the container bind-mounts the repository
 * (`volumes: [.:/app]`) and deletes its files, untracked work included, with no snapshot first.
 * Now a container named as compose names a service's (v2 `<project>-<service>-<n>`, v1
 * `<project>_<service>_<n>`, a `run` container, `container_name:`; the project from
 * COMPOSE_PROJECT_NAME, else `name:`, else the directory) is that service, judged as `docker
 * compose exec SERVICE CMD`; a container guard cannot name (another project's, `$(docker ps -q)`)
 * may show the repository anywhere, so what CMD deletes or overwrites is a snapshot first
 * (`container-unknown-mounts`) and its `/` the repository's root. Real compose files in a real
 * repository, judged by the agent hook's one evaluation in process; one line through the real
 * `guard check-command`, one through the installed Claude hook and its sh shim. No docker runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { commitFiles, useDefaultPolicy } from '../../helpers/repo-steps.js';
import { checkVerdict, hookWithVerdict, type VerdictCase } from '../../helpers/verdicts.js';

const FILES: Record<string, string> = {
  // the repository's directory is `repo`: the project `repo`
  'compose.yaml': [
    'services:',
    '  web:',
    '    image: ruby:3.3',
    '    working_dir: /app',
    '    volumes: [.:/app]',
    '    environment:',
    '      RAILS_ENV: test',
    '  worker:',
    '    image: ruby:3.3',
    '    container_name: acme-worker',
    '    volumes: [.:/srv]',
    '  docs:',
    '    image: nginx',
    '    volumes: [./docs:/usr/share/nginx/html:ro]',
    '  db:',
    '    image: postgres:16',
    '    volumes: [pgdata:/var/lib/postgresql/data]',
    'volumes:',
    '  pgdata: {}',
    '',
  ].join('\n'),
  'config/database.yml': 'development:\n  adapter: postgresql\n  database: app_development\ntest:\n  adapter: postgresql\n  database: app_test\n',
  'src/app.rb': 'puts 1\n',
  'docs/index.html': '<p>docs</p>\n',
  'storage/cache.txt': 'x\n',
  // `name:` (normalised: `storefront`) names the project, not the directory (`shopfront`); docker-compose v1 reads no `name:`
  'Shop.Front/compose.yaml': 'name: StoreFront\nservices:\n  app:\n    image: php:8\n    volumes: [.:/var/www]\n',
  'Shop.Front/assets/logo.svg': '<svg/>\n',
  // COMPOSE_PROJECT_NAME in the project's .env wins over `name:`
  'api/compose.yaml': 'name: api-named\nservices:\n  api:\n    image: node:20\n    volumes: [./src:/app/src]\n',
  'api/.env': 'COMPOSE_PROJECT_NAME=backend\n',
  'api/src/server.js': 'x\n',
};

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  useDefaultPolicy(t);
  commitFiles(t, FILES);
  t.write('src/draft.rb', 'untracked work\n');
}, 60_000);
afterAll(() => t?.cleanup());

describe('docker exec of a running container', () => {
  it("judges a compose service's container as `docker compose exec SERVICE`, through its bind mounts", async () => {
    const cases: VerdictCase[] = [
      ['docker exec repo-web-1 rm -rf /app/src', 'snapshot', 'rm-in-repo', ['src', 'the container repo-web-1 (the compose service web)', 'where /app is .']],
      ['docker exec repo_web_1 rm -f /app/src/draft.rb', 'snapshot', 'rm-in-repo', 'src/draft.rb'],
      ['docker exec repo-web-2 rm -rf src', 'snapshot', 'rm-in-repo', 'src'],
      ['docker exec repo-web-run-3f2c9a1b7d4e rm -rf /app/storage', 'snapshot', 'rm-in-repo', 'storage'],
      ['docker exec acme-worker rm -rf /srv/src', 'snapshot', 'rm-in-repo', ['src', 'compose service worker']],
      ['podman exec acme-worker rm -rf /srv/src', 'snapshot', 'rm-in-repo', 'src'],
      // the line's -w, over the service's working_dir
      ['docker exec -w /app/src repo-web-1 rm -f draft.rb', 'snapshot', 'rm-in-repo', 'src/draft.rb'],
      ["docker exec -w /app repo-web-1 sh -c 'rm -rf storage/*'", 'snapshot', 'rm-in-repo', 'storage'],
      ['docker exec -it repo-web-1 rm -rf /', 'deny', 'rm-repo-root'],
      // a read-only bind is the container's own; a named volume holds data no snapshot has (as for `docker compose exec`)
      ['docker exec repo-docs-1 rm -rf /usr/share/nginx/html/index.html', 'allow', 'no-risk'],
      ['docker exec repo-db-1 rm -rf /var/lib/postgresql/data', 'deny', 'container-volume-delete'],
      ['docker exec repo-web-1 rm -rf /tmp/cache', 'allow', 'no-risk'],
      // the service's environment reaches the command: RAILS_ENV=test
      ['docker exec repo-web-1 bin/rails db:reset', 'allow', 'no-risk'],
      ['docker exec -e RAILS_ENV=development repo-web-1 bin/rails db:reset', 'deny', 'remote-data-delete', 'development'],
      // COMPOSE_PROJECT_NAME the line exports names the project
      ['export COMPOSE_PROJECT_NAME=ci; docker exec ci-web-1 rm -rf /app/src', 'snapshot', 'rm-in-repo', 'compose service web'],
      ['export COMPOSE_PROJECT_NAME=ci; docker exec repo-web-1 rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
    ];
    await expectEvaluatedVerdicts(t, cases);
    // `name:` over the directory (v2), the directory for v1; the project's .env over `name:`
    await expectEvaluatedVerdicts(t, [
      ['docker exec storefront-app-1 rm -rf /var/www/assets', 'snapshot', 'rm-in-repo', 'Shop.Front/assets'],
      ['docker exec shopfront_app_1 rm -rf /var/www/assets', 'snapshot', 'rm-in-repo', 'Shop.Front/assets'],
      ['docker exec shopfront-app-1 rm -rf /var/www/assets', 'snapshot', 'container-unknown-mounts'],
    ], { cwd: `${t.dir}/Shop.Front` });
    await expectEvaluatedVerdicts(t, [
      ['docker exec backend-api-1 rm -rf /app/src/server.js', 'snapshot', 'rm-in-repo', 'api/src/server.js'],
      ['docker exec api-named-api-1 rm -rf /app/src/server.js', 'snapshot', 'container-unknown-mounts'],
    ], { cwd: `${t.dir}/api/src` });
  });

  it('takes a snapshot before what a container it cannot name deletes; everyday exec lines stay free', async () => {
    await expectEvaluatedVerdicts(t, [
      ['docker exec otherproj-web-1 rm -rf /app/src', 'snapshot', 'container-unknown-mounts', ['`rm -rf /app/src`', 'the container otherproj-web-1', 'mounts are unknown']],
      ["docker exec -w /app web sh -c 'rm -rf storage/*'", 'snapshot', 'container-unknown-mounts', '`rm -rf storage/*`'],
      ['docker exec $(docker ps -qf name=web) rm -rf /app/src', 'snapshot', 'container-unknown-mounts', 'named by $(docker ps -qf name=web)'],
      ['docker exec web find /app -name "*.log" -delete', 'snapshot', 'container-unknown-mounts'],
      ['docker exec web rm -rf /', 'deny', 'rm-repo-root', "the container's /"],
      ["docker exec web sh -c 'rm -rf /*'", 'deny', 'rm-repo-root', "the container's /"],
      ["docker exec web sh -c 'cd / && rm -rf app'", 'snapshot', 'container-unknown-mounts'],
      ['docker exec web ls -la /app', 'allow', 'no-risk'],
      ['docker exec -it web bash', 'allow', 'no-risk'],
      ['docker exec web npm test', 'allow', 'no-risk'],
      ['docker exec -it repo-web-1 bash', 'allow', 'no-risk'],
      ['docker compose exec web npm test', 'allow', 'no-risk'],
      // the data rules as before: the container's environment is unknown, development is judged
      ['docker exec web bin/rails db:reset', 'deny', 'remote-data-delete', 'development'],
    ]);
  });

  it('the real check-command and the installed Claude hook (through its sh shim) judge them', () => {
    expect(checkVerdict(t, 'docker exec repo-web-1 rm -rf /app/src', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    guardOk(t, ['init', '--yes', '--agents', 'claude']);
    const hook = hookWithVerdict(t, "docker exec -w /app web sh -c 'rm -rf storage/*'");
    expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'container-unknown-mounts' });
  });
});
