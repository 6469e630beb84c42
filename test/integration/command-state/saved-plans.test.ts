/**
 * `terraform apply PLANFILE` / `tofu apply PLANFILE` applies a saved plan with no prompt
 * (src/policy/command/terraform-plan.ts). Until 2026-12-07 it was free whatever the plan held:
 * `terraform plan -destroy -out=tfplan` then `terraform apply tfplan` destroyed every resource with
 * "no destructive command found". Now the plan's `tfplan` entry is read (its format version, the
 * planning mode, each change's address and action): a plan that destroys a resource that may hold
 * data is refused for an agent, one that destroys none is free, one guard cannot read is refused
 * with the way forward. The reader is checked against plans Terraform 1.11.4 wrote
 * (test/helpers/terraform-plans.ts) and, for resource types that need a provider, against plans
 * encoded here the way planfile.proto lays them out. Terraform is not run.
 */
import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readPlan } from '../../../src/policy/command/terraform-plan.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { DESTROY_PLAN, NOOP_PLAN, REPLACE_PLAN } from '../../helpers/terraform-plans.js';

/** A protobuf varint. */
function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return Buffer.from(out);
}

const field = (no: number, value: number | Buffer | string): Buffer =>
  typeof value === 'number' ? Buffer.concat([varint(no * 8), varint(value)]) : Buffer.concat([varint(no * 8 + 2), varint(Buffer.byteLength(value)), Buffer.from(value)]);

/** A tfplan message (planfile.proto): version 1, ui_mode 17, resource_changes 3 (addr 13, change 9 -> action 1), terraform_version 14. */
function tfplan(changes: Array<[address: string, action: number]>, options: { version?: number; destroyMode?: boolean } = {}): Buffer {
  return Buffer.concat([
    field(1, options.version ?? 3),
    ...(options.destroyMode ? [field(17, 1)] : []),
    ...changes.map(([address, action]) => field(3, Buffer.concat([field(13, address), field(8, 'provider["registry.terraform.io/hashicorp/aws"]'), field(9, action === 0 ? Buffer.alloc(0) : field(1, action))]))),
    field(14, '1.11.4'),
  ]);
}

/** A zip holding `entries` deflated (as terraform writes its plan files), CRCs left 0 (not read). */
function zip(entries: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(entries)) {
    const packed = deflateRawSync(data);
    const head = Buffer.alloc(30);
    head.writeUInt32LE(0x04034b50, 0);
    head.writeUInt16LE(20, 4);
    head.writeUInt16LE(8, 8);
    head.writeUInt32LE(packed.length, 18);
    head.writeUInt32LE(data.length, 22);
    head.writeUInt16LE(name.length, 26);
    const dir = Buffer.alloc(46);
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(8, 10);
    dir.writeUInt32LE(packed.length, 20);
    dir.writeUInt32LE(data.length, 24);
    dir.writeUInt16LE(name.length, 28);
    dir.writeUInt32LE(offset, 42);
    const local = Buffer.concat([head, Buffer.from(name), packed]);
    locals.push(local);
    central.push(Buffer.concat([dir, Buffer.from(name)]));
    offset += local.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(central.length, 8);
  end.writeUInt16LE(central.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const plan = (changes: Array<[string, number]>, options: { version?: number; destroyMode?: boolean } = {}): Buffer => zip({ tfplan: tfplan(changes, options), tfstate: Buffer.from('{}') });

describe('the saved-plan reader, on plans Terraform wrote', () => {
  it('reads the mode and each change: no-op, a destroy plan, a replace', () => {
    expect(readPlan(NOOP_PLAN)).toEqual({ destroyMode: false, changes: 2, destroys: [] });
    const destroy = readPlan(DESTROY_PLAN);
    expect(destroy).toMatchObject({ destroyMode: true, changes: 2 });
    expect('destroys' in destroy ? destroy.destroys.map((d) => d.address).sort() : destroy).toEqual(['terraform_data.a', 'terraform_data.b']);
    expect(readPlan(REPLACE_PLAN)).toEqual({ destroyMode: false, changes: 2, destroys: [{ address: 'terraform_data.b', type: 'terraform_data' }] });
  });

  it('reads what it cannot as unreadable, never as a plan without deletes', () => {
    expect(readPlan(Buffer.from('resource "x" "y" {}\n'))).toEqual({ unreadable: 'not a zip file' });
    expect(readPlan(plan([['aws_s3_bucket.b', 5]], { version: 4 }))).toMatchObject({ unreadable: expect.stringContaining('version 3') });
    expect(readPlan(zip({ tfstate: Buffer.from('{}') }))).toEqual({ unreadable: 'no tfplan entry in it' });
    // a field running past its message (a truncated or misread change)
    expect(readPlan(zip({ tfplan: Buffer.concat([field(1, 3), Buffer.from([0x1a, 0x40, 0x6a])]) }))).toMatchObject({ unreadable: expect.any(String) });
    // the real destroy plan with its tfplan entry cut short
    const cut = Buffer.from(DESTROY_PLAN);
    cut.fill(0, 40, 120);
    expect(readPlan(cut)).toMatchObject({ unreadable: expect.any(String) });
  });
});

describe('terraform apply PLANFILE', () => {
  it('refuses a saved plan that destroys what may hold data, and one it cannot read; a plan without deletes stays free', async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { '.gitignore': '*.tfstate\n*.tfstate.*\n.terraform/\n', 'infra/main.tf': 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n' });
      t.guard(['init', '--yes']);
      writeFiles(t, {
        'infra/destroy.tfplan': plan([['aws_s3_bucket.assets', 5], ['aws_db_instance.main', 5], ['random_id.suffix', 5]], { destroyMode: true }),
        'infra/replace.tfplan': plan([['module.db.aws_db_instance.this[0]', 6], ['aws_s3_bucket.assets', 0]]),
        'infra/create.tfplan': plan([['aws_s3_bucket.assets', 0], ['aws_s3_bucket.logs', 1], ['aws_iam_role.ci', 3]]),
        'infra/values.tfplan': plan([['random_id.suffix', 6], ['terraform_data.a', 5]]),
        'infra/tf-noop.tfplan': NOOP_PLAN,
        'infra/tf-destroy.tfplan': DESTROY_PLAN,
        'infra/v4.tfplan': plan([['aws_s3_bucket.assets', 1]], { version: 4 }),
        'infra/encrypted.tfplan': Buffer.from('{"meta":{"key_provider.pbkdf2.k":"..."},"encrypted_data":"..."}'),
      });
      const cwd = `${t.dir}/infra`;
      // through the real CLI once
      expect(checkVerdict(t, 'terraform apply destroy.tfplan', { asAgent: true, cwd })).toMatchObject({ verdict: 'deny', rule: 'infra-destroy', reason: expect.stringContaining('destroy plan that destroys aws_s3_bucket.assets, aws_db_instance.main') });
      expect(checkVerdict(t, 'terraform apply v4.tfplan', { asAgent: true, cwd }).instead).toContain('`terraform show v4.tfplan`');
      await expectEvaluatedTable(
        t,
        [
          ['terraform apply replace.tfplan', 'deny', 'infra-destroy', ['module.db.aws_db_instance.this[0]']],
          ['tofu apply -input=false destroy.tfplan', 'deny', 'infra-destroy', ['tofu apply destroy.tfplan']],
          ['cd .. && terraform -chdir=infra apply destroy.tfplan', 'deny', 'infra-destroy'],
          // nothing destroyed, or only values (random_id, terraform_data), as for -replace
          ['terraform apply create.tfplan', 'allow', 'no-risk'],
          ['terraform apply values.tfplan', 'allow', 'no-risk'],
          ['terraform apply tf-noop.tfplan', 'allow', 'no-risk'],
          ['terraform apply tf-destroy.tfplan', 'allow', 'no-risk'],
          // what guard cannot read is not free
          ['terraform apply v4.tfplan', 'deny', 'opaque-command', ['version 3']],
          ['tofu apply encrypted.tfplan', 'deny', 'opaque-command', ['not a zip file']],
          ['terraform apply nothere.tfplan', 'deny', 'opaque-command', ['no such file yet']],
          // the line makes the plan first (the file on disk is not what it applies): judged as that plan applied
          ['terraform plan -destroy -out=create.tfplan && terraform apply create.tfplan', 'deny', 'infra-destroy', ['the destroy plan the same line makes']],
          ['terraform plan -out=create.tfplan && terraform apply create.tfplan', 'allow', 'no-risk'],
          ['terraform -chdir=.. plan -out=infra/x.tfplan; terraform apply x.tfplan', 'allow', 'no-risk'],
          // a plan tofu makes and terraform applies: not read
          ['tofu plan -out=x.tfplan && terraform apply x.tfplan', 'deny', 'opaque-command', ['the same line writes it first']],
          // a plan made by its own command, then applied: read
          ['terraform plan -out=create.tfplan', 'allow', 'no-risk'],
          ['terraform show destroy.tfplan', 'allow', 'no-risk'],
        ],
        { cwd },
      );
    });
  });

  it('a plan the same line makes and applies is judged as `apply -auto-approve` with its options: a resource the configuration dropped is refused', async () => {
    await withTestRepo(async (t) => {
      const state = { version: 4, terraform_version: '1.11.4', serial: 3, lineage: 'l', outputs: {}, resources: ['aws_s3_bucket.assets', 'aws_db_instance.main'].map((a) => ({ mode: 'managed', type: a.split('.')[0], name: a.split('.')[1], provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ schema_version: 0, attributes: { id: a } }] })) };
      commitFiles(t, { '.gitignore': '*.tfstate\n*.tfstate.*\n.terraform/\n*.tfplan\n', 'infra/main.tf': 'resource "aws_s3_bucket" "assets" {\n  bucket = "acme-assets"\n}\n' });
      t.guard(['init', '--yes']);
      writeFiles(t, { 'infra/terraform.tfstate': JSON.stringify(state) });
      const cwd = `${t.dir}/infra`;
      // through the real CLI once
      expect(checkVerdict(t, 'terraform plan -out=tfplan && terraform apply tfplan', { asAgent: true, cwd })).toMatchObject({ verdict: 'deny', rule: 'infra-destroy', reason: expect.stringContaining('aws_db_instance.main') });
      await expectEvaluatedTable(
        t,
        [
          ['terraform plan -input=false -out=tfplan && terraform apply -input=false tfplan', 'deny', 'infra-destroy', ['aws_db_instance.main']],
          // the plan's own -target keeps the apply to the bucket: the state file captured first, as for any apply
          ['terraform plan -target=aws_s3_bucket.assets -out=tfplan && terraform apply tfplan', 'snapshot', 'overwrite-ignored', ['terraform.tfstate']],
        ],
        { cwd },
      );
    });
  });
});
