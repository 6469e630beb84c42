/**
 * DVC (Data Version Control) lines that delete data no snapshot holds (src/policy/command/dvc.ts),
 * in a repository shaped like a real DVC project: `.dvc/config`, `.dvc/.gitignore` ignoring
 * `/cache`, `data/.gitignore` ignoring `/train.csv`, `data/train.csv.dvc` tracked, one cached
 * object under `.dvc/cache/files/md5/`. Until 2026-12-06 every line here was "allow: no
 * destructive command found". No dvc binary is needed: the rows judge what dvc would do.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import type { VerdictCase } from '../../helpers/verdicts.js';

const MD5 = '3f2a9c1e5b7d4f60a8e2c1d9b0f4e7a6';

function build(t: TestRepo): void {
  commitFiles(t, {
    '.dvc/config': "[core]\n    remote = storage\n['remote \"storage\"']\n    url = /srv/dvc-storage\n",
    '.dvc/.gitignore': '/config.local\n/tmp\n/cache\n',
    '.dvcignore': '# Add patterns of files dvc should ignore\n',
    'data/.gitignore': '/train.csv\n',
    'data/train.csv.dvc': `outs:\n- md5: ${MD5}\n  size: 12\n  hash: md5\n  path: train.csv\n`,
  });
  writeFiles(t, { 'data/train.csv': 'a,b\n1,2\n3,4\n', [`.dvc/cache/files/md5/${MD5.slice(0, 2)}/${MD5.slice(2)}`]: 'a,b\n1,2\n' });
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
}

const template = fileTemplate(build);

const CACHE = '.dvc/cache';
const ROWS: readonly VerdictCase[] = [
  // everyday lines stay free
  ['dvc status', 'allow', 'no-risk'],
  ['dvc repro', 'allow', 'no-risk'],
  ['dvc push', 'allow', 'no-risk'],
  ['dvc pull', 'allow', 'no-risk'],
  ['dvc add data/train.csv', 'allow', 'no-risk'],
  ['dvc checkout data/train.csv', 'allow', 'no-risk'],
  ['dvc exp run', 'allow', 'no-risk'],
  ['dvc exp remove --all', 'allow', 'no-risk'],
  ['dvc metrics show', 'allow', 'no-risk'],
  ['dvc gc -w --dry', 'allow', 'no-risk'],
  ['dvc gc --help', 'allow', 'no-risk'],
  // the cache inside the repository: captured first, as `rm -r .dvc/cache`
  ['dvc gc -w', 'snapshot', 'rm-in-repo', CACHE],
  ['dvc gc --all-commits -f', 'snapshot', 'rm-in-repo', CACHE],
  ['dvc destroy -f', 'snapshot', 'rm-in-repo', '.dvc'],
  // the remote's copies: refused
  ['dvc gc -w -c -f', 'deny', 'dvc-data-delete', 'remote'],
  ['dvc gc -wcf', 'deny', 'dvc-data-delete', 'remote'],
  ['dvc gc -aT --cloud -r storage', 'deny', 'dvc-data-delete', 'remote'],
  // workspace data overwritten or deleted: captured first
  ['dvc checkout --force data/train.csv', 'snapshot', 'rm-in-repo', 'data/train.csv'],
  ['dvc checkout -f data/train.csv.dvc', 'snapshot', 'rm-in-repo', 'data/train.csv'],
  ['dvc pull -f data/train.csv', 'snapshot', 'rm-in-repo', 'data/train.csv'],
  ['dvc remove --outs data/train.csv.dvc', 'snapshot', 'rm-in-repo', 'data/train.csv'],
  ['dvc checkout --force', 'snapshot', 'overwrite-ignored', 'data/train.csv'],
  ['dvc pull --force', 'snapshot', 'overwrite-ignored', 'data/train.csv'],
  // `dvc exp apply` overwrites the workspace's outputs with the experiment's without asking (free
  // before 2026-12-07, realproj6 on iterative/example-get-started); `--no-force` fails instead
  ['dvc exp apply exp-1a2b3', 'snapshot', 'overwrite-ignored', 'data/train.csv'],
  ['dvc exp apply --no-force exp-1a2b3', 'allow', 'no-risk'],
  ['dvc exp show', 'allow', 'no-risk'],
  ['dvc exp branch exp-1a2b3 better-model', 'allow', 'no-risk'],
];

describe('dvc lines that delete data no snapshot holds', () => {
  it('are judged from the project: cache captured, remote refused, everyday lines free', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedVerdicts(t, ROWS);
      // without targets: the outputs beside a .dvc file, not the cache (nor any other ignored file)
      expect((await evaluatedVerdict(t, 'dvc checkout --force', { asAgent: true })).reason).not.toContain('.dvc/cache');
      // from a subdirectory dvc finds the project above it
      await expectEvaluatedVerdicts(t, [['dvc gc -w', 'snapshot', 'rm-in-repo', CACHE], ['dvc checkout -f train.csv', 'snapshot', 'rm-in-repo', 'data/train.csv']], { cwd: path.join(t.dir, 'data') });
      // through check-command
      expect(checkVerdict(t, 'dvc gc --workspace --cloud', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'dvc-data-delete', instead: expect.stringContaining('dvc push') });
      // through the installed Claude hook: the experiment's apply captures the ignored data file first
      expect(hookWithVerdict(t, 'dvc exp apply exp-1a2b3')).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored', capturedIgnored: ['data/train.csv'] });
    });
  });

  it('refuses gc of a shared cache outside the repository (cache.dir in .dvc/config.local)', async () => {
    await template.withCopy(async (t) => {
      const shared = path.join(t.home, 'dvc-cache');
      fs.mkdirSync(shared, { recursive: true });
      fs.writeFileSync(path.join(t.dir, '.dvc/config.local'), `[cache]\n    dir = ${shared}\n    type = symlink\n`);
      await expectEvaluatedVerdicts(t, [['dvc gc -w -f', 'deny', 'dvc-data-delete', shared]]);
      // relative to .dvc/, as dvc reads it
      fs.writeFileSync(path.join(t.dir, '.dvc/config.local'), "[cache]\n    dir = ../../shared-cache\n");
      await expectEvaluatedVerdicts(t, [['dvc gc -w', 'deny', 'dvc-data-delete', 'shared-cache']]);
    });
  });

  it('refuses past the capture bound with `dvc push` as the way forward, and leaves non-DVC repositories alone', async () => {
    await template.withCopy(async (t) => {
      t.write('.guard.yaml', 'version: 1\ncommands:\n  maxIgnoredCapture: 5B\n');
      const v = await evaluatedVerdict(t, 'dvc gc -w', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'capture-too-large', instead: expect.stringContaining('dvc push') });
      fs.rmSync(path.join(t.dir, '.dvc'), { recursive: true });
      await expectEvaluatedVerdicts(t, [['dvc gc -w', 'allow', 'no-risk'], ['dvc destroy -f', 'allow', 'no-risk']]);
    });
  });
});
