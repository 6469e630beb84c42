/**
 * Shell commands a cloud's agent runs on virtual machines: `aws ssm send-command --document-name
 * AWS-RunShellScript --parameters commands=[...]` (Systems Manager's Run Command, on every
 * instance its targets name), `az vm run-command invoke --command-id RunShellScript --scripts
 * ...` (and `az vm run-command create --script`, `az vmss run-command invoke`), and `az ssh vm ...
 * -- CMD` (OpenSSH's words after `--`). Until 2026-12-06 (late) they were "no destructive command
 * found" while the same `rm -rf /srv/app` through `ssh` was refused (remote-shell.ts, which
 * judges what these return as it judges ssh's command).
 *
 * Where the commands are a file (`--parameters file://params.json`, `--scripts @wipe.sh`), the
 * file is read from the repository; one guard cannot read is an unseen command (refused for an
 * agent, as `ssh h "$CMD"` is); one that is not there stops the CLI before it sends anything.
 * Windows documents (AWS-RunPowerShellScript, RunPowerShellScript) are not judged: PowerShell is
 * not read here (Known limits).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { optionValue } from './gnu-args.js';
import { readAt } from './server-frameworks.js';
import type { RemoteCommand, Unseen } from './remote-shell.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';

type Found = RemoteCommand | Unseen | 'unknown' | null;

/** Every word after `--name` up to the next option (az's lists: `--scripts "a" "b"`). */
function listOption(args: Field[], name: string): Field[] | undefined {
  const at = args.findIndex((a) => a.value === name);
  if (at === -1) return undefined;
  const rest = args.slice(at + 1);
  const end = rest.findIndex((a) => a.value !== null && a.value.startsWith('--'));
  return end === -1 ? rest : rest.slice(0, end);
}

/** A repository file's text: 'missing', null unreadable, undefined while being read. */
function fileText(inv: Invocation, rt: Runtime, name: string): string | 'missing' | null | undefined {
  const abs = resolvePath(name, inv.cwd);
  if (abs === null) return null;
  const found = readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
  return found === undefined || found === null || found === 'missing' ? found : found.text;
}

/** A string or list of strings as JSON holds it (`"commands": ["a", "b"]`), or null. */
function strings(value: unknown): string[] | null {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : null;
}

/**
 * The commands of SSM's `--parameters`: JSON (`{"commands":["..."],"workingDirectory":["/srv"]}`)
 * or the CLI's shorthand (`commands=["rm -rf /x"]`, `commands=uptime,df -h`); the working
 * directory becomes a `cd`. null where the text says no commands guard can read.
 */
function ssmParameters(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    try {
      const parsed = JSON.parse(trimmed) as Record<string, unknown>;
      const commands = strings(parsed.commands);
      if (commands === null) return null;
      const dir = strings(parsed.workingDirectory)?.[0];
      return `${dir ? `cd ${dir}\n` : ''}${commands.join('\n')}`;
    } catch {
      return null;
    }
  }
  const at = /(?:^|,)commands=/.exec(trimmed);
  if (at === null) return null;
  const rest = trimmed.slice(at.index + at[0].length);
  if (rest.startsWith('[')) {
    const end = rest.lastIndexOf(']');
    const inner = rest.slice(1, end === -1 ? undefined : end);
    try {
      const commands = strings(JSON.parse(`[${inner}]`));
      if (commands !== null) return commands.join('\n');
    } catch {
      // the shorthand's unquoted items: `commands=[uptime,df -h]`
    }
    return inner.split(',').join('\n');
  }
  // `commands=a,b,workingDirectory=/srv`: items up to the next key
  return rest.split(/,(?=\w+=)/)[0]!.split(',').join('\n');
}

/** `aws ssm send-command --document-name AWS-RunShellScript --parameters ...` */
export function ssmCommand(inv: Invocation, args: Field[], rt: Runtime): Found {
  if (args[0]?.value !== 'ssm' || args[1]?.value !== 'send-command') return null;
  const rest = args.slice(2);
  const document = optionValue(rest, ['--document-name']);
  if (document === undefined) return null;
  if (document === null) return 'unknown';
  if (!/^(?:arn:.*:document\/)?AWS-RunShellScript$/.test(document)) return null;
  const instances = optionValue(rest, ['--instance-ids']) ?? optionValue(rest, ['--targets']) ?? 'the targets';
  const host = `instances ${instances}`;
  const base = { where: `the ${host}`, host, files: true, stdin: false, env: new Map<string, string | null>(), configDir: null };
  const parameters = optionValue(rest, ['--parameters']);
  if (parameters === undefined) return null;
  if (parameters === null) return 'unknown';
  let text = parameters;
  if (text.startsWith('file://')) {
    const read = fileText(inv, rt, text.slice('file://'.length));
    if (read === undefined || read === 'missing') return null; // being read; a missing file stops the CLI
    if (read === null) return { unseen: `the parameters file ${text} is one guard cannot read`, host };
    text = read;
  }
  const script = ssmParameters(text);
  return script === null ? { unseen: 'its --parameters name no commands guard can read', host } : { ...base, script };
}

/**
 * `az vm run-command invoke --command-id RunShellScript --scripts CMD...` (`@FILE` a file),
 * `az vm run-command create --script CMD`, `az vmss run-command invoke ...`, and `az ssh vm ...
 * -- CMD` (handed to `ssh`'s reader with the VM as its host).
 */
export function azCommand(inv: Invocation, args: Field[], rt: Runtime, ssh: (args: Field[]) => RemoteCommand | 'unknown' | null): Found {
  const [a, b, c] = args.map((f) => f.value);
  const name = optionValue(args, ['--name', '-n']) ?? optionValue(args, ['--vm-name']) ?? optionValue(args, ['--ip']) ?? 'VM';
  if (a === 'ssh' && (b === 'vm' || b === 'arc')) {
    const dash = args.findIndex((f) => f.value === '--');
    if (dash === -1) return null;
    const found = ssh([{ value: name, display: name, glob: false, pattern: null, splittable: false }, ...args.slice(dash + 1)]);
    return found === null || found === 'unknown' ? found : { ...found, where: `the VM ${name}`, host: name };
  }
  if ((a !== 'vm' && a !== 'vmss') || b !== 'run-command' || (c !== 'invoke' && c !== 'create')) return null;
  const host = `${a === 'vmss' ? 'scale set' : 'VM'} ${name}`;
  const base = { where: `the ${host}`, host, files: true, stdin: false, env: new Map<string, string | null>(), configDir: null };
  if (c === 'invoke') {
    const id = optionValue(args, ['--command-id']);
    if (id !== 'RunShellScript') return id === null ? 'unknown' : null;
  }
  const words = listOption(args, c === 'invoke' ? '--scripts' : '--script');
  if (words === undefined || words.length === 0) return null;
  const lines: string[] = [];
  for (const word of words) {
    if (word.value === null) return 'unknown';
    if (!word.value.startsWith('@')) {
      lines.push(word.value);
      continue;
    }
    const read = fileText(inv, rt, word.value.slice(1));
    if (read === undefined || read === 'missing') return null; // being read; a missing file stops the CLI
    if (read === null) return { unseen: `the script file ${word.value.slice(1)} is one guard cannot read`, host };
    lines.push(read);
  }
  return { ...base, script: lines.join('\n') };
}
