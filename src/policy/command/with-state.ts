/**
 * classifyWithState: the command guard with the repository as it is at the moment of the call
 * (state.ts describes the two passes). The reader is handed in, so this file stays free of I/O:
 * the agent hook and `guard check-command` pass src/git/path-facts.ts.
 */
import { classifyCommandFully } from './index.js';
import type { RefChange } from './ref-changes.js';
import { ALLOW, makeVerdict } from './rules.js';
import { checkDeleteAbs, checkWriteAbs } from './targets.js';
import { CONTAINER_OVER_BOUND } from './container-run.js';
import { DEFAULT_CAPTURE_LIMITS, StateView, type CaptureLimits, type DirLister, type EntryLister, type FilesBelowLister, type HeadFilesReader, type FileReader, type FoundFile, fileQueryKey, type InstallPruneQuery, type LoopGlobExpander, type StateReader, type StateVerdict } from './state.js';
import type { CommandContext, Verdict } from './types.js';

export interface StateOptions {
  reader: StateReader;
  /** Expands a `for` loop's globs from the file system (src/util/shell-glob.ts); absent: such a loop's variable stays unknown. */
  expandLoopGlob?: LoopGlobExpander;
  /** Reads the files whose text decides what a command runs (a package.json: package-scripts.ts); absent: judged by text, as before. */
  readFile?: FileReader;
  /** The aliases git's configuration defines (src/git/config-aliases.ts); absent: a subcommand git does not know is judged as before (nothing). */
  readAliases?: () => ReadonlyMap<string, string>;
  /** Lists a workspace's package directories (DirQuery); absent with readFile: unknown (null). */
  listDirs?: DirLister;
  /** Lists the files directly in a directory (EntryLister); absent: unknown (null). */
  listFiles?: EntryLister;
  /** Lists the files below a directory, a few levels deep (FilesBelowLister); absent: unknown (null). */
  listFilesBelow?: FilesBelowLister;
  /** Reads a directory's files at HEAD (one git process per directory asked); absent: never asked (what depends on them is not judged). */
  readHeadFiles?: HeadFilesReader;
  /**
   * Answers installs that prune node_modules (InstallPruneQuery) from the file system alone: true
   * where none finds a nested repository there (and what the walks looked at joins the files
   * read); false where git must be asked (the reader answers them). Absent: always the reader.
   */
  installPrunesByFiles?: (queries: InstallPruneQuery[]) => boolean;
  limits?: CaptureLimits;
}

function withCapture(verdict: Verdict, capture: Map<string, number>): StateVerdict {
  let bytes = 0;
  for (const size of capture.values()) bytes += size;
  return { ...verdict, capture: [...capture.keys()].sort(), captureBytes: bytes };
}

function mb(bytes: number): string {
  return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
}

/** The verdict with what to capture, and the ref changes the command announces (classifyCommandFully). */
export interface StateClassification {
  verdict: StateVerdict;
  refChanges: RefChange[];
  /**
   * The verdict was decided by the text and the files read through readFile and listDirs alone:
   * no fact was asked of the reader (no path, clean, glob ...) and no loop glob was expanded, and
   * every file asked for was read. The agent hook may keep such an allow while those files do not
   * change (src/agents/answer-cache.ts).
   */
  textAndFiles?: true;
}

/**
 * How many times the collect pass runs again with newly expanded loop globs: once for a loop, once
 * more for a loop inside it whose glob names the outer loop's variable (`for d in packages/*; do
 * for f in $d/*.js`). Deeper ones stay unknown.
 */
const LOOP_GLOB_ROUNDS = 3;

/**
 * Values a `for` loop's glob may expand to (evaluate.ts MAX_LOOP_VALUES holds the same bound
 * for all of a line's loops together): past it the loop variable stays unknown, as before.
 */
export const LOOP_GLOB_LIMIT = 1000;

/**
 * How many times the collect pass runs again with newly read files (FileQuery, DirQuery): a
 * package script that runs a script of another package (`cd ../b && npm run x`) needs one more, a
 * workspace run one for its root (each level above), one for its globs, one for its packages. Files still
 * asked for after them are unknown (null), and what depends on them is judged so.
 */
const FILE_ROUNDS = 8;

export async function classifyWithState(command: string, context: CommandContext, options: StateOptions): Promise<StateClassification> {
  const expansions = new Map<string, string[] | null>();
  const files = options.readFile ? new Map<string, FoundFile | string[] | null>() : null;
  const heads = options.readHeadFiles ? new Map<string, ReadonlyMap<string, string> | null>() : null;
  let collect = new StateView('collect', null, false, expansions, files, null, heads);
  let first = classifyCommandFully(command, { ...context, view: collect });
  // A `for` loop over a glob: expanded from the file system (no git), then collected again, so
  // that the body's paths, one set per value, are noted and read in the one batch below. A
  // package script (`npm run x`): its package.json read (no git), then collected again.
  const globsPending = (round: number): boolean => round < LOOP_GLOB_ROUNDS && options.expandLoopGlob !== undefined && collect.loopGlobQueries.size > 0;
  const filesPending = (): boolean => collect.fileQueries.size > 0 || collect.dirQueries.size > 0 || collect.entryQueries.size > 0 || collect.belowQueries.size > 0 || collect.headQueries.size > 0;
  for (let round = 0; round < Math.max(LOOP_GLOB_ROUNDS, FILE_ROUNDS) && (globsPending(round) || filesPending()); round++) {
    if (globsPending(round)) for (const [key, query] of collect.loopGlobQueries) expansions.set(key, (options.expandLoopGlob as LoopGlobExpander)(query, query.limit ?? LOOP_GLOB_LIMIT));
    for (const [key, query] of collect.fileQueries) {
      if (files?.has(key)) continue;
      const found = options.readFile ? options.readFile(query) : null;
      files?.set(key, found);
      // The nearest file from a directory that holds it is that file: the other spelling is answered too.
      if (found !== null && found !== 'missing' && found.path === `${query.dir.replace(/\/$/, '')}/${query.name}`) files?.set(fileQueryKey({ ...query, up: !query.up }), found);
    }
    for (const [key, query] of collect.dirQueries) files?.set(key, options.listDirs ? options.listDirs(query) : null);
    for (const [key, dir] of collect.entryQueries) files?.set(key, options.listFiles ? options.listFiles(dir) : null);
    for (const [key, dir] of collect.belowQueries) files?.set(key, options.listFilesBelow ? options.listFilesBelow(dir) : null);
    for (const [key, query] of collect.headQueries) heads?.set(key, (options.readHeadFiles as HeadFilesReader)(query));
    collect = new StateView('collect', null, false, expansions, files, null, heads);
    first = classifyCommandFully(command, { ...context, view: collect });
  }
  if (filesPending()) {
    for (const key of [...collect.fileQueries.keys(), ...collect.dirQueries.keys(), ...collect.entryQueries.keys(), ...collect.belowQueries.keys()]) files?.set(key, null);
    for (const key of collect.headQueries.keys()) heads?.set(key, null);
    collect = new StateView('collect', null, false, expansions, files, null, heads);
    first = classifyCommandFully(command, { ...context, view: collect });
  }
  // A git subcommand that is not git's own (an alias in git's configuration): the aliases read
  // (one `git config`), then collected again, so that what the alias runs is noted and read below.
  let aliases: ReadonlyMap<string, string> | null = null;
  if (collect.queries.gitAliases && options.readAliases) {
    aliases = options.readAliases();
    collect = new StateView('collect', null, false, expansions, files, aliases, heads);
    first = classifyCommandFully(command, { ...context, view: collect });
  }
  const queries = collect.queries;
  const othersAskNothing = queries.paths.size === 0 && queries.cleans.size === 0 && queries.globs.size === 0 && queries.finds.size === 0 && !queries.submoduleRecurse && queries.worktreeRemovals.size === 0 && queries.worktreePrunes.size === 0 && queries.sparseCheckouts.size === 0 && queries.treeLandings.size === 0 && queries.submoduleRemovals.size === 0 && queries.submoduleWorks.size === 0 && queries.tracked.size === 0 && queries.guardedPaths.size === 0 && queries.stagedLosses.size === 0;
  // `npm install` with a node_modules: where the walk finds no nested repository there, the collect
  // pass's verdict (it answered "none") is the verdict, decided by the files read and the
  // directories walked, so the agent hook may keep it (package-scripts.ts prunedClone).
  const asksNothing = othersAskNothing && (queries.installPrunes.size === 0 || options.installPrunesByFiles?.([...queries.installPrunes.values()]) === true);
  // Decided by the text alone: a deny no file can change, or nothing that touches files.
  if (first.verdict.verdict === 'deny' || asksNothing) {
    // (An alias looked up in git's configuration is a fact of the repository too: never kept.)
    const onlyFiles = asksNothing && !queries.gitAliases && (heads?.size ?? 0) === 0 && expansions.size === 0 && collect.loopGlobQueries.size === 0 && ![...(files?.values() ?? [])].includes(null);
    const verdict = withCapture(first.verdict, new Map());
    if (collect.watchPolicy && verdict.verdict !== 'deny' && verdict.verdict !== 'ask') verdict.watchPolicy = true;
    return { verdict, refChanges: first.refChanges, ...(onlyFiles && !verdict.watchPolicy ? { textAndFiles: true as const } : {}) };
  }
  const facts = await options.reader(queries);
  const resolved = new StateView('resolved', facts, collect.ignoreRulesChanged, expansions, files, aliases, heads);
  const second = classifyCommandFully(command, { ...context, view: resolved });
  const verdict = limitCapture(second.verdict, resolved, command, options.limits ?? DEFAULT_CAPTURE_LIMITS);
  // The tracked files it deletes, for the snapshot taken first to look at their bits.
  if (verdict.verdict === 'snapshot' && resolved.modePaths.size > 0) verdict.modePaths = [...resolved.modePaths].sort();
  // The commits a removed or pruned worktree alone held, for the caller to keep after its snapshot.
  if (verdict.verdict === 'snapshot' && resolved.keepCommits.size > 0) verdict.keepCommits = [...resolved.keepCommits.values()];
  // guard's own files a broad clean deletes, for the agent hook to put back after the command.
  if (verdict.verdict === 'snapshot' && resolved.putBack.size > 0) verdict.putBack = [...resolved.putBack].sort();
  // A merge, rebase, pull, pick, am or stash pop that may take in a deletion of .guard.yaml: the
  // agent hook keeps a copy and puts it back after the command if it is gone.
  if (resolved.watchPolicy && verdict.verdict !== 'deny' && verdict.verdict !== 'ask') verdict.watchPolicy = true;
  return { verdict, refChanges: second.refChanges };
}

/** The way forward where a rule's command cannot be narrowed the way capture-too-large's own advice says. */
const OVER_BOUND_INSTEAD: Record<string, string> = {
  'git-sparse-checkout': 'Keep the directories that hold them in the cone, or move the ignored files you need out of them first (or add them to commands.regenerable); or ask the person to run the sparse-checkout command themselves, outside the agent.',
  'container-unknown-mounts': CONTAINER_OVER_BOUND,
  'overwrite-ignored': 'Copy or extract into a new or empty directory and move what you need from there, or move the large ignored files out of the way first (or add them to commands.regenerable); or ask the person to raise commands.maxIgnoredCapture.',
};

/** The verdict with its capture, or a deny when the capture is over the bound. */
function limitCapture(verdict: Verdict, resolved: StateView, command: string, limits: CaptureLimits): StateVerdict {
  if (verdict.verdict !== 'snapshot' || resolved.capture.size === 0) return withCapture(verdict, verdict.verdict === 'snapshot' ? resolved.capture : new Map());
  const result = withCapture(verdict, resolved.capture);
  if (result.captureBytes > limits.maxBytes || result.capture.length > limits.maxFiles) {
    const biggest = [...resolved.capture.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([p, size]) => `${Buffer.from(p, 'latin1').toString('utf8')} (${mb(size)})`);
    const reason = `${verdict.command ?? command} ${verdict.rule === 'overwrite-ignored' || resolved.overBoundInstead ? 'replaces' : 'deletes'} ${result.capture.length} ignored files (${mb(result.captureBytes)}), more than guard captures before a command (${limits.maxFiles} files, ${mb(limits.maxBytes)}); the largest: ${biggest.join(', ')}`;
    return withCapture(makeVerdict('deny', 'capture-too-large', reason, verdict.command, resolved.overBoundInstead ?? OVER_BOUND_INSTEAD[verdict.rule]), new Map());
  }
  return result;
}

/** One path an agent's file tool is about to write or delete (absolute, as the tool names it). */
export interface FileToolTarget {
  abs: string;
  deletes: boolean;
}

/** What a file tool's targets need before it runs (fileToolCapture). */
export interface FileToolCapture {
  /** The ignored files to capture into the snapshot taken first (latin1 byte strings, sorted). */
  capture: string[];
  captureBytes: number;
  /**
   * A deny, capture then empty: what a deletion would take that guard could not bring back, as
   * the shell's rm is told (checkDeleteAbs: an untracked file over snapshot.maxFileSize, ignored
   * files beyond what guard can list), or ignored files over what guard captures (capture-too-large).
   */
  deny: Verdict | null;
}

/**
 * Denies of checkDeleteAbs that the agent hook's file rules decide themselves, with their own
 * modes (protected-files.ts: guard's files, the git directory, protected paths; a path outside
 * the worktree is not theirs to judge): a file tool is not refused twice, nor where a rule's
 * mode is warn.
 */
const DECIDED_BY_FILE_RULES = new Set(['protected-path', 'guard-self', 'git-dir-write', 'rm-outside-repo', 'rm-root', 'rm-home', 'rm-repo-root', 'device-write']);

/** A size for a message: bytes, KB or MB (binary units, as .guard.yaml's sizes). */
function sizeText(bytes: number): string {
  if (bytes >= 1024 ** 2) return mb(bytes);
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/**
 * The ignored files (not regenerable output) that an agent's file tools are about to overwrite or
 * delete (an Edit of `.env.local`, a Write over it, a delete tool): no snapshot holds ignored
 * files, so the snapshot taken before the tool runs must capture them, as for a shell command's
 * `cp .env.example .env.local`. Judged by the same checks as the shell's writes and deletions
 * (checkWriteAbs, checkDeleteAbs); what they capture is returned, and a deletion's deny that the
 * agent hook's own file rules (protected-files.ts) do not decide (an untracked file over
 * snapshot.maxFileSize: deleted by the file tool with no copy and no word, where the shell's rm
 * was refused). More than the limits (commands.maxIgnoredCapture, 10,000 files) is a deny, as for
 * a shell command (capture-too-large): the tool would replace bytes no snapshot could bring back.
 */
export async function fileToolCapture(targets: FileToolTarget[], context: CommandContext, options: StateOptions): Promise<FileToolCapture> {
  const judge = (view: StateView): Verdict | null => {
    const ctx = { ...context, view };
    let deny: Verdict | null = null;
    for (const target of targets) {
      if (target.deletes) {
        const verdict = checkDeleteAbs(target.abs, ctx, 'file tool', { recursive: false, verb: 'the file tool deletes' });
        if (verdict.verdict === 'deny' && !DECIDED_BY_FILE_RULES.has(verdict.rule)) deny ??= verdict;
      } else checkWriteAbs(target.abs, ctx, 'file tool', `the file tool writes ${target.abs}`);
    }
    return deny;
  };
  const collect = new StateView('collect');
  judge(collect);
  if (collect.queries.paths.size === 0) return { capture: [], captureBytes: 0, deny: null };
  const resolved = new StateView('resolved', await options.reader(collect.queries), collect.ignoreRulesChanged);
  const denied = judge(resolved);
  if (denied) return { capture: [], captureBytes: 0, deny: denied };
  const { capture, captureBytes } = withCapture(ALLOW, resolved.capture);
  const limits = options.limits ?? DEFAULT_CAPTURE_LIMITS;
  if (captureBytes <= limits.maxBytes && capture.length <= limits.maxFiles) return { capture, captureBytes, deny: null };
  const verb = targets.every((t) => t.deletes) ? 'deletes' : targets.some((t) => t.deletes) ? 'replaces or deletes' : 'replaces';
  const largest = [...resolved.capture.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
  const names = largest.map(([p, size]) => `${Buffer.from(p, 'latin1').toString('utf8')} (${sizeText(size)})`);
  const what = capture.length === 1 ? `the ignored ${names[0]}` : `${capture.length} ignored files (${sizeText(captureBytes)}; the largest: ${names.join(', ')})`;
  const shown = largest.map(([p]) => Buffer.from(p, 'latin1').toString('utf8')).join(', ');
  const reason = `the file tool ${verb} ${what}, more than guard captures into the snapshot it takes first (commands.maxIgnoredCapture: ${sizeText(limits.maxBytes)}, at most ${limits.maxFiles} files); no snapshot holds ignored files, so guard could not bring the old bytes back`;
  const instead = `Leave ${shown} as ${largest.length === 1 ? 'it is' : 'they are'} (write to another file), or ask the person to copy it aside and make the change themselves, to raise commands.maxIgnoredCapture in .guard.yaml, or to add it to commands.regenerable if it can be rebuilt.`;
  return { capture: [], captureBytes: 0, deny: makeVerdict('deny', 'capture-too-large', reason, undefined, instead) };
}
