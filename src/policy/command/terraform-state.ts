/**
 * Terraform, OpenTofu and Terragrunt commands that rewrite the state. With the local backend
 * (the default, and every module's examples/), the state is `terraform.tfstate` beside the
 * configuration (`terraform.tfstate.d/NAME/` per workspace), ignored by every Terraform
 * .gitignore (`*.tfstate`, `*.tfstate.*`) and not regenerable: it maps the configuration to the
 * real resources, and without it `terraform destroy` cannot find them nor `apply` avoid
 * creating them twice. Terraform keeps one `.tfstate.backup`, which the next write replaces.
 * The sweep of 2026-12-05 evening (docs/FRICTION.md, "Infrastructure as code and JavaScript
 * monorepos") found `terraform state rm X`, `apply`, `destroy`, `import`, `workspace delete`,
 * `init -migrate-state` "allow: no destructive command found" on a clone of
 * terraform-aws-modules/terraform-aws-s3-bucket with a state from a real `terraform apply`.
 *
 * Now these capture the repository's ignored `*.tfstate` and `*.tfstate.*` files first (a
 * `backend "local" { path = "../state/x.tfstate" }` can put it anywhere in the repository, so
 * the whole repository's are judged, as databases.ts judges every ignored database for a
 * migration). What they do to real infrastructure is outside every snapshot (a remote backend's
 * state too: `.terraform/terraform.tfstate` then only names the backend, and `.terraform` is
 * regenerable output, `terraform init` writes it again). Reading commands stay free (`plan`,
 * `show`, `output`, `state list|show|pull`, `validate`, `fmt`, `init` without a state migration).
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { type Invocation, type Runtime } from './runtime.js';
import { captureIgnoredNamed } from './ignored-by-name.js';

/** Programs this module judges (commands.ts sends them here). */
export const TERRAFORM_PROGRAMS = new Set(['terraform', 'tofu', 'terragrunt']);

/** Names a local state goes by: the state, its `.backup`, a workspace's, `-state-out` copies. */
const STATE_NAME_PATTERNS = ['*.tfstate', '*.tfstate.*'];

/** The way forward when the state files are larger than guard captures before a command. */
export const TERRAFORM_OVER_BOUND =
  'Save the state first (`terraform state pull > /tmp/terraform.tfstate.bak`), then run the command; or ask the person to raise commands.maxIgnoredCapture.';

/** Options that take their value as the next word (Go's flag package reads `-var x=1` and `-var=x=1`). */
export const TERRAFORM_VALUE_OPTIONS = ['-var', '-var-file', '-target', '-replace', '-exclude', '-state', '-state-out', '-backup', '-lock-timeout', '-parallelism', '-backend-config', '-plugin-dir', '-out', '-from-module', '-generate-config-out', '-provider', '-config']
  .flatMap((o) => [o, `-${o}`]);

/** Terragrunt's options that take a value (its own, old and new names, and Terraform's). */
export const TERRAGRUNT_VALUE_OPTIONS = [
  ...TERRAFORM_VALUE_OPTIONS,
  ...['working-dir', 'terragrunt-working-dir', 'config', 'terragrunt-config', 'tf-path', 'terragrunt-tfpath', 'log-level', 'terragrunt-log-level', 'download-dir', 'terragrunt-download-dir', 'source', 'terragrunt-source', 'iam-assume-role', 'terragrunt-iam-role', 'queue-include-dir', 'queue-exclude-dir', 'terragrunt-include-dir', 'terragrunt-exclude-dir', 'parallelism', 'terragrunt-parallelism', 'source-map', 'terragrunt-source-map'].map((o) => `--${o}`),
];

/** Terragrunt's words that only say how it runs the Terraform command after them. */
export const TERRAGRUNT_WRAPPING = new Set(['run-all', 'run', 'stack', 'exec']);

/** The command (words) that rewrite the state, or null where it reads or changes nothing local. */
export function terraformStateChanges(program: string, args: Field[]): string | null {
  if (args.some((a) => a.value !== null && /^--?(help|h)$/.test(a.value))) return null;
  const words = operandWords(args, program === 'terragrunt' ? TERRAGRUNT_VALUE_OPTIONS : TERRAFORM_VALUE_OPTIONS).filter((w, i, all) => program !== 'terragrunt' || !(TERRAGRUNT_WRAPPING.has(w) && i < all.length - 1));
  const [first = '', second = ''] = words;
  const has = (flag: string): boolean => args.some((a) => a.value === flag || a.value === `-${flag}` || a.value?.startsWith(`${flag}=`) === true);
  switch (first) {
    case 'apply':
    case 'destroy':
    case 'import':
    case 'refresh':
    case 'taint':
    case 'untaint':
      return `${program} ${first}`;
    case 'state':
      return ['rm', 'mv', 'push', 'replace-provider'].includes(second) ? `${program} state ${second}` : null;
    case 'workspace':
      return second === 'delete' ? `${program} workspace delete` : null;
    case 'init':
      // a backend change copies the state into the new backend and empties the old one
      return has('-migrate-state') || has('-force-copy') ? `${program} init -migrate-state` : null;
    default:
      return null;
  }
}

/** Captures the repository's ignored state files before a command that rewrites the state. */
export function classifyTerraform(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const what = terraformStateChanges(program, args);
  if (what !== null) captureIgnoredNamed(inv, rt, STATE_NAME_PATTERNS, `${what} rewrites the Terraform state`, TERRAFORM_OVER_BOUND);
}
