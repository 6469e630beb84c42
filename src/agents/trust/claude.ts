/**
 * Will Claude Code run guard's hooks in this worktree? Read as Claude Code 2.1.197 decides it
 * (its bundled cli, checked by reading it): interactive sessions run project hooks once the
 * workspace trust dialog was accepted for the folder or a parent, recorded as
 * `projects["<dir>"].hasTrustDialogAccepted: true` in `~/.claude.json` (`$CLAUDE_CONFIG_DIR/.claude.json`),
 * or when CLAUDE_CODE_SANDBOXED is set; `claude -p` (headless) runs them without trust.
 * `disableAllHooks: true` in any settings file turns them off everywhere.
 */
import path from 'node:path';
import type { TrustReport } from '../types.js';
import { isObject } from '../shared/json-file.js';
import { homeOf, pathForms, readJsonRecord, selfAndAncestors } from './files.js';

export function claudeTrust(root: string, env: NodeJS.ProcessEnv): TrustReport {
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
  const config = env.CLAUDE_CONFIG_DIR ? path.join(env.CLAUDE_CONFIG_DIR, '.claude.json') : path.join(homeOf(env), '.claude.json');
  const record = readJsonRecord(config);
  const projects = record.state === 'ok' && isObject(record.data.projects) ? record.data.projects : {};
  for (const form of pathForms(root)) {
    for (const dir of selfAndAncestors(form)) {
      const entry = projects[dir];
      if (isObject(entry) && entry.hasTrustDialogAccepted === true) return { state: 'loads', detail: `${dir} is trusted in ${config}` };
    }
  }
  return {
    state: 'blocked',
    detail: `interactive Claude Code sessions skip project hooks until the folder is trusted, and ${root} is not trusted in ${config} (headless \`claude -p\` runs them)`,
    fix: `start \`claude\` in ${root} once and accept the trust dialog`,
  };
}
