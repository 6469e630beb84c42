/**
 * git, modelled the way git itself reads a command line: global options before the subcommand
 * (`-C`, `-c k=v`, `--git-dir`, `--work-tree`, `--config-env`, `--exec-path`), the environment
 * that redirects or reconfigures git (`GIT_DIR`, `GIT_CONFIG_*`, `GIT_SSH_COMMAND` ...),
 * aliases defined on the command line, `git-<cmd>` executables, and each subcommand's own
 * options (see git-options.ts). Remote damage (force/delete/mirror/prune pushes) and the loss of
 * recovery data (reflog expiry, prune, filter-repo, clean -x) are denied; local damage guard can
 * restore is a snapshot, but only in the repository guard protects: the same command aimed at
 * another repository (`-C /tmp/x`, `GIT_DIR=...`) is denied, as guard cannot snapshot it.
 */
import { knownField, unknownField, type Field } from './expand.js';
import { count, isSet, parseGitArgs, valueOf, type GitOptionSpec, type ParsedGitArgs } from './git-options.js';
import { parseWords, literalText } from './parse.js';
import { isUnder, protectedBranch, resolvePath } from './paths.js';
import type { RefChange } from './ref-changes.js';
import { makeVerdict, opaqueKind, type RuleName } from './rules.js';
import { checkGitClean, checkMoveSource, checkStashUntracked, checkWriteText } from './targets.js';
import { judgeGitMv, judgeGitMvDest, judgeGitMvOut } from './git-mv.js';
import { judgeGuardedPaths, type GuardedPathsAsk } from './git-paths.js';
import { escapeGlob, judgeOutputFile, judgeOutputPattern } from './output-files.js';
import { judgeSparseCheckout, sparseQuery, SPARSE_WRITES } from './sparse-checkout.js';
import { judgePolicyLanding, judgeTreeLanding } from './tree-landing.js';
import { reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import type { LeavingCommit, TreeLandingQuery } from './state.js';
import type { VerdictKind } from './types.js';
import { escapedBytes, shownEscaped, shownGitName } from '../../util/escaped-text.js';

type Target = 'same' | 'other' | 'unknown';

interface GitCall {
  inv: Invocation;
  rt: Runtime;
  /** Where git runs (after -C). */
  cwd: string | null;
  target: Target;
  targetDir: string;
  configs: Array<{ key: string; value: string | null }>;
  /** The target was decided by the directory git runs in (no --git-dir or --work-tree). */
  byCwd?: boolean;
  /** `--git-dir` / GIT_DIR and `--work-tree` / GIT_WORK_TREE as absolute paths where given (null: guard cannot see them). */
  gitDir?: string | null;
  workTree?: string | null;
  aliases: Map<string, string | null>;
  aliasDepth: number;
}

const COMMAND_CONFIG = /^(core\.(sshcommand|pager|editor|askpass|fsmonitor|gitproxy)|sequence\.editor|diff\.external|diff\..+\.(command|textconv)|merge\..+\.driver|filter\..+\.(clean|smudge|process)|credential(\..+)?\.helper|gpg(\..+)?\.program|pager\..+|uploadpack\.packobjectshook|remote\..+\.(uploadpack|receivepack)|interactive\.difffilter|(difftool|mergetool|man|browser)\..+\.(cmd|path)|web\.browser)$/;
const RECOVERY_CONFIG = /^(gc\.(reflogexpire|reflogexpireunreachable|pruneexpire|worktreepruneexpire|.+\.reflogexpire|.+\.reflogexpireunreachable)|core\.logallrefupdates)$/;
const COMMAND_ENV = ['GIT_SSH_COMMAND', 'GIT_SSH', 'GIT_PAGER', 'PAGER', 'GIT_EDITOR', 'EDITOR', 'VISUAL', 'GIT_SEQUENCE_EDITOR', 'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_EXTERNAL_DIFF', 'GIT_PROXY_COMMAND'];
const HOOK_SKIP_ENV: Array<[string, (value: string | null) => boolean]> = [
  ['HUSKY', (v) => v === null || v === '0' || v === 'false'],
  ['HUSKY_SKIP_HOOKS', (v) => v !== ''],
  ['SKIP_SIMPLE_GIT_HOOKS', (v) => v !== ''],
  ['LEFTHOOK', (v) => v === null || v === '0' || v === 'false'],
  ['SKIP', (v) => v !== ''],
  ['PRE_COMMIT_SKIP', (v) => v !== ''],
];

export function classifyGit(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const call: GitCall = { inv, rt, cwd: inv.cwd, target: 'same', targetDir: inv.cwd ?? '?', configs: [], aliases: new Map(), aliasDepth: 0 };
  let gitDir: string | null | undefined = envValue(inv, 'GIT_DIR');
  let workTree: string | null | undefined = envValue(inv, 'GIT_WORK_TREE');
  let rest = args;
  let subcommand: Field | undefined;

  if (name !== 'git') {
    // `git-reset --hard`, /usr/lib/git-core/git-push: the subcommand is in the program name.
    subcommand = knownField(name.slice(4));
  } else {
    let i = 0;
    for (; i < args.length; i++) {
      const field = args[i] as Field;
      const value = field.value;
      if (value === null) {
        reportOpaque(rt, `git is given ${field.display}, which guard cannot see, before its subcommand`, inv.source);
        return;
      }
      const next = (): string | null => {
        i++;
        return args[i]?.value ?? null;
      };
      if (value === '-C') {
        const dir = next();
        call.cwd = dir === null ? null : dir === '' ? call.cwd : resolvePath(dir, call.cwd);
      } else if (value === '-c') {
        addConfig(call, next());
      } else if (value.startsWith('-c') && value.length > 2 && value.includes('=')) {
        addConfig(call, value.slice(2));
      } else if (value === '--config-env' || value.startsWith('--config-env=')) {
        const spec = value === '--config-env' ? next() : value.slice('--config-env='.length);
        const key = spec === null ? null : spec.slice(0, spec.includes('=') ? spec.indexOf('=') : spec.length);
        if (key === null) reportOpaque(rt, 'git --config-env sets a configuration key guard cannot see', inv.source);
        else call.configs.push({ key: key.toLowerCase(), value: null });
      } else if (value === '--git-dir' || value.startsWith('--git-dir=')) {
        gitDir = value === '--git-dir' ? next() : value.slice('--git-dir='.length);
      } else if (value === '--work-tree' || value.startsWith('--work-tree=')) {
        workTree = value === '--work-tree' ? next() : value.slice('--work-tree='.length);
      } else if (value === '--namespace' || value === '--super-prefix' || value === '--attr-source' || value === '--list-cmds') {
        next();
      } else if (value.startsWith('--exec-path=')) {
        reportOpaque(rt, 'git --exec-path runs git commands from another directory', inv.source);
        return;
      } else if (['-v', '--version', '-h', '--help', '--exec-path', '--html-path', '--man-path', '--info-path'].includes(value)) {
        return;
      } else if (!value.startsWith('-')) {
        break;
      }
      // Every other global option (--no-pager, -P, --bare, --literal-pathspecs ...) changes nothing here.
    }
    subcommand = args[i];
    rest = args.slice(i + 1);
  }
  if (!subcommand) return;

  if (envValue(inv, 'GIT_EXEC_PATH') !== undefined) {
    reportOpaque(rt, 'GIT_EXEC_PATH makes git run its commands from another directory', inv.source);
    return;
  }
  readConfigEnv(call);
  for (const envName of COMMAND_ENV) {
    const value = envValue(inv, envName);
    if (value === undefined) continue;
    if (value === null) reportOpaque(rt, `${envName} is set to a command guard cannot see`, inv.source);
    else rt.shell(value, { cwd: call.cwd, env: inv.env }, inv.source);
  }
  if (rt.ctx.isAgent) {
    for (const [envName, skips] of HOOK_SKIP_ENV) {
      const value = envValue(inv, envName);
      if (value !== undefined && skips(value)) {
        rt.report(makeVerdict('deny', 'hooks-disable', `an agent runs git with ${envName}=${value ?? '…'}, which skips git hooks`, inv.source));
      }
    }
  }
  call.target = targetOf(call, gitDir, workTree);
  if (gitDir !== undefined) call.gitDir = resolvePath(gitDir, call.cwd);
  if (workTree !== undefined) call.workTree = resolvePath(workTree, call.cwd);
  // An alias set here and run by this very line is judged once, where it runs (dispatch), named as typed.
  const runs = subcommand.value !== null && !GIT_OWN_COMMANDS.has(subcommand.value) ? `alias.${subcommand.value.toLowerCase()}` : null;
  for (const config of call.configs) if (config.key !== runs) checkConfigValue(call, config.key, config.value, 'git -c');
  dispatch(call, subcommand, rest);
}

function envValue(inv: Invocation, name: string): string | null | undefined {
  return inv.env.has(name) ? (inv.env.get(name) ?? null) : undefined;
}

function addConfig(call: GitCall, spec: string | null): void {
  if (spec === null) {
    reportOpaque(call.rt, 'git -c sets configuration guard cannot see', call.inv.source);
    return;
  }
  const eq = spec.indexOf('=');
  const key = (eq === -1 ? spec : spec.slice(0, eq)).toLowerCase();
  const value = eq === -1 ? 'true' : spec.slice(eq + 1);
  call.configs.push({ key, value });
  // git matches an alias's name ignoring case (`-c alias.Wipe=...` runs for `git wipe`).
  if (key.startsWith('alias.')) call.aliases.set(key.slice(6), value);
}

/** GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n and GIT_CONFIG_PARAMETERS. */
function readConfigEnv(call: GitCall): void {
  const { inv } = call;
  const countValue = envValue(inv, 'GIT_CONFIG_COUNT');
  if (countValue !== undefined) {
    const n = countValue === null ? NaN : Number(countValue);
    if (!Number.isInteger(n)) reportOpaque(call.rt, 'GIT_CONFIG_COUNT configures git in a way guard cannot see', inv.source);
    for (let k = 0; k < (Number.isInteger(n) ? Math.min(n, 64) : 0); k++) {
      const key = envValue(inv, `GIT_CONFIG_KEY_${k}`);
      const value = envValue(inv, `GIT_CONFIG_VALUE_${k}`);
      if (key === null || key === undefined) {
        if (key === null) reportOpaque(call.rt, `GIT_CONFIG_KEY_${k} is a key guard cannot see`, inv.source);
        continue;
      }
      addConfig(call, `${key}=${value ?? ''}`);
      if (value === null) (call.configs[call.configs.length - 1] as { value: string | null }).value = null;
    }
  }
  const parameters = envValue(inv, 'GIT_CONFIG_PARAMETERS');
  if (parameters === null) reportOpaque(call.rt, 'GIT_CONFIG_PARAMETERS configures git in a way guard cannot see', inv.source);
  else if (parameters !== undefined) {
    for (const match of parameters.matchAll(/'([^']*)'(?:='([^']*)')?/g)) addConfig(call, match[2] === undefined ? (match[1] as string) : `${match[1]}=${match[2]}`);
  }
}

function targetOf(call: GitCall, gitDir: string | null | undefined, workTree: string | null | undefined): Target {
  const ctx = call.rt.ctx;
  if (!ctx.repoRoot) {
    call.targetDir = call.cwd ?? '?';
    // (read only for a reason's words: every other use of byCwd asks for the 'same' target)
    call.byCwd = gitDir === undefined && workTree === undefined && call.cwd !== null;
    return call.cwd === null ? 'unknown' : 'other';
  }
  const root = ctx.repoRoot;
  const knownGitDirs = [ctx.gitDir, ctx.commonDir, `${root}/.git`].filter((d): d is string => !!d);
  if (gitDir !== undefined) {
    const abs = gitDir === null ? null : resolvePath(gitDir, call.cwd);
    call.targetDir = abs ?? gitDir ?? '?';
    if (abs === null) return 'unknown';
    if (!knownGitDirs.includes(abs)) return 'other';
  }
  if (workTree !== undefined) {
    const abs = workTree === null ? null : resolvePath(workTree, call.cwd);
    call.targetDir = abs ?? workTree ?? '?';
    if (abs === null) return 'unknown';
    return abs === root ? 'same' : 'other';
  }
  if (gitDir !== undefined) return 'same';
  if (call.cwd === null) {
    call.targetDir = '(unknown directory)';
    return 'unknown';
  }
  call.targetDir = call.cwd;
  call.byCwd = true;
  return isUnder(call.cwd, root) ? 'same' : 'other';
}

// ---------------------------------------------------------------- reporting helpers

function deny(call: GitCall, rule: RuleName, reason: string): void {
  call.rt.report(makeVerdict('deny', rule, reason, call.inv.source));
}

/** A local change guard can undo: snapshot in the protected repository, deny anywhere else. */
/**
 * git run in a directory of this worktree that belongs to another repository (a submodule or a
 * nested repository: that directory or one above it, below the root, holds a `.git`) works on
 * that repository, whose files and refs no snapshot of this one holds. Known only with a view of
 * the file system (the nearest such directory); null otherwise.
 */
function innerRepository(call: GitCall): string | null {
  const root = call.rt.ctx.repoRoot;
  const view = call.rt.ctx.view;
  if (call.target !== 'same' || !call.byCwd || call.cwd === null || !root || !view) return null;
  for (let dir = call.cwd.replace(/\/+$/, ''); dir !== root && dir.startsWith(`${root}/`); dir = dir.slice(0, dir.lastIndexOf('/'))) {
    // While collecting, every level is noted (and null comes back); resolved, the nearest counts.
    if (view.path(`${dir}/.git`, false)?.exists) return dir;
  }
  return null;
}

/**
 * A checked-out submodule at or under one of `git rm`'s paths (literal paths, read from where git
 * runs; a pathspec glob is not looked into), as the state view lists it: `git rm -f` deletes its
 * working tree whatever it holds (friction hunt, 2026-12-04 evening: `git rm -f third_party/ply`
 * was a snapshot, and the submodule's modified, untracked and ignored files were gone for good).
 * Null while collecting, by text, or where none is.
 */
function submoduleAmong(call: GitCall, operands: Array<{ value: string | null }>): string | null {
  const view = call.rt.ctx.view;
  const cwd = call.cwd;
  if (!view || !call.rt.ctx.repoRoot || call.target !== 'same' || cwd === null) return null;
  let found: string | null = null;
  // Every path is asked for (noted while collecting) before any answer counts.
  for (const operand of operands) {
    const abs = operand.value === null || /[*?[]/.test(operand.value) ? null : resolvePath(operand.value, cwd);
    if (abs === null) continue;
    const submodule = view.path(abs, true)?.locatedContents?.submodules?.[0];
    if (submodule !== undefined && found === null) found = Buffer.from(submodule, 'latin1').toString('utf8');
  }
  return found;
}

/**
 * `git submodule deinit` and `git rm` (without --force, --cached, --dry-run) delete the working
 * tree of each checked-out submodule their pathspecs match once git finds it clean (nothing
 * modified, staged or untracked, its HEAD at the recorded commit; checked with git 2.39): its
 * ignored files go with it, and no snapshot holds them (it records only the submodule's commit).
 * Where one holds ignored files that are not regenerable output (commands.regenerable, matched on
 * the path inside the submodule), denied with the first few named; a clean submodule, or one
 * whose ignored files are all output, is allowed as before (its tracked files stay in its git
 * dir: `git submodule update --init` brings them back). `pathspecs` null: every submodule
 * (`--all`, or pathspecs guard cannot see). Only in this repository, where git runs in its own
 * working tree: inside a submodule (its own submodules) the verdict stays as before.
 */
function submoduleIgnored(call: GitCall, what: string, pathspecs: string[] | null): void {
  const view = call.rt.ctx.view;
  if (!view || !(view.collecting || view.resolved) || call.target !== 'same' || call.cwd === null || !call.rt.ctx.repoRoot || call.gitDir || call.workTree || innerRepository(call)) return;
  const removal = view.submoduleRemoval({ cwd: call.cwd, pathspecs });
  if (view.collecting) return;
  if (removal === null) {
    return deny(call, 'git-submodule-remove-ignored', `${what} deletes the working trees of the checked-out submodules it names (once git finds them clean) with their ignored files, which no snapshot holds, and guard could not list which those are`);
  }
  const lost: string[] = [];
  for (const sub of removal) {
    if (sub.ignored === null) lost.push(`${sub.path}/`);
    else for (const entry of sub.ignored) if (!entry.regenerable) lost.push(`${sub.path}/${entry.path}`);
  }
  if (lost.length === 0) return;
  // The submodules the command names whose trees hold them (a nested one's files go with its parent's).
  const subs = removal.filter((sub) => !sub.nested && lost.some((p) => p.startsWith(`${sub.path}/`))).map((sub) => sub.path);
  const text = shownGitName;
  const shown = lost.slice(0, 5).map(text);
  const more = lost.length > shown.length ? ` and ${lost.length - shown.length} more` : '';
  const whose = subs.length === 1 ? `the working tree of the submodule ${text(subs[0] as string)} once git finds it clean, its ignored files with it` : `the working trees of the submodules ${subs.map(text).join(', ')} once git finds them clean, their ignored files with them`;
  deny(call, 'git-submodule-remove-ignored', `${what} deletes ${whose}, which no snapshot holds (a snapshot records only a submodule's commit): ${shown.join(', ')}${more}`);
}

/**
 * No operation is stopped in the repository git runs in: none of STOPPED_STATES (the files git
 * keeps while one is stopped, in the worktree's git dir) is there. Then `--abort`,
 * `--skip` and `--quit` only make git say there is nothing to stop, and change nothing: no
 * snapshot first (found by the friction hunt: agents run `git rebase --abort` "just in case").
 * An lstat each, no git process. While collecting (the lstats are noted) and wherever guard
 * cannot tell which git dir the command reaches, false: the snapshot stays.
 */
function nothingInProgress(call: GitCall): boolean {
  const view = call.rt.ctx.view;
  const gitDir = call.rt.ctx.gitDir;
  if (!view || view.mode === 'text' || !gitDir || call.target !== 'same' || !call.byCwd || call.cwd === null || call.workTree || call.gitDir) return false;
  if (innerRepository(call)) return false;
  let absent = true;
  // Every state is asked for (noted) before any answer counts.
  for (const state of STOPPED_STATES) {
    const facts = view.path(`${gitDir.replace(/\/+$/, '')}/${state}`, false);
    if (facts === null || facts.exists) absent = false;
  }
  return absent;
}

/** The way forward where a command runs in submodules, which guard does not snapshot. */
const SUBMODULE_WAY = 'Ask the person to run it. To keep the submodules\' uncommitted work, `git submodule foreach git stash -u` sets it aside in each one\'s own stash (`git submodule foreach git stash pop` brings it back).';

function local(call: GitCall, kind: VerdictKind, rule: RuleName, reason: string, instead?: string): void {
  const inner = kind === 'snapshot' ? innerRepository(call) : null;
  if (inner) {
    call.rt.report(makeVerdict('deny', rule, `${reason}, in ${inner}, another git repository inside this one (a submodule or a nested repository), whose files no snapshot of this one holds`, call.inv.source));
    return;
  }
  if (kind === 'snapshot' && call.target !== 'same') {
    if (call.target === 'unknown') {
      call.rt.report(makeVerdict(opaqueKind(call.rt.ctx.isAgent), 'opaque-command', `${reason}, in a repository guard cannot determine (so it cannot snapshot it first)`, call.inv.source));
    } else {
      const foreach = call.rt.ctx.foreachIn;
      // `git submodule foreach git clean -xdf` in jq (vendor/oniguruma) named jq itself "a directory guard does not protect" (2026-12-07, helper realproj5)
      if (foreach !== undefined && call.byCwd && call.cwd === call.inv.cwd) call.rt.report(makeVerdict('deny', rule, `${reason}, in each submodule of ${foreach} (\`git submodule foreach\` runs it there), repositories of their own whose files no snapshot holds, so guard cannot snapshot them first`, call.inv.source, SUBMODULE_WAY));
      else {
        const where = call.rt.ctx.repoRoot ? `outside the repository guard protects (${call.rt.ctx.repoRoot})` : 'in a directory guard does not protect';
        call.rt.report(makeVerdict('deny', rule, `${reason}, in ${call.targetDir}, ${where}, so guard cannot snapshot it first`, call.inv.source));
      }
    }
    return;
  }
  call.rt.report(makeVerdict(kind, rule, reason, call.inv.source, instead));
}

/**
 * A command that writes the files `to` tracks and `from` does not into this working tree
 * (tree-landing.ts): the ignored files git writes over are captured first. Only where guard sees
 * the repository git runs in (its own worktree, by the directory, no submodule) and the revisions
 * are words it can read (not options, not unseen); elsewhere the verdict of the text stands.
 */
function landing(call: GitCall, to: Field | string | undefined, what: string, pathspecs: Field[] = [], from = 'HEAD', index = false, movesTo = true): void {
  const rev = typeof to === 'string' ? to : to?.value;
  if (typeof rev !== 'string' || rev === '' || (rev.startsWith('-') && rev !== '-') || from.startsWith('-')) return;
  const specs = pathspecs.map((p) => p.value);
  if (specs.some((p) => p === null)) return;
  const query = { from, to: rev === '-' ? '@{-1}' : rev, pathspecs: specs as string[] };
  judgeLanding(call, index ? { ...query, fromIndex: true } : query, what, movesTo);
}

/**
 * Whether git's hooks are off for this command: the agent runs git with hooks off (Gemini CLI sets
 * core.hooksPath to "" for every shell command), or the command sets core.hooksPath itself.
 */
function gitHooksOff(call: GitCall): boolean {
  return call.rt.ctx.gitHooksOff === true || call.configs.some((c) => c.key.toLowerCase() === 'core.hookspath');
}

/**
 * `git pull` merges (or rebases onto) what its fetch brings: with git's hooks on, the
 * reference-transaction hook captures the ignored files that tip lands on while the fetch moves
 * it (docs/hooks.md); with them off, only this check runs, before the fetch, so it can judge only
 * the tips already fetched: the current branch's upstream (`git pull`, `git pull REMOTE`), or
 * `refs/remotes/REMOTE/BRANCH` for each branch named (`git pull origin main`, `+main:x`,
 * `refs/heads/main`), as the remote's default fetch refspec maps it. A tip not fetched yet, a
 * pull from a URL or a path, a tag, a glob or a refspec mapped elsewhere leaves the query
 * unanswered (the verdict of the text stands; docs/hooks.md lists it).
 */
function pullLanding(call: GitCall, parsed: ParsedGitArgs): void {
  if (parsed.unknown || parsed.dashDash) return;
  const [remote, ...refspecs] = parsed.operands;
  const rebase = parsed.options.filter((o) => o.name === 'rebase' || o.name === 'r').pop();
  const how = rebase && !rebase.negated && rebase.value !== 'false' ? 'git pull --rebase' : 'git pull';
  const name = remote?.value ?? '';
  // A URL or a path (`../up.git`, `host:repo`, `/srv/repo`) has no remote-tracking refs.
  if (remote && (name === '' || name.includes(':') || name.startsWith('/') || name.startsWith('.') || name.includes('..'))) return;
  if (!remote || refspecs.length === 0) return landing(call, '@{upstream}', `${how}${remote ? ` ${remote.display}` : ''}`, [], 'HEAD', false, false);
  for (const spec of refspecs) {
    const source = (spec.value as string).replace(/^\+/, '').split(':')[0] ?? '';
    const branch = source.startsWith('refs/heads/') ? source.slice('refs/heads/'.length) : source;
    if (branch === '' || branch === 'tag' || branch.includes('*') || branch.startsWith('refs/') || branch.startsWith('-')) return;
    landing(call, `refs/remotes/${name}/${branch}`, `${how} ${remote.display} ${spec.display}`, [], 'HEAD', false, false);
  }
}

/**
 * `git read-tree -u [-m|--reset] <tree-ish>...` writes the trees' files into the working tree and,
 * as checkout does, replaces the ignored files where they land without asking (`git read-tree -u
 * -m other` over an ignored `.env` that other tracks, git 2.39, run): each tree-ish is judged as
 * `git checkout X` is against HEAD, so those files are captured into the snapshot taken first.
 * `--prefix` (files land under a directory), `--dry-run`, options guard cannot see, and a tree-ish
 * it cannot resolve leave the plain snapshot verdict.
 */
function readTreeLanding(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: { reset: 'none', trivial: 'none', aggressive: 'none', 'dry-run': 'none', prefix: 'required', 'index-output': 'required', 'exclude-per-directory': 'required', 'no-sparse-checkout': 'none', 'sparse-checkout': 'none', empty: 'none', quiet: 'none', 'recurse-submodules': 'none', 'no-recurse-submodules': 'none' },
    short: { m: 'none', u: 'none', i: 'none', n: 'none', v: 'none', q: 'none' },
    alias: { n: 'dry-run', q: 'quiet' },
  });
  if (parsed.unknown || parsed.dashDash || isSet(parsed, 'dry-run') || valueOf(parsed, 'prefix') !== undefined || valueOf(parsed, 'index-output') !== undefined) return;
  for (const tree of parsed.operands) landing(call, tree, `git read-tree -u ${tree.display}`);
}

/** Judges a landing query where guard sees the repository git runs in (landing, picks, am). */
function judgeLanding(call: GitCall, query: Omit<TreeLandingQuery, 'cwd'>, what: string, movesTo = false): void {
  const view = call.rt.ctx.view;
  if (!view || view.mode === 'text' || call.target !== 'same' || !call.byCwd || call.cwd === null || call.gitDir || call.workTree) return;
  if (innerRepository(call)) return;
  const verdict = judgeTreeLanding({ ...query, cwd: call.cwd }, what, call.rt.ctx, call.inv.source);
  if (verdict) call.rt.report(verdict);
  // The working tree becomes `to`'s (reset, checkout, switch, read-tree -u): `.guard.yaml` goes
  // where `to` lacks it. Not a merge, a rebase or a pull, which keep what HEAD added since the
  // merge base (a branch made before `guard init` lacks it: every merge of it would snapshot);
  // one that takes in a deletion of it made on the other side is watched instead (watchPolicy).
  const policy = movesTo ? judgePolicyLanding({ ...query, cwd: call.cwd }, what, call.rt.ctx, call.inv.source) : null;
  if (policy) call.rt.report(policy);
}

type Change = RefChange extends infer T ? (T extends unknown ? Omit<T, 'command'> : never) : never;

/**
 * A ref change in the repository guard protects, for the caller to judge against the repository's
 * state (ref-changes.ts). Changes aimed elsewhere are already denied or asked about by `local`.
 */
function noteRef(call: GitCall, change: Change): void {
  if (call.target === 'same' && !innerRepository(call)) call.rt.noteRefChange({ ...change, command: call.inv.source } as RefChange);
}

/** `refs/guard/x`, or `guard/x` (git's lookup rules try `refs/<name>` second), with any suffix. */
function namesGuardRef(rev: string): boolean {
  return /^(\^?)(refs\/)?guard\//.test(rev.replace(/^\+/, ''));
}

/**
 * An agent copying one of guard's snapshot refs into a branch or tag: the next push publishes
 * the snapshot (untracked secrets included), and no pre-push rule sees a refs/guard name then.
 */
function fromGuardRef(call: GitCall, start: Field | undefined, what: string): boolean {
  if (!call.rt.ctx.isAgent || start?.value === undefined || start.value === null || !namesGuardRef(start.value)) return false;
  deny(call, 'guard-self', `${what} from ${start.value}, one of guard's snapshot refs: a push of it would publish the snapshot, untracked files and secrets included`);
  return true;
}

function opaque(call: GitCall, reason: string): void {
  reportOpaque(call.rt, reason, call.inv.source);
}

function agentHooks(call: GitCall, reason: string): void {
  if (call.rt.ctx.isAgent) deny(call, 'hooks-disable', reason);
}

/** `git submodule update` options that take a value in the next word. */
const SUBMODULE_UPDATE_VALUED = new Set(['--depth', '--reference', '--jobs', '-j', '--filter']);
/** Its options without a value (the `--x=v` forms are read as one word). */
const SUBMODULE_UPDATE_FLAGS = /^(--(init|remote|no-fetch|checkout|merge|rebase|recursive|force|quiet|progress|no-progress|single-branch|no-single-branch|recommend-shallow|no-recommend-shallow|no-recursive|no-init|require-init)|-[NfqR]+|--(depth|reference|jobs|filter)=.*|-j\d+)$/;

/**
 * `git submodule update --force`: it checks the recorded commit out with `checkout -f` in each
 * submodule it reaches, throwing away their uncommitted tracked changes (and untracked files the
 * commit tracks), which no snapshot holds. Refused where a reached submodule holds any (one git
 * status over the submodules: src/git/submodule-work.ts), or where guard cannot ask; where they
 * are all clean (or not initialised yet), it does what a plain update does (found by the friction
 * hunt on jqlang/jq: `git submodule update --init --recursive --force` was refused over a clean
 * vendor/oniguruma).
 */
function submoduleUpdateForce(call: GitCall, options: Field[], afterDashes: Field[]): void {
  const refuse = (why: string): void => deny(call, 'other-repository', why);
  const plain = 'git submodule update --force throws away the local changes in the submodules, which no snapshot holds';
  const view = call.rt.ctx.view;
  const pathspecs: string[] = afterDashes.map((a) => a.value as string);
  for (let i = 0; i < options.length; i++) {
    const word = options[i]?.value as string;
    if (SUBMODULE_UPDATE_VALUED.has(word)) i++;
    else if (!word.startsWith('-')) pathspecs.push(word);
    else if (!SUBMODULE_UPDATE_FLAGS.test(word)) return refuse(plain);
  }
  if (!view || !(view.collecting || view.resolved) || call.target !== 'same' || call.cwd === null || !call.rt.ctx.repoRoot || call.gitDir || call.workTree || innerRepository(call)) return refuse(plain);
  const found = view.submoduleWork({ cwd: call.cwd, pathspecs });
  if (view.collecting) return;
  if (found === null) return refuse(`${plain}, and guard could not ask git whether they have any`);
  if (found.length === 0) return;
  const text = shownGitName;
  const shown = found.slice(0, 5).map(text);
  const more = found.length > shown.length ? ` and ${found.length - shown.length} more` : '';
  refuse(`git submodule update --force throws away the uncommitted changes or untracked files in the submodule${found.length === 1 ? '' : 's'} ${shown.join(', ')}${more}, which no snapshot holds`);
}

// ---------------------------------------------------------------- configuration values

/** A configuration value that git runs or that weakens recovery or hooks. */
function checkConfigValue(call: GitCall, key: string, value: string | null, how: string): void {
  if (key === 'core.hookspath') {
    agentHooks(call, `${how} changes core.hooksPath, which points git away from guard's hooks`);
    return;
  }
  if (key.startsWith('alias.')) {
    if (value === null) opaque(call, `${how} defines the alias ${key.slice(6)} as something guard cannot see`);
    // Defined, not run by this line: judged as it would run later (git config alias.x, -c for another command).
    else classifyAliasValue(call, value, [], `${how} sets the alias ${key.slice(6)} to \`${shownAlias(value)}\`: `);
    return;
  }
  if (COMMAND_CONFIG.test(key)) {
    if (value === null) {
      opaque(call, `${how} sets ${key}, a command git runs, to something guard cannot see`);
      return;
    }
    if (/^(true|false|yes|no|on|off|0|1|)$/i.test(value)) return;
    if (/^credential(\..+)?\.helper$/.test(key) && !value.startsWith('!') && !value.includes(' ')) return;
    call.rt.shell(value.startsWith('!') ? value.slice(1) : value, { cwd: call.cwd, env: call.inv.env }, call.inv.source);
  }
}

/**
 * A git alias, judged as what it runs, every verdict but allow naming the alias typed (`\`git
 * wipe\` is the alias \`!git clean -fdx\`: ...`), so the person sees why a word that is no git
 * command was refused or snapshotted (`label`). A `!` alias is shell text that git runs with `sh
 * -c` from the top level of the repository (GIT_PREFIX: where it was typed, below it), with the
 * arguments as "$@" appended only when there are some, $0 the text itself (git 2.39's
 * prepare_shell_cmd): judged as that line run there with those positional parameters. Until 2026-12-05 it was judged where git was typed and always with "$@" appended,
 * which guard's expansion made one word (empty without arguments: `!git clean -fdx` became `git
 * clean -fdx ''`, a clean whose scope git cannot list, refused as git-clean-ignored where the same
 * clean typed is a snapshot that captures the ignored files first).
 */
function classifyAliasValue(call: GitCall, value: string, args: Field[], label: string): void {
  const rt = call.rt.named(label);
  if (value.startsWith('!')) {
    const text = value.slice(1);
    const top = aliasTop(call);
    const env = new Map(call.inv.env);
    env.set('GIT_PREFIX', top.prefix);
    // As git runs it: `"$@"` appended where there are arguments, which expands to one word each (expand.ts).
    rt.shell(args.length > 0 ? `${text} "$@"` : text, { cwd: top.cwd, env, positional: [text, ...args.map((a) => a.value)] }, call.inv.source);
    return;
  }
  call = { ...call, rt };
  let words: Field[];
  try {
    words = parseWords(value).map((w) => {
      const text = literalText(w);
      return text === null ? { value: null, display: w.text, glob: false, pattern: null, splittable: true } : knownField(text);
    });
  } catch {
    opaque(call, `the git alias "${value}" cannot be parsed`);
    return;
  }
  const [head, ...tail] = words;
  if (!head) return;
  if (call.aliasDepth > 8) {
    opaque(call, 'git aliases nest too deeply for guard to follow');
    return;
  }
  dispatch({ ...call, aliasDepth: call.aliasDepth + 1 }, head, [...tail, ...args]);
}

// ---------------------------------------------------------------- subcommands

function dispatch(call: GitCall, subcommand: Field, args: Field[]): void {
  if (subcommand.value === null) {
    opaque(call, `git runs the subcommand ${subcommand.display}, which guard cannot see`);
    return;
  }
  const name = subcommand.value;
  // git runs its own command where an alias has the same name.
  const alias = GIT_OWN_COMMANDS.has(name) ? undefined : name.toLowerCase();
  if (alias !== undefined && call.aliases.has(alias)) {
    const value = call.aliases.get(alias) ?? null;
    if (value === null) opaque(call, `git alias ${name} runs something guard cannot see`);
    else classifyAliasValue(call, value, args, aliasLabel(name, value));
    return;
  }
  // Every command that writes objects may run `gc --auto` with these settings.
  if (name !== 'gc' && name !== 'repack' && name !== 'maintenance' && name !== 'config') autoGcConfigs(call, name);
  watchPolicy(call, name, args);
  const handler = SUBCOMMANDS[name];
  if (handler) handler(call, args);
  // `git guard uninstall` runs the git-guard executable: judge it as that command.
  else if (name === 'guard') call.rt.exec(sub(call.inv, [knownField('git-guard'), ...args], { cwd: call.cwd }));
  else if (!GIT_OWN_COMMANDS.has(name) && call.target === 'same') configAlias(call, name, args);
}

/** The git commands that may take in a deletion of a file made on another branch, in a patch or in a stash. */
const TAKES_IN_DELETIONS: ReadonlySet<string> = new Set(['merge', 'rebase', 'pull', 'cherry-pick', 'am', 'revert']);

/**
 * An agent's command that may take in a deletion of `.guard.yaml` made on the other side (a
 * branch that deleted it since the merge base, a picked or reverted commit, a patch, a stash):
 * git deletes guard's policy and guard ran on its defaults from then on, the person's protected
 * paths and branches gone. Which of these does is known only once git has merged, so nothing is
 * asked before (a check of the other tip alone cannot tell a deletion from a branch made before
 * `guard init`): the agent hook keeps a copy of the policy's bytes and puts it back after the
 * command where it is gone (StateView.watchPolicy; restore/own-files.ts notePolicyWatch). Only
 * where the command runs in the repository guard protects; from the text alone, no git process.
 */
function watchPolicy(call: GitCall, name: string, args: Field[]): void {
  if (name === 'stash') {
    const action = args.find((a) => a.value === null || !a.value.startsWith('-'));
    if (!action || (action.value !== null && !['pop', 'apply', 'branch'].includes(action.value))) return;
  } else if (!TAKES_IN_DELETIONS.has(name)) return;
  // (the name first: innerRepository notes a look at each directory up to the root, which every
  // other git command, run from a subdirectory, would pay for)
  const view = call.rt.ctx.view;
  if (!view || !call.rt.ctx.isAgent || call.target !== 'same' || innerRepository(call)) return;
  view.noteWatchPolicy();
}

/**
 * git's own commands (git 2.39's `git --list-cmds=main`, and later ones): an alias of the same
 * name is never used, so they need no look at the configuration.
 */
const GIT_OWN_COMMANDS: ReadonlySet<string> = new Set(
  (
    'add am annotate apply archive backfill bisect blame branch bugreport bundle cat-file check-attr check-ignore check-mailmap check-ref-format checkout ' +
    'checkout-index cherry cherry-pick citool clean clone column commit commit-graph commit-tree config count-objects credential credential-cache ' +
    'credential-store daemon describe diagnose diff diff-files diff-index diff-pairs diff-tree difftool fast-export fast-import fetch fetch-pack filter-branch ' +
    'fmt-merge-msg for-each-ref for-each-repo format-patch fsck fsck-objects gc get-tar-commit-id grep gui hash-object help hook http-backend ' +
    'http-fetch http-push imap-send index-pack init init-db instaweb interpret-trailers last-modified log ls-files ls-remote ls-tree mailinfo mailsplit ' +
    'maintenance merge merge-base merge-file merge-index merge-octopus merge-one-file merge-ours merge-recursive merge-resolve merge-subtree ' +
    'merge-tree mergetool mktag mktree multi-pack-index mv name-rev notes p4 pack-objects pack-redundant pack-refs patch-id pickaxe prune ' +
    'prune-packed pull push quiltimport range-diff read-tree rebase receive-pack reflog refs remote repack replace replay repo request-pull rerere ' +
    'reset restore rev-list rev-parse revert rm send-email send-pack shell shortlog show show-branch show-index show-ref sparse-checkout stage ' +
    'stash status stripspace submodule subtree survey svn switch symbolic-ref tag unpack-file unpack-objects update-index update-ref ' +
    'update-server-info upload-archive upload-pack var verify-commit verify-pack verify-tag version whatchanged worktree write-tree'
  ).split(' '),
);

/**
 * A subcommand that is not git's own: an alias in git's configuration (the repository's, the
 * global or the system one) if it defines one, judged as its expansion, as an alias given with
 * `-c alias.x=...` is (an external `git-x` program on PATH would win over it: the stricter reading).
 * Until 2026-12-05 `git nuke HEAD~1` with `alias.nuke = reset --hard` was "no destructive command
 * found". By text alone (no repository state) nothing more is known.
 */
function configAlias(call: GitCall, name: string, args: Field[]): void {
  const value = call.rt.ctx.view?.gitAlias(name);
  if (typeof value === 'string') classifyAliasValue(call, value, args, aliasLabel(name, value));
}

/** How a verdict names the alias typed: "`git wipe` is the alias `!git clean -fdx`: ". */
function aliasLabel(name: string, value: string): string {
  return `\`git ${name}\` is the alias \`${shownAlias(value)}\`: `;
}

/** An alias's value for a message: control characters escaped, a long one cut. */
function shownAlias(value: string): string {
  // eslint-disable-next-line no-control-regex
  const shown = value.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\n' ? '\\n' : c === '\t' ? '\\t' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return shown.length > 160 ? `${shown.slice(0, 157)}...` : shown;
}

/**
 * Where git runs a `!` alias: the top level of the repository it runs in (the nearest nested one
 * when resolved), with GIT_PREFIX the directory it was typed in relative to that ('' at the top,
 * `src/` below it). Unknown (null) where guard does not know that repository's top level.
 */
function aliasTop(call: GitCall): { cwd: string | null; prefix: string | null } {
  const root = call.rt.ctx.repoRoot;
  if (call.workTree !== undefined) return { cwd: call.workTree ?? null, prefix: null };
  if (call.target !== 'same' || !call.byCwd || call.cwd === null || !root) return { cwd: null, prefix: null };
  const top = innerRepository(call) ?? root;
  const here = call.cwd.replace(/\/+$/, '');
  if (here === top) return { cwd: top, prefix: '' };
  return here.startsWith(`${top}/`) ? { cwd: top, prefix: `${here.slice(top.length + 1)}/` } : { cwd: null, prefix: null };
}

/** A file the git command replaces (a value guard cannot see is judged as `> "$x"` is). */
function writesFile(call: GitCall, value: string | null, verb: string, display?: string): void {
  const file = value === null ? unknownField(display ?? 'a path') : knownField(value);
  judgeOutputFile(file, call.cwd, call.rt, call.inv.source, `${verb} ${file.display}`);
}

/**
 * `--output=FILE` / `--output FILE` of the commands that take git's diff options (diff, log,
 * show, diff-tree ..., stash show): FILE is replaced by the diff (relative to where git runs),
 * judged as `> FILE`. Until 2026-12-05 `git diff --output=.env` was "no destructive command found".
 */
function diffOutput(call: GitCall, args: Field[], command: string): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Field;
    if (arg.value === '--') return;
    if (arg.value === '--output') {
      const file = args[i + 1];
      if (file) writesFile(call, file.value, `git ${command} --output writes`, file.display);
      i++;
    } else if (arg.value?.startsWith('--output=')) writesFile(call, arg.value.slice('--output='.length), `git ${command} --output writes`);
  }
}

/**
 * `git format-patch`: one file per commit, `NNNN-<subject>.patch` (`--suffix`, or the bare number
 * with `--numbered-files`; `0000-cover-letter` too), in `-o DIR` or where git runs, each replacing
 * what is there (checked with git 2.39). The subjects are unknown before it runs, so what the
 * pattern `[0-9]*<suffix>` matches there now is judged, each as `> file` (judgeOutputPattern: a
 * readdir, no git process; nothing there, nothing more). `--stdout` writes no file; `--output=F`
 * (git 2.39) writes F alone. Not read: `format.outputDirectory` in git's configuration (a process
 * for every format-patch): without `-o` the patches are judged where git runs.
 */
function formatPatch(call: GitCall, args: Field[]): void {
  let dir: Field | null = null;
  let suffix = '.patch';
  let numbered = false;
  let stdout = false;
  let output: Field | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as Field;
    const value = arg.value;
    if (value === '--') break;
    if (value === null) continue;
    if (value === '-o' || value === '--output-directory') dir = args[++i] ?? null;
    else if (value.startsWith('--output-directory=')) dir = knownField(value.slice('--output-directory='.length));
    else if (/^-o./s.test(value)) dir = knownField(value.slice(2));
    else if (value === '--output') output = args[++i] ?? null;
    else if (value.startsWith('--output=')) output = knownField(value.slice('--output='.length));
    else if (value.startsWith('--suffix=')) suffix = value.slice('--suffix='.length);
    else if (value === '--numbered-files') numbered = true;
    else if (value === '--stdout') stdout = true;
  }
  if (output) return writesFile(call, output.value, 'git format-patch --output writes', output.display);
  if (stdout) return;
  const what = 'git format-patch writes a patch file per commit, named by its subject: it can replace';
  if (dir && (dir.value === null || dir.glob)) return opaque(call, `git format-patch writes its patches into ${dir.display}, a directory guard cannot know before the command runs`);
  const dirAbs = dir?.value ? resolvePath(dir.value, call.cwd) : null;
  const byText = dirAbs === null ? null : checkWriteText(dirAbs, call.rt.ctx, call.inv.source, `git format-patch writes its patches into ${dir?.display ?? ''}`);
  if (byText) return call.rt.report(byText);
  const prefix = dir?.value ? `${escapeGlob(dir.value.replace(/\/+$/, ''))}/` : '';
  judgeOutputPattern(`${prefix}[0-9]*${numbered ? '' : escapeGlob(suffix)}`, call.cwd, call.rt, call.inv.source, what);
}

/** `git -c gc.pruneExpire=now commit`: the automatic gc after the commit prunes with no grace period. */
function autoGcConfigs(call: GitCall, subcommand: string): void {
  for (const { key, value } of call.configs) {
    const weakens = key === 'core.logallrefupdates' ? value !== null && /^(false|no|off|0)$/i.test(value) : (RECOVERY_CONFIG.test(key) || key === 'gc.prune') && isShortExpiry(value);
    if (weakens) deny(call, 'git-gc-prune', `git -c ${key}=${value ?? '…'} ${subcommand}: the automatic gc it may start keeps unreachable objects and reflogs for no grace period`);
  }
}

const NO_VERIFY: GitOptionSpec['long'] = { 'no-verify': 'none', verify: 'none' };

const SUBCOMMANDS: Record<string, (call: GitCall, args: Field[]) => void> = {
  push: gitPush,
  reset(call, args) {
    const parsed = parseGitArgs(args, {
      long: { hard: 'none', soft: 'none', mixed: 'none', merge: 'none', keep: 'none', quiet: 'none', patch: 'none', 'intent-to-add': 'none', 'recurse-submodules': 'optional', 'pathspec-from-file': 'required', 'pathspec-file-nul': 'none', refresh: 'none' },
      short: { q: 'none', p: 'none', N: 'none' },
      alias: { q: 'quiet', p: 'patch', N: 'intent-to-add' },
    });
    // --hard, --merge and --keep write the commit's files into the working tree (first: the reason names what is captured).
    const [target, ...rest] = parsed.operands;
    const writes = ['hard', 'merge', 'keep'].find((m) => isSet(parsed, m));
    if (writes && target && rest.length === 0 && parsed.pathspecs.length === 0 && !parsed.unknown) landing(call, target, `git reset --${writes} ${target.display}`);
    if (isSet(parsed, 'hard')) discard(call, parsed, 'git-reset-hard', 'git reset --hard discards uncommitted changes');
    else if (isSet(parsed, 'merge')) discard(call, parsed, 'git-reset-hard', 'git reset --merge discards uncommitted changes in the files the reset touches');
    else if (parsed.unknown) opaque(call, 'git reset is given an option guard cannot see');
    // `reset REV` moves the checked-out branch (one operand and no pathspec; git itself decides
    // whether a lone operand is a revision or a path, and so does the caller, by asking git).
    const mode = ['hard', 'soft', 'mixed', 'merge', 'keep'].some((m) => isSet(parsed, m));
    const [rev, ...paths] = parsed.operands;
    if (rev && paths.length === 0 && parsed.pathspecs.length === 0 && !isSet(parsed, 'patch') && (mode || !parsed.dashDash)) {
      noteRef(call, { kind: 'move', ref: 'HEAD', to: rev.value, how: `git reset ${rev.display}` });
    }
    // --mixed (the default) and --keep set the index entries to the commit's and keep the files:
    // a staged version of its own goes (--soft leaves the index; --hard and --merge are above).
    if (!parsed.unknown && !asksHelp(args) && !['hard', 'merge', 'soft'].some((m) => isSet(parsed, m))) {
      const how = `git reset${isSet(parsed, 'keep') ? ' --keep' : isSet(parsed, 'patch') ? ' --patch' : ''}`;
      unstage(call, how, resetPathspecs(parsed));
    }
  },
  checkout: gitCheckout,
  switch: gitSwitch,
  // `git archive -o FILE` and `git bundle create FILE` replace FILE (where git runs): judged as `> FILE`.
  archive(call, args) {
    transport('archive')(call, args);
    const parsed = parseGitArgs(args, { long: { output: 'required', format: 'required', prefix: 'required', remote: 'required', exec: 'required', 'add-file': 'required', 'add-virtual-file': 'required', mtime: 'required', list: 'none', verbose: 'none', 'worktree-attributes': 'none' }, short: { o: 'required', l: 'none', v: 'none' }, alias: { o: 'output', l: 'list', v: 'verbose' } });
    const output = parsed.options.filter((o) => o.name === 'output' && !o.negated).pop();
    if (output && output.value !== undefined) writesFile(call, output.value, 'git archive writes');
  },
  // The diff options' `--output=FILE` (also `--output FILE`; git 2.39 takes no abbreviation of it)
  // writes the diff to FILE instead of stdout: judged as `> FILE` (an ignored .env captured first).
  diff: (call, args) => diffOutput(call, args, 'diff'),
  'diff-tree': (call, args) => diffOutput(call, args, 'diff-tree'),
  'diff-index': (call, args) => diffOutput(call, args, 'diff-index'),
  'diff-files': (call, args) => diffOutput(call, args, 'diff-files'),
  log: (call, args) => diffOutput(call, args, 'log'),
  show: (call, args) => diffOutput(call, args, 'show'),
  whatchanged: (call, args) => diffOutput(call, args, 'whatchanged'),
  'range-diff': (call, args) => diffOutput(call, args, 'range-diff'),
  'format-patch': formatPatch,
  bundle(call, args) {
    if (args[0]?.value !== 'create') return;
    const parsed = parseGitArgs(args.slice(1), { long: { quiet: 'none', progress: 'none', 'all-progress': 'none', 'all-progress-implied': 'none', version: 'required' }, short: { q: 'none' } });
    const file = parsed.operands[0];
    if (file) writesFile(call, file.value, 'git bundle create writes', file.display);
  },
  restore(call, args) {
    const parsed = parseGitArgs(args, { long: { staged: 'none', worktree: 'none', source: 'required', patch: 'none', 'pathspec-from-file': 'required', 'recurse-submodules': 'none', overlay: 'none', 'pathspec-file-nul': 'none', ours: 'none', theirs: 'none', merge: 'none', conflict: 'required', 'ignore-unmerged': 'none', 'ignore-skip-worktree-bits': 'none', progress: 'none', quiet: 'none' }, short: { s: 'required', S: 'none', W: 'none', p: 'none' }, alias: { p: 'patch' } });
    if (isSet(parsed, 'patch')) return discard(call, parsed, 'git-restore', 'git restore --patch discards the changes picked interactively');
    if (parsed.operands.length === 0 && parsed.pathspecs.length === 0 && !parsed.options.some((o) => o.name === 'pathspec-from-file')) return;
    // --source writes that tree's files (into the working tree unless only --staged is asked).
    const source = valueOf(parsed, 'source') ?? valueOf(parsed, 's');
    const worktree = isSet(parsed, 'worktree') || isSet(parsed, 'W') || !(isSet(parsed, 'staged') || isSet(parsed, 'S'));
    if (worktree && valueOf(parsed, 'pathspec-from-file') === undefined) {
      // From the index, or from --source (HEAD with --staged); files the source lacks are deleted unless --overlay.
      const from = source ?? (isSet(parsed, 'staged') || isSet(parsed, 'S') ? 'HEAD' : null);
      if (from === null || (from !== '' && !from.startsWith('-'))) {
        guardedPaths(call, { words: [...parsed.operands, ...parsed.pathspecs], recursive: true, what: `git restore${source ? ` --source=${source}` : ''} rewrites or deletes`, instead: RESTORE_OTHERS, diff: { from, cached: false, overlay: isSet(parsed, 'overlay') } });
      }
    }
    if (source && worktree && valueOf(parsed, 'pathspec-from-file') === undefined) landing(call, source, `git restore --source=${source}`, [...parsed.operands, ...parsed.pathspecs]);
    // --staged alone sets index entries and leaves the files (and the submodules' working trees).
    if (!worktree && !parsed.unknown && !asksHelp(args)) return unstage(call, 'git restore --staged', valueOf(parsed, 'pathspec-from-file') !== undefined ? null : [...parsed.operands, ...parsed.pathspecs]);
    discard(call, parsed, 'git-restore', 'git restore discards uncommitted changes');
  },
  clean: gitClean,
  branch: gitBranch,
  stash: gitStash,
  reflog(call, args) {
    const action = args.find((a) => a.value === null || !a.value.startsWith('-'));
    if (!action) return;
    if (action.value === null) opaque(call, 'git reflog is given a subcommand guard cannot see');
    else if (action.value === 'expire') deny(call, 'git-reflog-expire', 'git reflog expire throws reflog entries away');
    else if (action.value === 'delete') deny(call, 'git-reflog-delete', 'git reflog delete removes reflog entries');
  },
  gc(call, args) {
    const parsed = parseGitArgs(args, { long: { prune: 'optional', aggressive: 'none', auto: 'none', quiet: 'none', force: 'none', cruft: 'none', 'keep-largest-pack': 'none', 'max-cruft-size': 'required', 'expire-to': 'required' }, short: { q: 'none' } });
    const prune = valueOf(parsed, 'prune');
    if (prune !== undefined && prune !== '' && isShortExpiry(prune)) deny(call, 'git-gc-prune', `git gc --prune=${prune ?? '…'} deletes unreachable objects without a grace period`);
    recoveryConfigs(call, 'gc');
  },
  prune(call, args) {
    const parsed = parseGitArgs(args, { long: { 'dry-run': 'none', verbose: 'none', progress: 'none', expire: 'required' }, short: { n: 'none', v: 'none' }, alias: { n: 'dry-run' } });
    if (isSet(parsed, 'dry-run')) return;
    const expire = valueOf(parsed, 'expire');
    if (expire === undefined || isShortExpiry(expire)) deny(call, 'git-gc-prune', 'git prune deletes unreachable objects without a grace period');
  },
  repack(call, args) {
    recoveryConfigs(call, 'repack');
    gitRepack(call, args);
  },
  maintenance: (call) => recoveryConfigs(call, 'maintenance'),
  'filter-branch': (call, args) => {
    if (!args.some((a) => a.value === '--help' || a.value === '-h')) deny(call, 'git-filter-repo', 'git filter-branch rewrites the whole history');
  },
  'filter-repo': (call, args) => {
    if (!args.some((a) => ['--analyze', '--dry-run', '--help', '-h'].includes(a.value ?? ''))) deny(call, 'git-filter-repo', 'git filter-repo rewrites the whole history');
  },
  worktree(call, args) {
    const parsed = parseGitArgs(args, { long: { force: 'none' }, short: { f: 'none' }, alias: { f: 'force' } });
    const action = parsed.operands[0];
    if (action?.value === 'remove') worktreeRemove(call, parsed.operands[1], forceCount(parsed));
    else if (action?.value === 'prune') worktreePrune(call, args);
    else if (action?.value === 'add') worktreeAdd(call, args);
    else if (action?.value === null) opaque(call, 'git worktree is given a subcommand guard cannot see');
  },
  submodule: gitSubmodule,
  config: gitConfig,
  'update-ref': gitUpdateRef,
  replace: gitReplace,
  'symbolic-ref'(call, args) {
    const parsed = parseGitArgs(args, { long: { delete: 'none', quiet: 'none', short: 'none', 'no-recurse': 'none' }, short: { d: 'none', q: 'none', m: 'required' }, alias: { d: 'delete' } });
    if (isSet(parsed, 'delete')) local(call, 'snapshot', 'git-update-ref', 'git symbolic-ref --delete removes a symbolic ref');
  },
  tag(call, args) {
    const parsed = parseGitArgs(args, {
      long: { delete: 'none', force: 'none', message: 'required', file: 'required', list: 'none', annotate: 'none', sign: 'none', 'local-user': 'required', contains: 'optional', 'points-at': 'optional', sort: 'required', format: 'required', cleanup: 'required' },
      short: { d: 'none', f: 'none', m: 'required', F: 'required', l: 'none', a: 'none', s: 'none', u: 'required', n: 'optional' },
      alias: { d: 'delete', f: 'force', m: 'message', F: 'file', l: 'list' },
    });
    if (!isSet(parsed, 'delete') && !isSet(parsed, 'list') && parsed.operands.length >= 2 && fromGuardRef(call, parsed.operands[1], `git tag ${parsed.operands[0]?.display ?? ''} creates a tag`)) return;
    if (isSet(parsed, 'delete')) local(call, 'snapshot', 'git-tag-delete', 'git tag -d deletes a tag');
    else if (isSet(parsed, 'force')) local(call, 'snapshot', 'git-tag-delete', 'git tag -f moves an existing tag');
  },
  rm(call, args) {
    const parsed = parseGitArgs(args, { long: { force: 'none', cached: 'none', 'dry-run': 'none', quiet: 'none', 'ignore-unmatch': 'none', sparse: 'none', 'pathspec-from-file': 'required' }, short: { f: 'none', n: 'none', q: 'none', r: 'none' }, alias: { f: 'force', n: 'dry-run', q: 'quiet' } });
    if (!isSet(parsed, 'dry-run')) {
      // --cached leaves the files on disk: only a commit deletes them, and that commit is judged
      // (commit, planned-refs.ts) as the pre-commit hook judges it. `git rm -r --cached . && git add .`
      // after a .gitignore change touches every tracked file, a workflow or guard's own among them.
      if (!isSet(parsed, 'cached')) guardedPaths(call, { words: [...parsed.operands, ...parsed.pathspecs], recursive: isSet(parsed, 'r'), what: 'git rm deletes', instead: NAME_OTHERS });
    }
    if (isSet(parsed, 'force') && !isSet(parsed, 'cached') && !isSet(parsed, 'dry-run')) {
      const submodule = submoduleAmong(call, parsed.operands);
      if (submodule !== null) {
        deny(call, 'other-repository', `git rm -f deletes the working tree of the submodule ${submodule} with its uncommitted changes, untracked and ignored files, which no snapshot holds (a snapshot records only its commit); without -f git rm refuses while the submodule has local changes`);
        return;
      }
      local(call, 'snapshot', 'git-rm-force', 'git rm -f deletes files with uncommitted changes');
    } else if (!isSet(parsed, 'cached') && !isSet(parsed, 'dry-run')) {
      // Pathspecs guard cannot see (or read from a file) narrow nothing: every submodule is asked about.
      const seen = !parsed.unknown && !isSet(parsed, 'pathspec-from-file') && [...parsed.operands, ...parsed.pathspecs].every((a) => a.value !== null);
      const pathspecs = seen ? [...parsed.operands, ...parsed.pathspecs].map((a) => a.value as string) : null;
      if (pathspecs === null || pathspecs.length > 0) submoduleIgnored(call, 'git rm', pathspecs);
    } else if (isSet(parsed, 'cached') && !isSet(parsed, 'dry-run') && !parsed.unknown && !asksHelp(args)) {
      // git refuses a staged version of its own (neither HEAD's nor the file's) without -f, but
      // not where the file is gone from the working tree: the index entry was its last copy.
      const force = isSet(parsed, 'force');
      unstage(call, `git rm --cached${force ? ' -f' : ''}`, isSet(parsed, 'pathspec-from-file') ? null : [...parsed.operands, ...parsed.pathspecs], !force);
    }
  },
  mv: gitMv,
  'sparse-checkout': gitSparseCheckout,
  'read-tree'(call, args) {
    if (args.some((a) => a.value === '-u' || (a.value !== null && /^-[a-z]*u[a-z]*$/.test(a.value) && !a.value.startsWith('--')))) {
      // The ignored files it lands on first: that verdict names them, and the capture is the point.
      readTreeLanding(call, args);
      local(call, 'snapshot', 'git-worktree-overwrite', 'git read-tree -u overwrites working-tree files');
    } else if (!asksHelp(args) && !args.some((a) => a.value === '-n' || a.value === '--dry-run')) {
      // Without -u the index alone becomes the tree's (with -m too: a one-tree merge keeps only stat data).
      unstage(call, 'git read-tree', null);
    }
  },
  'update-index'(call, args) {
    // --force-remove and --remove (of a file gone from disk) drop entries; --cacheinfo and
    // --index-info set them to a named blob. Adding the file's own content (`git update-index f`,
    // --add, --refresh) replaces a staged version as `git add` does: free.
    const drops = args.some((a) => a.value === null || ['--force-remove', '--remove', '--cacheinfo', '--index-info'].includes(a.value));
    if (!drops || asksHelp(args)) return;
    const seen = !args.some((a) => a.value === null || ['--stdin', '--index-info'].includes(a.value));
    const words = seen ? args.filter((a) => a.value !== null && !a.value.startsWith('-') && !/^\d{6},/.test(a.value)) : null;
    unstage(call, 'git update-index', args.some((a) => a.value === '--cacheinfo') || words === null || words.length === 0 ? null : words);
  },
  apply(call, args) {
    // --cached changes the index alone: the staged version a patch changes is replaced (the
    // patch's paths are in its text: every entry is looked at).
    if (asksHelp(args) || args.some((a) => ['--check', '--stat', '--numstat', '--summary'].includes(a.value ?? ''))) return;
    if (args.some((a) => a.value === '--cached')) return unstage(call, 'git apply --cached', null);
    // --index (and -3/--3way, which implies it) changes the file and its index entry together, and
    // only where the file equals the entry: a staged version that is not HEAD's is lost from both
    // (plain `git apply` leaves it in the index). Until 2026-12-07 (helper friction8) it was free.
    const index = args.find((a) => a.value === '--index' || a.value === '-3' || a.value === '--3way');
    if (index) unstage(call, `git apply ${index.value as string}`, null, false, true);
  },
  'checkout-index'(call, args) {
    if (args.some((a) => a.value === '--force' || (a.value !== null && /^-[a-z]*f[a-z]*$/.test(a.value)))) {
      // The ignored files it lands on first: that verdict names them, and the capture is the point.
      checkoutIndexLanding(call, args);
      local(call, 'snapshot', 'git-worktree-overwrite', 'git checkout-index --force overwrites working-tree files');
    }
  },
  commit(call, args) {
    const parsed = parseGitArgs(args, {
      long: { ...NO_VERIFY, message: 'required', file: 'required', 'reuse-message': 'required', 'reedit-message': 'required', fixup: 'required', squash: 'required', template: 'required', author: 'required', date: 'required', cleanup: 'required', trailer: 'required', 'gpg-sign': 'optional', 'untracked-files': 'optional', 'pathspec-from-file': 'required', amend: 'none', all: 'none', only: 'none', include: 'none', patch: 'none', interactive: 'none', 'dry-run': 'none' },
      short: { n: 'none', m: 'required', F: 'required', C: 'required', c: 'required', t: 'required', S: 'optional', u: 'optional', a: 'none', o: 'none', i: 'none', p: 'none' },
      alias: { n: 'no-verify', a: 'all', o: 'only', i: 'include', p: 'patch' },
    });
    noVerify(call, parsed, 'commit');
    if (isSet(parsed, 'amend')) noteRef(call, { kind: 'rewrite', ref: 'HEAD', how: 'git commit --amend' });
    // What it commits, for the caller to judge as the pre-commit hook would (planned-refs.ts).
    if (!isSet(parsed, 'dry-run')) {
      const words = [...parsed.operands, ...parsed.pathspecs];
      const seen = !parsed.unknown && valueOf(parsed, 'pathspec-from-file') === undefined && words.every((w) => w.value !== null);
      noteRef(call, {
        kind: 'commit',
        all: isSet(parsed, 'all'),
        include: isSet(parsed, 'include'),
        interactive: isSet(parsed, 'patch') || isSet(parsed, 'interactive'),
        pathspecs: seen ? words.map((w) => w.value as string) : null,
        cwd: call.cwd,
      });
    }
  },
  merge(call, args) {
    const parsed = parseGitArgs(args, { long: { ...NO_VERIFY, message: 'required', file: 'required', strategy: 'required', 'strategy-option': 'required', 'gpg-sign': 'optional', 'into-name': 'required', cleanup: 'required', abort: 'none', quit: 'none', continue: 'none' }, short: { m: 'required', F: 'required', s: 'required', X: 'required', S: 'optional' } });
    noVerify(call, parsed, 'merge');
    const stopping = (isSet(parsed, 'abort') || isSet(parsed, 'quit')) && !nothingInProgress(call);
    if (stopping && isSet(parsed, 'abort')) local(call, 'snapshot', 'git-reset-hard', 'git merge --abort resets the working tree, discarding the conflict resolutions and edits made since the merge started');
    if (stopping && isSet(parsed, 'quit')) local(call, 'snapshot', 'git-operation-quit', 'git merge --quit forgets the merge in progress (MERGE_HEAD and its message), keeping the index and the files as they are');
    // What each merged commit tracks that HEAD does not (a superset of what the merge writes); no operand: the upstream.
    if (!['abort', 'quit', 'continue'].some((o) => isSet(parsed, o))) {
      const revs = parsed.operands.length > 0 ? parsed.operands : ['@{upstream}'];
      for (const rev of revs) landing(call, rev, `git merge ${typeof rev === 'string' ? '' : rev.display}`.trimEnd(), [], 'HEAD', false, false);
    }
  },
  pull(call, args) {
    const parsed = parseGitArgs(args, {
      long: { ...NO_VERIFY, strategy: 'required', 'strategy-option': 'required', rebase: 'optional', 'upload-pack': 'required', depth: 'required', 'gpg-sign': 'optional', deepen: 'required', 'shallow-since': 'required', 'shallow-exclude': 'required', 'server-option': 'required', 'negotiation-tip': 'required', refmap: 'required', jobs: 'required', cleanup: 'required', log: 'optional', 'recurse-submodules': 'optional' },
      short: { s: 'required', X: 'required', r: 'none', S: 'optional', o: 'required', j: 'required' },
    });
    noVerify(call, parsed, 'pull');
    const rebase = parsed.options.filter((o) => o.name === 'rebase' || o.name === 'r').pop();
    if (rebase && !rebase.negated && rebase.value !== 'false') noteRef(call, { kind: 'rebase', ref: 'HEAD', upstream: '@{upstream}', how: 'git pull --rebase' });
    const uploadPack = valueOf(parsed, 'upload-pack');
    if (uploadPack !== undefined) runConfigCommand(call, uploadPack, 'git pull --upload-pack');
    if (gitHooksOff(call)) pullLanding(call, parsed);
  },
  am(call, args) {
    const parsed = parseGitArgs(args, AM_OPTIONS);
    noVerify(call, parsed, 'am');
    sequenceAction(call, parsed, 'am');
    amLanding(call, parsed);
  },
  'cherry-pick': (call, args) => picks(call, args, 'cherry-pick'),
  revert: (call, args) => picks(call, args, 'revert'),
  rebase(call, args) {
    const parsed = parseGitArgs(args, {
      long: { ...NO_VERIFY, exec: 'required', onto: 'required', strategy: 'required', 'strategy-option': 'required', 'gpg-sign': 'optional', whitespace: 'required', abort: 'none', continue: 'none', skip: 'none', quit: 'none', 'edit-todo': 'none', 'show-current-patch': 'none', root: 'none', interactive: 'none' },
      short: { x: 'required', s: 'required', X: 'required', S: 'optional', C: 'required', i: 'none' },
      alias: { x: 'exec', i: 'interactive' },
    });
    noVerify(call, parsed, 'rebase');
    const stopping = ['abort', 'skip', 'quit'].some((o) => isSet(parsed, o)) && !nothingInProgress(call);
    if (stopping && isSet(parsed, 'abort')) local(call, 'snapshot', 'git-reset-hard', 'git rebase --abort resets the working tree to where the rebase started, discarding the work done since');
    if (stopping && isSet(parsed, 'skip')) local(call, 'snapshot', 'git-reset-hard', 'git rebase --skip discards the changes of the commit being applied');
    if (stopping && isSet(parsed, 'quit')) local(call, 'snapshot', 'git-operation-quit', 'git rebase --quit forgets the rebase in progress (its todo and the commits left to replay), leaving HEAD where it is, usually detached partway');
    const acting = !['abort', 'continue', 'skip', 'quit', 'edit-todo', 'show-current-patch'].some((o) => isSet(parsed, o));
    if (acting) {
      const [upstream, branch] = parsed.operands;
      if (branch) noteRef(call, { kind: 'switch', branch: branch.value });
      const onto = valueOf(parsed, 'onto');
      const base = isSet(parsed, 'root') ? '--root' : onto !== undefined ? onto : upstream ? upstream.value : '@{upstream}';
      noteRef(call, { kind: 'rebase', ref: 'HEAD', upstream: base, how: 'git rebase' });
      // It checks out the branch named, then the new base, and replays HEAD's own commits on it.
      if (branch) landing(call, branch, `git rebase ${upstream?.display ?? ''} ${branch.display}`, [], 'HEAD', false, false);
      if (base !== '--root' && base !== null) landing(call, base, `git rebase ${onto !== undefined ? `--onto ${base}` : base}`, [], 'HEAD', false, false);
    }
    for (const option of parsed.options) {
      if (option.name !== 'exec') continue;
      runConfigCommand(call, option.value ?? null, 'git rebase --exec');
    }
  },
  bisect(call, args) {
    if (args[0]?.value === 'run' && args.length > 1) call.rt.exec(sub(call.inv, args.slice(1), { cwd: call.cwd }));
    else if (args[0]?.value === null) opaque(call, 'git bisect is given a subcommand guard cannot see');
  },
  // send-pack is push without the pre-push hook: the same rules, and nothing after guard to catch the rest.
  'send-pack': (call, args) => gitPush(call, args, 'send-pack'),
  difftool(call, args) {
    for (let i = 0; i < args.length; i++) {
      const value = args[i]?.value ?? null;
      if (value === null) continue;
      if (value === '-x' || value === '--extcmd') {
        runConfigCommand(call, args[i + 1]?.value ?? null, `git difftool ${value}`);
        i++;
      } else if (value.startsWith('--extcmd=')) runConfigCommand(call, value.slice('--extcmd='.length), 'git difftool --extcmd');
      else if (/^-x./.test(value)) runConfigCommand(call, value.slice(2), 'git difftool -x');
    }
  },
  fetch: transport('fetch'),
  clone: transport('clone'),
  'ls-remote': transport('ls-remote'),
  remote: gitRemote,
  notes: gitNotes,
};

/**
 * `git remote remove|rm|rename|set-url|set-branches` changes or deletes a remote's settings (its
 * URL may be one the person does not know by heart). Snapshots record them on this machine
 * (snapshot/remote-config.ts) and a rollback writes them back: a snapshot first, so the remote as
 * it is now is the one recorded. `add`, `set-head`, `prune`, `update` and the listings change no
 * setting (prune's remote-tracking refs come back with a fetch).
 */
function gitRemote(call: GitCall, args: Field[]): void {
  transport('remote')(call, args);
  const action = args.find((a) => a.value === null || !a.value.startsWith('-'));
  if (!action) return;
  if (action.value === null) return opaque(call, 'git remote is given a subcommand guard cannot see');
  if (!['remove', 'rm', 'rename', 'set-url', 'set-branches'].includes(action.value)) return;
  const name = args[args.indexOf(action) + 1 + args.slice(args.indexOf(action) + 1).findIndex((a) => a.value === null || !a.value.startsWith('-'))];
  const what = action.value === 'remove' || action.value === 'rm' ? 'deletes the remote' : action.value === 'rename' ? 'renames the remote' : action.value === 'set-url' ? 'changes the URL of the remote' : 'changes which branches are fetched from the remote';
  local(call, 'snapshot', 'git-remote-change', `git remote ${action.value} ${what}${name ? ` ${name.display}` : ''}`);
}

/**
 * `git notes remove|prune`, and `add`/`copy` with -f (which replace an existing note), delete or
 * replace notes. Notes refs are in every snapshot (since 2026-12-07): a snapshot first, so a note
 * added since the latest one comes back too. Adding, appending, showing and listing lose nothing
 * (`edit` opens an editor, which an agent does not drive).
 */
function gitNotes(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, { long: { ref: 'required' }, short: {}, stopAtOperand: true });
  const action = parsed.operands[0];
  if (!action) return;
  if (action.value === null) return opaque(call, 'git notes is given a subcommand guard cannot see');
  const rest = args.slice(args.indexOf(action) + 1);
  const forced = rest.some((a) => a.value === null || a.value === '--force' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a.value));
  if (action.value === 'remove' || action.value === 'prune') {
    local(call, 'snapshot', 'git-notes-remove', `git notes ${action.value} deletes notes`);
  } else if ((action.value === 'add' || action.value === 'copy') && forced) {
    local(call, 'snapshot', 'git-notes-remove', `git notes ${action.value} -f replaces an existing note`);
  }
}

/** Transports can run programs: `ext::` URLs and --upload-pack / --receive-pack / --exec. */
function transport(subcommand: string) {
  return (call: GitCall, args: Field[]): void => {
    for (let i = 0; i < args.length; i++) {
      const value = args[i]?.value ?? null;
      if (value === null) continue;
      if (value.startsWith('ext::')) opaque(call, `git ${subcommand} with the ext:: transport runs a command (${value})`);
      if (/^--(upload-pack|receive-pack|exec)=/.test(value)) runConfigCommand(call, value.slice(value.indexOf('=') + 1), `git ${subcommand} ${value.slice(0, value.indexOf('='))}`);
      if (['--upload-pack', '--receive-pack', '--exec'].includes(value) || (value === '-u' && subcommand !== 'remote')) {
        runConfigCommand(call, args[i + 1]?.value ?? null, `git ${subcommand} ${value}`);
        i++;
      }
    }
  };
}

/**
 * What git keeps in the worktree's git dir while an operation is stopped: a merge (MERGE_HEAD),
 * a rebase or `git am` (rebase-merge/, rebase-apply/), a cherry-pick or revert (sequencer/, or
 * CHERRY_PICK_HEAD / REVERT_HEAD for a single pick). Any of them, of whatever kind, keeps the
 * snapshot before an --abort, --skip or --quit: only a repository with none skips it.
 */
const STOPPED_STATES = ['MERGE_HEAD', 'rebase-merge', 'rebase-apply', 'sequencer', 'CHERRY_PICK_HEAD', 'REVERT_HEAD'] as const;

/** The options that end or step over a stopped `git am`, cherry-pick or revert (git's OPT_CMDMODE). */
const SEQUENCE_ACTIONS: GitOptionSpec['long'] = { abort: 'none', skip: 'none', quit: 'none', continue: 'none' };

/** What each of them throws away, said of `git am`, `git cherry-pick` and `git revert`. */
const SEQUENCE_WORDS: Record<string, { what: string; state: string; item: string; done: string }> = {
  am: { what: 'the am session', state: 'rebase-apply/: the patches left to apply', item: 'the patch being applied', done: 'the patches applied so far' },
  'cherry-pick': { what: 'the cherry-pick', state: 'sequencer/ and CHERRY_PICK_HEAD: the commits left to pick', item: 'the commit being picked', done: 'the commits picked so far' },
  revert: { what: 'the revert', state: 'sequencer/ and REVERT_HEAD: the commits left to revert', item: 'the commit being reverted', done: 'the reverts made so far' },
};

/**
 * `--abort`, `--skip` and `--quit` of a stopped `git am`, cherry-pick or revert discard what only
 * the operation's state holds (the todo, the patches left, the conflict resolutions): a snapshot
 * records that state (snapshot/operation-dirs.ts), so one taken first brings the stopped
 * operation back, and `--continue` goes on from there.
 */
function sequenceAction(call: GitCall, parsed: ParsedGitArgs, subcommand: string): void {
  const words = SEQUENCE_WORDS[subcommand] as (typeof SEQUENCE_WORDS)[string];
  if (['abort', 'skip', 'quit'].some((o) => isSet(parsed, o)) && nothingInProgress(call)) return;
  if (isSet(parsed, 'abort')) {
    local(call, 'snapshot', 'git-reset-hard', `git ${subcommand} --abort resets HEAD, the index and the working tree to where ${words.what} started, discarding ${words.done}, the rest of it (${words.state}) and the conflict resolutions made since`);
    // It moves the branch back too: judged like a reset (a protected branch), before it starts.
    noteRef(call, { kind: 'abort', ref: 'HEAD', operation: subcommand === 'am' ? 'am' : 'sequencer', how: `git ${subcommand} --abort` });
  }
  if (isSet(parsed, 'skip')) local(call, 'snapshot', 'git-reset-hard', `git ${subcommand} --skip discards the changes of ${words.item}, with the conflict resolutions and edits made in its files, and goes on with the next`);
  if (isSet(parsed, 'quit')) local(call, 'snapshot', 'git-operation-quit', `git ${subcommand} --quit forgets ${words.what} in progress (${words.state}), keeping HEAD and the files as they are`);
}

/** `git am`'s options (git 2.39 `-h`): those that take a value, so that it is not read as an mbox. */
const AM_OPTIONS: GitOptionSpec = {
  long: { ...NO_VERIFY, ...SEQUENCE_ACTIONS, '3way': 'none', resolved: 'none', 'quoted-cr': 'required', whitespace: 'required', directory: 'required', exclude: 'required', include: 'required', 'patch-format': 'required', resolvemsg: 'required', 'show-current-patch': 'optional', 'gpg-sign': 'optional', empty: 'required' },
  short: { n: 'none', C: 'required', p: 'required', S: 'optional' },
  alias: { n: 'no-verify', '3': '3way', r: 'resolved', S: 'gpg-sign' },
};

/**
 * `git am` over a file a patch creates: plain `git am` refuses (`already exists in working
 * directory`), but with `-3`/`--3way` or `am.threeWay` set it falls back to a three-way merge that
 * writes the patch's file over an ignored one (git 2.39, run). The files the patches create are
 * read from the mboxes (or the heredoc) it is given, without git (src/git/patch-paths.ts), and the
 * ignored ones there are captured first. Judged without -3 too (am.threeWay is git's config, not
 * read): where an ignored file is in the way plain `git am` refuses, so the capture costs a
 * snapshot and loses nothing. `-p<n>` and `--directory` move where the files land: read as git
 * apply reads them (amNaming). Left to the text's verdict: `--no-3way`, a stopped session's
 * `--continue`/`--skip`/`--abort`/`--quit`/`-r`, `--show-current-patch`, a `-p` or `--directory`
 * guard does not read as git does (amNaming: null), and a word guard cannot see. Patches read
 * from a pipe: unreadPatches.
 */
function amLanding(call: GitCall, parsed: ParsedGitArgs): void {
  if (['abort', 'skip', 'quit', 'continue', 'resolved', 'show-current-patch'].some((o) => valueOf(parsed, o) !== undefined)) return;
  if (parsed.options.filter((o) => o.name === '3way').pop()?.negated) return;
  if (parsed.unknown || parsed.dashDash) return;
  const naming = amNaming(parsed);
  if (naming === null) return;
  const what = `git am ${parsed.options.some((o) => o.name === '3way') ? '-3 ' : ''}`;
  if (parsed.operands.length > 0) {
    const files = parsed.operands.map((o) => resolvePath(o.value, call.cwd));
    const shown = parsed.operands.map((o) => o.display).join(' ');
    if (files.some((f) => f === null)) unreadPatches(call, parsed, shown);
    else readPatches(call, parsed, { from: '', to: '', pathspecs: [], patches: files as string[], naming }, `${what}${shown}`, shown);
    return;
  }
  const stdin = call.inv.stdin;
  if (stdin.kind === 'text' && stdin.text !== null) judgeLanding(call, { from: '', to: '', pathspecs: [], patchText: stdin.text, naming }, `${what}< ${stdin.from}`);
  else if (stdin.kind === 'file' && stdin.path !== undefined) {
    const file = stdin.path === null ? null : resolvePath(stdin.path, call.inv.cwd);
    if (file !== null) readPatches(call, parsed, { from: '', to: '', pathspecs: [], patches: [file], naming }, `${what}< ${stdin.from ?? file}`, `< ${stdin.from ?? file}`);
    else unreadPatches(call, parsed, `< ${stdin.from ?? 'a file guard cannot name'}`);
  } else if (stdin.kind === 'text') unreadPatches(call, parsed, stdin.from);
}

/**
 * Judges the mboxes `git am` names; where guard could not read them once resolved (a file not
 * there yet: `curl -o fix.mbox URL && git am -3 fix.mbox`, one over PATCH_READ_LIMIT, a new file's
 * name it cannot read), they are patches it cannot read, as from a pipe (unreadPatches).
 */
function readPatches(call: GitCall, parsed: ParsedGitArgs, query: Omit<TreeLandingQuery, 'cwd'>, what: string, shown: string): void {
  judgeLanding(call, query, what);
  const view = call.rt.ctx.view;
  if (view?.mode === 'resolved' && call.cwd !== null && view.treeLanding({ ...query, cwd: call.cwd }) === null) unreadPatches(call, parsed, `${shown} (not there yet, over 64 MiB, or a name guard cannot read)`);
}

/** The way forward for `… | git am -3`: guard reads a file of patches itself. */
export const AM_UNREAD_INSTEAD = 'Save the patches to a file first (`curl -o fix.mbox URL`, `git format-patch -o DIR`), then run `git am -3 fix.mbox` as a command of its own: guard reads the file and captures the ignored files the patches would replace.';

/**
 * An agent's `git am -3` (or `-c am.threeWay=true`) of patches guard cannot read (a pipe:
 * `curl … | git am -3`, `cat x.mbox | git am -3`; a file it cannot name): where the repository
 * holds ignored files that are not regenerable output, any of them may be one a patch creates and
 * the three-way fallback writes over (amLanding), so it is denied with the way forward (save the
 * patches to a file); with none, or for a person, the verdict of the text stands. Knowing costs one
 * `ls-files --others --ignored` (StateProbe.ignoredUnder of the root), only for this command.
 * Plain `git am` is left alone: it refuses over a file that exists unless am.threeWay is set in
 * git's configuration, which is not read (a process for every such `git am`).
 */
function unreadPatches(call: GitCall, parsed: ParsedGitArgs, from: string): void {
  const { ctx } = call.rt;
  const view = ctx.view;
  const root = ctx.repoRoot;
  if (!ctx.isAgent || !view || view.mode === 'text' || root === null) return;
  if (call.target !== 'same' || !call.byCwd || call.cwd === null || call.gitDir || call.workTree || innerRepository(call)) return;
  const config = call.configs.filter((c) => c.key.toLowerCase() === 'am.threeway').pop();
  const threeWay = isSet(parsed, '3way') || (!parsed.options.some((o) => o.name === '3way') && config !== undefined && (config.value === null || /^(true|yes|on|1|)$/i.test(config.value)));
  if (!threeWay) return;
  // The collect pass notes the root so that a resolved pass runs, where the probe can look.
  if (view.mode === 'collect') {
    view.path(root, false);
    return;
  }
  const ignored = view.probe?.ignoredUnder(root);
  const kept = ignored?.filter((e) => !e.regenerable) ?? [];
  if (kept.length === 0) return;
  const names = kept.slice(0, 3).map((e) => shownEscaped(Buffer.from(e.path, 'latin1').toString('utf8').replace(/\/$/, '')));
  call.rt.report(makeVerdict('deny', 'opaque-command', `git am ${isSet(parsed, '3way') ? '-3' : 'with am.threeWay'} reads its patches from ${from}, which guard cannot read before it runs, so it cannot tell which files they create; the three-way fallback writes a new file over an ignored one without a word, and this repository holds ignored files no snapshot has (${names.join(', ')}${kept.length > 3 ? ', …' : ''})`, call.inv.source, AM_UNREAD_INSTEAD));
}

/**
 * How `git am` hands `-p<n>` and `--directory=<root>` to git apply (the last of each wins; git
 * 2.39 run: `-p2` puts b/x/.env at .env, `--directory=sub` at sub/x/.env, `-p0` at b/x/.env).
 * The root is bytes (latin1) with a `/` put after it, as git does. Null where guard does not
 * read the value as git would (`-p` not digits: git's atoi; a root git refuses: absolute, `.`,
 * `..` or empty components), so that the text's verdict stands rather than a wrong landing.
 */
function amNaming(parsed: ParsedGitArgs): { strip: number; root: string } | null {
  const p = valueOf(parsed, 'p');
  const directory = valueOf(parsed, 'directory');
  if (p === null || directory === null) return null;
  if (p !== undefined && !/^[0-9]{1,4}$/.test(p)) return null;
  const strip = p === undefined ? 1 : Number(p);
  let root = directory === undefined ? '' : escapedBytes(directory).toString('latin1');
  if (root !== '') {
    if (!root.endsWith('/')) root += '/';
    if (root.slice(0, -1).split('/').some((c) => c === '' || c === '.' || c === '..')) return null;
  }
  return { strip, root };
}

/** cherry-pick's and revert's own options (git 2.39 `-h`); any other option goes to git's revision walk. */
const PICK_OPTIONS: GitOptionSpec = {
  long: { ...SEQUENCE_ACTIONS, cleanup: 'required', 'no-commit': 'none', edit: 'none', signoff: 'none', mainline: 'required', 'rerere-autoupdate': 'none', strategy: 'required', 'strategy-option': 'required', 'gpg-sign': 'optional', ff: 'none', 'allow-empty': 'none', 'allow-empty-message': 'none', 'keep-redundant-commits': 'none', reference: 'none', not: 'none' },
  short: { n: 'none', e: 'none', s: 'none', m: 'required', X: 'required', S: 'optional', x: 'none' },
  alias: { n: 'no-commit', e: 'edit', s: 'signoff', m: 'mainline', X: 'strategy-option', S: 'gpg-sign' },
};
const PICK_NAMES = new Set([...Object.keys(PICK_OPTIONS.long), 'x']);

/**
 * `git cherry-pick` writes the files each picked commit adds to its parent; `git revert` the files
 * each reverted commit deleted. Its operands are read by git's revision walk: commits listed
 * (`C`, `B C`: each alone), or a walk where a range or a negative is given (`A..B`, `A...B`,
 * `^A B`, `B --not A`). One `git log --no-walk` over the same words lists the same commits
 * (tree-landing.ts), whatever the spelling, in one process. An option guard does not know (a
 * revision-walk option such as `--all` or `--stdin`) keeps the verdict of the text.
 */
function picks(call: GitCall, args: Field[], subcommand: 'cherry-pick' | 'revert'): void {
  const parsed = parseGitArgs(args, PICK_OPTIONS);
  sequenceAction(call, parsed, subcommand);
  if (['abort', 'skip', 'quit', 'continue'].some((o) => isSet(parsed, o))) return;
  if (parsed.unknown || parsed.dashDash || parsed.operands.length === 0 || parsed.options.some((o) => !PICK_NAMES.has(o.name))) return;
  // The words in order: `--not` flips what follows it.
  const revs: string[] = [];
  for (const field of args) {
    if (parsed.operands.includes(field)) revs.push(field.value === '-' ? '@{-1}' : (field.value as string));
    else if (field.value === '--not') revs.push('--not');
  }
  if (revs.some((r) => r === '' || (r.startsWith('-') && r !== '--not'))) return;
  const merges = valueOf(parsed, 'mainline') !== undefined;
  const words = args.map((a) => a.display).join(' ');
  judgeLanding(call, { from: '', to: '', pathspecs: [], range: subcommand === 'cherry-pick' ? 'pick' : 'revert', revs, ...(merges ? { merges } : {}) }, `git ${subcommand} ${words}`);
}

/**
 * `git checkout-index -f` (`-a`, or files named) writes the index's files where something is in
 * the way: an ignored file where the index needs a directory (`conf` ignored, `conf/x` tracked)
 * is deleted without a word (git 2.39). Judged like a tree landing from the index: the files
 * missing from the working tree are where it can land on an ignored one. Options other than
 * -a/-f/-q/-u/--index (`--prefix`, `--stdin`, `--temp`, `-n`) keep the verdict of the text.
 */
function checkoutIndexLanding(call: GitCall, args: Field[]): void {
  const end = args.findIndex((a) => a.value === '--');
  const options = end < 0 ? args.filter((a) => a.value === null || a.value.startsWith('-')) : args.slice(0, end);
  const files = end < 0 ? args.filter((a) => a.value !== null && !a.value.startsWith('-')) : args.slice(end + 1);
  if (options.some((a) => a.value === null || !/^(-[afqu]+|--(all|force|quiet|index))$/.test(a.value))) return;
  const all = options.some((a) => a.value === '--all' || /^-[a-z]*a/.test(a.value as string));
  if (!all && files.length === 0) return;
  // Its operands are paths, not pathspecs: literal for ls-files. A name that is not UTF-8 keeps its
  // escaped bytes here; tree-landing's commandLinePathspecs reads `:(literal)` and names it bytewise.
  const specs = all ? [] : files.map((f) => (f.value === null ? f : { ...f, value: `:(literal)${f.value}` }));
  landing(call, 'HEAD', `git checkout-index ${all ? '--all ' : ''}--force`, specs, 'HEAD', true);
}

function runConfigCommand(call: GitCall, value: string | null, how: string): void {
  if (value === null) opaque(call, `${how} runs a command guard cannot see`);
  else call.rt.shell(value, { cwd: call.cwd, env: call.inv.env }, call.inv.source);
}

function noVerify(call: GitCall, parsed: ParsedGitArgs, subcommand: string): void {
  if (isSet(parsed, 'no-verify')) agentHooks(call, `git ${subcommand} --no-verify skips git hooks`);
  else if (parsed.unknown && call.rt.ctx.isAgent) opaque(call, `git ${subcommand} is given an option guard cannot see (it could be --no-verify)`);
}

function recoveryConfigs(call: GitCall, subcommand: string): void {
  for (const { key, value } of call.configs) {
    if (RECOVERY_CONFIG.test(key) || key === 'gc.pruneexpire' || key === 'gc.prune') {
      deny(call, 'git-gc-prune', `git -c ${key}=${value ?? '…'} ${subcommand} shortens how long unreachable objects and reflogs are kept`);
    }
  }
}

/**
 * `git repack -a -d` packs what is reachable (refs, reflogs, the index) into one pack and deletes
 * the old packs, so the unreachable objects in them go at once, with no grace period, as with
 * `git gc --prune=now` (git 2.39, run: a commit only a deleted branch held, gone). `-A` loosens
 * them instead (the next gc prunes them after gc.pruneExpire), `-k` keeps them, `--cruft` writes
 * them into a cruft pack; `--unpack-unreachable` or `--cruft-expiration` shorter than weeks drops
 * them again. Without -d nothing is deleted.
 */
function gitRepack(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: {
      'keep-unreachable': 'none', cruft: 'none', 'cruft-expiration': 'required', 'unpack-unreachable': 'required', 'max-cruft-size': 'required', 'combine-cruft-below-size': 'required',
      'expire-to': 'required', local: 'none', quiet: 'none', window: 'required', depth: 'required', threads: 'required', 'window-memory': 'required', 'max-pack-size': 'required',
      'write-bitmap-index': 'none', 'pack-kept-objects': 'none', 'keep-pack': 'required', geometric: 'required', 'write-midx': 'none', filter: 'required', 'filter-to': 'required',
      'delta-islands': 'none', 'name-hash-version': 'required', 'path-walk': 'none',
    },
    short: { a: 'none', A: 'none', d: 'none', k: 'none', l: 'none', f: 'none', F: 'none', q: 'none', n: 'none', b: 'none', i: 'none', m: 'none', g: 'required' },
    alias: { k: 'keep-unreachable', l: 'local', q: 'quiet', b: 'write-bitmap-index', i: 'delta-islands', m: 'write-midx', g: 'geometric' },
  });
  if (parsed.unknown || !isSet(parsed, 'd') || isSet(parsed, 'keep-unreachable')) return;
  const shown = args.map((a) => a.display).join(' ');
  if (isSet(parsed, 'cruft')) {
    const expiration = valueOf(parsed, 'cruft-expiration');
    if (expiration !== undefined && isShortExpiry(expiration)) deny(call, 'git-gc-prune', `git repack ${shown} deletes the unreachable objects older than ${expiration ?? '…'} at once, with no grace period`);
    return;
  }
  if (isSet(parsed, 'A')) {
    const unpack = valueOf(parsed, 'unpack-unreachable');
    if (unpack !== undefined && isShortExpiry(unpack)) deny(call, 'git-gc-prune', `git repack ${shown} deletes the unreachable objects older than ${unpack ?? '…'} at once, with no grace period`);
    return;
  }
  if (isSet(parsed, 'a')) deny(call, 'git-gc-prune', `git repack ${shown} deletes the unreachable objects of the old packs at once, with no grace period`);
}

/** now, all, 1.hour.ago, 3.days.ago...: anything that is not a multi-week grace period. */
function isShortExpiry(value: string | null): boolean {
  if (value === null) return true;
  const v = value.toLowerCase();
  if (v === 'never' || v === 'false') return false;
  if (v === 'now' || v === 'all' || v === 'true' || /second|minute|hour|day|^\d+$/.test(v)) return true;
  return !/week|month|year/.test(v);
}

// ---------------------------------------------------------------- push

const PUSH_SPEC: GitOptionSpec = {
  long: {
    force: 'none', 'force-with-lease': 'optional', 'force-if-includes': 'none', mirror: 'none', delete: 'none', prune: 'none', ...NO_VERIFY,
    all: 'none', branches: 'none', tags: 'none', 'follow-tags': 'none', 'dry-run': 'none', porcelain: 'none', 'set-upstream': 'none', repo: 'required',
    'receive-pack': 'required', exec: 'required', 'push-option': 'required', signed: 'optional', atomic: 'none', thin: 'none', quiet: 'none',
    verbose: 'none', progress: 'none', 'recurse-submodules': 'required', ipv4: 'none', ipv6: 'none',
  },
  short: { f: 'none', d: 'none', n: 'none', u: 'none', q: 'none', v: 'none', o: 'required', 4: 'none', 6: 'none' },
  alias: { f: 'force', d: 'delete', n: 'dry-run', u: 'set-upstream', q: 'quiet', v: 'verbose', o: 'push-option' },
};

function gitPush(call: GitCall, args: Field[], subcommand = 'push'): void {
  const parsed = parseGitArgs(args, PUSH_SPEC);
  if (subcommand === 'send-pack' && isSet(parsed, 'all') && call.rt.ctx.isAgent) deny(call, 'git-push-mirror', 'git send-pack --all pushes every branch without the pre-push hook guard relies on');
  if (isSet(parsed, 'dry-run') && !parsed.unknown) return;
  for (const name of ['receive-pack', 'exec'] as const) {
    const value = valueOf(parsed, name);
    if (value !== undefined) runConfigCommand(call, value, `git push --${name}`);
  }
  if (isSet(parsed, 'no-verify')) agentHooks(call, 'git push --no-verify skips the pre-push hook');
  const positional = [...parsed.operands, ...parsed.pathspecs];
  const refspecs = positional.slice(1);
  if (isSet(parsed, 'mirror')) deny(call, 'git-push-mirror', 'git push --mirror overwrites and deletes every ref on the remote');
  if (isSet(parsed, 'delete')) deny(call, 'git-push-delete', `git push --delete deletes ${refspecs.map((r) => r.display).join(', ') || 'remote refs'} on the remote`);
  if (isSet(parsed, 'prune')) deny(call, 'git-push-prune', 'git push --prune deletes remote refs that have no local counterpart');
  // --force-if-includes alone does nothing (git applies it only with --force-with-lease).
  const force = ['force', 'force-with-lease'].find((name) => isSet(parsed, name));
  if (force === 'force') deny(call, 'git-push-force', 'git push --force rewrites history on the remote');
  else if (force === 'force-with-lease') pushWithLease(call, parsed, positional[0] ?? null, refspecs);
  for (const refspec of refspecs) {
    const value = refspec.value;
    if (value === null) {
      opaque(call, `git push is given the refspec ${refspec.display}, which guard cannot see (it could force or delete)`);
      continue;
    }
    if (value.startsWith('+')) deny(call, 'git-push-force', `git push ${value} force-updates ${value.slice(1).split(':').pop() || value} on the remote`);
    else if (value.startsWith(':') || (value.includes(':') && value.split(':')[0] === '')) deny(call, 'git-push-delete', `git push ${value} deletes ${value.slice(1)} on the remote`);
    if (/(^|:|\+)refs\/(guard\/|\*)/.test(value) || value === 'refs/*:refs/*' || namesGuardRef(value)) deny(call, 'git-push-guard-refs', `git push ${value} sends guard's snapshot refs to the remote`);
  }
  if (parsed.unknown && refspecs.length === 0) opaque(call, 'git push is given an option guard cannot see (it could be --force)');
}

/**
 * `--force-with-lease` without an expected value (bare, or `=<ref>`): git overwrites a remote
 * branch only while it still is where this repository's remote-tracking ref says, so the commits
 * it overwrites are ones this repository has, and guard keeps them (the agent hook keeps the
 * remote-tracking tips after its snapshot, the pre-push hook keeps the remote's tips). That is
 * restorable on branches that are not protected; every other form stays a deny: an expected
 * value written out (`=<ref>:<expect>`, which may be a commit guard never saw), a `+refspec` (no
 * lease), and pushes of many refs at once (`--all`, `--tags`, glob refspecs). Destinations the
 * words do not name (`HEAD`, no refspec: push.default and the upstream decide) are noted as a ref
 * change for the caller to resolve (src/githooks/planned-refs.ts), where a protected one is refused.
 */
function pushWithLease(call: GitCall, parsed: ParsedGitArgs, remoteField: Field | null, refspecs: Field[]): void {
  const lease = valueOf(parsed, 'force-with-lease');
  const refuse = (why: string): void => deny(call, 'git-push-force', `git push --force-with-lease ${why}`);
  if (typeof lease === 'string' && lease.includes(':')) return refuse(`with an expected value (${lease}) may overwrite a commit this repository does not have`);
  if (['all', 'branches', 'tags', 'mirror'].some((name) => isSet(parsed, name))) return refuse('of many refs at once rewrites history on the remote that guard cannot keep');
  const remote = remoteField === null ? null : remoteField.value;
  if (remoteField !== null && remote === null) return refuse(`to ${remoteField.display}, a remote guard cannot see`);
  const destinations: string[] = [];
  for (const refspec of refspecs) {
    const value = refspec.value;
    if (value === null || value.startsWith('+') || value.startsWith(':')) return; // judged by the refspec loop
    const colon = value.indexOf(':');
    const source = colon < 0 ? value : value.slice(0, colon);
    const named = colon < 0 || colon === value.length - 1 ? source : value.slice(colon + 1);
    if (named.includes('*')) return refuse(`of ${value} rewrites every branch the pattern matches`);
    // HEAD (or @) pushed under its own name is the checked-out branch: the caller resolves it.
    const destination = named === 'HEAD' || named === '@' ? 'HEAD' : named.replace(/^refs\/heads\//, '');
    if (destination.startsWith('refs/')) return refuse(`of ${value} rewrites ${destination}, which is not a branch`);
    destinations.push(destination);
  }
  for (const destination of destinations) {
    if (destination === 'HEAD') continue;
    const glob = protectedBranch(destination, call.rt.ctx);
    if (glob) return deny(call, 'git-push-force', `git push --force-with-lease rewrites ${shownEscaped(destination)} on ${remote ?? 'the remote'}, a protected branch (matches "${glob}")`);
  }
  // By text alone (no view of the repository) the checked-out branch and git's push destination are unknown.
  const view = call.rt.ctx.view;
  if (!(view?.collecting || view?.resolved) && (destinations.length === 0 || destinations.includes('HEAD'))) return refuse(`to ${destinations.length === 0 ? "the current branch's push destination" : 'HEAD'}, which only the repository can name (it could be a protected branch)`);
  const shown = destinations.length === 0 ? "the current branch's push destination" : destinations.map((d) => (d === 'HEAD' ? 'the current branch' : d)).join(', ');
  local(call, 'snapshot', 'git-push-lease', `git push --force-with-lease rewrites ${shown} on ${remote ?? 'the remote'}, only while it is where this repository last saw it; guard keeps that tip`);
  noteRef(call, { kind: 'push-lease', remote, destinations: destinations.length === 0 ? null : destinations, how: 'git push --force-with-lease' });
}

// ---------------------------------------------------------------- checkout / switch / branch

function gitCheckout(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: {
      quiet: 'none', force: 'none', ours: 'none', theirs: 'none', merge: 'none', conflict: 'required', patch: 'none', detach: 'none', orphan: 'required',
      'overwrite-ignore': 'none', 'ignore-other-worktrees': 'none', 'recurse-submodules': 'optional', progress: 'none', track: 'optional', guess: 'none',
      'pathspec-from-file': 'required', 'pathspec-file-nul': 'none', overlay: 'none', 'ignore-skip-worktree-bits': 'none',
    },
    short: { q: 'none', f: 'none', m: 'none', p: 'none', b: 'required', B: 'required', l: 'none', t: 'none' },
    alias: { q: 'quiet', f: 'force', m: 'merge', p: 'patch', t: 'track' },
  });
  const reset = valueOf(parsed, 'B');
  if (reset !== undefined) branchMove(call, reset, 'git checkout -B resets');
  if (parsed.unknown) {
    opaque(call, 'git checkout is given an argument guard cannot see (it could be a path whose changes are discarded)');
    return;
  }
  const created = valueOf(parsed, 'b') ?? valueOf(parsed, 'orphan') ?? reset;
  const creates = created !== undefined;
  const operands = parsed.operands.map((o) => o.value as string);
  if (creates && fromGuardRef(call, parsed.operands[0], `git checkout -b ${created ?? ''} creates a branch`)) return;
  // Which branch later commands in the line act on (ref-changes.ts).
  if (!parsed.dashDash && valueOf(parsed, 'pathspec-from-file') === undefined) {
    if (creates) noteRef(call, { kind: 'switch', branch: created, created: true });
    else if (isSet(parsed, 'detach')) noteRef(call, { kind: 'switch', branch: null });
    else if (operands.length === 1) noteRef(call, { kind: 'switch', branch: operands[0] === '-' ? '@{-1}' : (operands[0] as string) });
  }
  checkoutLanding(call, parsed, creates);
  checkoutPaths(call, parsed, creates);
  if (isSet(parsed, 'force')) return discard(call, parsed, 'git-checkout-discard', 'git checkout --force throws local changes away');
  if (isSet(parsed, 'patch')) return discard(call, parsed, 'git-checkout-discard', 'git checkout --patch discards selected changes');
  if (parsed.dashDash && parsed.pathspecs.length > 0) return discard(call, parsed, 'git-checkout-discard', `git checkout -- ${parsed.pathspecs.map((p) => p.display).join(' ')} discards uncommitted changes`);
  if (valueOf(parsed, 'pathspec-from-file') !== undefined) return discard(call, parsed, 'git-checkout-discard', 'git checkout --pathspec-from-file discards uncommitted changes');
  if (creates) {
    if (operands.length > 1) discard(call, parsed, 'git-checkout-discard', 'git checkout with paths discards uncommitted changes');
    return;
  }
  if (operands.length === 0 || (operands.length === 1 && operands[0] === '-')) return;
  // `git checkout X` is a branch switch or, if X is a path, a silent discard of its changes.
  const shown = operands.join(' ');
  // A lone operand is most often a branch, and a branch switch refuses to overwrite a
  // submodule's local changes even when it recurses: only the snapshot is taken.
  if (operands.length === 1) {
    if (namesNoPath(call, parsed)) return;
    // on a machine guard cannot see (`ssh prod 'cd app && git checkout v1.2'`): taken for the branch it most often is (holes6),
    // unless no branch, tag or commit can have its name (`.`, `config.yml`: holes8)
    if (call.rt.ctx.unseenFiles !== undefined) {
      if (!surelyPath(operands[0] as string)) return;
      return discard(call, parsed, 'git-checkout-discard', `git checkout ${shown} discards the uncommitted changes of ${shown} (a path by its name, not a branch or tag)`);
    }
    return local(call, 'snapshot', 'git-checkout-discard', `git checkout ${shown}: if ${shown} is a path, its uncommitted changes are discarded`);
  }
  discard(call, parsed, 'git-checkout-discard', `git checkout ${shown} overwrites those paths`);
}

/**
 * `git checkout [<tree-ish>] [--] <pathspec>` rewriting one of guard's files or a protected path
 * (git-paths.ts): from the index, or from the tree-ish (overlay: what it lacks stays, unless
 * --no-overlay). A lone operand is most often a branch: read as a path only where its text names
 * one of those files or a directory holding one (`git checkout .`). A branch switch (`git
 * checkout main`, `git switch`) is not judged here: it is normal work, and the compiled policy in
 * .git/guard keeps the hook working whatever the branch holds.
 */
function checkoutPaths(call: GitCall, parsed: ParsedGitArgs, creates: boolean): void {
  if (creates || isSet(parsed, 'patch') || valueOf(parsed, 'pathspec-from-file') !== undefined) return;
  const ops = parsed.operands;
  const overlay = !parsed.options.some((o) => o.name === 'overlay' && o.negated);
  const what = (rev: string | null): string => `git checkout${rev === null ? '' : ` ${rev}`} rewrites${overlay ? '' : ' or deletes'}`;
  const rev = (field: Field | undefined): string | null | undefined => (field === undefined ? null : field.value === null || field.value === '' || field.value.startsWith('-') ? undefined : field.value);
  if (parsed.dashDash) {
    if (parsed.pathspecs.length === 0 || ops.length > 1) return;
    const from = rev(ops[0]);
    if (from === undefined) return;
    guardedPaths(call, { words: parsed.pathspecs, recursive: true, what: what(from), instead: RESTORE_OTHERS, diff: { from, cached: false, overlay: from !== null && overlay } });
  } else if (ops.length >= 2) {
    const from = rev(ops[0]);
    if (from === undefined || from === null) return;
    // X may be a path too (git then reads every operand as one, from the index).
    const asPaths = { words: ops, recursive: true, what: what(null), instead: RESTORE_OTHERS, diff: { from: null, cached: false, overlay: false } };
    guardedPaths(call, { words: ops.slice(1), recursive: true, what: what(from), instead: RESTORE_OTHERS, diff: { from, cached: false, overlay }, orElse: asPaths });
  } else if (ops.length === 1 && ops[0]?.value !== '-') {
    guardedPaths(call, { words: ops, recursive: true, textOnly: true, what: what(null), instead: RESTORE_OTHERS, diff: { from: null, cached: false, overlay: false } });
  }
}

/**
 * The tree `git checkout` writes: a new branch's start point, the branch or commit switched to,
 * or `X` in `checkout X -- paths` / `checkout X a b` (where X may also be a path: then git cannot
 * resolve it as a revision and nothing is captured, and the discard verdict stands).
 */
function checkoutLanding(call: GitCall, parsed: ParsedGitArgs, creates: boolean): void {
  if (valueOf(parsed, 'orphan') !== undefined || isSet(parsed, 'patch') || valueOf(parsed, 'pathspec-from-file') !== undefined) return;
  const [rev, ...paths] = parsed.operands;
  if (!rev) return;
  const what = `git checkout ${[...parsed.operands.map((o) => o.display), ...(parsed.dashDash ? ['--', ...parsed.pathspecs.map((p) => p.display)] : [])].join(' ')}`;
  if (creates) {
    if (paths.length === 0 && !parsed.dashDash) landing(call, rev, what);
    return;
  }
  if (parsed.dashDash) {
    if (paths.length === 0) landing(call, rev, what, parsed.pathspecs);
    return;
  }
  landing(call, rev, what, paths);
}

/** Release qualifiers a version tag ends with after a dot (`v1.0.0.rc1`, `5.6.15.Final`, `1.x`): not a file's extension. */
const VERSION_SUFFIX = /^(?:x|alpha\d*|beta\d*|rc\d*|pre\d*|dev\d*|post\d*|m\d+|ga|final|release|snapshot|stable|lts)$/i;

/**
 * `git checkout X` where X can only be a path, judged without the repository (another machine's:
 * holes8). git reads a lone operand as a branch, tag or commit first, a path only when none has
 * that name (builtin/checkout.c parse_branchname_arg); so X is a path where no ref can be named so
 * (git check-ref-format: no component starting with `.` or ending with `.lock`, no `*?[\` or
 * blank, no leading or trailing `/`; `.`, `./x`, `../x`, `/srv/x`, `.env`, `yarn.lock`, `src/`), or
 * where its last component is a file name: a lowercase extension that is not a version's
 * qualifier (`config.yml`, `app/settings.py`, `404.html`; not `v1.2.0`, `release/2.x`,
 * `v1.0.0.rc1`, `5.6.15.Final`), or a build file's name (`Makefile`, `Dockerfile`, `Gemfile`).
 * Left taken for a branch: a name with neither (`src`, `config`, `README`): Known limits.
 */
function surelyPath(operand: string): boolean {
  if (operand === '' || operand === '-' || operand.startsWith('-') || operand.startsWith(':') || operand.includes('@{') || /[~^]/.test(operand)) return false;
  if (operand.startsWith('/') || operand.endsWith('/') || /[*?[\\\s]/.test(operand)) return true;
  const parts = operand.split('/');
  if (parts.some((p) => p.startsWith('.') || p.endsWith('.lock') || p === '')) return true;
  const last = parts[parts.length - 1] as string;
  if (/^[A-Z][a-z]*file$/.test(last)) return true;
  const dot = last.lastIndexOf('.');
  if (dot <= 0) return false;
  const ext = last.slice(dot + 1);
  return /^[a-z][a-z0-9]*$/.test(ext) && !VERSION_SUFFIX.test(ext);
}

/**
 * `git checkout X` (one operand, no --) where nothing named X exists where git runs: whether git
 * reads X as a branch or commit (a switch, which refuses to overwrite local changes) or as a
 * path (which then names no file on disk: a file only the index has is put back, nothing is
 * overwritten), no local change is lost, so no snapshot is needed. Found by the friction hunt:
 * `git checkout main`, among the commands agents run most, took a snapshot every time. Only with a
 * view of the file system (one lstat, no git), only in this repository's own working tree, and
 * only for an operand git cannot read as a wildcard or magic pathspec; with --merge (local changes
 * merged, conflicts written over them) or --recurse-submodules the snapshot stays.
 */
function namesNoPath(call: GitCall, parsed: ParsedGitArgs): boolean {
  const view = call.rt.ctx.view;
  const operand = parsed.operands[0]?.value;
  if (!view || view.mode === 'text' || call.target !== 'same' || !call.byCwd || call.cwd === null || call.workTree || call.gitDir) return false;
  if (typeof operand !== 'string' || operand === '' || /[*?[\]\\]/.test(operand) || operand.startsWith(':') || operand.startsWith('-')) return false;
  if (isSet(parsed, 'merge') || valueOf(parsed, 'conflict') !== undefined || parsed.options.some((o) => o.name === 'recurse-submodules') || call.configs.some((c) => c.key === 'submodule.recurse')) return false;
  const abs = resolvePath(operand, call.cwd);
  if (abs === null || innerRepository(call)) return false;
  // While collecting the lstat is noted; the snapshot verdict stands until the facts say otherwise.
  const facts = view.path(abs, false);
  return facts !== null && !facts.exists;
}

function gitSwitch(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: { create: 'required', 'force-create': 'required', detach: 'none', guess: 'none', 'discard-changes': 'none', force: 'none', merge: 'none', conflict: 'required', quiet: 'none', progress: 'none', track: 'optional', orphan: 'required', 'ignore-other-worktrees': 'none', 'recurse-submodules': 'optional' },
    short: { c: 'required', C: 'required', d: 'none', f: 'none', m: 'none', q: 'none', t: 'none' },
    alias: { c: 'create', C: 'force-create', d: 'detach', f: 'force', m: 'merge', q: 'quiet', t: 'track' },
  });
  const forced = valueOf(parsed, 'force-create');
  if (forced !== undefined) branchMove(call, forced, 'git switch -C resets');
  const created = valueOf(parsed, 'create') ?? forced ?? valueOf(parsed, 'orphan');
  if (created !== undefined && fromGuardRef(call, parsed.operands[0], `git switch -c ${created ?? ''} creates a branch`)) return;
  const target = parsed.operands[0];
  if (created !== undefined) noteRef(call, { kind: 'switch', branch: created, created: true });
  else if (isSet(parsed, 'detach')) noteRef(call, { kind: 'switch', branch: null });
  else if (target) noteRef(call, { kind: 'switch', branch: target.value === '-' ? '@{-1}' : target.value });
  if (isSet(parsed, 'discard-changes') || isSet(parsed, 'force')) discard(call, parsed, 'git-switch-discard', 'git switch --discard-changes throws local changes away');
  // The tree it checks out: the start point of a new branch (none: HEAD, nothing lands), or the target.
  if (valueOf(parsed, 'orphan') === undefined && !parsed.unknown && (created === undefined || target)) landing(call, target, `git switch ${parsed.operands.map((o) => o.display).join(' ')}`);
}

/** How many times --force (-f) counts: git's OPT__FORCE counts up, and --no-force sets it back to none. */
function forceCount(parsed: ParsedGitArgs): number {
  let n = 0;
  for (const option of parsed.options) if (option.name === 'force') n = option.negated ? 0 : n + 1;
  return n;
}

/**
 * `git worktree remove <path>`: git refuses while the worktree holds modified or untracked files
 * (unless --force), but deletes its ignored files without asking, and no snapshot holds those.
 * Regenerable output (node_modules, dist ...: commands.regenerable) is fine to lose; any other
 * ignored file (`.env`, local config) denies, named. With --force, what the worktree holds that is
 * not HEAD's (modified, staged, untracked) goes too, and no snapshot brings a removed worktree
 * back: that denies, named; a locked worktree goes only with --force twice (once, git refuses). A
 * path that is no linked worktree there, or a clean one, loses nothing (git refuses the first).
 * Which worktree goes is read from the repository the command really targets (`-C /elsewhere`,
 * `--git-dir`, `GIT_DIR=`, a submodule: its worktree list, by the bytes of the path), so it is
 * known only with a view of the file system: judged by its text alone, --force denies.
 */
function worktreeRemove(call: GitCall, where: Field | undefined, force: number): void {
  const byText = (): void => {
    if (force > 0) deny(call, 'git-worktree-remove-force', 'git worktree remove --force deletes a worktree with its uncommitted changes');
  };
  if (!where) return byText();
  if (where.value === null) return force > 0 ? byText() : opaque(call, 'git worktree remove is given a path guard cannot see');
  const view = call.rt.ctx.view;
  if (call.target === 'unknown' || call.cwd === null || call.gitDir === null || call.workTree === null) {
    if (force > 0) return byText();
    return opaque(call, 'git worktree remove runs in a repository guard cannot determine, so it cannot tell whose worktree goes with its ignored files');
  }
  if (!view?.resolved && !view?.collecting) return byText();
  const removal = view.worktreeRemoval({ cwd: call.cwd, ...(call.gitDir ? { gitDir: call.gitDir } : {}), ...(call.workTree ? { workTree: call.workTree } : {}), arg: where.value, ...(force > 0 ? { force } : {}), ...(call.target === 'same' ? { keep: true } : {}) });
  // Collecting: the resolved pass decides. Resolved without an answer: git names no linked worktree there and refuses.
  if (!removal) return;
  const whose = call.target === 'same' ? '' : ` (${call.targetDir}, a repository guard does not protect)`;
  const named = (paths: string[]): string => {
    const shown = paths.slice(0, 5).map(shownGitName);
    return `${shown.join(', ')}${paths.length > shown.length ? ` and ${paths.length - shown.length} more` : ''}`;
  };
  // Locked, and --force given less than twice: git refuses ("cannot remove a locked working tree").
  if (removal.locked && force < 2) return;
  if (force > 0) {
    if (removal.changes === null || removal.changes === undefined) {
      return deny(call, 'git-worktree-remove-force', `git worktree remove --force deletes the worktree ${shownEscaped(removal.root)}${whose} with whatever it holds that is not committed, and guard could not list what that is`);
    }
    if (removal.changes.length > 0) {
      return deny(call, 'git-worktree-remove-force', `git worktree remove --force ${where.display} deletes the worktree ${shownEscaped(removal.root)}${whose} with its uncommitted and untracked files, which no snapshot brings back: ${named(removal.changes)}`);
    }
  }
  const lost: string[] = [];
  for (const entry of removal.ignored) {
    if (entry.regenerable) continue;
    // Too many to list: the directory stands for them. An empty list: only regenerable output inside.
    if (entry.files === null) lost.push(entry.path);
    else lost.push(...entry.files.map((f) => f.path));
  }
  if (lost.length > 0) {
    return deny(call, 'git-worktree-remove-ignored', `git worktree remove ${where.display} deletes the ignored files of the worktree ${shownEscaped(removal.root)}${whose}, which no snapshot holds: ${named(lost)}`);
  }
  if (removal.nestedWork) {
    const nested = named([removal.nestedWork.path]);
    return deny(
      call,
      'git-worktree-remove-ignored',
      `git worktree remove ${where.display} deletes the worktree ${shownEscaped(removal.root)}${whose} with the ignored nested git repository ${nested} in its regenerable output, with ${removal.nestedWork.work}: a reinstall does not bring that back, and no snapshot holds another repository's history`,
    );
  }
  keepLeaving(call, `git worktree remove ${where.display} deletes the worktree ${shownEscaped(removal.root)}${removal.gone ? ' (its directory is already gone: its record goes)' : ''}`, removal.leaving ?? []);
}

/**
 * `git worktree prune` deletes the records of the linked worktrees whose directory is gone (and
 * that are not locked), as `git worktree list` marks them prunable: nothing on disk, but their
 * HEADs and per-worktree refs go, and with them the commits only those reach (keepLeaving).
 * `--dry-run` deletes nothing; `--expire` may spare some, kept all the same (keeping more is harmless).
 */
function worktreePrune(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, { long: { 'dry-run': 'none', verbose: 'none', expire: 'required' }, short: { n: 'none', v: 'none' }, alias: { n: 'dry-run', v: 'verbose' } });
  if (isSet(parsed, 'dry-run')) return;
  const view = call.rt.ctx.view;
  // By text alone nothing is known of the worktrees; elsewhere than here, no commit of this repository goes.
  if (call.target === 'other' || !view || view.mode === 'text') return;
  if (call.target === 'unknown' || call.cwd === null || call.gitDir === null || call.workTree === null) {
    return opaque(call, 'git worktree prune runs in a repository guard cannot determine, so it cannot tell which commits go with the worktrees it prunes');
  }
  const pruned = view.worktreePrune({ cwd: call.cwd, ...(call.gitDir ? { gitDir: call.gitDir } : {}), ...(call.workTree ? { workTree: call.workTree } : {}), keep: true });
  if (!pruned || pruned.roots.length === 0) return;
  const roots = pruned.roots.slice(0, 3).map((root) => shownEscaped(root));
  const more = pruned.roots.length > roots.length ? ` and ${pruned.roots.length - roots.length} more` : '';
  keepLeaving(call, `git worktree prune deletes the records of the worktrees ${roots.join(', ')}${more} (their directories are gone)`, pruned.leaving);
}

/**
 * `git worktree add --force <path>` where `<path>` is a registered worktree whose directory is
 * gone: git deletes that worktree's record (HEAD, per-worktree refs) to register the new one (a
 * locked one only with --force twice), so the commits only it held go as with prune
 * (keepLeaving). git finds that worktree by its path only (no suffix match); without --force it
 * refuses. Anywhere else `add` loses nothing.
 */
function worktreeAdd(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: { force: 'none', detach: 'none', checkout: 'none', lock: 'none', reason: 'required', orphan: 'none', track: 'none', 'guess-remote': 'none', quiet: 'none', 'relative-paths': 'none' },
    short: { f: 'none', b: 'required', B: 'required', q: 'none' },
    alias: { f: 'force', q: 'quiet' },
  });
  const force = forceCount(parsed);
  const where = parsed.operands[1];
  const view = call.rt.ctx.view;
  if (force === 0 || !where || call.target === 'other' || !view || view.mode === 'text') return;
  if (where.value === null || call.target === 'unknown' || call.cwd === null || call.gitDir === null || call.workTree === null) {
    return opaque(call, 'git worktree add --force is given a path or a repository guard cannot see, so it cannot tell whether it replaces a worktree whose commits would go');
  }
  const replaced = view.worktreeRemoval({ cwd: call.cwd, ...(call.gitDir ? { gitDir: call.gitDir } : {}), ...(call.workTree ? { workTree: call.workTree } : {}), arg: where.value, keep: true, byPath: true });
  // Only a worktree whose directory is gone is replaced (git refuses an existing one), and a locked one only with --force twice.
  if (!replaced?.gone || (replaced.locked && force < 2)) return;
  keepLeaving(call, `git worktree add --force ${where.display} replaces the record of the worktree ${shownEscaped(replaced.root)}, whose directory is gone`, replaced.leaving ?? []);
}

/**
 * The commits a removed or pruned worktree alone held (its detached HEAD, its refs/bisect/*,
 * refs/worktree/*, refs/rewritten/*): no snapshot of this worktree holds them, so the command runs
 * after a snapshot and guard keeps them in refs/guard/keep/head (StateVerdict.keepCommits), where
 * gc cannot take them and the backup has them. None: nothing to do (a HEAD on a branch is the branch's).
 */
function keepLeaving(call: GitCall, what: string, leaving: LeavingCommit[]): void {
  if (leaving.length === 0 || call.target !== 'same' || innerRepository(call)) return;
  call.rt.ctx.view?.addKeep(leaving);
  const shown = leaving.slice(0, 3).map((c) => `${c.ref === 'HEAD' ? 'the detached HEAD' : c.ref} of ${shownEscaped(c.root)} at ${c.oid}`);
  const more = leaving.length > shown.length ? ` and ${leaving.length - shown.length} more` : '';
  const first = leaving[0]!.oid;
  local(call, 'snapshot', 'git-worktree-commits', `${what}, and with it ${shown.join(', ')}${more}, which no branch or tag reaches; guard keeps ${leaving.length === 1 ? 'that commit' : 'those commits'} in refs/guard/keep/head first: \`git branch rescued ${first}\` or \`git worktree add <path> ${first}\` gets ${leaving.length === 1 ? 'it' : 'one'} back`);
}

/**
 * The command works inside the submodules too: `--recurse-submodules`, `-c submodule.recurse`
 * set true, or, where the command line says neither, `submodule.recurse` true in git's own
 * configuration (the repository's, or the global one) of a repository that has submodules, as
 * the state view reads it. git then discards the submodules' own uncommitted changes as well.
 * 'config' names that last case for the message.
 */
function recursesSubmodules(call: GitCall, parsed: ParsedGitArgs): boolean | 'config' {
  if (parsed.options.some((o) => o.name === 'recurse-submodules')) return isSet(parsed, 'recurse-submodules') && valueOf(parsed, 'recurse-submodules') !== 'no';
  const config = [...call.configs].reverse().find((c) => c.key === 'submodule.recurse');
  if (config !== undefined) return config.value === null || /^(true|yes|on|1)$/i.test(config.value);
  // Aimed elsewhere (or inside a submodule), `local` denies it anyway: nothing to ask.
  if (call.target !== 'same' || innerRepository(call)) return false;
  return call.rt.ctx.view?.submodulesRecursed() === true ? 'config' : false;
}

/**
 * A discard of uncommitted changes: a snapshot first; but what it discards inside submodules
 * (recursing) is in no snapshot, since a snapshot records only a submodule's commit.
 */
function discard(call: GitCall, parsed: ParsedGitArgs, rule: RuleName, reason: string): void {
  const recurses = recursesSubmodules(call, parsed);
  if (recurses) {
    const why = recurses === 'config' ? 'submodule.recurse is true in git\'s configuration, so it recurses into them' : 'it recurses into them';
    const forward = recurses === 'config' ? '; add --no-recurse-submodules to leave the submodules as they are' : '';
    return deny(call, 'other-repository', `${reason}, inside the submodules too (${why}), and a snapshot holds only a submodule's commit, not its files${forward}`);
  }
  local(call, 'snapshot', rule, reason);
}

/** `-h` or `--help` among a subcommand's words: git prints its usage and runs nothing. */
function asksHelp(args: Field[]): boolean {
  return args.some((a) => a.value === '-h' || a.value === '--help');
}

/**
 * The paths a `git reset` sets in the index, as pathspecs for the staged check (null: every
 * entry). Without `--` git itself decides whether a lone operand is a revision or a path: both
 * are covered by every entry; with two or more, the first may be a revision, and as a pathspec
 * it adds at most a file of that name (a superset).
 */
function resetPathspecs(parsed: ParsedGitArgs): Field[] | null {
  if (valueOf(parsed, 'pathspec-from-file') !== undefined) return null;
  const words = parsed.dashDash ? [...parsed.operands.slice(1), ...parsed.pathspecs] : parsed.operands.length >= 2 ? parsed.operands : [];
  return words.length > 0 ? words : null;
}

/**
 * A command that sets index entries to another version or removes them and leaves the files
 * (`git reset [-- <paths>]`, `git read-tree HEAD`, `git rm --cached`, `git restore --staged`): a
 * staged version that is neither HEAD's nor the working tree's (after `git add -p`, or an edit
 * after `git add`) would be lost from the index, so a snapshot first where git lists one among
 * `pathspecs` (null: every entry; src/git/staged-loss.ts: one git process, two where something is staged). Where none is, it runs
 * free: unstaging is everyday work. `gone`: only entries whose file is gone from the working tree
 * count (`git rm --cached` without -f refuses the others itself). By text (no view) or where git
 * cannot say: a snapshot. In a
 * repository guard does not protect (`-C`, GIT_DIR, a submodule) it stays as it was, free: guard
 * can neither look there nor snapshot it, and denying an unstage there would stop everyday work.
 */
function unstage(call: GitCall, what: string, pathspecs: Field[] | null, gone = false, fromHead = false): void {
  if (call.target !== 'same' || call.gitDir || call.workTree) return;
  const view = call.rt.ctx.view;
  const maybe = fromHead ? `${what} would replace, in the index and the file alike, any staged version that is not HEAD's` : `${what} would drop from the index any staged version that is neither HEAD's nor the working tree's`;
  // By text, `git rm --cached` without -f stays free: git refuses a staged version of its own
  // there unless the file is gone from disk, too rare to snapshot every such call for.
  if (!view || !(view.collecting || view.resolved)) return gone ? undefined : local(call, 'snapshot', 'git-unstage', maybe);
  if (!call.byCwd || call.cwd === null || !call.rt.ctx.repoRoot) return;
  const inner = innerRepository(call);
  const words = pathspecs === null || pathspecs.some((p) => p.value === null) ? [] : pathspecs.map((p) => p.value as string);
  const found = view.stagedLoss({ cwd: call.cwd, pathspecs: words, ...(gone ? { gone: true as const } : {}), ...(fromHead ? { fromHead: true as const } : {}) });
  if (view.collecting || inner) return;
  if (found === null) return local(call, 'snapshot', 'git-unstage', `${maybe}, and guard could not ask git whether one is there`);
  if (found.length === 0) return;
  const text = shownGitName;
  const shown = found.slice(0, 5).map(text);
  const more = found.length > shown.length ? ` and ${found.length - shown.length} more` : '';
  local(call, 'snapshot', 'git-unstage', fromHead ? `${what} may replace the staged version of ${shown.join(', ')}${more}, which is not HEAD's, in the index and the file alike` : `${what} drops the staged version of ${shown.join(', ')}${more}, which is neither HEAD's nor the working tree's`);
}

/**
 * An agent's git path command over guard's files or protected paths (git-paths.ts), only in the
 * repository guard protects, where git runs in its own working tree.
 */
function guardedPaths(call: GitCall, ask: Omit<GuardedPathsAsk, 'cwd'>): void {
  if (!call.rt.ctx.isAgent || call.target !== 'same' || !call.byCwd || call.cwd === null || call.gitDir || call.workTree) return;
  const verdict = judgeGuardedPaths({ ...ask, cwd: call.cwd }, call.rt.ctx, call.inv.source, () => innerRepository(call) === null);
  if (verdict) call.rt.report(verdict);
}

const NAME_OTHERS = "Name only the files you mean, leaving guard's files and protected paths out; ask the person to change those.";
const STASH_OTHERS = "Stash everything else and leave guard's file as it is: git stash push -- . ':!{file}' (its entries are what keeps the agent's hooks on); or ask the person to commit guard's entries in {file}.";
const RESTORE_OTHERS = "Name the paths to restore leaving guard's files and protected paths out (git restore -- src, git checkout -- src); ask the person to restore those.";

/** Forcing a branch to a new commit (or overwriting it): protected -> deny, else snapshot. */
function branchMove(call: GitCall, branch: string | null, what: string): void {
  if (branch === null) {
    opaque(call, `${what} a branch guard cannot see`);
    return;
  }
  const glob = protectedBranch(branch, call.rt.ctx);
  if (glob) deny(call, 'git-branch-protected', `${what} ${branch}, a protected branch (matches "${glob}")`);
  else local(call, 'snapshot', 'git-branch-force', `${what} the branch ${branch}`);
}

function gitBranch(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: {
      delete: 'none', force: 'none', move: 'none', copy: 'none', remotes: 'none', all: 'none', list: 'none', verbose: 'none', quiet: 'none', abbrev: 'optional',
      column: 'optional', sort: 'required', merged: 'optional', 'no-merged': 'optional', contains: 'optional', 'no-contains': 'optional', 'points-at': 'required',
      format: 'required', color: 'optional', track: 'optional', 'set-upstream-to': 'required', 'unset-upstream': 'none', 'edit-description': 'none',
      'create-reflog': 'none', 'show-current': 'none', 'ignore-case': 'none', 'omit-empty': 'none', 'recurse-submodules': 'none',
    },
    short: { d: 'none', D: 'none', f: 'none', m: 'none', M: 'none', c: 'none', C: 'none', r: 'none', a: 'none', l: 'none', v: 'none', q: 'none', u: 'required', t: 'none', i: 'none' },
    alias: { d: 'delete', f: 'force', m: 'move', c: 'copy', r: 'remotes', a: 'all', l: 'list', v: 'verbose', q: 'quiet', u: 'set-upstream-to', t: 'track', i: 'ignore-case' },
  });
  const force = isSet(parsed, 'force') || count(parsed, 'D') + count(parsed, 'M') + count(parsed, 'C') > 0;
  const deleting = isSet(parsed, 'delete') || count(parsed, 'D') > 0;
  const moving = isSet(parsed, 'move') || count(parsed, 'M') > 0;
  const copying = isSet(parsed, 'copy') || count(parsed, 'C') > 0;
  const names = parsed.operands;
  const listing = isSet(parsed, 'list') || ['merged', 'no-merged', 'contains', 'no-contains', 'points-at', 'set-upstream-to', 'unset-upstream', 'edit-description', 'show-current'].some((o) => valueOf(parsed, o) !== undefined);
  if (deleting) {
    if (isSet(parsed, 'remotes')) return; // remote-tracking refs come back with the next fetch
    for (const name of names) {
      if (name.value === null) {
        // The names come from the repository (`$(git branch --merged | grep -v main)`, `| xargs git
        // branch -d`): with -D a snapshot holds every branch; the caller, which can list the local
        // branches, refuses where a protected one could be among them (planned-refs.ts).
        const view = call.rt.ctx.view;
        if (call.target === 'same' && (view?.collecting || view?.resolved)) {
          const from = name.display.replace(/^\((xargs .*)\)$/, 'the $1');
          if (force) {
            local(call, 'snapshot', 'git-branch-delete', `git branch -D deletes the branches named by ${from}, merged or not: commits that only an unmerged one holds are then on no branch; the snapshot taken first keeps every branch tip (guard refuses it where a protected branch could be among them)`, 'Nothing to change if you mean it: `guard rollback` brings the branches back, or `git branch NAME SHA` with the SHA git prints for each ("Deleted branch NAME (was SHA)"). To delete only merged branches, use -d: git then keeps any branch with unmerged work.');
          }
          // -d deletes only merged branches (into HEAD, or into their upstream): their commits stay
          // where they were merged, as for a named `git branch -d feature` (free). No snapshot;
          // the protected branches are still checked below (planned-refs.ts).
          noteRef(call, { kind: 'delete-unnamed', how: `git branch ${force ? '-D' : '-d'} ${name.display}`, ...(name.branches ? { lines: name.branches } : {}) });
        } else opaque(call, `git branch ${force ? '-D' : '-d'} deletes a branch guard cannot see`);
        continue;
      }
      const glob = protectedBranch(name.value, call.rt.ctx);
      if (glob) deny(call, 'git-branch-protected', `git branch ${force ? '-D' : '-d'} ${name.value} deletes a protected branch (matches "${glob}")`);
      else if (force) local(call, 'snapshot', 'git-branch-delete', `git branch -D ${name.value} deletes the branch even if it is not merged`);
    }
    return;
  }
  if (moving || copying) {
    const verb = moving ? 'renames' : 'copies';
    if (names.some((n) => n.value === null)) {
      opaque(call, `git branch ${moving ? '-m' : '-c'} is given a branch name guard cannot see`);
      return;
    }
    const [first, second] = names.map((n) => n.value as string);
    if (moving && first !== undefined && second !== undefined) {
      const glob = protectedBranch(first, call.rt.ctx);
      if (glob) return deny(call, 'git-branch-protected', `git branch -m ${first} ${second} renames a protected branch away (matches "${glob}")`);
    }
    const target = second ?? first;
    if (target !== undefined && force) {
      const glob = protectedBranch(target, call.rt.ctx);
      if (glob) return deny(call, 'git-branch-protected', `git branch ${moving ? '-M' : '-C'} overwrites ${target}, a protected branch (matches "${glob}")`);
      return local(call, 'snapshot', 'git-branch-force', `git branch ${moving ? '-M' : '-C'} overwrites ${target} if it exists`);
    }
    if (moving && second === undefined) {
      local(call, 'snapshot', 'git-branch-force', `git branch -m ${first ?? ''} ${verb} the current branch (which may be protected)`);
      noteRef(call, { kind: 'delete', ref: 'HEAD', how: `git branch -m ${first ?? ''} renames it away` });
    }
    return;
  }
  if (listing) return;
  if (names.length >= 2 && fromGuardRef(call, names[1], `git branch ${names[0]?.display ?? ''} creates a branch`)) return;
  if (isSet(parsed, 'force') && names.length > 0) {
    const name = names[0] as Field;
    branchMove(call, name.value, 'git branch -f moves');
  }
}

// ---------------------------------------------------------------- clean / stash / submodule

/**
 * `git sparse-checkout set|add|reapply|init|disable` rewrites the view: git deletes the tracked
 * files that leave it, and in cone mode every directory leaving the cone that holds only ignored
 * files (found on a vite clone: an agent's `set playground` took packages/vite/dist). A snapshot
 * first gives back the view and the tracked and untracked files; the ignored ones are read from
 * the repository and captured into it, or the command is denied (sparse-checkout.ts). `disable`
 * never runs in cone mode. `list` and `check-rules` only read.
 */
/**
 * `git mv -f` renames over what is at its destination (git-mv.ts): an ignored file there is
 * captured first, a tracked or untracked one takes a snapshot first. Without -f, or with -n, git
 * replaces nothing. Where guard does not see the repository git runs in, the text's verdict: a
 * snapshot here, refused elsewhere (local).
 */
function gitMv(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, { long: { verbose: 'none', 'dry-run': 'none', force: 'none', sparse: 'none' }, short: { v: 'none', n: 'none', f: 'none', k: 'none' }, alias: { v: 'verbose', n: 'dry-run', f: 'force' } });
  if (isSet(parsed, 'dry-run')) return;
  const words = [...parsed.operands, ...parsed.pathspecs];
  // Into a symbolic link leading out of the repository (`git mv src/a.js lnk/`): a move out (git-mv.ts).
  if (call.rt.ctx.view && call.target === 'same' && call.byCwd && call.cwd !== null && !call.gitDir && !call.workTree && !innerRepository(call)) {
    for (const verdict of judgeGitMvOut(words, call.cwd, call.rt.ctx, call.inv.source)) call.rt.report(verdict);
  }
  if (words.length < 2) return;
  // Moving a source away deletes it where it was, as `mv` does: a protected path, guard's own
  // files or .git are refused whatever -f says (`git mv db/migrations/001.sql old/` was allowed
  // where `mv` of it is denied).
  if (call.target === 'same' && call.cwd !== null) {
    for (const field of words.slice(0, -1)) {
      const away = checkMoveSource(field, call.cwd, call.rt.ctx, call.inv.source);
      if (away) call.rt.report(away);
    }
    // Where the sources land, for an agent as mv's destination: a protected path is refused.
    for (const verdict of judgeGitMvDest(words, call.cwd, call.rt.ctx, call.inv.source, isSet(parsed, 'force'))) call.rt.report(verdict);
  }
  if (!isSet(parsed, 'force')) return;
  const view = call.rt.ctx.view;
  if (!view || view.mode === 'text' || call.target !== 'same' || !call.byCwd || call.cwd === null || call.gitDir || call.workTree || innerRepository(call)) {
    local(call, 'snapshot', 'git-mv-force', 'git mv -f replaces what stands at its destination');
    return;
  }
  for (const verdict of judgeGitMv(words, call.cwd, call.rt.ctx, call.inv.source)) call.rt.report(verdict);
}

function gitSparseCheckout(call: GitCall, args: Field[]): void {
  const index = args.findIndex((a) => a.value === null || !a.value.startsWith('-'));
  const action = args[index];
  if (!action) return;
  if (action.value === null) return opaque(call, 'git sparse-checkout is given a subcommand guard cannot see');
  if (!SPARSE_WRITES.has(action.value)) return;
  const what = `git sparse-checkout ${action.value}`;
  const view = call.rt.ctx.view;
  if (action.value === 'disable' || !view || view.mode === 'text' || call.target !== 'same' || call.cwd === null || innerRepository(call)) {
    const cone = action.value === 'disable' ? '' : ' and, in cone mode, the directories leaving the cone that hold only ignored files (build output, .env), which guard captures first only where it can read the repository';
    return local(call, 'snapshot', 'git-sparse-checkout', `${what} changes which files are on disk: it deletes the tracked files that leave the view${cone}; guard rollback gives back the view and the tracked and untracked files`);
  }
  const forced = call.configs.some((c) => c.key === 'core.sparsecheckout' || c.key === 'core.sparsecheckoutcone');
  const query = sparseQuery(action.value as 'set' | 'add' | 'reapply' | 'init', args.slice(index + 1), call.cwd, forced);
  if (view.collecting) {
    view.sparseCheckout(query);
    return local(call, 'snapshot', 'git-sparse-checkout', `${what} changes which files are on disk`);
  }
  call.rt.report(judgeSparseCheckout(view.sparseCheckout(query), what, call.rt.ctx, call.inv.source));
}

function gitClean(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: { force: 'none', 'dry-run': 'none', quiet: 'none', interactive: 'none', exclude: 'required' },
    short: { d: 'none', f: 'none', i: 'none', n: 'none', q: 'none', e: 'required', x: 'none', X: 'none' },
    alias: { f: 'force', n: 'dry-run', q: 'quiet', i: 'interactive' },
  });
  if (parsed.unknown) {
    opaque(call, 'git clean is given an option guard cannot see');
    return;
  }
  if (isSet(parsed, 'dry-run')) return;
  // -ff also takes untracked nested repositories: refused where git's dry run lists one, or where guard cannot ask (checkGitClean).
  const nested = count(parsed, 'force') >= 2;
  const view = call.rt.ctx.view;
  if (nested && (!view || view.mode === 'text' || call.target !== 'same' || innerRepository(call) || call.gitDir || call.workTree)) return deny(call, 'git-clean-nested', 'git clean -ff also deletes nested git repositories, which snapshots do not hold');
  // What it takes of the ignored files is judged (and captured) by checkGitClean (targets.ts).
  const ignoring = count(parsed, 'X') > 0 ? '-X' : count(parsed, 'x') > 0 ? '-x' : unignores(parsed) ? "with -e '!...' (which un-ignores files)" : call.configs.some((c) => c.key === 'core.excludesfile') ? 'with core.excludesFile overridden' : null;
  if (call.target !== 'same' || innerRepository(call)) return local(call, 'snapshot', ignoring ? 'git-clean-ignored' : 'git-clean', `git clean${ignoring ? ` ${ignoring}` : ''} deletes untracked files`);
  // -X alone takes only what the standard ignore rules ignore; an -e pattern or another excludes
  // file adds to those rules, so then untracked files may go too.
  const onlyIgnored = count(parsed, 'X') > 0 && count(parsed, 'x') === 0 && !parsed.options.some((o) => o.name === 'e' || o.name === 'exclude') && !call.configs.some((c) => c.key === 'core.excludesfile');
  const clean = dryRunOf(call, parsed) ?? (nested && !unknownPatterns(call, parsed) ? { flags: isSet(parsed, 'd') ? ['-d'] : [], config: [] } : undefined);
  call.rt.report(checkGitClean({ cwd: call.cwd, pathspecs: [...parsed.operands, ...parsed.pathspecs], takesIgnored: ignoring, directories: isSet(parsed, 'd'), onlyIgnored, ...(clean ? { clean } : {}), ...(nested ? { nested: true as const } : {}) }, call.rt.ctx, call.inv.source));
}

/**
 * What git's dry run of this clean needs to list exactly what it deletes (src/git/clean-dry-run.ts):
 * its -d, -x/-X and -e patterns, and a core.excludesFile the line sets. Asked only where the
 * clean may take ignored files or an -e pattern chooses (`git clean -fdx -e .env` keeps .env,
 * which guard captured, and over the capture bound refused the clean for); a plain `git clean -fd`
 * takes no ignored file and is judged by the untracked listing alone, one git process as before.
 * Undefined where a pattern or setting is unknown (every ignored file in scope is captured then).
 */
function dryRunOf(call: GitCall, parsed: ParsedGitArgs): { flags: string[]; config: string[] } | undefined {
  const excludes = parsed.options.filter((o) => o.name === 'e' || o.name === 'exclude');
  const excludesFiles = call.configs.filter((c) => c.key === 'core.excludesfile');
  const ignoring = count(parsed, 'x') > 0 || count(parsed, 'X') > 0;
  if (!ignoring && excludes.length === 0 && excludesFiles.length === 0) return undefined;
  if (excludes.some((o) => o.value === null || o.value === undefined) || excludesFiles.some((c) => c.value === null)) return undefined;
  const flags = [...(isSet(parsed, 'd') ? ['-d'] : []), ...(count(parsed, 'x') > 0 ? ['-x'] : []), ...(count(parsed, 'X') > 0 ? ['-X'] : []), ...excludes.flatMap((o) => ['-e', o.value as string])];
  return { flags, config: excludesFiles.map((c) => `core.excludesFile=${c.value as string}`) };
}

/** An `-e` pattern or a core.excludesFile the dry run cannot be given (dryRunOf leaves those out). */
function unknownPatterns(call: GitCall, parsed: ParsedGitArgs): boolean {
  return parsed.options.some((o) => (o.name === 'e' || o.name === 'exclude') && (o.value === null || o.value === undefined)) || call.configs.some((c) => c.key === 'core.excludesfile' && c.value === null);
}

/** An `-e` pattern that un-ignores files (`!.env`), or one guard cannot see. */
function unignores(parsed: ParsedGitArgs): boolean {
  return parsed.options.some((o) => (o.name === 'e' || o.name === 'exclude') && (o.value === null || (o.value ?? '').startsWith('!')));
}

/**
 * `git stash pop|apply [entry]` writes the files the entry adds to the commit it was made on
 * (a staged new file) over an ignored file there, as a switch does (tree-landing.ts): `entry^1`
 * to `entry`. Its untracked files (`entry^3`) are not looked at: git refuses to write those over
 * a file that exists. Options other than --index/-q, or words guard cannot see: the text's verdict.
 */
function stashLanding(call: GitCall, args: Field[], action: string): void {
  const words = args.filter((a) => a.value !== '--index' && a.value !== '-q' && a.value !== '--quiet');
  if (words.length > 1 || words.some((a) => a.value === null || (a.value as string).startsWith('-'))) return;
  const written = words[0]?.value ?? 'stash@{0}';
  const entry = /^\d+$/.test(written) ? `stash@{${written}}` : written;
  landing(call, entry, `git stash ${action}${words[0] ? ` ${words[0].display}` : ''}`, [], `${entry}^1`);
}

function gitStash(call: GitCall, args: Field[]): void {
  const action = args.find((a) => a.value === null || !a.value.startsWith('-'));
  if (!action || action.value === 'push' || action.value === 'save') return gitStashAll(call, action ? args.slice(args.indexOf(action) + 1) : args, action?.value === 'save');
  if (action.value === null) {
    opaque(call, 'git stash is given a subcommand guard cannot see');
    return;
  }
  if (action.value === 'show') return diffOutput(call, args.slice(args.indexOf(action) + 1), 'stash show');
  if (action.value === 'pop' || action.value === 'apply') return stashLanding(call, args.slice(args.indexOf(action) + 1), action.value);
  if (action.value !== 'drop' && action.value !== 'clear') return;
  const rule = action.value === 'drop' ? 'git-stash-drop' : 'git-stash-clear';
  const what = action.value === 'drop' ? 'git stash drop deletes a stash entry' : 'git stash clear deletes every stash entry';
  if (call.rt.ctx.stashSnapshotted === false) deny(call, rule, `${what}, and guard's snapshots do not hold the stash here`);
  else local(call, 'snapshot', rule, what);
}

/**
 * `git stash push --all` (`-a`, also `save`) takes the ignored files in its scope out of the
 * working tree into the stash. A rollback to the snapshot taken before puts the stash back as it
 * was, without that entry, and no snapshot holds ignored files: they would be gone from view.
 * So it is judged like `git clean -x` over the same scope (checkGitClean): the ignored files that
 * are not regenerable output are captured first, and what no capture can hold is denied.
 *
 * `--include-untracked` (`-u`) takes the untracked files the same way. Snapshots hold those,
 * except the ones larger than snapshot.maxFileSize: such a file then lives only in the stash
 * entry, which a rollback drops (found by the hunt of 2026-12-04), so that one case is denied
 * (checkStashUntracked); everything else stays allowed, as before.
 */
function gitStashAll(call: GitCall, args: Field[], save: boolean): void {
  const parsed = parseGitArgs(args, {
    long: { all: 'none', 'include-untracked': 'none', 'keep-index': 'none', 'no-keep-index': 'none', patch: 'none', staged: 'none', quiet: 'none', message: 'required', 'pathspec-from-file': 'required', 'pathspec-file-nul': 'none' },
    short: { a: 'none', u: 'none', k: 'none', p: 'none', S: 'none', q: 'none', m: 'required' },
    alias: { a: 'all', u: 'include-untracked', k: 'keep-index', p: 'patch', S: 'staged', q: 'quiet', m: 'message' },
  });
  const all = isSet(parsed, 'all');
  // A tracked file guard's agent hooks are written into (ardalis/CleanArchitecture tracks
  // .claude/settings.local.json), guard's entries an uncommitted change of it: the stash would
  // take them into its entry, and guard cannot write them back after it (the next `git stash pop`
  // would then refuse over that file), so it is judged as `git checkout -- .` is (guard-self).
  // What the stash takes out of the working tree: without --keep-index, every change from HEAD,
  // staged or not (`git add -A && git stash` took guard's staged entries and a staged .guard.yaml:
  // the worktree-to-index diff asked before saw nothing); `--keep-index` only what is not staged;
  // `--staged` what is staged (it is reverted from the working tree too); `--patch` any hunk of the
  // change from HEAD. Pathspecs read from a file are not seen: the whole tree is asked.
  if (!parsed.unknown) {
    const fromFile = isSet(parsed, 'pathspec-from-file');
    // `save` takes a message, not pathspecs: the whole working tree.
    const words = save || fromFile ? [] : [...parsed.operands, ...parsed.pathspecs];
    const diff = isSet(parsed, 'staged') ? { from: 'HEAD', cached: true, overlay: false } : !isSet(parsed, 'patch') && stashKeepsIndex(parsed) ? { from: null, cached: false, overlay: false } : { from: 'HEAD', cached: false, overlay: false };
    const root = call.rt.ctx.repoRoot;
    if (words.length > 0) guardedPaths(call, { words, recursive: true, what: 'git stash takes the uncommitted changes of', instead: STASH_OTHERS, diff, ownOnly: true });
    else if (root) guardedPaths({ ...call, cwd: root }, { words: [{ value: '.', display: '.', glob: false, pattern: null, splittable: false }], recursive: true, what: 'git stash takes the uncommitted changes of', instead: STASH_OTHERS, diff, ownOnly: true });
  }
  if (!all && !isSet(parsed, 'include-untracked')) return;
  const what = 'git stash --all takes ignored files out of the working tree';
  if (call.target !== 'same' || innerRepository(call)) return all ? local(call, 'snapshot', 'git-clean-ignored', what) : undefined;
  // Pathspecs it cannot see (or given from a file) narrow nothing: the whole working tree is its
  // scope; `save` takes a message, not pathspecs.
  const known = !save && !parsed.unknown && !isSet(parsed, 'pathspec-from-file');
  const pathspecs = known ? [...parsed.operands, ...parsed.pathspecs] : [];
  // Without a pathspec git stash takes the whole working tree's files, wherever in it it runs
  // (unlike git clean, which keeps to its directory); pathspecs are relative to where it runs.
  const cwd = pathspecs.length === 0 ? (call.rt.ctx.repoRoot ?? call.cwd) : call.cwd;
  if (!all) {
    const verdict = checkStashUntracked({ cwd, pathspecs, takesIgnored: null, label: 'git stash --include-untracked' }, call.rt.ctx, call.inv.source);
    if (verdict) call.rt.report(verdict);
    return;
  }
  call.rt.report(checkGitClean({ cwd, pathspecs, takesIgnored: '(which stashes ignored files too)', directories: true, label: 'git stash --all', stashes: true }, call.rt.ctx, call.inv.source));
}

/** `git stash push -k` (`--keep-index`; the last of it and `--no-keep-index` counts): the staged changes stay in the working tree. */
function stashKeepsIndex(parsed: ParsedGitArgs): boolean {
  let keep = false;
  for (const option of parsed.options) {
    if (option.name === 'keep-index') keep = !option.negated;
    else if (option.name === 'no-keep-index') keep = false;
  }
  return keep;
}

function gitSubmodule(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, { long: { force: 'none', quiet: 'none', all: 'none', recursive: 'none', cached: 'none' }, short: { f: 'none', q: 'none' }, alias: { f: 'force', q: 'quiet' }, stopAtOperand: true });
  const action = parsed.operands[0];
  if (!action) return;
  if (action.value === null) return opaque(call, 'git submodule is given a subcommand guard cannot see');
  const rest = parsed.operands.slice(1);
  if (action.value === 'deinit') {
    const inner = parseGitArgs(rest, { long: { force: 'none', all: 'none', quiet: 'none' }, short: { f: 'none', q: 'none' }, alias: { f: 'force', q: 'quiet' } });
    if (isSet(inner, 'force') || isSet(parsed, 'force')) return deny(call, 'git-submodule-deinit-force', 'git submodule deinit --force deletes submodule working trees with their local changes');
    const specs = [...inner.operands, ...inner.pathspecs];
    if (isSet(inner, 'all') || isSet(parsed, 'all') || inner.unknown || specs.some((a) => a.value === null)) submoduleIgnored(call, 'git submodule deinit', null);
    // No pathspec and no --all: git refuses ("Use '--all' if you really want to deinitialize all submodules").
    else if (specs.length > 0) submoduleIgnored(call, 'git submodule deinit', specs.map((a) => a.value as string));
  } else if (action.value === 'update') {
    // --force checks the recorded commit out over the submodules' local changes; only the
    // submodule's own option counts (`git submodule --force` is not a thing git does before it).
    if (rest.some((a) => a.value === null)) return opaque(call, 'git submodule update is given an argument guard cannot see');
    const end = rest.findIndex((a) => a.value === '--');
    const options = end < 0 ? rest : rest.slice(0, end);
    if (options.some((a) => a.value === '--force' || /^-[a-zA-Z]*f[a-zA-Z]*$/.test(a.value as string)) || isSet(parsed, 'force')) submoduleUpdateForce(call, options, end < 0 ? [] : rest.slice(end + 1));
  } else if (action.value === 'foreach') {
    const commandWords = rest.filter((a) => a.value !== '--recursive' && a.value !== '-q' && a.value !== '--quiet');
    if (commandWords.length === 0) return;
    const words = commandWords.map((w) => w.value);
    if (words.some((w) => w === null)) return opaque(call, 'git submodule foreach runs a command guard cannot see');
    // Each submodule is a repository of its own, which guard does not snapshot.
    const ctx = { ...call.rt.ctx, repoRoot: null, gitDir: null, commonDir: null, foreachIn: call.rt.ctx.foreachIn ?? call.rt.ctx.repoRoot ?? call.cwd ?? '?' };
    call.rt.shell(words.join(' '), { cwd: call.cwd, env: call.inv.env, ctx }, call.inv.source);
  }
}

// ---------------------------------------------------------------- config

function gitConfig(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: {
      global: 'none', system: 'none', local: 'none', worktree: 'none', file: 'required', blob: 'required', add: 'none', 'replace-all': 'none', get: 'none',
      'get-all': 'none', 'get-regexp': 'none', 'get-urlmatch': 'none', unset: 'none', 'unset-all': 'none', 'rename-section': 'none', 'remove-section': 'none',
      list: 'none', type: 'required', bool: 'none', int: 'none', path: 'none', edit: 'none', null: 'none', 'name-only': 'none', 'show-origin': 'none',
      'show-scope': 'none', default: 'required', 'fixed-value': 'none', comment: 'required', includes: 'none', value: 'required', all: 'none', regexp: 'none', 'get-color': 'none', 'get-colorbool': 'none',
    },
    short: { f: 'required', l: 'none', e: 'none', z: 'none' },
    alias: { f: 'file', l: 'list', e: 'edit', z: 'null' },
  });
  const operands = parsed.operands;
  const reads = ['get', 'get-all', 'get-regexp', 'get-urlmatch', 'list', 'get-color', 'get-colorbool', 'edit', 'rename-section', 'remove-section'].some((o) => isSet(parsed, o));
  let key: Field | undefined;
  let value: Field | undefined;
  let unset = isSet(parsed, 'unset') || isSet(parsed, 'unset-all');
  const first = operands[0]?.value;
  // A remote's settings, in the repository's own config (remote-config.ts records them): a snapshot first.
  const ownConfig = !['global', 'system', 'file', 'blob'].some((o) => isSet(parsed, o));
  const sectionEdit = isSet(parsed, 'rename-section') || isSet(parsed, 'remove-section') || first === 'rename-section' || first === 'remove-section';
  if (ownConfig && (sectionEdit || !reads)) {
    const section = sectionEdit && (first === 'rename-section' || first === 'remove-section') ? operands[1] : operands[first === 'set' || first === 'unset' ? 1 : 0];
    const writes = sectionEdit || unset || first === 'unset' || (first === 'set' ? operands[2] !== undefined : operands[1] !== undefined);
    // (A key guard cannot see is judged below, as any such write.)
    if (writes && section && section.value !== null && /^remote\./i.test(section.value)) {
      local(call, 'snapshot', 'git-remote-change', `git config changes ${section.display}, a remote's setting`);
    }
  }
  if (first !== undefined && first !== null && ['get', 'set', 'unset', 'list', 'edit', 'rename-section', 'remove-section'].includes(first)) {
    if (first !== 'set' && first !== 'unset') return;
    key = operands[1];
    value = operands[2];
    unset = first === 'unset';
  } else {
    if (reads) return;
    key = operands[0];
    value = operands[1];
    if (!unset && value === undefined) return; // a read
  }
  if (!key) return;
  if (key.value === null) return opaque(call, 'git config writes a key guard cannot see');
  const lower = key.value.toLowerCase();
  if (lower === 'core.hookspath') return agentHooks(call, `git config ${unset ? '--unset ' : ''}core.hooksPath changes which hooks git runs`);
  if (unset) return;
  const text = value?.value ?? null;
  if (RECOVERY_CONFIG.test(lower)) {
    if (lower === 'core.logallrefupdates' ? text !== null && /^(false|no|off|0)$/i.test(text) : isShortExpiry(text)) {
      return deny(call, 'git-config-recovery', `git config ${key.value} ${text ?? '…'} weakens reflogs or pruning grace periods`);
    }
    return;
  }
  checkConfigValue(call, lower, text, 'git config');
}

// ---------------------------------------------------------------- update-ref

function gitUpdateRef(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, { long: { stdin: 'none', 'no-deref': 'none', 'create-reflog': 'none' }, short: { d: 'none', m: 'required', z: 'none' } });
  if (isSet(parsed, 'stdin')) {
    const stdin = call.inv.stdin;
    if (stdin.kind !== 'text' || stdin.text === null) return opaque(call, 'git update-ref --stdin reads ref updates guard cannot see');
    for (const line of stdin.text.split('\n')) {
      const [verb, ref] = line.trim().split(/\s+/);
      if (!verb || !ref || !['update', 'create', 'delete', 'verify', 'symref-update', 'symref-delete'].includes(verb) || verb === 'verify') continue;
      // Creating a ref that is not there yet takes nothing away (git refuses when it exists).
      if (verb === 'create' && !ref.startsWith('refs/guard/') && ref !== 'refs/guard') continue;
      checkRef(call, ref, verb === 'delete' || verb === 'symref-delete');
    }
    return;
  }
  const ref = parsed.operands[0];
  if (!ref) return;
  if (ref.value === null) return opaque(call, 'git update-ref changes a ref guard cannot see');
  const deleting = count(parsed, 'd') > 0;
  if (!deleting && fromGuardRef(call, parsed.operands[1], `git update-ref ${ref.value} sets a ref`)) return;
  checkRef(call, ref.value, deleting);
  if (ref.value === 'HEAD' && !isSet(parsed, 'no-deref')) {
    const to = parsed.operands[1];
    if (deleting) noteRef(call, { kind: 'delete', ref: 'HEAD', how: 'git update-ref -d HEAD' });
    else if (to) noteRef(call, { kind: 'move', ref: 'HEAD', to: to.value, how: `git update-ref HEAD ${to.display}` });
  }
}

/**
 * `git replace`: its refs (refs/replace/*) are in no snapshot. Creating one takes nothing away (git
 * refuses when the object already has a replacement); deleting one (`-d`), or overwriting one with
 * `-f`, could not be undone by a rollback.
 */
function gitReplace(call: GitCall, args: Field[]): void {
  const parsed = parseGitArgs(args, {
    long: { delete: 'none', force: 'none', edit: 'none', graft: 'none', 'convert-graft-file': 'none', list: 'none', format: 'required', raw: 'none' },
    short: { d: 'none', f: 'none', e: 'none', g: 'none', l: 'none' },
    alias: { d: 'delete', f: 'force', e: 'edit', g: 'graft', l: 'list' },
  });
  if (isSet(parsed, 'list') || parsed.operands.length === 0) return;
  const objects = parsed.operands.map((o) => o.display).join(' ');
  if (isSet(parsed, 'delete')) {
    return deny(call, 'git-update-ref-unkept', `git replace -d ${objects} deletes the replace refs (refs/replace/*) of those objects, which no snapshot holds`);
  }
  if (isSet(parsed, 'force')) {
    const first = parsed.operands[0]?.display ?? '';
    return deny(call, 'git-update-ref-unkept', `git replace -f ${objects} overwrites the replace ref of ${first} (refs/replace/*) if it has one, which no snapshot holds; without -f git makes a new one and refuses to overwrite`);
  }
}

function checkRef(call: GitCall, ref: string, deleting: boolean): void {
  const verb = deleting ? 'deletes' : 'moves';
  if (ref.startsWith('refs/guard/') || ref === 'refs/guard') {
    return deny(call, 'guard-self', `git update-ref ${verb} ${ref}, one of guard's snapshot refs`);
  }
  if (ref.startsWith('refs/heads/')) {
    const glob = protectedBranch(ref, call.rt.ctx);
    if (glob) return deny(call, 'git-branch-protected', `git update-ref ${verb} ${ref}, a protected branch (matches "${glob}")`);
  }
  // A snapshot holds branches, tags, notes refs (since 2026-12-07) and the stash (and a fetch
  // brings remote-tracking refs back); a replace or other ref it does not hold, so "restorable"
  // would be a false promise.
  if (ref.startsWith('refs/') && !/^refs\/(heads|tags|remotes|notes)\//.test(ref) && ref !== 'refs/stash') {
    return deny(call, 'git-update-ref-unkept', `git update-ref ${verb} ${ref}, a ref no snapshot holds (snapshots keep branches, tags, notes refs and the stash)`);
  }
  local(call, 'snapshot', 'git-update-ref', `git update-ref ${verb} ${ref}`);
}

