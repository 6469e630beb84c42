/**
 * The environment a command run in a container sees, as far as the line and the repository's
 * files say it: what container-exec.ts and container-run.ts hand the inner command (the
 * frameworks' checks read RAILS_ENV, DATABASE_URL, NODE_ENV from it: server-frameworks.ts).
 * Before 2026-12-06 only the line's `-e K=V` was read, so `docker compose run web rails
 * db:reset` with `RAILS_ENV: test` in compose.yaml was judged for development, and `docker run
 * --env-file .env.prod app rails db:drop` for development too.
 *
 * - docker/podman `run|exec`: each `--env-file F` (relative to where the line runs) in order,
 *   read as docker reads it (`K=V` taken literally, no quotes removed, `#` lines skipped), then
 *   `-e K=V` over them.
 * - `docker compose run|exec SERVICE` (and docker-compose, podman-compose): the service's
 *   `env_file:` files (relative to the project directory, dotenv syntax), then its `environment:`
 *   (a map or a `K=V` list) over them, then the line's `-e K=V`; compose's precedence. Values are
 *   interpolated (`${RAILS_ENV:-development}`, `$$`) from the host's variables the line exports,
 *   over the project's `.env` file, or the files of compose's own `--env-file F` instead of it; a
 *   bare `RAILS_ENV` (a list item without `=`, a map key without a value) takes its value from
 *   there too, and is unset where nothing sets it. The compose files are container-run.ts's
 *   (`-f`, else the nearest compose.yaml ... with its override file), merged in order.
 *
 * The host's variables do not reach a container otherwise. A file guard cannot read, a `K` alone
 * (`-e RAILS_ENV`, the agent's own environment passed through) and a value from a variable
 * guard cannot know leave that variable unset or unknown (null): unknown is judged for every
 * environment.
 */
import path from 'node:path';
import { dotenvEntries, interpolate } from './dotenv.js';
import { resolvePath } from './paths.js';
import { unexportedForChild, type Invocation, type Runtime } from './runtime.js';
import { get, readYaml, str, type Y } from './taskfile-yaml.js';

/** What container-run.ts found on the line that decides the container's environment. */
export interface EnvSpec {
  kind: 'run' | 'compose' | 'exec';
  /** The compose service, for compose. */
  name: string;
  /** `-e K=V` of the run or exec, in order. */
  env: string[];
  /** `--env-file F` of `docker run|exec` (docker's literal format). */
  envFiles: string[];
  /** compose's own `--env-file F` (before its subcommand): the interpolation files, replacing `.env`. */
  composeEnvFiles: string[];
}

/** The compose files' directory and texts (container-run.ts composeTexts); undefined while being read, null where unknown. */
export type ComposeFiles = { dir: string; texts: string[] } | null | undefined;

type Env = Map<string, string | null>;

/** A file's text: undefined while being read, null where guard cannot read it or it is missing. */
function readText(rt: Runtime, abs: string): string | null | undefined {
  if (!rt.ctx.view || rt.ctx.view.mode === 'text') return null; // no file system (the programmatic API): not read
  const found = rt.ctx.view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  if (found === undefined) return undefined;
  return found === null || found === 'missing' ? null : found.text;
}

/** docker's env file: `K=V` literally (the value as written, quotes and all), `#` lines skipped, `K` alone not read. */
function dockerEnvFile(text: string, into: Env): void {
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '').trimStart();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq > 0) into.set(line.slice(0, eq).trim(), line.slice(eq + 1));
  }
}

/** `-e K=V` words. */
function lineEnv(words: readonly string[], into: Env): void {
  for (const e of words) if (e.includes('=')) into.set(e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1));
}

/** A dotenv file as compose reads it (`.env`, `env_file:`): single quotes literal, the rest interpolated (from `lookup`, then the file's own earlier lines). */
function dotenv(text: string, into: Env, lookup: (name: string) => string | null | undefined): void {
  const inFile = (name: string): string | null | undefined => (into.has(name) ? into.get(name) : lookup(name));
  for (const { name, value, literal } of dotenvEntries(text)) into.set(name, literal ? value : interpolate(value, inFile));
}

/** The service's node in each compose file that has it, in merge order; null where a file is not YAML guard can read. */
export function composeServiceNodes(texts: readonly string[], name: string): Y[] | null {
  const out: Y[] = [];
  for (const text of texts) {
    let doc: Y | null;
    try {
      doc = readYaml(text);
    } catch {
      doc = null;
    }
    if (doc === null) return null;
    const service = get(get(doc, 'services'), name);
    if (service !== undefined) out.push(service);
  }
  return out;
}

/** A compose service's `env_file:` paths: a string, a list of strings, or of `{path, required}`. */
function envFilePaths(node: Y | undefined): Array<{ file: string; required: boolean }> {
  if (node === undefined) return [];
  const items = node.kind === 'seq' ? node.items : [node];
  return items.flatMap((item) => {
    const file = item.kind === 'scalar' ? item.value : str(get(item, 'path'));
    return file === null ? [] : [{ file, required: str(get(item, 'required')) !== 'false' }];
  });
}

/** A variable as the line's shell hands it to a new process: undefined where the line does not set it, null where unknown. */
function hostVar(inv: Invocation, name: string): string | null | undefined {
  if (!inv.env.has(name)) return undefined;
  // `X=V;` never exported: V where the agent's environment exports X already, else unset; not known
  return unexportedForChild(inv, name) ? null : (inv.env.get(name) ?? null);
}

/**
 * compose's interpolation environment: the host's exported variables over the project's `.env`
 * in `dir` (or the files of compose's own `--env-file` instead); `pending` while a file is being read.
 */
export function composeLookup(inv: Invocation, rt: Runtime, composeEnvFiles: readonly string[], dir: string): { lookup: (name: string) => string | null | undefined; pending: boolean } {
  const fileVars: Env = new Map();
  const host = (name: string): string | null | undefined => hostVar(inv, name);
  const interpolationFiles = composeEnvFiles.length > 0 ? composeEnvFiles.map((f) => resolvePath(f, inv.cwd)) : [`${dir}/.env`];
  let pending = false;
  for (const abs of interpolationFiles) {
    const text = abs === null ? null : readText(rt, abs);
    if (text === undefined) pending = true;
    else if (text !== null) dotenv(text, fileVars, host);
  }
  const lookup = (name: string): string | null | undefined => {
    const fromHost = host(name);
    return fromHost !== undefined ? fromHost : fileVars.get(name);
  };
  return { lookup, pending };
}

/** The environment of a compose service's container; undefined while a file is being read. */
function composeEnv(inv: Invocation, rt: Runtime, spec: EnvSpec, compose: ComposeFiles): Env | undefined {
  const env: Env = new Map();
  if (compose === undefined) return undefined;
  if (compose === null) return env;
  const nodes = composeServiceNodes(compose.texts, spec.name);
  if (nodes === null || nodes.length === 0) return env;
  // the env_file names are read in the same pass as .env (a name interpolated from it is read once it is)
  const { lookup, pending: envPending } = composeLookup(inv, rt, spec.composeEnvFiles, compose.dir);
  let pending = envPending;
  for (const node of nodes) {
    for (const { file } of envFilePaths(get(node, 'env_file'))) {
      const abs = interpolate(file, lookup);
      const text = abs === null ? null : readText(rt, path.posix.resolve(compose.dir, abs));
      if (text === undefined) pending = true;
      else if (text !== null) dotenv(text, env, lookup);
    }
  }
  if (pending) return undefined;
  for (const node of nodes) {
    const environment = get(node, 'environment');
    const set = (key: string, raw: string | null): void => {
      if (raw === null) {
        // a bare key: its value from the interpolation environment, unset where nothing sets it
        const found = lookup(key);
        if (found === undefined) env.delete(key);
        else env.set(key, found);
      } else env.set(key, interpolate(raw, lookup));
    };
    if (environment?.kind === 'map') for (const [key, value] of environment.entries) set(key, value.kind === 'scalar' ? value.value : null);
    else if (environment?.kind === 'seq') {
      for (const item of environment.items) {
        const text = item.kind === 'scalar' ? item.value : null;
        if (text === null) continue;
        const eq = text.indexOf('=');
        set(eq === -1 ? text : text.slice(0, eq), eq === -1 ? null : text.slice(eq + 1));
      }
    }
  }
  return env;
}

/**
 * The inner command's environment: compose's or docker's files and the line's `-e`, in their
 * precedence; undefined while a file is being read (judged once it is).
 */
export function containerEnv(inv: Invocation, rt: Runtime, spec: EnvSpec, compose: () => ComposeFiles): Env | undefined {
  let env: Env;
  if (spec.kind === 'compose') {
    const found = composeEnv(inv, rt, spec, compose());
    if (found === undefined) return undefined;
    env = found;
  } else env = new Map();
  // `docker exec --env-file F` of a compose service's container (container-names.ts) too: over the service's
  for (const file of spec.envFiles) {
    const abs = resolvePath(file, inv.cwd);
    const text = abs === null ? null : readText(rt, abs);
    if (text === undefined) return undefined;
    if (text !== null) dockerEnvFile(text, env);
  }
  lineEnv(spec.env, env);
  return env;
}
