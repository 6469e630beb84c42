/**
 * Pulumi commands that rewrite a stack's state. Pulumi's DIY file backend keeps it in files:
 * `pulumi login file://DIR` stores every stack under `DIR/.pulumi/` (`stacks/PROJECT/STACK.json`
 * and its `.json.bak`, `history/`, `backups/`, `locks/`, `meta.yaml`; Pulumi's "Using a DIY
 * backend"), `pulumi login --local` is `file://~` (`~/.pulumi`, outside the repository). A project
 * that keeps its state beside the code (`pulumi login file://.`, `backend: url: file://.` in
 * Pulumi.yaml, `PULUMI_BACKEND_URL=file://.`) has `.pulumi/` in the repository, ignored, and not
 * regenerable: it maps the program to the real resources, as a `terraform.tfstate` does. The
 * sweep of 2026-12-05 evening left it open (docs/FRICTION.md, "Infrastructure as code and
 * JavaScript monorepos": `pulumi destroy`, `stack rm`, `state delete` "no destructive command").
 *
 * Which backend a command uses cannot be read from the line: `pulumi login file://.` typed in an
 * earlier session is stored as written (relative) in ~/.pulumi/credentials.json and resolved
 * against each later command's directory (pkg/backend/diy massageBlobPath). So the repository's
 * ignored files under any directory named `.pulumi` are captured first, wherever the backend
 * URL that put them there was written (docs/DECISIONS.md, "State outside the repository").
 * A cloud or `~` backend leaves none in the repository: nothing to capture, and Pulumi keeps its
 * own checkpoint backups there. Reading commands stay free (`preview`, `stack ls|output|export|
 * history|select`, `config`, `about`, `whoami`, `login`, `--preview-only`, `--help`).
 */
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import type { Invocation, Runtime } from './runtime.js';
import { captureIgnoredNamed } from './ignored-by-name.js';

/** The way forward when the state files are larger than guard captures before a command. */
export const PULUMI_OVER_BOUND =
  'Save the state first (`pulumi stack export --file /tmp/stack.json`; `pulumi stack import --file` brings it back), then run the command; or ask the person to raise commands.maxIgnoredCapture.';

/** Options of the pulumi CLI (global and of its state commands) that take their value as the next word. */
export const PULUMI_VALUE_OPTIONS = [
  '-C', '--cwd', '--color', '-v', '--verbose', '--tracing', '--profiling', '--memprofilerate', '-s', '--stack', '--config-file',
  '-t', '--target', '--exclude', '--replace', '-m', '--message', '-p', '--parallel', '--secrets-provider', '--policy-pack',
  '--policy-pack-config', '-c', '--config', '--plan', '--file', '--from', '-o', '--out', '--parent', '--provider', '--dest',
  '--source', '--client', '--exec-kind', '--exec-agent',
];

/** Top-level commands that update the state (with their aliases). */
const UPDATING = new Set(['up', 'update', 'destroy', 'down', 'dn', 'refresh', 'import', 'cancel', 'watch']);
/** `pulumi stack X` that deletes or rewrites a stack's state. */
const STACK_UPDATING = new Set(['rm', 'remove', 'rename', 'import', 'change-secrets-provider']);
/** `pulumi state X`: every subcommand writes but `state` alone (help). */
const STATE_READING = new Set(['', 'help']);

/** The command (words) that rewrites the state, or null where it reads or changes nothing local. */
export function pulumiStateChanges(args: Field[]): string | null {
  if (args.some((a) => a.value !== null && /^(-h|--help|--preview-only(=true)?)$/.test(a.value))) return null;
  const [first = '', second = ''] = operandWords(args, PULUMI_VALUE_OPTIONS);
  if (UPDATING.has(first)) return `pulumi ${first}`;
  if (first === 'stack' && STACK_UPDATING.has(second)) return `pulumi stack ${second}`;
  if (first === 'state' && !STATE_READING.has(second)) return `pulumi state ${second}`;
  return null;
}

/** Captures the repository's ignored Pulumi state (`.pulumi/`) before a command that rewrites it. */
export function classifyPulumi(inv: Invocation, args: Field[], rt: Runtime): void {
  const what = pulumiStateChanges(args);
  if (what !== null) captureIgnoredNamed(inv, rt, ['.pulumi'], `${what} rewrites the Pulumi state`, PULUMI_OVER_BOUND);
}
