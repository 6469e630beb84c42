/**
 * Kubernetes and Helm commands that delete data in a cluster (rule `cluster-data-delete`). A
 * cluster is outside the repository and every snapshot: guard can bring none of it back. What an
 * agent deletes there every day comes back by itself or from the repository's manifests (`kubectl
 * delete pod x` restarts a Deployment's pod, its controller makes a new one; `kubectl delete
 * deployment x`, `kubectl delete -f k8s/app.yaml` are undone by `kubectl apply`), so those stay
 * free. What holds data does not come back: a PersistentVolumeClaim (its volume is deleted with
 * it under the usual `Delete` reclaim policy), a PersistentVolume, a Namespace (everything in it,
 * its claims and secrets too). Those are refused for an agent and asked of a person, as `docker
 * compose down -v` is (container-volumes.ts), and so are the commands that delete a set guard
 * cannot name: `helm uninstall` (the release's every resource, the claims its chart made among
 * them), `kubectl apply --prune` (whatever the applied files no longer list), `kubectl delete -f`
 * of manifests guard cannot read, `kubectl drain` that deletes emptyDir data or unmanaged pods,
 * and files written into a pod (`kubectl cp`, `oc rsync`; container-exec.ts judges `exec`, `debug`, `run`).
 * docs/DECISIONS.md, "State outside the repository".
 *
 * `kubectl get|describe|logs|apply|exec ...`, `helm list|template|upgrade --install` are never
 * judged here, and the sh fast path passes them without starting Node (fast-path.ts
 * FAST_PATH_VERB_RISKY).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords, scanGnuArgs, type GnuGrammar } from './gnu-args.js';
import { manifestKinds } from './manifest-kinds.js';
import { checkDeleteTarget } from './targets.js';
import { makeVerdict, opaqueKind, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';

/** Programs this module judges (commands.ts sends them here). */
export const KUBECTL_PROGRAMS = new Set(['kubectl', 'oc', 'kubecolor']);

/** kubectl's options (global and of delete, apply, replace, drain) that take a value; cobra reads `--x=v` and `--x v`. */
export const KUBECTL_GRAMMAR: GnuGrammar = {
  shortValues: 'nflksoL',
  longValues: [
    'namespace', 'filename', 'kustomize', 'selector', 'output', 'server', 'context', 'kubeconfig', 'cluster', 'user', 'token',
    'as', 'as-group', 'as-uid', 'request-timeout', 'field-selector', 'grace-period', 'timeout', 'prune-allowlist', 'prune-whitelist',
    'template', 'field-manager', 'certificate-authority', 'client-certificate', 'client-key', 'tls-server-name', 'cache-dir',
    'v', 'vmodule', 'log-dir', 'log-file', 'pod-selector', 'chunk-size', 'skip-wait-for-delete-timeout', 'raw', 'subresource',
    'password', 'username', 'profile', 'profile-output', 'applyset', 'label-columns',
  ],
  longFlags: [],
  inline: true,
  prefixes: false,
  missing: null,
};

/** A pod's temp directories: files there are scratch, deleted and replaced freely (container-exec.ts, `kubectl cp`). */
export const POD_TEMP_DIRS = ['/tmp', '/var/tmp', '/dev/shm'];

/** kubectl cp's own options besides the global ones: `-c CONTAINER`, `--retries N`. */
const CP_GRAMMAR: GnuGrammar = { ...KUBECTL_GRAMMAR, shortValues: `${KUBECTL_GRAMMAR.shortValues}c`, longValues: [...KUBECTL_GRAMMAR.longValues, 'container', 'retries'] };

/** Kinds (lowercase, as kubectl resolves them: plural, singular, short name) whose deletion takes data. */
const DATA_KINDS: Record<string, string> = {
  pvc: 'PersistentVolumeClaim', persistentvolumeclaim: 'PersistentVolumeClaim', persistentvolumeclaims: 'PersistentVolumeClaim',
  pv: 'PersistentVolume', persistentvolume: 'PersistentVolume', persistentvolumes: 'PersistentVolume',
  ns: 'Namespace', namespace: 'Namespace', namespaces: 'Namespace', project: 'Namespace', projects: 'Namespace',
  // argo-helm's CONTRIBUTING: `kubectl delete crd -l app.kubernetes.io/part-of=argocd` (every Application goes with it)
  crd: 'CustomResourceDefinition', crds: 'CustomResourceDefinition', customresourcedefinition: 'CustomResourceDefinition', customresourcedefinitions: 'CustomResourceDefinition',
};

/** What each data kind takes with it, for the message. */
const TAKES: Record<string, string> = {
  PersistentVolumeClaim: 'its volume and the data on it (deleted with the claim under the usual Delete reclaim policy)',
  PersistentVolume: 'the volume and the data on it',
  Namespace: 'everything in it, its PersistentVolumeClaims (and their data) and Secrets included',
  CustomResourceDefinition: 'every object of its kind in every namespace (an operator\'s databases and backups, Argo CD\'s Applications), deleted with the definition',
};

const INSTEAD_DATA =
  'Delete what comes back by itself or from the repository\'s manifests instead (`kubectl delete pod NAME` restarts a Deployment\'s pod; a Deployment or Service is re-created by `kubectl apply`); save the data first (a VolumeSnapshot, `kubectl exec POD -- pg_dump ...`); or ask the person to run it.';

/** The data kind a written type names (`pvc`, `PersistentVolumeClaims`, `pvc.v1`, `namespace/dev`'s `namespace`), or null. */
function dataKind(type: string): string | null {
  return DATA_KINDS[type.toLowerCase().split('.')[0] ?? ''] ?? null;
}

/** Whether the options make it a dry run (`--dry-run`, `--dry-run=client|server`; not `=none`). */
function dryRun(options: Array<{ name: string; value: Field | null }>, args: Field[]): boolean {
  return args.some((a) => a.value === '--dry-run' || (a.value?.startsWith('--dry-run=') === true && a.value !== '--dry-run=none' && a.value !== '--dry-run=false')) || options.some((o) => o.name === '--dry-run' && o.value?.value !== 'none');
}

function deny(rt: Runtime, inv: Invocation, reason: string, instead: string): void {
  rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'cluster-data-delete', `${reason}, in the cluster, outside the repository, where no snapshot holds it`, inv.source, instead));
}

/**
 * kubectl's subcommands (kubectl 1.31's `kubectl help`, oc's own besides): a word guard cannot
 * see followed by one of these is taken for options (`kubectl $KUBE_FLAGS get pods`).
 */
const KUBECTL_VERBS = new Set([
  'create', 'expose', 'run', 'set', 'explain', 'get', 'edit', 'delete', 'rollout', 'scale', 'autoscale', 'certificate', 'cluster-info', 'top', 'cordon',
  'uncordon', 'drain', 'taint', 'describe', 'logs', 'attach', 'exec', 'port-forward', 'proxy', 'cp', 'auth', 'debug', 'events', 'diff', 'apply', 'patch',
  'replace', 'wait', 'kustomize', 'label', 'annotate', 'completion', 'api-resources', 'api-versions', 'config', 'plugin', 'version', 'options', 'help',
  'rsync', 'login', 'logout', 'whoami', 'new-app', 'status', 'rsh', 'start-build', 'adm',
]);

/**
 * `kubectl $VERB deployment x`, `kubectl "$@"`, `kubectl -n "$NS" $ACTION pvc data`: a word guard
 * cannot see where kubectl's subcommand goes (it may be `delete` of a claim or a namespace, or
 * `exec` of a command in a pod). Returns that word as typed, or the arguments to judge: as they
 * are, or less the unseen words standing before a subcommand guard sees (`kubectl $FLAGS get
 * pods`: options, as `-n "$NS"`'s value is). Since 2026-12-07 (holes5): before, the line was
 * judged without a subcommand and free, whatever the variable held (infra-destroy.ts does the
 * same for `terraform $CMD`).
 */
export function kubectlSubcommand(args: Field[]): { unseen: string } | { args: Field[] } {
  const { operands } = scanGnuArgs(args, KUBECTL_GRAMMAR);
  const leading: Field[] = [];
  const options: Field[] = [];
  for (const operand of operands) {
    if (operand.value !== null) {
      // the first word guard sees is the subcommand where nothing unseen stands before it, or where it is one
      if (leading.length > 0 && (!KUBECTL_VERBS.has(operand.value) || dataKind(operand.value) !== null)) break;
      const dropped = [...leading, ...options];
      return { args: dropped.length === 0 ? args : args.filter((a) => !dropped.includes(a)) };
    }
    // `--namespace=$NS`: an option whatever its value
    if (/^["']?-/.test(operand.display)) options.push(operand);
    else leading.push(operand);
  }
  return leading.length === 0 ? { args } : { unseen: (leading[0] as Field).display };
}

/** Refuses (an agent) or asks about (a person) `kubectl $VERB ...`, with kubectl's previews as the way forward. */
export function reportKubectlUnseen(inv: Invocation, program: string, unseen: string, rt: Runtime): void {
  rt.report(
    makeVerdict(
      opaqueKind(rt.ctx.isAgent),
      'opaque-command',
      `${program} is given ${unseen}, which guard cannot see, where its subcommand goes: it may be the one that deletes data in the cluster (\`delete pvc\`, \`delete namespace\`) or runs a command in a pod`,
      inv.source,
      `Write the subcommand on the line (\`${program} get ...\`, \`${program} delete deployment NAME\`), so guard judges what it does; preview a change with \`${program} diff -f FILE\` or \`--dry-run=server\`; deleting a claim or a namespace is for the person to run.`,
    ),
  );
}

/** `kubectl delete|replace --force|apply --prune|drain`, judged by what it takes. */
export function classifyKubectl(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const { options, operands } = scanGnuArgs(args, KUBECTL_GRAMMAR);
  const has = (...names: string[]): boolean => options.some((o) => names.includes(o.name) && o.value?.value !== 'false');
  if (has('-h', '--help') || dryRun(options, args)) return;
  const words = operands.map((o) => o.value);
  const verb = words[0];
  const files = options.filter((o) => o.name === '-f' || o.name === '--filename').map((o) => o.value?.value ?? null);
  const kustomizations = options.filter((o) => o.name === '-k' || o.name === '--kustomize').map((o) => o.value?.value ?? null);
  const shown = `${program} ${verb ?? ''}`;
  if (verb === 'drain') {
    if (has('--delete-emptydir-data', '--delete-local-data')) return deny(rt, inv, `\`${shown} --delete-emptydir-data\` deletes the data of the node's pods' emptyDir volumes`, 'Drain without --delete-emptydir-data (kubectl then stops at the pods that hold such data, naming them); or ask the person to run it.');
    if (has('--force')) return deny(rt, inv, `\`${shown} --force\` deletes the node's pods that no controller re-creates`, 'Drain without --force (kubectl then stops at those pods, naming them); or ask the person to run it.');
    return;
  }
  if (verb === 'apply' && has('--prune')) {
    return deny(rt, inv, `\`${shown} --prune\` deletes every object of its set that the applied files no longer list, which guard cannot name`, 'Apply without --prune and delete what you mean by kind and name (`kubectl delete deployment NAME`); or ask the person to run it.');
  }
  if (verb === 'cp') return classifyKubectlCp(inv, program, args, rt);
  if (verb === 'rsync') return classifyOcRsync(inv, args, rt); // oc's (kubectl has no rsync)
  const deletes = verb === 'delete' || (verb === 'replace' && has('--force'));
  if (!deletes) return;
  const taken = new Set<string>();
  // `delete TYPE[,TYPE] [NAME...]`, `delete TYPE/NAME ...`
  for (const [i, word] of words.entries()) {
    if (i === 0 || word === null || word === undefined) continue;
    const types = word.includes('/') ? [word.slice(0, word.indexOf('/'))] : i === 1 ? word.split(',') : [];
    for (const type of types) {
      const kind = dataKind(type);
      if (kind) taken.add(kind);
    }
  }
  if (files.length > 0 || kustomizations.length > 0) {
    // on another machine or in a container (cwd null): its files, unseen
    if (files.includes(null) || kustomizations.includes(null) || inv.cwd === null) taken.add('?');
    else {
      const kinds = manifestKinds(inv, rt, files as string[], kustomizations as string[], has('-R', '--recursive'));
      if (kinds === undefined) return; // the manifests are being read
      if (kinds === null) taken.add('?');
      else for (const kind of kinds) if (TAKES[kind]) taken.add(kind);
    }
  }
  if (taken.size === 0) return;
  if (taken.has('?') && taken.size === 1) {
    return deny(rt, inv, `\`${shown}\` deletes the objects of manifests guard cannot read (a URL, stdin, a remote kustomize base, an unreadable file), which may hold PersistentVolumeClaims or Namespaces`, 'Delete from the manifest files or kustomize directory in the repository (`kubectl delete -f k8s/app.yaml`, `kubectl delete -k overlays/dev` rather than `kustomize build ... | kubectl delete -f -`), whose kinds guard reads, or the objects by kind and name; or ask the person to run it.');
  }
  const kinds = [...taken].filter((k) => k !== '?');
  deny(rt, inv, `\`${shown}\` deletes ${kinds.map((k) => `a ${k}, ${TAKES[k]}`).join('; and ')}`, INSTEAD_DATA);
}

/**
 * `kubectl cp SRC [NS/]POD:PATH`: kubectl unpacks SRC there with tar, replacing the pod's files of
 * the same names, which no snapshot holds (a PersistentVolume's data is gone for good); refused
 * for an agent and asked of a person as deleting them in `kubectl exec` is (container-exec.ts).
 * guard cannot tell whether anything is there. The pod's temp directories stay free, and so does
 * copying out of a pod (`kubectl cp POD:/data ./backup`, the way forward of these refusals).
 * kubectl reads an operand as a pod's file where a `:` follows its first character, the words
 * before it `POD` or `NS/POD` (cmd/cp/cp.go extractFileSpec; a Windows drive is a local path).
 */
function classifyKubectlCp(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const { operands } = scanGnuArgs(args, CP_GRAMMAR);
  const dest = operands[2];
  if (dest === undefined || operands.length !== 3) return; // kubectl refuses any other count
  const text = dest.value;
  // a word guard cannot see (`$POD:/data`) may name a pod's file as well as a local one
  const colon = text === null ? -1 : text.indexOf(':');
  // a local file; more than one `/` before the colon: kubectl refuses the operand
  if (text !== null && (colon <= 0 || /^[A-Za-z]:[\\/]/.test(text) || text.slice(0, colon).split('/').length > 2)) return;
  if (inPodTemp(dest)) return;
  const src = operands[1]?.display ?? 'SRC';
  rt.report(
    makeVerdict(
      unrecoverableKind(rt.ctx.isAgent),
      'cluster-data-delete',
      `\`${program} cp ${src} ${dest.display}\` writes into a pod, replacing its files of the same names if there are any, outside the repository and every snapshot; what it replaces on the pod's volumes (a PersistentVolume's data) is gone for good`,
      inv.source,
      'Copy into the pod\'s /tmp instead (`kubectl cp FILE POD:/tmp/FILE`, then look before moving it), or save what is there first (`kubectl cp POD:PATH ./backup`, a VolumeSnapshot of the pod\'s claim); or ask the person to run it.',
    ),
  );
}

/** Whether a `POD:PATH` operand names a path strictly inside the pod's temp directories (`$POD:/tmp/x`: the file's part may be plain text where the pod's is not). */
function inPodTemp(operand: Field): boolean {
  const spec = operand.value ?? operand.display;
  const at = spec.indexOf(':');
  if (at <= 0 || /[$`\\'"*?[]/.test(spec.slice(at + 1))) return false;
  const file = spec.slice(at + 1);
  const abs = path.posix.resolve('/', file === '' ? '.' : file);
  // a relative path is under the container's working directory, which guard cannot know
  return file.startsWith('/') && POD_TEMP_DIRS.some((dir) => abs.startsWith(`${dir}/`));
}

/** oc rsync's own options that take a value besides the global ones: `-c CONTAINER`, `--strategy`, `--exclude`, `--include`, `--last N`. */
const RSYNC_GRAMMAR: GnuGrammar = { ...KUBECTL_GRAMMAR, shortValues: `${KUBECTL_GRAMMAR.shortValues}c`, longValues: [...KUBECTL_GRAMMAR.longValues, 'container', 'strategy', 'exclude', 'include', 'last'] };

/**
 * `oc rsync SRC DEST [--delete]` (openshift/oc pkg/cli/rsync, read 2026-12-06): one operand a
 * local directory, the other `POD:DIR` (any word with a `:` after its first character, the pod
 * as `NAME` or `KIND/NAME`). It copies SRC into DEST as rsync does, replacing DEST's files of the
 * same names; `--delete` also deletes DEST's files that SRC does not have (rsync's --delete; the
 * tar strategy empties DEST's directory first). Into a pod it is judged as `kubectl cp` into one
 * is (cluster-data-delete, the pod's temp directories free); into a local directory only with
 * `--delete`, as `rsync --delete` into it is (files.ts): copying out (`oc rsync POD:/data
 * ./backup`) stays free as `kubectl cp POD:/data ./backup` does, the way forward of these refusals.
 */
function classifyOcRsync(inv: Invocation, args: Field[], rt: Runtime): void {
  const program = 'oc';
  const { options, operands } = scanGnuArgs(args, RSYNC_GRAMMAR);
  if (operands.length !== 3) return; // oc refuses any other count
  const [, src, dest] = operands as [Field, Field, Field];
  const deletes = options.some((o) => o.name === '--delete' && o.value?.value !== 'false');
  // oc reads a word as a pod's directory where a `:` follows its first character (a Windows drive aside)
  const podSpec = (f: Field): boolean | null => (f.value === null ? null : f.value.indexOf(':') > 0 && !/^[A-Za-z]:[\\/]/.test(f.value));
  const srcPod = podSpec(src);
  // a word guard cannot see: a pod's directory unless the other operand is one (oc copies between a pod and a local directory only)
  const destPod = podSpec(dest) ?? srcPod !== true;
  if (!destPod) {
    if (deletes) rt.report(checkDeleteTarget(dest, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: `${program} rsync --delete deletes files in` }));
    return;
  }
  if (inPodTemp(dest)) return;
  const spec = dest.value;
  const named = spec === null ? null : spec.slice(0, spec.indexOf(':'));
  const pod = named === null || named === '' ? 'POD' : named.slice(named.indexOf('/') + 1);
  const dir = spec === null ? 'DIR' : spec.slice(spec.indexOf(':') + 1) || '.';
  const shown = `${program} rsync ${src.display} ${dest.display}${deletes ? ' --delete' : ''}`;
  rt.report(
    makeVerdict(
      unrecoverableKind(rt.ctx.isAgent),
      'cluster-data-delete',
      `\`${shown}\` ${deletes ? `deletes the pod's files under ${dir} that ${src.display} does not have, and replaces` : 'writes into a pod, replacing'} its files of the same names, outside the repository and every snapshot; what it deletes or replaces on the pod's volumes (a PersistentVolume's data) is gone for good`,
      inv.source,
      `Save what is there first (\`${program} rsync ${pod}:${dir} ./backup\`, a VolumeSnapshot of the pod's claim), then ask the person to run it; or copy into the pod's /tmp instead (\`${program} rsync ${src.display} ${pod}:/tmp/${path.posix.basename(src.value ?? 'dir') || 'dir'}\`, then look before moving it).`,
    ),
  );
}

/** helm's global options that take a value. */
const HELM_VALUE_OPTIONS = ['-n', '--namespace', '--kube-context', '--kubeconfig', '--kube-apiserver', '--kube-as-user', '--kube-as-group', '--kube-ca-file', '--kube-token', '--kube-tls-server-name', '--registry-config', '--repository-cache', '--repository-config', '--burst-limit', '--qps', '--timeout', '--description', '--cascade', '--content-cache'];

/** `helm uninstall RELEASE` (and its aliases delete, del, un). */
export function classifyHelm(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '--dry-run' || a.value === '-h' || a.value === '--help')) return;
  const [verb, ...releases] = operandWords(args, HELM_VALUE_OPTIONS);
  if (verb !== 'uninstall' && verb !== 'delete' && verb !== 'del' && verb !== 'un') return;
  deny(
    rt,
    inv,
    `\`helm ${verb} ${releases.join(' ')}\` deletes every object of the release${releases.length > 1 ? 's' : ''}, the PersistentVolumeClaims (and their data) its chart made among them`,
    'See what it would delete first (`helm get manifest RELEASE`, `helm uninstall RELEASE --dry-run`); keep a claim with the `helm.sh/resource-policy: keep` annotation; or ask the person to run it.',
  );
}

/** argocd's options that take a value (the global ones, and app|appset delete's). */
const ARGOCD_VALUE_OPTIONS = [
  '--server', '--auth-token', '--config', '--argocd-context', '--grpc-web-root-path', '-H', '--header', '--kube-context', '--logformat', '--loglevel',
  '--port-forward-namespace', '--redis-haproxy-name', '--redis-name', '--repo-server-name', '--server-name', '--client-crt', '--client-crt-key',
  '--http-retry-max', '-N', '--app-namespace', '-p', '--propagation-policy', '-l', '--selector', '-o', '--output',
];

/**
 * `argocd app delete NAME` (`rm`, `remove`; `appset delete`): Argo CD deletes the application and,
 * cascading by default, every object it deployed, PersistentVolumeClaims (and their data)
 * included, as `helm uninstall` does (argo-helm's CONTRIBUTING, 2026-12-07, helper realproj4).
 * `--cascade=false` leaves the objects in the cluster: free. `argocd app sync --prune` deletes what
 * the source no longer lists, judged as `kubectl apply --prune` is.
 */
export function classifyArgocd(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '-h' || a.value === '--help' || a.value === '--cascade=false')) return;
  const [group, verb, ...names] = operandWords(args, ARGOCD_VALUE_OPTIONS);
  const apps = ['app', 'apps', 'application', 'applications'].includes(group ?? '');
  const appsets = ['appset', 'appsets', 'applicationset', 'applicationsets'].includes(group ?? '');
  // `argocd app sync --prune`: deletes the live objects git no longer lists, as `kubectl apply --prune`
  if (apps && verb === 'sync' && args.some((a) => a.value === '--prune' || a.value === '--prune=true')) {
    return deny(rt, inv, `\`argocd app sync --prune\` deletes every object of the application that its source no longer lists, which guard cannot name`, 'Sync without --prune and delete what you mean by kind and name (`kubectl delete deployment NAME`); see what it would prune first (`argocd app diff NAME`); or ask the person to run it.');
  }
  if ((!apps && !appsets) || !['delete', 'rm', 'remove'].includes(verb ?? '')) return;
  deny(
    rt,
    inv,
    `\`argocd ${group} ${verb} ${names.join(' ')}\` deletes ${appsets ? 'the applications the set generated and, cascading, every object they' : 'the application and, cascading, every object it'} deployed, the PersistentVolumeClaims (and their data) among them`,
    'See what it deployed first (`argocd app resources NAME`, `argocd app manifests NAME`); delete the application alone with `--cascade=false` (its objects stay); or ask the person to run it.',
  );
}

/** helmfile's options that take a value (cmd/root.go's global ones, destroy's `--args`, `--concurrency`). */
const HELMFILE_VALUE_OPTIONS = [
  '-b', '--helm-binary', '-k', '--kustomize-binary', '-f', '--file', '-e', '--environment', '--state-values-set', '--state-values-set-string', '--state-values-file',
  '--repo-retries', '--kubeconfig', '--kube-context', '--log-level', '-n', '--namespace', '-c', '--chart', '-l', '--selector', '--args', '--concurrency',
];

/**
 * `helmfile destroy` (and the `delete` of helmfile before v1): `helm uninstall` of every release
 * the helmfile lists (or its `-l` selection), so judged as `helm uninstall` is. helmfile has no
 * preview of it; `helmfile list` names the releases.
 */
export function classifyHelmfile(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '-h' || a.value === '--help')) return;
  const [verb] = operandWords(args, HELMFILE_VALUE_OPTIONS);
  if (verb !== 'destroy' && verb !== 'delete') return;
  deny(
    rt,
    inv,
    `\`helmfile ${verb}\` uninstalls every release the helmfile lists: each release's objects, the PersistentVolumeClaims (and their data) its chart made among them`,
    'See what it would delete first (`helmfile list`, `helmfile template`, `helm get manifest RELEASE`); keep a claim with the `helm.sh/resource-policy: keep` annotation; or ask the person to run it.',
  );
}

/** skaffold's options that take a value. */
const SKAFFOLD_VALUE_OPTIONS = [
  '-f', '--filename', '-p', '--profile', '-n', '--namespace', '-m', '--module', '-d', '--default-repo', '-v', '--verbosity', '--kube-context', '--kubeconfig',
  '--remote-cache-dir', '--set', '--set-value-file', '--sync-remote-cache', '--cloud-run-location', '--cloud-run-project', '--color', '--cache-file', '--mute-logs',
];

/**
 * `skaffold delete`: whatever skaffold.yaml deploys, from manifests guard does not resolve
 * (skaffold.yaml's rawYaml globs, kustomize paths, Helm releases): judged as `kubectl delete -f`
 * of manifests guard cannot read and `helm uninstall` are. `--dry-run` only prints them.
 */
export function classifySkaffold(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '-h' || a.value === '--help' || (a.value !== null && /^--dry-run(?:=true)?$/.test(a.value)))) return;
  const [verb] = operandWords(args, SKAFFOLD_VALUE_OPTIONS);
  if (verb !== 'delete') return;
  deny(
    rt,
    inv,
    '`skaffold delete` deletes every object skaffold.yaml deploys (its manifests, its Helm releases), which may hold PersistentVolumeClaims or Namespaces and their data',
    'See what it would delete first (`skaffold delete --dry-run`, `skaffold render`); delete from the manifest files in the repository instead (`kubectl delete -f k8s/app.yaml`, whose kinds guard reads); or ask the person to run it.',
  );
}
