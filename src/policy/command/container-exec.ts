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
import { CONTAINER_FS, CONTAINER_SHELLS, containerCommand, FILE_RULES, hostStdin, mapScript, mapWord, shellWord } from './container-run.js';
import { type GnuGrammar, scanGnuArgs } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { type Invocation, type Runtime, shellQuote } from './runtime.js';

/** The pod's temp directories (mapped): what runs there deletes and writes them freely, as the host's. */
const POD_SCRATCH = ['/tmp', '/var/tmp', '/dev/shm'].map((dir) => `${CONTAINER_FS}${dir}`);

/** The character devices a line names as on the host (`> /dev/null`, `2>/dev/stderr`): the host's special cases judge them. */
const POD_DEVICES = new RegExp(`${CONTAINER_FS}(/dev/(?:null|zero|full|u?random|stdout|stderr|stdin|tty|fd/\\d+))(?![^\\s;&|()'"<>\`])`, 'g');

/** kubectl exec's own options besides the global ones: `-c CONTAINER`, `--pod-running-timeout`. */
const EXEC_GRAMMAR: GnuGrammar = { ...KUBECTL_GRAMMAR, shortValues: `${KUBECTL_GRAMMAR.shortValues}c`, longValues: [...KUBECTL_GRAMMAR.longValues, 'container', 'pod-running-timeout'] };

/** `kubectl [OPTIONS] exec [OPTIONS] POD [--] CMD ...`: the command, whether stdin reaches it (`-i`, `--stdin`), the pod. */
interface PodCommand {
  inner: Field[];
  stdin: boolean;
  env: Map<string, string | null>;
  where: string;
  /** The pod as typed (`db-0`, `pod/db-0`, `deploy/web`), null where guard cannot see it. */
  pod: string | null;
  /** `-n NS`, `--namespace=NS`, where typed. */
  namespace: string | null;
}

function kubectlCommand(args: Field[]): PodCommand | null {
  const dash = args.findIndex((a) => a.value === '--');
  const before = dash === -1 ? args : args.slice(0, dash);
  const { options, operands } = scanGnuArgs(before, EXEC_GRAMMAR);
  // the pod may be a word guard cannot see (`$(kubectl get pod -l app=pg -o name)`): what runs in it is known
  if (operands[0]?.value !== 'exec' || operands[1] === undefined) return null;
  // without `--`, cobra reads options anywhere: the words after the pod are the command
  const inner = dash === -1 ? operands.slice(2) : args.slice(dash + 1);
  if (inner.length === 0) return null;
  const stdin = options.some((o) => (o.name === '-i' || o.name === '--stdin') && o.value?.value !== 'false');
  const namespace = options.filter((o) => o.name === '-n' || o.name === '--namespace').at(-1)?.value?.value ?? null;
  return { inner, stdin, env: new Map(), where: `the pod ${operands[1].value ?? operands[1].display}`, pod: operands[1].value ?? null, namespace };
}

/**
 * Judges what the command a container or pod runs sends a database server (`program` is docker,
 * podman, their compose, kubectl or oc). Called where container-run.ts did not judge the inner
 * command through the repository's mounts (there the data rules run with everything else).
 */
export function classifyContainerData(inv: Invocation, program: 'container' | 'kubectl', name: string, args: Field[], rt: Runtime): void {
  if (rt.ctx.inContainer) return; // `docker exec a docker exec b ...`: one level is enough
  const pod = program === 'kubectl' ? kubectlCommand(args) : null;
  const found = program === 'kubectl' ? pod : containerCommand(inv, name, args, rt);
  if (found === null || found.env === undefined) return; // undefined: an env file is being read, judged once it is
  const words = found.inner.map((f) => f.value);
  if (words.includes(null)) return; // a word guard cannot see: the inner command is not judged
  const first = words[0] as string;
  // every path is the container's: under CONTAINER_FS, a scratch directory guard judges nothing in
  const mapped = (words as string[]).map((w, i) => (i > 0 && CONTAINER_SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? '') ? mapScript(w, []) : mapWord(w, [])));
  // a migration tool's official image (container-run.ts, TOOL_IMAGES) sees none of the project's files without a
  // bind mount (with one, container-run.ts judged it): only the line and the container's environment say which database
  const configDir = 'tool' in found && found.tool ? null : inv.cwd;
  const ctx = { ...rt.ctx, scratchDirs: [...(rt.ctx.scratchDirs ?? []), CONTAINER_FS], inContainer: { configDir } };
  rt.ctx.view?.placeholder(CONTAINER_FS);
  // `-e RAILS_ENV=test`, env files, the compose service's environment (container-env.ts): what the container's
  // command sees; the host's own variables do not reach it
  rt.shell(mapped.map(shellWord).join(' '), { cwd: CONTAINER_FS, ctx, env: found.env, foreignEnv: true, stdin: found.stdin ? hostStdin(inv) : { kind: 'terminal' }, via: `run in ${found.where}` }, inv.source);
  if (pod) classifyPodFiles(inv, mapped, pod, rt);
}

/**
 * What the command `kubectl exec` runs does to the pod's files (rule `cluster-data-delete`): a
 * pod's files are outside the repository and every snapshot, and what lies on its volume (a
 * PersistentVolume's data) is gone for good, so deleting or replacing them is refused for an agent
 * and asked of a person, as deleting its claim is (cluster.ts). The pod's temp directories stay
 * free, and so do reads, appends and edits in place. The file rules judge the inner command with
 * every path the pod's (under CONTAINER_FS, which is not looked at: CommandContext.unseenFiles
 * makes a write there replace a file), their verdicts reworded; the data rules ran apart above.
 * Local clusters change nothing: guard cannot tell which cluster the context names without
 * reading the kubeconfig, and deleting one claim's data is a choice about data there too
 * (docs/DECISIONS.md, "Files in a pod").
 */
function classifyPodFiles(inv: Invocation, mapped: string[], found: PodCommand, rt: Runtime): void {
  const source = mapped.map((w) => w.replace(POD_DEVICES, '$1')).map(shellWord).join(' ');
  const ctx = { ...rt.ctx, scratchDirs: POD_SCRATCH, unseenFiles: CONTAINER_FS };
  const typed = (command: string | undefined): string => (command === undefined ? '' : command.replace(new RegExp(`${CONTAINER_FS}(/?)`, 'g'), (_m, slash: string) => slash || '/'));
  // `kubectl cp` takes a pod's name only (`pod/x` and `deploy/x` are exec's), its namespace as `-n NS`
  const pod = found.pod === null || (found.pod.includes('/') && !found.pod.startsWith('pod/') && !found.pod.startsWith('pods/')) ? 'POD' : found.pod.slice(found.pod.indexOf('/') + 1);
  const ns = found.namespace === null ? '' : `-n ${shellQuote(found.namespace)} `;
  rt.ctx.view?.placeholder(CONTAINER_FS);
  rt.shell(source, {
    cwd: CONTAINER_FS,
    ctx,
    env: found.env,
    foreignEnv: true,
    stdin: found.stdin ? hostStdin(inv) : { kind: 'terminal' },
    via: `run in ${found.where}`,
    translate: (v) => {
      if (!FILE_RULES.has(v.rule)) return null; // what it sends a server, an unknown word: judged by the data pass above
      const what = typed(v.reason).replace(/, (outside the repository|in a directory guard cannot determine).*$/, '');
      const shown = v.command === source || v.command === undefined ? found.inner.map((f) => f.display).join(' ') : typed(v.command);
      return makeVerdict(
        unrecoverableKind(rt.ctx.isAgent),
        'cluster-data-delete',
        `\`${shown}\` in the pod: ${what}, outside the repository and every snapshot; what it deletes or replaces on the pod's volumes (a PersistentVolume's data) is gone for good`,
        inv.source,
        `Save it first (\`kubectl cp ${ns}${pod}:PATH ./backup\`, a VolumeSnapshot of the pod's claim, or a dump: \`kubectl exec ${ns}${pod} -- pg_dump ...\`), then ask the person to run it; the pod's /tmp stays free for scratch files.`,
      );
    },
  }, inv.source);
}
