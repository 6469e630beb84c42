/**
 * Will Copilot CLI run guard's hooks in this worktree? Copilot CLI loads `.github/hooks/*.json`
 * only in a trusted folder: one listed (itself or a parent) in the `trustedFolders` array
 * (`trusted_folders` in older releases) of `$COPILOT_HOME/config.json`, default
 * `~/.copilot/config.json` (GitHub's "Configure GitHub Copilot CLI" page; the trust rule was seen
 * with Copilot CLI 1.0.102, whose bundled code is not readable). In a linked worktree, Copilot
 * CLI 1.0.102 also counts its main checkout: trusted there, it loads the hooks in the worktree
 * without asking (interactive, under a pty: test/e2e-agents/copilot-trust.test.ts).
 */
import path from 'node:path';
import type { TrustReport } from '../types.js';
import { homeOf, isWithin, pathForms, readJsonRecord } from './files.js';

export function copilotTrust(root: string, env: NodeJS.ProcessEnv, mainRoot?: string): TrustReport {
  const config = path.join(env.COPILOT_HOME || path.join(homeOf(env), '.copilot'), 'config.json');
  const record = readJsonRecord(config);
  const fix = `start \`copilot\` in ${root} once and choose to trust the folder for future sessions (saved in trustedFolders of ${config})`;
  if (record.state === 'unreadable') return { state: 'unknown', detail: `${config} is unreadable (${record.error})`, fix };
  const lists = record.state === 'ok' ? [record.data.trustedFolders, record.data.trusted_folders] : [];
  const folders = lists.flatMap((l) => (Array.isArray(l) ? l.filter((f): f is string => typeof f === 'string') : []));
  const dirs = [root, ...(mainRoot ? [mainRoot] : [])].flatMap(pathForms);
  const hit = folders.find((f) => pathForms(f).some((ff) => dirs.some((r) => isWithin(ff, r))));
  if (hit) {
    const viaMain = mainRoot && !pathForms(hit).some((ff) => pathForms(root).some((r) => isWithin(ff, r)));
    return { state: 'loads', detail: viaMain ? `${hit} is a trusted folder in ${config}, and holds ${mainRoot}, the main checkout of this linked worktree (Copilot CLI counts it)` : `${hit} is a trusted folder in ${config}` };
  }
  return { state: 'blocked', detail: `Copilot CLI loads .github/hooks/ only in a trusted folder, and ${root} is not one in ${config}`, fix };
}
