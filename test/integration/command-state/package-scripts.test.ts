/**
 * Package-manager script invocations (`npm run X`, `pnpm X`, `yarn X`, `bun run X`, `run-s`):
 * the script's own text from package.json is judged as if typed, in the package's directory
 * (src/policy/command/package-scripts.ts). Before 2026-12-05 none was read: `npm run nuke` with
 * `"nuke": "git clean -fdx"` was "allow: no destructive command found" where `git clean -fdx`
 * typed alone captures the ignored .env and local.db first. Judged through `guard check-command`
 * and the installed Claude hook; the script's command is then run by hand (no package manager
 * needs to be installed) and rolled back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { allowedCheckGitArgv, commitGuardFiles, installedHookGitProcesses, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const ENV = Buffer.from('API_KEY=s3cr3t\nDB=local\n');
const DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(1024, 0x62), Buffer.from([0xff, 0x00, 0x0a])]);

const SCRIPTS = {
  nuke: 'git clean -fdx',
  'db:reset': 'prisma migrate reset --force',
  'db:seed': 'node seed.js',
  clean: 'rm -rf dist',
  build: 'tsc -p .',
  test: 'vitest run',
  lint: 'eslint .',
  dev: 'vite',
  predeploy: 'git clean -fdx',
  deploy: 'echo deploy',
  release: 'echo release',
  postrelease: 'git reset --hard',
  'reset-all': 'npm run clean && npm run nuke',
  'ci:all': 'run-s lint nuke',
  'all:db': "npm-run-all --parallel 'db:*'",
  wipe: 'rimraf .env',
  wipe2: 'shx rm -rf local.db',
  wipe3: 'del-cli app.log',
  wipe4: 'premove .env',
  remove: 'rm',
  loop: 'npm run loop',
  start: 'rm -rf ~',
  'sub:clean': 'cd packages/app && npm run clean',
  // The manager through the variable it sets, and an editor guard cannot know.
  'via-execpath': '$npm_execpath run nuke',
  'echo-event': 'echo $npm_lifecycle_event $npm_package_name',
};

/** Built once per file (three tests each ran its own `guard init`), copied per test. */
function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env*\n*.db\n*.log\ndist/\nnode_modules/\n',
    'package.json': `${JSON.stringify({ name: 'app', private: true, scripts: SCRIPTS }, null, 2)}\n`,
    'src/index.ts': 'export {};\n',
    'prisma/schema.prisma': 'datasource db {\n  provider = "sqlite"\n  url = "file:../local.db"\n}\n',
    'packages/app/package.json': JSON.stringify({ name: '@x/app', scripts: { clean: 'rm -rf .env.local', build: 'tsc' } }),
    'packages/broken/package.json': '{ "scripts": { "nuke": "git clean -fdx" ',
  });
  writeFiles(t, { '.env': [ENV, 0o600], 'local.db': DB, 'app.log': 'log\n', 'dist/a.js': 'x\n', 'packages/app/.env.local': 'LOCAL=1\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t);
}

const template = fileTemplate(build);

describe('a package script is judged as its own command, in its package', () => {
  it('refusals, snapshots and captures of the script, through npm, pnpm, yarn, bun and the run-all runners', async () => {
    await template.withCopy(async (t) => {
      const cases: Array<[string, string, string, string[]?]> = [
        ['git clean -fdx', 'snapshot', 'git-clean', ['.env', 'local.db', 'app.log']],
        ['npm run nuke', 'snapshot', 'git-clean', ['.env', 'local.db', 'app.log']],
        ['npm run-script nuke', 'snapshot', 'git-clean'],
        ['npm --silent run nuke', 'snapshot', 'git-clean'],
        ['pnpm nuke', 'snapshot', 'git-clean'],
        ['pnpm run nuke', 'snapshot', 'git-clean'],
        ['yarn nuke', 'snapshot', 'git-clean'],
        ['yarn run nuke', 'snapshot', 'git-clean'],
        ['bun run nuke', 'snapshot', 'git-clean'],
        ['bun nuke', 'snapshot', 'git-clean'],
        // the database reset through the script, and the binary where no script has the name
        ['pnpm db:reset', 'snapshot', 'overwrite-ignored', ['local.db']],
        ['npx prisma migrate reset --force', 'snapshot', 'overwrite-ignored', ['local.db']],
        ['pnpm prisma migrate reset --force', 'snapshot', 'overwrite-ignored', ['local.db']],
        ['yarn prisma migrate reset --force', 'snapshot', 'overwrite-ignored', ['local.db']],
        ['bun prisma migrate reset --force', 'snapshot', 'overwrite-ignored', ['local.db']],
        // pre- and post-scripts
        ['npm run deploy', 'snapshot', 'git-clean'],
        ['pnpm deploy:x', 'allow', 'no-risk'],
        ['yarn release', 'snapshot', 'git-reset-hard'],
        ['npm run deploy --ignore-scripts', 'allow', 'no-risk'],
        // scripts calling scripts
        ['npm run reset-all', 'snapshot', 'git-clean'],
        ['pnpm ci:all', 'snapshot', 'git-clean'],
        ['npm run all:db', 'snapshot', 'overwrite-ignored'],
        ['npm run sub:clean', 'snapshot', 'rm-in-repo', ['packages/app/.env.local']],
        ['npm run loop', 'allow', 'no-risk'],
        ['npm run via-execpath', 'snapshot', 'git-clean'],
        ['yarn via-execpath', 'snapshot', 'git-clean'],
        ['npm run echo-event', 'allow', 'no-risk'], // a script reached again runs what was judged already
        // deleters inside scripts
        ['npm run wipe', 'snapshot', 'rm-in-repo', ['.env']],
        ['npm run wipe2', 'snapshot', 'rm-in-repo', ['local.db']],
        ['npm run wipe3', 'snapshot', 'rm-in-repo', ['app.log']],
        ['npm run wipe4', 'snapshot', 'rm-in-repo', ['.env']],
        // arguments appended as the manager passes them
        ['npm run remove -- .env', 'snapshot', 'rm-in-repo', ['.env']],
        ['npm run remove .env', 'snapshot', 'rm-in-repo', ['.env']],
        ['pnpm remove:x .env', 'allow', 'no-risk'],
        ['yarn run remove -- -f .env', 'snapshot', 'rm-in-repo', ['.env']],
        // the lifecycle names npm runs itself
        ['npm start', 'deny', 'rm-home'],
        ['npm test', 'allow', 'no-risk'],
        ['npm t', 'allow', 'no-risk'],
        // where the manager runs: --prefix, -C, --cwd
        ['npm --prefix packages/app run clean', 'snapshot', 'rm-in-repo', ['packages/app/.env.local']],
        ['pnpm -C packages/app clean', 'snapshot', 'rm-in-repo', ['packages/app/.env.local']],
        ['yarn --cwd packages/app clean', 'snapshot', 'rm-in-repo', ['packages/app/.env.local']],
        ['cd packages/app && npm run clean', 'snapshot', 'rm-in-repo', ['packages/app/.env.local']],
        // nothing runs: no such script, an npm command of its own, a package.json that is not JSON
        ['npm run nope', 'allow', 'no-risk'],
        ['npm nuke', 'allow', 'no-risk'],
        ['npm --prefix packages/broken run nuke', 'allow', 'no-risk'],
      ];
      // The table through check-command's evaluation (evaluateCommand) in this process; its own
      // path below for the person's reason.
      await expectEvaluatedVerdicts(t, cases);
      // The reason says what ran the text the verdict is about (the person reads "git clean -fdx").
      expect(checkVerdict(t, 'npm run nuke').reason).toContain('(run by `npm run nuke`: script "nuke" of package.json)');
      // From a subdirectory: the nearest package.json above it.
      expect(await evaluatedVerdict(t, 'npm run nuke', { asAgent: true, cwd: path.join(t.dir, 'src') })).toMatchObject({ verdict: 'snapshot', rule: 'git-clean', reason: expect.stringContaining('script "nuke" of ../package.json') });
      // A package directory whose name is not UTF-8: read by its bytes.
      const odd = Buffer.concat([Buffer.from(path.join(t.dir, 'pk')), Buffer.from([0xff])]);
      fs.mkdirSync(odd);
      fs.writeFileSync(Buffer.concat([odd, Buffer.from('/package.json')]), JSON.stringify({ scripts: { wipe: 'rm -f .env' } }));
      fs.writeFileSync(Buffer.concat([odd, Buffer.from('/.env')]), 'X=1\n');
      expect(await evaluatedVerdict(t, "cd $'pk\\377' && npm run wipe", { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(await evaluatedVerdict(t, "npm --prefix $'pk\\377' run wipe", { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('everyday script runs stay allowed, with no snapshot and no git process for check-command', async () => {
    await template.withCopy(async (t) => {
      for (const command of ['npm run build', 'npm test', 'pnpm lint --fix', 'yarn dev', 'npm run clean', 'pnpm build', 'bun run build', 'npm run lint -- --fix', 'pnpm install', 'npm ci', 'yarn', 'npm install left-pad', 'npm run db:seed', 'pnpm -C packages/app build']) {
        expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
      // check-command opens the repository (one rev-parse) for any command; reading package.json adds none.
      const plain = allowedCheckGitArgv(t, 'echo hi');
      expect(plain).toHaveLength(1);
      for (const command of ['npm run build', 'pnpm lint --fix', 'yarn dev']) expect(allowedCheckGitArgv(t, command), command).toEqual(plain);
      // A script costs what its command typed alone costs.
      expect(allowedCheckGitArgv(t, 'npm run clean')).toEqual(allowedCheckGitArgv(t, 'rm -rf dist'));
      // Through the installed hook: the same git processes as any other command its Node check allows.
      // `echo guard` reaches Node too (the word guard), and is allowed with nothing to look at.
      // The first call that reaches Node starts the session (and its watcher): not counted.
      installedHookGitProcesses(t, 'echo guard');
      const baseline = installedHookGitProcesses(t, 'echo guard');
      for (const command of ['npm run build', 'pnpm lint --fix', 'yarn dev']) expect(installedHookGitProcesses(t, command), command).toBe(baseline);
      expect(installedHookGitProcesses(t, 'npm run clean')).toBe(installedHookGitProcesses(t, 'rm -rf dist'));
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
    });
  });

  it('a workspace selection judges the script in every package of the workspace, and its root\'s install lifecycle in each', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, {
        '.gitignore': '.env\nnode_modules/\ndist/\n',
        'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  # the apps\n  - apps/**\n  - '!apps/legacy/**'\n\ncatalog:\n  x: 1\n",
        'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'], scripts: { build: 'pnpm -r run build', lint: 'eslint .' } }),
        'packages/a/package.json': JSON.stringify({ name: 'a', scripts: { build: 'tsc', test: 'vitest run' } }),
        'packages/b/package.json': JSON.stringify({ name: 'b', scripts: { build: 'git clean -fdx', postinstall: 'rm -rf ~' } }),
        'apps/web/package.json': JSON.stringify({ name: 'web', scripts: { reset: 'git reset --hard', build: 'vite build' } }),
        'apps/legacy/package.json': JSON.stringify({ name: 'legacy', scripts: { lint: 'rm -rf ~' } }),
        'apps/web/node_modules/x/package.json': JSON.stringify({ name: 'x', scripts: { lint: 'rm -rf ~' } }),
      });
      writeFiles(t, { '.env': [ENV, 0o600] });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      // Work b's `git clean -fdx` would take (a clean that takes nothing a snapshot holds is free).
      writeFiles(t, { 'packages/b/notes.txt': 'draft\n' });
      const cases: Array<[string, string, string]> = [
        // The root's build runs every package's build (a cycle through the root is judged once).
        ['pnpm build', 'snapshot', 'git-clean'],
        ['pnpm -r build', 'snapshot', 'git-clean'],
        ['pnpm -r run build', 'snapshot', 'git-clean'],
        // A filter guard does not resolve selects every package: b's build is among them.
        ['pnpm --filter a build', 'snapshot', 'git-clean'],
        ['pnpm -F ...a build', 'snapshot', 'git-clean'],
        // A filter by location selects only packages at or under its directory (pnpm matches the
        // directory exactly or as a glob): b's build is outside './packages/a' and './apps/*'.
        ['pnpm --filter ./packages/a build', 'allow', 'no-risk'],
        ["pnpm -r --filter='./apps/*' build", 'allow', 'no-risk'],
        ['pnpm --filter {packages/a} build', 'allow', 'no-risk'],
        ["pnpm --filter './packages/*' build", 'snapshot', 'git-clean'],
        ['pnpm -F ./apps/web reset', 'snapshot', 'git-reset-hard'],
        // Unless another filter selects by name, by dependencies, or only excludes; or -w picks the root.
        ['pnpm --filter ./packages/a --filter b build', 'snapshot', 'git-clean'],
        ['pnpm --filter ./packages/a... build', 'snapshot', 'git-clean'],
        ['pnpm --filter !./apps/** build', 'snapshot', 'git-clean'],
        ['pnpm -w --filter ./packages/a build', 'snapshot', 'git-clean'],
        ['pnpm --filter web reset', 'snapshot', 'git-reset-hard'],
        ['npm run build -w packages/a', 'snapshot', 'git-clean'],
        ['npm run build --workspaces', 'snapshot', 'git-clean'],
        ['yarn workspace web reset', 'snapshot', 'git-reset-hard'],
        ['yarn workspaces foreach -A run reset', 'snapshot', 'git-reset-hard'],
        ['bun --filter a build', 'snapshot', 'git-clean'],
        ['corepack pnpm -r build', 'snapshot', 'git-clean'],
        // The monorepo runners run package scripts across the workspace too.
        ['npx turbo run build', 'snapshot', 'git-clean'],
        ['turbo build --filter=a', 'snapshot', 'git-clean'],
        ['turbo run lint test', 'allow', 'no-risk'],
        ['npx nx run-many -t build', 'snapshot', 'git-clean'],
        ['nx run-many --targets=test,build', 'snapshot', 'git-clean'],
        ['nx run web:reset', 'snapshot', 'git-reset-hard'],
        ['nx build a', 'snapshot', 'git-clean'],
        ['npx nx reset', 'allow', 'no-risk'],
        ['lerna run build --scope a', 'snapshot', 'git-clean'],
        // Installs run every workspace package's install lifecycle.
        ['pnpm install', 'deny', 'rm-home'],
        ['npm install', 'deny', 'rm-home'],
        ['yarn', 'deny', 'rm-home'],
        ['pnpm install --ignore-scripts', 'allow', 'no-risk'],
        // Excluded (`!apps/legacy/**`) and node_modules packages are not the workspace's; a script no package has runs nothing.
        ['pnpm -r lint', 'allow', 'no-risk'],
        ['pnpm -r test', 'allow', 'no-risk'],
        ['npm run nope --workspaces', 'allow', 'no-risk'],
      ];
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toMatchObject({ verdict: cases[0]![1], rule: cases[0]![2] });
      await expectEvaluatedVerdicts(t, cases);
      // From inside a package: the workspace's root is found above it.
      expect(await evaluatedVerdict(t, 'pnpm -r build', { asAgent: true, cwd: path.join(t.dir, 'packages/a') })).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(await evaluatedVerdict(t, 'pnpm build', { asAgent: true, cwd: path.join(t.dir, 'packages/a') })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // A location filter is relative to where pnpm runs.
      expect(await evaluatedVerdict(t, 'pnpm --filter . build', { asAgent: true, cwd: path.join(t.dir, 'packages/a') })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(await evaluatedVerdict(t, 'pnpm --filter ../b build', { asAgent: true, cwd: path.join(t.dir, 'packages/a') })).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      // A workspace file guard cannot read: refused for an agent, as a command it cannot see.
      fs.writeFileSync(path.join(t.dir, 'pnpm-workspace.yaml'), 'packages: *anchor\n');
      expect(await evaluatedVerdict(t, 'pnpm -r build', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      expect(await evaluatedVerdict(t, 'npm run lint', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
    });
  });

  it('npm run nuke through the installed hook: the ignored .env and local.db captured first, and the rollback gives their bytes and modes back', async () => {
    await template.withCopy(async (t) => {
      const files = ['.env', 'local.db', 'app.log'];
      // dist/ is regenerable output: the clean takes it and no snapshot holds it, by design.
      fs.rmSync(path.join(t.dir, 'dist'), { recursive: true });
      const before = stateWithModes(t, files);
      expect(hookWithVerdict(t, 'npm run nuke')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'git-clean', capturedIgnored: ['.env', 'app.log', 'local.db', 'packages/app/.env.local'] });
      // What the script runs.
      shellOk(t, 'git clean -fdx');
      expect(fs.existsSync(path.join(t.dir, '.env'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, files)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(DB);
    });
  });
});
