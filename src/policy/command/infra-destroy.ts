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
 * docs/command-guard.md), except what terraform-apply.ts reads (since 2026-12-06, night: a
 * `terraform|tofu apply -auto-approve` destroying a resource of the local state, or of HEAD's
 * configuration with a remote backend, whose block was deleted), the saved plans
 * terraform-plan.ts and pulumi-plan.ts read (since 2026-12-07; `pulumi up --yes` is refused as
 * unseen there, `pulumi up --plan FILE` judged by the plan), and where the line itself names
 * what to replace (since 2026-12-06, late): `terraform apply -replace=ADDR`, `terraform taint ADDR` (the next apply replaces it) and
 * `pulumi up --replace|--target-replace URN` destroy that resource and create it anew, empty. Its
 * type is in the address (`module.db.aws_db_instance.main`, the URN's type token): the providers
 * that only compute values (`random_*`, `time_*`, `tls_*`, `null_resource`, `terraform_data`,
 * local files, Pulumi's `command` and `random`) stay free, as replacing them is how a provisioner
 * is re-run; any other type may hold data. Previews stay free: `terraform plan -destroy`,
 * `terraform plan -replace=ADDR`, `pulumi destroy --preview-only`, `pulumi preview --replace`,
 * `--help`.
 *
 * The same kind of line from the tools that deploy a whole environment without a state file in
 * the repository (since 2026-12-06, afternoon): AWS SAM's `sam delete` (the CloudFormation stack:
 * its tables, buckets), Amplify's `amplify delete` and `amplify env remove ENV` (Gen 1: the
 * project's or one environment's backend, auth users and tables with it) and `ampx sandbox
 * delete` (Gen 2: the personal sandbox, as `sst remove` deletes the personal stage), AWS
 * Copilot's `app|env|svc|job delete` (a service's storage addons go with it), `eksctl delete
 * cluster` and `kops delete cluster --yes` (without `--yes` kops only lists what would go), the
 * Azure Developer CLI's `azd down` (the environment's resource group) and Elastic Beanstalk's `eb
 * terminate` (a coupled RDS database goes by its default deletion policy). Each way forward
 * names the tool's own listing or backup where it has one. Local clusters (`kind delete
 * cluster`, `minikube delete`, `k3d cluster delete`) are left free on purpose (DECISIONS.md,
 * 2026-12-06 "Local clusters ..."), and per-resource deletes of a cloud CLI (`doctl`, `aws`,
 * `gcloud`) are remote-data.ts's.
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { makeVerdict, opaqueKind, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { TERRAFORM_VALUE_OPTIONS, TERRAGRUNT_VALUE_OPTIONS, TERRAGRUNT_WRAPPING } from './terraform-state.js';
import { PULUMI_VALUE_OPTIONS } from './pulumi-state.js';
import { classifyApplyRemovals, flagValues, VALUE_ONLY_TERRAFORM } from './terraform-apply.js';
import { classifySavedPlan } from './terraform-plan.js';
import { classifyPulumiUp, pulumiType, VALUE_ONLY_PULUMI } from './pulumi-plan.js';

/** Programs this module judges (commands.ts sends them here; terraform's and pulumi's with their state modules). */
export const INFRA_DESTROY_PROGRAMS = new Set(['terraform', 'tofu', 'terragrunt', 'pulumi', 'cdk', 'cdktf', 'sst', 'serverless', 'sls', 'sam', 'amplify', 'ampx', 'copilot', 'eksctl', 'kops', 'azd', 'eb']);

/** Options of cdk, cdktf, sst and serverless that take their value as the next word. */
const JS_TOOL_VALUE_OPTIONS = ['--app', '-a', '--profile', '--stage', '-s', '--region', '-r', '--config', '-c', '--context', '--output', '-o', '--role-arn', '--param'];

const HELP = /^(?:-h|--help|-help|help)$/;

/** Options that take their value as the next word, per tool (each tool's own reference). */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  sam: ['--stack-name', '--region', '--profile', '--config-file', '--config-env', '--s3-bucket', '--s3-prefix'],
  amplify: [],
  ampx: ['--profile', '--identifier', '--outputs-out-dir'],
  copilot: ['-n', '--name', '-a', '--app', '-e', '--env', '--env-profiles'],
  eksctl: ['-n', '--name', '-r', '--region', '-f', '--config-file', '-p', '--profile', '--timeout', '--parallel', '--pod-eviction-wait-period', '-C', '--color', '-v', '--verbose'],
  kops: ['--name', '--state', '--config', '-f', '--filename', '-v', '--v', '-o', '--output'],
  azd: ['-e', '--environment', '-C', '--cwd'],
  eb: ['--profile', '--region', '-r', '--timeout', '--endpoint-url'],
};

/** AWS Copilot's nouns whose `delete` deletes a CloudFormation stack holding data (`pipeline` and `task` hold none). */
const COPILOT_NOUNS = new Set(['app', 'application', 'env', 'environment', 'svc', 'service', 'job']);

/** What a line deletes, as the message says it, and the tool's own way to look first (null: the rule's). */
export interface InfraDestroyed {
  words: string;
  /** What goes, after "deletes". */
  what: string;
  instead: string | null;
}

const STACK = "the stack's cloud resources and the data they hold (databases, buckets, volumes)";
const CLUSTER = 'the cluster and what it holds (every namespace, secret and volume claim)';
const BACKUP = '`aws s3 sync s3://BUCKET ./backup`, a database snapshot';
const CLUSTER_BACKUP = 'back the volumes up (a VolumeSnapshot, Velero, `kubectl exec POD -- pg_dump ...`), then ask the person to run it';

/** The tools' own listings and backups: the way forward of each line. */
const INSTEAD: Readonly<Record<string, string>> = {
  sam: `Show what it would delete (\`sam list resources --stack-name STACK\`), back the data up (${BACKUP}, \`aws dynamodb create-backup\`), then ask the person to run it.`,
  amplify: `Show what it would delete (\`amplify status\`), back the data up (${BACKUP}, an export of the auth users), then ask the person to run it; to remove one category, \`amplify remove CATEGORY\` and let the person push.`,
  ampx: `Back the sandbox's data up (${BACKUP}), then ask the person to run it; stopping \`ampx sandbox\` without deleting keeps the sandbox.`,
  copilot: `Show what it would delete (\`copilot svc show --resources\`, \`copilot env show --resources\`), back the data up (${BACKUP}), then ask the person to run it.`,
  eksctl: `Show what it holds (\`kubectl get pvc -A\`), ${CLUSTER_BACKUP}.`,
  kops: `Run it without \`--yes\` (kops then only lists what it would delete), ${CLUSTER_BACKUP}.`,
  azd: `Show what it would delete (\`azd show\`, \`az resource list -g GROUP\`), back the data up (\`pg_dump\`, \`az storage blob download-batch\`, a database export), then ask the person to run it.`,
  eb: 'Set the environment database\'s deletion policy to Snapshot or Retain first (Database lifecycle, `eb config`), or take a snapshot (`aws rds create-db-snapshot`), then ask the person to run it.',
};

/** `sam delete`, `copilot svc delete`, `eksctl delete cluster` ...: the words of a whole-environment delete, or null. */
function environmentDeleted(program: string, args: Field[], values: string[]): string | null {
  const [first = '', second = ''] = operandWords(args, VALUE_OPTIONS[program] ?? []);
  switch (program) {
    case 'sam':
      return first === 'delete' ? 'sam delete' : null;
    case 'amplify':
      if (first === 'delete') return 'amplify delete';
      return first === 'env' && second === 'remove' ? 'amplify env remove' : null;
    case 'ampx':
      return first === 'sandbox' && second === 'delete' ? 'ampx sandbox delete' : null;
    case 'copilot':
      return COPILOT_NOUNS.has(first) && second === 'delete' ? `copilot ${first} delete` : null;
    case 'eksctl':
      return first === 'delete' && (second === 'cluster' || second === 'clusters') ? 'eksctl delete cluster' : null;
    case 'kops': {
      // Without --yes, `kops delete` only lists what it would delete.
      if (first !== 'delete' || !values.some((v) => /^(?:-y|--yes(?:=true)?)$/.test(v))) return null;
      if (second === 'cluster') return 'kops delete cluster --yes';
      // `kops delete -f FILE --yes`: whatever the file lists, a Cluster perhaps (the file is not read).
      return values.some((v) => /^(?:-f|--filename)(?:=.*)?$/.test(v)) ? 'kops delete -f --yes' : null;
    }
    case 'azd':
      return first === 'down' ? 'azd down' : null;
    case 'eb':
      return first === 'terminate' ? 'eb terminate' : null;
    default:
      return null;
  }
}

/** The words of the command that deletes a stack's resources, or null. */
export function infraDestroyed(program: string, args: Field[]): string | null {
  return destroyed(program, args)?.words ?? null;
}

/** What the command deletes, with the message's words and the tool's way forward, or null. */
export function destroyed(program: string, args: Field[]): InfraDestroyed | null {
  const values = args.map((a) => a.value).filter((v): v is string => v !== null);
  if (values.some((v) => HELP.test(v))) return null;
  if (program in VALUE_OPTIONS) {
    const words = environmentDeleted(program, args, values);
    if (words === null) return null;
    return { words, what: program === 'eksctl' || program === 'kops' ? CLUSTER : program === 'azd' ? "the environment's resource group and the data its resources hold (databases, storage accounts, Key Vaults)" : STACK, instead: INSTEAD[program] ?? null };
  }
  const words = iacDestroyed(program, args, values);
  if (words !== null) return { words, what: STACK, instead: null };
  return replaced(program, args, values);
}

/** The type of a Terraform address (`module.db.aws_db_instance.main[0]` -> aws_db_instance), or null. */
function terraformType(address: string): string | null {
  const parts = address.replace(/\[[^\]]*\]/g, '').split('.');
  // module.NAME pairs first, then TYPE.NAME
  let at = 0;
  while (parts[at] === 'module') at += 2;
  return parts.length - at === 2 ? (parts[at] as string) : null;
}

/** `terraform apply -replace=ADDR`, `terraform taint ADDR`, `pulumi up --replace URN`: the resources replaced, when one may hold data. */
function replaced(program: string, args: Field[], values: string[]): InfraDestroyed | null {
  let words: string;
  let targets: string[];
  let mayHoldData: (target: string) => boolean;
  if (program === 'terraform' || program === 'tofu' || program === 'terragrunt') {
    const [first = '', second = ''] = operandWords(args, program === 'terragrunt' ? TERRAGRUNT_VALUE_OPTIONS : TERRAFORM_VALUE_OPTIONS).filter((w) => program !== 'terragrunt' || !TERRAGRUNT_WRAPPING.has(w));
    if (first === 'apply') [words, targets] = [`${program} apply -replace`, flagValues(values, ['-replace', '--replace'])];
    else if (first === 'taint') [words, targets] = [`${program} taint`, second === '' ? [] : [second]];
    else return null;
    mayHoldData = (target) => !VALUE_ONLY_TERRAFORM.test(terraformType(target) ?? '');
  } else if (program === 'pulumi') {
    const [first = ''] = operandWords(args, PULUMI_VALUE_OPTIONS);
    if (!['up', 'update'].includes(first) || values.some((v) => /^--preview-only(?:=true)?$/.test(v))) return null;
    [words, targets] = [`pulumi ${first} --replace`, flagValues(values, ['--replace', '--target-replace'])];
    mayHoldData = (target) => !VALUE_ONLY_PULUMI.test(pulumiType(target) ?? '');
  } else return null;
  const held = targets.filter(mayHoldData);
  if (held.length === 0) return null;
  return {
    words,
    what: `${held.join(', ')}${words.endsWith('taint') ? ' at the next apply' : ''}: destroyed and created anew, so a database, bucket or disk comes back empty`,
    instead: program === 'pulumi'
      ? 'Show what it replaces (`pulumi preview --replace URN`), back the data up (a database snapshot, `pg_dump`, `aws s3 sync s3://BUCKET ./backup`), then ask the person to run it; to change the resource in place, change its configuration and run `pulumi up` without --replace.'
      : `Show what it replaces (\`${program} plan -replace=ADDR\`), back the data up (a database snapshot, \`pg_dump\`, \`aws s3 sync s3://BUCKET ./backup\`), then ask the person to run it; a mistaken taint is undone with \`${program} untaint ADDR\`.`,
  };
}

function iacDestroyed(program: string, args: Field[], values: string[]): string | null {
  switch (program) {
    case 'terraform':
    case 'tofu':
    case 'terragrunt': {
      const words = operandWords(args, program === 'terragrunt' ? TERRAGRUNT_VALUE_OPTIONS : TERRAFORM_VALUE_OPTIONS).filter((w, i, all) => program !== 'terragrunt' || !(TERRAGRUNT_WRAPPING.has(w) && i < all.length - 1));
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

/** Each tool's options that take their value as the next word, for finding its subcommand. */
function valueOptions(program: string): readonly string[] {
  if (program === 'terraform' || program === 'tofu') return TERRAFORM_VALUE_OPTIONS;
  if (program === 'terragrunt') return TERRAGRUNT_VALUE_OPTIONS;
  if (program === 'pulumi') return PULUMI_VALUE_OPTIONS;
  return VALUE_OPTIONS[program] ?? JS_TOOL_VALUE_OPTIONS;
}

/**
 * The word standing where the subcommand goes that guard cannot see (`terraform $CMD`, `tofu
 * "$SUB" -auto-approve`, `terragrunt run-all $1`), as typed, or null. A word that starts with a
 * dash as typed (`-chdir="$DIR"`) is an option; the value of an option that takes one is skipped.
 * Since 2026-12-07 (helper holes4): before, operandWords skipped the unknown word and the line was
 * free, whatever the variable held (`destroy`).
 */
function unseenSubcommand(program: string, args: Field[]): string | null {
  const valued = valueOptions(program);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Field;
    if (arg.value === null) return /^["']?-/.test(arg.display) ? null : arg.display;
    if (arg.value.startsWith('-')) {
      if (valued.includes(arg.value)) i++;
      continue;
    }
    // Terragrunt's `run-all CMD`, `run -- CMD`: the subcommand is the word after.
    if (program === 'terragrunt' && (TERRAGRUNT_WRAPPING.has(arg.value) || arg.value === '--')) continue;
    return null;
  }
  return null;
}

/** Each tool's subcommand that only shows what would change, for the way forward. */
const LOOK_FIRST: Readonly<Record<string, string>> = { terraform: 'plan', tofu: 'plan', terragrunt: 'plan', pulumi: 'preview', cdk: 'diff', cdktf: 'diff', sst: 'diff', serverless: 'info', sls: 'info', amplify: 'status' };

/**
 * Refuses (an agent) or asks about (a person) a line that deletes a stack's cloud resources.
 * `wordsOnly` (on another machine or in a container, since 2026-12-07, holes5): the words typed
 * alone, as the files there (a saved plan, the state, the configuration) are unseen.
 */
export function classifyInfraDestroy(inv: Invocation, program: string, args: Field[], rt: Runtime, wordsOnly = false): void {
  const unseen = args.some((a) => a.value !== null && HELP.test(a.value)) ? null : unseenSubcommand(program, args);
  if (unseen !== null) {
    rt.report(makeVerdict(opaqueKind(rt.ctx.isAgent), 'opaque-command', `${program} is given ${unseen}, which guard cannot see, where its subcommand goes: it may be the one that deletes the stack's cloud resources and the data they hold`, inv.source, `Write the subcommand on the line (\`${program} ${LOOK_FIRST[program] ?? 'SUBCOMMAND'}\`), so guard judges what it does; a destroy is for the person to run.`));
    return;
  }
  const found = destroyed(program, args);
  if (found === null && wordsOnly) return;
  // `terraform apply tfplan`: the saved plan's own changes (terraform-plan.ts)
  if (found === null && classifySavedPlan(inv, program, args, rt)) return;
  // `pulumi up --yes`, `pulumi up --plan FILE`: the update plan read, or the program's changes unseen (pulumi-plan.ts)
  if (found === null && program === 'pulumi') return classifyPulumiUp(inv, args, rt);
  // `terraform apply -auto-approve` after a resource block was deleted: judged from the state and the configuration (terraform-apply.ts)
  if (found === null) return classifyApplyRemovals(inv, program, args, rt);
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'infra-destroy', `${found.words} deletes ${found.what}, outside the repository, where no snapshot holds them`, inv.source, found.instead ?? undefined));
}
