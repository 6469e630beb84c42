/**
 * Lines that destroyed what guard cannot bring back and were free until 2026-12-07 (helper
 * holes4), because guard did not read a part of them:
 *
 *  - an infrastructure tool whose subcommand guard cannot see (`terraform $CMD`, `tofu "$SUB"
 *    -auto-approve`, `terragrunt run-all $C`): the word was skipped and the rest read, so a
 *    variable holding `destroy` went free; now refused as opaque (infra-destroy.ts);
 *  - glob forms the agent's shell reads and guard did not: bash's extglob groups (`rm
 *    src/!(keep)`), zsh's glob qualifiers as bash's grammar reads them (`rm -rf *(/)`, `rm
 *    src/*(N)`), zsh's EXTENDED_GLOB `^name`: they matched no file; now judged as `*` (expand.ts);
 *    zsh's `repeat N cmd` was a program named repeat (commands.ts);
 *  - publishing tools that force-push a branch (`ghp-import -p -f`, `mkdocs gh-deploy --force`,
 *    `gh-pages -f`), delete what a service holds (`hugo deploy`, `netlify sites:delete`, `vercel
 *    project rm`, `gh release delete`, `gh api -X DELETE .../releases/ID`) (site-publish.ts,
 *    forge-cli.ts);
 *  - `railway ssh CMD` and `render ssh SERVICE -- CMD`, the platforms' remote shells
 *    (remote-shell.ts).
 *
 * Everyday lines beside them stay free (also in test/unit/policy/command/everyday.ts).
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('lines guard did not read', () => {
  it('refuses an infrastructure tool whose subcommand it cannot see; a seen one is judged as before', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'infra/main.tf': 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n', 'bin/tf': '#!/bin/sh\nterraform -chdir=infra "$@"\n' });
      t.git(['update-index', '--chmod=+x', 'bin/tf']);
      t.guard(['init', '--yes']);
      // through the real CLI once, with the way forward
      const v = checkVerdict(t, 'terraform $CMD', { asAgent: true });
      expect(v).toMatchObject({ verdict: 'deny', rule: 'opaque-command', reason: expect.stringContaining('terraform is given $CMD, which guard cannot see, where its subcommand goes') });
      expect(v.instead).toContain('`terraform plan`');
      // a person is asked
      expect(checkVerdict(t, 'tofu "$SUB" -auto-approve')).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      await expectEvaluatedTable(t, [
        ['tofu $SUB -auto-approve', 'deny', 'opaque-command', ['tofu is given $SUB']],
        ['terraform -chdir=infra "$CMD"', 'deny', 'opaque-command', ['"$CMD"']],
        ['terragrunt run-all $C', 'deny', 'opaque-command', ['terragrunt is given $C']],
        ['terragrunt run -- $C', 'deny', 'opaque-command'],
        ['pulumi $X --yes', 'deny', 'opaque-command', ['pulumi is given $X']],
        ['npx cdk $ACTION --force', 'deny', 'opaque-command', ['cdk is given $ACTION']],
        // a wrapper script given a word guard cannot see
        ['bin/tf "$X"', 'deny', 'opaque-command', ['terraform is given "$@"']],
        // seen: judged as before
        ['CMD=destroy; terraform $CMD -auto-approve', 'deny', 'infra-destroy'],
        ['sh bin/tf destroy', 'deny', 'infra-destroy'],
        ['bin/tf plan', 'allow', 'no-risk'],
        // an unseen option value, or a word after the subcommand, is not the subcommand
        ['terraform -chdir="$DIR" plan', 'allow', 'no-risk'],
        ['terraform plan -var-file $F', 'allow', 'no-risk'],
        ['terraform plan $EXTRA', 'allow', 'no-risk'],
        ['terraform $CMD -help', 'allow', 'no-risk'],
      ]);
    });
  });

  it('judges extglob groups, zsh glob qualifiers and ^name as *, and runs the command of zsh repeat', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'src/a.c': 'int a;\n', 'src/keep.c': 'int k;\n', 'dist/x.js': 'x\n', '.gitignore': 'dist/\n' });
      t.guard(['init', '--yes', '--agents', 'claude']);
      // through the installed hook: the shim passes it to Node, which snapshots first
      const hook = hookWithVerdict(t, 'rm -rf src/*(N)');
      expect(hook).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      await expectEvaluatedTable(t, [
        ['rm src/!(keep.c)', 'snapshot', 'rm-in-repo', ['src/!(keep.c)']],
        ['rm -rf src/@(a.c|b)', 'snapshot', 'rm-in-repo'],
        ['rm -rf src/*(.N)', 'snapshot', 'rm-in-repo'],
        ['rm -rf src/?(a)', 'snapshot', 'rm-in-repo'],
        ['rm -rf src/+(a.c)', 'snapshot', 'rm-in-repo'],
        ['rm -rf src/^keep.c', 'snapshot', 'rm-in-repo'],
        ['cd src && rm -f ^keep.c', 'snapshot', 'rm-in-repo'],
        // everything at the top: as `rm -rf *`
        ['rm -rf *(/)', 'deny', 'protected-path'],
        ['repeat 3 rm -rf src', 'snapshot', 'rm-in-repo'],
        ['repeat 2 { rm -rf src }', 'snapshot', 'rm-in-repo'],
        ['repeat $N rm -rf src', 'deny', 'opaque-command'],
        // zsh's grammar guard does not read is refused, not read as something else
        ['for f (src/*) rm $f', 'deny', 'opaque-command'],
        ['{ rm -rf src } always { echo done }', 'deny', 'opaque-command'],
        ['rm -rf **/*.orig(.)', 'deny', 'opaque-command'],
        // quoted or escaped: a name, not a glob; regenerable output stays free
        ['rm -f "src/*(1)"', 'allow', 'no-risk'],
        ['rm -f src/a\\*\\(1\\)', 'allow', 'no-risk'],
        ['rm -rf dist/*(N)', 'allow', 'no-risk'],
        ['repeat 3 echo hi', 'allow', 'no-risk'],
      ]);
    });
  });

  it('refuses publishing that overwrites or deletes what only the service holds; a publish on top stays free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'mkdocs.yml': 'site_name: x\n', 'package.json': '{"scripts":{"deploy":"gh-pages -d dist -f","publish":"gh-pages -d dist"}}\n' });
      t.guard(['init', '--yes']);
      expect(checkVerdict(t, 'mkdocs gh-deploy --force', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'git-push-force', reason: expect.stringContaining('mkdocs gh-deploy --force force-pushes gh-pages to origin'), instead: expect.stringContaining('`mkdocs gh-deploy`') });
      await expectEvaluatedTable(t, [
        ['ghp-import -p -f site', 'deny', 'git-push-force', ['gh-pages to origin']],
        ['ghp-import -npf _build/html', 'deny', 'git-push-force'],
        ['ghp-import -o -p -r upstream -b main site', 'deny', 'git-push-force', ['main to upstream']],
        ['mkdocs gh-deploy --no-history', 'deny', 'git-push-force'],
        ['npx gh-pages -d dist -f', 'deny', 'git-push-force'],
        ['npm run deploy', 'deny', 'git-push-force'],
        ['hugo deploy', 'deny', 'remote-data-delete', ['up to 256']],
        ['hugo deploy --target prod --maxDeletes -1', 'deny', 'remote-data-delete', ['any number']],
        ['netlify sites:delete abc123 --force', 'deny', 'remote-data-delete', ['form submissions']],
        ['vercel project rm my-app', 'deny', 'remote-data-delete', ['environment variables']],
        ['gh release delete v1.2.0 --yes', 'deny', 'remote-data-delete', ['release v1.2.0']],
        ['gh release delete-asset v1.2.0 app.zip', 'deny', 'remote-data-delete'],
        ['gh api -X DELETE repos/o/r/releases/123', 'deny', 'remote-data-delete'],
        ['gh api --method DELETE /repos/o/r/releases/assets/9', 'deny', 'remote-data-delete'],
        ['curl -X DELETE -H "Authorization: token $T" https://api.github.com/repos/o/r/releases/12', 'deny', 'remote-data-delete'],
        ['http DELETE api.github.com/repos/o/r/releases/assets/3', 'deny', 'remote-data-delete'],
        ['curl -s https://api.github.com/repos/o/r/releases/latest', 'allow', 'no-risk'],
        ['gh release delete v1 --cleanup-tag -y', 'deny', 'git-push-delete'],
        // on top of the remote branch, previews, and what the service rolls back
        ['ghp-import -p site', 'allow', 'no-risk'],
        ['ghp-import site', 'allow', 'no-risk'],
        ['mkdocs gh-deploy', 'allow', 'no-risk'],
        ['npm run publish', 'allow', 'no-risk'],
        ['gh-pages -d dist -f --no-push', 'allow', 'no-risk'],
        ['hugo deploy --dryRun', 'allow', 'no-risk'],
        ['hugo deploy --maxDeletes 0', 'allow', 'no-risk'],
        ['vercel remove my-app-abc123.vercel.app --yes', 'allow', 'no-risk'],
        ['firebase hosting:disable', 'allow', 'no-risk'],
        ['netlify deploy --prod', 'allow', 'no-risk'],
        ['gh release list', 'allow', 'no-risk'],
        ['gh release view v1', 'allow', 'no-risk'],
      ]);
      // a person is asked where the data is the service's
      expect(checkVerdict(t, 'gh release delete v1 --yes')).toMatchObject({ verdict: 'ask', rule: 'remote-data-delete' });
    });
  });

  it('judges the command railway ssh and render ssh run as ssh HOST CMD is', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'README.md': 'x\n' });
      t.guard(['init', '--yes']);
      expect(checkVerdict(t, 'railway ssh -- rails db:drop', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'remote-data-delete', reason: expect.stringContaining('Railway service') });
      await expectEvaluatedTable(t, [
        ['railway ssh -s api rails db:drop', 'deny', 'remote-data-delete', ['the Railway service api']],
        ['railway ssh \'psql $DATABASE_URL -c "DROP TABLE users"\'', 'deny', 'remote-data-delete'],
        ['railway ssh -s web -- rm -rf /data/uploads', 'deny', 'remote-host-delete', ['/data/uploads']],
        ['railway ssh "$CMD"', 'deny', 'remote-host-delete'],
        ["render ssh srv-123 -- \"psql -c 'DROP TABLE x'\"", 'deny', 'remote-data-delete', ['Render service srv-123']],
        ["render ssh srv-1 -- 'cd /app && bin/rails db:reset'", 'deny', 'remote-data-delete'],
        ['render ssh srv-1 -- rm -rf /var/data', 'deny', 'remote-host-delete'],
        ['railway ssh', 'allow', 'no-risk'],
        ['railway ssh -- ls -la', 'allow', 'no-risk'],
        ['railway ssh keys list', 'allow', 'no-risk'],
        ['render ssh srv-1', 'allow', 'no-risk'],
        ['render ssh srv-1 -- rm -rf /tmp/x', 'allow', 'no-risk'],
        ['railway run npm test', 'allow', 'no-risk'],
      ]);
    });
  });
});
