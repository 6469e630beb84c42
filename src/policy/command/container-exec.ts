/**
 * A database client run inside a container or a pod: `docker compose exec db psql -c 'DROP
 * DATABASE app'`, `docker exec -i pg psql < drop.sql`, `kubectl exec pg-0 -- dropdb app`,
 * `docker compose exec web bin/rails db:drop`, `podman exec pg sh -c "psql -c 'TRUNCATE t'"`.
 * Until 2026-12-06 the inner command was not judged unless the container showed the repository
 * through a bind mount (container-run.ts): each of these was "no destructive command found",
 * though the same client typed on the host is `remote-data-delete`. A DROP sent to a server is
 * the same wherever the client runs, and the database's rows live in a volume outside the
 * repository, where no snapshot holds them.
 *
 * The inner command (docker/podman/compose `exec` and `run` by container-run.ts's option
 * grammar; `kubectl exec POD -- CMD`, `oc exec`, by cluster.ts's) is judged as shell code in a
 * container that shows nothing of the host (CommandContext.inContainer): only the data rules
 * run (remote-data.ts with server-sql.ts, server-frameworks.ts), through shells (`sh -c`), `env`,
 * `su -c` and runners (`bundle exec`) as on the host; every path it names is the container's
 * (a scratch directory), so what it does to files stays unjudged here (container-run.ts judges it
 * through a service's mounts, or as a snapshot where a running container's are unknown). The
 * line's stdin reaches the client where the line attaches it (`-i`; compose by default), so
 * `docker exec -i pg psql < drop.sql` reads the host's drop.sql as `psql < drop.sql` does.
 * Frameworks read their configuration (config/database.yml, manage.py's settings) from the
 * directory the line runs in: the repository, which the usual compose setup mounts into the app
 * container (docs/command-guard.md says so).
 */
import type { Field } from './expand.js';
import { KUBECTL_GRAMMAR } from './cluster.js';
import { CONTAINER_FS, CONTAINER_SHELLS, containerCommand, hostStdin, mapScript, mapWord, shellWord } from './container-run.js';
import { type GnuGrammar, scanGnuArgs } from './gnu-args.js';
import type { Invocation, Runtime } from './runtime.js';

/** kubectl exec's own options besides the global ones: `-c CONTAINER`, `--pod-running-timeout`. */
const EXEC_GRAMMAR: GnuGrammar = { ...KUBECTL_GRAMMAR, shortValues: `${KUBECTL_GRAMMAR.shortValues}c`, longValues: [...KUBECTL_GRAMMAR.longValues, 'container', 'pod-running-timeout'] };

/** `kubectl [OPTIONS] exec [OPTIONS] POD [--] CMD ...`: the command, whether stdin reaches it (`-i`, `--stdin`), the pod. */
function kubectlCommand(args: Field[]): { inner: Field[]; stdin: boolean; env: Map<string, string | null>; where: string } | null {
  const dash = args.findIndex((a) => a.value === '--');
  const before = dash === -1 ? args : args.slice(0, dash);
  const { options, operands } = scanGnuArgs(before, EXEC_GRAMMAR);
  // the pod may be a word guard cannot see (`$(kubectl get pod -l app=pg -o name)`): what runs in it is known
  if (operands[0]?.value !== 'exec' || operands[1] === undefined) return null;
  // without `--`, cobra reads options anywhere: the words after the pod are the command
  const inner = dash === -1 ? operands.slice(2) : args.slice(dash + 1);
  if (inner.length === 0) return null;
  const stdin = options.some((o) => (o.name === '-i' || o.name === '--stdin') && o.value?.value !== 'false');
  return { inner, stdin, env: new Map(), where: `the pod ${operands[1].value ?? operands[1].display}` };
}

/**
 * Judges what the command a container or pod runs sends a database server (`program` is docker,
 * podman, their compose, kubectl or oc). Called where container-run.ts did not judge the inner
 * command through the repository's mounts (there the data rules run with everything else).
 */
export function classifyContainerData(inv: Invocation, program: 'container' | 'kubectl', name: string, args: Field[], rt: Runtime): void {
  if (rt.ctx.inContainer) return; // `docker exec a docker exec b ...`: one level is enough
  const found = program === 'kubectl' ? kubectlCommand(args) : containerCommand(inv, name, args, rt);
  if (found === null || found.env === undefined) return; // undefined: an env file is being read, judged once it is
  const words = found.inner.map((f) => f.value);
  if (words.includes(null)) return; // a word guard cannot see: the inner command is not judged
  const first = words[0] as string;
  // every path is the container's: under CONTAINER_FS, a scratch directory guard judges nothing in
  const mapped = (words as string[]).map((w, i) => (i > 0 && CONTAINER_SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? '') ? mapScript(w, []) : mapWord(w, [])));
  const ctx = { ...rt.ctx, scratchDirs: [...(rt.ctx.scratchDirs ?? []), CONTAINER_FS], inContainer: { configDir: inv.cwd } };
  rt.ctx.view?.placeholder(CONTAINER_FS);
  // `-e RAILS_ENV=test`, env files, the compose service's environment (container-env.ts): what the container's
  // command sees; the host's own variables do not reach it
  rt.shell(mapped.map(shellWord).join(' '), { cwd: CONTAINER_FS, ctx, env: found.env, foreignEnv: true, stdin: found.stdin ? hostStdin(inv) : { kind: 'terminal' }, via: `run in ${found.where}` }, inv.source);
}
