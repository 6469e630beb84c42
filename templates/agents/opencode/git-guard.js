// git-guard OpenCode plugin. Written by `guard init` and removed by `guard uninstall`; edits are
// overwritten by the next `guard init`. It sends each session and tool event to git-guard's hook
// (the same one every other agent uses) and throws to block a tool call guard refuses.
// It fails closed: if guard cannot answer, shell and file-editing tools are blocked.
import { spawnSync } from 'node:child_process';

const SHIM = __GUARD_SHIM__;
// Tools that can change files or run commands; anything else is read-only for guard's purposes.
const CHECKED = new Set(['bash', 'write', 'edit', 'multiedit', 'patch', 'apply_patch']);

function callGuard(event, payload) {
  return spawnSync('sh', [SHIM, 'opencode', event], {
    input: JSON.stringify(payload),
    encoding: 'utf8',
    timeout: 120000,
  });
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

export const GitGuard = async ({ directory }) => ({
  'tool.execute.before': async (input, output) => {
    const tool = String(input.tool ?? '');
    const answer = answerOf(callGuard('pre-tool', { sessionID: input.sessionID, tool, args: output.args ?? {}, cwd: directory }));
    if (answer === null) {
      if (CHECKED.has(tool)) throw new Error('git-guard could not check this tool call, so it was blocked. Run `guard status` to see what is wrong.');
      return;
    }
    if (answer.decision === 'deny' || answer.decision === 'ask') throw new Error(answer.reason || 'blocked by git-guard');
  },
  event: async ({ event }) => {
    if (event.type === 'session.created') callGuard('session-start', { sessionID: sessionIdOf(event.properties), cwd: directory });
    else if (event.type === 'session.idle') callGuard('stop', { sessionID: sessionIdOf(event.properties), cwd: directory });
    else if (event.type === 'session.deleted') callGuard('session-end', { sessionID: sessionIdOf(event.properties), cwd: directory });
  },
});
