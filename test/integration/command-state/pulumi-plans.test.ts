/**
 * `pulumi up --yes` and `pulumi up --plan FILE` (src/policy/command/pulumi-plan.ts). Until
 * 2026-12-07 both were free ("no destructive command found") whatever the program or the plan
 * deleted: a Pulumi program is code, and `up --yes` deletes a database whose resource the program
 * no longer declares. Now `up --yes` is refused for an agent as unseen, with the way forward guard
 * can read: `pulumi preview --save-plan=plan.json`, then `pulumi up --plan=plan.json --yes`, judged
 * by the plan's steps. `terraform apply "$PLAN"` (a plan file guard cannot name) is refused the
 * same way (terraform-plan.ts). Pulumi is not run; the plans are written as `preview --save-plan`
 * lays them out (apitype.DeploymentPlanV1).
 */
import { describe, expect, it } from 'vitest';
import { readPulumiPlan } from '../../../src/policy/command/pulumi-plan.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const STACK = 'urn:pulumi:prod::shop';
const plan = (steps: Record<string, string[]>): string =>
  `${JSON.stringify(
    {
      manifest: { time: '2026-12-07T12:00:00Z', magic: '', version: 'v3.140.0' },
      resourcePlans: Object.fromEntries(Object.entries(steps).map(([urn, s]) => [`${STACK}::${urn}`, { goal: { type: urn.split('::')[0], name: urn.split('::')[1], custom: true }, steps: s, state: {} }])),
    },
    null,
    4,
  )}\n`;

describe('the update-plan reader', () => {
  it('reads each resource\'s steps; what it cannot read is unreadable, never a plan without deletes', () => {
    expect(readPulumiPlan(plan({ 'aws:rds/instance:Instance::db': ['delete'], 'aws:s3/bucket:Bucket::assets': ['same'] }))).toEqual({ destroys: [`${STACK}::aws:rds/instance:Instance::db`] });
    expect(readPulumiPlan(plan({ 'aws:s3/bucket:Bucket::assets': ['create-replacement', 'replace', 'delete-replaced'] }))).toEqual({ destroys: [`${STACK}::aws:s3/bucket:Bucket::assets`] });
    expect(readPulumiPlan('{"manifest":{}}')).toEqual({ destroys: [] });
    expect(readPulumiPlan(plan({ 'aws:s3/bucket:Bucket::assets': ['obliterate'] }))).toEqual({ unreadable: 'a step guard does not know ("obliterate")' });
    expect(readPulumiPlan('resourcePlans: {}')).toEqual({ unreadable: 'not JSON' });
    expect(readPulumiPlan('{"resourcePlans":[]}')).toMatchObject({ unreadable: expect.any(String) });
  });
});

describe('pulumi up', () => {
  it('--yes is refused as unseen, --plan FILE judged by the plan; previews and a prompting up stay free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { '.gitignore': 'node_modules/\n', 'infra/Pulumi.yaml': 'name: shop\nruntime: nodejs\n', 'infra/index.ts': 'import * as aws from "@pulumi/aws";\nnew aws.s3.Bucket("assets");\n' });
      t.guard(['init', '--yes']);
      writeFiles(t, {
        'infra/drop-db.json': plan({ 'aws:rds/instance:Instance::db': ['delete'], 'aws:s3/bucket:Bucket::assets': ['same'] }),
        'infra/replace-bucket.json': plan({ 'aws:s3/bucket:Bucket::assets': ['create-replacement', 'replace', 'delete-replaced'] }),
        'infra/grow.json': plan({ 'aws:s3/bucket:Bucket::assets': ['update'], 'aws:s3/bucket:Bucket::logs': ['create'], 'random:index/randomId:RandomId::suffix': ['replace'] }),
        'infra/odd.json': plan({ 'aws:s3/bucket:Bucket::assets': ['obliterate'] }),
      });
      const cwd = `${t.dir}/infra`;
      // through the real CLI once
      const up = checkVerdict(t, 'pulumi up --yes', { asAgent: true, cwd });
      expect(up).toMatchObject({ verdict: 'deny', rule: 'opaque-command', reason: expect.stringContaining('known only by running the program') });
      expect(up.instead).toContain('pulumi preview --save-plan=plan.json');
      expect(checkVerdict(t, 'pulumi up --plan=drop-db.json --yes', { asAgent: true, cwd })).toMatchObject({ verdict: 'deny', rule: 'infra-destroy', reason: expect.stringContaining('aws:rds/instance:Instance::db') });
      await expectEvaluatedTable(
        t,
        [
          ['pulumi up -y', 'deny', 'opaque-command', ['pulumi up -y updates the stack with no prompt']],
          ['pulumi update --skip-preview --stack prod', 'deny', 'opaque-command'],
          ['PULUMI_SKIP_CONFIRMATIONS=true pulumi up', 'deny', 'opaque-command', ['PULUMI_SKIP_CONFIRMATIONS']],
          ['pulumi watch', 'deny', 'opaque-command'],
          ['cd .. && pulumi -C infra up --plan replace-bucket.json -y', 'deny', 'infra-destroy', ['Bucket::assets']],
          ['pulumi up --plan odd.json --yes', 'deny', 'opaque-command', ['a step guard does not know']],
          ['pulumi up --plan nothere.json --yes', 'deny', 'opaque-command', ['no such plan file yet']],
          ['pulumi up --plan "$PLAN" --yes', 'deny', 'opaque-command', ['cannot name']],
          // the line saves the plan first: its preview runs the program, unseen
          ['pulumi preview --save-plan=grow.json && pulumi up --plan=grow.json --yes', 'deny', 'opaque-command', ['the same line writes first']],
          // creates, updates and value-only replacements: free
          ['pulumi up --plan grow.json --yes', 'allow', 'no-risk'],
          // without --yes pulumi shows the preview and asks (with no terminal it stops); previews are free
          ['pulumi up', 'allow', 'no-risk'],
          ['pulumi up --preview-only', 'allow', 'no-risk'],
          ['pulumi preview --save-plan=plan.json', 'allow', 'no-risk'],
          ['pulumi preview --diff', 'allow', 'no-risk'],
          ['pulumi stack output', 'allow', 'no-risk'],
        ],
        { cwd },
      );
      // a person is asked
      expect(checkVerdict(t, 'pulumi up --yes', { cwd })).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
    });
  });
});

describe('terraform apply WORD guard cannot see', () => {
  it('is refused as a saved plan guard cannot read; options and their values guard cannot see stay judged as before', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { '.gitignore': '*.tfstate\n*.tfstate.*\n.terraform/\n', 'infra/main.tf': 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n' });
      t.guard(['init', '--yes']);
      const cwd = `${t.dir}/infra`;
      expect(checkVerdict(t, 'terraform apply "$PLAN"', { asAgent: true, cwd })).toMatchObject({ verdict: 'deny', rule: 'opaque-command', instead: expect.stringContaining('terraform apply tfplan') });
      await expectEvaluatedTable(
        t,
        [
          ['tofu apply -input=false $PLANFILE', 'deny', 'opaque-command', ['tofu apply $PLANFILE']],
          ['terraform -chdir=infra apply "$(ls -t *.tfplan | head -1)"', 'deny', 'opaque-command'],
          ['terraform apply -auto-approve -var "region=$REGION"', 'allow', 'no-risk'],
          ['terraform apply -auto-approve -var-file="$ENV.tfvars"', 'allow', 'no-risk'],
          ['terraform plan -out "$PLAN"', 'allow', 'no-risk'],
        ],
        { cwd },
      );
    });
  });
});
