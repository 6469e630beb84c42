/**
 * Which compose files guard reads for a `docker compose` line that names none
 * (src/policy/command/container-run.ts composeTexts), as docker compose v2 picks them
 * (cmd/compose/compose.go toProjectOptions over compose-go cli/options.go): COMPOSE_FILE from the
 * host's variables over the working directory's `.env`, else the first of compose.yaml,
 * compose.yml, docker-compose.yml, docker-compose.yaml, with the first of compose.override.yml,
 * compose.override.yaml, docker-compose.override.yml, docker-compose.override.yaml beside it,
 * whatever the main file's name. Until the night of 2026-12-06 guard paired overrides by name, preferred
 * docker-compose.yaml and read no COMPOSE_FILE: in each project here the repository's bind mount
 * is named only in the file compose reads and guard did not, and `docker compose run --rm app rm
 * -rf /app/src` (the repository's src/) was "allow: no destructive command found".
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const BARE = 'services:\n  app:\n    image: node:22\n    working_dir: /app\n';
const MOUNTED = 'services:\n  app:\n    image: node:22\n    working_dir: /app\n    volumes: [.:/app]\n';
const MOUNT_ONLY = 'services:\n  app:\n    volumes: [.:/app]\n';

function build(t: TestRepo): void {
  commitFiles(t, {
    // the override compose reads has the other family's name
    'mixed/compose.yaml': BARE,
    'mixed/docker-compose.override.yml': MOUNT_ONLY,
    'mixed/src/index.js': 'console.log(1);\n',
    // .yml before .yaml for docker-compose
    'yml/docker-compose.yml': MOUNTED,
    'yml/docker-compose.yaml': BARE,
    'yml/src/index.js': 'console.log(1);\n',
    // of two overrides, .yml first
    'twin/compose.yaml': BARE,
    'twin/compose.override.yml': MOUNT_ONLY,
    'twin/compose.override.yaml': 'services:\n  app:\n    environment: [A=1]\n',
    'twin/src/index.js': 'console.log(1);\n',
    // COMPOSE_FILE in the project's .env names the development file
    'envfile/.env': 'COMPOSE_FILE=compose.yaml:compose.dev.yaml\n',
    'envfile/compose.yaml': BARE,
    'envfile/compose.dev.yaml': MOUNT_ONLY,
    'envfile/src/index.js': 'console.log(1);\n',
    // a bind whose host side compose interpolates from a variable
    'vars/compose.yaml': 'services:\n  app:\n    image: node:22\n    volumes: ["${APP_DIR}:/app"]\n',
    'vars/src/index.js': 'console.log(1);\n',
    // interpolated as compose does: the default where APP_DIR is unset, .env's value where set
    'dflt/compose.yaml': 'services:\n  app:\n    image: node:22\n    volumes: ["${APP_DIR:-.}:/app", {type: bind, source: "${PWD}/src", target: /code}]\n',
    'dflt/src/index.js': 'console.log(1);\n',
    'dotenv/.env': 'APP_DIR=./src\n',
    'dotenv/compose.yaml': 'services:\n  app:\n    image: node:22\n    volumes: ["${APP_DIR:-/nowhere}:/app"]\n',
    'dotenv/src/index.js': 'console.log(1);\n',
    // a service from an included file, one extending another: their binds are not read
    'incl/compose.yaml': 'include:\n  - dev/compose.dev.yaml\nservices:\n  db:\n    image: postgres:16\n  web:\n    extends: {file: base.yaml, service: app}\n',
    'incl/dev/compose.dev.yaml': MOUNTED,
    'incl/base.yaml': MOUNTED,
    'incl/src/index.js': 'console.log(1);\n',
    // named volumes: a database's data, and node_modules (regenerable)
    'vol/compose.yaml': 'services:\n  db:\n    image: postgres:16\n    volumes: [pgdata:/var/lib/postgresql/data]\n  app:\n    image: node:22\n    working_dir: /app\n    volumes: [".:/app", "nm:/app/node_modules", {type: volume, source: uploads, target: /app/storage}]\nvolumes:\n  pgdata: {}\n  nm: {}\n  uploads: {}\n',
    'vol/src/index.js': 'console.log(1);\n',
    // the WORKDIR a service's container starts in: that of the stage it builds (src/policy/command/dockerfile.ts)
    'stages/compose.yaml': 'services:\n  dev:\n    build: {context: ., target: dev}\n    volumes: [.:/app]\n  multi:\n    build: {context: ., dockerfile: Dockerfile.multi}\n    volumes: [.:/app]\n  rel:\n    build: {context: ., dockerfile: Dockerfile.rel}\n    volumes: [.:/app]\n  cont:\n    build: {context: ., dockerfile: Dockerfile.cont}\n    volumes: [.:/app]\n',
    'stages/Dockerfile': 'FROM node:22 AS dev\nWORKDIR /app\nFROM nginx:1.27\nWORKDIR /usr/share/nginx/html\n',
    'stages/Dockerfile.multi': 'FROM node:22 AS build\nWORKDIR /app\nRUN npm run build\nFROM nginx:1.27\nCOPY --from=build /app/dist /usr/share/nginx/html\n',
    'stages/Dockerfile.rel': 'FROM node:22 AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n',
    'stages/Dockerfile.cont': 'FROM node:22\nWORKDIR \\\n# where compose mounts the project\n  /app\n',
    'stages/src/index.js': 'console.log(1);\n',
  });
  commitFiles(t, { '.gitignore': '.env\n' });
  writeFiles(t, { '.env': 'SECRET=1\n' });
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
}

const template = fileTemplate(build);

const RM = 'docker compose run --rm app rm -rf /app/src';

describe('the compose files a docker compose line reads', () => {
  it('are the ones docker compose v2 picks: COMPOSE_FILE, then the default names, the override by its own order', async () => {
    await template.withCopy(async (t) => {
      const at = (dir: string, rows: readonly EvaluatedRow[]) => expectEvaluatedTable(t, rows, { cwd: `${t.dir}/${dir}` });
      await at('mixed', [[RM, 'snapshot', 'rm-in-repo', ['src']]]);
      await at('yml', [[RM, 'snapshot', 'rm-in-repo', ['src']]]);
      await at('twin', [[RM, 'snapshot', 'rm-in-repo', ['src']]]);
      await at('envfile', [
        [RM, 'snapshot', 'rm-in-repo', ['src']],
        // the line's own COMPOSE_FILE wins over .env's: the base file alone mounts nothing
        [`COMPOSE_FILE=compose.yaml ${RM}`, 'allow', 'no-risk'],
        [`COMPOSE_FILE=compose.dev.yaml:compose.yaml ${RM}`, 'snapshot', 'rm-in-repo', ['src']],
        // -f wins over COMPOSE_FILE
        [`docker compose -f compose.yaml run --rm app rm -rf /app/src`, 'allow', 'no-risk'],
        // a COMPOSE_FILE or compose file guard cannot know: the mounts are unknown, what the line deletes is captured (and backed up) first
        [`COMPOSE_FILE=$F ${RM}`, 'snapshot', 'container-unknown-mounts', ['rm -rf /app/src', 'the service app, which mounts what guard cannot read']],
        ['docker compose -f "$F" run --rm app rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
        ['docker compose --project-directory $D run --rm app rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
        ['docker compose -f "$F" run --rm app npm test', 'allow', 'no-risk'],
      ]);
      await at('vars', [
        // a bind whose host side compose interpolates from a value guard cannot know: may be the repository
        [`APP_DIR="$X" ${RM}`, 'snapshot', 'container-unknown-mounts'],
        [`APP_DIR="$X" docker compose run --rm app ls /app`, 'allow', 'no-risk'],
        // unset, the bind's source is empty, which compose refuses (":/app": an empty section)
        [RM, 'allow', 'no-risk'],
      ]);
      await at('dflt', [
        [RM, 'snapshot', 'rm-in-repo', ['src', 'where /app is dflt']],
        ['docker compose run --rm app rm -rf /code/index.js', 'snapshot', 'rm-in-repo', ['src/index.js']],
        [`APP_DIR=/elsewhere ${RM}`, 'allow', 'no-risk'],
      ]);
      await at('dotenv', [['docker compose run --rm app rm -f /app/index.js', 'snapshot', 'rm-in-repo', ['src/index.js']]]);
      await at('incl', [
        [RM, 'snapshot', 'container-unknown-mounts'],
        ['docker compose run --rm web rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
        ['docker compose run --rm db rm -rf /var/lib/postgresql/data', 'allow', 'no-risk'],
        ['docker compose run --rm app npm test', 'allow', 'no-risk'],
      ]);
      // a named volume holds data no snapshot has: deleting in it is refused, as `docker volume rm` is
      await at('vol', [
        ['docker compose exec db rm -rf /var/lib/postgresql/data', 'deny', 'container-volume-delete', ['/var/lib/postgresql/data', 'the volume pgdata']],
        ['docker compose exec db sh -c "rm -rf /var/lib/postgresql/data/*"', 'deny', 'container-volume-delete', ['/var/lib/postgresql/data/*']],
        ['docker compose run --rm app rm -rf /app/storage/avatars', 'deny', 'container-volume-delete', ['the volume uploads']],
        ['docker run --rm -v pgdata:/data alpine rm -rf /data/x', 'deny', 'container-volume-delete'],
        ['docker run --rm --mount source=pgdata,target=/data alpine rm -rf /data', 'deny', 'container-volume-delete'],
        ['docker compose run --rm app rm -rf /app/node_modules', 'allow', 'no-risk'],
        ['docker compose run --rm app rm -rf /app/node_modules/.cache', 'allow', 'no-risk'],
        ['docker compose exec db ls /var/lib/postgresql/data', 'allow', 'no-risk'],
        ['docker compose exec db rm -rf /tmp/x', 'allow', 'no-risk'],
        ['docker run --rm -v pgdata:/data:ro alpine rm -rf /data/x', 'allow', 'no-risk'],
        ['docker compose run --rm app rm -rf /app/src', 'snapshot', 'rm-in-repo', ['src']],
      ]);
      // The working directory a Dockerfile gives (one reader, dockerfile.ts, since the night of 2026-12-06;
      // before, the last WORKDIR line of the file, whatever its stage, one split over lines not read):
      await at('stages', [
        // build.target's stage, not the last one
        ['docker compose run --rm dev rm -rf src', 'snapshot', 'rm-in-repo', ['src', 'where /app is stages']],
        // an earlier stage's WORKDIR is not the final image's (nginx's own: the container's tree)
        ['docker compose run --rm multi rm -rf src', 'allow', 'no-risk'],
        // a stage FROM an earlier one keeps its WORKDIR; a relative one is under it (/app/src)
        ['docker compose run --rm rel rm -f index.js', 'snapshot', 'rm-in-repo', ['src/index.js']],
        // continued on the next line, past a comment line
        ['docker compose run --rm cont rm -rf src', 'snapshot', 'rm-in-repo', ['src']],
      ]);
      expect((await evaluatedVerdict(t, 'docker compose exec db rm -rf /var/lib/postgresql/data', { asAgent: true, cwd: `${t.dir}/vol` })).instead).toContain('-v pgdata:/v');
      // docker run's own -v / --mount with a host side guard cannot read
      await at('yml', [
        ['docker run --rm -v "$SRC":/app node rm -rf /app/src', 'snapshot', 'container-unknown-mounts', ['a container of node, which mounts what guard cannot read']],
        ['docker run --rm -v $SRC:/app node rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
        ['docker run --rm --mount type=bind,src=$S,dst=/app node rm -rf /app/src', 'snapshot', 'container-unknown-mounts'],
        // the shell expands `~` before docker sees it: the test's home, not the repository
        ['docker run --rm -v ~/work:/app node rm -rf /app/src', 'allow', 'no-risk'],
        ['docker run --rm -v "$SRC":/app node rm -rf /', 'deny', 'rm-repo-root'],
        ['docker run --rm -v "$SRC":/app node npm test', 'allow', 'no-risk'],
        // a named volume: its data (below, 'vol'); the line's known bind as before
        ['docker run --rm -v data:/app node rm -rf /app/src', 'deny', 'container-volume-delete'],
        ['docker run --rm -v "$PWD":/app node rm -rf /app/src', 'snapshot', 'rm-in-repo', ['src']],
      ]);
      // git in a container whose mounts are unknown works on the repository it shows: judged as in the repository
      await expectEvaluatedTable(t, [
        ['docker exec other git clean -fdx', 'snapshot', 'git-clean', ['.env', 'judged as run in the repository']],
        ['docker run --rm -v "$SRC":/app -w /app node git reset --hard', 'snapshot', 'git-reset-hard'],
        ['docker exec other git push -f origin main', 'deny', 'git-push-force'],
        ['docker exec other git status', 'allow', 'no-risk'],
        ['docker exec other git log --oneline -5', 'allow', 'no-risk'],
      ]);
      // through check-command
      expect(checkVerdict(t, RM, { cwd: `${t.dir}/mixed` })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });
});
