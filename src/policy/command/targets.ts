/**
 * Verdicts for the paths a command deletes or writes. This is where the recoverability axis
 * meets the filesystem: inside the repository (not `.git`) guard's snapshot brings files back,
 * so deleting them is a snapshot; `/`, the home directory, the repository itself, `.git` and
 * everything outside the repository cannot be brought back, so deleting them is denied. Writes
 * are only refused where they switch protection off or destroy what cannot be rebuilt: `.git`,
 * block devices, guard's own files and protected paths (the last two for agents).
 */
import { escapedText, shownEscaped, shownGitName } from '../../util/escaped-text.js';
import path from 'node:path';
import type { Field } from './expand.js';
import {
  classifyPath,
  containsGuardFiles,
  displayPath,
  globMatch,
  guardFile,
  isDevice,
  isDrivePath,
  isEditableGitFile,
  isGitDirPath,
  isIgnoreRulesFile,
  isStrictlyUnder,
  isUnder,
  globScan,
  protectedBelow,
  protectedGlob,
  resolvePath,
  scratchDir,
} from './paths.js';
import { makeVerdict, opaqueKind, unrecoverableKind } from './rules.js';
import type { FindQuery, PathFacts, RepoContents, IgnoredEntry } from './state.js';
import type { CommandContext, Verdict } from './types.js';
import { checkListedDelete } from './listings.js';

/** Basenames of files git keeps in `.git`, to judge whether a name filter could reach them. */
export const GIT_INTERNAL_NAMES = [
  'HEAD', 'ORIG_HEAD', 'FETCH_HEAD', 'MERGE_HEAD', 'config', 'description', 'index', 'packed-refs', 'COMMIT_EDITMSG',
  'index.lock', 'HEAD.lock', 'exclude', 'pre-commit', 'pre-push', 'reference-transaction', 'pre-commit.sample',
  'main', 'master', 'head', 'pack-0123abcd.pack', 'pack-0123abcd.idx', 'pack-0123abcd.rev', '0123456789abcdef0123456789abcdef01234567', '01',
  'refs', 'objects', 'logs', 'hooks', 'info', 'pack', 'heads', 'tags', 'remotes', 'guard', 'worktrees', 'modules', 'journal.jsonl', 'policy.json',
];

export interface DeleteOptions {
  recursive: boolean;
  /** "deletes", "truncates", "overwrites" ... for the reason text. */
  verb: string;
  /**
   * The operation goes through a symlink at the path itself (truncate, shred, a path written
   * with a trailing slash: `rm -r lnk/` empties the link's target). Otherwise only the link
   * itself is removed, and only the symlinks of its parent directories count.
   */
  follow?: boolean;
  /**
   * Where what goes is said to go, in place of "inside the repository" (a move out of it:
   * ", out of the repository (to ../x)").
   */
  where?: string;
  /**
   * An untracked file over snapshot.maxFileSize is no reason to refuse: it goes with the command
   * (a move out of the repository), which is what that refusal advises.
   */
  keepsLarge?: boolean;
  /**
   * A move inside the repository: the files go along, so only the ignored ones that are not
   * regenerable output count. No snapshot holds them, and once moved a rollback does not bring
   * them back (`mv .env .env.bak`: .env.bak is an untracked file the newest snapshot lacks, which
   * the rollback removes): they are captured into a snapshot first. Anything else moved stays
   * allowed; judged by text alone (no listing), the move is allowed as before.
   */
  withinRepo?: boolean;
  /**
   * The install that deletes the directory before it installs (`npm ci` deletes node_modules):
   * a nested repository with work of its own there is refused saying so, and the way forward is
   * that install's, not a deletion's.
   */
  installs?: string;
}

/** Nothing to judge yet: the path was noted for the resolved pass (state.ts). */
function noted(source: string): Verdict {
  return makeVerdict('allow', 'no-risk', 'judged once guard has looked at the file system', source);
}

/** How a write treats what is already there. */
export interface WriteOptions {
  /** It only appends (`>>`): the old content stays, so an ignored file there needs no capture. */
  append?: boolean;
  /**
   * Only the refusals read from the path's text (.git, a device, and for an agent guard's files
   * and protected paths): nothing is looked up, so no git process. `git mv`'s destinations, where
   * git itself refuses to replace what exists without -f (and git-mv.ts judges -f's landings).
   */
  textOnly?: boolean;
  /**
   * An edit in place (`sed -i`): it changes part of the file rather than replacing it, as the
   * agents' file tools do. Outside the repository it stays allowed (replacesOutside).
   */
  edits?: boolean;
  /** The old file stays where it was or beside it (`cp -n`, `mv --backup`, `ln` without -f): nothing is lost. */
  keepsOld?: boolean;
}

export function checkWriteTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, what: string, options: WriteOptions = {}): Verdict | null {
  // `find ... -exec sed -i ... {} +`: `{}` is whatever the find selects, judged by git's listing of it.
  if (field.found?.kind === 'find' && options.append !== true) {
    const edit = checkFoundEdit(field.found.query, what, ctx, source);
    if (edit !== undefined) return edit;
  }
  // In a script file, recipe or package script guard read (CommandContext.inRecipe), a path the
  // build computes at run time (`wget -O "$TMP_DOWNLOAD_DIR/$name"` in Maven's mvnw) is the build's
  // own output, as its unknown programs are: a snapshot first, so what it overwrites in the
  // repository can be rolled back. Typed by the agent, such a path stays refused.
  if ((field.value === null || field.glob) && ctx.inRecipe === true) {
    return makeVerdict('snapshot', 'script-unknown-write', `${what}, a path the script computes when it runs`, source);
  }
  if (field.value === null || field.glob) {
    return makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', `${what}, a path guard cannot know before the command runs`, source);
  }
  const abs = resolvePath(field.value, cwd);
  if (abs === null) {
    return makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', `${what} in a directory guard cannot determine`, source);
  }
  return checkWriteAbs(abs, ctx, source, what, options);
}

export function checkWriteAbs(abs: string, ctx: CommandContext, source: string, what: string, options: WriteOptions = {}): Verdict | null {
  if (isIgnoreRulesFile(abs, ctx) && ctx.view) ctx.view.ignoreRulesChanged = true;
  const byText = checkWriteText(abs, ctx, source, what);
  if (!byText) {
    const unseen = replacesUnseen(abs, ctx, source, what, options);
    if (unseen) return unseen;
  }
  // The null device takes any write and keeps nothing: nothing to ask git (`cmd > /dev/null`
  // asked a path fact, so no allow holding one was kept for the agent hook's shim: gradlew).
  if (byText || !ctx.view || options.textOnly === true || abs === '/dev/null') return byText;
  // An overwrite needs what lies there (is it an ignored file?); an append only where it leads.
  const overwrites = options.append !== true;
  if (ctx.view.collecting && !ctx.view.isPlaceholder(abs)) {
    ctx.view.path(abs, overwrites);
    return null;
  }
  const facts = ctx.view.path(abs, overwrites);
  if (!facts) return null;
  if (facts.followed !== abs) {
    // A write goes where the symlinks lead: judge that place too.
    const there = checkWriteText(facts.followed, ctx, source, `${what} (${facts.caseFolded && !facts.isSymlink ? 'spelled on disk' : 'through a symbolic link'}, ${facts.followed})`);
    if (there) return there;
    if (facts.followedExists && leavesRepository(abs, facts.followed, ctx)) {
      return makeVerdict('deny', 'rm-outside-repo', `${what}: ${displayPath(abs, ctx)} is ${facts.followed} through a symbolic link, outside the repository, where guard cannot restore it`, source);
    }
  }
  if (!overwrites) return null;
  if (options.edits !== true && options.keepsOld !== true) {
    const outside = replacesOutside(facts, ctx, source, what);
    if (outside) return outside;
  }
  return overwritesIgnored(facts, ctx, source, what);
}

/** What to do instead of replacing a file outside the repository. */
const REPLACES_OUTSIDE_INSTEAD =
  'Ask the person to replace files outside the repository: guard cannot restore them. To add lines, append (`>>`, `tee -a`); to produce output, write a new file, or keep it inside the repository or the temp directory.';

/**
 * A write that replaces an existing file outside the repository (`echo x > ~/.bashrc`, `cp a
 * ~/.ssh/id_ed25519`, `curl -o ~/.npmrc`): its old bytes are in no snapshot, as a deleted one's
 * are, and `rm ~/.bashrc` has been refused since the start (rm-outside-repo). Until 2026-12-06 only
 * a write through a symbolic link in the repository was. The temp directory stays scratch space,
 * /proc and /sys hold no data, and a file that does not exist yet loses nothing. Only where guard
 * protects a repository: outside every one, each overwrite would be refused.
 */
function replacesOutside(facts: PathFacts, ctx: CommandContext, source: string, what: string): Verdict | null {
  if (!ctx.repoRoot || !facts.followedExists || facts.followedIsDir) return null;
  const target = facts.followed;
  if (classifyPath(target, ctx).kind !== 'outside' || scratchDir(target, ctx) !== null || /^\/(proc|sys)\//.test(target)) return null;
  const shown = displayPath(target, ctx);
  return makeVerdict('deny', 'rm-outside-repo', `${what}${what.includes(shown) ? '' : ` (${shown})`}, an existing file outside the repository: its content would be replaced, and guard cannot restore it`, source, REPLACES_OUTSIDE_INSTEAD);
}

/**
 * A write that would replace a file in a file system guard cannot look at (a pod's:
 * CommandContext.unseenFiles): whether one is there is unknown, and guard could not restore it,
 * so it is judged as replacing one. An append, an edit in place, `cp -n`, the scratch
 * directories and the character devices (`/dev/null`, `/dev/stdout`), /proc and /sys lose nothing.
 */
function replacesUnseen(abs: string, ctx: CommandContext, source: string, what: string, options: WriteOptions): Verdict | null {
  const root = ctx.unseenFiles;
  if (!root || !isStrictlyUnder(abs, root) || options.append === true || options.edits === true || options.keepsOld === true) return null;
  const inside = abs.slice(root.length);
  // a scratch directory itself (`ssh h cp a /tmp/`): the file lands in it (holes6; it was refused as replacing /tmp)
  if (scratchDir(abs, ctx) !== null || ctx.scratchDirs?.includes(abs.replace(/(.)\/$/, '$1')) === true || /^\/(proc|sys)\//.test(inside) || /^\/dev\/(null|zero|full|u?random|stdout|stderr|stdin|tty|fd\/\d+)$/.test(inside)) return null;
  return makeVerdict('deny', 'rm-outside-repo', `${what}${what.includes(inside) ? '' : ` (${inside})`}, replacing the file there if there is one, outside the repository, where guard can neither look nor restore it`, source, REPLACES_OUTSIDE_INSTEAD);
}

/**
 * A write that replaces an ignored file which is not regenerable output (`cp .env.example
 * .env.local`, `echo KEY= > .env.local`, `sed -i`, an agent's file tool): no snapshot holds
 * ignored files, and the watcher does not see them, so the old bytes would be gone for good.
 * The snapshot taken first captures the file, as for a deletion. A tracked or untracked file
 * needs nothing: every snapshot holds it. Reads only git's ignored listing of the target.
 */
function overwritesIgnored(facts: PathFacts, ctx: CommandContext, source: string, what: string): Verdict | null {
  if (!facts.followedExists || facts.followedIsDir) return null;
  if (ctx.buildOutputs?.has(facts.followed) && !facts.isSymlink) return null;
  return replacesIgnored(facts.followedContents, ctx, source, what);
}

/**
 * The ignored files (not regenerable output) in `contents` that a write or a rename replaces:
 * captured into the snapshot taken first (overwrite-ignored); null when there are none.
 */
export function replacesIgnored(contents: RepoContents | null, ctx: CommandContext, source: string, what: string): Verdict | null {
  const captured = (contents?.ignored ?? []).filter((entry) => !entry.regenerable);
  const files = captured.flatMap((entry) => entry.files ?? []);
  if (files.length === 0) return null;
  ctx.view?.addCapture(captured);
  return makeVerdict('snapshot', 'overwrite-ignored', `${what}, which replaces the ignored ${listNames(files.map((f) => shown(f.path)))} (no snapshot holds ignored files); guard captures ${files.length > 1 ? 'them' : 'it'} into the snapshot first`, source);
}

export function checkWriteText(abs: string, ctx: CommandContext, source: string, what: string): Verdict | null {
  if (isGitDirPath(abs, ctx) && !isEditableGitFile(abs, ctx)) {
    return makeVerdict('deny', 'git-dir-write', `${what}: ${displayPath(abs, ctx)} is inside the git directory`, source);
  }
  if (isDevice(abs)) return makeVerdict('deny', 'device-write', `${what}: ${abs} is a device`, source);
  if (ctx.isAgent) {
    const own = guardFile(abs, ctx);
    if (own) return makeVerdict('deny', 'guard-self', `${what}: ${own} configures guard or an agent's hooks`, source);
    const rel = relativeInRepo(abs, ctx);
    const glob = rel === null ? null : protectedGlob(rel, ctx);
    if (rel !== null && glob) return makeVerdict('deny', 'protected-path', `${what}: ${rel} is a protected path (matches "${glob}")`, source);
  }
  return null;
}

/** `written` reads as a path in the repository, but `real` (where symlinks lead) is not in it. */
export function leavesRepository(written: string, real: string, ctx: CommandContext): boolean {
  if (!ctx.repoRoot) return false;
  const before = classifyPath(written, ctx).kind;
  const after = classifyPath(real, ctx).kind;
  return (before === 'inside' || before === 'repo-root') && after !== 'inside' && after !== 'repo-root';
}

function relativeInRepo(abs: string, ctx: CommandContext): string | null {
  return ctx.repoRoot && isStrictlyUnder(abs, ctx.repoRoot) ? abs.slice(ctx.repoRoot.length + 1) : null;
}

/**
 * A tool's own cache location asked of the tool (`rm -rf $(go env GOCACHE)`, `"$(cargo metadata
 * ... | jq -r .target_directory)"`, `$(pip cache dir)`): the path is unknown, but the tool's own
 * clean command empties it, and guard lets that run. Undefined: the rule's general advice.
 */
const CACHE_CLEANS: ReadonlyArray<[RegExp, string]> = [
  [/\bgo\s+env\s+GOCACHE\b/, 'go clean -cache'],
  [/\bgo\s+env\s+GOMODCACHE\b/, 'go clean -modcache'],
  [/\bcargo\s+metadata\b/, 'cargo clean'],
  [/\bpip3?\s+cache\s+dir\b/, 'pip cache purge'],
  [/\buv\s+cache\s+dir\b/, 'uv cache clean'],
  [/\bnpm\s+config\s+get\s+cache\b/, 'npm cache clean --force'],
  [/\byarn\s+cache\s+dir\b/, 'yarn cache clean'],
  // pub's cache from the environment (`rm -rf $PUB_CACHE`, holes8): pub's own clean empties the same directory
  [/^"?\$\{?PUB_CACHE\}?"?$/, 'dart pub cache clean -f'],
];

function cacheCleanInstead(display: string): string | undefined {
  const hit = CACHE_CLEANS.find(([pattern]) => pattern.test(display));
  return hit ? `Run \`${hit[1]}\` instead: it empties the same directory, and guard lets it run. Or write the paths out literally so guard can check them.` : undefined;
}

/** The verdict for deleting (or truncating, shredding) one operand. */
export function checkDeleteTarget(field: Field, cwd: string | null, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  if (field.found?.kind === 'subtree') {
    // `{}/..`, `{}/../x`: the operand may name anything under this directory, whatever -r says.
    return checkDeleteAbs(field.found.abs, ctx, source, { ...options, recursive: true, verb: `${options.verb} ${field.display}, which may name anything under` });
  }
  if (field.found?.kind === 'find' && field.found.superset !== true) {
    const verdict = checkFound(field.found.query, field.display, ctx, source, options);
    if (verdict) return verdict;
  }
  // `find . -name '*.tmp' | xargs rm -f`: the names a listing prints, judged as deleting its set.
  if (field.value === null && field.listed) {
    const listed = checkListedDelete(field.listed, cwd, field.display, ctx, source, options);
    if (listed === null) return noted(source);
    if (listed !== undefined) return listed;
  }
  if (field.value === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${field.display}, a path guard cannot know before the command runs`, source, cacheCleanInstead(field.display));
  }
  if (field.glob && field.pattern !== null) return checkDeleteGlob(field.pattern, field.display, cwd, ctx, source, options);
  // `rm -rf ""` (jq's tests/setup: `clean() { ... rm -rf "$d"; }` defined while d is empty):
  // an empty name is no file, the command deletes nothing ("No such file or directory").
  if (field.value === '') return makeVerdict('allow', 'no-risk', `${options.verb} ${field.display}, an empty name, which names no file`, source);
  const abs = resolvePath(field.value, cwd);
  if (abs === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${field.display} in a directory guard cannot determine`, source);
  }
  // `rm -r lnk/` (and `lnk/.`) goes through the link: the target directory's contents go.
  const follow = options.follow === true || /\/\.?$/.test(field.value);
  return checkDeleteAbs(abs, ctx, source, { ...options, follow });
}

export function checkDeleteAbs(abs: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const verdict = deleteVerdict(abs, ctx, source, options);
  return verdict.verdict === 'allow' ? (movedThereFirst(abs, ctx, source, options.verb) ?? verdict) : verdict;
}

/**
 * A deletion of a path an earlier `mv` of the same line moved files to (StateView.movedInto):
 * judged before the line runs, the path held nothing worth keeping (it did not exist, or it was
 * regenerable output), but by the time the deletion runs it holds what was moved there:
 * `mv notes.txt tmp.txt && rm tmp.txt`, `mv notes.txt node_modules/ && rm -rf node_modules` lost
 * the untracked notes.txt with no snapshot (found by the lead's review, 2026-12-07). A snapshot
 * first holds the files where they were. Inside the repository only: a move out of it is
 * snapshotted by itself (checkMoveSource).
 */
function movedThereFirst(abs: string, ctx: CommandContext, source: string, verb: string): Verdict | null {
  const moved = ctx.view?.movedInto;
  if (!moved || moved.size === 0 || !ctx.repoRoot) return null;
  for (const to of moved) {
    if (!isUnder(to, ctx.repoRoot) || !(isUnder(to, abs) || isUnder(abs, to))) continue;
    return makeVerdict('snapshot', 'rm-in-repo', `${verb} ${displayPath(abs, ctx)}, where an earlier mv of the line moves files (to ${displayPath(to, ctx)}); guard snapshots first, which holds them where they were`, source);
  }
  return null;
}

function deleteVerdict(abs: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const inVolume = deletesInVolume(abs, ctx, source, options.verb);
  if (inVolume) return inVolume;
  if (isIgnoreRulesFile(abs, ctx) && ctx.view) ctx.view.ignoreRulesChanged = true;
  const view = ctx.view;
  if (view?.collecting && !view.isPlaceholder(abs)) {
    view.path(abs, true);
    return noted(source);
  }
  const facts = view?.resolved ? view.path(abs, true) : null;
  if (facts) return checkDeleteWithFacts(abs, facts, ctx, source, options);
  return checkDeleteByText(abs, ctx, source, options);
}

/**
 * A deletion at or under a container's named volume (CommandContext.volumes): the volume's data,
 * which no snapshot holds; refused for an agent and asked of a person, as `docker volume rm`.
 */
function deletesInVolume(abs: string, ctx: CommandContext, source: string, verb: string, display?: string): Verdict | null {
  const volume = ctx.volumes?.find((v) => abs === v.root || abs.startsWith(`${v.root}/`));
  if (!volume) return null;
  const inContainer = `${volume.target}${abs.slice(volume.root.length)}`;
  // a volume for regenerable output (`node_modules:/app/node_modules`, a `.cache`, a volume named
  // as a cache: `gen-cache`, `go-build-cache`): an install or a build fills it again
  const names = (ctx.regenerable ?? []).filter((p) => !p.includes('/'));
  const regenerable = (segment: string): boolean => segment !== '' && names.some((p) => globMatch(p, segment, { dot: true }));
  if (inContainer.split('/').some(regenerable) || regenerable(volume.name) || /(^|[-_.])cache([-_.]|$)/i.test(volume.name)) return makeVerdict('allow', 'no-risk', `${verb} ${inContainer}, regenerable output in the volume ${volume.name}`, source);
  const shown = display === undefined ? inContainer : display.split(volume.root).join(volume.target);
  return makeVerdict(
    unrecoverableKind(ctx.isAgent),
    'container-volume-delete',
    `${verb} ${shown}, in the volume ${volume.name} (a database's data, most often), outside the repository, where no snapshot holds it`,
    source,
    `Save the volume first (\`docker run --rm -v ${volume.name}:/v -v "$PWD":/b alpine tar czf /b/${volume.name}.tgz -C /v .\`), then ask the person to run it; to empty a database, use its own tools against a test database.`,
  );
}

/**
 * Where a deletion at `abs` really lands and whether anything is there, for callers that judge
 * what lies inside themselves (find's filters). 'noted' while collecting; null without facts.
 */
export function deleteLocation(abs: string, ctx: CommandContext, follow: boolean): { target: string; exists: boolean } | 'noted' | null {
  const view = ctx.view;
  if (view?.collecting && !view.isPlaceholder(abs)) {
    view.path(abs, false);
    return 'noted';
  }
  const facts = view?.resolved ? view.path(abs, false) : null;
  if (!facts) return null;
  const through = follow && facts.isSymlink;
  return { target: through ? facts.followed : facts.located, exists: through ? facts.followedExists : facts.exists };
}

/**
 * What a find selects (FindQuery), judged by git's listing of it like any deletion of those
 * files: ignored regenerable output or nothing at all is allowed, tracked or untracked files are
 * snapshotted (other ignored files captured), protected paths denied. Null when the listing is
 * not there (judged by text, or git cannot list all that find reaches): the caller judges the
 * made-up name instead.
 */
export function checkFound(query: FindQuery, display: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict | null {
  const view = ctx.view;
  if (!view || view.mode === 'text') return null;
  if (view.collecting) {
    view.find(query);
    return noted(source);
  }
  const contents = view.find(query);
  if (!contents) return null;
  if (contents.tracked.length === 0 && contents.untracked.length === 0 && contents.ignored.length === 0) {
    return makeVerdict('allow', 'no-risk', `${options.verb} ${display}, which finds nothing guard keeps`, source);
  }
  return judgeContents(display, contents, true, true, ctx, source, { ...options, recursive: true });
}

/**
 * A write over every file a find selects (`find src -name '*.js' -exec sed -i ... {} +`): judged
 * by git's listing of them as checkEdits does. Undefined where the listing is not there (by text,
 * or git cannot list all that find reaches): the caller judges the made-up name instead.
 */
function checkFoundEdit(query: FindQuery, what: string, ctx: CommandContext, source: string): Verdict | null | undefined {
  const view = ctx.view;
  if (!view || view.mode === 'text') return undefined;
  if (view.collecting) {
    view.find(query);
    return null;
  }
  const contents = view.find(query);
  // A nested repository or a checked-out submodule in it: judged by the made-up name, as before.
  if (!contents || (contents.submodules ?? []).length > 0 || contents.untracked.some((u) => u.endsWith('/'))) return undefined;
  return checkEdits(contents, what, ctx, source, true);
}

/**
 * An in-place edit (or overwrite) of files guard knows only as a set that holds them (what a glob
 * matches, what a find selects, what a listing such as `git ls-files` or `grep -rl DIR` can print):
 * the ignored files in it that are not regenerable output are captured into the snapshot first
 * (the command may replace any of them); for an agent, a protected path or one of guard's files
 * in it refuses (`byFiles`: the set is the files themselves, not only where they lie). Null when
 * the set holds no ignored file to keep.
 */
export function checkEdits(contents: RepoContents, what: string, ctx: CommandContext, source: string, byFiles: boolean): Verdict | null {
  const captured = contents.ignored.filter((entry) => !entry.regenerable);
  const ignoredFiles = captured.flatMap((entry) => (entry.files ?? []).map((f) => f.path));
  if (byFiles && ctx.isAgent) {
    for (const file of [...contents.tracked, ...contents.untracked, ...ignoredFiles].map(text)) {
      const glob = protectedGlob(file, ctx);
      const instead = `Name the files to edit, leaving ${file} out (a pathspec such as ':!${file}', or grep -l on the files you mean).`;
      if (glob) return makeVerdict('deny', 'protected-path', `${what}, which may edit the protected path ${file} (matches "${glob}")`, source, `${instead} Agents may not edit protected paths; ask the person to.`);
      const own = ctx.repoRoot ? guardFile(`${ctx.repoRoot}/${file}`, ctx) : null;
      if (own) return makeVerdict('deny', 'guard-self', `${what}, which may edit ${own}, which configures guard or an agent's hooks`, source, instead);
    }
  }
  const unlisted = tooManyToCapture(captured, (dir) => `${what}, which may edit files in ${dir}`, source);
  if (unlisted) return unlisted;
  const files = ignoredFiles.filter((f) => !f.endsWith('/'));
  if (files.length === 0) return null;
  ctx.view?.addCapture(captured);
  return makeVerdict('snapshot', 'overwrite-ignored', `${what}, which may replace the ignored ${listNames(files.map(text))} (no snapshot holds ignored files); guard captures ${files.length > 1 ? 'them' : 'it'} into the snapshot first`, source);
}

/**
 * Caches in the home directory whose content the tools that made them download or build again,
 * and which hold nothing else: the XDG cache directory (by the XDG Base Directory spec,
 * non-essential data: pip, go-build, uv, pre-commit, ms-playwright, ... on Linux), macOS's
 * ~/Library/Caches (the same there), Xcode's DerivedData, npm's content cache, Gradle's caches,
 * Cargo's registry and git checkouts, Yarn Berry's and Bun's package caches, Dart's pub cache
 * (~/.pub-cache whole: pub calls all of it its system cache and `dart pub cache clean` empties it;
 * its globally activated packages come back by `dart pub global activate`; added 2026-12-07,
 * holes7, as `flutter pub cache clean -f` was free and `rm -rf ~/.pub-cache` refused). Deleting them (or
 * anything in them) is everyday clean-up, as the temp directory is scratch space. Only these
 * directories: not their parents (~/.npm, ~/.gradle, ~/.cargo hold configuration, credentials and
 * installed programs), not Xcode's Archives (release builds and their symbols), not ~/.m2/repository
 * (artifacts `mvn install`ed from sources that may be gone). Judged after a symlink that leaves
 * for elsewhere and another worktree (checkDeleteWithFacts), like any path outside.
 */
const TOOL_CACHES = ['.cache', 'Library/Caches', 'Library/Developer/Xcode/DerivedData', '.npm/_cacache', '.gradle/caches', '.cargo/registry', '.cargo/git', '.yarn/berry/cache', '.bun/install/cache', '.pub-cache'];

/** The well-known tool cache `abs` is (or is inside), or null. */
export function toolCacheDir(abs: string, ctx: CommandContext): string | null {
  if (!ctx.home || ctx.home === '/') return null;
  for (const rel of TOOL_CACHES) {
    const dir = `${ctx.home}/${rel}`;
    if (isUnder(abs, dir)) return dir;
  }
  return null;
}

/** The verdict from the path's text alone (no view of the file system). */
function checkDeleteByText(abs: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const shown = displayPath(abs, ctx);
  const kind = classifyPath(abs, ctx);
  switch (kind.kind) {
    case 'root':
      return makeVerdict('deny', 'rm-root', `${options.verb} /`, source);
    case 'home':
      return makeVerdict('deny', 'rm-home', `${options.verb} ${abs}, the home directory${abs === ctx.home ? '' : ' (or a directory holding it)'}`, source);
    case 'git-dir':
      return makeVerdict('deny', 'git-dir-write', `${options.verb} ${shown}, inside the git directory (refs, objects, hooks, guard's snapshots)`, source);
    case 'repo-root':
      return makeVerdict('deny', 'rm-repo-root', `${options.verb} the repository itself (${abs})`, source);
    case 'repo-ancestor':
      return makeVerdict('deny', 'rm-repo-root', `${options.verb} ${abs}, which contains the repository`, source);
    case 'device':
      return makeVerdict('deny', 'device-write', `${options.verb} ${abs}, a device`, source);
    case 'outside': {
      // in `git submodule foreach`: the path is each submodule's, not the superproject's (cwd stays the superproject's there)
      if (ctx.foreachIn !== undefined && isUnder(abs, ctx.foreachIn)) return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${path.posix.relative(ctx.foreachIn, abs) || '.'} in each submodule of ${ctx.foreachIn} (\`git submodule foreach\` runs it there), repositories of their own whose files no snapshot holds`, source);
      const scratch = scratchDir(abs, ctx);
      if (scratch) return makeVerdict('allow', 'no-risk', `${options.verb} ${abs}, in ${scratch}, the scratch space for temporary files`, source);
      const cache = toolCacheDir(abs, ctx);
      if (cache) return makeVerdict('allow', 'no-risk', `${options.verb} ${abs}, in ${cache}, a cache its tools rebuild`, source);
      return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${abs}, outside ${ctx.repoRoot ? 'the repository' : 'any repository guard protects'}`, source);
    }
    case 'inside':
      return checkDeleteInRepo(kind.rel, ctx, source, options);
  }
}

/**
 * The verdict from what is there now: the path through its symlinks, whether it exists, and
 * what git knows of the files at or under it.
 */
function checkDeleteWithFacts(abs: string, facts: PathFacts, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  // A Windows drive path names nothing on this file system: what is there cannot be looked at.
  if (isDrivePath(abs)) return checkDeleteByText(abs, ctx, source, options);
  // In `git submodule foreach` the path is each submodule's: what lies at that path under the superproject says nothing
  // (`rm -rf build` was "no-risk, which does not exist" where the superproject had no build/)
  if (ctx.foreachIn !== undefined) return checkDeleteByText(abs, ctx, source, options);
  const follow = options.follow === true && facts.isSymlink;
  const target = follow ? facts.followed : facts.located;
  const exists = follow ? facts.followedExists : facts.exists;
  const via = target === abs ? '' : ` (${target}, ${facts.caseFolded && !facts.isSymlink ? 'as spelled on disk' : 'through a symbolic link'})`;
  if (leavesRepository(abs, target, ctx) && exists) {
    return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${displayPath(abs, ctx)}, which is ${target} through a symbolic link: outside the repository, where guard cannot restore it`, source);
  }
  const kind = classifyPath(target, ctx);
  if (kind.kind === 'outside' && exists && facts.otherWorktree) {
    const wt = facts.otherWorktree;
    const relation = target === wt ? 'is' : wt.startsWith(`${target}/`) || target === '/' ? 'holds' : 'is inside';
    return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${displayPath(abs, ctx)}${via}, which ${relation} the worktree ${shownEscaped(wt)} of this repository: its uncommitted work is in no snapshot taken here, so guard could not bring it back`, source);
  }
  if (kind.kind !== 'inside') {
    if (!exists && kind.kind === 'outside') {
      return makeVerdict('allow', 'no-risk', `${options.verb} ${abs}${via}, which does not exist`, source);
    }
    const verdict = checkDeleteByText(target, ctx, source, options);
    return via && verdict.verdict !== 'allow' ? { ...verdict, reason: `${verdict.reason}${via}` } : verdict;
  }
  const rel = kind.rel;
  if (!exists) return makeVerdict('allow', 'no-risk', `${options.verb} ${rel}, which does not exist`, source);
  const isDir = follow ? facts.followedIsDir : facts.isDir;
  // Without -r, rm (and truncate, shred) fail on a directory: nothing goes.
  if (isDir && !options.recursive) return makeVerdict('allow', 'no-risk', `${options.verb} ${rel}, a directory it does not delete without -r`, source);
  const contents = follow ? facts.followedContents : facts.locatedContents;
  if (!contents) return checkDeleteInRepo(rel, ctx, source, options);
  return judgeContents(rel, declaredOutputs(target, facts, contents, ctx), isDir, isDir && !facts.emptyDir, ctx, source, options);
}

/**
 * The build's declared outputs (CommandContext.buildOutputs: automake's clean lists, entries a
 * rule of the makefile makes) among what a deletion takes: an ignored file there is regenerable
 * output, neither captured nor a reason to stop (jq's `make clean` took a snapshot to capture
 * src/version.h, jq.1, src/builtin.inc). Only the file itself, not through a symbolic link (as
 * overwritesIgnored), or every ignored entry below a declared directory (flutter's ephemeral
 * directories: build-tools.ts); tracked and untracked files count as before.
 */
function declaredOutputs(target: string, facts: PathFacts, contents: RepoContents, ctx: CommandContext): RepoContents {
  const outputs = ctx.buildOutputs;
  if (!outputs?.has(target) || facts.isSymlink || !ctx.repoRoot) return contents;
  const root = ctx.repoRoot;
  // the other listings stay as lazy as the reader made them (path-facts.ts lists each kind on first use)
  let ignored: IgnoredEntry[] | undefined;
  const wrapped = Object.create(contents) as RepoContents;
  Object.defineProperty(wrapped, 'ignored', {
    // a declared output directory (flutter's ephemeral/, a cargo target-dir a config names: build-tools.ts) is
    // the tool's as a whole: every ignored entry under it is its output. A declared file inside an ignored
    // directory (CMake's cmake_clean.cmake names build-make/app, ignored as build-make/: ninja-clean.ts) is
    // listed as that directory: only the file goes, so the entry holding it is the output there.
    get: () => (ignored ??= contents.ignored.map((entry) => (!entry.regenerable && (facts.isDir || (entry.path.endsWith('/') ? target.startsWith(`${root}/${text(entry.path)}`) : outputs.has(`${root}/${text(entry.path)}`))) ? { ...entry, regenerable: true, files: [] } : entry))),
  });
  return wrapped;
}

/**
 * Byte strings (latin1) from git, as text for matching and messages: escaped text (escaped-text.ts),
 * so a name that is not UTF-8 stays the name it is, equal to the same name typed as `$'...\\xff'`
 * (decoded as UTF-8, its byte became U+FFFD: another name, shown as one nobody can type).
 */
function text(bytes: string): string {
  return escapedText(Buffer.from(bytes, 'latin1'));
}

/** Byte strings (latin1) from git, for a message: as bash types the name (shownEscaped). */
const shown = shownGitName;

/**
 * Ignored files that are not regenerable output, in a directory holding more of them than the
 * reader lists one by one (path-facts.ts, 20,000): no capture could hold them, so a deletion that
 * takes them is refused, where it used to go ahead with none of them captured (an `rm -rf data`
 * of 25,000 ignored CSV files read as "ignored output" under a policy without a `**` glob).
 */
function tooManyToCapture(captured: IgnoredEntry[], what: (dir: string) => string, source: string): Verdict | null {
  const entry = captured.find((e) => e.files === null);
  if (!entry) return null;
  return makeVerdict('deny', 'capture-too-large', `${what(text(entry.path).replace(/\/$/, ''))}, which holds more ignored files than guard can list to capture first (they are not regenerable output, and no snapshot holds them)`, source);
}

/**
 * A nested git repository inside the regenerable output a deletion takes (node_modules/foo cloned
 * to patch a dependency, a Composer `--prefer-source` vendor/acme/lib) that holds work no remote
 * holds: regenerable output goes uncaptured because a reinstall brings it back, and that work it
 * does not, nor does any snapshot (no capture holds another repository's history). Refused, as an
 * ignored nested repository in other ignored files is above; a clean clone at a published commit
 * is as regenerable as the rest. Looked for at the shallow places only (src/git/nested-work.ts).
 * A move takes the repository along, .git and all: not asked. A find with a name filter is asked
 * as any deletion (`-name '*.pack'` selects files inside .git too).
 */
function nestedWorkInOutput(rel: string, contents: RepoContents, source: string, options: DeleteOptions): Verdict | null {
  if (options.withinRepo || options.keepsLarge || !contents.nestedWork) return null;
  const dirs = contents.ignored.filter((entry) => entry.regenerable && entry.path.endsWith('/')).map((entry) => entry.path);
  const found = dirs.length > 0 ? contents.nestedWork(dirs) : null;
  if (!found) return null;
  const name = text(found.path);
  const shown = shownEscaped(name);
  const shownRel = shownEscaped(rel);
  if (options.installs) {
    return makeVerdict(
      'deny',
      'git-dir-write',
      `${options.installs} deletes ${shownRel} before it installs, and ${shownRel} ${name === rel ? 'is' : 'holds'} the ignored nested git repository ${shown}, with ${found.work}: the install does not bring that back, and no snapshot holds another repository's history`,
      source,
      `Publish or keep that work first (\`git -C ${shown} push\`, or move ${shown} out of ${shownRel}), then run ${options.installs} again; or run \`npm install\`, which does not delete ${shownRel} first (it keeps a clone that package.json's dependencies still reach).`,
    );
  }
  return makeVerdict(
    'deny',
    'git-dir-write',
    `${options.verb} ${shownRel}, which ${name === rel ? 'is' : 'holds'} the ignored nested git repository ${shown}, with ${found.work}: a reinstall does not bring that back, and no snapshot holds another repository's history`,
    source,
    `Publish or keep that work first (\`git -C ${shown} push\`, or move ${shown} out of the way), then delete; or delete what around it is rebuilt and leave ${shown} in place.`,
  );
}

/** What deleting `rel` (which exists) takes, from git's listing of what is at or under it. */
export function judgeContents(rel: string, contents: RepoContents, isDir: boolean, nonEmptyDir: boolean, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const verb = options.verb;
  // `rel` and git's names (escaped text, text()) are compared as they are; messages show them as
  // bash types them (`$'caf\xe9'`, shownEscaped), never as lone surrogates or raw line breaks.
  const shownRel = shownEscaped(rel);
  // A nested repository: its own history goes with it, and no snapshot holds that.
  const nested = contents.untracked.find((p) => p.endsWith('/'));
  if (nested) {
    return makeVerdict('deny', 'git-dir-write', `${verb} ${shownRel}, which ${text(nested) === `${rel}/` ? 'is' : 'holds'} the nested git repository ${shown(nested.replace(/\/$/, ''))} (its history is in no snapshot)`, source);
  }
  // A checked-out submodule: its working tree (uncommitted changes, untracked files) goes with
  // it, and a snapshot records only its commit.
  const submodule = contents.submodules?.[0];
  if (submodule !== undefined) {
    return makeVerdict('deny', 'other-repository', `${verb} ${shownRel}, which ${text(submodule) === rel ? 'is' : 'holds'} the submodule ${shown(submodule)}: its files and uncommitted changes are in no snapshot (a snapshot records only its commit)`, source);
  }
  // Tracked and untracked files first: one protected path among them denies whatever is ignored,
  // and the ignored listing is then never asked for (path-facts.ts lists each kind on first use).
  const listed = protectedIn([...contents.tracked, ...contents.untracked], rel, ctx, source, verb);
  if (listed) return listed;
  const tooLarge = options.keepsLarge ? null : untrackedTooLarge(contents.untracked, contents.sizeOf, ctx);
  if (tooLarge) {
    const what = tooLarge.text === rel ? `${shownRel} (${tooLarge.size})` : `${shownRel}, which holds ${tooLarge.name} (${tooLarge.size})${tooLarge.more}`;
    return makeVerdict('deny', 'untracked-too-large', `${verb} ${what}, ${tooLarge.why}`, source);
  }
  const captured = contents.ignored.filter((entry) => !entry.regenerable);
  // An ignored nested repository (a cloned dependency with its own commits): git lists it as
  // `dir/`, and no capture holds a repository's history, as for an untracked one above.
  const ignoredRepository = captured.flatMap((entry) => entry.files ?? []).find((f) => f.path.endsWith('/'));
  if (ignoredRepository) {
    const name = text(ignoredRepository.path).replace(/\/$/, '');
    return makeVerdict('deny', 'git-dir-write', `${verb} ${shownRel}, which ${name === rel ? 'is' : 'holds'} the ignored nested git repository ${shownEscaped(name)} (its history is in no snapshot)`, source);
  }
  const inOutput = nestedWorkInOutput(rel, contents, source, options);
  if (inOutput) return inOutput;
  const inCapture = protectedIn(captured.flatMap((entry) => (entry.files ?? []).map((f) => f.path)), rel, ctx, source, verb);
  if (inCapture) return inCapture;
  for (const entry of contents.ignored) {
    const dir = text(entry.path).replace(/\/$/, '');
    // Regenerable output is not looked into, except for a protected path named inside it.
    const glob = entry.regenerable ? explicitProtectedGlob(dir, ctx) : entry.files === null ? protectedBelow(dir, ctx) : null;
    if (glob) return makeVerdict('deny', 'protected-path', `${verb} ${shownRel}, which may hold protected paths in ${shownEscaped(dir)} (matches "${glob}")`, source);
    if (ctx.isAgent && ctx.repoRoot && (entry.regenerable || entry.files === null)) {
      const own = containsGuardFiles(`${ctx.repoRoot}/${dir}`, ctx) ?? guardFile(`${ctx.repoRoot}/${dir}`, ctx);
      if (own) return makeVerdict('deny', 'guard-self', `${verb} ${shownRel}, which holds ${own}, which configures guard or an agent's hooks`, source);
    }
  }
  const unlisted = tooManyToCapture(captured, (dir) => `${verb} ${shownRel}${dir === rel ? '' : `, with ${shownEscaped(dir)}`}`, source);
  if (unlisted) return unlisted;
  const ignoredNames = captured.flatMap((entry) => (entry.files ?? []).map((f) => shown(f.path)));
  if (options.withinRepo) {
    if (ignoredNames.length === 0) return makeVerdict('allow', 'no-risk', `${verb} ${shownRel} inside the repository`, source);
    ctx.view?.addCapture(captured);
    return makeVerdict('snapshot', 'rm-in-repo', `${verb} ${shownRel} inside the repository, where no snapshot holds the ignored ${listNames(ignoredNames)} (a rollback would not bring ${ignoredNames.length > 1 ? 'them' : 'it'} back); guard captures ${ignoredNames.length > 1 ? 'them' : 'it'} into the snapshot first`, source);
  }
  ctx.view?.addCapture(captured);
  ctx.view?.addModePaths(contents.tracked);
  const keep = ignoredNames.length > 0 ? `; guard captures the ignored ${listNames(ignoredNames)} into the snapshot first` : '';
  if (contents.tracked.length > 0 || contents.untracked.length > 0 || ignoredNames.length > 0) {
    return makeVerdict('snapshot', 'rm-in-repo', `${verb} ${shownRel}${options.where ?? ' inside the repository'}${keep}`, source);
  }
  if (contents.ignored.length > 0) return makeVerdict('allow', 'no-risk', `${verb} ${shownRel}, ignored output that is rebuilt (not kept in snapshots)`, source);
  // git lists nothing, yet something is there. Inside a submodule or a nested repository, it is
  // that repository's file, which no snapshot of this one holds; anything else git cannot see
  // is judged by the text, as without a view of the repository.
  const inside = contents.insideRepository;
  if (inside) {
    // Except its ignored, regenerable output (`rm -rf vendor/lib/build`): rebuilt, as this
    // repository's own `dist` is, and that repository's git lists nothing else there. A protected
    // path named inside it, or guard's own files, still deny.
    // A file the build declares its own output (automake's clean lists, made by a rule: oniguruma's
    // oniguruma.pc in its DISTCLEANFILES) that repository ignores: the same.
    const declared = ctx.buildOutputs !== undefined && ctx.repoRoot !== null && ctx.repoRoot !== undefined && ctx.buildOutputs.has(`${ctx.repoRoot}/${rel}`);
    if (contents.ignoredOutputThere === true || (declared && !isDir && contents.ignoredThere === true)) {
      const glob = explicitProtectedGlob(rel, ctx);
      if (glob) return makeVerdict('deny', 'protected-path', `${verb} ${shownRel}, which may hold protected paths (matches "${glob}")`, source);
      const own = ctx.isAgent && ctx.repoRoot ? (containsGuardFiles(`${ctx.repoRoot}/${rel}`, ctx) ?? guardFile(`${ctx.repoRoot}/${rel}`, ctx)) : null;
      if (own) return makeVerdict('deny', 'guard-self', `${verb} ${shownRel}, which holds ${own}, which configures guard or an agent's hooks`, source);
      return makeVerdict('allow', 'no-risk', `${verb} ${shownRel}, output that ${shown(inside)} (another git repository) ignores and that is rebuilt (commands.regenerable; not kept in snapshots)`, source);
    }
    return makeVerdict('deny', 'other-repository', `${verb} ${shownRel}, inside ${shown(inside)}, another git repository (a submodule or a nested repository): its files are in no snapshot of this one`, source);
  }
  if (isDir && nonEmptyDir && contents.holdsFiles === false) return makeVerdict('allow', 'no-risk', `${verb} ${shownRel}, which holds only empty directories`, source);
  if (!isDir || nonEmptyDir) return checkDeleteInRepo(rel, ctx, source, options);
  return makeVerdict('allow', 'no-risk', `${verb} ${shownRel}, an empty directory`, source);
}

/**
 * Untracked files (git's bytes) larger than snapshot.maxFileSize: snapshots skip them, so a
 * deletion of one could not be undone. Sizes are read only here, after the cheaper checks, and
 * only for untracked files (tracked ones are in git's objects whatever their size).
 */
export function untrackedTooLarge(untracked: string[], sizeOf: ((entry: string) => number) | undefined, ctx: CommandContext): { name: string; text: string; size: string; more: string; why: string } | null {
  const cap = ctx.maxFileSize ?? 0;
  if (cap <= 0 || !sizeOf || untracked.length === 0) return null;
  const large = untracked.filter((entry) => !entry.endsWith('/')).map((entry) => ({ entry, size: sizeOf(entry) })).filter((f) => f.size > cap);
  if (large.length === 0) return null;
  large.sort((a, b) => b.size - a.size);
  const first = large[0] as { entry: string; size: number };
  const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return {
    /** For messages (shownEscaped); `text` to compare with a typed name. */
    name: shown(first.entry),
    text: text(first.entry),
    size: mb(first.size),
    more: large.length > 1 ? ` and ${large.length - 1} more such file${large.length > 2 ? 's' : ''}` : '',
    why: `untracked and larger than snapshot.maxFileSize (${mb(cap)}): snapshots skip such files, so guard could not bring ${large.length > 1 ? 'them' : 'it'} back`,
  };
}

/** The deny for the first of `files` (git's bytes) that is a protected path or, for an agent, one of guard's files. */
function protectedIn(files: string[], rel: string, ctx: CommandContext, source: string, verb: string): Verdict | null {
  for (const file of files.map(text)) {
    const glob = protectedGlob(file, ctx);
    if (glob) return makeVerdict('deny', 'protected-path', `${verb} ${shownEscaped(rel)}${file === rel ? ', a protected path' : `, which holds the protected path ${shownEscaped(file)}`} (matches "${glob}")`, source);
    if (ctx.isAgent && ctx.repoRoot) {
      const own = guardFile(`${ctx.repoRoot}/${file}`, ctx);
      if (own) return makeVerdict('deny', 'guard-self', `${verb} ${file === rel ? shownEscaped(rel) : `${shownEscaped(rel)}, which holds ${shownEscaped(own)}`}, which configures guard or an agent's hooks`, source);
    }
  }
  return null;
}

/** A protected glob that names something inside `dir` explicitly (not through a leading `**`). */
function explicitProtectedGlob(dir: string, ctx: CommandContext): string | null {
  for (const glob of ctx.protectedPaths) {
    const scan = globScan(glob);
    const base = scan.isGlob ? scan.base : glob;
    if (base !== '' && (isUnder(base, dir) || isUnder(dir, base))) return glob;
  }
  return null;
}

export function listNames(names: string[], limit = 3): string {
  const shown = names.slice(0, limit).join(', ');
  const more = names.length > limit ? ` and ${names.length - limit} more` : '';
  return `${names.length === 1 ? 'file' : 'files'} ${shown}${more}`;
}

function checkDeleteInRepo(rel: string, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const glob = options.recursive ? protectedBelow(rel, ctx) : protectedGlob(rel, ctx);
  if (glob) {
    const exact = protectedGlob(rel, ctx) !== null;
    return makeVerdict('deny', 'protected-path', `${options.verb} ${shownEscaped(rel)}, ${exact ? 'a protected path' : 'which may hold protected paths'} (matches "${glob}")`, source);
  }
  if (ctx.isAgent && ctx.repoRoot) {
    const abs = `${ctx.repoRoot}/${rel}`;
    const own = guardFile(abs, ctx) ?? (options.recursive ? containsGuardFiles(abs, ctx) : null);
    if (own) return makeVerdict('deny', 'guard-self', `${options.verb} ${own}, which configures guard or an agent's hooks`, source);
  }
  // Judged by its text: what a move inside the repository takes along is not known, and it stays allowed.
  if (options.withinRepo) return makeVerdict('allow', 'no-risk', `${options.verb} ${shownEscaped(rel)} inside the repository`, source);
  return makeVerdict('snapshot', 'rm-in-repo', `${options.verb} ${shownEscaped(rel)}${options.where ?? ' inside the repository'}`, source);
}

/**
 * Another worktree of this repository that a glob in scratch space (`rm -rf /tmp/x/wt*`) can
 * delete: one whose root the pattern's segments match (or an ancestor of it below `base`), or one
 * that `base` lies inside. 'noted' while collecting; null when none or nothing can be looked at.
 */
function worktreeMatchedByGlob(base: string, globSegments: string[], ctx: CommandContext): { root: string; inside: boolean } | 'noted' | null {
  const view = ctx.view;
  if (!view || view.isPlaceholder(base)) return null;
  if (view.collecting) {
    view.path(base, false);
    return 'noted';
  }
  const facts = view.resolved ? view.path(base, false) : null;
  if (!facts) return null;
  const dir = facts.isSymlink ? facts.followed : facts.located;
  // base is the worktree root or lies inside it: whatever the pattern matches is in that worktree.
  if (facts.otherWorktree && !facts.otherWorktree.startsWith(`${dir}/`)) return { root: facts.otherWorktree, inside: true };
  for (const root of facts.worktreesWithin ?? []) {
    if (!root.startsWith(`${dir}/`)) continue;
    const below = root.slice(dir.length + 1).split('/');
    if (globSegments.length <= below.length && globSegments.every((segment, i) => globMatch(segment, below[i]!, { dot: false }))) return { root, inside: false };
  }
  return null;
}

/**
 * A glob inside the repository as the repo-relative pattern the view lists (StateView.glob), or
 * null where it starts outside the repository or in a directory guard cannot determine.
 */
export function globRelPattern(pattern: string, cwd: string | null, ctx: CommandContext): string | null {
  const abs = resolvePath(pattern, cwd);
  if (abs === null) return null;
  const segments = abs.split('/').slice(1);
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s));
  if (firstGlob === -1) return null;
  const kind = classifyPath(`/${segments.slice(0, firstGlob).join('/')}`, ctx);
  if (kind.kind !== 'inside' && kind.kind !== 'repo-root') return null;
  return path.posix.join(kind.kind === 'inside' ? kind.rel : '', ...segments.slice(firstGlob));
}

/** Deleting a glob pattern: judge the directory it starts from and whether it can reach `.git`. */
function checkDeleteGlob(pattern: string, display: string, cwd: string | null, ctx: CommandContext, source: string, options: DeleteOptions): Verdict {
  const abs = resolvePath(pattern, cwd);
  if (abs === null) {
    return makeVerdict('ask', 'rm-unknown-target', `${options.verb} ${display} in a directory guard cannot determine`, source);
  }
  const segments = abs.split('/').slice(1);
  const firstGlob = segments.findIndex((s) => /[*?[]/.test(s));
  if (firstGlob === -1) return checkDeleteAbs(abs, ctx, source, options);
  const base = `/${segments.slice(0, firstGlob).join('/')}`;
  const globSegments = segments.slice(firstGlob);
  // bash does not match dotfiles with * (dotglob off), so `rm -rf *` spares .git but `.*` does not.
  if (globSegments.some((s) => /[*?[]/.test(s) && globMatch(s, '.git', { dot: false }))) {
    return makeVerdict('deny', 'git-dir-write', `${options.verb} ${display}, which matches .git`, source);
  }
  const inVolume = deletesInVolume(base, ctx, source, options.verb, display);
  if (inVolume) return inVolume;
  const kind = classifyPath(base, ctx);
  if (kind.kind !== 'root' && kind.kind !== 'home' && ctx.repoRoot && isStrictlyUnder(ctx.repoRoot, base) && globMatch(abs, ctx.repoRoot, { dot: false })) {
    return makeVerdict('deny', 'rm-repo-root', `${options.verb} ${display}, which matches the repository itself`, source);
  }
  switch (kind.kind) {
    case 'root':
      return makeVerdict('deny', 'rm-root', `${options.verb} ${display}: everything under /`, source);
    case 'home':
      return makeVerdict('deny', 'rm-home', `${options.verb} ${display}, in the home directory`, source);
    case 'git-dir':
      return makeVerdict('deny', 'git-dir-write', `${options.verb} ${display}, inside the git directory`, source);
    case 'outside':
      if (ctx.scratchDirs?.some((dir) => dir !== '/' && isUnder(base, dir)) && !(ctx.home && (isUnder(base, ctx.home) || isUnder(ctx.home, base)))) {
        const worktree = worktreeMatchedByGlob(base, globSegments, ctx);
        if (worktree === 'noted') return noted(source);
        if (worktree) {
          return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${display}, which matches ${worktree.inside ? 'inside ' : ''}the worktree ${shownEscaped(worktree.root)} of this repository: its uncommitted work is in no snapshot taken here, so guard could not bring it back`, source);
        }
        return makeVerdict('allow', 'no-risk', `${options.verb} ${display}, in the scratch space for temporary files`, source);
      }
      if (toolCacheDir(base, ctx)) {
        // Only where the view shows the directory the glob starts from really is in the cache
        // (a symlink there into the repository or elsewhere is not).
        const view = ctx.view;
        if (view && !view.isPlaceholder(base) && view.collecting) {
          view.path(base, false);
          return noted(source);
        }
        const facts = view?.resolved && !view.isPlaceholder(base) ? view.path(base, false) : null;
        const cache = facts && !facts.otherWorktree ? toolCacheDir(facts.isSymlink ? facts.followed : facts.located, ctx) : null;
        if (cache) return makeVerdict('allow', 'no-risk', `${options.verb} ${display}, in ${cache}, a cache its tools rebuild`, source);
      }
      return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${display}, outside the repository`, source);
    case 'repo-ancestor':
    case 'device':
      return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${display}, outside the repository`, source);
    case 'repo-root':
    case 'inside': {
      const rel = kind.kind === 'inside' ? kind.rel : '';
      const relPattern = path.posix.join(rel, ...globSegments);
      // With a view of the repository: what the pattern matches now decides, as for a literal path.
      if (ctx.view?.collecting) {
        ctx.view.glob(relPattern);
        if (kind.kind === 'inside') ctx.view.path(base, false);
        return noted(source);
      }
      const matched = ctx.view?.resolved ? ctx.view.glob(relPattern) : null;
      if (matched && (matched.tracked.length > 0 || matched.untracked.length > 0 || matched.ignored.length > 0)) {
        return judgeContents(display, matched, true, true, ctx, source, options);
      }
      // Nothing on disk matches (`rm -rf packages/*/dist` where there is no packages/): the
      // command deletes nothing, so neither a protected glob nor a snapshot is called for.
      if (matched?.matchesNothing === true) return makeVerdict('allow', 'no-risk', `${options.verb} ${display}, which matches nothing here`, source);
      // The directory the pattern starts from is a symbolic link (or lies under one) leading out
      // of the repository: what it matches is there, where git lists nothing and no snapshot
      // holds it (`rm -f lnk/*.txt` was "snapshot, then allow"), as for a literal `rm lnk/f`.
      const start = kind.kind === 'inside' && ctx.view?.resolved ? ctx.view.path(base, false) : null;
      if (start?.followedExists && leavesRepository(base, start.followed, ctx)) {
        return makeVerdict('deny', 'rm-outside-repo', `${options.verb} ${display}, in ${start.followed} through a symbolic link: outside the repository, where guard cannot restore it`, source);
      }
      const hit = protectedGlobHit(relPattern, ctx, options.recursive);
      if (hit) return makeVerdict('deny', 'protected-path', `${options.verb} ${display}, which may match protected paths ("${hit}")`, source);
      if (ctx.isAgent) {
        const own = guardFileMatchedBy(relPattern, ctx, options.recursive);
        if (own) return makeVerdict('deny', 'guard-self', `${options.verb} ${display}, which matches ${own}`, source);
      }
      return makeVerdict('snapshot', 'rm-in-repo', `${options.verb} ${display}${options.where ?? ' inside the repository'}`, source);
    }
  }
}

/** Could a repo-relative glob pattern delete a protected path? */
export function protectedGlobHit(relPattern: string, ctx: CommandContext, recursive: boolean): string | null {
  const globs = ctx.protectedPaths.includes('.guard.yaml') ? ctx.protectedPaths : [...ctx.protectedPaths, '.guard.yaml'];
  const patternBase = globScan(relPattern).base;
  for (const glob of globs) {
    const scan = globScan(glob);
    const base = scan.isGlob ? scan.base : glob;
    // The pattern only reaches inside the protected glob's directory (`secrets/*` vs `secrets/**`).
    if (base !== '' && patternBase !== '' && (patternBase === base || patternBase.startsWith(`${base}/`)) && scan.isGlob) return glob;
    if (base === '') {
      // `**/*.pem` can sit in any directory a recursive delete reaches.
      if (recursive && glob.startsWith('**')) return glob;
      continue;
    }
    const candidates = [base];
    for (let dir = path.posix.dirname(base); dir !== '.' && dir !== '/'; dir = path.posix.dirname(dir)) candidates.push(dir);
    for (const candidate of candidates) {
      if (!globMatch(relPattern, candidate, { dot: false })) continue;
      if (candidate === base || recursive) return glob;
    }
  }
  return null;
}

export function guardFileMatchedBy(relPattern: string, ctx: CommandContext, recursive: boolean): string | null {
  const files = ['.guard.yaml', '.claude/settings.json', '.claude/settings.local.json', '.codex/hooks.json', '.codex/config.toml', '.cursor/hooks.json', '.gemini/settings.json', '.github/hooks', '.opencode', 'opencode.json', 'opencode.jsonc'];
  for (const file of files) {
    const candidates = [file];
    for (let dir = path.posix.dirname(file); dir !== '.'; dir = path.posix.dirname(dir)) candidates.push(dir);
    for (const candidate of candidates) {
      if (!globMatch(relPattern, candidate, { dot: false })) continue;
      if (candidate === file || recursive) return file;
    }
  }
  return null;
}

/**
 * Moving a path away deletes it where it was: refused for what guard must keep in place. `out`
 * is where it goes when that is outside the repository (movesOut): then the move is, from the
 * repository's side, a deletion of the source, whose bytes the next move onto the same name
 * outside overwrites (Gemini CLI, July 2025: every file of a project moved one by one onto one
 * name that was not a directory). It is judged as rm's is: a snapshot first, capturing the
 * ignored files that are not regenerable output, and the refusals as for any move.
 */
export function checkMoveSource(field: Field, cwd: string | null, ctx: CommandContext, source: string, out: string | null = null): Verdict | null {
  if (out !== null && ctx.repoRoot) return checkMoveOut(field, cwd, ctx, source, out);
  // `find DIR -name X -exec mv {} {}.bak \;`: judged by what find selects (checkFound, as for
  // `-exec rm {}`), not by the made-up name standing for it, which "may hold" any protected path
  // (denied before 2026-12-05 on a repository with none: docs/FRICTION.md, hunt of 2026-12-05).
  if (field.found) return keptMoveVerdict(checkDeleteTarget(field, cwd, ctx, source, { recursive: true, verb: 'moves away', keepsLarge: true, withinRepo: true }));
  if (field.value === null || field.glob) {
    if (field.glob && field.pattern !== null) {
      const abs = resolvePath(field.pattern, cwd);
      if (abs && abs.split('/').some((s) => /[*?[]/.test(s) && globMatch(s, '.git', { dot: false }))) {
        return makeVerdict('deny', 'git-dir-write', `moves ${field.display}, which matches .git`, source);
      }
    }
    return null;
  }
  const abs = resolvePath(field.value, cwd);
  if (abs === null) return null;
  return keptMoveVerdict(checkDeleteAbs(abs, ctx, source, { recursive: true, verb: 'moves away', keepsLarge: true, withinRepo: true }));
}

/**
 * Moving files inside the repository or elsewhere keeps their content: only the refusals stay
 * (moving a file too large for a snapshot out of the way is what that refusal advises), and the
 * snapshot that captures the ignored files it moves (withinRepo: a rollback would not bring
 * them back where they were).
 */
function keptMoveVerdict(verdict: Verdict): Verdict | null {
  if (verdict.verdict === 'snapshot') return verdict;
  return verdict.verdict === 'deny' && verdict.rule !== 'rm-outside-repo' && verdict.rule !== 'untracked-too-large' ? verdict : null;
}

function checkMoveOut(field: Field, cwd: string | null, ctx: CommandContext, source: string, out: string): Verdict | null {
  const where = `, out of the repository (to ${out})`;
  const verdict = checkDeleteTarget(field, cwd, ctx, source, { recursive: true, verb: 'moves away', where, keepsLarge: true });
  // What lies outside the repository already is not this repository's to keep.
  if (verdict.verdict === 'allow' || verdict.rule === 'rm-outside-repo') return null;
  // A source guard cannot name (`mv "$f" ../x`, `ls | xargs mv -t ../x`) may be any file of the
  // repository, an ignored one too, which no snapshot would hold: asked about, as `rm "$f"` is.
  if (verdict.rule === 'rm-unknown-target') return { ...verdict, reason: `${verdict.reason}${where}` };
  return verdict;
}

/**
 * Whether what mv moves to `dest` leaves the repository: by the destination's text (`../x`,
 * `/tmp/x`, `~/x`), or once guard has looked, by where its symbolic links lead (`lnk/new`, lnk
 * leading out: a directory there takes the source inside it, anything else is replaced by it).
 * A destination guard cannot see is judged by the write check alone.
 */
export function movesOut(dest: Field, cwd: string | null, ctx: CommandContext): boolean {
  if (!ctx.repoRoot || dest.value === null || dest.glob) return false;
  const abs = resolvePath(dest.value, cwd);
  if (abs === null || isDrivePath(abs)) return false;
  const outside = (p: string): boolean => {
    const kind = classifyPath(p, ctx).kind;
    return kind === 'outside' || kind === 'repo-ancestor' || kind === 'home' || kind === 'root';
  };
  if (outside(abs)) return true;
  const view = ctx.view;
  if (!view || view.isPlaceholder(abs)) return false;
  const facts = view.path(abs, false);
  if (!facts) return false;
  return outside(facts.followedExists && facts.followedIsDir ? facts.followed : facts.located);
}

/** A program guard does not model is handed a path inside `.git` or one of guard's own files. */
export function checkOpaqueArgument(value: string, cwd: string | null, ctx: CommandContext, source: string, program: string): Verdict | null {
  const candidate = value.includes('=') && value.startsWith('-') ? value.slice(value.indexOf('=') + 1) : value;
  if (candidate === '' || candidate.startsWith('-')) return null;
  const abs = resolvePath(candidate, cwd);
  if (abs === null) return null;
  // Only a `.git` path segment counts here (not a git dir found elsewhere): a program guard does
  // not model is judged by what its words say, which the sh fast path relies on.
  if (abs.split('/').some((s) => s.toLowerCase() === '.git') && !isEditableGitFile(abs, ctx)) {
    return makeVerdict('ask', 'git-dir-arg', `${program} is given ${displayPath(abs, ctx)}, inside the git directory, and guard cannot tell whether it writes there`, source);
  }
  if (ctx.isAgent) {
    const own = guardFile(abs, ctx);
    if (own) return makeVerdict('ask', 'guard-file-arg', `${program} is given ${own}, which configures guard or an agent's hooks`, source);
  }
  return null;
}

export interface CleanRequest {
  /** Where git clean runs (after -C); null when unknown. */
  cwd: string | null;
  /** Its pathspecs, relative to cwd. */
  pathspecs: Field[];
  /** -x, -X, -e patterns or an excludes-file override: it may take files that are ignored now. */
  takesIgnored: string | null;
  /** -d: untracked directories go too (without it, files in an untracked directory stay). */
  directories?: boolean;
  /**
   * -X with the standard ignore rules only (no -e, no excludes-file override): git takes the
   * ignored files and leaves every untracked one, guard's own untracked files among them.
   */
  onlyIgnored?: boolean;
  /** The command as messages name it: `git clean` unless another takes the same files (`git stash --all`). */
  label?: string;
  /** The files go into a stash entry, not away (`git stash -a`): the messages say so. */
  stashes?: boolean;
  /** The clean's own choice of files, for git's dry run (CleanQuery.clean). */
  clean?: { flags: string[]; config: string[] };
  /** `git clean -ff`: the nested repositories it takes are refused (CleanFacts.nested). */
  nested?: true;
}

/**
 * `git clean -f` in the protected repository. What it takes that is not ignored is in the
 * snapshot anyway. Ignored files are not, so when it may take them (-x, -X, -e, an excludes
 * override, or an ignore file changed earlier in the line) the resolved pass captures the ignored
 * files it deletes that are not regenerable output into the snapshot: exactly those git's own dry
 * run lists (CleanFacts.taken, src/git/clean-dry-run.ts), or, where an ignore file changes earlier
 * in the line (the dry run ran before it) or an -e pattern is unknown, every one in its scope.
 * Judged by the text alone, that is a deny.
 */
/**
 * The first of guard's own files (.guard.yaml, an agent's hook settings: untracked until someone
 * commits them) that the clean takes, as repo-relative text. Without -d only files directly in
 * the directory git clean runs in are counted: an untracked directory such as .claude/ stays.
 */
function guardFileCleaned(untracked: readonly string[], request: CleanRequest, ctx: CommandContext): string | null {
  return guardFilesCleaned(untracked, request, ctx)[0] ?? null;
}

/** Every one of guard's own files (text, relative to the root) among the untracked files git clean deletes. */
function guardFilesCleaned(untracked: readonly string[], request: CleanRequest, ctx: CommandContext): string[] {
  if (!ctx.repoRoot || request.cwd === null) return [];
  const root = ctx.repoRoot;
  const here = request.cwd === root ? '' : request.cwd.startsWith(`${root}/`) ? request.cwd.slice(root.length + 1) : null;
  if (here === null) return [];
  const own: string[] = [];
  for (const file of untracked.map(text)) {
    if (!request.directories && path.posix.dirname(file) !== (here === '' ? '.' : here)) continue;
    if (guardFile(`${root}/${file}`, ctx)) own.push(file);
  }
  return own;
}

/**
 * `git stash --include-untracked`: the untracked files in its scope go into the stash entry. A
 * snapshot holds them too, except those larger than snapshot.maxFileSize, which would then live
 * only in the entry that a rollback to an earlier snapshot drops: that one case is denied, naming
 * the file. Null (allowed as before) otherwise, and while collecting (the scope is noted).
 */
export function checkStashUntracked(request: CleanRequest, ctx: CommandContext, source: string): Verdict | null {
  const view = ctx.view;
  if (!view || view.mode === 'text' || request.cwd === null || request.pathspecs.some((p) => p.value === null)) return null;
  const query = { cwd: request.cwd, pathspecs: request.pathspecs.map((p) => p.value as string) };
  const facts = view.clean(query);
  const tooLarge = facts?.untracked ? untrackedTooLarge(facts.untracked, facts.sizeOf, ctx) : null;
  const label = request.label ?? 'git stash --include-untracked';
  // Stashing guard's own files takes them out of the working tree as -a does (untracked
  // directories included): the agent's hooks or guard's policy would be gone until a pop.
  const own = !tooLarge && facts?.untracked && ctx.isAgent ? guardFileCleaned(facts.untracked, { ...request, directories: true }, ctx) : null;
  if (own) return guardFileStashed(own, label, source);
  if (!tooLarge) return null;
  const instead = `Run git stash without -u (untracked files stay in place, where guard's snapshots hold the smaller ones), or move ${tooLarge.name} out of the repository first, or ask the person to raise snapshot.maxFileSize in .guard.yaml.`;
  return makeVerdict('deny', 'untracked-too-large', `${label} takes ${tooLarge.name} (${tooLarge.size})${tooLarge.more} into a stash entry, ${tooLarge.why} once a rollback drops that entry`, source, instead);
}

/** `git stash -u`/`-a` would take one of guard's own files (untracked) out of the working tree. */
function guardFileStashed(own: string, label: string, source: string): Verdict {
  return makeVerdict('deny', 'guard-self', `${label} takes ${own}, untracked, out of the working tree into a stash entry: it configures guard or an agent's hooks (an agent could switch its own guard off this way)`, source, `Stash without -u/-a (untracked files stay in place), or name what to stash: git stash push -u -- <paths> leaving ${own} out; or ask the person to commit or ignore ${own}.`);
}

/**
 * The ignored entries git clean deletes. Without -d and with no pathspec git does not go into an
 * untracked directory (one git lists whole, `dir/`), ignored files in it included: `git clean -fX`
 * at the root keeps `.claude/settings.local.json` (ignored since `guard init`, its directory
 * untracked) as it keeps `prisma/dev.db`. With a pathspec, -d is irrelevant (git-clean(1)).
 */
function reachedByClean(ignored: IgnoredEntry[], request: CleanRequest): IgnoredEntry[] {
  if (request.directories || request.stashes || request.pathspecs.length > 0) return ignored;
  const dirs = ignored.filter((entry) => entry.path.endsWith('/')).map((entry) => entry.path);
  return ignored.filter((entry) => !dirs.some((dir) => entry.path.startsWith(dir)));
}

/**
 * The way forward where the protected file an ignored-files clean would delete is one of guard's
 * own: `guard init` ignores Claude Code's .claude/settings.local.json (info/exclude), so a plain
 * `git clean -fdX` at the root takes the agent's hooks with the build output. An exclude
 * pathspec keeps it, and guard judges that clean as usual (snapshot, the other ignored files
 * captured). Undefined (the rule's own advice) for any other protected path.
 */
function guardFileKept(name: string, request: CleanRequest, ctx: CommandContext): string | undefined {
  if (!ctx.repoRoot || request.cwd === null || request.stashes || !guardFile(`${ctx.repoRoot}/${name}`, ctx)) return undefined;
  const here = request.cwd === ctx.repoRoot ? '' : request.cwd.slice(ctx.repoRoot.length + 1);
  const rel = here === '' ? name : path.posix.relative(here, name);
  const scope = request.pathspecs.length > 0 ? request.pathspecs.map((p) => p.display).join(' ') : '.';
  return `${name} holds guard's or an agent's hooks: leave it out with an exclude pathspec, \`git clean <same options> -- ${scope} ':!${rel}'\` (guard snapshots first and captures the other ignored files), or name what to clean (\`git clean -fdX -- dist\`).`;
}

/** What a clean's verdict says of guard's own files it puts back after the command ('' for none). */
function putBackText(putBack: readonly string[]): string {
  if (putBack.length === 0) return '';
  return `; guard keeps its own ${listNames([...putBack])} (guard's policy or an agent's hook settings) in the snapshot and puts ${putBack.length > 1 ? 'them' : 'it'} back right after the command`;
}

export function checkGitClean(request: CleanRequest, ctx: CommandContext, source: string): Verdict {
  const view = ctx.view;
  const label = request.label ?? 'git clean';
  const why = request.takesIgnored ?? (view?.ignoreRulesChanged ? 'after an ignore file is changed' : null);
  const known = request.cwd !== null && request.pathspecs.every((p) => p.value !== null);
  const query = known ? { cwd: request.cwd as string, pathspecs: request.pathspecs.map((p) => p.value as string), ...(request.clean ? { clean: request.clean } : {}), ...(request.nested ? { nested: true as const } : {}) } : null;
  if (view?.collecting && query) {
    view.clean(query);
    return noted(source);
  }
  const facts = view?.resolved && query ? view.clean(query) : null;
  if (request.nested) {
    // -ff takes untracked nested repositories, whose history no snapshot holds; a registered
    // submodule is not one (git clean leaves it alone, checked out or not).
    // (An ignore file changed or a file moved earlier in the line: the dry run ran before it.)
    const moved = [...(view?.movedInto ?? [])].some((to) => ctx.repoRoot !== null && isUnder(to, ctx.repoRoot));
    const nested = view?.ignoreRulesChanged || moved ? undefined : facts?.nested;
    if (!nested) return makeVerdict('deny', 'git-clean-nested', `${label} -ff also deletes nested git repositories, which snapshots do not hold, and guard could not ask git which it takes`, source);
    if (nested.length > 0) {
      const shown = nested.slice(0, 5).map((p) => text(p).replace(/\/$/, ''));
      const more = nested.length > shown.length ? ` and ${nested.length - shown.length} more` : '';
      return makeVerdict('deny', 'git-clean-nested', `${label} -ff deletes ${shown.join(', ')}${more}, ${nested.length === 1 ? 'a nested git repository or a directory holding one' : 'nested git repositories or directories holding them'} (git clean -n -ff lists ${nested.length === 1 ? 'it' : 'them'}), whose history snapshots do not hold`, source);
    }
  }
  // What git's dry run says the clean deletes, unless an ignore file changed earlier in the line
  // (the dry run ran before it): then everything the scope holds.
  const taken = view?.ignoreRulesChanged ? undefined : facts?.taken;
  // `git clean -X` leaves untracked files alone (found by the friction hunt on babel: `git clean
  // -fX` was denied for deleting the untracked .guard.yaml, which it keeps), unless an ignore
  // file changed earlier in the line may have made them ignored.
  const untracked = request.onlyIgnored && !view?.ignoreRulesChanged ? null : taken ? taken.untracked : facts?.untracked;
  const tooLarge = untracked ? untrackedTooLarge(untracked, facts?.sizeOf, ctx) : null;
  if (tooLarge) return makeVerdict('deny', 'untracked-too-large', `${label} deletes ${tooLarge.name} (${tooLarge.size})${tooLarge.more}, ${tooLarge.why}`, source);
  const own = untracked && ctx.isAgent ? guardFilesCleaned(untracked, request, ctx) : [];
  if (own.length > 0 && request.stashes) return guardFileStashed(own[0] as string, label, source);
  // Where the agent's post-tool hook puts guard's own files back right after the command (from
  // the snapshot taken first), the clean goes ahead; elsewhere it would switch guard off.
  const putsBack = ctx.putsBackOwnFiles === true && view?.resolved === true && !request.stashes;
  if (own.length > 0 && !putsBack) return makeVerdict('deny', 'guard-self', `${label} deletes ${own[0]}, untracked, which configures guard or an agent's hooks (an agent could switch its own guard off this way); delete the files you mean with rm instead (guard snapshots first), or ask the person to commit or ignore ${own[0]}`, source);
  const putBack = [...own];
  // git's dry run lists nothing it would delete but regenerable output (t3-oss/create-t3-turbo's
  // `pnpm clean`, `git clean -xdf node_modules`): as `rm -rf node_modules`, nothing a snapshot
  // would hold changes, so none is taken (the friction hunt of 2026-12-07, second round).
  // Not where an earlier mv of the line moves files inside the repository: the dry run ran before it (movedThereFirst).
  const movedInRepo = [...(view?.movedInto ?? [])].some((to) => ctx.repoRoot !== null && isUnder(to, ctx.repoRoot));
  const nothingKept = (captured: readonly IgnoredEntry[]): boolean => taken !== undefined && !movedInRepo && (untracked === null || untracked?.length === 0) && captured.length === 0 && putBack.length === 0;
  if (why === null) {
    if (nothingKept([])) return makeVerdict('allow', 'no-risk', `${label} deletes no untracked file (git clean -n lists none): nothing a snapshot would hold`, source);
    view?.notePutBack(putBack);
    return makeVerdict('snapshot', 'git-clean', `${label} deletes untracked files${putBackText(putBack)}`, source);
  }
  if (!facts) return makeVerdict('deny', 'git-clean-ignored', `${label} ${why} deletes ignored files (.env, local config, caches), which snapshots do not hold`, source);
  const captured = (taken ? taken.ignored : reachedByClean(facts.ignored, request)).filter((entry) => !entry.regenerable);
  for (const entry of captured) {
    for (const file of entry.files ?? []) {
      const name = text(file.path);
      const glob = protectedGlob(name, ctx);
      // One of guard's own files, captured with the others: put back after the command where it can be.
      if (glob && putsBack && ctx.repoRoot && guardFile(`${ctx.repoRoot}/${name}`, ctx)) {
        putBack.push(name);
        continue;
      }
      if (glob) return makeVerdict('deny', 'protected-path', `${label} ${why} deletes ${name}, a protected path (matches "${glob}")`, source, guardFileKept(name, request, ctx));
    }
  }
  const unlisted = tooManyToCapture(captured, (dir) => `${label} ${why} deletes ${dir}`, source);
  if (unlisted) return unlisted;
  if (nothingKept(captured)) return makeVerdict('allow', 'no-risk', `${label} ${why} deletes only regenerable output (git clean -n lists no other file it deletes): nothing a snapshot would hold`, source);
  view?.addCapture(captured);
  view?.notePutBack(putBack);
  const names = captured.flatMap((entry) => (entry.files ?? []).map((f) => text(f.path))).filter((name) => !putBack.includes(name));
  const none = taken ? '; git clean -n lists no ignored file it deletes that is not regenerable output' : '; the only ignored files it can reach are regenerable output';
  const keep = names.length > 0 ? `; guard captures the ignored ${listNames(names)} into the snapshot first` : putBack.length > 0 ? '' : none;
  return makeVerdict('snapshot', 'git-clean', `${label} ${why} deletes ${untracked === null ? 'ignored' : 'untracked and ignored'} files${keep}${putBackText(putBack)}`, source);
}
