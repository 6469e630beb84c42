/**
 * `terraform apply -auto-approve` after an agent deleted or renamed a resource block destroys the
 * resource, and a database goes with its rows (terraform-apply.ts, rule infra-destroy). Judged
 * from what terraform reads: the local state's managed resources against the configuration's
 * `resource` blocks, `moved` and `removed` blocks, local modules, `-target`/`-exclude`, the
 * workspace. Each project below is one case: its state written by hand in the v4 format
 * (internal/states/statefile/version4.go's shape: `resources[]` with `module`, `mode`, `type`,
 * `name`, `provider`, `instances[]`), its configuration committed with the block, then edited in
 * the working tree as an agent would. Terraform is not run (a test must not need it).
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';

/** A v4 state holding these managed resources (`module.x.TYPE.NAME` or `TYPE.NAME`), one instance each. */
function state(...addresses: string[]): string {
  const resources = addresses.map((address) => {
    const parts = address.split('.');
    const [type, name] = parts.slice(-2) as [string, string];
    const module = parts.slice(0, -2).join('.');
    return {
      ...(module ? { module } : {}),
      mode: 'managed',
      type,
      name,
      provider: `provider["registry.terraform.io/hashicorp/${type.split('_')[0]}"]`,
      instances: [{ schema_version: 0, attributes: { id: `${name}-1` }, sensitive_attributes: [] }],
    };
  });
  // a data source is read again, never destroyed
  resources.push({ mode: 'data', type: 'aws_caller_identity', name: 'current', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [] } as never);
  return `${JSON.stringify({ version: 4, terraform_version: '1.9.5', serial: 7, lineage: '6b1f0c8e-2d6a-4c55-9d0e-3f1a2b4c5d6e', outputs: {}, resources, check_results: null }, null, 2)}\n`;
}

const DB = 'resource "aws_db_instance" "main" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n  tags = { Name = "main-${var.env}" }\n}\n';
const BUCKET = 'resource "aws_s3_bucket" "assets" {\n  bucket = "assets-${random_id.suffix.hex}"\n}\n';
const RANDOM = 'resource "random_id" "suffix" {\n  byte_length = 4\n}\n';

function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '*.tfstate\n*.tfstate.*\n**/.terraform/*\n',
    // the block is deleted below; a comment, a heredoc and a string with braces stay
    'deleted/main.tf': `${DB}${BUCKET}`,
    // renamed, with a moved block
    'renamed/main.tf': DB,
    // taken out of management, kept
    'forgotten/main.tf': `${DB}${BUCKET}`,
    // a random_id removed
    'random/main.tf': `${RANDOM}${BUCKET}`,
    // a registry module and a local one
    'modules/main.tf': 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n}\n\nmodule "db" {\n  source = "./db"\n}\n',
    'modules/db/main.tf': 'resource "aws_db_instance" "this" {\n  engine = "postgres"\n}\n\nresource "aws_rds_cluster" "old" {\n  engine = "aurora-postgresql"\n}\n',
    // JSON syntax
    'json/main.tf.json': JSON.stringify({ resource: { aws_db_instance: { main: { engine: 'postgres' } } } }),
    // a workspace other than default
    'ws/main.tf': BUCKET,
    // the local backend's state elsewhere
    'pathed/main.tf': `terraform {\n  backend "local" {\n    path = "state/prod.tfstate"\n  }\n}\n\n${BUCKET}`,
    // a remote backend: the state is not in the repository
    'remote/main.tf': `terraform {\n  backend "s3" {\n    bucket = "tf-state"\n    key    = "app.tfstate"\n  }\n}\n\n${BUCKET}`,
    'remote/db.tf': DB,
    'cloud/main.tf': `terraform {\n  cloud {\n    organization = "acme"\n    workspaces { name = "app" }\n  }\n}\n\n${DB}`,
  });
  writeFiles(t, {
    'deleted/main.tf': `# resource "aws_db_instance" "main" {\n/* resource "aws_db_instance" "main" { } */\n${BUCKET}resource "aws_instance" "web" {\n  user_data = <<-EOT\n    resource "aws_db_instance" "main" {\n    echo "}"\n  EOT\n  tags = { Name = "web-\${lookup(var.tags, "x", "}")}" }\n}\n`,
    'deleted/terraform.tfstate': state('aws_db_instance.main', 'aws_s3_bucket.assets'),
    'renamed/main.tf': `${DB.replace('"main"', '"primary"')}\nmoved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.primary\n}\n`,
    'renamed/terraform.tfstate': state('aws_db_instance.main'),
    'forgotten/main.tf': `${BUCKET}\nremoved {\n  from = aws_db_instance.main\n\n  lifecycle {\n    destroy = false\n  }\n}\n`,
    'forgotten/terraform.tfstate': state('aws_db_instance.main', 'aws_s3_bucket.assets'),
    'random/main.tf': BUCKET.replace('${random_id.suffix.hex}', 'fixed'),
    'random/terraform.tfstate': state('random_id.suffix', 'aws_s3_bucket.assets'),
    'modules/db/main.tf': 'resource "aws_db_instance" "this" {\n  engine = "postgres"\n}\n',
    'modules/terraform.tfstate': state('module.vpc.aws_vpc.this', 'module.vpc.aws_subnet.private', 'module.db.aws_db_instance.this', 'module.db.aws_rds_cluster.old'),
    'json/terraform.tfstate': state('aws_db_instance.main'),
    'pathed/state/prod.tfstate': state('aws_s3_bucket.assets', 'aws_db_instance.main'),
    'ws/.terraform/environment': 'staging',
    'ws/terraform.tfstate': state('aws_s3_bucket.assets'),
    'ws/terraform.tfstate.d/staging/terraform.tfstate': state('aws_s3_bucket.assets', 'aws_db_instance.main'),
    'cloud/main.tf': `terraform {\n  cloud {\n    organization = "acme"\n    workspaces { name = "app" }\n  }\n}\n\nremoved {\n  from = aws_db_instance.main\n  lifecycle {\n    destroy = false\n  }\n}\n`,
  });
  t.remove('remote/db.tf');
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
}

const template = fileTemplate(build);

describe('terraform apply -auto-approve, judged from the local state and the configuration', () => {
  it('refuses what a deleted block destroys, and leaves free what a plan would keep', async () => {
    await template.withCopy(async (t) => {
      const rows: EvaluatedRow[] = [
        // the block deleted (commented out, a heredoc and a string holding its words): the database goes
        ['terraform -chdir=deleted apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.main', 'deleted/terraform.tfstate']],
        ['cd deleted && tofu apply -auto-approve', 'deny', 'infra-destroy', ['tofu apply', 'aws_db_instance.main']],
        ['cd deleted && echo yes | terraform apply', 'deny', 'infra-destroy', ['aws_db_instance.main']],
        ['TF_CLI_ARGS_apply=-auto-approve terraform -chdir=deleted apply', 'deny', 'infra-destroy', ['aws_db_instance.main']],
        ['terraform -chdir=deleted apply -auto-approve -target=aws_db_instance.main', 'deny', 'infra-destroy', ['aws_db_instance.main']],
        // a target elsewhere, the resource excluded: not destroyed
        ['terraform -chdir=deleted apply -auto-approve -target=aws_s3_bucket.assets', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=deleted apply -auto-approve -exclude=aws_db_instance.main', 'snapshot', 'overwrite-ignored'],
        // asked at a terminal (the plan shown first), a saved plan (not read), a plan, a refresh: as before
        ['terraform -chdir=deleted apply', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=deleted apply tfplan', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=deleted apply -refresh-only -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=deleted plan', 'allow', 'no-risk'],
        // renamed with a moved block; forgotten with a removed block
        ['terraform -chdir=renamed apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=forgotten apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        // a value-only type removed
        ['terraform -chdir=random apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        // a local module's block deleted; a registry module's resources are not judged
        ['terraform -chdir=modules apply -auto-approve', 'deny', 'infra-destroy', ['module.db.aws_rds_cluster.old']],
        ['terraform -chdir=modules apply -auto-approve -target=module.vpc', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=modules apply -auto-approve -target=module.db.aws_db_instance.this', 'snapshot', 'overwrite-ignored'],
        // JSON syntax declares it
        ['terraform -chdir=json apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        // the selected workspace's state (.terraform/environment), or TF_WORKSPACE on the line
        ['terraform -chdir=ws apply -auto-approve', 'deny', 'infra-destroy', ['ws/terraform.tfstate.d/staging/terraform.tfstate']],
        ['TF_WORKSPACE=default terraform -chdir=ws apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        // backend "local" { path }, and -state=PATH
        ['terraform -chdir=pathed apply -auto-approve', 'deny', 'infra-destroy', ['pathed/state/prod.tfstate']],
        ['terraform -chdir=ws apply -auto-approve -state=terraform.tfstate', 'snapshot', 'overwrite-ignored'],
        // a remote backend: its state is not in the repository; HEAD's configuration stands for it (a file deleted, a block taken out of it)
        ['terraform -chdir=remote apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.main', 'declared at HEAD', 's3 backend']],
        ['terraform -chdir=remote apply -auto-approve -target=aws_s3_bucket.assets', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=remote plan', 'allow', 'no-risk'],
        ['terraform -chdir=cloud apply -auto-approve', 'snapshot', 'overwrite-ignored'],
      ];
      await expectEvaluatedTable(t, rows);
      // a person is asked; one row through check-command itself, the same answer
      const line = 'terraform -chdir=deleted apply -auto-approve';
      expect(await evaluatedVerdict(t, line)).toMatchObject({ verdict: 'ask', rule: 'infra-destroy' });
      const cli = checkVerdict(t, line, { asAgent: true });
      expect(cli).toMatchObject({ verdict: 'deny', rule: 'infra-destroy' });
      expect(cli).toEqual(await evaluatedVerdict(t, line, { asAgent: true }));
      expect(cli.instead).toContain('removed { from = aws_db_instance.main  lifecycle { destroy = false } }');
      expect(cli.instead).toContain('terraform plan');
      // OpenTofu's removed block forgets without a lifecycle block
      expect((await evaluatedVerdict(t, 'cd deleted && tofu apply -auto-approve', { asAgent: true })).instead).toContain('`removed { from = aws_db_instance.main }`');
    });
  }, 120_000);
});
