/**
 * What `terraform apply -auto-approve` (and OpenTofu's `tofu apply`) destroys because the
 * configuration no longer declares it: a managed resource of the local state whose `resource
 * "TYPE" "NAME"` block was deleted or renamed goes, and a database, bucket or disk goes with its
 * data (infra-destroy.ts's rule, `infra-destroy`). Guard runs no terraform; it reads what
 * terraform reads (since 2026-12-06, night):
 *  - the configuration: the directory's `*.tf` and `*.tf.json` (OpenTofu's `*.tofu` too), block
 *    headers only (terraform-hcl.ts), and a local module's (`source = "./modules/db"`) the same
 *    way, MAX_MODULE_DEPTH calls deep; a registry, git or other remote module's resources are not
 *    judged (guard cannot read it);
 *  - the local backend's state (no `backend` block, or `backend "local" { path workspace_dir }`;
 *    `-state=PATH`; a workspace's `terraform.tfstate.d/NAME/` by TF_WORKSPACE on the line or
 *    `.terraform/environment`): its `resources[]` of `mode: "managed"` with an instance, by
 *    `module` and `type.name`.
 * A resource of the state no block declares is destroyed unless a `moved { from }` block covers
 * it (renamed), or a `removed { from }` block forgets it (`lifecycle { destroy = false }`; in
 * OpenTofu a removed block forgets unless it says `destroy = true`). `-target` limits the apply to
 * what it names, `-exclude` leaves out what it names. Types that only compute values
 * (VALUE_ONLY_TERRAFORM: `random_id`, `null_resource`) stay free, as for `-replace`.
 *
 * With a remote backend (`backend "s3"`, `cloud {}`) the state is not in the repository: the root
 * module's configuration as committed at HEAD stands for what was applied (one `git grep` of
 * HEAD's files in that directory, src/git/head-files.ts, only for such a line). A resource block
 * HEAD has and the working tree lost, with no moved or removed block for it, is destroyed.
 *
 * Since 2026-12-07 a block that stays is judged instance by instance (droppedKeys): the state's
 * `index_key`s against what the block's `count` / `for_each` makes, evaluated only where certain
 * (terraform-hcl.ts countOf / keysOf), with Terraform's implied moves between the keyless
 * instance and `[0]`; a module call's own count/for_each the same way (no implied move for a
 * module call: Terraform makes them for resources only); and `terragrunt apply` of a unit whose terragrunt.hcl names a literal local
 * module (classifyTerragruntApply), against HEAD's configuration of that module.
 *
 * Not judged (the state capture of terraform-state.ts still runs): `terraform apply` without
 * `-auto-approve` and with a terminal (it shows the plan and asks), a remote backend's modules and a block removed in a commit already
 * made (HEAD then lacks it too), Terragrunt's `run-all` and a source that is not a literal local
 * path, a `count` or `for_each` guard cannot evaluate (a variable: only keys of the wrong kind are
 * judged there), a module call's count against HEAD's (remote backend), a state or configuration file guard
 * cannot read (over FILE_TEXT_LIMIT, not UTF-8 JSON, an unknown word on the line, a registry or
 * git module).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import type { StateView } from './state.js';
import { countOf, emptyModuleConfig, keysOf, readConfigFile, terragruntSource, type ModuleConfig, type Repetition } from './terraform-hcl.js';
import { TERRAFORM_VALUE_OPTIONS, TERRAGRUNT_VALUE_OPTIONS, TERRAGRUNT_WRAPPING } from './terraform-state.js';

/** Terraform resource types that only compute values: destroying them loses nothing (infra-destroy.ts uses it for `-replace`). */
export const VALUE_ONLY_TERRAFORM = /^(?:null_resource|terraform_data|random_\w+|time_\w+|tls_\w+|local_file|local_sensitive_file)$/;

/** Local module calls followed below the root (a module calling a module calling a module). */
const MAX_MODULE_DEPTH = 4;

/** The values of `-NAME=X` / `-NAME X` (Go's flag: one or two dashes) for each of `names`, in order. */
export function flagValues(values: string[], names: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as string;
    const name = names.find((n) => v === n || v.startsWith(`${n}=`));
    if (name === undefined) continue;
    found.push(v === name ? (values[++i] ?? '') : v.slice(name.length + 1));
  }
  return found;
}

/** An address without its instance keys (`module.a[0].aws_x.y["k"]` -> `module.a.aws_x.y`). */
function bare(address: string): string {
  return address.replace(/\[(?:"[^"]*"|[^\]]*)\]/g, '');
}

/** `address` is `scope` or lies inside it (`module.db` holds `module.db.aws_x.y`), instance keys left out. */
function within(address: string, scope: string): boolean {
  const [a, s] = [bare(address), bare(scope)];
  return a === s || a.startsWith(`${s}.`);
}

/** What one directory's configuration declares: undefined while its files are being read, null where guard cannot read it whole. */
function readModule(view: StateView, dir: string, tofu: boolean): ModuleConfig | null | undefined {
  const names = view.fileNames(dir);
  if (names === undefined) return undefined;
  if (names === null || names === 'missing') return null;
  const config = names.filter((n) => /\.tf(?:\.json)?$/.test(n) || (tofu && /\.tofu(?:\.json)?$/.test(n)));
  // terraform refuses to apply a directory without configuration (it would destroy everything)
  if (config.length === 0) return null;
  const read = config.map((name) => [name, view.file({ dir, name, up: false })] as const);
  if (read.some(([, found]) => found === undefined)) return undefined;
  const module = emptyModuleConfig();
  for (const [name, found] of read) {
    if (found === null || found === undefined || found === 'missing') return null;
    if (!readConfigFile(name, found.text, module)) return null;
  }
  return module;
}

/** An instance key: none (a resource without count or for_each), a count index, a for_each key. */
type InstanceKey = null | number | string;

/** A managed resource of a v4 state with at least one instance: its module path (`module.a[0].module.b`, or ''), `type.name`, its instances' keys. */
interface StateResource {
  module: string;
  type: string;
  name: string;
  keys: InstanceKey[];
}

/** An instance key as an address writes it: `[2]`, `["logs"]`, nothing for none. */
function keyText(key: InstanceKey): string {
  return key === null ? '' : typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** The managed resources of a state's text (format version 4); null where it is not one guard reads. */
function stateResources(text: string): StateResource[] | null {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return null;
  }
  const state = doc as { version?: unknown; resources?: unknown };
  if (state.version !== 4 || !Array.isArray(state.resources)) return null;
  const out: StateResource[] = [];
  for (const r of state.resources as Array<Record<string, unknown>>) {
    if (r === null || typeof r !== 'object' || r.mode !== 'managed' || typeof r.type !== 'string' || typeof r.name !== 'string') continue;
    if (Array.isArray(r.instances) && r.instances.length === 0) continue;
    const instances = Array.isArray(r.instances) ? (r.instances as Array<Record<string, unknown> | null>) : [];
    // a key of another type (or an instance guard cannot read) would be no key terraform writes: the resource is judged whole only
    const keys = instances.map((i) => (i === null || typeof i !== 'object' || i.index_key === undefined || i.index_key === null ? null : typeof i.index_key === 'number' || typeof i.index_key === 'string' ? i.index_key : undefined));
    out.push({ module: typeof r.module === 'string' ? r.module : '', type: r.type, name: r.name, keys: keys.every((k) => k !== undefined) ? (keys as InstanceKey[]) : [] });
  }
  return out;
}

/** How a moved or removed block of a module on the resource's path decides it: kept (moved, forgotten), destroyed, or undecided. */
function decidedBy(config: ModuleConfig, relative: string, tofu: boolean): 'kept' | 'destroyed' | null {
  if (config.movedFrom.some((from) => within(relative, from))) return 'kept';
  const removed = config.removed.find((r) => within(relative, r.from));
  if (!removed) return null;
  // Terraform destroys unless told `destroy = false`; OpenTofu's removed block forgets unless told `destroy = true`.
  return (tofu ? removed.destroy === true : removed.destroy !== false) ? 'destroyed' : 'kept';
}

/**
 * The instances of a resource whose block stays that the apply destroys because its `count` or
 * `for_each` no longer makes their keys, as Terraform decides it (internal/refactoring's implied
 * moves: a block that gains `count` keeps the keyless instance as `[0]`, one that loses `count`
 * keeps `[0]` as the keyless one, unless a `moved` block names the resource; `for_each` keeps
 * neither). Only what is certain: a key of the wrong kind for the block (a string under `count`,
 * a number or none under `for_each`, a string under neither), or one a literal count or key set
 * leaves out (countOf, keysOf); where the count or the keys are not known, keys of the right kind
 * are not judged. An instance a `moved` block of a module on its way names is kept.
 */
function droppedKeys(config: ModuleConfig, own: string, keys: readonly InstanceKey[], chain: ReadonlyArray<{ config: ModuleConfig; relative: string }>): InstanceKey[] {
  const rep = config.repetition.get(own);
  // Terraform's implied move happens only where no moved block names the resource (from or to)
  const implied = ![...config.movedFrom, ...config.movedTo].some((a) => bare(a) === own);
  const dropped: InstanceKey[] = [];
  for (const key of keys) {
    const kept = keptKey(rep, key, config.locals, implied, keys);
    if (kept !== false) continue;
    const moved = chain.some(({ config: c, relative }) =>
      c.movedFrom.some((from) => from === `${relative}${keyText(key)}` || from === relative || (within(relative, from) && bare(from) !== bare(relative))),
    );
    if (!moved) dropped.push(key);
  }
  return dropped;
}

/**
 * Whether an instance key stays under a block's `count`/`for_each` (`rep`; undefined: neither):
 * false where it certainly goes, null where guard cannot know. `implied`: Terraform moves the
 * keyless instance to `[0]` (and back) when `count` comes or goes (resources only, and only where
 * no moved block names the resource); `keys`: every key the state holds (a move onto a key
 * already there does not happen).
 */
function keptKey(rep: Repetition | undefined, key: InstanceKey, locals: ReadonlyMap<string, string>, implied: boolean, keys: readonly InstanceKey[]): boolean | null {
  if (rep === undefined) return key === null || (key === 0 && implied && !keys.includes(null));
  if (rep.kind === 'count') {
    if (typeof key === 'string') return false;
    const count = countOf(rep.expr, locals);
    if (count === null) return key === null && !implied ? false : null;
    return key === null ? count >= 1 && implied && !keys.includes(0) : key < count;
  }
  if (typeof key !== 'string') return false;
  const forEach = keysOf(rep.expr, locals);
  return forEach === null ? null : forEach.has(key);
}

/** A module path's calls with their instance keys (`module.a[0].module.b` -> a [0], b none); undefined: a key guard does not read. */
function moduleCalls(modulePath: string): Array<{ name: string; key: InstanceKey | undefined }> {
  return [...modulePath.matchAll(/module\.([A-Za-z_][\w-]*)(?:\[((?:"[^"]*"|[^\]]*))\])?/g)].map((m) => {
    const text = m[2];
    if (text === undefined) return { name: m[1] as string, key: null };
    if (/^\d+$/.test(text)) return { name: m[1] as string, key: Number(text) };
    try {
      const parsed: unknown = JSON.parse(text);
      return { name: m[1] as string, key: typeof parsed === 'string' ? parsed : undefined };
    } catch {
      return { name: m[1] as string, key: undefined };
    }
  });
}

/**
 * Whether the apply destroys this resource: true (all of it, its block gone), the keys of the
 * instances it destroys where its block stays (droppedKeys; empty: none; `[null]`, the address
 * itself, where a module call's count or for_each no longer makes the module instance it is in),
 * undefined while files are read, null where guard cannot tell.
 */
function destroysResource(view: StateView, rootDir: string, root: ModuleConfig, resource: StateResource, tofu: boolean): true | InstanceKey[] | null | undefined {
  const instances = moduleCalls(resource.module);
  const calls = instances.map((c) => c.name);
  const own = `${resource.type}.${resource.name}`;
  // the modules on the way down, each with the resource's address relative to it
  const chain: Array<{ config: ModuleConfig; relative: string }> = [];
  let config = root;
  let dir = rootDir;
  for (let depth = 0; ; depth++) {
    const relative = [...calls.slice(depth).map((c) => `module.${c}`), own].join('.');
    chain.push({ config, relative });
    if (depth === calls.length) {
      if (config.resources.has(own)) return droppedKeys(config, own, resource.keys, chain);
      break;
    }
    const name = calls[depth] as string;
    if (!config.modules.has(name)) break; // the module call itself is gone: all its resources go
    // the call's own count or for_each no longer makes this instance of it (no implied move for module calls): all its resources go
    const key = instances[depth]?.key;
    if (key !== undefined && keptKey(config.moduleRepetition.get(name), key, config.locals, false, []) === false && !config.movedFrom.some((f) => f === `module.${name}` || f === `module.${name}${keyText(key)}`)) return [null];
    const source = config.modules.get(name);
    // a module guard cannot read (registry, git, a source that is not a literal): not judged
    if (source === null || source === undefined || !/^\.\.?\//.test(source) || depth + 1 > MAX_MODULE_DEPTH) return null;
    dir = path.posix.resolve(dir, source);
    const next = readModule(view, dir, tofu);
    if (next === undefined || next === null) return next;
    config = next;
  }
  // gone from the configuration: a moved or removed block on the way, innermost first, decides
  for (const { config: c, relative } of chain.reverse()) {
    const decided = decidedBy(c, relative, tofu);
    if (decided !== null) return decided === 'destroyed' ? true : [];
  }
  return true;
}

/** The line approves the apply without a person reading the plan: `-auto-approve`, in TF_CLI_ARGS, or an answer on stdin. */
function autoApproved(inv: Invocation, values: string[]): boolean {
  const flag = /^--?auto-approve(?:=true)?$/;
  if (values.some((v) => flag.test(v))) return true;
  for (const name of ['TF_CLI_ARGS', 'TF_CLI_ARGS_apply']) if (inv.env.get(name)?.split(/\s+/).some((w) => flag.test(w))) return true;
  return inv.stdin.kind !== 'terminal';
}

/** Whether an apply with these options (`-target`, `-exclude`) reaches a resource address of a type that may hold data. */
function appliedTo(values: string[]): (address: string, type: string) => boolean {
  const targets = flagValues(values, ['-target', '--target']);
  const excluded = flagValues(values, ['-exclude', '--exclude']);
  return (address, type) => !VALUE_ONLY_TERRAFORM.test(type) && (targets.length === 0 || targets.some((t) => within(address, t))) && !excluded.some((e) => within(address, e));
}

/**
 * Refuses (an agent) or asks about (a person) a `terraform|tofu apply` approved on the line that
 * destroys resources of the local state the configuration no longer declares; silent where guard
 * cannot tell (module doc).
 */
export function classifyApplyRemovals(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  if (program === 'terragrunt') return classifyTerragruntApply(inv, args, rt);
  if (program !== 'terraform' && program !== 'tofu') return;
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || inv.cwd === null || args.some((a) => a.value === null)) return;
  const values = args.map((a) => a.value as string);
  const words = operandWords(args, TERRAFORM_VALUE_OPTIONS);
  // `apply PLANFILE` applies the saved plan (judged by terraform-plan.ts); `-refresh-only` destroys nothing; `-destroy` is infra-destroy.ts's
  if (words[0] !== 'apply' || words.length > 1 || values.some((v) => /^--?(?:refresh-only|destroy)(?:=true)?$/.test(v))) return;
  if (!autoApproved(inv, values)) return;
  const chdir = flagValues(values, ['-chdir', '--chdir']).at(-1);
  const dir = path.posix.resolve(inv.cwd, chdir ?? '.');
  const tofu = program === 'tofu';
  const root = readModule(view, dir, tofu);
  if (!root) return;
  const applies = appliedTo(values);
  // a remote backend's state is not in the repository: HEAD's configuration stands for it
  if (root.backend !== null && root.backend.type !== 'local') return classifyAgainstHead(inv, program, dir, root, applies, rt, view);
  const workspace = inv.env.has('TF_WORKSPACE') ? inv.env.get('TF_WORKSPACE') : undefined;
  if (workspace === null) return;
  let name = workspace;
  if (name === undefined) {
    const environment = view.file({ dir: path.posix.join(dir, '.terraform'), name: 'environment', up: false });
    if (environment === undefined) return;
    if (environment === null) return;
    name = environment === 'missing' ? 'default' : environment.text.trim() || 'default';
  }
  const stateFlag = flagValues(values, ['-state', '--state']).at(-1);
  const statePath = path.posix.resolve(dir, stateFlag ?? (name === 'default' ? (root.backend?.path ?? 'terraform.tfstate') : path.posix.join(root.backend?.workspaceDir ?? 'terraform.tfstate.d', name, 'terraform.tfstate')));
  const stateFile = view.file({ dir: path.posix.dirname(statePath), name: path.posix.basename(statePath), up: false });
  if (stateFile === undefined || stateFile === null || stateFile === 'missing') return;
  const resources = stateResources(stateFile.text);
  if (resources === null) return;
  const destroyed: string[] = [];
  const instances: string[] = [];
  let pending = false;
  for (const resource of resources) {
    const address = [resource.module, `${resource.type}.${resource.name}`].filter((p) => p !== '').join('.');
    if (!applies(address, resource.type)) continue;
    const gone = destroysResource(view, dir, root, resource, tofu);
    if (gone === undefined) pending = true;
    else if (gone === true) destroyed.push(address);
    else if (gone !== null) instances.push(...gone.map((k) => `${address}${keyText(k)}`).filter((a) => applies(a, resource.type)));
  }
  if (pending || destroyed.length + instances.length === 0) return;
  const top = rt.ctx.repoRoot;
  const shownState = top !== null && (statePath === top || statePath.startsWith(`${top}/`)) ? path.posix.relative(top, statePath) : statePath;
  reportDestroyed(inv, program, { whole: destroyed, instances }, { whole: `in the state (${shownState}) but no longer in the configuration`, instances: `instances in the state (${shownState}) that the count or for_each of their block or module call no longer makes` }, rt);
}

/**
 * A remote backend (`backend "s3"`, `cloud {}`): the state is not in the repository, so the root
 * module's configuration as committed at HEAD stands for what was applied (one `git grep`, only
 * for such a line): a resource block HEAD has and the working tree lost, with no moved or removed
 * block for it, is destroyed by the apply. Modules are not compared (DECISIONS.md).
 */
function classifyAgainstHead(inv: Invocation, program: string, dir: string, root: ModuleConfig, applies: (address: string, type: string) => boolean, rt: Runtime, view: StateView, why?: string): void {
  const tofu = program === 'tofu';
  const files = view.headFiles({ dir, suffixes: tofu ? ['.tf', '.tf.json', '.tofu', '.tofu.json'] : ['.tf', '.tf.json'] });
  if (!files) return;
  const head = emptyModuleConfig();
  for (const [name, text] of files) if (!readConfigFile(name, text, head)) return;
  const destroyed = [...head.resources].filter((address) => !root.resources.has(address) && applies(address, address.split('.')[0] as string) && decidedBy(root, address, tofu) !== 'kept');
  // a block both have: the instances HEAD's count or for_each certainly made (HEAD stands for the state) that the working tree's no longer makes
  const instances: string[] = [];
  for (const address of head.resources) {
    if (!root.resources.has(address) || !applies(address, address.split('.')[0] as string)) continue;
    const keys = madeKeys(head, address);
    if (keys === null) continue;
    instances.push(...droppedKeys(root, address, keys, [{ config: root, relative: address }]).map((k) => `${address}${keyText(k)}`));
  }
  if (destroyed.length + instances.length === 0) return;
  const backend = why ?? `its state is in the ${root.backend?.type ?? ''} backend, not in the repository`;
  reportDestroyed(inv, program, { whole: destroyed, instances }, { whole: "declared at HEAD but no longer in the working tree's configuration", instances: "instances HEAD's count or for_each makes that the working tree's no longer makes", note: backend }, rt);
}

/** The instance keys a block certainly makes (none, a literal count's indexes, a literal for_each's keys); null where guard cannot know them. */
function madeKeys(config: ModuleConfig, address: string): InstanceKey[] | null {
  const rep = config.repetition.get(address);
  if (rep === undefined) return [null];
  if (rep.kind === 'count') {
    const n = countOf(rep.expr, config.locals);
    return n === null || n > 1000 ? null : Array.from({ length: n }, (_, i) => i);
  }
  const keys = keysOf(rep.expr, config.locals);
  return keys === null ? null : [...keys];
}

/** Names, five at most. */
function listed(addresses: string[]): string {
  return addresses.length > 5 ? `${addresses.slice(0, 5).join(', ')} and ${addresses.length - 5} more` : addresses.join(', ');
}

/**
 * The refusal: `whole` resources no block declares any more, `instances` of blocks that stay whose
 * count or for_each no longer makes their keys; `where`: why each is destroyed, and a note on where the state is.
 */
function reportDestroyed(inv: Invocation, program: string, gone: { whole: string[]; instances: string[] }, where: { whole: string; instances: string; note?: string }, rt: Runtime): void {
  const tofu = program === 'tofu';
  const { whole, instances } = gone;
  const parts: string[] = [];
  if (whole.length > 0) parts.push(`${listed(whole)}: ${where.whole}`);
  if (instances.length > 0) parts.push(`${listed(instances)}: ${where.instances}`);
  const ways: string[] = [];
  if (whole.length > 0) {
    const first = whole[0] as string;
    const forget = tofu ? `removed { from = ${first} }` : `removed { from = ${first}  lifecycle { destroy = false } }`;
    ways.push(`Put the resource block back (\`git diff -- '*.tf'\` shows it), or say what becomes of it: \`moved { from = ${first}  to = NEW }\` where it was renamed, \`${forget}\` to keep it and let ${program} forget it`);
  }
  if (instances.length > 0) {
    const first = instances[0] as string;
    ways.push(`${whole.length > 0 ? 'put' : 'Put'} the count or for_each back as the state holds it (\`git diff -- '*.tf'\` shows it), or say where the instance goes (\`moved { from = ${first}  to = NEW }\`)`);
  }
  rt.report(makeVerdict(
    unrecoverableKind(rt.ctx.isAgent),
    'infra-destroy',
    `${program} apply, approved on the line, destroys ${parts.join('; and ')}${where.note ? ` (${where.note})` : ''}; a database, bucket or disk goes with its data, outside the repository, where no snapshot holds it`,
    inv.source,
    `${ways.join('; ')}; or run \`${program} plan\` and let the person apply.`,
  ));
}


/**
 * `terragrunt apply` approved on the line in one unit (since 2026-12-07): a terragrunt.hcl whose
 * `terraform { source }` is a literal local path (`../modules/db`, `../modules//db`) applies that
 * module, copied into .terragrunt-cache, with a state guard does not read (a `remote_state`
 * backend, or a local one inside the cache): the module's configuration as committed at HEAD
 * stands for what was applied, as for a remote backend (classifyAgainstHead): a resource block
 * HEAD has and the working tree lost, or an instance HEAD's literal count or for_each made that
 * the working tree's no longer makes, is refused. Not judged: `run-all`/`run --all` (every unit
 * of a stack), a `--source` override, a source that is not a literal local path (a registry, git,
 * `${...}`, an `include`d parent's), a unit without terragrunt.hcl.
 */
function classifyTerragruntApply(inv: Invocation, args: Field[], rt: Runtime): void {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text' || inv.cwd === null || args.some((a) => a.value === null)) return;
  const values = args.map((a) => a.value as string);
  if (values.some((v) => /^--?(?:all|refresh-only|destroy|source|terragrunt-source|terragrunt-config|config|help|h)(?:=.*)?$/.test(v))) return;
  const words = operandWords(args, TERRAGRUNT_VALUE_OPTIONS);
  if (words.some((w) => w === 'run-all' || w === 'stack')) return;
  const own = words.filter((w) => !TERRAGRUNT_WRAPPING.has(w));
  if (own[0] !== 'apply' || own.length > 1) return;
  if (!autoApproved(inv, values)) return;
  const workingDir = flagValues(values, ['--working-dir', '--terragrunt-working-dir']).at(-1);
  const unit = path.posix.resolve(inv.cwd, workingDir ?? '.');
  const hcl = view.file({ dir: unit, name: 'terragrunt.hcl', up: false });
  if (hcl === undefined || hcl === null || hcl === 'missing') return;
  const source = terragruntSource(hcl.text);
  if (source === null || !/^\.\.?\//.test(source)) return;
  // `../modules//db`: the part after `//` is the module inside the copied root
  const dir = path.posix.resolve(unit, source.replace(/\/\/+/g, '/'));
  const root = readModule(view, dir, false);
  if (!root) return;
  const applies = appliedTo(values);
  const top = rt.ctx.repoRoot;
  const shown = top !== null && dir.startsWith(`${top}/`) ? path.posix.relative(top, dir) : dir;
  classifyAgainstHead(inv, 'terragrunt', dir, root, applies, rt, view, `the module terragrunt.hcl's source names, ${shown}; its state is not in the repository`);
}
