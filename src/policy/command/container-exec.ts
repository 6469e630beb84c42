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
 * grammar; `kubectl exec POD -- CMD`, `oc exec`, `kubectl debug|run ... -- CMD` by cluster.ts's) is judged as shell code in a
 * container that shows nothing of the host (CommandContext.inContainer): only the data rules
 * run (remote-data.ts with server-sql.ts, server-frameworks.ts), through shells (`sh -c`), `env`,
 * `su -c` and runners (`bundle exec`) as on the host; every path it names is the container's
 * (a scratch directory), so what it does to files stays unjudged here (container-run.ts judges it
 * through a service's mounts, or as a snapshot where a running container's are unknown). The
 * line's stdin reaches the client where the line attaches it (`-i`; compose by default), so
 * `docker exec -i pg psql < drop.sql` reads the host's drop.sql as `psql < drop.sql` does.
 * Frameworks read their configuration (config/database.yml, manage.py's settings) from the
 * directory the line runs in only where the container's project is the repository: a compose
 * service built from it (a service that mounts it is judged whole by container-run.ts). A pod
 * (another machine's image, never the working tree), a container guard cannot match to a compose
 * service, a service of a registry's image: the project's configuration is in the image, unseen,
 * and its reset is judged against the stand-in CONTAINER_DATABASE_URL, as ssh's is against
 * UNSEEN_DATABASE_URL (since 2026-12-07; before, the repository's configuration was read as the
 * pod's: `kubectl exec deploy/web -- python manage.py flush` was free in a repository on SQLite).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { KUBECTL_GRAMMAR } from './cluster.js';
import { CONTAINER_FS, CONTAINER_SHELLS, containerCommand, hostStdin, mapScript, mapWord, shellWord } from './container-run.js';
import { type GnuGrammar, scanGnuArgs } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { type Invocation, type Runtime, shellQuote } from './runtime.js';
import { judgeUnseenFiles, scratchUnder } from './unseen-files.js';
import { CONTAINER_DATABASE_URL } from './server-frameworks.js';

/** The pod's temp directories (mapped): what runs there deletes and writes them freely, as the host's. */
const POD_SCRATCH = scratchUnder(CONTAINER_FS);

/** The character devices a line names as on the host (`> /dev/null`, `2>/dev/stderr`): the host's special cases judge them. */
const POD_DEVICES = new RegExp(`${CONTAINER_FS}(/dev/(?:null|zero|full|u?random|stdout|stderr|stdin|tty|fd/\\d+))(?![^\\s;&|()'"<>\`])`, 'g');

/**
 * kubectl exec's own options besides the global ones (`-c CONTAINER`, `--pod-running-timeout`),
 * debug's (`--image`, `--copy-to`, `--profile`, `--target`, `--env`, `--set-image`, `--custom`)
 * and run's (`--image`, `--overrides`, `--env`, `--port`, `--labels`, `--restart`).
 */
const EXEC_GRAMMAR: GnuGrammar = {
  ...KUBECTL_GRAMMAR,
  shortValues: `${KUBECTL_GRAMMAR.shortValues}c`,
  longValues: [...KUBECTL_GRAMMAR.longValues, 'container', 'pod-running-timeout', 'image', 'copy-to', 'profile', 'target', 'env', 'set-image', 'custom', 'image-pull-policy', 'overrides', 'port', 'labels', 'restart', 'annotations', 'hostport', 'expose', 'attach', 'override-type'],
};

/** Where a debugging pod on a node sees the node's root (kubectl debug node/NAME mounts it at /host): neither the host's nor scratch. */
const NODE_FS = '/guard-node-fs';

/** kubectl debug's profiles that mount the node's root at /host (pkg/cmd/debug/profiles.go mountRootPartition); the default is one. */
const ROOT_PROFILES = new Set(['legacy', 'general', 'sysadmin']);

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
  /**
   * Whose files the command names: the pod's (`exec`; `debug POD --copy-to --container C`, the
   * pod's own container with its mounts), the node's under /host (`debug node/NAME`), or none
   * guard judges (`run`, a fresh pod; `debug POD`, an ephemeral container with none of the
   * pod's mounts): null.
   */
  files: { mounts: Array<{ target: string; source: string }>; node: string | null } | null;
}

function kubectlCommand(args: Field[]): PodCommand | null {
  const dash = args.findIndex((a) => a.value === '--');
  const before = dash === -1 ? args : args.slice(0, dash);
  const { options, operands } = scanGnuArgs(before, EXEC_GRAMMAR);
  const verb = operands[0]?.value;
  // the pod may be a word guard cannot see (`$(kubectl get pod -l app=pg -o name)`): what runs in it is known
  if ((verb !== 'exec' && verb !== 'debug' && verb !== 'run') || operands[1] === undefined) return null;
  // without `--`, cobra reads options anywhere: the words after the pod are the command
  let inner = dash === -1 ? operands.slice(2) : args.slice(dash + 1);
  if (inner.length === 0) return null;
  const option = (...names: string[]): string | null | undefined => {
    const found = options.filter((o) => names.includes(o.name)).at(-1);
    return found === undefined ? undefined : (found.value?.value ?? null);
  };
  const stdin = options.some((o) => (o.name === '-i' || o.name === '--stdin') && o.value?.value !== 'false');
  const namespace = option('-n', '--namespace') ?? null;
  const target = operands[1].value;
  let files: PodCommand['files'] = { mounts: [], node: null };
  let where = `the pod ${target ?? operands[1].display}`;
  if (verb === 'run') {
    // a fresh pod of the image: its files are its own, but a volume the overrides mount (a claim) is not
    where = `a new pod ${target ?? operands[1].display}`;
    const overrides = option('--overrides');
    files = overrides === undefined || (overrides !== null && !/volumeMounts/.test(overrides)) ? null : { mounts: [], node: null };
  } else if (verb === 'debug') {
    const node = target !== null && /^(node|nodes)\//.test(target) ? target.slice(target.indexOf('/') + 1) : null;
    if (node !== null) {
      where = `a debugging pod on the node ${node}`;
      const profile = option('--profile');
      // baseline, restricted, netadmin mount nothing of the node
      if (profile !== undefined && profile !== null && !ROOT_PROFILES.has(profile)) files = null;
      // `chroot /host CMD`: CMD's paths are all the node's
      else if (inner[0]?.value === 'chroot' && inner[1]?.value !== null && inner[1]?.value !== undefined && path.posix.normalize(inner[1].value).replace(/(.)\/$/, '$1') === '/host' && inner.length > 2) {
        inner = inner.slice(2);
        files = { mounts: [{ target: '/', source: NODE_FS }], node };
      } else files = { mounts: [{ target: '/host', source: NODE_FS }], node };
    } else if (option('--copy-to') !== undefined && option('-c', '--container') !== undefined) {
      // a copy of the pod keeps its volumes; `--container C` may be the pod's own container, with its mounts
      where = `a copy of the pod ${target ?? operands[1].display}`;
    } else files = null; // an ephemeral container, or a new one in a copy: none of the pod's mounts
  }
  // `kubectl run`'s pod goes with `--rm`: the way forward names the pod that holds the claim
  return { inner, stdin, env: new Map(), where, pod: verb === 'run' ? null : (target ?? null), namespace, files };
}

/**
 * Judges what the command a container or pod runs sends a database server (`program` is docker,
 * podman, their compose, kubectl or oc). Called where container-run.ts did not judge the inner
 * command through the repository's mounts (there the data rules run with everything else).
 */
export function classifyContainerData(inv: Invocation, program: 'container' | 'kubectl', name: string, args: Field[], rt: Runtime): void {
  // `ssh prod docker exec db dropdb app`, `docker exec ci docker exec db psql ...`: each level judged (since 2026-12-07,
  // holes5; before, one level only, and these were free); the words shrink at each level
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
  const tool = 'tool' in found && found.tool;
  // whose configuration the framework reads: the repository's only where the container's project is it (a compose
  // service built from it); a pod's image, or a container guard cannot tie to the repository, reads its own, unseen:
  // its database is the stand-in's, as another machine's is over ssh (docs/DECISIONS.md, "Whose configuration a
  // container's framework reads")
  const repository = 'repository' in found && found.repository;
  const configDir = tool || !repository ? null : inv.cwd;
  const env = tool || repository || found.env.has('DATABASE_URL') ? found.env : new Map([...found.env, ['DATABASE_URL', CONTAINER_DATABASE_URL]]);
  const ctx = { ...rt.ctx, scratchDirs: [...(rt.ctx.scratchDirs ?? []), CONTAINER_FS], inContainer: { configDir, ...(tool || repository ? {} : { unseen: CONTAINER_DATABASE_URL, sourceDir: inv.cwd }) }, hostScript: (text: string) => mapScript(text, []) };
  rt.ctx.view?.placeholder(CONTAINER_FS);
  // `-e RAILS_ENV=test`, env files, the compose service's environment (container-env.ts): what the container's
  // command sees; the host's own variables do not reach it
  rt.shell(mapped.map(shellWord).join(' '), { cwd: CONTAINER_FS, ctx, env, foreignEnv: true, stdin: found.stdin ? hostStdin(inv) : { kind: 'terminal' }, via: `run in ${found.where}` }, inv.source);
  if (pod?.files) classifyPodFiles(inv, words as string[], pod, rt);
}

/**
 * What the command `kubectl exec` runs does to the pod's files (rule `cluster-data-delete`): a
 * pod's files are outside the repository and every snapshot, and what lies on its volume (a
 * PersistentVolume's data) is gone for good, so deleting or replacing them is refused for an agent
 * and asked of a person, as deleting its claim is (cluster.ts). The pod's temp directories stay
 * free, and so do reads, appends and edits in place. The file rules judge the inner command with
 * every path the pod's (under CONTAINER_FS, which is not looked at: CommandContext.unseenFiles
 * makes a write there replace a file), their verdicts reworded (unseen-files.ts); the data rules
 * ran apart above. Local clusters change nothing: guard cannot tell which cluster the context names without
 * reading the kubeconfig, and deleting one claim's data is a choice about data there too
 * (docs/DECISIONS.md, "Files in a pod").
 */
function classifyPodFiles(inv: Invocation, words: string[], found: PodCommand, rt: Runtime): void {
  const files = found.files;
  if (files === null) return;
  const first = words[0] as string;
  // every path is the pod's (under CONTAINER_FS); on a node, /host is the node's root (NODE_FS) and the rest the debugging container's own
  const map = (text: string, script: boolean): string => (script ? mapScript(text, files.mounts) : mapWord(text, files.mounts)).replace(POD_DEVICES, '$1');
  const source = words.map((w, i) => map(w, i > 0 && CONTAINER_SHELLS.has(first) && /^-[a-z]*c$/.test(words[i - 1] ?? ''))).map(shellWord).join(' ');
  const node = files.node;
  // `kubectl cp` takes a pod's name only (`pod/x` and `deploy/x` are exec's), its namespace as `-n NS`
  const pod = found.pod === null || (found.pod.includes('/') && !found.pod.startsWith('pod/') && !found.pod.startsWith('pods/')) ? 'POD' : found.pod.slice(found.pod.indexOf('/') + 1);
  const ns = found.namespace === null ? '' : `-n ${shellQuote(found.namespace)} `;
  rt.ctx.view?.placeholder(CONTAINER_FS);
  rt.ctx.view?.placeholder(NODE_FS);
  // a script the line feeds it (`kubectl exec -i db-0 -- sh < wipe.sh`, a heredoc) runs in the pod: its paths are the pod's
  judgeUnseenFiles(inv, rt, {
    source,
    typed: found.inner.map((f) => f.display).join(' '),
    cwd: CONTAINER_FS,
    unseen: node === null ? CONTAINER_FS : NODE_FS,
    scratchDirs: node === null ? POD_SCRATCH : [CONTAINER_FS, ...scratchUnder(NODE_FS)],
    hostScript: (text) => map(text, true),
    env: found.env,
    stdin: found.stdin ? hostStdin(inv) : { kind: 'terminal' },
    via: `run in ${found.where}`,
    unmap: (text) => text.replace(new RegExp(`${NODE_FS}(/?)`, 'g'), '/host$1'),
    reword: (shown, what) => {
      if (node !== null) {
        return makeVerdict(
          unrecoverableKind(rt.ctx.isAgent),
          'cluster-data-delete',
          `\`${shown}\` on the node ${node}: ${what}, the node's own files (kubectl debug mounts its root at /host), outside the repository and every snapshot; what it deletes or replaces there (the kubelet's and the container runtime's state, local volumes, etcd's data on a control-plane node) is gone for good`,
          inv.source,
          `Look first (\`kubectl debug node/${node} -it --image=busybox -- ls -la /host/PATH\`) and save what is there (\`kubectl debug node/${node} -i --image=busybox -- tar czf - /host/PATH > node-backup.tgz\`), then ask the person to run it; the debugging pod's own files (outside /host) stay free.`,
        );
      }
      return makeVerdict(
        unrecoverableKind(rt.ctx.isAgent),
        'cluster-data-delete',
        `\`${shown}\` in the pod: ${what}, outside the repository and every snapshot; what it deletes or replaces on the pod's volumes (a PersistentVolume's data) is gone for good`,
        inv.source,
        `Save it first (\`kubectl cp ${ns}${pod}:PATH ./backup\`, a VolumeSnapshot of the pod's claim, or a dump: \`kubectl exec ${ns}${pod} -- pg_dump ...\`), then ask the person to run it; the pod's /tmp stays free for scratch files.`,
      );
    },
  });
}
