/**
 * The command guard as the agent hook and `guard check-command` run it, one evaluation for both
 * (evaluateCommand): the text, the repository as it is at the moment of the call
 * (src/policy/command/state.ts), the `commands` settings of the compiled policy, the system temp
 * directory as scratch space, and what the git hooks would refuse part-way (the ref checks of
 * src/githooks/planned-refs.ts).
 */
import { expandShellGlob } from '../util/shell-glob.js';
import { listDirFiles, listFilesBelow, listWorkspaceDirs, newReadTrace, readNearestFile, type ReadTrace } from '../util/nearest-file.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Repo } from '../git/repo.js';
import { pathText, type GitPath } from '../git/path.js';
import { foldsNames, nameFolding } from '../git/name-folding.js';
import { readPathFacts, spelledOnDisk } from '../git/path-facts.js';
import { installPruneWalk } from '../git/install-prune.js';
import { isUtf8 } from 'node:buffer';
import { escapedBytes } from '../util/escaped-text.js';
import { refusedRefChange } from '../githooks/planned-refs.js';
import { projectOutputs } from '../policy/project-outputs.js';
import { configAliases } from '../git/config-aliases.js';
import { AGENTS_WITHOUT_GIT_HOOKS, AGENTS_WITH_POST_TOOL, type Actor } from '../policy/actor.js';
import { classifyWithState, DEFAULT_CAPTURE_LIMITS, fileToolCapture, type CommandContext, type FileToolCapture, type FileToolTarget, type StateClassification, type StateVerdict } from '../policy/command/index.js';
import type { HeadFilesQuery, InstallPruneQuery } from '../policy/command/state.js';
import { headFilesIn } from '../git/head-files.js';
import { DEFAULT_REGENERABLE, type GuardConfig, type Policy } from '../policy/schema.js';

export interface CommandSettings {
  tempIsScratch: boolean;
  regenerable: readonly string[];
  maxIgnoredCapture: number;
  /** snapshot.maxFileSize: a deletion of a larger untracked file cannot be undone (state.ts). */
  maxFileSize: number;
}

/** snapshot.maxFileSize's default (src/snapshot/create.ts DEFAULT_MAX_FILE_SIZE, not imported: the hook bundle stays small). */
const DEFAULT_MAX_FILE_SIZE = 50 * 1024 * 1024;

/** `commands` from a compiled policy (the Policy object or its raw JSON); defaults for what is missing. */
function commandSettings(policy: unknown): CommandSettings {
  const section = (policy as { commands?: Record<string, unknown> } | null)?.commands ?? {};
  const snapshot = (policy as { snapshot?: Record<string, unknown> } | null)?.snapshot ?? {};
  const regenerable = Array.isArray(section.regenerable) && section.regenerable.every((r) => typeof r === 'string') ? (section.regenerable as string[]) : DEFAULT_REGENERABLE;
  return {
    tempIsScratch: typeof section.tempIsScratch === 'boolean' ? section.tempIsScratch : true,
    regenerable,
    maxIgnoredCapture: typeof section.maxIgnoredCapture === 'number' ? section.maxIgnoredCapture : DEFAULT_CAPTURE_LIMITS.maxBytes,
    maxFileSize: typeof snapshot.maxFileSize === 'number' ? snapshot.maxFileSize : DEFAULT_MAX_FILE_SIZE,
  };
}

/** The system temp directory as every spelling an agent may use reaches it (real paths, /tmp included). */
export function tempDirs(): string[] {
  const dirs = new Set<string>();
  // os.tmpdir() reads these same variables on POSIX; calling it would load node:os on the hook path.
  const systemTemp = process.platform === 'win32' ? os.tmpdir() : process.env.TMPDIR || process.env.TMP || process.env.TEMP;
  for (const dir of [systemTemp, '/tmp']) {
    if (!dir) continue;
    dirs.add(dir.replace(/(.)\/+$/, '$1'));
    try {
      dirs.add(fs.realpathSync(dir));
    } catch {
      // not there: nothing to allow in it
    }
  }
  dirs.delete('/');
  return [...dirs];
}

/**
 * `npm install` and the other installs that prune node_modules, answered by the walk alone where
 * it finds no nested repository (install-prune.ts installPruneWalk): the directories it looked at
 * join what the verdict read, so an allow is kept for the agent hook's shim until one of them
 * changes (a `.git` or a package put there). Until 2026-12-06 every such call started Node.
 */
function installPrunesByFiles(queries: InstallPruneQuery[], seen: ReadTrace): boolean {
  const dirs: string[] = [];
  for (const query of queries) {
    // a directory whose path is not UTF-8 cannot be named in text: nothing kept, the reader's full check answers
    const bytes = escapedBytes(query.dir);
    if (!isUtf8(bytes)) return false;
    const walked = installPruneWalk(bytes.toString('utf8'));
    if (walked === null) return false;
    dirs.push(...walked);
  }
  for (const dir of dirs) seen.paths.add(dir);
  return true;
}

/** commands.regenerable and the output directories the project's build tools name (project-outputs.ts), for the ignored files path facts judge. */
function withProjectOutputs(repo: Repo | null, regenerable: readonly string[]): readonly string[] {
  const outputs = repo ? projectOutputs(repo.root) : [];
  return outputs.length === 0 ? regenerable : [...regenerable, ...outputs];
}

function classifyInRepository(command: string, context: CommandContext, repo: Repo | null, settings: CommandSettings, seen: ReadTrace): Promise<StateClassification> {
  const full: CommandContext = { ...context, regenerable: settings.regenerable, maxFileSize: settings.maxFileSize, ...(settings.tempIsScratch ? { scratchDirs: tempDirs() } : {}) };
  return classifyWithState(command, full, {
    reader: (queries) => readPathFacts(repo, queries, { regenerable: withProjectOutputs(repo, settings.regenerable) }),
    expandLoopGlob: expandShellGlob,
    readFile: (query) => readNearestFile(query, seen),
    ...(repo ? { readAliases: () => configAliases(repo) } : {}),
    listDirs: (query) => listWorkspaceDirs(query, seen),
    listFiles: (dir) => listDirFiles(dir, seen),
    listFilesBelow: (dir) => listFilesBelow(dir, seen),
    ...(repo ? { readHeadFiles: (query: HeadFilesQuery) => headFilesIn(repo.root, query.dir, query.suffixes) } : {}),
    installPrunesByFiles: (queries) => installPrunesByFiles(queries, seen),
    limits: { maxBytes: settings.maxIgnoredCapture, maxFiles: DEFAULT_CAPTURE_LIMITS.maxFiles },
  });
}

export interface Evaluation {
  /** The directory the command runs in. */
  cwd: string;
  /** The repository of that directory; null outside any. */
  repo: Repo | null;
  /** The compiled policy (readPolicy); outside a repository, the defaults. */
  policy: Policy | GuardConfig;
  actor: Actor;
  /** The home directory (`~`); default $HOME. */
  home?: string;
}

/**
 * The verdict of the agent hook and of `guard check-command`, from one place, so the two cannot
 * disagree: the command guard with the repository's state, then, unless that already denies,
 * the ref changes the command announces judged as the git hooks would judge them (so
 * `git reset --hard HEAD~1` on protected main is denied here, before it starts, rather than
 * refused by reference-transaction once the working tree is already reset).
 */
function contextOf(input: Evaluation): CommandContext {
  const { repo, policy, actor } = input;
  return {
    cwd: input.cwd,
    repoRoot: repo?.root ?? null,
    gitDir: repo?.gitDir ?? null,
    commonDir: repo?.commonDir ?? null,
    home: input.home ?? (process.env.HOME || os.homedir()),
    isAgent: actor.kind === 'agent',
    gitHooksOff: actor.kind === 'agent' && actor.agent !== null && AGENTS_WITHOUT_GIT_HOOKS.has(actor.agent),
    putsBackOwnFiles: actor.kind === 'agent' && actor.agent !== null && AGENTS_WITH_POST_TOOL.has(actor.agent),
    protectedBranches: policy.protect.branches,
    protectedPaths: policy.protect.paths,
  };
}

/**
 * An allow decided by the command's text, the policy and the files read for it alone (a package
 * script's package.json, a workspace's listing: StateClassification.textAndFiles), with what
 * those reads depend on (ReadTrace): the agent hook may keep it while that holds
 * (src/agents/answer-cache.ts).
 */
export type Evaluated = StateVerdict & { readFiles?: ReadTrace };

export async function evaluateCommand(command: string, input: Evaluation): Promise<Evaluated> {
  const { repo, policy, actor } = input;
  const seen = newReadTrace();
  const classified = await classifyInRepository(command, contextOf(input), repo, commandSettings(policy), seen);
  const verdict = classified.verdict;
  if (verdict.verdict === 'allow' && classified.textAndFiles && classified.refChanges.length === 0) return { ...verdict, readFiles: seen };
  if (verdict.verdict === 'deny' || classified.refChanges.length === 0 || !repo || !('policyFormat' in policy)) return verdict;
  // What the git hooks would refuse part-way (or, with hooks off, not at all) is refused whole.
  const keep: string[] = [];
  const violation = await refusedRefChange({ repo, policy, actor }, classified.refChanges, keep);
  if (!violation) return keep.length > 0 && verdict.verdict === 'snapshot' ? { ...verdict, keep } : verdict;
  const shown = command.length > 200 ? 'this command' : command;
  if (violation.rule === 'protected-path-delete' || violation.rule === 'protected-path-modify') {
    return {
      verdict: 'deny',
      rule: violation.rule,
      reason: `${shown} would make a ${violation.what}; git's pre-commit hook refuses such a commit, but not where the agent runs git with hooks off (Gemini CLI), so guard refuses it before it starts${violation.why ? `. ${violation.why}` : ''}`,
      instead: violation.instead.join('; '),
      capture: [],
      captureBytes: 0,
    };
  }
  return {
    verdict: 'deny',
    rule: violation.rule,
    reason: `${shown} would ${violation.what}; ${violation.rule === 'protected-branch-force-push' ? "git's pre-push hook would refuse it" : `git's reference-transaction hook would refuse it only once the command is under way (${violation.partWay ?? 'a reset has reset the working tree by then'})`}, or not at all where the agent runs git with hooks off, so guard refuses it before it starts${violation.why ? `. ${violation.why}` : ''}`,
    instead: violation.instead.join('; '),
    capture: [],
    captureBytes: 0,
  };
}

/**
 * A file tool's targets as the file system finds them where it folds case (core.ignoreCase) or
 * Unicode normalization (core.precomposeUnicode): a Write of `.GITHUB/workflows/ci.yml` there
 * changes the protected `.github/workflows/ci.yml`, and the agent hook's file rules
 * (protected-files.ts) judge the names on disk. Unchanged, and no git process, where neither is
 * set (name-folding.ts).
 */
export function fileToolTargets(repo: Repo, targets: string[], cwd: string): string[] {
  if (targets.length === 0) return targets;
  const folding = nameFolding(repo);
  if (!foldsNames(folding)) return targets;
  return targets.map((target) => spelledOnDisk(repo.root, path.resolve(cwd, target), folding));
}

/** The captured ignored files as text, for messages and the journal. */
export function captureNames(verdict: StateVerdict): string[] {
  return verdict.capture.map((p) => pathText(p as GitPath));
}

/**
 * The ignored files an agent's file tools are about to overwrite or delete (fileToolCapture), for
 * the snapshot the agent hook takes first; when they are more than guard captures before a command
 * (commands.maxIgnoredCapture, 10,000 files), or a deletion guard could not undo, none, and the
 * deny that says so.
 */
export async function fileToolIgnored(targets: FileToolTarget[], input: Evaluation): Promise<FileToolCapture> {
  const settings = commandSettings(input.policy);
  // maxFileSize: a deletion of a larger untracked file is refused, as the shell's rm is.
  return fileToolCapture(targets, { ...contextOf(input), regenerable: settings.regenerable, maxFileSize: settings.maxFileSize }, {
    reader: (queries) => readPathFacts(input.repo, queries, { regenerable: withProjectOutputs(input.repo, settings.regenerable) }),
    limits: { maxBytes: settings.maxIgnoredCapture, maxFiles: DEFAULT_CAPTURE_LIMITS.maxFiles },
  });
}
