/**
 * Will Claude Code run guard's hooks in this worktree? Read as Claude Code decides it (its bundled
 * cli, read, and interactive sessions under a pty checked in test/e2e-agents/claude-trust.test.ts):
 * interactive sessions run project hooks once the workspace trust dialog was accepted, recorded
 * as `projects["<dir>"].hasTrustDialogAccepted: true` in `~/.claude.json`
 * (`$CLAUDE_CONFIG_DIR/.claude.json`), or when CLAUDE_CODE_SANDBOXED is set; `claude -p` (headless)
 * runs them without trust. Which directories count changed between versions: 2.1.197 counted
 * the folder or any parent; 2.1.332 counts the folder and its parents only up to the root of
 * the git repository it is in, so a trusted parent of the repository no longer counts, and
 * with CLAUDE_CODE_IGNORE_PERSISTED_TRUST set no record counts at all. guard reads the newer
 * rule (its root is the repository's root): a report of "loads" must hold for the version a user
 * updates to. In a linked worktree, 2.1.332 also counts the trust of its main checkout: trusted
 * there, it runs the hooks in the worktree without asking (claude-trust.test.ts).
 * `disableAllHooks: true` in any settings file turns them off everywhere.
 */
import path from 'node:path';
import type { TrustReport } from '../types.js';
import { isObject } from '../shared/json-file.js';
import { homeOf, pathForms, readJsonRecord, selfAndAncestors } from './files.js';

export function claudeTrust(root: string, env: NodeJS.ProcessEnv, mainRoot?: string): TrustReport {
  const settings = [
    path.join(env.CLAUDE_CONFIG_DIR || path.join(homeOf(env), '.claude'), 'settings.json'),
    path.join(root, '.claude', 'settings.json'),
    path.join(root, '.claude', 'settings.local.json'),
  ];
  for (const file of settings) {
    const record = readJsonRecord(file);
    if (record.state === 'ok' && record.data.disableAllHooks === true) {
      return { state: 'blocked', detail: `every hook is off: disableAllHooks is true in ${file}`, fix: `remove disableAllHooks from ${file}` };
    }
  }
  if (env.CLAUDE_CODE_SANDBOXED) return { state: 'loads', detail: 'CLAUDE_CODE_SANDBOXED is set' };
  const fix = `start \`claude\` in ${root} once and accept the trust dialog`;
  if (env.CLAUDE_CODE_IGNORE_PERSISTED_TRUST) {
    return {
      state: 'blocked',
      detail: 'CLAUDE_CODE_IGNORE_PERSISTED_TRUST is set, so Claude Code counts no accepted trust dialog and asks in every interactive session (headless `claude -p` runs project hooks)',
      fix: `accept the trust dialog when Claude Code asks, or unset CLAUDE_CODE_IGNORE_PERSISTED_TRUST`,
    };
  }
  const config = env.CLAUDE_CONFIG_DIR ? path.join(env.CLAUDE_CONFIG_DIR, '.claude.json') : path.join(homeOf(env), '.claude.json');
  const record = readJsonRecord(config);
  const projects = record.state === 'ok' && isObject(record.data.projects) ? record.data.projects : {};
  const accepted = (dir: string): boolean => {
    const entry = projects[dir];
    return isObject(entry) && entry.hasTrustDialogAccepted === true;
  };
  const forms = pathForms(root);
  const here = forms.find(accepted);
  if (here) return { state: 'loads', detail: `${here} is trusted in ${config}` };
  const main = mainRoot ? pathForms(mainRoot).find(accepted) : undefined;
  if (main) return { state: 'loads', detail: `${main}, the main checkout of this linked worktree, is trusted in ${config} (Claude Code counts it)` };
  // Only a parent of the repository is trusted: enough for Claude Code 2.1.197, not for 2.1.332,
  // which shows the trust dialog there and runs no project hook until it is accepted.
  const parent = forms.flatMap((form) => selfAndAncestors(form).slice(1)).find(accepted);
  if (parent) {
    return {
      state: 'blocked',
      detail: `only ${parent}, a parent of the repository, is trusted in ${config}: Claude Code 2.1.332 and later count the trust dialog at the repository's own root and below, so interactive sessions here ask again and skip project hooks until it is accepted (older versions counted the parent; headless \`claude -p\` runs them)`,
      fix,
    };
  }
  return {
    state: 'blocked',
    detail: `interactive Claude Code sessions skip project hooks until the folder is trusted, and ${root} is not trusted in ${config} (headless \`claude -p\` runs them)`,
    fix,
  };
}
