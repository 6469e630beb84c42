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
 *
 * The documents and commands whose code is the caller's but not shell (2026-12-07; until then
 * they were free): PowerShell (AWS-RunPowerShellScript, az's RunPowerShellScript), a script or
 * document fetched from S3, GitHub or a URL (AWS-RunRemoteScript, AWS-RunDocument, az's
 * `--script-uri`), a playbook, Salt state, Chef recipe, DSC MOF or docker action (AWS-
 * RunAnsiblePlaybook, AWS-ApplyAnsiblePlaybooks, AWS-RunSaltState, AWS-ApplyChefRecipes,
 * AWS-ApplyDSCMofs, AWS-RunDockerAction): guard reads none of it, so each is an unseen command,
 * refused for an agent and asked of a person as `ssh h "$CMD"` is (DECISIONS.md, 2026-12-07).
 * PowerShell made only of commands that read (Get-*, Test-Path, Select-Object, Format-Table ...,
 * piped or on lines of their own, with no script block, subexpression, variable or redirection:
 * readOnlyPowerShell) stays free without a parser. The other documents (AWS-RunPatchBaseline,
 * AWS-UpdateSSMAgent, AWS-ConfigureAWSPackage ..., and an account's own document, which guard
 * cannot see any more than a script named on a remote machine, `ssh h ./deploy.sh`) stay free.
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

/** AWS-managed documents that run code the caller gives them, in a language guard does not read or from a place it cannot see. */
const SSM_FOREIGN_CODE: Readonly<Record<string, string>> = {
  'AWS-RunPowerShellScript': 'PowerShell',
  'AWS-RunRemoteScript': 'a script it downloads (sourceInfo)',
  'AWS-RunDocument': 'a document it downloads (sourceInfo)',
  'AWS-RunAnsiblePlaybook': 'an Ansible playbook from its parameters',
  'AWS-ApplyAnsiblePlaybooks': 'Ansible playbooks it downloads',
  'AWS-RunSaltState': 'a Salt state it downloads',
  'AWS-ApplyChefRecipes': 'Chef recipes it downloads',
  'AWS-ApplyDSCMofs': 'DSC MOF files it downloads',
  'AWS-RunDockerAction': 'a docker action from its parameters',
};

/** Commands that only read, as PowerShell's first word of a pipeline stage (case-insensitive). */
const POWERSHELL_READS = /^(?:get-[a-z]+|test-(?:path|connection|netconnection)|select-(?:object|string)|where-object|sort-object|group-object|measure-object|format-(?:table|list|wide)|out-string|convertto-(?:json|csv|html)|write-(?:output|host)|hostname(?:\.exe)?|whoami(?:\.exe)?|ipconfig(?:\.exe)?|systeminfo(?:\.exe)?|netstat(?:\.exe)?|tasklist(?:\.exe)?|ping(?:\.exe)?|nslookup(?:\.exe)?)$/i;

/**
 * Whether PowerShell text only reads, as far as guard can tell without a PowerShell parser:
 * statements (lines, `;`) of pipeline stages (`|`) that each begin with a command of
 * POWERSHELL_READS, and none of the characters that would nest other code or write a file
 * (script blocks `{}`, subexpressions `$()` and `@()`, parentheses, variables, `[Type]::Method`,
 * redirections, `&` calls, backtick escapes). Anything else is code guard cannot read.
 */
export function readOnlyPowerShell(text: string): boolean {
  const code = text.split(/\r?\n/).filter((line) => !/^\s*#/.test(line)).join('\n');
  if (/[`$@{}()[\]<>&]/.test(code)) return false;
  const stages = code.split(/[;\n|]/).map((s) => s.trim()).filter((s) => s !== '');
  return stages.length > 0 && stages.every((stage) => POWERSHELL_READS.test(stage.split(/\s+/)[0] as string));
}

/** The way forward for PowerShell guard does not let through. */
const POWERSHELL_INSTEAD = 'Send only commands that read (`Get-*`, `Test-Path`, `Select-Object`, `Format-Table`, with no script block, variable or redirection) for guard to let it through, or the shell commands of AWS-RunShellScript (RunShellScript on az), which guard judges; else ask the person to run it.';

/** The commands of send-command's `--parameters` (inline or a file://), as one script; null where there are none (the CLI fails). */
function ssmScript(inv: Invocation, rest: Field[], rt: Runtime, host: string): string | Unseen | 'unknown' | null {
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
  return script === null ? { unseen: 'its --parameters name no commands guard can read', host } : script;
}

/** `aws ssm send-command --document-name AWS-RunShellScript --parameters ...` */
export function ssmCommand(inv: Invocation, args: Field[], rt: Runtime): Found {
  if (args[0]?.value !== 'ssm' || args[1]?.value !== 'send-command') return null;
  const rest = args.slice(2);
  const document = optionValue(rest, ['--document-name']);
  if (document === undefined) return null;
  if (document === null) return 'unknown';
  const name = document.replace(/^arn:.*:document\//, '');
  const foreign = SSM_FOREIGN_CODE[name];
  if (name !== 'AWS-RunShellScript' && foreign === undefined) return null;
  const instances = optionValue(rest, ['--instance-ids']) ?? optionValue(rest, ['--targets']) ?? 'the targets';
  const host = `instances ${instances}`;
  if (foreign !== undefined) {
    const powershell = name === 'AWS-RunPowerShellScript';
    if (powershell) {
      const script = ssmScript(inv, rest, rt, host);
      if (typeof script !== 'string') return script;
      if (readOnlyPowerShell(script)) return null;
    }
    return { unseen: `the document ${name} runs ${foreign}, which guard does not read`, host, instead: powershell ? POWERSHELL_INSTEAD : 'Put the commands on the line with AWS-RunShellScript (`--parameters commands=[...]`), whose commands guard judges; or ask the person to run it.' };
  }
  const script = ssmScript(inv, rest, rt, host);
  return typeof script === 'string' ? { where: `the ${host}`, host, files: true, stdin: false, env: new Map<string, string | null>(), configDir: null, script } : script;
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
  if ((a !== 'vm' && a !== 'vmss') || b !== 'run-command' || (c !== 'invoke' && c !== 'create' && c !== 'update')) return null;
  const host = `${a === 'vmss' ? 'scale set' : 'VM'} ${name}`;
  const base = { where: `the ${host}`, host, files: true, stdin: false, env: new Map<string, string | null>(), configDir: null };
  let powershell = false;
  if (c === 'invoke') {
    const id = optionValue(args, ['--command-id']);
    if (id === null) return 'unknown';
    powershell = id === 'RunPowerShellScript';
    if (id !== 'RunShellScript' && !powershell) return null; // the built-in commands (ifconfig, RDPSettings ...) do fixed jobs
  } else {
    // a managed run command's script downloaded from a blob or URL: code guard cannot see
    const uri = optionValue(args, ['--script-uri']);
    if (uri !== undefined) return { unseen: `the script it runs is downloaded from ${uri ?? 'a URL'} (--script-uri), which guard cannot see`, host, instead: 'Give the commands with `--script "..."` (or `@FILE` from the repository), which guard judges; or ask the person to run it.' };
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
  if (powershell) return readOnlyPowerShell(lines.join('\n')) ? null : { unseen: 'RunPowerShellScript runs PowerShell, which guard does not read', host, instead: POWERSHELL_INSTEAD };
  return { ...base, script: lines.join('\n') };
}
