/**
 * Commands run on another machine: `ssh HOST CMD`, `heroku run CMD` (a one-off dyno of the app,
 * with its config vars), `fly ssh console -C CMD` (a running Machine of the app), and `rsync
 * --delete` into `HOST:PATH`. Until 2026-12-06 (late) the command was never judged: `ssh prod
 * "rm -rf /var/www/app"`, `heroku run rails db:schema:load -a app` and `rsync -a --delete ./x/
 * prod:/srv/data/` were "no destructive command found", while the same deletion in a pod
 * (`kubectl exec POD -- rm -rf /data`) is refused. A remote machine's files and its database are
 * outside the repository and every snapshot.
 *
 * The remote command is judged twice, as a pod's is (container-exec.ts): the data rules with
 * every path the remote's (what it sends a database server: `psql -c 'DROP ...'`, `rails
 * db:drop`), and the file rules with every path the remote's and unseen (CommandContext.
 * unseenFiles: a write that could replace a file counts as replacing one; unseen-files.ts), their
 * verdicts reworded as `remote-host-delete`. The remote's /tmp, /var/tmp and /dev/shm stay free,
 * as do reads, appends and edits in place.
 *
 * ssh sends its command words joined by spaces to the remote user's shell, which parses them
 * again: `ssh h rm -rf '/a b'` deletes /a and b, and the string is judged so. A dyno's files are
 * thrown away when it exits: `heroku run` is judged by the data rules alone, with `DATABASE_URL`
 * set to the app's database, as Heroku sets it: `heroku run rails db:reset` is a server's reset.
 * Every framework's reset there is the app's Postgres (HEROKU_DATABASE_URL); on any other machine
 * it is "the project's database there" (UNSEEN_DATABASE_URL): the frameworks that read no
 * DATABASE_URL (Django, Symfony, Ecto, Flyway, EF Core ...) ask server-frameworks.ts unseenProject
 * where they would read their configuration (until 2026-12-07 only Rails, Laravel and Prisma were
 * judged there; `ssh prod "python manage.py flush --noinput"` was free). A Machine's volumes keep their files: `fly ssh console -C`
 * and `fly machine exec ID CMD` get both passes; `fly console -C CMD` starts a new Machine of the app's image and
 * secrets that is thrown away after: the data rules alone, as for a dyno (both since 2026-12-07).
 */
import type { Field } from './expand.js';
import { CONTAINER_FS, hostStdin, mapScript } from './container-run.js';
import { type GnuGrammar, optionValue, scanGnuArgs } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { judgeUnseenFiles, scratchUnder } from './unseen-files.js';
import { HEROKU_DATABASE_URL, UNSEEN_DATABASE_URL } from './server-frameworks.js';
import { RAILWAY_DATABASE_URL } from './runners.js';
import { azCommand, ssmCommand } from './cloud-run-command.js';
import { classifyAnsiblePlaybook } from './ansible-playbook.js';
import path from 'node:path';
import { argsParams, type LocalFile, localFileName, type ModuleCall, moduleScript, readLocalFile } from './ansible-modules.js';

/** The remote's temp directories (mapped): what runs there deletes and writes them freely. */
const REMOTE_SCRATCH = scratchUnder(CONTAINER_FS);

/** The remote user's home (mapped): where a relative path lands, and `~`. */
const REMOTE_HOME = `${CONTAINER_FS}/root`;

/** OpenSSH's options that take a value (ssh(1)): the first other word is the host; options may follow it. */
const SSH_VALUES = new Set(['B', 'b', 'c', 'D', 'E', 'e', 'F', 'I', 'i', 'J', 'L', 'l', 'm', 'O', 'o', 'p', 'Q', 'R', 'S', 'W', 'w']);

/** heroku run's options (`heroku run --help`). */
const HEROKU_RUN: GnuGrammar = { shortValues: 'aser', longValues: ['app', 'size', 'env', 'remote', 'type'], longFlags: ['exit-code', 'no-tty', 'no-notify'], inline: true, prefixes: false, missing: null };

/** What guard could not read of a remote command: why, and where it runs. */
export interface Unseen {
  unseen: string;
  host: string;
  /** The way forward, where writing the command out is not it (a playbook). */
  instead?: string;
}

/** What runs where: the remote command as shell code, the host as typed, whether its files persist. */
export interface RemoteCommand {
  script: string;
  where: string;
  /** The host or app as typed, for the way forward. */
  host: string;
  files: boolean;
  /** The line's stdin reaches the remote command (ssh without -n). */
  stdin: boolean;
  env: Map<string, string | null>;
  /** The frameworks' configuration: the repository the app is built from, or unknown. */
  configDir: string | null;
  /** The remote's scratch directories besides /tmp, /var/tmp and /dev/shm (an Android device's /data/local/tmp). */
  scratch?: string[];
}

/** `ssh [OPTIONS] HOST [OPTIONS] [--] CMD ...`, null without a command (a login, a tunnel). */
function sshCommand(args: Field[]): RemoteCommand | null | 'unknown' {
  let host: string | undefined;
  let stdin = true;
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    // a host guard cannot see (`ssh "$HOST" rm -rf /srv/data`) is still another machine
    if (w === null && host === undefined) {
      host = args[i]!.display;
      continue;
    }
    if (w === null) return remoteOf(args.slice(i));
    if (w === '--' && host !== undefined) return remoteOf(args.slice(i + 1));
    if (w.startsWith('-') && w.length > 1) {
      // a cluster of flags, the last maybe taking a value (`-tp 22`, `-p22`)
      for (let j = 1; j < w.length; j++) {
        if (w[j] === 'n') stdin = false;
        if (SSH_VALUES.has(w[j]!)) {
          if (j === w.length - 1) i++;
          break;
        }
      }
      continue;
    }
    if (host === undefined) {
      host = w;
      continue;
    }
    return remoteOf(args.slice(i));
  }
  return null;

  function remoteOf(words: Field[]): RemoteCommand | null | 'unknown' {
    if (words.length === 0) return null;
    if (words.some((f) => f.value === null)) return 'unknown';
    return { script: words.map((f) => f.value as string).join(' '), where: `the host ${host}`, host: host ?? 'HOST', files: true, stdin, env: new Map(), configDir: null };
  }
}

/** `heroku run [OPTIONS] [--] CMD ...` */
function herokuCommand(args: Field[]): RemoteCommand | null | 'unknown' {
  if (args[0]?.value !== 'run' && args[0]?.value !== 'run:detached') return null;
  const dash = args.findIndex((a) => a.value === '--');
  const { options } = scanGnuArgs(dash === -1 ? args.slice(1) : args.slice(1, dash), HEROKU_RUN);
  // heroku run (oclif, strict false) takes its own flags anywhere and leaves every other word, options included
  // (`python -m django flush --noinput`), to the command: not the operands alone
  const inner = dash === -1 ? herokuInner(args.slice(1)) : args.slice(dash + 1);
  if (inner.length === 0) return null;
  if (inner.some((f) => f.value === null)) return 'unknown';
  const app = options.filter((o) => o.name === '-a' || o.name === '--app').at(-1)?.value?.value ?? 'APP';
  // Heroku sets DATABASE_URL to the app's Postgres; guard stands a server's URL in for it
  const env = new Map<string, string | null>([['DATABASE_URL', HEROKU_DATABASE_URL]]);
  return { script: herokuScript(inner.map((f) => f.value as string)), where: `a dyno of ${app}`, host: app, files: false, stdin: true, env, configDir: null };
}

/**
 * The command line heroku run sends the dyno's shell, as the CLI builds it (buildCommand in
 * heroku/cli's run plugin): one word as it is (`heroku run "rake test"`), several joined by
 * spaces, a word holding a space or a `"` wrapped in `"` with its `"` escaped. Until 2026-12-07
 * guard joined them bare: `heroku run bash -c 'rails db:reset'` was read as `bash -c rails
 * db:reset` and was free.
 */
function herokuScript(words: string[]): string {
  if (words.length === 1) return words[0] as string;
  return words.map((w) => (w.includes(' ') || w.includes('"') ? `"${w.replace(/"/g, '\\"')}"` : w)).join(' ');
}

/**
 * The words of `heroku run WORDS` that are not heroku's own options (HEROKU_RUN, the grammar
 * scanGnuArgs reads them by, and `-x`, --exit-code's short name) or their values.
 */
function herokuInner(words: Field[]): Field[] {
  const inner: Field[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!.value;
    const long = w?.startsWith('--') ? w.slice(2) : null;
    const short = w !== null && /^-[a-z]/.test(w) ? w[1]! : null;
    // `--app NAME`, `-a NAME`: the value is the next word
    if ((long !== null && HEROKU_RUN.longValues.includes(long)) || (w?.length === 2 && short !== null && HEROKU_RUN.shortValues.includes(short))) i++;
    // `--app=NAME`, `-aNAME`, `--exit-code`, `-x`
    else if ((long !== null && (HEROKU_RUN.longFlags.includes(long) || HEROKU_RUN.longValues.some((n) => long.startsWith(`${n}=`)))) || (short !== null && (HEROKU_RUN.shortValues.includes(short) || w === '-x'))) continue;
    else inner.push(words[i]!);
  }
  return inner;
}

/** `fly ssh console -C CMD` / `--command CMD` (also `flyctl`). */
function flyCommand(args: Field[]): RemoteCommand | null | 'unknown' {
  const first = args[0]?.value;
  // `fly console -C CMD` (since 2026-12-07): a new Machine of the app's image and secrets, thrown away after (its
  // files are not kept: the data rules alone); `fly machine exec ID CMD`: a running Machine, volumes and all
  const consoleRun = first === 'console';
  const exec = (first === 'machine' || first === 'machines' || first === 'm') && args[1]?.value === 'exec';
  if (!consoleRun && !exec && (first !== 'ssh' || args[1]?.value !== 'console')) return null;
  let script: string | null | undefined;
  let app = 'APP';
  const operands: Array<string | null> = [];
  for (let i = consoleRun ? 1 : 2; i < args.length; i++) {
    const w = args[i]!.value;
    if (!exec && (w === '-C' || w === '--command')) script = args[++i]?.value;
    else if (!exec && w?.startsWith('--command=')) script = w.slice('--command='.length);
    else if (w === '-a' || w === '--app') app = args[++i]?.value ?? app;
    else if (w?.startsWith('--app=')) app = w.slice('--app='.length);
    else if (exec && (w === '--timeout' || w === '-c' || w === '--config' || w === '-r' || w === '--region')) i++;
    else if (exec && (w === null || !w.startsWith('-'))) operands.push(w ?? null);
  }
  // `fly machine exec [ID] CMD`: the command is the last operand (the Machine is chosen when the ID is left out)
  if (exec && operands.length > 0) script = operands.at(-1) as string | null;
  if (script === undefined) return null;
  if (script === null) return 'unknown';
  return { script, where: consoleRun ? `a console Machine of ${app}` : `a Machine of ${app}`, host: app, files: !consoleRun, stdin: false, env: new Map(), configDir: null };
}

/**
 * `railway ssh [OPTIONS] [--] CMD ...` (Railway CLI 4: the words after its options are the
 * command, run in the service's running container over ssh) and `render ssh [SERVICE] -- CMD
 * ...` (Render CLI: the words after `--`, on a running instance), since 2026-12-07 (holes4):
 * before, free, so `railway ssh -- rails db:drop` dropped the service's database with "no
 * destructive command found". Judged as `ssh HOST CMD` is: the command joined with spaces for
 * the remote shell, the database the service's (DATABASE_URL a server's, as `railway run`), the
 * container's files its own but a mounted volume's kept (`files`). `railway ssh keys|config`
 * manage keys.
 */
function platformSshCommand(name: 'railway' | 'render', args: Field[]): RemoteCommand | null | 'unknown' {
  if (args[0]?.value !== 'ssh') return null;
  const values = name === 'railway' ? ['-p', '--project', '-s', '--service', '-e', '--environment', '-d', '--deployment-instance', '-i', '--identity-file'] : ['-o', '--output'];
  let service = 'SERVICE';
  let words: Field[] = [];
  for (let i = 1; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === '--') {
      words = args.slice(i + 1);
      break;
    }
    if (w !== null && values.includes(w)) {
      if (w === '-s' || w === '--service') service = args[i + 1]?.value ?? service;
      i++;
      continue;
    }
    if (w !== null && w.startsWith('-')) continue;
    if (name === 'render') {
      // `render ssh SERVICE`: the instance; its command only after `--`
      service = w ?? args[i]!.display;
      continue;
    }
    if (i === 1 && (w === 'keys' || w === 'config')) return null;
    words = args.slice(i);
    break;
  }
  if (words.length === 0) return null;
  if (words.some((f) => f.value === null)) return 'unknown';
  const env = new Map<string, string | null>([['DATABASE_URL', RAILWAY_DATABASE_URL]]);
  return { script: words.map((f) => f.value as string).join(' '), where: `a running instance of ${name === 'railway' ? 'the Railway' : 'the Render'} service ${service}`, host: service, files: true, stdin: false, env, configDir: null };
}

/**
 * `aws ecs execute-command --cluster C --task T [--container X] --command CMD --interactive`
 * (since 2026-12-07): CMD runs in a running task's container, its image and environment the
 * service's (its database); the container's files are its own, mostly thrown away with the task:
 * the data rules alone, as for a dyno.
 */
function ecsCommand(args: Field[]): RemoteCommand | null | 'unknown' {
  if (args[1]?.value !== 'execute-command') return null;
  const rest = args.slice(2);
  const script = optionValue(rest, ['--command']);
  if (script === undefined) return null;
  if (script === null) return 'unknown';
  const task = optionValue(rest, ['--task']) ?? 'TASK';
  return { script, where: `a container of the ECS task ${task}`, host: `task ${task}`, files: false, stdin: false, env: new Map(), configDir: null };
}

/** `gcloud compute ssh [USER@]VM --command CMD` (or `-- CMD`, the words after the ssh flags it passes on). */
function gcloudCommand(args: Field[]): RemoteCommand | null | 'unknown' {
  if (args[0]?.value !== 'compute' || args[1]?.value !== 'ssh') return null;
  let script: string | null | undefined;
  let vm: string | undefined;
  for (let i = 2; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === '--') {
      const rest = args.slice(i + 1);
      const at = rest.findIndex((f) => !(f.value ?? '').startsWith('-'));
      if (at !== -1 && script === undefined) script = rest.slice(at).some((f) => f.value === null) ? null : rest.slice(at).map((f) => f.value).join(' ');
      break;
    }
    if (w === '--command') script = args[++i]?.value;
    else if (w?.startsWith('--command=')) script = w.slice('--command='.length);
    else if (w !== null && !w.startsWith('-') && vm === undefined) vm = w;
    else if (w !== null && /^--(?:zone|project|ssh-key-file|internal-ip|tunnel-through-iap|strict-host-key-checking|ssh-flag|container|troubleshoot)$/.test(w) && !['--internal-ip', '--tunnel-through-iap', '--troubleshoot'].includes(w)) i++;
  }
  if (script === undefined) return null;
  if (script === null) return 'unknown';
  return { script, where: `the VM ${vm ?? 'VM'}`, host: vm ?? 'VM', files: true, stdin: true, env: new Map(), configDir: null };
}

/** ansible's options that take a value (`ansible --help`): the first other word is the host pattern. */
const ANSIBLE: GnuGrammar = {
  shortValues: 'aBePfiIkKlmMotTuc',
  longValues: ['args', 'background', 'extra-vars', 'poll', 'forks', 'inventory', 'inventory-file', 'limit', 'module-name', 'module-path', 'tree', 'timeout', 'user', 'connection', 'private-key', 'key-file', 'become-method', 'become-user', 'vault-id', 'vault-password-file', 'ssh-common-args', 'sftp-extra-args', 'scp-extra-args', 'ssh-extra-args', 'playbook-dir', 'task-timeout'],
  longFlags: ['become', 'check', 'diff', 'one-line', 'list-hosts', 'syntax-check'],
  inline: true,
  prefixes: false,
  missing: null,
};

/**
 * `ansible PATTERN -m shell|command|raw -a CMD` (`-a` alone runs the command module): CMD on
 * every host the pattern names. `-m file -a 'path=/srv/data state=absent'` deletes the path
 * there: judged as `rm -rf PATH`; the other modules as ansible-modules.ts reads them (`-m script
 * -a ops/x.sh` the file's text, relative to where ansible runs; a Docker engine's or a cluster's
 * objects judged here by the command's words). `--check` changes nothing.
 */
function ansibleCommand(inv: Invocation, args: Field[], rt: Runtime): RemoteCommand | Unseen | null | 'unknown' {
  const { options, operands } = scanGnuArgs(args, ANSIBLE);
  if (options.some((o) => o.name === '-C' || o.name === '--check' || o.name === '--list-hosts' || o.name === '--syntax-check')) return null;
  const value = (short: string, long: string): Field | null | undefined => options.filter((o) => o.name === short || o.name === long).at(-1)?.value;
  const module = value('-m', '--module-name');
  const a = value('-a', '--args');
  if (module === null || module?.value === null) return 'unknown';
  if (a === undefined || a === null) return null;
  if (a.value === null) return 'unknown';
  const moduleName = module?.value ?? 'command';
  const pattern = operands[0]?.value ?? 'HOSTS';
  // shell|command|raw take the text as their command, script its file and arguments; the others `key=value` words (ansible-modules.ts)
  const freeForm = /^(?:ansible\.(?:builtin|legacy)\.)?(?:shell|command|raw|script)$/.test(moduleName);
  const call: ModuleCall = freeForm ? { module: moduleName, free: a.value, params: new Map() } : { module: moduleName, free: null, params: argsParams(a.value) };
  const named = localFileName(call);
  if (named !== null) {
    const local = localFileHere(inv, named, rt);
    if (local === undefined) return null; // being read: judged on the next pass
    call.local = local;
  }
  const found = moduleScript(call);
  if (found === null) return null;
  if ('unseen' in found) return { unseen: found.unseen, host: pattern };
  if (found.objects) {
    rt.shell(found.script, { cwd: inv.cwd, via: `ansible ${pattern} -m ${moduleName}` }, inv.source);
    return null;
  }
  return { script: found.script, where: `the hosts ${pattern}`, host: pattern, files: true, stdin: false, env: new Map<string, string | null>(), configDir: null };
}

/** A file of this machine an ad-hoc module names (`-m script -a ops/x.sh`), relative to where ansible runs; undefined while being read. */
function localFileHere(inv: Invocation, name: string, rt: Runtime): LocalFile | undefined {
  const abs = name.startsWith('/') ? name : inv.cwd === null ? null : path.posix.resolve(inv.cwd, name);
  return readLocalFile(rt, name, abs === null ? [] : [abs], null);
}

/** The programs this module judges (commands.ts sends them here). */
export const REMOTE_SHELL_PROGRAMS = new Set(['ssh', 'heroku', 'fly', 'flyctl', 'gcloud', 'ansible', 'ansible-playbook', 'aws', 'az', 'railway', 'render']);

/** Judges the command `ssh`, `heroku run` or `fly ssh console -C` runs on another machine. */
export function classifyRemoteShell(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (rt.ctx.inContainer) return; // one level is enough, as for containers
  if (name === 'ansible-playbook') return classifyAnsiblePlaybook(inv, args, rt);
  const found = name === 'ssh' ? sshCommand(args) : name === 'heroku' ? herokuCommand(args) : name === 'gcloud' ? gcloudCommand(args) : name === 'ansible' ? ansibleCommand(inv, args, rt) : name === 'aws' ? (args[0]?.value === 'ecs' ? ecsCommand(args) : ssmCommand(inv, args, rt)) : name === 'az' ? azCommand(inv, args, rt, sshCommand) : name === 'railway' || name === 'render' ? platformSshCommand(name, args) : flyCommand(args);
  if (found === null) return;
  judgeRemote(inv, name, found, rt);
}

/**
 * Judges what runs on another machine: a command guard cannot see (`ssh h "$CMD"`, a script
 * file it cannot read) is refused for an agent, as its deletion would be (DECISIONS.md,
 * 2026-12-06 "A remote command guard cannot see").
 */
export function judgeRemote(inv: Invocation, name: string, found: RemoteCommand | 'unknown' | Unseen, rt: Runtime): void {
  if (found === 'unknown' || 'unseen' in found) {
    const what = found === 'unknown' ? 'the command it runs there is computed when the line runs' : found.unseen;
    const host = found === 'unknown' ? null : found.host;
    rt.report(makeVerdict(
      unrecoverableKind(rt.ctx.isAgent),
      'remote-host-delete',
      `${name}: ${what}; guard cannot see what it deletes on another machine, outside the repository and every snapshot`,
      inv.source,
      found !== 'unknown' && found.instead !== undefined ? found.instead : `Write the command itself on the line (\`ssh HOST 'uptime'\`, not \`ssh HOST "$CMD"\`) so guard can judge it${host ? ` on ${host}` : ''}; or ask the person to run it.`,
    ));
    return;
  }
  const script = mapScript(found.script, []);
  // `ssh HOST sh < x.sh`: the host's file is the script the remote shell runs, its paths the remote's (CommandContext.hostScript)
  const stdin = found.stdin ? hostStdin(inv) : { kind: 'terminal' as const };
  const hostScript = (text: string): string => mapScript(text, []);
  rt.ctx.view?.placeholder(CONTAINER_FS);
  // what it sends a database server, with the remote's paths
  // (a dyno's configuration is the app's, read from its DATABASE_URL as another machine's is: unseenProject)
  const reach = name === 'ssh' ? { reach: `ssh ${found.host}` } : {};
  const dataCtx = { ...rt.ctx, scratchDirs: [...(rt.ctx.scratchDirs ?? []), CONTAINER_FS], inContainer: { configDir: found.configDir, ...(found.configDir === null ? { unseen: name === 'heroku' ? HEROKU_DATABASE_URL : UNSEEN_DATABASE_URL, sourceDir: inv.cwd } : {}), ...reach }, hostScript };
  // the project there reads its own configuration, which guard cannot see: its database is that machine's, as a dyno's is its app's (UNSEEN_DATABASE_URL)
  const dataEnv = found.configDir === null && name !== 'heroku' && !found.env.has('DATABASE_URL') ? new Map([...found.env, ['DATABASE_URL', UNSEEN_DATABASE_URL]]) : found.env;
  rt.shell(script, { cwd: REMOTE_HOME, ctx: dataCtx, env: dataEnv, foreignEnv: true, stdin, via: `run on ${found.where}` }, inv.source);
  if (!found.files) return;
  // the remote user's home is `~` (mapScript maps it as a container's /root)
  // (a playbook's Jinja is `${jinja_app_dir}` to the shell: ansible-modules.ts; shown as written)
  const jinja = (text: string): string => text.replace(/"?\$\{jinja_(\w+)\}"?/g, '{{ $1 }}');
  judgeUnseenFiles(inv, rt, {
    source: script,
    typed: jinja(found.script),
    cwd: REMOTE_HOME,
    unseen: CONTAINER_FS,
    scratchDirs: [...REMOTE_SCRATCH, ...(found.scratch ?? []).map((dir) => `${CONTAINER_FS}${dir}`)],
    hostScript,
    env: found.env,
    stdin,
    via: `run on ${found.where}`,
    unmap: (text) => jinja(text.replace(new RegExp(`${REMOTE_HOME}(?=/|$|[\\s,;:)'"])`, 'g'), '~')),
    reword: (shown, what) => remoteDeleteVerdict(inv, rt, `\`${shown}\`: ${what}`, found.host, name),
  });
}

/** The refusal of a deletion on another machine, with the way to save what it deletes first. */
function remoteDeleteVerdict(inv: Invocation, rt: Runtime, what: string, host: string, name: string) {
  // in a container there (`ssh prod docker exec app rm -rf /data`: container-run.ts), its files are copied out by docker
  const container = /\(run in (?:the container|the service|a container of) /.test(what);
  const pod = /\(run in (?:the pod|a copy of the pod|a debugging pod) /.test(what);
  const save = name === 'adb' ? '`adb pull PATH ./backup`' : name === 'ssh'
    ? container || pod
      ? `\`ssh ${host} ${pod ? 'kubectl exec POD --' : 'docker exec CONTAINER'} tar czf - PATH > backup.tgz\`, or a snapshot of its volume`
      : `\`scp -r ${host}:PATH ./backup\`, or \`ssh ${host} tar czf - PATH > backup.tgz\``
    : name === 'gcloud'
      ? `\`gcloud compute scp --recurse ${host}:PATH ./backup\`, a disk snapshot (\`gcloud compute disks snapshot DISK\`)`
      : name === 'ansible' || name === 'ansible-playbook'
        ? `\`ansible ${host} -m fetch -a 'src=PATH dest=./backup'\`, or \`-m archive\` there first${name === 'ansible-playbook' ? '; `ansible-playbook --check --diff` shows what the run would change' : ''}`
        : name === 'aws'
          ? 'an EBS snapshot (`aws ec2 create-snapshot --volume-id VOL`), or `tar czf` of PATH copied off the instance'
          : name === 'az'
            ? 'a disk snapshot (`az snapshot create --source DISK`), or `tar czf` of PATH copied off the VM'
            : name === 'railway' || name === 'render'
              ? `\`${name} ssh${name === 'render' ? ` ${host}` : ''} -- tar czf - PATH > backup.tgz\`, a backup of the service's volume or disk in ${name === 'railway' ? 'Railway' : 'Render'}'s dashboard`
              : `\`fly ssh sftp get PATH\`, a volume snapshot (\`fly volumes snapshots create VOLUME\`)`;
  return makeVerdict(
    unrecoverableKind(rt.ctx.isAgent),
    'remote-host-delete',
    `${what}, on another machine, outside the repository and every snapshot`,
    inv.source,
    `Save it first (${save}), then ask the person to run it; ${name === 'adb' ? "the device's /data/local/tmp" : "the host's /tmp"} stays free for scratch files.`,
  );
}

/**
 * `rsync --delete SRC HOST:DEST` (files.ts parses the line): the files of DEST that SRC lacks are
 * deleted on the other machine. `HOST:PATH`, `USER@HOST:PATH`, `HOST::MODULE`, `rsync://HOST/...`.
 */
export function classifyRemoteRsyncDelete(inv: Invocation, dest: string, rt: Runtime): void {
  const host = dest.startsWith('rsync://') ? (dest.slice('rsync://'.length).split('/')[0] as string) : dest.slice(0, dest.indexOf(':'));
  rt.report(remoteDeleteVerdict(inv, rt, `rsync --delete deletes the files of ${dest} that the source lacks`, host, 'ssh'));
}
