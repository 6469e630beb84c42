/**
 * `guard agent-hook <agent> <event>`: what every agent hook runs (through hooks/agent-hook.sh,
 * which answers the plainly benign shell commands itself). Reads the agent's payload on stdin,
 * and answers in that agent's protocol:
 *
 *   session-start      start or resume the session (the session-start snapshot)
 *   pre-tool, shell    classifyCommand: allow | snapshot (take one, then allow) | ask | deny
 *   pre-tool, file     guard's own files and protected paths are denied (protected-files.ts);
 *                      an ignored file it replaces is captured into a snapshot first, or denied
 *                      when larger than guard captures
 *   stop, session-end  end the session; the summary where the agent shows one
 *
 * It never fails open silently: if anything in here throws, a tool call that is not provably
 * benign is denied in the agent's own protocol and the error goes to the journal as `hook-error`.
 * Output bytes are the protocol, so this command writes stdout/stderr itself.
 */
import { TEST_FAULTS, testFault } from '../../util/test-faults.js';
import fs from 'node:fs';
import path from 'node:path';
import { findAgent } from '../../agents/index.js';
import { shellQuote } from '../../agents/package-root.js';
import { checkFileTarget } from '../../agents/protected-files.js';
import { hasSubmodules, submoduleStartNote } from '../../agents/submodule-note.js';
import { HOOK_EVENTS, type AgentEvent, type AgentIntegration, type HookEventKind, type HookVerdict } from '../../agents/types.js';
import { readPolicy } from '../../config/compile.js';
import { guardCommonPath, openRepo, repoFromRevParse, superprojectOf, type Repo } from '../../git/repo.js';
import { exactPathArg, gitPath, pathText, type GitPath } from '../../git/path.js';
import type { Policy } from '../../policy/schema.js';
import { appendEvent } from '../../session/journal.js';
import { newStepMark, pokeWatcher, recordStepEnd, recordStepSnapshot, recordStepStart, type StepCall } from '../../session/steps.js';
import { checkpointSession, endSession, ensureSession, openSessionOf, startSession, type SessionRecord } from '../../session/store.js';
import { summaryHasChanges } from '../../session/summary.js';
import { createSnapshot } from '../../snapshot/create.js';
import { escapedBytes } from '../../util/escaped-text.js';
import { keepTips, type KeepItem } from '../../githooks/keep.js';
import type { Snapshot } from '../../snapshot/format.js';
import type { CommandContext } from '../main.js';
import { captureNames, evaluateCommand, fileToolIgnored, fileToolTargets } from '../command-state.js';
import { keepAllow } from '../../agents/answer-cache.js';
import { recordSeenEnv } from '../../agents/seen-env.js';
import { launcherPath, packageStamp } from '../../agents/launcher.js';
import { shortId } from '../format.js';
import { AGENTS_WITH_POST_TOOL } from '../../policy/actor.js';
import { writeToFd } from '../output.js';
import { tellHeadlessUser } from '../headless-output.js';
import { backupAfterSnapshot, pushNow } from '../../backup/auto-push.js';
import { askWatcher, capturedAll } from '../../watcher/serve.js';
import { recoverAdvice } from '../recover-hint.js';
import { sessionBackupWarning, sessionHeading, summaryText } from '../session-text.js';


interface HookArgs {
  agent: string;
  event: string;
}

/**
 * How hooks/agent-hook.sh hands over the repository of the directory it runs in: the output of
 * its own `git rev-parse` (the one openRepo runs), computed in sh only when it starts Node.
 */
const SHIM_REPO_ENV = 'GUARD_SHIM_REPO';

/**
 * The shim's repository, if it passed one. Read once and removed from the environment, so that
 * no child (git, the watcher) inherits it: only a shim that exec'd this very process sets it.
 */
function takeShimRepo(): Repo | null {
  const value = process.env[SHIM_REPO_ENV];
  if (value === undefined) return null;
  delete process.env[SHIM_REPO_ENV];
  return value === '' ? null : repoFromRevParse(value);
}

/**
 * The launcher that ran this hook (hooks/agent-hook.sh as `guard init` wrote it into a common git
 * dir), relative to this process's cwd; null when the package's own shim or `guard agent-hook`
 * ran directly. Read once and removed from the environment, as the shim's repository.
 */
const SHIM_LAUNCHER_ENV = 'GUARD_SHIM_LAUNCHER';

function takeShimLauncher(): string | null {
  const value = process.env[SHIM_LAUNCHER_ENV];
  delete process.env[SHIM_LAUNCHER_ENV];
  return value ? path.resolve(value) : null;
}

/**
 * The package stamp baked into the launcher that ran (its guard_stamp_installed line; undefined
 * from a launcher older than the stamp). Not the package's own (packageStamp): the package was
 * upgraded or downgraded under the launcher, which then handed this call to Node instead of
 * answering in sh, and this hook refreshes it (refreshAfterChange). Read once and removed from the
 * environment, as the shim's repository.
 */
const SHIM_STAMP_ENV = 'GUARD_SHIM_STAMP';

function takeShimStamp(): string | undefined {
  const value = process.env[SHIM_STAMP_ENV];
  delete process.env[SHIM_STAMP_ENV];
  return value;
}

/**
 * The watcher daemon hooks/agent-hook.sh started for a session start, beside this process (its
 * pid), for the shim's repository: the session waits for that one instead of starting another.
 * Read once and removed from the environment, as the shim's repository.
 */
const SHIM_WATCHER_ENV = 'GUARD_SHIM_WATCHER';

function takeShimWatcher(): number | null {
  const value = process.env[SHIM_WATCHER_ENV];
  if (value === undefined) return null;
  delete process.env[SHIM_WATCHER_ENV];
  const pid = Number(value);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

async function readStdin(): Promise<string> {
  // A terminal (or any character device, such as /dev/null) gives no payload. fstat rather
  // than process.stdin.isTTY or tty.isatty: those set up a stream, or load net and stream.
  try {
    if (fs.fstatSync(0).isCharacterDevice()) return '';
  } catch {
    return '';
  }
  try {
    // A synchronous read of fd 0 avoids setting up a stream on the hot path.
    return fs.readFileSync(0, 'utf8');
  } catch (error) {
    // A non-blocking descriptor: read it as a stream instead.
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
}

/**
 * The repository the event happens in: the event's cwd, else the hook's own cwd (the agent's
 * project dir). The shim's answer stands in for `git rev-parse` only for the directory the shim
 * ran it in, which is this process's cwd (the shim execs Node without changing directory).
 */
async function repoFor(event: AgentEvent | null, fallback: string, shimRepo: Repo | null, launcher: string | null): Promise<Repo | null> {
  for (const dir of [event?.cwd, fallback]) {
    if (!dir) continue;
    try {
      return await guardedRepo(shimRepo && path.resolve(dir) === process.cwd() ? shimRepo : await openRepo(dir), launcher);
    } catch {
      // not a repository: try the next candidate
    }
  }
  return null;
}

/**
 * The repository guard protects for an event in `repo`: `repo` itself, or, when the launcher that
 * ran is not `repo`'s, the superproject (nearest first) it belongs to. The hook command finds the
 * superproject's launcher from a submodule without one (launcher.ts); judged from there,
 * with the event's cwd inside the submodule, git commands and deletions in it are known to work on
 * another repository (its files are in no snapshot). Judged as its own repository, where guard
 * has no snapshot and no policy, an agent's `git reset --hard` or `git clean -fdx` run in a
 * submodule went through unchecked (friction hunt, 2026-12-04 evening). No git process unless the
 * launcher is another repository's (two per level then: rev-parse and the openRepo).
 */
async function guardedRepo(repo: Repo, launcher: string | null): Promise<Repo> {
  if (!launcher) return repo;
  for (let at = repo; ; ) {
    if (guardCommonPath(at, 'agent-hook.sh') === launcher) return at;
    const top = await superprojectOf(at);
    if (!top) return repo;
    at = await openRepo(top);
  }
}

function journalBase(agent: AgentIntegration, session: SessionRecord): { session: string; agent: string } {
  return { session: session.id, agent: agent.id };
}

/** A verdict, and (for the step record) whether guard took a snapshot before allowing. */
type ShellVerdict = HookVerdict & { snapshotFirst?: boolean };

/** Where an allow may be kept for the shim (answer-cache.ts): the launcher that ran and when the hook started; null: not kept. */
interface Keeping {
  launcher: string | null;
  startedMs: number;
}

async function onShell(repo: Repo, policy: Policy, agent: AgentIntegration, event: AgentEvent, session: SessionRecord, command: string, keeping: Keeping | null): Promise<ShellVerdict> {
  // The same evaluation as `guard check-command` (command-state.ts): the text, what the repository
  // holds now, and what the git hooks would refuse part-way.
  const result = await evaluateCommand(command, { cwd: event.cwd ?? repo.root, repo, policy, actor: { kind: 'agent', agent: agent.id, marker: null } });
  const base = { ...journalBase(agent, session), tool: event.tool?.name, command, rule: result.rule, reason: result.reason };
  // A merge, rebase, pull, pick, am, revert or stash pop may take in a deletion of .guard.yaml
  // made on the other side: a copy of its bytes now, put back after the command if it is gone
  // (restore/own-files.ts notePolicyWatch; the post-tool hook, else the next event).
  // (A snapshot verdict notes it once its snapshot is taken: a refusal leaves no watch behind.)
  const watch = result.watchPolicy && result.verdict === 'allow' && policy.sourceExists ? await watchPolicyFor(repo, policy, command) : false;
  switch (result.verdict) {
    case 'allow':
      // Decided by the text and the files it read alone (a package script's package.json): kept
      // for the shim, which answers the same call from it while none of those files changes.
      if (keeping?.launcher && result.readFiles && event.cwd && !watch) {
        keepAllow({
          launcher: keeping.launcher,
          repoLauncher: launcherPath(repo),
          repo,
          agent: agent.id,
          command,
          cwd: event.cwd,
          policySource: policy.source,
          policySourceExists: policy.sourceExists,
          readFiles: result.readFiles,
          startedMs: keeping.startedMs,
        });
      }
      return { decision: 'allow' };
    case 'snapshot': {
      const before = `before: ${command}`;
      return snapshotThenAllow(repo, policy, agent, session, {
        base,
        message: before.slice(0, 500),
        capture: result.capture,
        lookAtModes: result.modePaths ?? [],
        tellCaptured: true,
        // A lease push may overwrite the remote tips its remote-tracking refs name: no snapshot
        // holds remote-tracking refs, so the keep chain holds those commits (as pre-push does,
        // which agents running git with hooks off never reach).
        // A removed or pruned worktree's detached HEAD and per-worktree refs: no snapshot of this
        // worktree holds what only they reach, so the keep chain does (by oid, read before the command).
        after: async (snapshot) => {
          // The command may delete .git, this snapshot with it (a delete in a container whose
          // mounts guard cannot see): the snapshot goes into the backup outside the working tree
          // before the command runs, or the command is refused (Verdict.backupFirst).
          if (result.backupFirst) {
            const pushed = await pushNow(repo, policy, { snapshotJustTaken: true });
            if (!pushed.ok || pushed.skipped) throw new BackupFirstFailed(pushed.error ?? (pushed.skipped ? `the backup skips a ${pushed.skipped}` : 'not pushed'));
          }
          const backedUp = result.backupFirst ? { backedUpFirst: true } : {};
          if (result.watchPolicy && policy.sourceExists) await watchPolicyFor(repo, policy, command);
          // guard's own files the command deletes come back after it, from this snapshot, which
          // must hold them; if it does not, the command is refused as before (guard-self).
          const putBack = result.putBack ?? [];
          if (putBack.length > 0) {
            const { notHeldBy, notePutBack } = await import('../../restore/own-files.js');
            const lost = await notHeldBy(repo, snapshot, putBack);
            if (lost.length > 0) throw new OwnFilesNotHeld(lost);
            notePutBack(repo, snapshot.oid, putBack, command);
          }
          // An agent's hook file the project tracks (guard's entries an uncommitted change of it):
          // a command guard lets run after a snapshot may revert it (git reset --hard, git checkout
          // -f BRANCH); guard's entries are written back after it where they are gone (agents/rehook.ts).
          const { trackedHookAgents } = await import('../../agents/rehook.js');
          const rehook = await trackedHookAgents(repo);
          if (rehook.length > 0) {
            const { noteRehook } = await import('../../restore/own-files.js');
            noteRehook(repo, snapshot.oid, rehook, command);
          }
          const items: KeepItem[] = [
            // A kept ref is escaped text; cat-file reads each name as latin1 bytes (checkObjects): its exact bytes.
            ...(result.keep ?? []).map((ref) => ({ ref, oid: escapedBytes(ref).toString('latin1'), reason: before.slice(0, 200) })),
            ...(result.keepCommits ?? []).map((c) => ({ ref: `${c.ref} of worktree ${c.root}`, oid: c.oid, reason: before.slice(0, 200) })),
          ];
          const kept = items.length > 0 ? (await keepTips(repo, items)).kept : [];
          return { ...backedUp, ...(result.capture.length > 0 ? { capturedIgnored: captureNames(result) } : {}), ...(kept.length > 0 ? { kept: kept.map((k) => `${k.ref} ${k.oid}`) } : {}), ...(putBack.length > 0 ? { putBackAfter: putBack } : {}) };
        },
        tooSlow: (budget) => ({
          reason: `the snapshot this command needs first did not finish in ${budget} s (snapshot.hookBudgetSeconds), so guard refuses the command rather than let it run unprotected`,
          instead: 'retry the command (the next snapshot reuses what this one stored), or have the person start `guard watch` so snapshots are O(changes)',
        }),
        failed: (error) =>
          error instanceof BackupFirstFailed
            ? {
                reason: `${command.length > 200 ? 'this command' : command} may delete the repository's .git, where the snapshot taken first is, and that snapshot could not be put into the backup outside the working tree (${error.message}), so guard could not bring the repository back`,
                instead: 'run `guard backup push` to see why the backup fails and fix it, then try again; or run the command where guard can see what it deletes (`docker compose exec SERVICE ...` with the compose file in the repository)',
              }
            : error instanceof OwnFilesNotHeld
            ? {
                reason: `${command.length > 200 ? 'this command' : command} deletes ${error.paths.join(', ')}, which configures guard or an agent's hooks, and the snapshot taken first could not hold it (larger than snapshot.maxFileSize, or unreadable), so guard could not put it back afterwards`,
                instead: `leave it out with an exclude pathspec (\`git clean <same options> -- . ${error.paths.map((p) => `':!${p}'`).join(' ')}\`), or name what to clean`,
              }
            : { reason: `guard could not take the snapshot this command needs first (${error.message})`, instead: 'run `guard snapshot` to see the problem, then try again' },
      });
    }
    case 'ask':
      appendEvent(repo, { type: 'asked', ...base });
      return { decision: 'ask', rule: result.rule, reason: result.reason, ...(result.instead ? { instead: result.instead } : {}) };
    case 'deny':
      appendEvent(repo, { type: 'blocked', ...base, ...(result.instead ? { instead: result.instead } : {}) });
      return { decision: 'deny', rule: result.rule, reason: result.reason, ...(result.instead ? { instead: result.instead } : {}) };
  }
}

/**
 * The snapshot a command needs before it runs. A running watcher takes it first, O(changes), as
 * for `guard snapshot` (src/watcher/serve.ts): it shows it has seen every change made before the
 * request, and reads the ignored files the command deletes (`capture`) at the snapshot. Its answer
 * is used only when it holds each of those files that is there now; otherwise, or when no watcher
 * answers within half the budget (none runs, another worktree, polling, other snapshot options,
 * hung), this hook walks the working tree itself, as it always did. Both take .guard.yaml's
 * snapshot options, the ones the command guard judged the command by (snapshot.maxFileSize).
 */
async function preCommandSnapshot(
  repo: Repo,
  policy: Policy,
  what: { session: string; agent: string; message: string; capture: string[]; lookAtModes: string[] },
  budgetSeconds: number,
): Promise<{ snapshot: Snapshot; created: boolean; served: boolean }> {
  const settings = { maxFileSize: policy.snapshot.maxFileSize, includeIgnored: policy.snapshot.includeIgnored };
  // The ignored files the command deletes (not regenerable output) go into this snapshot too.
  const capture = what.capture.length > 0 ? what.capture : null;
  // The tracked files it deletes: their bits, which no index holds (file-modes.ts).
  const lookAt = what.lookAtModes.length > 0 ? { lookAtModes: what.lookAtModes } : {};
  const served = await askWatcher(
    repo,
    { root: repo.root, trigger: 'hook', message: what.message, session: what.session, agent: what.agent, force: false, ...settings, ...(capture ? { captureIgnored: capture } : {}), ...lookAt },
    budgetSeconds * 500,
  );
  if (served && capturedAll(repo, served.snapshot, what.capture)) return { snapshot: served.snapshot, created: served.created, served: true };
  const walked = await createSnapshot(repo, { trigger: 'hook', session: what.session, agent: what.agent, message: what.message, ...settings, ...(capture ? { captureIgnored: capture } : {}), ...lookAt });
  return { snapshot: walked.snapshot, created: walked.created, served: false };
}

class SnapshotTooSlow extends Error {}

/** guard's own files a command deletes that the snapshot taken first does not hold (so they could not be put back). */
class OwnFilesNotHeld extends Error {
  constructor(readonly paths: string[]) {
    super(`the snapshot does not hold ${paths.join(', ')}`);
  }
}

/** The backup push a command needs before it runs (Verdict.backupFirst) did not succeed. */
class BackupFirstFailed extends Error {}

/** Set when a snapshot was left running past its budget: run exits at once instead of waiting for it. */
let abandonedWork = false;

/**
 * The snapshot, or SnapshotTooSlow once the budget is spent. The snapshot itself is not stopped:
 * the hook answers and exits (run ends the process), and a snapshot that completes later only
 * adds a ref; one that does not leaves nothing but unreferenced objects.
 */
async function withinBudget<T>(work: Promise<T>, seconds: number): Promise<T> {
  // Test-only (compiled out of the product, util/test-faults.ts): hold the snapshot back, to prove the budget denies.
  const delay = Number(testFault('GUARD_TEST_SNAPSHOT_DELAY_MS') ?? 0);
  const held = Number.isFinite(delay) && delay > 0 ? work.then((value) => new Promise<T>((resolve) => setTimeout(() => resolve(value), delay).unref())) : work;
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abandonedWork = true;
      reject(new SnapshotTooSlow());
    }, seconds * 1000);
  });
  try {
    return await Promise.race([held, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** What a caller of snapshotThenAllow says in the journal and to the agent. */
interface SnapshotFirst {
  /** The journal fields of this tool call (session, agent, tool, rule, reason, ...). */
  base: Record<string, unknown>;
  /** The snapshot's message. */
  message: string;
  /** The ignored files the snapshot captures, and the tracked files whose bits it looks at. */
  capture: string[];
  lookAtModes: string[];
  /**
   * Tell the person which ignored files were captured and the `guard rollback ID --paths F` that
   * gives them back (a shell command: `git pull`, `git merge X` over `.env`; a file tool's own
   * target stays silent, the agent asked for exactly that file).
   */
  tellCaptured?: boolean;
  /**
   * Work that must also be done before the tool runs (keeping tips), under the same rule: if it
   * throws, the call is denied. Returns the fields it adds to the allowed-after-snapshot event.
   */
  after: (snapshot: Snapshot) => Promise<Record<string, unknown>>;
  /** The reason and way forward of a deny, in the caller's words: the budget ran out, or the snapshot failed. */
  tooSlow: (budgetSeconds: number) => { reason: string; instead: string };
  failed: (error: Error) => { reason: string; instead: string };
}

/**
 * Takes the snapshot a tool call needs first (preCommandSnapshot, within
 * snapshot.hookBudgetSeconds), then allows it; a shell command and a file tool both come here, so
 * what they journal and when they deny cannot drift apart. Never lets the call run without its
 * snapshot, and never leaves the answer to the agent's hook timeout (every agent runs the tool
 * when its hook times out): a snapshot past the budget denies with `snapshot-too-slow`, any other
 * error with `snapshot-failed`.
 */
async function snapshotThenAllow(repo: Repo, policy: Policy, agent: AgentIntegration, session: SessionRecord, what: SnapshotFirst): Promise<ShellVerdict> {
  const budget = policy.snapshot.hookBudgetSeconds;
  let taken;
  let added: Record<string, unknown>;
  try {
    taken = await withinBudget(preCommandSnapshot(repo, policy, { session: session.id, agent: agent.id, message: what.message, capture: what.capture, lookAtModes: what.lookAtModes }, budget), budget);
    added = await what.after(taken.snapshot);
  } catch (error) {
    const late = error instanceof SnapshotTooSlow;
    const rule = late ? 'snapshot-too-slow' : 'snapshot-failed';
    const { reason, instead } = late ? what.tooSlow(budget) : what.failed(error as Error);
    appendEvent(repo, { type: 'blocked', ...what.base, rule, reason });
    return { decision: 'deny', rule, reason, instead };
  }
  const { snapshot } = taken;
  appendEvent(repo, { type: 'snapshot', snapshot: snapshot.oid, trigger: 'hook', ...journalBase(agent, session), takenBy: taken.served ? 'watcher' : 'walk' });
  // Into the backup as well, without holding up the command: a watcher that took a new
  // snapshot pushes it itself (as for `guard snapshot`); otherwise a detached pusher does.
  if (!taken.served) backupAfterSnapshot(repo, true);
  else if (!taken.created) backupAfterSnapshot(repo, false);
  appendEvent(repo, { type: 'allowed-after-snapshot', ...what.base, snapshot: snapshot.oid, ...added });
  return { decision: 'allow', snapshotFirst: true, ...(what.tellCaptured && what.capture.length > 0 ? { message: capturedMessage(snapshot.oid, what.capture) } : {}) };
}

/**
 * What the person is told when the snapshot taken first captured ignored files the call writes
 * over or deletes (`.env` under a `git pull`): which, and the command that gives exactly them back.
 */
function capturedMessage(oid: string, capture: string[]): string {
  const id = shortId(oid);
  const names = capture.map((p) => pathText(p as GitPath));
  const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`;
  const them = names.length > 1 ? 'them' : 'it';
  return `git-guard: the ignored ${shown} ${names.length > 1 ? 'were' : 'was'} captured into snapshot ${id} before this call writes over ${them}; to get ${them} back: guard rollback ${id} --paths ${capture.map((p) => exactPathArg(p as GitPath)).join(' ')}`;
}

/**
 * Codex's apply_patch tool call (and OpenCode's) as the shell line Codex would apply the same
 * patch from: `apply_patch '<patch>'`. The command guard judges that line (classifyApplyPatch in
 * src/policy/command/commands.ts), so the tool call and the shell form get one judgment: a file
 * moved out of the repository (`*** Move to: ../a.ts`) or deleted is a deletion (snapshot first,
 * ignored files that are not regenerable captured, protected paths and guard's files denied), an
 * ignored file written over (`*** Add File: .env`, `*** Move to: .env`) is captured first. Quoted,
 * not a heredoc, so no line of the patch can end it.
 */
function applyPatchLine(patch: string): string {
  return `apply_patch ${shellQuote(patch)}`;
}

async function onFileTool(repo: Repo, policy: Policy, agent: AgentIntegration, event: AgentEvent, session: SessionRecord): Promise<ShellVerdict> {
  const tool = event.tool;
  const targets = [...new Set([...(tool?.paths ?? []), ...(tool?.path ? [tool.path] : [])])];
  const cwd = event.cwd ?? repo.root;
  for (const target of fileToolTargets(repo, targets, cwd)) {
    const found = checkFileTarget(repo, policy, target, cwd);
    if (!found) continue;
    const entry = { ...journalBase(agent, session), tool: tool?.name, path: found.path, rule: found.rule, reason: found.reason };
    if (found.mode === 'warn') {
      appendEvent(repo, { type: 'warned', ...entry });
      continue;
    }
    appendEvent(repo, { type: 'blocked', ...entry });
    return { decision: 'deny', rule: found.rule, reason: found.reason, instead: found.instead };
  }
  return captureBeforeFileTool(repo, policy, agent, event, session, targets, cwd);
}

/**
 * An ignored file a file tool overwrites or deletes (an Edit or Write of `.env.local`) is in no
 * snapshot and the watcher does not look at it: the snapshot taken first captures it, as for
 * `cp .env.example .env.local` in the shell (overwrite-ignored), so `guard rollback` brings the
 * old bytes back. Tracked and untracked files need nothing here (the watcher's snapshots hold
 * them), nor does regenerable output; a tool that only writes new files costs one lstat each, and
 * one that writes or deletes a tracked file a read of the index (path-facts.ts). Ignored files over what guard
 * captures (commands.maxIgnoredCapture) are denied (capture-too-large): guard could not bring
 * them back, so the tool does not run, as for the same write from the shell.
 */
async function captureBeforeFileTool(repo: Repo, policy: Policy, agent: AgentIntegration, event: AgentEvent, session: SessionRecord, targets: string[], cwd: string): Promise<ShellVerdict> {
  const tool = event.tool;
  const deletes = tool?.kind === 'file-delete';
  const { capture, deny } = await fileToolIgnored(
    targets.map((target) => ({ abs: path.resolve(cwd, target), deletes })),
    { cwd, repo, policy, actor: { kind: 'agent', agent: agent.id, marker: null } },
  );
  if (deny) {
    // More than guard captures, or a deletion guard could not undo: refused, as for a shell command.
    appendEvent(repo, { type: 'blocked', ...journalBase(agent, session), tool: tool?.name, path: targets.join(' '), rule: deny.rule, reason: deny.reason, ...(deny.instead ? { instead: deny.instead } : {}) });
    return { decision: 'deny', rule: deny.rule, reason: deny.reason, ...(deny.instead ? { instead: deny.instead } : {}) };
  }
  if (capture.length === 0) return { decision: 'allow' };
  const base = { ...journalBase(agent, session), tool: tool?.name, path: targets.join(' '), rule: 'overwrite-ignored', reason: `the file tool ${deletes ? 'deletes' : 'replaces'} ignored files no snapshot holds` };
  return snapshotThenAllow(repo, policy, agent, session, {
    base,
    message: `before: ${tool?.name ?? 'a file tool'} ${targets.join(' ')}`.slice(0, 500),
    capture,
    lookAtModes: [],
    after: async () => ({ capturedIgnored: captureNamesOf(capture) }),
    // As for a shell command: never let it run without the snapshot that holds what it replaces.
    tooSlow: (budget) => ({
      reason: `the snapshot this file tool needs first (it replaces the ignored ${captureNamesOf(capture).join(', ')}) did not finish in ${budget} s (snapshot.hookBudgetSeconds)`,
      instead: 'retry, or run `guard snapshot` to see the problem',
    }),
    failed: (error) => ({ reason: `guard could not take the snapshot this file tool needs first (${error.message})`, instead: 'retry, or run `guard snapshot` to see the problem' }),
  });
}

function captureNamesOf(capture: string[]): string[] {
  return capture.map((p) => pathText(p as GitPath));
}

/** What the journal keeps of a tool call: file paths relative to the worktree when they are inside it. */
function stepCall(repo: Repo, agent: AgentIntegration, event: AgentEvent, session: string | null): StepCall {
  const tool = event.tool;
  const cwd = event.cwd ?? repo.root;
  const paths = [...new Set([...(tool?.paths ?? []), ...(tool?.path ? [tool.path] : [])])].map((p) => {
    const relative = path.relative(repo.root, path.resolve(cwd, p));
    return relative.startsWith('..') || path.isAbsolute(relative) ? p : relative.split(path.sep).join('/');
  });
  return {
    session,
    agent: agent.id,
    agentSession: event.sessionId,
    tool: tool?.name,
    kind: tool?.kind,
    ...(tool?.kind === 'shell' ? { command: tool.command ?? '' } : {}),
    paths,
    ...(event.callId ? { callId: event.callId } : {}),
  };
}

/**
 * post-tool closes the step: a step-end line, then the snapshot after it. A running watcher takes
 * that snapshot (it knows what changed, so it costs O(changes)); without one, this hook takes it,
 * reading only the files a file tool names.
 */
async function onPostTool(repo: Repo, agent: AgentIntegration, event: AgentEvent): Promise<void> {
  const session = openSessionOf(repo, agent.id, event.sessionId);
  const call = stepCall(repo, agent, event, session?.id ?? null);
  const mark = newStepMark();
  recordStepEnd(repo, call, mark);
  const { watcherRunning } = await import('../../watcher/state-file.js');
  if (watcherRunning(repo)) {
    pokeWatcher(repo, mark);
    return;
  }
  const files = call.kind !== 'shell' && call.paths && call.paths.length > 0 && call.paths.every((p) => !path.isAbsolute(p)) ? call.paths : null;
  const { snapshot } = await createSnapshot(repo, {
    trigger: 'hook',
    session: session?.id ?? null,
    agent: agent.id,
    message: `after: ${call.command ?? call.paths?.join(' ') ?? call.tool ?? 'a tool call'}`.slice(0, 500),
    // The tool call names files as text (UTF-8): the snapshot takes their bytes.
    ...(files ? { changedPaths: files.map((f) => gitPath(f)) } : {}),
  });
  recordStepSnapshot(repo, [mark], snapshot.oid, { session: session?.id ?? null, agent: agent.id, by: 'hook' });
}

async function handle(agent: AgentIntegration, event: AgentEvent, cwd: string, shimRepo: Repo | null, shimWatcher: number | null, launcher: string | null, shimStamp: string | undefined, startedMs: number): Promise<HookVerdict> {
  const unnamable = unnamableDirectory(event.cwd ?? cwd);
  if (unnamable) return unnamableVerdict(event, unnamable);
  const repo = await repoFor(event, cwd, shimRepo, launcher);
  // Outside a git repository there is nothing of guard's to protect or snapshot, unless its .git
  // was removed and a backup of it exists: then say how to get it back.
  if (!repo) return event.kind === 'post-tool' ? { decision: 'allow' } : goneRepoVerdict(event.cwd ?? cwd);
  // Test-only (compiled out of the product, util/test-faults.ts): a crash, to prove it denies.
  if (TEST_FAULTS && testFault('GUARD_TEST_CRASH') === '1') throw new Error('GUARD_TEST_CRASH=1: simulated crash inside the agent hook');
  // guard's own files a broad clean deleted come back first, whatever the event (the post-tool
  // hook of that call, or any later one): restore/own-files.ts.
  // A write-back of hook entries waits past a pre-tool event of an agent whose post-tool hook
  // follows (it may be a parallel call's, before the command ran); the others' next event is a pre-tool.
  // A policy watch waits for the post-tool hook of its own command (tool calls run in parallel).
  const postToolCommand = event.kind === 'post-tool' ? (event.tool?.kind === 'shell' ? (event.tool.command ?? '') : '') : undefined;
  const putBack = await putBackDueFiles(repo, `${agent.id} ${event.kind}`, event.kind === 'pre-tool' && AGENTS_WITH_POST_TOOL.has(agent.id), postToolCommand);
  // The launcher that ran was copied from another version of the package than the installed one
  // (an upgrade or downgrade under a running session; the launcher handed the call to Node for
  // it): bring it, and the git hook shims, to this version now rather than at the next session
  // start, which does the same itself. Before the verdict: the next call runs the new sh.
  const refreshed = launcher && event.kind !== 'session-start' && shimStamp !== packageStamp() ? await refreshOwnCopies(repo, event.kind) : '';
  const verdict = await handleEvent(repo, agent, event, shimRepo, shimWatcher, { launcher, startedMs });
  const said = [putBack, refreshed].filter(Boolean).join('\n');
  if (!said || verdict.decision === 'deny' || verdict.decision === 'ask') return verdict;
  return { ...verdict, message: verdict.message ? `${said}\n${verdict.message}` : said };
}

/** Keeps the policy's bytes for the put-back after the command (StateVerdict.watchPolicy); never a reason to change the verdict. */
async function watchPolicyFor(repo: Repo, policy: Policy, command: string): Promise<boolean> {
  try {
    const { notePolicyWatch } = await import('../../restore/own-files.js');
    return notePolicyWatch(repo, policy.source, command);
  } catch {
    return false;
  }
}

/**
 * The put-back of guard's own files when one is due (a file's existence: no git process otherwise); what to say, or ''.
 * `postToolCommand`: the command whose post-tool hook this is ('' for another tool's).
 */
async function putBackDueFiles(repo: Repo, by: string, preTool: boolean, postToolCommand?: string): Promise<string> {
  const { putBackDue, putBackOwnFiles, putBackMessage } = await import('../../restore/own-files.js');
  if (!putBackDue(repo)) return '';
  try {
    const { rehookAgents } = await import('../../agents/rehook.js');
    return putBackMessage(await putBackOwnFiles(repo, by, rehookAgents, { preTool, ...(postToolCommand !== undefined ? { postToolCommand } : {}) }));
  } catch (error) {
    return `git-guard: WARNING: could not put back guard's own files a clean deleted (${error instanceof Error ? error.message : String(error)}); see \`guard log --limit 5\``;
  }
}

async function handleEvent(repo: Repo, agent: AgentIntegration, event: AgentEvent, shimRepo: Repo | null, shimWatcher: number | null, keeping: Keeping): Promise<HookVerdict> {
  switch (event.kind) {
    case 'session-start': {
      // The shim's watcher watches the shim's repository: it is this session's only when that is the event's.
      const watcherPid = repo === shimRepo ? shimWatcher : null;
      // Beside it: guard's own launcher and git hook shims left stale by an upgrade of this install
      // are brought to the installed version (file reads only; never a reason to fail the start).
      const [result, refreshed] = await Promise.all([
        startSession(repo, { agent: agent.id, agentSession: event.sessionId, ...(event.source ? { source: event.source } : {}), ...(watcherPid ? { watcherPid } : {}) }),
        refreshOwnCopies(repo, 'session-start'),
      ]);
      // The variables the agent's trust reads, as this hook (the agent's environment) sees them: `guard status`.
      if (agent.trustEnv) recordSeenEnv(repo.gitDir, agent.id, agent.trustEnv, process.env);
      const s = result.session;
      const what = result.resumed ? 'resumed' : `started at snapshot ${shortId(s.startSnapshot)}`;
      const watcher = result.watcher.ready ? '' : ` Not ready yet: ${result.watcher.error}.`;
      const warning = sessionBackupWarning(result.backup);
      const submodules = agent.unguardedInSubmodule && hasSubmodules(repo.root) ? `\ngit-guard: note: ${submoduleStartNote([agent.displayName])}` : '';
      const policyGone = await policyGoneAtStart(repo);
      return { decision: 'allow', message: `${sessionHeading(s, what)}. Undo everything this session does: guard rollback --session ${s.id}${watcher}${warning ? `\ngit-guard: WARNING: ${warning}` : ''}${policyGone ? `\ngit-guard: WARNING: ${policyGone}` : ''}${submodules}${refreshed ? `\n${refreshed}` : ''}` };
    }
    case 'pre-tool': {
      const tool = event.tool;
      if (!tool || tool.kind === 'other') return { decision: 'allow' };
      const [policy, session] = await Promise.all([readPolicy(repo), ensureSession(repo, agent.id, event.sessionId)]);
      const { snapshotFirst, ...verdict }: ShellVerdict =
        tool.kind === 'shell'
          ? await onShell(repo, policy, agent, event, session, tool.command ?? '', keeping)
          : tool.patch !== undefined
            ? await onShell(repo, policy, agent, event, session, applyPatchLine(tool.patch), null)
            : await onFileTool(repo, policy, agent, event, session);
      try {
        recordStepStart(repo, stepCall(repo, agent, event, session.id), snapshotFirst ? { ...verdict, decision: 'snapshot' } : verdict);
      } catch {
        // The step record is history, never a reason to change the verdict.
      }
      return verdict;
    }
    case 'post-tool':
      if (event.tool && event.tool.kind !== 'other') await onPostTool(repo, agent, event);
      return { decision: 'allow' };
    case 'stop':
    case 'session-end': {
      // One end per session: where the agent also reports the session's end, a turn's end only
      // records the state so far (Stop then SessionEnd in a headless run is one end, one summary).
      if (event.kind === 'stop' && agent.reportsSessionEnd) {
        await checkpointSession(repo, agent.id, event.sessionId);
        return { decision: 'allow' };
      }
      let ended;
      try {
        ended = await endSession(repo, { agent: agent.id, agentSession: event.sessionId, reason: event.kind === 'stop' ? 'stop' : 'end' });
      } catch (error) {
        // No open session to end (already ended, or the hooks were installed mid-session and nothing ran): nothing to report.
        if (error instanceof Error && /no session/.test(error.message)) return { decision: 'allow' };
        throw error;
      }
      const show = event.kind === 'session-end' || summaryHasChanges(ended.summary);
      return { decision: 'allow', ...(show ? { message: summaryText(ended.summary, sessionHeading(ended.session, 'ended')) } : {}) };
    }
  }
}

/**
 * At a session start: the committed policy gone from the worktree (the person's own merge or commit
 * deleted it; restore/policy-gone.ts), said with the way back so the session does not start on the
 * defaults unseen. No git process while the policy file is there; never a reason to fail the start.
 */
async function policyGoneAtStart(repo: Repo): Promise<string> {
  try {
    const policy = await readPolicy(repo);
    if (policy.sourceExists || policy.error) return '';
    const { policyGone, policyGoneText, policyGoneFix } = await import('../../restore/policy-gone.js');
    const gone = await policyGone(repo, policy.source, false, null);
    return gone ? `${policyGoneText(gone)}; ${policyGoneFix(gone)}` : '';
  } catch {
    return '';
  }
}

/**
 * The refresh of guard's per-clone copies (src/agents/refresh.ts) at a session start, or at any
 * event whose launcher saw the package change (`by`: the event): what to say, or ''.
 */
async function refreshOwnCopies(repo: Repo, by: string): Promise<string> {
  try {
    const { refreshInstall, refreshMessage } = await import('../../agents/refresh.js');
    return refreshMessage(await refreshInstall(repo, by));
  } catch (error) {
    return `git-guard: note: could not update this clone's hook files to the installed version (${error instanceof Error ? error.message : String(error)}): \`guard init\` writes them again`;
  }
}

/** Allows, and when this directory's repository is gone but a backup of it exists, says so. */
async function goneRepoVerdict(dir: string): Promise<HookVerdict> {
  const { backupForDirectory } = await import('../../backup/locate.js');
  const found = await backupForDirectory(dir);
  if (!found) return { decision: 'allow' };
  return { decision: 'allow', message: `git-guard: this directory is no longer a git repository (its .git is gone); ${recoverAdvice(found, path.resolve(dir))}` };
}

/**
 * A directory Node cannot name: its path is not UTF-8, so Node reads it back with U+FFFD, a name
 * nothing on disk has, and no git process can be started there (openRepo says the same to the
 * CLI). The git hooks' sh fast paths still work in such a directory and their checks that need
 * Node refuse, saying why (docs/hooks.md). The agent hook says the same, rather than failing on its
 * first git command with git's "not a git repository" (through the shim), or, asked without the
 * shim, finding no repository and allowing as outside one. No git process: one stat.
 */
function unnamableDirectory(dir: string): string | null {
  if (!dir.includes('\ufffd')) return null;
  // A name with U+FFFD may be real (its bytes are UTF-8): it is when it names an existing
  // directory, which for this process's own cwd must be the very directory it runs in.
  try {
    const named = fs.statSync(dir);
    if (path.resolve(dir) !== process.cwd()) return null;
    const here = fs.statSync('.');
    return named.dev === here.dev && named.ino === here.ino ? null : dir;
  } catch {
    return dir;
  }
}

function unnamableVerdict(event: AgentEvent, dir: string): HookVerdict {
  const why = `the path of ${dir} is not UTF-8 text (shown with U+FFFD), which guard (Node) cannot use as a working directory, so guard can neither snapshot nor check anything there`;
  const move = 'move the repository or worktree to a path that is UTF-8 text (`mv`, `git worktree move`) and start a new session there';
  // A tool that neither runs commands nor writes files cannot lose anything (as crashVerdict).
  if (event.kind === 'pre-tool' && event.tool?.kind !== 'other') {
    return { decision: 'deny', rule: 'path-not-text', reason: why, instead: `${move}; meanwhile the person can run the command` };
  }
  if (event.kind === 'session-start') return { decision: 'allow', message: `git-guard is NOT protecting this session: ${why}. To be protected: ${move}.` };
  return { decision: 'allow' };
}

/** What a crash answers: risky tool calls are denied; lifecycle events go on (with a warning). */
function crashVerdict(event: HookEventKind, parsed: AgentEvent | null, error: unknown): HookVerdict {
  const message = error instanceof Error ? error.message : String(error);
  if (event !== 'pre-tool') return { decision: 'allow', message: `git-guard: the ${event} hook failed (${message}); see guard log` };
  // Provably benign: a tool that neither runs commands nor writes files.
  if (parsed?.tool?.kind === 'other') return { decision: 'allow' };
  return {
    decision: 'deny',
    rule: 'hook-error',
    reason: `git-guard failed while checking this tool call (${message}), and it blocks what it cannot check`,
    instead: 'see the error with `guard log --limit 5`; if the command is safe, the person can run it',
  };
}

async function journalCrash(agent: AgentIntegration, event: HookEventKind, parsed: AgentEvent | null, cwd: string, shimRepo: Repo | null, launcher: string | null, error: unknown, verdict: HookVerdict): Promise<void> {
  try {
    const repo = await repoFor(parsed, cwd, shimRepo, launcher);
    if (!repo) return;
    appendEvent(repo, {
      type: 'hook-error',
      agent: agent.id,
      session: null,
      agentSession: parsed?.sessionId ?? null,
      event,
      tool: parsed?.tool?.name ?? null,
      ...(parsed?.tool?.command !== undefined ? { command: parsed.tool.command } : {}),
      error: error instanceof Error ? error.message : String(error),
      decision: verdict.decision,
    });
  } catch {
    // The journal is best effort here; the deny itself is what protects.
  }
}

export async function run(args: HookArgs, ctx: CommandContext): Promise<number> {
  // Before anything is read: what an allow kept for the shim is dated from (answer-cache.ts).
  const startedMs = Date.now();
  const agent = findAgent(args.agent);
  const event = args.event as HookEventKind;
  if (!agent || !HOOK_EVENTS.includes(event)) {
    // No protocol to answer in: exit 2 with a reason is a block for the agents that honour it.
    process.stderr.write(`git-guard: unknown ${agent ? `event "${args.event}" (expected ${HOOK_EVENTS.join(', ')})` : `agent "${args.agent}"`}; blocked. Re-run \`guard init\` to rewrite the hooks.\n`);
    return 2;
  }
  const shimRepo = takeShimRepo();
  const shimWatcher = takeShimWatcher();
  const launcher = takeShimLauncher();
  const shimStamp = takeShimStamp();
  let parsed: AgentEvent | null = null;
  let verdict: HookVerdict;
  try {
    const stdin = await readStdin();
    // A tool call with no payload cannot be checked: refuse it like any other malformed input.
    if (event === 'pre-tool' && stdin.trim() === '') throw new Error('the hook received an empty payload on stdin');
    parsed = agent.parseEvent(stdin, event);
    verdict = await handle(agent, parsed, ctx.cwd, shimRepo, shimWatcher, launcher, shimStamp, startedMs);
  } catch (error) {
    verdict = crashVerdict(event, parsed, error);
    await journalCrash(agent, event, parsed, ctx.cwd, shimRepo, launcher, error, verdict);
  }
  const output = agent.formatVerdict(verdict, event, parsed);
  writeToFd(1, output.stdout);
  writeToFd(2, output.stderr);
  // Where the agent's non-interactive run shows no hook output, the person still reads it.
  if (verdict.message && verdict.decision === 'allow' && agent.headlessOutput) tellHeadlessUser(agent, verdict.message);
  // The answer is out; a snapshot still running past its budget must not hold the agent up.
  if (abandonedWork) process.exit(output.exitCode);
  return output.exitCode;
}
