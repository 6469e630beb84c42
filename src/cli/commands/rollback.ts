import type { BranchConfigChange, ConfigPair } from '../../restore/branch-config.js';
import { asksPerson, databaseLogLines, printAfterChange } from '../plan-confirm.js';
import { createInterface } from 'node:readline/promises';
import { testFault } from '../../util/test-faults.js';
import { openRepo } from '../../git/repo.js';
import { rollback, type RollbackEvent } from '../../restore/rollback.js';
import { fileChangeView, type FileChange, type RollbackPlan } from '../../restore/plan.js';
import { notRestoredCommand } from '../../restore/not-restored.js';
import { pathFromText, pathText, shellArg } from '../../git/path.js';
import type { Snapshot } from '../../snapshot/format.js';
import { GuardError } from '../../errors.js';
import type { CommandContext } from '../main.js';
import type { Output } from '../output.js';
import { age, branchName, shortId } from '../format.js';
import { earlierTargets, type EarlierTargets } from '../../restore/earlier-targets.js';
import { snapshotSettings } from '../snapshot-options.js';
import { backupAfterSnapshot } from '../../backup/auto-push.js';
import { shellQuote } from '../../agents/package-root.js';
import { holdsEscapedBytes, shownEscaped } from '../../util/escaped-text.js';
import { prunedRemotesSince, type PrunedRemote } from '../../githooks/keep.js';

/** A --paths value in double quotes: one exact name (pathText's form), not a glob. */
const quotedName = (p: string): boolean => p.length >= 2 && p.startsWith('"') && p.endsWith('"');

interface Args {
  id?: string;
  dryRun?: boolean;
  paths?: string[];
  filesOnly?: boolean;
  session?: string;
  undo?: boolean;
  resume?: boolean;
  yes?: boolean;
  json?: boolean;
  lfsPointers?: boolean;
}

const SHOW_PATHS = 15;

/** The command that brings a deleted remote-tracking ref back at its kept tip (only for a ref that does not exist: it would move one). */
function prunedCommand(pruned: PrunedRemote): string {
  return `git update-ref ${holdsEscapedBytes(pruned.ref) ? shownEscaped(pruned.ref) : shellQuote(pruned.ref)} ${pruned.oid}`;
}

/**
 * Remote-tracking refs deleted since the target snapshot: snapshots do not hold refs/remotes, so
 * the rollback leaves them, and this is where a person reading its output learns they are gone
 * and how each comes back (their tips are in the keep chain).
 */
function printPruned(out: Output, pruned: PrunedRemote[], indent: string): void {
  if (pruned.length === 0) return;
  out.line(`${indent}remote-tracking refs deleted since this snapshot (a rollback does not restore refs/remotes; their commits are kept in refs/guard/keep/head): ${pruned.length}`);
  for (const p of pruned.slice(0, SHOW_PATHS)) out.line(`${indent}  ${shownEscaped(p.ref)}: back with: ${prunedCommand(p)}`);
  if (pruned.length > SHOW_PATHS) out.line(`${indent}  … and ${pruned.length - SHOW_PATHS} more (guard rollback --dry-run --json lists them all)`);
}

function prunedJson(pruned: PrunedRemote[]): Array<Record<string, string>> {
  return pruned.map((p) => ({ ...p, command: prunedCommand(p) }));
}

function printPlan(out: Output, plan: RollbackPlan, target: Snapshot, pruned: PrunedRemote[] = []): void {
  out.line(`Rollback to snapshot ${shortId(target.oid)} (${target.time}, ${target.trigger}${target.message ? `: ${target.message}` : ''})`);
  const groups: Array<['write' | 'create' | 'delete', string]> = [
    ['write', 'restore'],
    ['create', 'create'],
    ['delete', 'delete (kept in the pre-rollback snapshot)'],
  ];
  for (const [action, label] of groups) {
    const files = plan.files.filter((f) => f.action === action && f.kind !== 'submodule').map(fileChangeView);
    if (files.length === 0) continue;
    out.line(`  ${label}: ${files.length} file${files.length === 1 ? '' : 's'}`);
    for (const file of files.slice(0, SHOW_PATHS)) out.line(`    ${file.path}`);
    if (files.length > SHOW_PATHS) out.line(`    … and ${files.length - SHOW_PATHS} more`);
  }
  // A submodule's files are not in the snapshot (its own repository holds them): the rollback puts
  // back the gitlink and an empty directory, and git fills it.
  for (const sub of plan.files.filter((f) => f.kind === 'submodule')) {
    const at = sub.commit ? ` at ${shortId(sub.commit)}` : '';
    if (sub.action === 'delete') out.line(`  submodule ${pathText(sub.path)}: remove its gitlink${at} (its directory is left as it is)`);
    else out.line(`  submodule ${pathText(sub.path)}: restore its gitlink${at} as an empty directory; then run: ${fillCommand(sub)}`);
  }
  for (const line of databaseLogLines(plan)) out.line(line);
  if (plan.sparse) out.line('  the sparse-checkout patterns and settings go back to the snapshot\'s (the files outside the view with them)');
  if (plan.capturedIgnored && plan.capturedIgnored.length > 0) {
    out.line(`  ignored files captured earlier (at the session start, or before a command deleted or overwrote them), brought back: ${plan.capturedIgnored.length}`);
    for (const name of plan.capturedIgnored.slice(0, SHOW_PATHS)) out.line(`    ${name}`);
    if (plan.capturedIgnored.length > SHOW_PATHS) out.line(`    … and ${plan.capturedIgnored.length - SHOW_PATHS} more`);
  }
  printNotRestored(out, plan, '  ');
  if (plan.lfsMissing && plan.lfsMissing.length > 0) {
    out.line(`  Git LFS files whose content is in neither .git/lfs/objects nor the backup (refused without --lfs-pointers, written as their LFS pointers with it): ${plan.lfsMissing.length}`);
    for (const m of plan.lfsMissing.slice(0, SHOW_PATHS)) out.line(`    ${pathText(m.path)}  (object sha256:${m.oid.slice(0, 12)}…)`);
    if (plan.lfsMissing.length > SHOW_PATHS) out.line(`    … and ${plan.lfsMissing.length - SHOW_PATHS} more`);
  }
  if (plan.indexChanges) out.line('  index: restore the staged state');
  for (const ref of plan.refs) {
    const what = ref.from === null ? `create at ${shortId(ref.to!)}` : ref.to === null ? `delete (was ${shortId(ref.from)})` : `move ${shortId(ref.from)} -> ${shortId(ref.to)}`;
    out.line(`  ${ref.ref}: ${what}`);
  }
  for (const c of plan.branchConfig ?? []) printBranchConfig(out, c);
  for (const c of plan.remoteConfig?.changes ?? []) {
    const keys = (k: string[]): string => [...new Set(k)].join(', ') || 'none';
    // A name that is not UTF-8 (escaped text) shown as bash's $'...', which names it when typed.
    const remote = shownEscaped(c.remote);
    out.line(`  remote ${remote}: ${c.to.length === 0 ? 'removed' : `config ${keys(c.to)}`} (was ${c.from.length === 0 ? 'none' : keys(c.from)})${c.to.length > 0 ? `; its remote-tracking refs come back with: git fetch ${remote} && git remote set-head ${remote} --auto` : ''}`);
  }
  if (plan.remoteConfig?.unknown) out.line('  remotes: left as they are (the snapshot\'s remotes are recorded on the machine that took it, not here)');
  for (const up of plan.upstreams ?? []) out.line(`  ${up.ref}: upstream ${up.to ? `${up.to.remote} ${up.to.merge}` : 'none'} (was ${up.from ? `${up.from.remote} ${up.from.merge}` : 'none'})`);
  if (plan.head) out.line(`  HEAD: ${branchName(plan.head.from.symbolic)} -> ${plan.head.to.symbolic ? branchName(plan.head.to.symbolic) : `detached at ${shortId(plan.head.to.oid ?? '')}`}`);
  if (plan.stash) out.line(`  stash: ${plan.stash.from.length} -> ${plan.stash.to.length} entries`);
  for (const skip of plan.skippedRefs) out.line(`  left alone: ${skip.ref} (${skip.reason})`);
  printPruned(out, pruned, '  ');
  printOperation(out, plan, '  ');
}

/** A branch's config section going back: its upstream as before, then its other keys by name. */
function printBranchConfig(out: Output, change: BranchConfigChange): void {
  const upstream = (pairs: ConfigPair[]): string => {
    const remote = pairs.find(([k]) => k === 'remote')?.[1];
    const merge = pairs.find(([k]) => k === 'merge')?.[1];
    // Escaped text (a byte that is not UTF-8 shown as bash's `$'\xe9'`), as the snapshot records it.
    return remote && merge ? `${shownEscaped(remote)} ${shownEscaped(merge)}` : 'none';
  };
  const others = (pairs: ConfigPair[]): string => pairs.filter(([k]) => k !== 'remote' && k !== 'merge').map(([k, v]) => `${k}=${JSON.stringify(v ?? true)}`).join(' ');
  if (upstream(change.from) !== upstream(change.to)) out.line(`  ${change.ref}: upstream ${upstream(change.to)} (was ${upstream(change.from)})`);
  if (others(change.from) !== others(change.to)) {
    const keys = (pairs: ConfigPair[]): string => [...new Set(pairs.filter(([k]) => k !== 'remote' && k !== 'merge').map(([k]) => k))].join(', ') || 'none';
    out.line(`  ${change.ref}: config ${keys(change.to)} (was ${keys(change.from)})`);
  }
}

/** Captured ignored files the rollback leaves out: each with its reason and the way to its bytes. */
function printNotRestored(out: Output, plan: RollbackPlan, indent: string): void {
  const left = plan.capturedNotRestored ?? [];
  if (left.length === 0) return;
  out.line(`${indent}captured ignored files NOT brought back (they stay in the snapshot that captured them): ${left.length}`);
  for (const entry of left.slice(0, SHOW_PATHS)) {
    out.line(`${indent}  ${entry.path}: ${entry.reason}`);
    out.line(`${indent}    its bytes: ${notRestoredCommand(entry)}   (or: guard rollback ${shortId(entry.snapshot)})`);
  }
  if (left.length > SHOW_PATHS) out.line(`${indent}  … and ${left.length - SHOW_PATHS} more (guard rollback --dry-run --json lists them all)`);
}

function changesText(s: Snapshot): string {
  return `+${s.changes.added} ~${s.changes.modified} -${s.changes.deleted}`;
}

/**
 * After a target rollback picked itself: it may be a snapshot taken in the middle of an incident
 * (a watcher's), without the files removed before it. Name the snapshots before it that removed or
 * changed files too, and the one before them all, with the command that goes back there.
 */
function printEarlier(out: Output, earlier: EarlierTargets | null): void {
  if (!earlier || (earlier.run.length < 2 && !earlier.before)) return;
  const [target, ...rest] = earlier.run;
  const { deleted, modified } = target!.changes;
  const words = [deleted > 0 ? `${deleted} file${deleted === 1 ? '' : 's'} removed` : '', modified > 0 ? `${modified} changed` : ''].filter(Boolean).join(' and ');
  out.line(`  This is the newest snapshot that differs from now, and it already has ${words} against the snapshot before it. If the damage began earlier, go back further:`);
  for (const s of rest) out.line(`    ${shortId(s.oid)}  ${age(s.time)}  ${s.trigger}  ${changesText(s)}  (removed or changed files too)`);
  if (earlier.before) {
    out.line(`    ${shortId(earlier.before.oid)}  ${age(earlier.before.time)}  ${earlier.before.trigger}  ${changesText(earlier.before)}  (before all of them)`);
    out.line(`  with: guard rollback ${shortId(earlier.before.oid)}   (\`guard list\` shows every snapshot)`);
  } else {
    out.line(`  with: guard rollback ID   (\`guard list\` shows every snapshot)`);
  }
}

function earlierJson(earlier: EarlierTargets | null): Record<string, unknown> | null {
  if (!earlier) return null;
  const view = (s: Snapshot): Record<string, unknown> => ({ id: shortId(s.oid), oid: s.oid, time: s.time, trigger: s.trigger, changes: s.changes });
  return { run: earlier.run.map(view), before: earlier.before ? view(earlier.before) : null };
}

/** git's merge, cherry-pick or revert state written back or removed, or the operation whose state is not restored. */
function printOperation(out: Output, plan: RollbackPlan, indent: string): void {
  const operation = plan.operation;
  if (!operation) return;
  if (operation.write.length > 0) out.line(`${indent}${operation.to} in progress: write ${operation.write.join(', ')}`);
  if (operation.remove.length > 0) out.line(`${indent}${operation.from} in progress: remove ${operation.remove.join(', ')}`);
  for (const note of operation.notes) out.line(`${indent}note: ${note}`);
}

function planJson(plan: RollbackPlan): Record<string, unknown> {
  return {
    target: plan.target,
    files: plan.files.map(fileChangeView),
    index: plan.indexChanges,
    refs: plan.refs,
    skippedRefs: plan.skippedRefs,
    head: plan.head,
    stash: plan.stash,
    capturedIgnored: plan.capturedIgnored ?? [],
    databaseLogs: plan.databaseLogs ?? [],
    capturedNotRestored: (plan.capturedNotRestored ?? []).map((e) => ({ ...e, command: notRestoredCommand(e) })),
    operation: plan.operation ?? null,
    lfsMissing: (plan.lfsMissing ?? []).map((m) => ({ path: pathText(m.path), oid: m.oid })),
  };
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

/** Test-only fault injection (compiled out of the product, util/test-faults.ts): kill this process right after a step, to prove --resume/--undo. */
function faultInjection(event: RollbackEvent): void {
  const killAfter = testFault('GUARD_TEST_KILL_AFTER_STEP');
  if (killAfter && event.type === 'step-done' && event.step === killAfter) process.kill(process.pid, 'SIGKILL');
}

/** What the worktree's watcher did while the rollback ran (nothing said when none runs). */
/**
 * The command that fills a restored submodule: `git submodule update` checks out the staged
 * commit, so when the working tree had another one checked out, a checkout of it follows.
 */
function fillCommand(sub: FileChange): string {
  const update = `git submodule update --init -- ${shellArg(sub.path)}`;
  return sub.staged && sub.commit ? `${update} && git -C ${shellArg(sub.path)} checkout ${sub.commit} (the staged commit is ${shortId(sub.staged)})` : update;
}

/** The same command, asking for LFS files whose object is nowhere to be written as their pointers. */
function lfsPointersCommand(args: Args): string {
  const what = args.undo ? '--undo' : args.resume ? '--resume' : args.session !== undefined ? `--session ${shellQuote(args.session)}` : (args.id ?? '');
  const paths = (args.paths ?? []).length > 0 ? ` --paths ${(args.paths ?? []).map(shellQuote).join(' ')}` : '';
  return `guard rollback ${what}${what ? ' ' : ''}${args.filesOnly ? '--files-only ' : ''}${paths ? `${paths.trim()} ` : ''}--lfs-pointers --yes`;
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  if ([args.undo, args.resume, args.id !== undefined || args.session !== undefined].filter(Boolean).length > 1) {
    throw new GuardError('user', 'choose one of: a snapshot id (or --session), --undo, --resume');
  }
  const repo = await openRepo(cwd);
  const { configError: _ignored, ...settings } = await snapshotSettings(repo, {});
  // Default target: the snapshot the most recent agent session started from (without a session,
  // rollback picks the latest snapshot that differs from now).
  let target: Snapshot | undefined;
  if (args.session !== undefined || (args.id === undefined && !args.undo && !args.resume)) {
    const { sessionStartSnapshot } = await import('../session-target.js');
    target = (await sessionStartSnapshot(repo, args.session)) ?? undefined;
  }

  // A rollback half-done is worse than one not started: finish it even on Ctrl-C.
  const onSigint = (): void => out.warn('guard: rollback in progress; finishing it so nothing is left half-restored…');
  let planned = 0; // files the plan writes, creates or deletes (for the progress line)
  // Rollback picks the target itself: say when earlier snapshots hold more (a mid-incident target).
  const picked = !target && args.id === undefined && !args.undo && !args.resume;
  let earlier: EarlierTargets | null = null;
  // Read once per target (the confirmation and the output after it say the same).
  const prunedFor = new Map<string, Promise<PrunedRemote[]>>();
  const prunedSince = (t: Snapshot): Promise<PrunedRemote[]> => {
    if (!prunedFor.has(t.oid)) prunedFor.set(t.oid, prunedRemotesSince(repo, t.time).catch(() => [])); // a listing that fails does not stop the rollback
    return prunedFor.get(t.oid)!;
  };
  const result = await rollback(repo, {
    ...(args.id !== undefined ? { id: args.id } : {}),
    ...(target ? { target } : {}),
    undo: args.undo === true,
    resume: args.resume === true,
    // A value in double quotes is one exact name, as guard shows names (pathText: `"bad\377.log"`),
    // so a name that is not UTF-8, or holds glob characters, can be given back exactly.
    paths: (args.paths ?? []).filter((p) => !quotedName(p)),
    exactPaths: (args.paths ?? []).filter(quotedName).map(pathFromText),
    filesOnly: args.filesOnly === true,
    dryRun: args.dryRun === true,
    asks: asksPerson(out, args.yes),
    lfsPointers: args.lfsPointers === true,
    lfsPointersCommand: lfsPointersCommand(args),
    snapshot: settings,
    onEvent: (event) => {
      if (event.type === 'phase') out.progress(event.phase === 'worktree' && planned > 0 ? `rollback: writing ${planned} files…` : `rollback: ${event.phase}…`);
      faultInjection(event);
    },
    confirm: async (plan, { target: t }) => {
      planned = plan.files.length;
      out.done();
      if (picked) earlier = await earlierTargets(repo, t);
      const pruned = await prunedSince(t);
      printPlan(out, plan, t, pruned);
      printEarlier(out, earlier);
      if (args.yes) return true;
      if (!out.interactive || out.json) {
        throw new GuardError('refused', 'rollback needs confirmation and there is no terminal to ask; nothing was changed', {
          hints: [`Review the plan above, then run: guard rollback ${shortId(t.oid)} --yes`],
          details: { plan: planJson(plan), prunedRemotes: prunedJson(pruned), ...(earlier ? { earlier: earlierJson(earlier) } : {}) },
        });
      }
      process.on('SIGINT', onSigint);
      return ask('Proceed? [y/N] ');
    },
  }).finally(() => process.off('SIGINT', onSigint));
  out.done();
  if (picked && args.dryRun) earlier = await earlierTargets(repo, result.target);
  const pruned = await prunedSince(result.target);
  // The pre-rollback snapshot (what --undo goes back to) goes to the backup too, in the background.
  if (!args.dryRun) backupAfterSnapshot(repo, !result.nothingToDo);

  out.data({
    applied: result.applied,
    dryRun: args.dryRun === true,
    nothingToDo: result.nothingToDo,
    target: { id: shortId(result.target.oid), oid: result.target.oid },
    preRollbackSnapshot: { id: shortId(result.pre.oid), oid: result.pre.oid },
    plan: planJson(result.plan),
    watcher: result.watcher,
    ...(result.changedWhileAsked ? { changedWhileAsked: true } : {}),
    ...(picked ? { earlier: earlierJson(earlier) } : {}),
    lfsPointers: (result.lfsPointers ?? []).map(pathText),
    prunedRemotes: prunedJson(pruned),
  });
  if (args.dryRun) {
    printPlan(out, result.plan, result.target, pruned);
    printEarlier(out, earlier);
    out.line('Dry run: nothing was changed.');
    return 0;
  }
  if (result.nothingToDo) {
    out.line(`Already at snapshot ${shortId(result.target.oid)}: nothing to change.`);
    printNotRestored(out, result.plan, '');
    printPruned(out, pruned, '');
    return 0;
  }
  out.line(`Rolled back to ${shortId(result.target.oid)}. The state before is snapshot ${shortId(result.pre.oid)}.`);
  printAfterChange(out, result, 'rollback');
  const submodules = result.plan.files.filter((f) => f.kind === 'submodule' && f.action !== 'delete');
  if (submodules.length > 0) {
    out.line(`Fill the restored submodules with: git submodule update --init -- ${submodules.map((s) => shellArg(s.path)).join(' ')}`);
    // git checks out the staged commit; the one the snapshot's working tree had takes a checkout.
    for (const sub of submodules.filter((s) => s.staged && s.commit)) out.line(`  then, for the commit ${pathText(sub.path)} had checked out (not the staged ${shortId(sub.staged as string)}): git -C ${shellArg(sub.path)} checkout ${sub.commit}`);
  }
  // Said again after the rollback: what git's state is now and what to do next.
  for (const note of result.plan.operation?.notes ?? []) out.line(`Note: ${note}`);
  // Said again last, where it is read: a captured file the rollback did not bring back.
  printNotRestored(out, result.plan, '');
  const pointers = result.lfsPointers ?? [];
  if (pointers.length > 0) {
    out.warn(`Git LFS content missing: ${pointers.length} file${pointers.length === 1 ? '' : 's'} written as ${pointers.length === 1 ? 'its LFS pointer' : 'their LFS pointers'} (--lfs-pointers; the object is in neither .git/lfs/objects nor the backup); every other file was written:`);
    for (const p of pointers.slice(0, SHOW_PATHS)) out.warn(`  ${pathText(p)}`);
    if (pointers.length > SHOW_PATHS) out.warn(`  … and ${pointers.length - SHOW_PATHS} more (--json lists them all)`);
    out.warn(`If the objects reached an LFS server: git lfs fetch origin ${result.target.oid}, then \`guard rollback --undo --yes\` and \`guard rollback ${shortId(result.target.oid)} --yes\` write the content.`);
  }
  out.line('Undo this rollback with: guard rollback --undo');
  return 0;
}
