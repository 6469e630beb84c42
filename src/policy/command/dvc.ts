/**
 * DVC (Data Version Control) commands that delete data no snapshot holds. In a DVC project the
 * data files (`data/train.csv`, `models/model.pkl`) are ignored by git (dvc writes them into
 * .gitignore files) and tracked by small `.dvc` files and `dvc.lock`; their content lives in the
 * workspace, in the DVC cache (`.dvc/cache`, ignored too, or a shared cache elsewhere named by
 * `cache.dir` in `.dvc/config` or `.dvc/config.local`) and perhaps on a remote. Until 2026-12-06
 * every `dvc` line was "allow: no destructive command found".
 *
 * Judged from the repository's state: a line only counts where the project exists (a `.dvc`
 * directory in the directory it runs in or one above it, inside the repository); elsewhere dvc
 * fails with "not a DVC repository". Whether a workspace output differs from its cached version
 * is not knowable cheaply (it takes hashing the file): guard assumes it may.
 *  - `dvc gc`: deletes every cached version the selected revisions do not use, old datasets and
 *    models that may be nowhere else. A cache inside the repository is judged as deleting it
 *    (`rm -r .dvc/cache`): its files are captured first within the capture bounds, past them
 *    refused with `dvc push` as the way forward; a cache outside the repository and `-c`/`--cloud`
 *    (the remote's copies too) are refused for an agent, asked of a person (`dvc-data-delete`).
 *    Without `-f` dvc asks on stdin; guard judges the line the same (an agent can pipe `yes`).
 *  - `dvc destroy`: deletes the `.dvc` directory with the cache in it (the `.dvc` files are
 *    tracked, the outputs stay): judged as `rm -r .dvc`.
 *  - `dvc checkout -f|--force`, `dvc pull -f|--force`: overwrite modified outputs without asking;
 *    `dvc remove --outs`: deletes the outputs. The named targets (`X.dvc` stands for X) are judged
 *    as deleted; without targets, every output named by a `.dvc` file beside it (`data/train.csv`
 *    for `data/train.csv.dvc`), so its ignored files are captured first.
 *  - `dvc exp apply EXP`: restores the experiment's files and outputs into the workspace,
 *    conflicting changes overwritten without asking (its `--force` is the default since DVC 2.0;
 *    `--no-force` fails instead): judged as `dvc checkout --force` without targets. Free until
 *    2026-12-07 (realproj6, iterative/example-get-started).
 * Free: everything else (`status`, `repro`, `push`, `pull` without `-f`, `add`, `dag`, `exp run`,
 * `metrics show`, `exp show|branch|push`), `exp remove|clean` (experiments are git refs, which a snapshot holds, and their
 * data stays in the cache), `cache migrate` (moves cache files, keeps them), `gc --dry`.
 * Stage-name targets and `dvc.lock` outputs are not resolved (Known limits, docs/command-guard.md).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { operandWords } from './gnu-args.js';
import { isUnder, resolvePath } from './paths.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import type { RepoContents } from './state.js';
import { checkDeleteAbs, checkEdits } from './targets.js';

/** dvc's options that take their value as the next word (global and of the judged subcommands). */
const DVC_VALUE_OPTIONS = ['--cd', '-r', '--remote', '-j', '--jobs', '-p', '--projects', '--rev', '-n', '--num', '--date', '--config', '--glob'];

/** The way forward where the data is larger than guard captures before a command. */
export const DVC_OVER_BOUND = 'Push the data first (`dvc push`: the remote then holds every version), or run `dvc status -c` to see what only this copy holds; then ask the person to run it, or to raise commands.maxIgnoredCapture.';

/** Does the line hold the short flag `letter` (alone or bundled: `-wf`) or the long one? */
function hasFlag(values: string[], letter: string | null, long: string): boolean {
  return values.some((v) => v === long || (letter !== null && /^-[A-Za-z]+$/.test(v) && v.includes(letter)));
}

/**
 * The DVC project root: the nearest directory at or above `cwd` (inside the repository) holding
 * `.dvc/`; undefined while the directories are being looked at. Read through the state view
 * (StateView.file), as every file the classifier depends on is: an allow the agent hook's shim
 * keeps is then checked against `.dvc` at its next call (`dvc init` since makes it judged again).
 */
function dvcRoot(cwd: string, repoRoot: string, rt: Runtime): string | null | undefined {
  const dirs: string[] = [];
  for (let dir = cwd; isUnder(dir, repoRoot); dir = path.posix.dirname(dir)) {
    dirs.push(dir);
    if (dir === repoRoot) break;
  }
  // every level asked in one pass, then the nearest that has it
  const found = dirs.map((dir) => rt.ctx.view?.file({ dir: path.posix.join(dir, '.dvc'), name: '', up: false }));
  if (found.includes(undefined)) return undefined;
  const at = found.findIndex((f) => f !== null && f !== 'missing');
  return at === -1 ? null : (dirs[at] as string);
}

/** `cache.dir` from `.dvc/config.local`, else `.dvc/config` (relative to `.dvc/`), else `.dvc/cache`; undefined while they are read. */
export function dvcCacheDir(root: string, rt: Runtime): string | undefined {
  const dvcDir = path.posix.join(root, '.dvc');
  const texts = ['config.local', 'config'].map((name) => rt.ctx.view?.file({ dir: dvcDir, name, up: false }));
  if (texts.includes(undefined)) return undefined;
  for (const found of texts) {
    if (found === null || found === 'missing' || found === undefined) continue;
    const dir = cacheDirOf(found.text);
    if (dir !== null) return path.posix.resolve(dvcDir, dir);
  }
  return path.posix.join(dvcDir, 'cache');
}

/** The `dir` of a DVC config's `[cache]` section (INI), or null. */
export function cacheDirOf(text: string): string | null {
  let section = '';
  for (const line of text.split(/\r?\n/)) {
    const head = /^\s*\[\s*([^\]]+?)\s*\]/.exec(line);
    if (head) {
      section = head[1]!.replace(/['"]/g, '');
      continue;
    }
    const dir = /^\s*dir\s*=\s*(.+?)\s*$/.exec(line);
    if (section === 'cache' && dir) return dir[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return null;
}

/** Judges one `dvc` line (commands.ts sends `dvc` here). */
export function classifyDvc(inv: Invocation, args: Field[], rt: Runtime): void {
  const values = args.map((a) => a.value).filter((v): v is string => v !== null);
  if (values.some((v) => v === '-h' || v === '--help')) return;
  const words = operandWords(args, DVC_VALUE_OPTIONS);
  const [first = '', ...rest] = words;
  // `dvc exp apply EXP` writes the experiment's outputs over the workspace's, conflicts overwritten
  // without asking (DVC 2.x made --force its default): judged as `dvc checkout --force` without targets.
  const expApply = first === 'exp' && rest[0] === 'apply';
  const sub = expApply ? 'exp apply' : first;
  const operands = expApply ? [] : rest;
  if (!['gc', 'destroy', 'checkout', 'co', 'pull', 'remove', 'exp apply'].includes(sub)) return;
  const repoRoot = rt.ctx.repoRoot;
  const cdAt = values.indexOf('--cd');
  const cdValue = cdAt >= 0 ? (values[cdAt + 1] ?? null) : (values.find((v) => v.startsWith('--cd='))?.slice(5) ?? undefined);
  const cwd = cdValue === undefined ? inv.cwd : resolvePath(cdValue, inv.cwd);
  if (!repoRoot || cwd === null) return;
  const root = dvcRoot(cwd, repoRoot, rt);
  if (root === null || root === undefined) return;
  const ctx = rt.ctx;
  const view = ctx.view;
  const deletes = (abs: string, verb: string): void => {
    const before = view?.capture.size ?? 0;
    const verdict = checkDeleteAbs(abs, ctx, inv.source, { recursive: true, verb });
    if (view && view.capture.size > before) view.overBoundInstead ??= DVC_OVER_BOUND;
    rt.report(verdict);
  };
  switch (sub) {
    case 'gc': {
      if (values.some((v) => v === '--dry' || v === '--dry-run')) return;
      if (hasFlag(values, 'c', '--cloud')) {
        rt.report(makeVerdict(unrecoverableKind(ctx.isAgent), 'dvc-data-delete', 'dvc gc --cloud deletes every version the selected revisions do not use from the DVC remote as well as the cache, and no snapshot holds a remote', inv.source));
        return;
      }
      const cache = dvcCacheDir(root, rt);
      if (cache === undefined) return;
      if (!isUnder(cache, repoRoot)) {
        rt.report(makeVerdict(unrecoverableKind(ctx.isAgent), 'dvc-data-delete', `dvc gc deletes every cached version the selected revisions do not use from the DVC cache ${cache}, outside the repository, where no snapshot holds them`, inv.source));
        return;
      }
      deletes(cache, 'dvc gc deletes the cached versions the selected revisions do not use, in');
      return;
    }
    case 'destroy':
      deletes(path.join(root, '.dvc'), 'dvc destroy deletes');
      return;
    default:
      break;
  }
  // checkout/pull --force, remove --outs: the workspace outputs.
  const what = sub === 'remove' ? 'dvc remove --outs deletes' : sub === 'exp apply' ? 'dvc exp apply overwrites' : `dvc ${sub} --force overwrites`;
  if (sub === 'remove' ? !values.includes('--outs') : sub === 'exp apply' ? values.includes('--no-force') : !hasFlag(values, 'f', '--force')) return;
  if (operands.length > 0) {
    for (const target of operands) {
      const abs = resolvePath(target.replace(/\.dvc$/, ''), cwd);
      if (abs !== null) deletes(abs, what);
    }
    return;
  }
  if (sub === 'remove' || !view || view.mode === 'text') return;
  // No targets: every output beside a `.dvc` file of the project, judged as an edit of the ignored files.
  const dvcFiles = view.find({ start: root, shown: '.', filter: { kind: 'name', pattern: '*.dvc', icase: false } });
  const all = view.find({ start: root, shown: '.', filter: { kind: 'all' } });
  if (view.collecting || !dvcFiles || !all) return;
  const metafiles = new Set([...dvcFiles.tracked, ...dvcFiles.untracked]);
  const contents: RepoContents = { tracked: [], untracked: [], ignored: all.ignored.filter((entry) => metafiles.has(`${entry.path.replace(/\/$/, '')}.dvc`)) };
  const verdict = checkEdits(contents, `${what} the outputs of the project's .dvc files`, ctx, inv.source, false);
  if (verdict) {
    view.overBoundInstead ??= DVC_OVER_BOUND;
    rt.report(verdict);
  }
}
