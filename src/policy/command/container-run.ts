/**
 * A command run inside a container whose file system holds the repository through a bind mount:
 * `docker compose run app rm -rf /app/src` with `volumes: [.:/app]` in compose.yaml, `docker
 * compose exec app ...`, `docker run -v "$PWD":/app -w /app img rm -rf x`. Before, the inner
 * command was not judged (the sweep of 2026-12-05 evening, docs/FRICTION.md "Infrastructure as
 * code and JavaScript monorepos"): through the mount it deletes the repository's files as the
 * same command typed on the host would. Now the inner command is judged as that host command:
 * each container path under a bind mount's target is mapped to the mount's source (`/app/src`
 * -> `./src`), a path above a mount target (`rm -rf /`) to the mount's source as a whole, the
 * working directory (`-w`, compose's `working_dir`, else the `WORKDIR` of the Dockerfile stage
 * the service builds, dockerfile.ts) likewise; every other container path is the container's own (its
 * image layers, scratch to guard), judged as a scratch directory's.
 *
 * Read: the compose file (`-f`, else the nearest compose.yaml / compose.yml / docker-compose.yaml
 * / docker-compose.yml up from where it runs, with its `.override` file), its service's
 * `volumes` (short `SRC:DST[:ro]`, long `type: bind`), `working_dir` and `build`, and the line's
 * `-v`, `--volume`, `--mount type=bind`. `docker exec CONTAINER` of a container compose named for
 * a service (container-names.ts, since 2026-12-06) is that service's `docker compose exec`; of
 * any other, the mounts are unknown and what it deletes is a snapshot first (classifyUnknownMounts).
 * Not read (docs/command-guard.md, Known limits): a running container's own mounts (no docker
 * process is started), an image's own WORKDIR or ENTRYPOINT, compose
 * variables other than `$PWD`, `extends`, `include`; an inner word guard cannot see leaves the
 * inner command unjudged, as before.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { composeLookup, composeServiceNodes, containerEnv } from './container-env.js';
import { composeServiceOfContainer } from './container-names.js';
import { makeVerdict } from './rules.js';
import { listNames } from './targets.js';
import type { Verdict } from './types.js';
import type { Invocation, Runtime, Stdin } from './runtime.js';
import { interpolate } from './dotenv.js';
import { get, str, type Y } from './taskfile-yaml.js';
import { buildOf, composeWords } from './compose-tools.js';
import { dockerfileBase, dockerfileWorkdir } from './dockerfile.js';

/** Where a container's own paths are judged: a scratch directory that exists nowhere on the host. */
export const CONTAINER_FS = '/guard-container-fs';

/** Text with the container's own paths given back as typed (`/guard-container-fs/app` is `/app`). */
export function asTyped(text: string): string {
  return text.replace(new RegExp(`${CONTAINER_FS}(/?)`, 'g'), (_m, slash: string) => slash || '/');
}

interface Mount {
  /** The path in the container (normalized, absolute). */
  target: string;
  /** The host directory or file (absolute); under CONTAINER_FS for what is not the host's (an anonymous volume, a read-only bind), under VOLUME_FS for a named volume. */
  source: string;
  /** A named volume's name (`pgdata:/var/lib/postgresql/data`). */
  volume?: string;
}

/** Where a named volume's files stand in the judged code (CommandContext.volumes): neither the host's nor scratch. */
const VOLUME_FS = '/guard-container-volumes';

/** A named volume mounted read-write: deleting in it deletes its data (targets.ts deletesInVolume). */
function volumeMount(name: string, target: string): Mount {
  const t = path.posix.normalize(target).replace(/(.)\/$/, '$1');
  return { target: t, source: `${VOLUME_FS}/${name}`, volume: name };
}

/** A volume or read-only bind at `target`: the container's own, hiding what a bind above it shows (`- /app/node_modules` under `.:/app`). */
function shadow(target: string): Mount {
  const t = path.posix.normalize(target).replace(/(.)\/$/, '$1');
  return { target: t, source: `${CONTAINER_FS}${t}` };
}

interface RunSpec {
  /** `exec`: `docker exec` / `podman exec` of a running container, whose mounts guard does not read. */
  kind: 'run' | 'compose' | 'exec';
  /** False where the name is a word guard cannot see (`$(docker ps -q)`): the data rules still apply, the mounts are unknown. */
  nameKnown: boolean;
  /** The compose service (compose) or the image (run). */
  name: string;
  mounts: Mount[];
  workdir: string | null;
  inner: Field[];
  /** Compose: the files named with -f, and the project directory. */
  files: string[];
  projectDir: string | null;
  subcommand: string;
  /** `-e K=V`: the inner command's environment, over the files (container-env.ts). */
  env: string[];
  /** `--env-file F` of docker/podman run|exec. */
  envFiles: string[];
  /** compose's own `--env-file F`: what compose interpolates its file with. */
  composeEnvFiles: string[];
  /** The line's stdin reaches the inner command: `-i` of docker/podman, compose by default (`-T` is only the terminal). */
  stdin: boolean;
  /** `docker exec NAME` of a compose service's container (container-names.ts): NAME, the spec being the service's. */
  container?: string;
  /**
   * A mount or compose file the line names with a word guard cannot see (`-v "$SRC":/app`, `-f
   * $F`, `--project-directory $D`): the container may show the repository anywhere, as an
   * unresolved `docker exec`'s (classifyUnknownMounts).
   */
  unknownMounts: boolean;
  /** A migration tool's official image (TOOL_IMAGES) run with its own entrypoint: `inner` starts with the tool. */
  tool: boolean;
  /** `--entrypoint` on the line: the image's (or the compose service's) entrypoint does not run. */
  lineEntrypoint: boolean;
  /** The ENV of the Dockerfile a compose tool service is built from (compose-tools.ts): under the service's environment. */
  imageEnv?: Map<string, string>;
}

/** docker/podman options before the subcommand that take a value. */
const GLOBAL_VALUES = new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '--url', '--connection', '--root', '--runroot']);
/** compose options before its subcommand that take a value. */
const COMPOSE_VALUES = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--parallel', '--progress']);
/** `docker run` options that take a value (short letters: a c e h l m p u v w). */
const RUN_LONG_VALUES = new Set([
  'attach', 'cpu-shares', 'env', 'hostname', 'label', 'memory', 'publish', 'user', 'volume', 'workdir', 'mount', 'entrypoint', 'name', 'network', 'net',
  'env-file', 'platform', 'pull', 'add-host', 'cpus', 'device', 'cap-add', 'cap-drop', 'restart', 'shm-size', 'tmpfs', 'ulimit', 'security-opt', 'ipc',
  'pid', 'log-driver', 'log-opt', 'dns', 'dns-search', 'dns-option', 'expose', 'health-cmd', 'health-interval', 'health-retries', 'health-timeout',
  'health-start-period', 'volumes-from', 'gpus', 'runtime', 'stop-signal', 'stop-timeout', 'cidfile', 'cgroupns', 'cgroup-parent', 'userns', 'uts',
  'link', 'mac-address', 'ip', 'ip6', 'network-alias', 'label-file', 'group-add', 'memory-swap', 'memory-reservation', 'cpuset-cpus', 'cpuset-mems',
  'cpu-period', 'cpu-quota', 'blkio-weight', 'isolation', 'sysctl', 'annotation', 'detach-keys', 'domainname', 'oom-score-adj', 'pids-limit',
  'storage-opt', 'kernel-memory', 'env-from-file', 'index', 'volume-driver', 'publish-all-ports', 'arch', 'os', 'secret', 'requires', 'pod', 'systemd',
]);
const RUN_SHORT_VALUES = 'acehlmpuvw';
/** Long options of `docker run` / `compose run|exec` known to take no value. */
const RUN_LONG_FLAGS = new Set(['rm', 'detach', 'interactive', 'tty', 'privileged', 'init', 'read-only', 'sig-proxy', 'quiet', 'no-healthcheck', 'oom-kill-disable', 'no-deps', 'service-ports', 'use-aliases', 'build', 'remove-orphans', 'quiet-pull', 'no-TTY', 'disable-content-trust', 'help']);

/** Options and operands of a run/exec after its subcommand: the mounts, the working directory, the first operand and what follows. */
function scanRun(args: Field[]): { volumes: string[]; mounts: string[]; unknownMounts: boolean; workdir: string | null; entrypoint: string | null; interactive: boolean; env: string[]; envFiles: string[]; rest: Field[] } | null {
  let unknownMounts = false;
  const envFiles: string[] = [];
  const volumes: string[] = [];
  const mounts: string[] = [];
  let workdir: string | null = null;
  let entrypoint: string | null = null;
  let interactive = false;
  const env: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === undefined) return null;
    // a word guard cannot see where the container is named (`docker exec $(docker ps -q) ...`): the name
    if (w === null) return { volumes, mounts, unknownMounts, workdir, entrypoint, interactive, env, envFiles, rest: args.slice(i) };
    if (w === '--') return { volumes, mounts, unknownMounts, workdir, entrypoint, interactive, env, envFiles, rest: args.slice(i + 1) };
    if (!w.startsWith('-') || w === '-') return { volumes, mounts, unknownMounts, workdir, entrypoint, interactive, env, envFiles, rest: args.slice(i) };
    let name: string;
    let value: string | null | undefined;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      name = eq === -1 ? w.slice(2) : w.slice(2, eq);
      if (eq !== -1) value = w.slice(eq + 1);
      else if (RUN_LONG_VALUES.has(name)) value = args[++i]?.value;
      else if (RUN_LONG_FLAGS.has(name)) {
        if (name === 'interactive') interactive = true;
        continue;
      }
      else return null; // an option guard does not know: where the operands start is unknown
    } else {
      const letters = w.slice(1);
      const at = [...letters].findIndex((l) => RUN_SHORT_VALUES.includes(l));
      if ((at === -1 ? letters : letters.slice(0, at)).includes('i')) interactive = true;
      if (at === -1) continue;
      name = { a: 'attach', c: 'cpu-shares', e: 'env', h: 'hostname', l: 'label', m: 'memory', p: 'publish', u: 'user', v: 'volume', w: 'workdir' }[letters[at] as 'a'] ?? '';
      value = at < letters.length - 1 ? letters.slice(at + 1) : args[++i]?.value;
    }
    if (value === undefined) return null;
    if (value === null) {
      if (name === 'volume' || name === 'mount') unknownMounts = true;
      else if (name === 'workdir' || name === 'entrypoint') return null;
      continue;
    }
    if (name === 'volume') volumes.push(value);
    else if (name === 'mount') mounts.push(value);
    else if (name === 'workdir') workdir = value;
    else if (name === 'entrypoint') entrypoint = value;
    else if (name === 'env') env.push(value);
    else if (name === 'env-file') envFiles.push(value);
  }
  return { volumes, mounts, unknownMounts, workdir, entrypoint, interactive, env, envFiles, rest: [] };
}

/**
 * A short volume spec's mount (`./src:/app/src`; a named or anonymous volume, a read-only bind:
 * the container's own), null where it mounts nothing guard reads, 'unknown' where its host side
 * is a word guard cannot read (a variable, `~`): that may be the repository.
 */
function shortBind(spec: string, base: string | null, pwd: string | null): Mount | null | 'unknown' {
  const parts = spec.split(':');
  if (parts.length === 1) return spec.startsWith('/') ? shadow(spec) : null; // an anonymous volume
  const [src = '', dst = '', mode = ''] = parts;
  if (!dst.startsWith('/')) return null;
  if (mode.split(',').includes('ro')) return shadow(dst);
  const source = bindSource(src, base, pwd);
  if (source === 'unknown') return source;
  if (source === null) return /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(src) ? volumeMount(src, dst) : null; // a named volume
  return { target: path.posix.normalize(dst).replace(/(.)\/$/, '$1'), source };
}

/** A bind's host side, absolute; null for a named volume; 'unknown' for a variable or `~` guard does not read. */
function bindSource(src: string, base: string | null, pwd: string | null): string | null | 'unknown' {
  const expanded = pwd === null ? src : src.replace(/^\$\{PWD\}|^\$PWD(?![A-Za-z0-9_])/, pwd);
  if (expanded.includes('$') || expanded.startsWith('~')) return 'unknown';
  if (!expanded.startsWith('/') && !expanded.startsWith('.')) return null; // a named volume
  return resolvePath(expanded, base) ?? 'unknown';
}

/** `--mount type=bind,source=.,target=/app[,readonly]`; 'unknown' as shortBind's. */
function longBind(spec: string, base: string | null): Mount | null | 'unknown' {
  const fields = new Map(spec.split(',').map((kv) => {
    const eq = kv.indexOf('=');
    return eq === -1 ? [kv, 'true'] : [kv.slice(0, eq), kv.slice(eq + 1)];
  }));
  const ro = fields.get('readonly') ?? fields.get('ro');
  const src = fields.get('source') ?? fields.get('src');
  const dst = fields.get('target') ?? fields.get('destination') ?? fields.get('dst');
  if (dst === undefined || !dst.startsWith('/')) return null;
  if (ro !== undefined && ro !== 'false' && ro !== '0') return shadow(dst);
  if ((fields.get('type') ?? 'volume') === 'volume' && src !== undefined && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(src)) return volumeMount(src, dst);
  if (fields.get('type') !== 'bind') return shadow(dst);
  if (src === undefined) return null;
  const source = bindSource(src, base, null);
  return source === null || source === 'unknown' ? source : { target: path.posix.normalize(dst), source };
}

/**
 * The migration tools' official images, by their repository (registry, tag and digest off), and
 * the program their ENTRYPOINT runs with the line's words after the image: flyway/flyway-docker's
 * Dockerfile (`ENTRYPOINT ["flyway"]`, WORKDIR /flyway, its conf in /flyway/conf),
 * liquibase/docker's (`docker-entrypoint.sh` runs `liquibase "$@"`), golang-migrate's
 * (`ENTRYPOINT ["migrate"]`), amacneil/dbmate's (`ENTRYPOINT ["/usr/local/bin/dbmate"]`).
 */
const TOOL_IMAGES: Readonly<Record<string, { program: string; workdir: string | null }>> = {
  'flyway/flyway': { program: 'flyway', workdir: '/flyway' },
  'redgate/flyway': { program: 'flyway', workdir: '/flyway' },
  'boxfuse/flyway': { program: 'flyway', workdir: '/flyway' },
  'liquibase/liquibase': { program: 'liquibase', workdir: '/liquibase' },
  'library/liquibase': { program: 'liquibase', workdir: '/liquibase' },
  liquibase: { program: 'liquibase', workdir: '/liquibase' },
  'migrate/migrate': { program: 'migrate', workdir: null },
  'amacneil/dbmate': { program: 'dbmate', workdir: null },
  // Atlas's image runs atlas (its docs: `docker run --rm arigaio/atlas migrate apply --url ...`)
  'arigaio/atlas': { program: 'atlas', workdir: null },
};

/** The program an image's entrypoint runs, where it is one of TOOL_IMAGES. */
function toolImage(image: string): { program: string; workdir: string | null } | undefined {
  const name = image.replace(/@.*$/, '').replace(/:[^/:]*$/, '').replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io|ghcr\.io|public\.ecr\.aws|quay\.io)\//, '').toLowerCase();
  return TOOL_IMAGES[name];
}

/** The run or compose run/exec this line is, or null. */
function runSpec(inv: Invocation, program: string, args: Field[]): RunSpec | null {
  const compose = program.endsWith('-compose');
  let i = 0;
  const files: string[] = [];
  const composeEnvFiles: string[] = [];
  let projectDir: string | null = null;
  let unknownFiles = false;
  const values = compose ? COMPOSE_VALUES : GLOBAL_VALUES;
  let inCompose = compose;
  for (; i < args.length; i++) {
    const w = args[i]?.value;
    if (w === null || w === undefined) return null;
    if (!w.startsWith('-')) {
      if (!inCompose && w === 'compose') {
        inCompose = true;
        continue;
      }
      if (!inCompose && w === 'container' && (args[i + 1]?.value === 'run' || args[i + 1]?.value === 'exec')) continue;
      break;
    }
    const eq = w.indexOf('=');
    const name = eq === -1 ? w : w.slice(0, eq);
    const set = inCompose ? COMPOSE_VALUES : values;
    if (!set.has(name)) continue;
    const value = eq === -1 ? args[++i]?.value : w.slice(eq + 1);
    // a compose file or project directory guard cannot see: the service's mounts are unknown
    if (value === null && inCompose && ['-f', '--file', '--project-directory'].includes(name)) {
      unknownFiles = true;
      continue;
    }
    if (value === null || value === undefined) return null;
    if (inCompose && (name === '-f' || name === '--file')) files.push(value);
    if (inCompose && name === '--env-file') composeEnvFiles.push(value);
    if (inCompose && name === '--project-directory') projectDir = resolvePath(value, inv.cwd);
  }
  const subcommand = args[i]?.value ?? '';
  if (subcommand !== 'run' && subcommand !== 'exec') return null;
  const scanned = scanRun(args.slice(i + 1));
  if (!scanned || scanned.rest.length === 0) return null;
  const [named, ...inner] = scanned.rest;
  if (named === undefined) return null;
  const mounts: Mount[] = [];
  let unknownMounts = scanned.unknownMounts || unknownFiles;
  for (const mount of [...scanned.volumes.map((v) => shortBind(v, inv.cwd, inv.cwd)), ...scanned.mounts.map((m) => longBind(m, inv.cwd))]) {
    if (mount === 'unknown') unknownMounts = true;
    else if (mount) mounts.push(mount);
  }
  const kind = inCompose ? 'compose' : subcommand === 'exec' ? 'exec' : 'run';
  // `docker run flyway/flyway -url=... clean`: the image's entrypoint runs with the words after the image
  const tool = kind === 'run' && scanned.entrypoint === null && named.value !== null ? toolImage(named.value) : undefined;
  const entrypoint = scanned.entrypoint ?? tool?.program ?? null;
  const entry = entrypoint !== null ? [{ ...named, value: entrypoint, display: entrypoint } as Field] : [];
  // Flyway's image reads /flyway/conf/flyway.conf (Flyway 10: flyway.toml too) where the line names no -configFiles
  const conf = tool?.program === 'flyway' ? flywayImageConf(inner.map((f) => f.value)).map((w) => ({ ...named, value: w, display: w }) as Field) : [];
  return { kind, name: named.value ?? named.display, nameKnown: named.value !== null, mounts, workdir: scanned.workdir ?? tool?.workdir ?? null, inner: [...entry, ...conf, ...inner], files, projectDir, subcommand, stdin: inCompose || scanned.interactive, env: scanned.env, envFiles: scanned.envFiles, composeEnvFiles, unknownMounts, tool: tool !== undefined, lineEntrypoint: scanned.entrypoint !== null };
}

/** Flyway's image reads /flyway/conf/flyway.conf (Flyway 10: flyway.toml too) where the line names no -configFiles. */
function flywayImageConf(words: ReadonlyArray<string | null>): string[] {
  return words.some((w) => w?.startsWith('-configFiles=')) ? [] : ['-configFiles=/flyway/conf/flyway.conf,/flyway/conf/flyway.toml'];
}

/**
 * `docker compose run SERVICE [COMMAND...]` of a service whose image is a migration tool's
 * (TOOL_IMAGES; `image:`, or the FROM of the Dockerfile it is built from): the spec with `inner`
 * the words the container runs (compose-tools.ts: the service's entrypoint, else the tool; the
 * line's COMMAND, else the service's `command:`); null where the service is no tool's; undefined
 * while a file is being read.
 */
function composeToolSpec(inv: Invocation, rt: Runtime, spec: RunSpec): RunSpec | null | undefined {
  if (spec.kind !== 'compose' || spec.subcommand !== 'run' || spec.lineEntrypoint || !spec.nameKnown) return null;
  const files = composeTexts(inv, rt, spec);
  if (files === undefined || files === null) return files;
  const nodes = composeServiceNodes(files.texts, spec.name);
  if (nodes === null || nodes.length === 0) return null;
  // the last file that sets a key wins (compose's merge of a service's scalars)
  const last = (key: string): Y | undefined => nodes.map((n) => get(n, key)).filter((v) => v !== undefined).at(-1);
  const { lookup, pending } = composeLookup(inv, rt, spec.composeEnvFiles, files.dir);
  if (pending) return undefined;
  let found: { image: string; entrypoint: string[] | null | undefined; env: Map<string, string> } | null = null;
  const withBuild = [...nodes].reverse().find((n) => get(n, 'build') !== undefined);
  const build = withBuild === undefined ? null : buildOf(withBuild, files.dir, path.posix.resolve);
  if (withBuild !== undefined) {
    if (build === null) return null;
    const text = readFile(rt, build.dockerfile);
    if (text === undefined) return undefined;
    found = text === null ? null : dockerfileBase(text, build.target);
  } else {
    const image = str(last('image'));
    // an image's tag from a variable (`flyway/flyway:${FLYWAY_VERSION:-10}`): the name is what matters
    if (image !== null) found = { image: interpolate(image, lookup) ?? image.replace(/\$\{[^}]*\}/g, 'x'), entrypoint: undefined, env: new Map() };
  }
  const tool = found === null ? undefined : toolImage(found.image);
  if (found === null || tool === undefined) return null;
  const word = (w: string | null): Field => ({ value: w, display: w ?? '?', glob: false, pattern: null, splittable: false });
  const interpolated = (words: string[] | null | undefined): Array<string | null> | null | undefined => (words === null || words === undefined ? words : words.map((w) => interpolate(w, lookup)));
  // compose's `entrypoint:` over the image's; the Dockerfile's own ENTRYPOINT over the tool's
  const serviceEntry = interpolated(composeWords(last('entrypoint')));
  const entry = serviceEntry ?? found.entrypoint ?? [tool.program];
  if (serviceEntry === null || found.entrypoint === null) return null;
  const command = spec.inner.length > 0 ? spec.inner : (interpolated(composeWords(last('command'))) ?? []).map(word);
  if (command.length === 0 && last('command') !== undefined && composeWords(last('command')) === null) return null;
  const conf = tool.program === 'flyway' && path.posix.basename(entry[0] ?? '') === 'flyway' ? flywayImageConf([...entry, ...command.map((f) => f.value)]) : [];
  const workdir = spec.workdir ?? str(last('working_dir')) ?? tool.workdir;
  return { ...spec, inner: [...entry.map(word), ...conf.map(word), ...command], workdir, tool: true, imageEnv: found.env };
}

/** A file's text; null where it cannot be read or is missing; undefined while it is being read. */
function readFile(rt: Runtime, abs: string): string | null | undefined {
  const found = rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  return found === undefined ? undefined : found === null || found === 'missing' ? null : found.text;
}

/** The container's environment with the image's ENV under what compose and the line set. */
function withImageEnv(env: Map<string, string | null>, spec: RunSpec): Map<string, string | null> {
  if (spec.imageEnv === undefined || spec.imageEnv.size === 0) return env;
  const out = new Map<string, string | null>(spec.imageEnv);
  for (const [k, v] of env) out.set(k, v);
  return out;
}

/**
 * The command a docker/podman/compose `run` or `exec` line runs in its container, whether the
 * line's stdin reaches it, and which container (for messages); null where guard cannot tell
 * (an option it does not know, a word it cannot see before the command). container-exec.ts.
 */
export function containerCommand(inv: Invocation, program: string, args: Field[], rt: Runtime): { inner: Field[]; stdin: boolean; env: Map<string, string | null> | undefined; where: string; tool: boolean; repository: boolean } | null {
  const typed = runSpec(inv, program, args);
  if (typed === null) return null;
  // `docker compose run flyway clean`: the service's image is the tool's (compose-tools.ts)
  const tool = composeToolSpec(inv, rt, typed);
  const run = tool ?? typed;
  if (run.inner.length === 0) return null;
  const resolved = tool === undefined ? undefined : execAsService(inv, rt, run);
  const spec = resolved ?? run;
  const env = resolved === undefined ? undefined : containerEnv(inv, rt, spec, () => composeTexts(inv, rt, spec));
  const repository = builtFromRepository(inv, rt, spec);
  return { inner: spec.inner, stdin: spec.stdin, env: env === undefined || repository === undefined ? undefined : withImageEnv(env, spec), where: containerLabel(spec), tool: spec.tool, repository: repository ?? false };
}

/**
 * Whether a container's project is the repository though no mount shows it there: a service of
 * the compose file guard reads whose image is built from the repository (`build: .`: the
 * Dockerfile's `COPY . .` puts the repository's configuration in the image). A service of a
 * registry's image, a container guard cannot match to a service, or a `docker run IMAGE`: false
 * (docs/DECISIONS.md, "Whose configuration a container's framework reads"). undefined while the
 * compose file is being read.
 */
function builtFromRepository(inv: Invocation, rt: Runtime, spec: RunSpec): boolean | undefined {
  const root = rt.ctx.repoRoot;
  if (spec.kind !== 'compose' || !root) return false;
  const service = composeService(inv, rt, spec);
  if (service === undefined) return undefined;
  const dockerfile = service?.build?.dockerfile;
  return dockerfile !== undefined && dockerfile.startsWith(`${root}/`);
}

/** The container as messages name it: `the service web`, `the container myapp-web-1 (the compose service web)`. */
function containerLabel(spec: RunSpec): string {
  if (spec.container !== undefined) return `the container ${spec.container} (the compose service ${spec.name})`;
  return spec.kind === 'compose' ? `the service ${spec.name}` : spec.kind === 'exec' ? `the container ${spec.name}` : `a container of ${spec.name}`;
}

/**
 * `docker exec NAME ...` of a container compose named for a service of the compose file guard
 * reads (container-names.ts): that service's spec, as `docker compose exec SERVICE ...` (the
 * line's `-w`, `-e`, `--env-file`, `-i` kept); null where the line is no such exec (or NAME is
 * no such container: its mounts are unknown); undefined while a file is being read.
 */
function execAsService(inv: Invocation, rt: Runtime, spec: RunSpec): RunSpec | null | undefined {
  if (spec.kind !== 'exec' || !spec.nameKnown) return null;
  const files = composeTexts(inv, rt, spec);
  if (files === undefined || files === null) return files;
  const service = composeServiceOfContainer(inv, rt, spec.name, files);
  if (service === undefined || service === null) return service;
  return { ...spec, kind: 'compose', name: service, container: spec.name };
}

/**
 * The files compose reads when the line names none, as compose-go reads them (cli/options.go,
 * read 2026-12-06): COMPOSE_FILE first (WithConfigFileEnv: split on COMPOSE_PATH_SEPARATOR, `:`
 * here; from the host's environment over the `.env` of the working directory), else, in the
 * nearest directory up from there holding one (WithDefaultConfigPath), the first of
 * DEFAULT_NAMES, then the first of OVERRIDE_NAMES beside it: the override's name does not follow
 * the main file's (`compose.yaml` is merged with a `docker-compose.override.yml`). Before
 * the night of 2026-12-06 guard preferred `docker-compose.yaml` to `.yml`, paired overrides by name and read
 * no COMPOSE_FILE, so a development file's `.:/app` named there was not seen and `docker compose
 * run app rm -rf /app/src` was judged as reaching no repository file.
 */
const DEFAULT_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDE_NAMES = ['compose.override.yml', 'compose.override.yaml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];

type Found = { path: string; text: string };

/** The files the line or COMPOSE_FILE names (none: compose looks for DEFAULT_NAMES); undefined while `.env` is being read; null where COMPOSE_FILE is set to what guard cannot know. */
function composeFileNames(inv: Invocation, rt: Runtime, spec: RunSpec): string[] | null | undefined {
  if (spec.files.length > 0) return spec.files;
  const dir = spec.projectDir ?? inv.cwd;
  if (dir === null) return null;
  const { lookup, pending } = composeLookup(inv, rt, spec.composeEnvFiles, dir);
  if (pending) return undefined;
  const fromEnv = lookup('COMPOSE_FILE');
  const separator = lookup('COMPOSE_PATH_SEPARATOR');
  if (fromEnv === null || (fromEnv && separator === null)) return null;
  return fromEnv ? fromEnv.split(separator || ':').filter((f) => f !== '') : [];
}

/** The compose files and their texts, in the order compose merges them; undefined while being read; null where guard cannot read them. */
function composeTexts(inv: Invocation, rt: Runtime, spec: RunSpec): { dir: string; texts: string[] } | null | undefined {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || inv.cwd === null) return null;
  const read = (abs: string) => view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  const named = composeFileNames(inv, rt, spec);
  if (named === undefined || named === null) return named;
  if (named.length > 0) {
    const abs = named.map((f) => resolvePath(f, inv.cwd));
    if (abs.includes(null)) return null;
    const found = abs.map((a) => read(a as string));
    if (found.includes(undefined)) return undefined;
    const texts = found.map((f) => (f !== null && f !== undefined && f !== 'missing' ? f.text : null));
    if (texts.includes(null)) return null;
    return { dir: spec.projectDir ?? path.posix.dirname(abs[0] as string), texts: texts as string[] };
  }
  const start = spec.projectDir ?? inv.cwd;
  const candidates = DEFAULT_NAMES.map((name) => view.file({ dir: start, name, up: spec.projectDir === null }));
  if (candidates.includes(undefined)) return undefined;
  if (candidates.includes(null)) return null;
  const present = candidates.filter((c): c is Found => typeof c === 'object' && c !== null);
  if (present.length === 0) return null;
  // the nearest directory holding one; in it, the first name of DEFAULT_NAMES (candidates keep that order)
  const dir = present.map((c) => path.posix.dirname(c.path)).sort((a, b) => b.length - a.length)[0] as string;
  const main = present.find((c) => path.posix.dirname(c.path) === dir) as Found;
  const overrides = OVERRIDE_NAMES.map((name) => read(`${dir}/${name}`));
  if (overrides.includes(undefined)) return undefined;
  const override = overrides.find((o): o is Found => typeof o === 'object' && o !== null);
  return { dir: spec.projectDir ?? dir, texts: [main.text, ...(override ? [override.text] : [])] };
}

/**
 * The service's bind mounts and working directory from the compose files (`unknown`: a bind
 * whose host side guard cannot read); undefined while being read; null where unknown.
 */
function composeService(inv: Invocation, rt: Runtime, spec: RunSpec): { mounts: Mount[]; unknown: boolean; workdir: string | null; build: { dockerfile: string; target: string | null } | null } | null | undefined {
  const files = composeTexts(inv, rt, spec);
  if (files === undefined || files === null) return files;
  let unknown = false;
  const mounts: Mount[] = [];
  let workdir: string | null = null;
  let build: { dockerfile: string; target: string | null } | null = null;
  const services = composeServiceNodes(files.texts, spec.name);
  if (services === null) return null;
  // A service from a file guard does not read: `include:`d (compose refuses a service defined in
  // both, so only a service absent here comes from there) or `extends:` (its base's volumes are
  // merged in). Its mounts are unknown.
  const included = services.length === 0 && files.texts.some((text) => /^include\s*:/m.test(text));
  if (included || services.some((service) => get(service, 'extends') !== undefined)) return { mounts: [], unknown: true, workdir: null, build: null };
  if (services.length === 0) return null;
  // a bind's host side as compose interpolates it (`${APP_DIR:-.}:/app`): the line's exports over
  // `.env`, PWD the directory the line runs in (compose adds it where the environment lacks it)
  const { lookup, pending } = composeLookup(inv, rt, spec.composeEnvFiles, files.dir);
  if (pending) return undefined;
  const expand = (value: string): string | null => interpolate(value, (name) => (name === 'PWD' ? (lookup(name) ?? inv.cwd) : lookup(name)));
  for (const service of services) {
    const volumes = get(service, 'volumes');
    for (const item of volumes?.kind === 'seq' ? volumes.items : []) {
      if (item.kind === 'scalar' && item.value !== null) {
        const value = expand(item.value);
        const mount = value === null ? 'unknown' : shortBind(value, files.dir, inv.cwd);
        if (mount === 'unknown') unknown = true;
        else if (mount) mounts.push(mount);
      } else if (item.kind === 'map') {
        const raw = str(get(item, 'source'));
        const source = raw === null ? null : expand(raw);
        const target = str(get(item, 'target'));
        if (!target?.startsWith('/')) continue;
        if (str(get(item, 'type')) === 'volume' && str(get(item, 'read_only')) !== 'true' && source !== null && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) {
          mounts.push(volumeMount(source, target));
          continue;
        }
        if (str(get(item, 'type')) !== 'bind' || str(get(item, 'read_only')) === 'true') {
          mounts.push(shadow(target));
          continue;
        }
        const host = source === null ? 'unknown' : bindSource(source, files.dir, inv.cwd);
        if (host === 'unknown') unknown = true;
        else if (host !== null) mounts.push({ target: path.posix.normalize(target), source: host });
      }
    }
    workdir = str(get(service, 'working_dir')) ?? workdir;
    // the Dockerfile a `build:` names and its target stage, as compose-tools.ts reads them for a tool's image (a name guard cannot see: none read)
    build = buildOf(service, files.dir, path.posix.resolve) ?? build;
  }
  return { mounts, unknown, workdir, build };
}

/** A container path as the host sees it through the mounts: the mount's source, or the container's own (CONTAINER_FS). */
function mapPath(p: string, mounts: Mount[], above = true): string {
  const abs = path.posix.normalize(p).replace(/(.)\/$/, '$1');
  // already the container's (a pod's command inside an ssh command string, mapped whole: remote-shell.ts)
  if (abs === CONTAINER_FS || abs.startsWith(`${CONTAINER_FS}/`)) return abs;
  const within = mounts.filter((m) => abs === m.target || abs.startsWith(m.target === '/' ? '/' : `${m.target}/`)).sort((a, b) => b.target.length - a.target.length)[0];
  if (within) return within.source + (abs === within.target ? '' : abs.slice(within.target === '/' ? 0 : within.target.length));
  // a directory above a mount target: deleting it deletes what the mount shows, the whole source
  const over = !above ? undefined : mounts.filter((m) => !m.source.startsWith(`${CONTAINER_FS}/`) && (abs === '/' || m.target.startsWith(`${abs}/`))).sort((a, b) => a.source.length - b.source.length)[0];
  if (over) return over.source;
  return `${CONTAINER_FS}${abs === '/' ? '' : abs}`;
}

/** One inner word with its container paths mapped: a whole path, `--opt=/path`, `of=/path`, `~`. */
function mapWord(word: string, mounts: Mount[]): string {
  if (word.startsWith('/')) return mapPath(word, mounts);
  if (word === '~' || word.startsWith('~/')) return `${CONTAINER_FS}/root${word.slice(1)}`;
  // `--opt=/path`, and dd's `of=/path` (a name's value); `-configFiles=/a.conf,/b.toml`: each absolute path of a comma list
  const eq = /^((?:-[^=]*|[A-Za-z_][A-Za-z0-9_]*)=)(\/.*)$/.exec(word);
  if (eq) return `${eq[1]}${(eq[2] as string).split(',').map((p) => (p.startsWith('/') ? mapPath(p, mounts) : p)).join(',')}`;
  return word;
}

/** A shell string's container paths mapped (`sh -c 'rm -rf /app/x && ...'`): absolute paths that start a word. */
function mapScript(script: string, mounts: Mount[]): string {
  return script
    .replace(/(^|[\s;&|()'"=<>`])(\/[^\s;&|()'"<>`]*)/g, (_m, before: string, p: string) => `${before}${mapPath(p, mounts)}`)
    .replace(/(^|[\s;&|()'"`])~(?=\/|[\s;&|)'"`]|$)/g, (_m, before: string) => `${before}${CONTAINER_FS}/root`);
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', '/bin/sh', '/bin/bash', '/bin/ash', '/usr/bin/env']);

function quote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Judges the command a container runs as the host command it is through the repository's bind
 * mounts. True when it did with the container's working directory in the repository (what the
 * command sends a database server is then judged there too, a framework reading the repository's
 * configuration); false where no mount of the host is known, or the working directory is the
 * container's own (container-exec.ts judges the data, again where this pass judged it).
 */
export function classifyContainerRun(inv: Invocation, program: string, args: Field[], rt: Runtime): boolean {
  const found = runSpec(inv, program, args);
  if (found === null) return false;
  // on a machine guard cannot see (`ssh prod docker exec app rm -rf /data`): that machine's containers, none of the repository's files
  if (rt.ctx.unseenFiles !== undefined) {
    classifyUnseenMachineContainer(inv, found, args, rt);
    return true;
  }
  // `docker compose run flyway clean`: the service's image is the tool's (compose-tools.ts)
  const tool = composeToolSpec(inv, rt, found);
  if (tool === undefined) return true; // the compose file or Dockerfile is being read: judged once it is
  const typed = tool ?? found;
  if (typed.inner.length === 0) return false;
  const resolved = execAsService(inv, rt, typed);
  if (resolved === undefined) return true; // the compose files are being read: judged once they are
  if (typed.kind === 'exec' && resolved === null) {
    classifyUnknownMounts(inv, typed, rt);
    return false;
  }
  const spec = resolved ?? typed;
  if (!spec.nameKnown) return false;
  const words = spec.inner.map((f) => f.value);
  if (words.includes(null)) return false; // a word guard cannot see: the inner command is not judged
  let mounts = spec.mounts;
  let workdir = spec.workdir;
  let unknown = spec.unknownMounts;
  if (spec.kind === 'compose' && !unknown) {
    const named = composeFileNames(inv, rt, spec);
    if (named === undefined) return true; // .env is being read: judged once it is
    unknown = named === null;
  }
  // a mount guard cannot read may be the repository: what the command deletes is captured first, the backup too
  if (unknown) classifyUnknownMounts(inv, spec, rt);
  if (spec.kind === 'compose' && !unknown) {
    const service = composeService(inv, rt, spec);
    if (service === undefined) return true; // the compose file is being read: judged once it is
    if (service?.unknown) classifyUnknownMounts(inv, spec, rt);
    if (service !== null) {
      mounts = [...service.mounts, ...mounts];
      workdir ??= service.workdir;
      if (workdir === null && service.build !== null) {
        // the WORKDIR of the stage the service builds (dockerfile.ts)
        const text = readFile(rt, service.build.dockerfile);
        if (text === undefined) return true; // the Dockerfile is being read: judged once it is
        workdir = text === null ? null : dockerfileWorkdir(text, service.build.target);
      }
    }
  }
  const host = mounts.some((m) => !m.source.startsWith(`${CONTAINER_FS}/`) && m.volume === undefined);
  const volumes = mounts.flatMap((m) => (m.volume !== undefined ? [{ root: m.source, name: m.volume, target: m.target }] : []));
  if (!host && volumes.length === 0) return false; // nothing of the host in the container, no volume
  const composed = containerEnv(inv, rt, spec, () => composeTexts(inv, rt, spec));
  if (composed === undefined) return true; // an env file is being read: judged once it is
  const env = withImageEnv(composed, spec);
  const first = words[0] as string;
  const mapped = (words as string[]).map((w, i) => {
    const out = mapWord(w, mounts);
    // `sh -c SCRIPT`: the script's paths too
    return i > 0 && SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? '') ? mapScript(w, mounts) : out;
  });
  // the working directory itself is where relative names start, not something deleted: no mount above it counts
  const cwd = workdir === null ? CONTAINER_FS : mapPath(workdir, mounts, false);
  const shown = mounts.filter((m) => !m.source.startsWith(`${CONTAINER_FS}/`)).map((m) => `${m.target} is ${m.volume !== undefined ? `the volume ${m.volume}` : rt.ctx.repoRoot && (m.source === rt.ctx.repoRoot || m.source.startsWith(`${rt.ctx.repoRoot}/`)) ? path.posix.relative(rt.ctx.repoRoot, m.source) || '.' : m.source}`).join(', ');
  const ctx = { ...rt.ctx, scratchDirs: [...(rt.ctx.scratchDirs ?? []), CONTAINER_FS], ...(volumes.length > 0 ? { volumes } : {}), hostScript: (text: string) => mapScript(text, mounts) };
  rt.ctx.view?.placeholder(CONTAINER_FS);
  if (volumes.length > 0) rt.ctx.view?.placeholder(VOLUME_FS);
  // with volumes alone, only what the command deletes in them is judged here; the data rules run
  // in container-exec.ts (false), as for a container that mounts nothing
  const volumesOnly = host ? {} : { translate: (v: Verdict) => (v.rule === 'container-volume-delete' ? v : null) };
  rt.shell(mapped.map(quote).join(' '), { cwd, ctx, env, foreignEnv: true, ...(spec.stdin ? { stdin: hostStdin(inv) } : {}), via: `run in ${containerLabel(spec)}, where ${shown}`, ...volumesOnly }, inv.source);
  // a working directory the mounts do not show as the repository's (`./bakerydemo:/code/bakerydemo`, WORKDIR /code):
  // a framework there read no configuration in this pass; container-exec.ts judges the data again with the
  // container's project's (wagtail/bakerydemo's `docker compose exec app python manage.py flush` was free)
  const root = rt.ctx.repoRoot;
  return host && root !== undefined && root !== null && (cwd === root || cwd.startsWith(`${root}/`));
}

/** A verdict's reason naming the container's `/` itself, or `/*`. */
const ROOT_OF_CONTAINER = new RegExp(`${CONTAINER_FS}(?:/\\*?)?(?![^\\s,;:)'"])`);

/** The rules of what a command does to files: what they find in a container whose mounts are unknown may be the repository's. */
const FILE_RULES: ReadonlySet<string> = new Set(['rm-root', 'rm-home', 'rm-outside-repo', 'rm-in-repo', 'rm-unknown-target', 'overwrite-ignored', 'edit-listed', 'script-unknown-write', 'capture-too-large', 'untracked-too-large']);

/**
 * `docker exec NAME CMD` (podman too) of a running container guard cannot resolve to a compose
 * service (container-names.ts: a name not in the compose file, `$(docker ps -q)`, no compose
 * file): its mounts are in the engine, and may show the repository anywhere. What CMD deletes or
 * overwrites is judged a snapshot first (`container-unknown-mounts`), which holds the repository's
 * tracked and untracked files wherever the container shows them; removing the container's `/` (or `/*`),
 * above every mount, is the repository's root if it shows it (rm-repo-root, denied: .git and the
 * snapshots go with it). docs/DECISIONS.md, "docker exec of a running container". CMD is judged
 * by the file rules with every path the container's own, outside the repository and not scratch,
 * and their verdicts reworded; the data rules run apart (container-exec.ts), as before.
 */
function classifyUnknownMounts(inv: Invocation, spec: RunSpec, rt: Runtime): void {
  if (rt.ctx.inContainer) return; // `docker exec a docker exec b ...`: one level is enough
  const words = spec.inner.map((f) => f.value);
  if (words.includes(null)) return; // a word guard cannot see: the inner command is not judged
  const env = containerEnv(inv, rt, spec, () => null);
  if (env === undefined) return; // an env file is being read: judged once it is
  const first = words[0] as string;
  const mapped = (words as string[]).map((w, i) => (i > 0 && SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? '') ? mapScript(w, []) : mapWord(w, [])));
  const cwd = spec.workdir === null ? CONTAINER_FS : mapPath(spec.workdir, [], false);
  const why = spec.kind !== 'exec' ? `${containerLabel(spec)}, which mounts what guard cannot read` : !spec.nameKnown ? `the container named by ${spec.name} when the line runs` : `the container ${spec.name}, ${composeTexts(inv, rt, spec) === null ? 'with no compose file guard can read' : 'not named as compose names a service of the compose file'}`;
  const source = mapped.map(quote).join(' ');
  // the command as typed (the inner words, or the command inside `sh -c '...'`), not as mapped
  const shown = (command: string | undefined): string => (command === undefined ? '' : command === source ? spec.inner.map((f) => f.display).join(' ') : asTyped(command));
  rt.ctx.view?.placeholder(CONTAINER_FS);
  const via = `run in ${why}, so its mounts are unknown`;
  const repoRoot = rt.ctx.repoRoot;
  // git there works on whatever repository the container shows, the mounted repository itself
  // most often (`docker exec web git clean -fdx`, run where the image's WORKDIR is the mount; in
  // `sh -c '...'` or a script fed on stdin too): judged as the same git line in the repository,
  // ref changes and captures included, outside this pass's rewording
  const containerGit = (git: Invocation): void => {
    const typed = git.argv.map((f) => (f.value === null ? null : asTyped(f.value)));
    if (!repoRoot || typed.includes(null)) return; // a word guard cannot see: not judged, as the inner command
    rt.shell((typed as string[]).map(quote).join(' '), { cwd: repoRoot, env, foreignEnv: true, via: `${via}: judged as run in the repository` }, inv.source);
  };
  // a script the line feeds it runs in the container: its paths are the container's (CommandContext.hostScript)
  const ctx = { ...rt.ctx, hostScript: (text: string) => mapScript(text, []), containerGit };
  // The repository's ignored files those paths may be: captured first (the snapshot holds no ignored file).
  // Guessed only where the command deletes or overwrites something (a look first, its verdicts dropped):
  // `docker exec web npm test` is not judged again in the repository.
  let touches = false;
  rt.shell(source, { cwd, ctx: { ...rt.ctx, hostScript: ctx.hostScript }, env, foreignEnv: true, ...(spec.stdin ? { stdin: hostStdin(inv) } : {}), translate: (v) => {
    if (FILE_RULES.has(v.rule)) touches = true;
    return null;
  } }, inv.source);
  const captured = !touches ? [] : captureThroughGuessedMounts(inv, spec, rt, words as string[], source, env, spec.inner.map((f) => f.display).join(' '));
  const keeps = captured.length === 0 ? '' : `; guard captures the repository's ignored ${listNames(captured.map((p) => Buffer.from(p, 'latin1').toString('utf8')))} into the snapshot first (what those paths may be)`;
  rt.shell(source, {
    cwd,
    ctx,
    env,
    foreignEnv: true,
    ...(spec.stdin ? { stdin: hostStdin(inv) } : {}),
    via,
    translate: (v) => {
      if (!FILE_RULES.has(v.rule)) return null;
      // `/` itself (or all in it), above every mount: the repository's root where the container shows it
      if (ROOT_OF_CONTAINER.test(v.reason)) return makeVerdict('deny', 'rm-repo-root', `\`${shown(v.command)}\` removes the container's /, above every mount: the repository itself where the container shows it, its .git and guard's snapshots with it`, shown(v.command));
      // What it deletes may be the repository's root with its .git, where the snapshot is: the backup holds it first.
      return { ...makeVerdict('snapshot', 'container-unknown-mounts', `\`${shown(v.command)}\` deletes or overwrites files that may be the repository's, through a bind mount${keeps}`, shown(v.command)), backupFirst: true };
    },
  }, inv.source);
}

/**
 * `docker exec NAME CMD` (compose's `exec` and `run`, `docker run` with a mount) in the file pass
 * of a machine guard cannot see (CommandContext.unseenFiles: `ssh prod docker exec app rm -rf
 * /data`, remote-shell.ts; a pod's, container-exec.ts). Until 2026-12-07 (holes6) this pass judged
 * the container as the host's own (its compose file read here, the repository's files guessed
 * behind its mounts) and its verdict, a snapshot, was dropped by the caller: the deletion was free.
 * That machine's container shows that machine's files, a volume or a bind mount of its own, and
 * none of the repository's: CMD is judged by the file rules with every path unseen (the caller's
 * mapping: the ssh command string was mapped whole), its /tmp scratch, and the caller rewords
 * what it finds (`remote-host-delete`). A fresh `docker run` without a mount deletes only the
 * image's copy in its own container: free.
 */
function classifyUnseenMachineContainer(inv: Invocation, spec: RunSpec, args: Field[], rt: Runtime): void {
  if (spec.tool || spec.inner.length === 0) return; // a migration tool's image: its data (container-exec.ts's data pass)
  if (spec.kind === 'run' && spec.mounts.length === 0 && !spec.unknownMounts && !args.some((a) => a.value === '--volumes-from' || a.value?.startsWith('--volumes-from=') === true)) return;
  const words = spec.inner.map((f) => f.value);
  if (words.includes(null)) return; // a word guard cannot see: the data pass judged what it could
  const cwd = spec.workdir === null || !spec.workdir.startsWith('/') ? CONTAINER_FS : spec.workdir;
  rt.shell((words as string[]).map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : quote(w))).join(' '), { cwd, env: new Map(), foreignEnv: true, ...(spec.stdin ? { stdin: hostStdin(inv) } : {}), via: `run in ${containerLabel(spec)}` }, inv.source);
}

/** Guessed mounts judged at most per command (each is one more in-process judgement; a path lookup where a suffix exists). */
const MAX_GUESSES = 8;

/**
 * The repository's ignored files that a command run in a container whose mounts guard cannot
 * read may delete or overwrite, captured into the snapshot taken first (StateView.addCapture):
 * the snapshot holds the tracked and untracked files wherever the container shows them, but no
 * ignored file, and `docker run -v "$SRC":/app alpine rm -rf /app/.env` most likely meant the
 * repository's `.env` (2026-12-06: it was lost, where `-v "$PWD":/app` captured it). Judged by
 * guessing where the repository may be mounted, each guess the command judged again as the same
 * host command through that one mount (as a known mount is), its captures kept and its verdicts
 * dropped but one: what no capture can hold (capture-too-large) is refused.
 *  - Each directory above a path the command names (`/app/.env`, `/srv/app/config/x.key`,
 *    `/app/*.key`), the container's `/` left out (nothing is bind-mounted there): the path's
 *    tail is the same path in the repository (`.env`; `config/x.key`, `app/config/x.key`), looked
 *    up as any deletion's (an lstat each, git only where one is there).
 *  - The working directory (`-w`, compose's `working_dir`): relative names start there; where it
 *    is unknown (an image's WORKDIR), at the repository's root, as the usual image runs in the mount.
 *  - A directory the command deletes whole that may be the mount itself (the working directory,
 *    or a top-level one: `rm -rf /app`, `find /app -delete`): as the repository's root, which
 *    takes every ignored file that is not regenerable output, the set `git clean -fdx` captures,
 *    under the same budget (commands.maxIgnoredCapture: over it, capture-too-large).
 * A mount of a subdirectory of the repository (`-v ./web:/app`) is not guessed: `/app/.env` is
 * taken as the root's `.env`, not web/.env (docs/command-guard.md, Known limits).
 * Returns the files the guesses added to the capture (latin1), for the verdict to name.
 */
function captureThroughGuessedMounts(inv: Invocation, spec: RunSpec, rt: Runtime, words: string[], source: string, env: Map<string, string | null> | undefined, display: string): string[] {
  const root = rt.ctx.repoRoot;
  const view = rt.ctx.view;
  if (root === null || !view || view.mode === 'text' || rt.ctx.mountGuess) return [];
  const workdir = spec.workdir === null || !spec.workdir.startsWith('/') ? null : path.posix.normalize(spec.workdir).replace(/(.)\/$/, '$1');
  const guesses = new Set<string>();
  const named = [...source.matchAll(new RegExp(`${CONTAINER_FS}(/[^\\s;&|()'"<>\`]*)?`, 'g'))].map((m) => path.posix.normalize(m[1] ?? '/'));
  if (workdir !== null) named.push(workdir);
  for (const p of named) {
    const segments = p.split('/').filter((s) => s !== '');
    const literal = segments.findIndex((s) => /[*?[]/.test(s));
    const upTo = literal === -1 ? segments.length : literal;
    for (let k = 1; k <= Math.min(upTo, segments.length - 1); k++) guesses.add(`/${segments.slice(0, k).join('/')}`);
    // the path itself as the mount: a top-level directory, or the working directory
    if (literal === -1 && segments.length > 0 && (segments.length === 1 || p === workdir)) guesses.add(p);
  }
  const before = new Set(view.capture.keys());
  const first = words[0] as string;
  const judge = (mounts: Mount[], cwd: string): void => {
    const mapped = words.map((w, i) => (i > 0 && SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? '') ? mapScript(w, mounts) : mapWord(w, mounts)));
    rt.shell(mapped.map(quote).join(' '), {
      cwd,
      // guard's own files and protected paths refuse a deletion before its captures: judged without them (its verdicts are dropped)
      ctx: { ...rt.ctx, protectedPaths: [], isAgent: false, mountGuess: true },
      env,
      foreignEnv: true,
      via: `run in a container whose mounts guard cannot read, the repository guessed at ${mounts[0]?.target ?? 'the working directory'}`,
      translate: (v) => {
        // the mount itself deleted: every ignored file of the repository that is not regenerable output
        if (v.rule === 'rm-repo-root') return wholeRepository(rt, root, display);
        return v.rule === 'capture-too-large' ? { ...v, reason: `\`${display}\` may delete the repository's ignored files through a bind mount guard cannot read: ${v.reason}`, instead: CONTAINER_OVER_BOUND } : null;
      },
    }, inv.source);
  };
  for (const guess of [...guesses].slice(0, MAX_GUESSES)) {
    const mounts: Mount[] = [{ target: guess, source: root }];
    judge(mounts, workdir === null ? CONTAINER_FS : mapPath(workdir, mounts, false));
  }
  if (workdir === null) judge([], root);
  return [...view.capture.keys()].filter((p) => !before.has(p));
}

/** The way forward where what a container with unknown mounts may delete is more than guard captures. */
export const CONTAINER_OVER_BOUND = 'Delete the files you mean by name, or mount the repository as guard can read it (`-v "$PWD":/app`, `docker compose run|exec SERVICE`) so that it captures only what goes; or ask the person to raise commands.maxIgnoredCapture.';

/** Every ignored file of the repository that is not regenerable output, captured; a refusal where one directory holds more than guard lists. */
function wholeRepository(rt: Runtime, root: string, display: string): Verdict | null {
  const view = rt.ctx.view;
  if (!view) return null;
  // The collect pass notes the root so that a resolved pass runs, where the probe can look.
  if (view.collecting) {
    view.path(root, false);
    return null;
  }
  const ignored = view.probe?.ignoredUnder(root);
  if (!ignored) return null;
  const kept = ignored.filter((e) => !e.regenerable);
  const unlisted = kept.find((e) => e.files === null);
  if (unlisted) {
    const dir = Buffer.from(unlisted.path, 'latin1').toString('utf8').replace(/\/$/, '');
    return makeVerdict('deny', 'capture-too-large', `\`${display}\` may delete the repository's ignored files through a bind mount guard cannot read, and ${dir} holds more of them than guard can list to capture first (they are not regenerable output, and no snapshot holds them)`, display, CONTAINER_OVER_BOUND);
  }
  // An ignored nested repository (`dir/`) is not captured file by file.
  view.addCapture(kept.map((e) => ({ ...e, files: (e.files ?? []).filter((f) => !f.path.endsWith('/')) })));
  return null;
}

/** The line's stdin as the inner command, run elsewhere, reads it: a redirect's file by its absolute host path. */
export function hostStdin(inv: Invocation): Stdin {
  const stdin = inv.stdin;
  // a heredoc or here-string of the line: a shell in the container reads it with the container's paths (CommandContext.hostScript)
  if (stdin.kind === 'text') return { ...stdin, host: true };
  if (stdin.kind !== 'file' || stdin.path === undefined || stdin.path === null) return stdin;
  return { ...stdin, path: resolvePath(stdin.path, inv.cwd) };
}

export { mapWord, mapScript, SHELLS as CONTAINER_SHELLS, quote as shellWord, FILE_RULES };
