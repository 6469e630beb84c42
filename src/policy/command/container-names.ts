/**
 * Which compose service a running container is, from its name: `docker exec myapp-web-1 CMD`
 * (container-run.ts then judges CMD as `docker compose exec web CMD`, through the service's bind
 * mounts). No docker process is started: the name is matched against the names compose gives the
 * containers of the project whose compose file guard reads (the nearest compose.yaml ... up from
 * where the line runs, with its override file: container-run.ts composeTexts).
 *
 * Compose's naming, as read in its source (2026-12-06):
 * - docker/compose v2, pkg/compose/convergence.go getContainerName: a service's `container_name:`
 *   if set, else `<project><sep><service><sep><n>` (getDefaultContainerName), `sep` being
 *   api.Separator: `-`, or `_` with `--compatibility` / COMPOSE_COMPATIBILITY
 *   (cmd/compose/compose.go). A `compose run` container is `<project><sep><service><sep>run<sep>
 *   <12 hex>` (pkg/compose/run.go, stringid.TruncateID of the slug).
 * - The v2 project name, compose-spec/compose-go cli/options.go withNamePrecedenceLoad: `-p`, else
 *   COMPOSE_PROJECT_NAME from the environment (the host's variables over the project's `.env`:
 *   WithOsEnv, then WithDotEnv's Mapping.Merge keeps what is set), else the top-level `name:` of
 *   the compose files (loader/loader.go projectName: the last file that sets it, interpolated, then
 *   normalised), else the project directory's basename normalised. Normalisation
 *   (loader.NormalizeProjectName): lowercase, only the characters [a-z0-9_-] kept, leading `_`
 *   and `-` trimmed. A `-p` or COMPOSE_PROJECT_NAME that is not already normal is an error there.
 *   So COMPOSE_PROJECT_NAME wins over `name:`, not the other way round.
 * - docker-compose v1 (docker/compose branch 1.28.x, compose/cli/command.py get_project_name and
 *   compose/service.py build_container_name): `-p`, else COMPOSE_PROJECT_NAME (environment, then
 *   `.env`), else the directory's basename, each lowercased with everything but [-_a-z0-9]
 *   dropped; containers `<project>_<service>_<n>` with `_` and `-` stripped from the project's
 *   start, or `container_name`; `run` containers `<project>_<service>_run_<12 hex>`. v1 reads no
 *   `name:`.
 *
 * Which compose started the container is not on the line: v2's project name is matched with
 * `-` and `_`, v1's with `_`. A `-p NAME` given when the project was started is not on this line either: such
 * a container is not resolved (nor is one of another project, a `docker run --name`, an id).
 */
import path from 'node:path';
import { composeLookup } from './container-env.js';
import { interpolate } from './dotenv.js';
import type { Invocation, Runtime } from './runtime.js';
import { get, readYaml, str } from './taskfile-yaml.js';

/** `<project><sep><service><sep><n>` or a `run` container's `...<sep>run<sep><12 hex>`. */
const COMPOSE_SHAPED = /^.+[-_].+[-_](?:[0-9]+|run[-_][0-9a-f]{12})$/;

/** compose-go's NormalizeProjectName. */
export function normalizeProjectName(name: string): string {
  return (name.toLowerCase().match(/[a-z0-9_-]/g) ?? []).join('').replace(/^[_-]+/, '');
}

/** docker-compose v1's project name as its containers start: lowercased, [-_a-z0-9] kept, `-_` stripped from the start. */
function v1ProjectName(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '').replace(/^[-_]+/, '');
}

/**
 * The service of the compose project in `compose` (its directory and files' texts) whose container
 * `container` is, by compose's names; null where none is (or a file is not YAML guard can read, a
 * name hangs on a variable guard cannot know); undefined while the project's `.env` is being read.
 */
export function composeServiceOfContainer(inv: Invocation, rt: Runtime, container: string, compose: { dir: string; texts: readonly string[] }): string | null | undefined {
  // Only a name shaped as compose's, or a file with a `container_name:`, is worth parsing the YAML for
  // (loading the YAML reader is ~0.1 s of CPU a line: `docker exec web ls` stays as cheap as before).
  if (!COMPOSE_SHAPED.test(container) && !compose.texts.some((text) => /^\s*container_name\s*:/m.test(text))) return null;
  const services = new Map<string, string | null>();
  let named: string | null = null;
  for (const text of compose.texts) {
    let doc;
    try {
      doc = readYaml(text);
    } catch {
      doc = null;
    }
    if (doc === null) return null;
    const name = str(get(doc, 'name'));
    if (name) named = name;
    const nodes = get(doc, 'services');
    if (nodes?.kind !== 'map') continue;
    for (const [service, node] of nodes.entries) services.set(service, str(get(node, 'container_name')) ?? services.get(service) ?? null);
  }
  const { lookup, pending } = composeLookup(inv, rt, [], compose.dir);
  if (pending) return undefined;
  // `container_name:` (interpolated as compose does)
  for (const [service, fixed] of services) if (fixed !== null && interpolate(fixed, lookup) === container) return service;
  const fromEnv = lookup('COMPOSE_PROJECT_NAME');
  if (fromEnv === null) return null; // set to what guard cannot know: the project is unknown
  const base = path.posix.basename(compose.dir);
  const fromFile = named === null ? null : interpolate(named, lookup);
  if (named !== null && fromFile === null) return null;
  const v2 = fromEnv ? fromEnv : fromFile ? normalizeProjectName(fromFile) || normalizeProjectName(base) : normalizeProjectName(base);
  const v1 = v1ProjectName(fromEnv ? fromEnv : base);
  // v2 with `-`, or `_` under --compatibility; v1 with `_`
  for (const [project, sep] of [[v2, '-'], [v2, '_'], [v1, '_']] as const) {
    if (project === '' || !container.startsWith(`${project}${sep}`)) continue;
    const rest = container.slice(project.length + 1);
    // a `run` container first: its slug may be all digits
    for (const form of [`^(.+)${sep}run${sep}[0-9a-f]{12}$`, `^(.+)${sep}[0-9]+$`]) {
      const service = new RegExp(form).exec(rest)?.[1];
      if (service !== undefined && services.has(service)) return service;
    }
  }
  return null;
}
