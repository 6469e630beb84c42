/**
 * Docker and Podman commands that delete volumes: `docker compose down -v` (the project's named
 * volumes and the anonymous ones of its containers), `docker compose rm -v`, `docker rm -v`, `docker volume rm`,
 * `docker volume prune`, `docker system prune --volumes`, and the same through `docker-compose`,
 * `podman` and `podman-compose`. A compose project's database lives in such a volume
 * (awesome-compose's postgresql-pgadmin: `db-data:/var/lib/postgresql/data`); the volume is in
 * the engine's storage, outside the repository and every snapshot, so nothing guard does before
 * the command can bring it back. The sweep of 2026-12-05 evening (docs/FRICTION.md,
 * "Infrastructure as code and JavaScript monorepos") found them all "allow: no destructive
 * command found". Now they are refused for an agent and asked of a person (nothing can be
 * captured), the message naming the way forward: `down` without `-v` keeps the volumes, and a
 * volume can be saved to a tar file first. A bind mount (`./data:/var/lib/mysql`) is a
 * directory of the repository and is never deleted by these.
 */
import type { Field } from './expand.js';
import { composeLookup } from './container-env.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here). */
export const CONTAINER_PROGRAMS = new Set(['docker', 'podman', 'docker-compose', 'podman-compose']);

/** Options of docker/podman and of compose that take their value as the next word (before the subcommand). */
const VALUE_OPTIONS = new Set([
  '-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '--url', '--connection', '--root', '--runroot',
  '-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile', '--ansi', '--parallel', '--progress',
]);
/** ... and after it (`down -t 10`, `--rmi all`, `prune --filter x`; `rm -f` is force there). */
const SUBCOMMAND_VALUE_OPTIONS = new Set(['-t', '--timeout', '--rmi', '--filter']);

/** The operands and the options as written; `before` operands are read with the global options' grammar. */
function words(args: Field[], before: number): { operands: (string | null)[]; flags: string[] } {
  const operands: (string | null)[] = [];
  const flags: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value ?? null;
    if (value !== null && value.startsWith('-') && value !== '-') {
      flags.push(value);
      if (!value.includes('=') && (operands.length < before ? VALUE_OPTIONS : SUBCOMMAND_VALUE_OPTIONS).has(value)) i++;
      continue;
    }
    operands.push(value);
  }
  return { operands, flags };
}

/** What deletes volumes, as said in the refusal, or null. */
export function containerVolumesDeleted(program: string, args: Field[]): string | null {
  const compose = program.endsWith('-compose');
  const { operands, flags } = words(args, compose ? 1 : 2);
  // a short option in a cluster too (`rm -fv`)
  const flag = (...names: string[]): boolean => flags.some((f) => names.includes(f) || (/^-[a-zA-Z]{2,}$/.test(f) && names.some((n) => /^-[a-zA-Z]$/.test(n) && f.includes(n.slice(1)))));
  const [first = null, second = null] = compose ? ['compose', operands[0] ?? null] : operands;
  if (first === 'compose') {
    if (second === 'down' && flag('-v', '--volumes')) return `${program}${compose ? '' : ' compose'} down -v deletes the project's volumes`;
    if (second === 'rm' && flag('-v', '--volumes')) return `${program}${compose ? '' : ' compose'} rm -v deletes the containers' anonymous volumes`;
    return null;
  }
  if (first === 'volume' && (second === 'rm' || second === 'remove' || second === 'prune')) return `${program} volume ${second} deletes volumes`;
  // `docker rm -v` (as `compose rm -v`): the containers' anonymous volumes, a database image's VOLUME among them (since 2026-12-07, with ansible's docker_container keep_volumes: false)
  // (its own flags read from the words after `rm`: `-f` there is --force, not compose's --file)
  const rmAt = args.findIndex((a) => a.value === 'rm' || a.value === 'remove');
  const rmVolumes = rmAt !== -1 && args.slice(rmAt + 1).some((a) => a.value === '--volumes' || (a.value !== null && /^-[a-zA-Z]*v[a-zA-Z]*$/.test(a.value)));
  if ((first === 'rm' || (first === 'container' && (second === 'rm' || second === 'remove'))) && rmVolumes) return `${program} ${first === 'rm' ? 'rm' : `container ${second}`} -v deletes the containers' anonymous volumes`;
  if (first === 'system' && second === 'prune' && flag('--volumes')) return `${program} system prune --volumes deletes unused volumes`;
  return null;
}

/** The names compose looks for, in the working directory and each directory above it (compose-go WithDefaultConfigPath). */
const COMPOSE_FILE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
/** Options that name a compose project without a file in reach (`-p NAME down` works on the engine's containers alone). */
const PROJECT_OPTIONS = /^(?:-f|--file|-p|--project-name|--project-directory|--env-file)(?:=|$)|^-[a-zA-Z]*[fp]/;

/**
 * A compose `down -v` / `rm -v` that names no file and no project, where neither COMPOSE_FILE nor
 * COMPOSE_PROJECT_NAME is set (the line's exports, the working directory's `.env`) and no compose
 * file is in the working directory or above it: compose stops with "no configuration file
 * provided" and deletes nothing (found on ardalis/CleanArchitecture, which has no compose file).
 * False where any of it is not known.
 */
function composeFindsNoProject(inv: Invocation, program: string, args: Field[], rt: Runtime): boolean {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || inv.cwd === null) return false;
  const compose = program.endsWith('-compose');
  const at = compose ? -1 : args.findIndex((a) => a.value === 'compose');
  if (!compose && at === -1) return false;
  const sub = at + 1;
  const end = args.findIndex((a, i) => i >= sub && (a.value === 'down' || a.value === 'rm'));
  if (end === -1 || args.slice(0, end).some((a) => a.value === null || PROJECT_OPTIONS.test(a.value))) return false;
  const { lookup, pending } = composeLookup(inv, rt, [], inv.cwd);
  if (pending || lookup('COMPOSE_FILE') !== undefined || lookup('COMPOSE_PROJECT_NAME') !== undefined) return false;
  return COMPOSE_FILE_NAMES.map((name) => view.file({ dir: inv.cwd as string, name, up: true })).every((found) => found === 'missing');
}

/** Global options that pick the engine a command talks to (docker's `-H`/`--host`, `-c`/`--context`; podman's `-c`/`--connection`, `--url`). */
const ENGINE_OPTIONS = new Set(['-H', '--host', '-c', '--context', '--connection', '--url']);
/** Variables that pick it (docker's DOCKER_HOST, DOCKER_CONTEXT; podman's CONTAINER_HOST, CONTAINER_CONNECTION). */
const ENGINE_VARIABLES = ['DOCKER_HOST', 'DOCKER_CONTEXT', 'CONTAINER_HOST', 'CONTAINER_CONNECTION'];

/** An engine on this machine: its socket, the default context, a loopback address. */
function localEngine(value: string): boolean {
  return value === 'default' || /^(?:unix|npipe):\/\//.test(value) || /^(?:tcp|http|https):\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?\/?$/.test(value);
}

/**
 * Where the volumes are when not on this machine's engine: the words that reach that engine
 * (`ssh prod`, `docker -H ssh://prod`, `docker --context prod`, `DOCKER_HOST=ssh://prod docker`)
 * and the engine's name for the refusal; null for this machine's engine. The way forward is then
 * written with them: the rule's own (`docker run ... -v "$PWD":/b ...`) would save this
 * machine's volume of that name, or write the archive into a directory of the other machine
 * (since 2026-12-08, holes8).
 */
function otherEngine(inv: Invocation, program: string, args: Field[], rt: Runtime): { run: string; where: string } | null {
  const engine = program.startsWith('podman') ? 'podman' : 'docker';
  const reach = rt.ctx.inContainer?.reach;
  if (reach !== undefined) return { run: `${reach} ${engine}`, where: '' };
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === null || !w.startsWith('-')) break;
    const eq = w.indexOf('=');
    const name = eq === -1 ? w : w.slice(0, eq);
    const value = eq === -1 ? args[i + 1]?.value : w.slice(eq + 1);
    if (ENGINE_OPTIONS.has(name) && value !== undefined) {
      if (value === null) return { run: `${engine} ${name} ${args[i + 1]?.display ?? 'ENGINE'}`, where: ` on the engine ${args[i + 1]?.display ?? ''}` };
      if (!localEngine(value)) return { run: `${engine} ${name} ${value}`, where: ` on the engine ${value}` };
    }
    if (eq === -1 && VALUE_OPTIONS.has(w)) i++;
  }
  for (const variable of ENGINE_VARIABLES) {
    if (!inv.env.has(variable)) continue;
    const value = inv.env.get(variable) ?? null;
    if (value !== null && (value === '' || localEngine(value))) continue;
    const shown = value ?? `$${variable}`;
    return { run: `${variable}=${shown} ${engine}`, where: ` on the engine ${shown}` };
  }
  return null;
}

/** Refuses (an agent) or asks about (a person) a command that deletes container volumes. */
export function classifyContainerVolumes(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const what = containerVolumesDeleted(program, args);
  if (what === null) return;
  const composeLine = program.endsWith('-compose') ? what.startsWith(`${program} down -v `) || what.startsWith(`${program} rm -v `) : what.startsWith(`${program} compose down -v `) || what.startsWith(`${program} compose rm -v `);
  if (composeLine && composeFindsNoProject(inv, program, args, rt)) return;
  const other = otherEngine(inv, program, args, rt);
  const instead = other === null
    ? undefined
    : `Run it without deleting volumes (\`docker compose down\` keeps them); the volumes are ${other.where === '' ? 'on another machine' : `on the engine${other.where.slice(' on the engine'.length)}`}: save each to this machine first with \`${other.run} run --rm -v VOLUME:/v alpine tar czf - -C /v . > VOLUME.tgz\` (\`${other.run} volume ls\` names them); or ask the person to run it.`;
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'container-volume-delete', `${what}${other?.where ?? ''} (a database's data), outside the repository, where no snapshot holds them`, inv.source, instead));
}
