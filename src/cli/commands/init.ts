/**
 * `guard init [--preset NAME] [--yes] [--agents LIST]`: sets guard up in a repository (or a linked
 * worktree): writes .guard.yaml from a preset unless one exists, compiles it for the hook path,
 * installs the git hooks into the hooks directory in force (chaining what was there), installs
 * the agent hooks, takes a first snapshot and proves the hooks run. Running it again changes
 * nothing that is already in place.
 */
import path from 'node:path';
import { compilePolicy } from '../../config/compile.js';
import { configSourcePath, displayPath } from '../../config/load.js';
import { DEFAULT_PRESET, listPresets, writeConfigFile } from '../../config/presets.js';
import { GuardError } from '../../errors.js';
import { guardCommonPath, openRepo, type Repo } from '../../git/repo.js';
import { hooksLocation } from '../../githooks/install/hooks-dir.js';
import { assertHooksInstallable, hooksStatus, installHooks } from '../../githooks/install/local.js';
import type { HookChange } from '../../githooks/install/install.js';
import { writeHookFiles } from '../../githooks/context.js';
import { appendEvent } from '../../session/journal.js';
import { createSnapshot } from '../../snapshot/create.js';
import { backupAfterSnapshot } from '../../backup/auto-push.js';
import { backupReport } from '../../backup/status.js';
import { gitHooksOffNote, shortId } from '../format.js';
import type { CommandContext } from '../main.js';
import { confirm } from '../prompt.js';
import { planManagerEdits, type ManagerPlan, type PlannedEdit } from '../../githooks/managers/plan.js';
import type { ManagedHook } from '../../githooks/managers/entry.js';

interface Args {
  preset?: string;
  yes?: boolean;
  agents?: string;
  json?: boolean;
  /** false with --no-hook-manager. */
  hookManager?: boolean;
}

function editable(edit: PlannedEdit): boolean {
  return edit.action === 'create' || edit.action === 'insert';
}

/** One line of the plan shown before asking: what guard adds to which file. */
function describeEdit(edit: PlannedEdit): string {
  const rewrite = edit.rewritten ? `rewrite guard's ${edit.rewritten.hooks.join(' and ')} entry in ${edit.file} (an older guard pasted the remote into '...', which a ' in its URL breaks)` : '';
  if (edit.hooks.length === 0) return rewrite;
  const entry = `an entry that runs guard's ${edit.hooks.join(' and ')} check (${edit.manager})`;
  return `${edit.action === 'create' ? `create ${edit.file} with ${entry}` : `add to ${edit.file} ${entry}`}${rewrite ? `, and ${rewrite}` : ''}`;
}

/** What happened to each manager configuration, for the output and --json. */
interface ManagerOutcome {
  manager: string;
  file: string;
  hooks: ManagedHook[];
  present: ManagedHook[];
  action: 'added' | 'present' | 'skipped' | 'unsupported' | 'changed-meanwhile';
  reason?: string;
  /** Hooks whose entry (written unsafely by an older guard) this run rewrote or would rewrite. */
  rewritten?: ManagedHook[];
}

function describeChange(change: HookChange, from: string): string {
  const where = displayPath(change.path, from);
  const chained = change.chained ? `, runs the hook that was there first (${change.chained.manager ?? 'your hook'}, kept as ${path.basename(where)}.guard-chained)` : '';
  switch (change.action) {
    case 'installed':
      return `installed ${where}`;
    case 'chained':
      return `installed ${where}${chained}`;
    case 'rechained':
      return `installed ${where} again: something had replaced it${chained}${change.keptAside ? `; the older chained hook is kept as ${path.basename(change.keptAside)}` : ''}`;
    case 'updated':
      return `updated ${where}${chained}`;
    case 'unchanged':
      return `${where} already installed${change.chained ? ' (chained)' : ''}`;
  }
}

/** The repo whose root holds the .guard.yaml in effect (the main worktree's, also for a linked one). */
async function configRepo(repo: Repo): Promise<{ repo: Repo; file: string }> {
  const file = await configSourcePath(repo);
  return { repo: { ...repo, root: path.dirname(file) }, file };
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  const repo = await openRepo(cwd);
  const preset = args.preset ?? DEFAULT_PRESET;
  if (!listPresets().some((p) => p.name === preset)) {
    throw new GuardError('user', `unknown preset ${JSON.stringify(preset)}`, { hints: listPresets().map((p) => `--preset ${p.name}: ${p.description}`) });
  }

  const { installAgents, parseAgentList, planAgents } = await import('../../agents/install.js');
  const selection = args.agents === undefined ? undefined : parseAgentList(args.agents);
  // Resolving the selection first also rejects an unknown agent name before anything is written.
  const agentPlan = planAgents(repo, selection);
  // Hook managers (husky, lefthook, pre-commit) whose configuration should run guard so that
  // re-installing their hooks does not switch guard off (docs/hooks.md).
  // Where git runs hooks, asked once for the whole command (guard never changes core.hooksPath):
  // the hook managers' plan, the install check, the install and the self-test all use it.
  let location = await hooksLocation(repo);
  const managerPlans: ManagerPlan[] = await planManagerEdits(repo, location.hooksPath);
  const managerEdits = managerPlans.flatMap((p) => p.edits);
  let editManagers = args.hookManager !== false && args.yes === true;

  if (out.interactive && !args.yes && !out.json) {
    out.line(`guard init will, in ${repo.root}:`);
    out.line(`  - write .guard.yaml from the "${preset}" preset (unless one exists), and compile it for the hooks`);
    out.line('  - install git hooks (pre-commit, pre-push, reference-transaction, pre-rebase), chaining the hooks already there');
    if (agentPlan.chosen.length === 0) out.line('  - set up no AI agent hooks (none detected; choose with --agents)');
    for (const a of agentPlan.chosen) {
      out.line(`  - add guard's hooks for ${a.displayName} to ${a.file}${a.evidence.length > 0 ? ` (detected: ${a.evidence.join(', ')})` : ''}`);
      if (a.agent === 'opencode') out.line('    (OpenCode then runs an npm install in .opencode/ at its next start: package.json, a lock file, node_modules, .gitignore)');
    }
    if (agentPlan.chosen.length > 0) out.line(`  - write the hook launcher the agents' hooks run (${displayPath(guardCommonPath(repo, 'agent-hook.sh'), cwd)})`);
    if (args.hookManager !== false) {
      for (const edit of managerEdits.filter(editable)) out.line(`  - ${describeEdit(edit)}, so the next ${edit.manager === 'husky' ? '`husky` run (npm install)' : `\`${edit.manager} install\``} keeps guard's checks (--no-hook-manager skips this)`);
    }
    out.line('  - take a first snapshot');
    if (!(await confirm('Go ahead? [Y/n] ', true))) {
      out.line('Nothing changed.');
      return 0;
    }
    editManagers = args.hookManager !== false;
    // The question may have waited a long time: where git runs hooks is asked again.
    location = await hooksLocation(repo);
  }

  // Before anything is written: can the hooks go where git runs them?
  await assertHooksInstallable(repo, location);

  // 1. The policy file (never overwritten) and its compiled form for the hook path.
  const target = await configRepo(repo);
  const configWritten = await writeConfigFile(target.repo, preset);
  const policy = await compilePolicy(repo);
  await writeHookFiles(repo, policy);

  // 2. The git hooks.
  out.progress('guard init: installing the git hooks…');
  const hooks = await installHooks(repo, { checked: location });

  // 2b. The hook managers' configuration, and the launcher their guard entries run.
  const { applyManagerEdits, writeManagedLauncher } = await import('../../githooks/managers/apply.js');
  const written = editManagers ? applyManagerEdits(repo, managerPlans) : [];
  const managerOutcomes: ManagerOutcome[] = managerEdits.map((edit) => {
    const base = { manager: edit.manager, file: edit.file, hooks: edit.hooks, present: edit.present, ...(edit.rewritten ? { rewritten: edit.rewritten.hooks } : {}) };
    if (edit.action === 'present') return { ...base, action: 'present' };
    if (edit.action === 'unsupported') return { ...base, hooks: [], action: 'unsupported', reason: edit.problem };
    if (written.includes(edit)) return { ...base, action: 'added' };
    if (editManagers) return { ...base, action: 'changed-meanwhile', reason: `${edit.file} changed while guard was asking; run guard init again` };
    return { ...base, action: 'skipped', reason: args.hookManager === false ? '--no-hook-manager' : 'not confirmed (guard init --yes adds it)' };
  });
  const covered = new Map<ManagedHook, string>(managerOutcomes.flatMap((o) => [...o.present, ...(o.action === 'added' ? o.hooks : [])].map((hook) => [hook, o.file] as const)));
  await writeManagedLauncher(repo, covered);

  // 3. Agent hooks. The agents engineer owns src/agents/ (installAgents / uninstallAgents);
  //    `--agents LIST` (claude-code,cursor,... | all | none) is passed through, the default
  //    installs for the agents detected in this repository.
  const agents = await installAgents(repo, { agents: selection });
  const { agentsHealth } = await import('../../agents/health.js');
  const agentHealth = agentsHealth(repo, process.env, agents.installed.map((a) => a.agent));
  // -- end of the agents block

  // 4. A first snapshot (nothing is written when nothing changed since the last one).
  const { snapshot, created } = await createSnapshot(repo, {
    trigger: 'manual',
    message: 'guard init',
    maxFileSize: policy.snapshot.maxFileSize,
    includeIgnored: policy.snapshot.includeIgnored,
    onEvent: (event) => {
      if (event.type === 'phase') out.progress(`guard init: first snapshot: ${event.phase.replace('-', ' ')}…`);
      if (event.type === 'scanned' && event.paths > 0) out.progress(`guard init: first snapshot: reading ${event.paths} files that differ from the index…`);
    },
  });
  out.done();

  // ... and into the backup, in the background (init returns at once).
  backupAfterSnapshot(repo, created);

  // 5. Prove that git runs the hooks.
  const status = await hooksStatus(repo, { location });

  const agentFiles = agents.installed.flatMap((a) => a.files.filter((f) => f.action !== 'unchanged'));
  const changedSomething = configWritten.written || hooks.changed || created || agentFiles.length > 0 || written.length > 0;
  if (changedSomething) {
    appendEvent(repo, { type: 'init', preset, configWritten: configWritten.written, hooksDir: hooks.manifest.hooksDir, snapshot: snapshot.oid });
  }

  if (out.json) {
    out.data({
      ok: !status.degraded,
      changed: changedSomething,
      config: { file: target.file, written: configWritten.written, preset: configWritten.written ? preset : null, error: policy.error },
      hooks: { dir: hooks.manifest.hooksDir, hooksPath: hooks.manifest.hooksPath, changes: hooks.changes, selfTest: status.hooks.map((h) => ({ name: h.name, ...h.selfTest })) },
      agents: agents.installed.map((a) => {
        const health = agentHealth.agents.find((h) => h.agent === a.agent);
        return { agent: a.agent, files: a.files, notes: a.notes, evidence: a.evidence, trust: health?.trust ?? null, gitHooksOff: agentHealth.gitHooksOff.includes(a.displayName) };
      }),
      hookManagers: managerOutcomes,
      snapshot: { id: snapshot.oid, created },
      problems: status.problems,
    });
    return status.degraded ? 1 : 0;
  }

  const shownConfig = displayPath(target.file, cwd);
  out.line(configWritten.written ? `wrote ${shownConfig} (preset "${preset}"; every line is commented)` : `kept the existing ${shownConfig}${args.preset ? ` (the "${args.preset}" preset was not applied: guard never overwrites it)` : ''}`);
  if (policy.error) out.warn(`guard: warning: ${shownConfig} is invalid, so the hooks fail closed until it is fixed:\n${policy.error}`);
  if (hooks.manifest.hooksPath) out.line(`hooks directory: ${displayPath(hooks.manifest.hooksDir, cwd)} (core.hooksPath = ${hooks.manifest.hooksPath.value}; guard leaves it as it is)`);
  for (const change of hooks.changes) out.line(describeChange(change, cwd));
  for (const o of managerOutcomes) {
    if (o.action === 'added' && o.hooks.length === 0) out.line(`${o.manager}: rewrote guard's ${o.rewritten?.join(' and ')} entry in ${o.file} so the hook's arguments (the remote) reach guard exactly; commit it`);
    else if (o.action === 'added') out.line(`${o.manager}: added guard's ${o.hooks.join(' and ')} check to ${o.file}${o.present.length > 0 ? ` (${o.present.join(' and ')} already there)` : ''}; commit it so it survives \`${o.manager === 'husky' ? 'husky' : `${o.manager} install`}\` for everyone (a clone without guard gets a warning, not a failure)`);
    else if (o.action === 'present') out.line(`${o.manager}: ${o.file} already runs guard's ${o.present.join(' and ')} check`);
    else if (o.action === 'unsupported') out.warn(`guard: warning: ${o.manager}: ${o.reason}`);
    else out.line(`${o.manager}: ${o.file} does not run guard (${o.reason}); when ${o.manager} re-installs its hooks, guard's are replaced`);
  }
  for (const report of agents.installed) {
    const files = report.files.filter((f) => f.action !== 'unchanged');
    out.line(files.length > 0 ? `${report.displayName}: ${files.map((f) => `${f.action} ${displayPath(f.path, cwd)}`).join(', ')}` : `${report.displayName}: already set up`);
    for (const note of report.notes) out.line(`  ${note}`);
    const trust = agentHealth.agents.find((h) => h.agent === report.agent)?.trust;
    if (trust?.state === 'loads') out.line(`  its hooks will load: ${trust.detail}`);
    else if (trust) out.line(`  its hooks will NOT load yet: ${trust.detail}\n  to make them load: ${trust.fix ?? 'trust the project in the agent'}`);
    // The git hooks' self-test below says "runs": not for this agent's commands (guard status says it too).
    if (agentHealth.gitHooksOff.includes(report.displayName)) out.line(`  note: ${gitHooksOffNote([report.displayName])}`);
  }
  out.line(created ? `first snapshot: ${shortId(snapshot.oid)}` : `latest snapshot ${shortId(snapshot.oid)} already matches this state`);
  // Where the backup stands: on a big repository its first copy runs on after init returns.
  out.line(backupReport(repo).line);
  for (const hook of status.hooks) {
    const test = hook.selfTest;
    out.line(`${hook.name}: ${test.result === 'alive' ? 'runs (self-test passed)' : `NOT working: ${test.detail}`}`);
  }
  if (status.degraded) {
    for (const problem of status.problems) out.warn(`guard: problem: ${problem}`);
    return 1;
  }
  out.line(changedSomething ? 'guard is on.' : 'guard was already set up here; nothing changed.');
  out.line(`next: commit ${shownConfig} so everyone gets the same rules, and see \`guard status\` any time.`);
  return 0;
}
