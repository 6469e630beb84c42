/**
 * Infrastructure-as-code tools that delete every resource of a stack in one line: `terraform
 * destroy` (and `apply -destroy`, OpenTofu's and Terragrunt's), `pulumi destroy`, `cdk destroy`,
 * `cdktf destroy`, `sst remove`, `serverless remove`. Until 2026-12-06 they were judged only for
 * the local state they rewrite (terraform-state.ts, pulumi-state.ts capture it first), and the
 * resources themselves were left out on purpose: "the program and the captured state are what the
 * person needs to recreate them". That holds for what the program creates, not for what the
 * resources held: a managed database's rows, a bucket's objects, a volume's files, the provider's
 * own automated backups that go with the instance. Recreated, they come back empty. Deleting the
 * same database by hand (`aws rds delete-db-instance`) is refused for an agent (remote-data.ts),
 * so the tool that deletes it along with everything else is too: `infra-destroy`, refused for an
 * agent and asked of a person; the state capture still runs first for whoever goes ahead.
 *
 * Read from the words typed. `terraform apply` and `pulumi up` can also replace or delete
 * resources, which only a plan says (guard runs neither tool): not judged here (Known limits,
 * docs/command-guard.md). Previews stay free: `terraform plan -destroy`, `pulumi destroy
 * --preview-only`, `--help`.
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { TERRAFORM_VALUE_OPTIONS, TERRAGRUNT_WRAPPING } from './terraform-state.js';
import { PULUMI_VALUE_OPTIONS } from './pulumi-state.js';

/** Programs this module judges (commands.ts sends them here; terraform's and pulumi's with their state modules). */
export const INFRA_DESTROY_PROGRAMS = new Set(['terraform', 'tofu', 'terragrunt', 'pulumi', 'cdk', 'cdktf', 'sst', 'serverless', 'sls']);

/** Options of cdk, cdktf, sst and serverless that take their value as the next word. */
const JS_TOOL_VALUE_OPTIONS = ['--app', '-a', '--profile', '--stage', '-s', '--region', '-r', '--config', '-c', '--context', '--output', '-o', '--role-arn', '--param'];

const HELP = /^(?:-h|--help|-help|help)$/;

/** The words of the command that deletes a stack's resources, or null. */
export function infraDestroyed(program: string, args: Field[]): string | null {
  const values = args.map((a) => a.value).filter((v): v is string => v !== null);
  if (values.some((v) => HELP.test(v))) return null;
  switch (program) {
    case 'terraform':
    case 'tofu':
    case 'terragrunt': {
      const words = operandWords(args, TERRAFORM_VALUE_OPTIONS).filter((w, i, all) => program !== 'terragrunt' || !(TERRAGRUNT_WRAPPING.has(w) && i < all.length - 1));
      if (words[0] === 'destroy') return `${program} destroy`;
      const destroyFlag = values.some((v) => /^--?destroy(?:=true)?$/.test(v));
      if (words[0] === 'apply' && destroyFlag) return `${program} apply -destroy`;
      return null;
    }
    case 'pulumi': {
      if (values.some((v) => /^--preview-only(?:=true)?$/.test(v))) return null;
      const [first = ''] = operandWords(args, PULUMI_VALUE_OPTIONS);
      return ['destroy', 'down', 'dn'].includes(first) ? `pulumi ${first}` : null;
    }
    case 'cdk':
    case 'cdktf': {
      const [first = ''] = operandWords(args, JS_TOOL_VALUE_OPTIONS);
      return first === 'destroy' ? `${program} destroy` : null;
    }
    case 'sst':
    case 'serverless':
    case 'sls': {
      const [first = ''] = operandWords(args, JS_TOOL_VALUE_OPTIONS);
      return first === 'remove' ? `${program} remove` : null;
    }
    default:
      return null;
  }
}

/** Refuses (an agent) or asks about (a person) a line that deletes a stack's cloud resources. */
export function classifyInfraDestroy(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const what = infraDestroyed(program, args);
  if (what === null) return;
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'infra-destroy', `${what} deletes the stack's cloud resources and the data they hold (databases, buckets, volumes), outside the repository, where no snapshot holds them`, inv.source));
}
