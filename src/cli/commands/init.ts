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
import { assertHooksInstallable, hooksStatus, installHooks } from '../../githooks/install/local.js';
import type { HookChange } from '../../githooks/install/install.js';
import { writeClock } from '../../githooks/clock.js';
import { writePathspecsFile } from '../../githooks/pathspecs.js';
import { appendEvent } from '../../session/journal.js';
import { createSnapshot } from '../../snapshot/create.js';
import { backupAfterSnapshot } from '../../backup/auto-push.js';
import { shortId } from '../format.js';
import type { CommandContext } from '../main.js';
import { confirm } from '../prompt.js';

interface Args {
  preset?: string;
  yes?: boolean;
  agents?: string;
  json?: boolean;
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
    out.line('  - take a first snapshot');
    if (!(await confirm('Go ahead? [Y/n] ', true))) {
      out.line('Nothing changed.');
      return 0;
    }
  }

  // Before anything is written: can the hooks go where git runs them?
  await assertHooksInstallable(repo);

  // 1. The policy file (never overwritten) and its compiled form for the hook path.
  const target = await configRepo(repo);
  const written = await writeConfigFile(target.repo, preset);
  const policy = await compilePolicy(repo);
  await writePathspecsFile(repo, policy);
  await writeClock(guardCommonPath(repo));

  // 2. The git hooks.
  out.progress('guard init: installing the git hooks…');
  const hooks = await installHooks(repo);

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
  const status = await hooksStatus(repo);

  const agentFiles = agents.installed.flatMap((a) => a.files.filter((f) => f.action !== 'unchanged'));
  const changedSomething = written.written || hooks.changed || created || agentFiles.length > 0;
  if (changedSomething) {
    appendEvent(repo, { type: 'init', preset, configWritten: written.written, hooksDir: hooks.manifest.hooksDir, snapshot: snapshot.oid });
  }

  if (out.json) {
    out.data({
      ok: !status.degraded,
      changed: changedSomething,
      config: { file: target.file, written: written.written, preset: written.written ? preset : null, error: policy.error },
      hooks: { dir: hooks.manifest.hooksDir, hooksPath: hooks.manifest.hooksPath, changes: hooks.changes, selfTest: status.hooks.map((h) => ({ name: h.name, ...h.selfTest })) },
      agents: agents.installed.map((a) => {
        const health = agentHealth.agents.find((h) => h.agent === a.agent);
        return { agent: a.agent, files: a.files, notes: a.notes, evidence: a.evidence, trust: health?.trust ?? null };
      }),
      snapshot: { id: snapshot.oid, created },
      problems: status.problems,
    });
    return status.degraded ? 1 : 0;
  }

  const shownConfig = displayPath(target.file, cwd);
  out.line(written.written ? `wrote ${shownConfig} (preset "${preset}"; every line is commented)` : `kept the existing ${shownConfig}${args.preset ? ` (the "${args.preset}" preset was not applied: guard never overwrites it)` : ''}`);
  if (policy.error) out.warn(`guard: warning: ${shownConfig} is invalid, so the hooks fail closed until it is fixed:\n${policy.error}`);
  if (hooks.manifest.hooksPath) out.line(`hooks directory: ${displayPath(hooks.manifest.hooksDir, cwd)} (core.hooksPath = ${hooks.manifest.hooksPath.value}; guard leaves it as it is)`);
  for (const change of hooks.changes) out.line(describeChange(change, cwd));
  for (const report of agents.installed) {
    const files = report.files.filter((f) => f.action !== 'unchanged');
    out.line(files.length > 0 ? `${report.displayName}: ${files.map((f) => `${f.action} ${displayPath(f.path, cwd)}`).join(', ')}` : `${report.displayName}: already set up`);
    for (const note of report.notes) out.line(`  ${note}`);
    const trust = agentHealth.agents.find((h) => h.agent === report.agent)?.trust;
    if (trust?.state === 'loads') out.line(`  its hooks will load: ${trust.detail}`);
    else if (trust) out.line(`  its hooks will NOT load yet: ${trust.detail}\n  to make them load: ${trust.fix ?? 'trust the project in the agent'}`);
  }
  out.line(created ? `first snapshot: ${shortId(snapshot.oid)}` : `latest snapshot ${shortId(snapshot.oid)} already matches this state`);
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
