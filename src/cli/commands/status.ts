/**
 * `guard status [--json]`: is protection working here, proven rather than assumed. Each
 * installed hook is run through git's own hook resolution with a probe (a self-test, see
 * src/githooks/install/inspect.ts); changes behind guard's back (core.hooksPath, a hook manager
 * rewriting the hooks) are reported; then the config, the latest snapshot and the store size.
 * Exits 1 when protection is degraded.
 */
import { diskUsage } from '../../git/compat.js';
import { readPolicy } from '../../config/compile.js';
import { displayPath } from '../../config/load.js';
import { guardCommonPath, openRepo, type Repo } from '../../git/repo.js';
import { listApprovals } from '../../githooks/approvals.js';
import { hooksLocation } from '../../githooks/install/hooks-dir.js';
import { hooksStatus } from '../../githooks/install/local.js';
import type { HookStatus } from '../../githooks/install/inspect.js';
import { listSnapshots } from '../../snapshot/read.js';
import { GUARD_REF_PREFIX } from '../../snapshot/refs.js';
import { backupReport } from '../../backup/status.js';
import { watcherReport } from '../../watcher/status.js';
import { submoduleStartNote } from '../../agents/submodule-note.js';
import { agentsHealth, type AgentHealth, type Problem } from '../../agents/health.js';
import { managersStatus, type ManagerStatus } from '../../githooks/managers/report.js';
import { ExitCode } from '../exit-codes.js';
import { age, bytes, gitHooksOffNote, shortId } from '../format.js';
import type { CommandContext } from '../main.js';

interface Args {
  json?: boolean;
}

/**
 * Bytes of the objects only guard's refs keep alive (git >= 2.38 `--disk-usage`): what the
 * snapshot store costs on top of the repository. null when git cannot tell.
 */
function storeSize(repo: Repo): Promise<number | null> {
  return diskUsage(repo, [`--glob=${GUARD_REF_PREFIX}*`, '--not', '--branches', '--tags', '--remotes']);
}

/** A hook whose shim the manager wrote over, and whose configuration runs guard's check instead. */
interface ThroughManager {
  manager: string;
  file: string;
}

function throughManager(hook: HookStatus, managers: ManagerStatus[]): ThroughManager | null {
  if (hook.file !== 'replaced' || !hook.replacedBy) return null;
  for (const m of managers) {
    if (m.manager !== hook.replacedBy) continue;
    const file = m.files.find((f) => (f.runsGuard as string[]).includes(hook.name));
    if (file && (m.covered as string[]).includes(hook.name)) return { manager: m.manager, file: file.file };
  }
  return null;
}

function rerunName(manager: string): string {
  return manager === 'husky' ? '`husky` run (npm install)' : `\`${manager} install\``;
}

function hookLine(hook: HookStatus, through: ThroughManager | null): string {
  if (through) return `ok   ${hook.name.padEnd(22)} runs through ${through.manager}: ${through.file} runs guard's check (a file check; running ${through.manager}'s hook would run its other commands too)`;
  const test = hook.selfTest;
  const ran = test.result === 'alive' ? 'runs (self-test passed)' : test.result === 'skipped' ? 'not tested' : `does NOT run: ${test.detail}`;
  const file = hook.file === 'installed' ? '' : hook.file === 'replaced' ? `, replaced${hook.replacedBy ? ` by ${hook.replacedBy}` : ''}` : `, ${hook.file}`;
  const chained = hook.chainedPresent ? `, chains ${hook.chainedManager ?? 'the previous hook'}` : '';
  return `${test.result === 'alive' && hook.file === 'installed' ? 'ok  ' : 'FAIL'} ${hook.name.padEnd(22)} ${ran}${file}${chained}`;
}

function agentLine(a: AgentHealth): string {
  const ok = a.problems.length === 0;
  const loads = a.trust.state === 'loads' ? `loads (${a.trust.detail})` : a.trust.state === 'blocked' ? `does NOT load: ${a.trust.detail}` : `load state unknown: ${a.trust.detail}`;
  return `${ok ? 'ok  ' : 'FAIL'} ${a.displayName.padEnd(22)} ${a.file.detail}; ${loads}`;
}

export async function run(_args: Args, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  // guard's own launcher and git hook shims left stale by an upgrade of this install are brought
  // to the installed version first (src/agents/refresh.ts), so what follows reports them as they run.
  const { refreshInstall, refreshMessage } = await import('../../agents/refresh.js');
  // A clone guard cannot write (read-only) is reported as it is: status never fails for this.
  const refreshed = await refreshInstall(repo, 'status').catch(() => ({ launcher: null, hooks: [], edited: [], excluded: [] }));
  // guard's own files a clean deleted and no hook has put back yet (src/restore/own-files.ts).
  const ownFiles = await import('../../restore/own-files.js');
  const putBack = ownFiles.putBackDue(repo) ? await ownFiles.putBackOwnFiles(repo, 'status', (await import('../../agents/rehook.js')).rehookAgents) : null;
  // Tips of deleted remote-tracking refs whose background keep did not run (githooks/dropped-remotes.ts):
  // kept here. A readdir; git only when some wait.
  const dropped = await import('../../githooks/dropped-remotes.js');
  const waiting = await dropped.waitingDroppedTips(repo);
  let droppedKept: { kept: number; since: string } | { failed: string; waiting: number } | null = null;
  if (waiting) {
    try {
      await dropped.keepDroppedRemoteTips({ repo });
      droppedKept = { kept: waiting.lines.length, since: new Date(waiting.since).toISOString() };
    } catch (error) {
      droppedKept = { failed: error instanceof Error ? error.message : String(error), waiting: waiting.lines.length };
    }
  }
  // core.hooksPath asked once, for the hooks' state and the hook managers' both.
  const location = await hooksLocation(repo);
  const [hooks, policy, snapshots, size, approvals, managers] = await Promise.all([
    hooksStatus(repo, { location }),
    readPolicy(repo),
    listSnapshots(repo, { limit: 1 }),
    storeSize(repo),
    listApprovals(repo),
    managersStatus(repo, location.hooksPath),
  ]);
  // Hook managers: a hook they wrote over is still checked when their configuration runs guard;
  // one whose configuration does not run guard gets the exact step that makes it survive.
  const through = new Map(hooks.hooks.map((h) => [h.name, throughManager(h, managers)] as const));
  const managerFix = new Map<string, string>();
  const managerNotes: string[] = [];
  for (const m of managers) {
    for (const f of m.files) {
      for (const hook of f.hooks) {
        const state = hooks.hooks.find((h) => h.name === hook);
        if ((f.runsGuard as string[]).includes(hook)) {
          if (!(m.covered as string[]).includes(hook)) managerFix.set(hook, `\`guard init\` writes the launcher that ${f.file}'s git-guard entry runs, and chains the hooks again`);
          continue;
        }
        if (state?.file === 'installed') managerNotes.push(`${m.manager}: ${f.file} does not run guard's ${hook} check, so the next ${rerunName(m.manager)} replaces guard's ${hook} hook: \`guard init --yes\` adds guard's entry to ${f.file}`);
        else managerFix.set(hook, `\`guard init --yes\` adds guard's ${hook} entry to ${f.file} (kept when ${m.manager} installs its hooks again) and chains the hooks again`);
      }
    }
  }
  // Every problem names its own fix: reinstalling the git hooks does not mend a broken config.
  const problems: Problem[] = hooks.problems
    .filter((problem) => !hooks.hooks.some((h) => through.get(h.name) && problem.startsWith(`${h.name}: `)))
    .map((problem) => {
      const hook = hooks.hooks.find((h) => problem.startsWith(`${h.name}: `));
      return { problem, fix: (hook && managerFix.get(hook.name)) ?? '`guard init` reinstalls the git hooks (it chains whatever is there now)' };
    });
  // --- issue 5: the watcher and the backup ---
  const watcher = watcherReport(repo);
  const backup = backupReport(repo);
  if (watcher.problem) problems.push({ problem: watcher.problem, fix: '`guard watch` starts the watcher again' });
  if (backup.problem) problems.push({ problem: backup.problem, fix: backup.fix ?? '`guard backup status` shows why; `guard backup push` tries again' });
  // --- end issue 5 ---
  if (policy.error) problems.push({ problem: `the config is broken (hooks fail closed until it is fixed): ${policy.error.split('\n')[0]}`, fix: '`guard config check` shows the error; fix .guard.yaml (reinstalling hooks does not help)' });
  const agents = agentsHealth(repo);
  problems.push(...agents.problems);
  // Sessions a git hook opened because an agent ran git without guard's agent hooks (issue 10).
  const { listSessions } = await import('../../session/store.js');
  for (const s of listSessions(repo).filter((x) => x.endedAt === null && x.withoutAgentHooks)) {
    problems.push({
      problem: `${s.agent ?? 'an agent'} runs git here without guard's agent hooks: a git hook opened session ${s.id} for it (snapshot, watcher), but its commands are not checked before they run`,
      fix: `make its hooks load (\`guard init --agents ${s.agent ?? 'LIST'}\`, and the trust step above), then \`guard session end --id ${s.id}\``,
    });
  }
  if (droppedKept && 'failed' in droppedKept) {
    problems.push({
      problem: `${droppedKept.waiting} tip(s) of deleted remote-tracking refs wait to be kept in refs/guard/keep/head (their background keep did not run, and keeping them now failed: ${droppedKept.failed}); until then \`git gc\` may drop their commits`,
      fix: `\`guard hook keep-dropped\` keeps them (the lines in ${guardCommonPath(repo, 'dropped-remotes')}* name each tip: \`git update-ref REF OID\` brings one back)`,
    });
  }
  const latest = snapshots[0] ?? null;
  // The committed policy deleted by the person's own merge or commit (an agent's is put back by its
  // hook): guard runs on its defaults without a word otherwise. One git process, only without the file.
  const { policyGone, policyGoneText, policyGoneFix } = await import('../../restore/policy-gone.js');
  const gone = policy.error ? null : await policyGone(repo, policy.source, policy.sourceExists, latest?.oid ?? null);
  if (gone) problems.push({ problem: policyGoneText(gone), fix: policyGoneFix(gone) });
  const degraded = problems.length > 0;
  // A layer that is off says so: the session start's capture of ignored files (start-capture.ts).
  const captureNotes =
    policy.snapshot.ignoredAtSessionStart > 0 && policy.backup.remote
      ? [`a session start does not capture the ignored files that are not regenerable (.env, a local database) while backup.remote is set (they may hold secrets, and would be pushed there): what guard cannot read (npm run db:reset, a script) can lose them for good; list the ones to keep in snapshot.includeIgnored`]
      : [];

  if (out.json) {
    out.data({
      ok: !degraded,
      worktree: repo.root,
      hooks: {
        installed: hooks.installed,
        dir: hooks.location.dir,
        installedDir: hooks.manifest?.hooksDir ?? null,
        hooksPath: hooks.location.hooksPath,
        hooksPathAtInit: hooks.manifest?.hooksPath ?? null,
        hooksPathChanged: hooks.hooksPathDrift,
        dirChanged: hooks.dirDrift,
        list: hooks.hooks.map((h) => ({ ...h, throughManager: through.get(h.name) ?? null })),
      },
      hookManagers: managers,
      config: { file: policy.source, exists: policy.sourceExists, valid: policy.error === null, error: policy.error, problems: policy.problems, ...(gone ? { gone: { heldBy: gone.heldBy, oid: gone.oid, back: gone.back } } : {}) },
      snapshot: latest ? { id: latest.oid, time: latest.time, trigger: latest.trigger } : null,
      storeBytes: size,
      watcher: watcher.json,
      backup: backup.json,
      agents: {
        launcher: agents.launcher,
        list: agents.agents.map((a) => ({ agent: a.agent, file: a.file, trust: a.trust, ok: a.problems.length === 0 })),
        unguardedInSubmodules: agents.unguardedInSubmodules,
        gitHooksOff: agents.gitHooksOff,
      },
      approvals,
      refreshed,
      ...(putBack ? { putBack } : {}),
      ...(droppedKept ? { droppedRemoteTips: droppedKept } : {}),
      problems: problems.map((p) => p.problem),
      fixes: problems,
      notes: [...hooks.notes, ...managerNotes, ...captureNotes],
    });
    return degraded ? ExitCode.error : ExitCode.ok;
  }

  out.line(`guard status: ${repo.root}${repo.isLinkedWorktree ? ' (linked worktree)' : ''}`);
  for (const line of [refreshMessage(refreshed), ownFiles.putBackMessage(putBack)].join('\n').split('\n').filter(Boolean)) out.line(line.replace(/^git-guard: /, ''));
  if (droppedKept && 'kept' in droppedKept) out.line(`kept ${droppedKept.kept} tip(s) of deleted remote-tracking refs in refs/guard/keep/head that waited since ${droppedKept.since} (their background keep did not run); \`guard log --type ref-update\` names each`);
  if (hooks.installed) {
    const pathNote = hooks.location.hooksPath ? `core.hooksPath = ${hooks.location.hooksPath.value} (${hooks.location.hooksPath.scope})` : 'core.hooksPath not set';
    out.line(`hooks in ${displayPath(hooks.location.dir, cwd)} (${pathNote}${hooks.hooksPathDrift ? ', CHANGED since guard init' : ', unchanged since guard init'})`);
    for (const hook of hooks.hooks) out.line(`  ${hookLine(hook, through.get(hook.name) ?? null)}`);
  } else {
    out.line('hooks: not installed (run `guard init`)');
  }
  const configFile = displayPath(policy.source, cwd);
  out.line(
    policy.error
      ? `config: ${configFile} is INVALID; the hooks fail closed until it is fixed (\`guard config check\`)`
      : `config: ${policy.sourceExists ? `${configFile} is valid` : `no ${configFile}, the defaults apply`} (${policy.protect.branches.length} protected branch globs, ${policy.protect.paths.length} protected path globs)`,
  );
  out.line(latest ? `latest snapshot: ${shortId(latest.oid)}, ${age(latest.time)} (${latest.trigger})` : 'latest snapshot: none yet (`guard snapshot` takes one)');
  out.line(`snapshot store: ${size === null ? 'size unknown (needs git 2.38)' : `${bytes(size)} kept only by guard's refs`}`);
  if (agents.launcher) {
    out.line(`agent hooks (launcher ${displayPath(agents.launcher.path, cwd)}: ${agents.launcher.state}):`);
    for (const agent of agents.agents) out.line(`  ${agentLine(agent)}`);
    if (agents.unguardedInSubmodules.length > 0) out.line(`  note: ${submoduleStartNote(agents.unguardedInSubmodules)}`);
    if (agents.gitHooksOff.length > 0) out.line(`  note: ${gitHooksOffNote(agents.gitHooksOff)}`);
  } else {
    out.line('agent hooks: none set up (`guard init --agents LIST`)');
  }
  out.line(watcher.line);
  out.line(backup.line);
  for (const approval of approvals) out.line(`approval: ${approval.rule}${approval.once ? ' (once)' : ''} until ${approval.expiresAt}, by ${approval.by}`);
  for (const m of managers) {
    const runs = m.files.flatMap((f) => f.runsGuard.map((hook) => `${hook} (${f.file})`));
    out.line(`hook manager ${m.manager} (${m.evidence}): ${runs.length > 0 ? `its configuration runs guard's ${runs.join(', ')}` : 'its configuration does not run guard'}`);
  }
  for (const note of [...hooks.notes, ...managerNotes, ...captureNotes]) out.line(`note: ${note}`);
  if (degraded) {
    for (const { problem, fix } of problems) out.warn(`guard: problem: ${problem}\n  fix: ${fix}`);
    out.warn('protection is DEGRADED (each problem above names its fix).');
    return ExitCode.error;
  }
  out.line('protection: ok');
  return ExitCode.ok;
}
