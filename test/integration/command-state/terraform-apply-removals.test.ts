/**
 * `terraform apply -auto-approve` after an agent deleted or renamed a resource block destroys the
 * resource, and a database goes with its rows (terraform-apply.ts, rule infra-destroy). Judged
 * from what terraform reads: the local state's managed resources against the configuration's
 * `resource` blocks, `moved` and `removed` blocks, local modules, `-target`/`-exclude`, the
 * workspace. Each project below is one case: its state written by hand in the v4 format
 * (internal/states/statefile/version4.go's shape: `resources[]` with `module`, `mode`, `type`,
 * `name`, `provider`, `instances[]`), its configuration committed with the block, then edited in
 * the working tree as an agent would. Terraform is not run (a test must not need it).
 * Since 2026-12-07 also a block that stays whose `count` or `for_each` no longer makes an
 * instance the state holds (terraform-hcl.ts countOf/keysOf: literals and locals only; a
 * variable's value is not known and not judged), with Terraform's implied moves between the
 * keyless instance and `[0]` (internal/refactoring ImpliedMoveStatements).
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedTable, type EvaluatedRow } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { guardOk } from '../../helpers/guard-steps.js';
import { fileTemplate } from '../../helpers/repo-template.js';

/**
 * A v4 state holding these managed resources (`module.x.TYPE.NAME` or `TYPE.NAME`), one instance
 * each, or the instances of the keys after it (`aws_x.y[0,1,2]` count indexes, `aws_x.y["a","b"]`
 * for_each keys; the resource's `each` then says `list` or `map`, as version4.go writes it).
 */
function state(...addresses: string[]): string {
  const resources = addresses.map((written) => {
    const keyed = /^(.*)\[([^\]]*)\]$/.exec(written);
    const address = keyed ? (keyed[1] as string) : written;
    const keys: Array<number | string | undefined> = keyed ? (JSON.parse(`[${keyed[2]}]`) as Array<number | string>) : [undefined];
    const parts = address.split('.');
    const [type, name] = parts.slice(-2) as [string, string];
    const module = parts.slice(0, -2).join('.');
    const each = keys[0] === undefined ? {} : { each: typeof keys[0] === 'number' ? 'list' : 'map' };
    return {
      ...(module ? { module } : {}),
      mode: 'managed',
      type,
      name,
      ...each,
      provider: `provider["registry.terraform.io/hashicorp/${type.split('_')[0]}"]`,
      instances: keys.map((key, i) => ({ ...(key === undefined ? {} : { index_key: key }), schema_version: 0, attributes: { id: `${name}-${i + 1}` }, sensitive_attributes: [] })),
    };
  });
  // a data source is read again, never destroyed
  resources.push({ mode: 'data', type: 'aws_caller_identity', name: 'current', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [] } as never);
  return `${JSON.stringify({ version: 4, terraform_version: '1.9.5', serial: 7, lineage: '6b1f0c8e-2d6a-4c55-9d0e-3f1a2b4c5d6e', outputs: {}, resources, check_results: null }, null, 2)}\n`;
}

const DB = 'resource "aws_db_instance" "main" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n  tags = { Name = "main-${var.env}" }\n}\n';
const BUCKET = 'resource "aws_s3_bucket" "assets" {\n  bucket = "assets-${random_id.suffix.hex}"\n}\n';
const RANDOM = 'resource "random_id" "suffix" {\n  byte_length = 4\n}\n';
/** A database block with a `count` or `for_each` line (`count = 3`), or neither. */
const replicas = (repeat: string, name = 'replica'): string => `resource "aws_db_instance" "${name}" {\n${repeat ? `  ${repeat}\n` : ''}  engine         = "postgres"\n  instance_class = "db.t3.micro"\n}\n`;
const BUCKETS = (keys: string): string => `locals {\n  buckets = toset([${keys}])\n}\n\nresource "aws_s3_bucket" "data" {\n  for_each = local.buckets\n  bucket   = "acme-\${each.key}"\n}\n`;

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
    // count and for_each: what the block makes, as applied (edited below as an agent would)
    'shrink/main.tf': `${replicas('count = 3')}\nresource "random_id" "suffix" {\n  count       = 2\n  byte_length = 4\n}\n`,
    'grow/main.tf': replicas('count = 2'),
    'computed/main.tf': `variable "replicas" {\n  type    = number\n  default = 3\n}\n\n${replicas('count = 3')}`,
    'keys/main.tf': BUCKETS('"logs", "assets"'),
    'mapkeys/main.tf': `resource "aws_s3_bucket" "data" {\n  for_each = {\n    logs   = { versioning = false }\n    assets = { versioning = true }\n  }\n  bucket = "acme-\${each.key}"\n}\n`,
    'zero/main.tf': replicas('', 'main'),
    'counted/main.tf': replicas('', 'main'),
    'counted-one/main.tf': replicas('', 'main'),
    'uncounted/main.tf': replicas('count = 2', 'main'),
    'foreach-added/main.tf': replicas('', 'main'),
    'foreach-moved/main.tf': replicas('', 'main'),
    'moved-instance/main.tf': replicas('count = 3'),
    'json-count/main.tf.json': JSON.stringify({ resource: { aws_db_instance: { replica: { count: 2, engine: 'postgres' } } } }),
    'remote-count/main.tf': `terraform {\n  backend "s3" {\n    bucket = "tf-state"\n    key    = "app.tfstate"\n  }\n}\n\n${replicas('count = 3')}`,
    // a module call gaining count (no implied move for module calls), with and without a moved block; a registry module's count = 0
    'modcount/main.tf': 'module "db" {\n  source = "./db"\n}\n',
    'modcount/db/main.tf': replicas('', 'this'),
    'modmoved/main.tf': 'module "db" {\n  source = "./db"\n}\n',
    'modmoved/db/main.tf': replicas('', 'this'),
    'modzero/main.tf': 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n  count   = 1\n}\n\nmodule "rds" {\n  source  = "terraform-aws-modules/rds/aws"\n  version = "6.10.0"\n  count   = 1\n}\n',
    // Terragrunt: a unit whose source is a local module (`//`: the module inside the copied root), and one whose source is a git URL
    'live/modules/db/main.tf': `${replicas('count = 3')}\n${BUCKET}`,
    'live/prod/db/terragrunt.hcl': 'include "root" {\n  path = find_in_parent_folders()\n}\n\nterraform {\n  source = "../../modules//db"\n}\n\ninputs = {\n  env = "prod"\n}\n',
    'live/prod/vpc/terragrunt.hcl': 'terraform {\n  source = "git::https://github.com/acme/infra-modules.git//vpc?ref=v1.4.0"\n}\n',
    'live/root.hcl': 'remote_state {\n  backend = "s3"\n  config = {\n    bucket = "tf-state"\n    key    = "${path_relative_to_include()}/terraform.tfstate"\n  }\n}\n',
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
    // a literal count shrunk (3 to 2; a random_id's 2 to 1: a value, free), grown, or a variable (not known: not judged)
    'shrink/main.tf': `${replicas('count = 2')}\nresource "random_id" "suffix" {\n  count       = 1\n  byte_length = 4\n}\n`,
    'shrink/terraform.tfstate': state('aws_db_instance.replica[0,1,2]', 'random_id.suffix[0,1]'),
    'grow/main.tf': replicas('count = 3'),
    'grow/terraform.tfstate': state('aws_db_instance.replica[0,1]'),
    'computed/main.tf': `variable "replicas" {\n  type    = number\n  default = 3\n}\n\n${replicas('count = var.replicas')}`,
    'computed/terraform.tfstate': state('aws_db_instance.replica[0,1,2]'),
    // a literal set through a local lost a key; a map literal keeps both
    'keys/main.tf': BUCKETS('"logs"'),
    'keys/terraform.tfstate': state('aws_s3_bucket.data["logs","assets"]'),
    'mapkeys/terraform.tfstate': state('aws_s3_bucket.data["logs","assets"]'),
    // count = 0 on a block that had none: Terraform moves the instance to [0], which count = 0 destroys
    'zero/main.tf': replicas('count = 0', 'main'),
    'zero/terraform.tfstate': state('aws_db_instance.main'),
    // count added (a conditional: not known) keeps the instance as [0]; count taken away keeps [0] and destroys [1]
    'counted/main.tf': replicas('count = var.enabled ? 1 : 0', 'main'),
    'counted/terraform.tfstate': state('aws_db_instance.main'),
    'counted-one/main.tf': replicas('count = 1', 'main'),
    'counted-one/terraform.tfstate': state('aws_db_instance.main'),
    'uncounted/main.tf': replicas('', 'main'),
    'uncounted/terraform.tfstate': state('aws_db_instance.main[0,1]'),
    // for_each added (whatever its value): no implied move, the keyless instance goes, unless a moved block takes it
    'foreach-added/main.tf': replicas('for_each = var.databases', 'main'),
    'foreach-added/terraform.tfstate': state('aws_db_instance.main'),
    'foreach-moved/main.tf': `${replicas('for_each = toset(["orders"])', 'main')}\nmoved {\n  from = aws_db_instance.main\n  to   = aws_db_instance.main["orders"]\n}\n`,
    'foreach-moved/terraform.tfstate': state('aws_db_instance.main'),
    // the dropped index moved to a block of its own
    'moved-instance/main.tf': `${replicas('count = 2')}\n${replicas('', 'reporting')}\nmoved {\n  from = aws_db_instance.replica[2]\n  to   = aws_db_instance.reporting\n}\n`,
    'moved-instance/terraform.tfstate': state('aws_db_instance.replica[0,1,2]'),
    'json-count/main.tf.json': JSON.stringify({ resource: { aws_db_instance: { replica: { count: 1, engine: 'postgres' } } } }),
    'json-count/terraform.tfstate': state('aws_db_instance.replica[0,1]'),
    // a remote backend: HEAD's count = 3 stands for what was applied
    'remote-count/main.tf': `terraform {\n  backend "s3" {\n    bucket = "tf-state"\n    key    = "app.tfstate"\n  }\n}\n\n${replicas('count = 1')}`,
    'live/modules/db/main.tf': replicas('count = 2'),
    'modcount/main.tf': 'module "db" {\n  source = "./db"\n  count  = var.with_db ? 1 : 0\n}\n',
    'modcount/terraform.tfstate': state('module.db.aws_db_instance.this'),
    'modmoved/main.tf': 'module "db" {\n  source = "./db"\n  count  = var.with_db ? 1 : 0\n}\n\nmoved {\n  from = module.db\n  to   = module.db[0]\n}\n',
    'modmoved/terraform.tfstate': state('module.db.aws_db_instance.this'),
    'modzero/main.tf': 'module "vpc" {\n  source  = "terraform-aws-modules/vpc/aws"\n  version = "5.8.1"\n  count   = 1\n}\n\nmodule "rds" {\n  source  = "terraform-aws-modules/rds/aws"\n  version = "6.10.0"\n  count   = 0\n}\n',
    'modzero/terraform.tfstate': state('module.vpc[0].aws_vpc.this', 'module.rds[0].module.db_instance.aws_db_instance.this[0]'),
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
        // asked at a terminal (the plan shown first), a plan, a refresh: as before
        ['terraform -chdir=deleted apply', 'snapshot', 'overwrite-ignored'],
        // a saved plan is read since 2026-12-07 (terraform-plan.ts, saved-plans.test.ts): none there is refused
        ['terraform -chdir=deleted apply tfplan', 'deny', 'opaque-command'],
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
        // count and for_each (since 2026-12-07): an instance the block no longer makes is destroyed
        ['terraform -chdir=shrink apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.replica[2]', 'no longer makes', 'shrink/terraform.tfstate']],
        ['terraform -chdir=shrink apply -auto-approve -target=random_id.suffix', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=grow apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=computed apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=keys apply -auto-approve', 'deny', 'infra-destroy', ['aws_s3_bucket.data["assets"]']],
        ['terraform -chdir=mapkeys apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=zero apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.main']],
        ['terraform -chdir=counted apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=counted-one apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=uncounted apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.main[1]']],
        ['tofu -chdir=foreach-added apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.main:']],
        ['terraform -chdir=foreach-moved apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=moved-instance apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=json-count apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.replica[1]']],
        ['terraform -chdir=remote-count apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.replica[1], aws_db_instance.replica[2]', "HEAD's count or for_each"]],
        ['terraform -chdir=remote-count plan', 'allow', 'no-risk'],
        // a module call's own count: the module instance it no longer makes takes every resource in it
        ['terraform -chdir=modcount apply -auto-approve', 'deny', 'infra-destroy', ['module.db.aws_db_instance.this', 'module call']],
        ['terraform -chdir=modmoved apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        ['terraform -chdir=modzero apply -auto-approve', 'deny', 'infra-destroy', ['module.rds[0].module.db_instance.aws_db_instance.this']],
        ['terraform -chdir=modzero apply -auto-approve -target=module.vpc', 'snapshot', 'overwrite-ignored'],
        // Terragrunt (since 2026-12-07): the local module its source names, HEAD standing for what was applied
        ['cd live/prod/db && terragrunt apply -auto-approve', 'deny', 'infra-destroy', ['aws_s3_bucket.assets', 'aws_db_instance.replica[2]', 'live/modules/db']],
        ['terragrunt run --working-dir live/prod/db -- apply -auto-approve', 'deny', 'infra-destroy', ['aws_db_instance.replica[2]']],
        ['cd live/prod/db && terragrunt apply', 'snapshot', 'overwrite-ignored'],
        ['cd live/prod/db && terragrunt plan', 'allow', 'no-risk'],
        ['cd live/prod/vpc && terragrunt apply -auto-approve', 'snapshot', 'overwrite-ignored'],
        // Terragrunt's own options before the command (their value is no command word): main read `live/prod/db` as the command
        ['terragrunt --working-dir live/prod/db destroy', 'deny', 'infra-destroy', ['terragrunt destroy']],
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
      // a dropped instance: the way forward is the count back, or a moved block for it; through check-command too
      const shrunk = checkVerdict(t, 'terraform -chdir=shrink apply -auto-approve', { asAgent: true });
      expect(shrunk).toMatchObject({ verdict: 'deny', rule: 'infra-destroy' });
      expect(shrunk.instead).toContain('Put the count or for_each back');
      expect(shrunk.instead).toContain('moved { from = aws_db_instance.replica[2]  to = NEW }');
      expect(shrunk.reason).not.toContain('random_id');
      // count taken away: [0] becomes the keyless instance (Terraform's implied move), only [1] goes
      expect((await evaluatedVerdict(t, 'terraform -chdir=uncounted apply -auto-approve', { asAgent: true })).reason).not.toContain('main[0]');
    });
  }, 120_000);
});
