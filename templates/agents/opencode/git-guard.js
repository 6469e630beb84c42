// git-guard OpenCode plugin. Written by `guard init` and removed by `guard uninstall`; edits are
// overwritten by the next `guard init`. It sends each session and tool event to git-guard's hook
// (the same one every other agent uses) and throws to block a tool call guard refuses.
// It holds no path of any machine: it asks git for this clone's git directory and runs the
// launcher `guard init` wrote there (<git common dir>/guard/agent-hook.sh); inside a submodule
// without one, its superprojects' (innermost first).
// It fails closed: if guard is set up here but cannot answer, shell and file-editing tools are
// blocked. In a clone where guard was never set up (no launcher) it warns once and checks nothing.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

// Tools that can change files or run commands; anything else is read-only for guard's purposes.
const CHECKED = new Set(['bash', 'write', 'edit', 'multiedit', 'patch', 'apply_patch']);

function gitLine(directory, args) {
  const git = spawnSync('git', args, { cwd: directory, encoding: 'utf8' });
  return git.error || git.status !== 0 ? '' : git.stdout.replace(/\n$/, '');
}

function launcherOf(directory) {
  const common = gitLine(directory, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  if (common === '') return null;
  const launcher = join(common, 'guard', 'agent-hook.sh');
  return existsSync(launcher) ? launcher : null;
}

/**
 * This clone's launcher or, inside a submodule (whose own git dir has none), its superprojects',
 * innermost first, as the hook command of every other agent looks them up (src/agents/launcher.ts):
 * the superproject's guard then judges each call with the cwd inside the submodule.
 */
function findLauncher(directory) {
  const own = launcherOf(directory);
  if (own !== null) return own;
  for (let at = directory; ; ) {
    at = gitLine(at, ['rev-parse', '--show-superproject-working-tree']);
    if (at === '') return null;
    const launcher = launcherOf(at);
    if (launcher !== null) return launcher;
  }
}

function answerOf(result) {
  if (result.error || result.status !== 0) return null;
  const text = (result.stdout || '').trim();
  if (text === '') return { decision: 'allow' };
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function sessionIdOf(properties) {
  if (!properties) return undefined;
  return properties.sessionID ?? properties.info?.id ?? properties.id;
}

/** The directory a tool runs in: OpenCode's bash tool takes a `workdir` argument. */
function toolCwd(directory, tool, args) {
  const workdir = tool === 'bash' && typeof args?.workdir === 'string' && args.workdir !== '' ? args.workdir : null;
  if (workdir === null) return directory;
  return isAbsolute(workdir) ? workdir : resolve(directory, workdir);
}

/**
 * `opencode run` (non-interactive) prints its transcript on this process's stderr and stdout, and a
 * plugin runs in that process: guard's message for the person (its answer's stderr: the session
 * start and its undo command, the summary, guard's own files put back) goes to stderr there. In the
 * TUI a write to the terminal would garble its screen, so nothing is written there.
 */
const HEADLESS = process.argv.slice(1).includes('run');

function tellPerson(result) {
  const text = (result.stderr || '').trim();
  if (HEADLESS && text !== '') process.stderr.write(`${text}\n`);
  return text;
}

export const GitGuard = async ({ directory }) => {
  const launcher = findLauncher(directory);
  if (launcher === null) {
    console.warn('git-guard is not set up in this clone, so OpenCode runs without its checks: run guard init');
  }
  const callGuard = (event, payload) =>
    spawnSync('sh', [launcher, 'opencode', event], { cwd: directory, input: JSON.stringify(payload), encoding: 'utf8', timeout: 120000 });
  // What guard said when it let a call run (its own files put back, ignored files captured), by
  // call: appended to that tool's output, which is what the model reads.
  const said = new Map();
  return {
    'tool.execute.before': async (input, output) => {
      if (launcher === null) return;
      const tool = String(input.tool ?? '');
      const args = output.args ?? {};
      const result = callGuard('pre-tool', { sessionID: input.sessionID, tool, args, cwd: toolCwd(directory, tool, args) });
      const answer = answerOf(result);
      if (answer === null) {
        if (CHECKED.has(tool)) throw new Error('git-guard could not check this tool call, so it was blocked. Run `guard status` to see what is wrong.');
        return;
      }
      if (answer.decision === 'deny' || answer.decision === 'ask') throw new Error(answer.reason || 'blocked by git-guard');
      const text = tellPerson(result);
      if (text !== '' && input.callID) said.set(input.callID, text);
    },
    'tool.execute.after': async (input, output) => {
      const text = input.callID ? said.get(input.callID) : undefined;
      if (text === undefined) return;
      said.delete(input.callID);
      if (output && typeof output.output === 'string') output.output = `${output.output}\n${text}`;
    },
    event: async ({ event }) => {
      if (launcher === null) return;
      if (event.type === 'session.created') tellPerson(callGuard('session-start', { sessionID: sessionIdOf(event.properties), cwd: directory }));
      else if (event.type === 'session.idle') tellPerson(callGuard('stop', { sessionID: sessionIdOf(event.properties), cwd: directory }));
      else if (event.type === 'session.deleted') tellPerson(callGuard('session-end', { sessionID: sessionIdOf(event.properties), cwd: directory }));
    },
  };
};
