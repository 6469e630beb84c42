/**
 * Programs that run another command in a prepared environment (`uv run`, `poetry run`, `pipenv
 * run`, `bundle exec`, `cross-env`, `dotenv --`, `direnv exec`, `mise exec --`, `op run --`,
 * `nix develop -c`, `nix-shell --run` ...): the command they run is judged as if typed alone
 * (src/policy/command/runners.ts). Before 2026-12-05 none was modelled: `uv run rm -rf ~`,
 * `poetry run git reset --hard`, `bundle exec git push --force` were "allow: no destructive
 * command found" (hunt of 2026-12-05 on a vite clone). `dotenv set KEY VALUE` rewrites `.env`:
 * judged as a write of it. None of these runners is installed here: the commands are judged
 * through `guard check-command` and the installed hook, and the change is made by hand.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const ENV = Buffer.from('API_KEY=s3cr3t\nDB=local\n');

function setup(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\n', 'src/app.py': 'x\n', 'pkg/mod.py': 'y\n' });
  writeFiles(t, { '.env': [ENV, 0o600] });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

describe('a command run through a runner is judged as if typed alone', () => {
  it('the refusals, snapshots and captures of the command itself, in the runner\'s directory', async () => {
    await withTestRepo(async (t) => {
      setup(t);
      const cases: Array<[string, string, string]> = [
        ['uv run rm -rf ~', 'deny', 'rm-home'],
        ['uv run --with pandas --python 3.12 rm -rf ~', 'deny', 'rm-home'],
        ['uv run --some-new-option value rm -rf ~', 'deny', 'rm-home'],
        ['uv run --directory pkg rm -rf ../src', 'snapshot', 'rm-in-repo'],
        ['uvx --from ruff rm .env', 'snapshot', 'rm-in-repo'],
        ['poetry run git reset --hard', 'snapshot', 'git-reset-hard'],
        ['poetry -C pkg run rm mod.py', 'snapshot', 'rm-in-repo'],
        ['pipenv run sed -i s/local/prod/ .env', 'snapshot', 'overwrite-ignored'],
        ['pdm run rm -rf ~', 'deny', 'rm-home'],
        ['bundle exec git push --force origin main', 'deny', 'git-push-force'],
        ['cross-env NODE_ENV=test rm -rf ~', 'deny', 'rm-home'],
        ['npx cross-env NODE_ENV=test rm .env', 'snapshot', 'rm-in-repo'],
        ['dotenv -e .env -- rm -rf ~', 'deny', 'rm-home'],
        ['dotenv run -- rm -rf ~', 'deny', 'rm-home'],
        ['dotenvx run -f .env -- rm -rf ~', 'deny', 'rm-home'],
        ['env-cmd -f .env rm -rf ~', 'deny', 'rm-home'],
        ['direnv exec . rm -rf ~', 'deny', 'rm-home'],
        ['mise exec node@20 -- rm -rf ~', 'deny', 'rm-home'],
        ['op run --env-file .env -- rm -rf ~', 'deny', 'rm-home'],
        ["doppler run --command 'rm -rf ~'", 'deny', 'rm-home'],
        ['nix develop .#dev -c rm -rf ~', 'deny', 'rm-home'],
        ["nix-shell -p hello --run 'rm -rf ~'", 'deny', 'rm-home'],
        ['devbox run rm -rf ~', 'deny', 'rm-home'],
        ['xvfb-run -a rm -rf ~', 'deny', 'rm-home'],
        ['dotenv set API_KEY other', 'snapshot', 'overwrite-ignored'],
        ['dotenv -f .env unset DB', 'snapshot', 'overwrite-ignored'],
        ['uv run pytest -x', 'allow', 'no-risk'],
        ['uv pip install -r requirements.txt', 'allow', 'no-risk'],
        ['poetry install', 'allow', 'no-risk'],
        ['bundle exec rspec', 'allow', 'no-risk'],
        ['uvx ruff check --fix .', 'allow', 'no-risk'],
        ['mise exec node@20', 'allow', 'no-risk'],
        ['xvfb-run -a npx playwright test', 'allow', 'no-risk'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
    });
  });

  it('an ignored .env edited through uv run, and rewritten by dotenv set: captured through the installed hook, rolled back with its bytes and mode', async () => {
    for (const command of ['uv run sed -i s/local/prod/ .env', 'dotenv set API_KEY other']) {
      await withTestRepo(async (t) => {
        setup(t);
        const before = stateWithModes(t, ['.env']);
        expect(installedClaudeHook(t, command).decision, command).toBe('allow');
        expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot'), command).toEqual([expect.objectContaining({ capturedIgnored: ['.env'] })]);
        fs.writeFileSync(path.join(t.dir, '.env'), 'API_KEY=other\nDB=prod\n');
        rollbackOk(t);
        expect(stateWithModes(t, ['.env'])).toEqual(before);
        expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      });
    }
  });
});
