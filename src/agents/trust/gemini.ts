/**
 * Will Gemini CLI run guard's hooks in this worktree? As gemini-cli decides it (packages/core
 * utils/trust.ts, hooks/hookRegistry.ts, cli/config/settingsSchema.ts; verified against 0.61.0):
 *  - project hooks run only in a trusted folder: `GEMINI_RESTRICTED_MODE=true` or
 *    `GEMINI_CLI_TRUST_WORKSPACE=false` distrust it, `GEMINI_CLI_TRUST_WORKSPACE=true` (also what
 *    `--skip-trust` sets) trusts it, first (checkPathTrust, 0.61.0); then `security.folderTrust.enabled: false` in the user's settings trusts everything;
 *    then the longest matching rule of `~/.gemini/trustedFolders.json` (or
 *    `GEMINI_CLI_TRUSTED_FOLDERS_PATH`): TRUST_FOLDER, TRUST_PARENT (the rule's parent), DO_NOT_TRUST;
 *  - `hooksConfig.enabled: false` turns every hook off; `hooksConfig.disabled` lists hook names
 *    (a hook's name, else its command) that do not run.
 */
import path from 'node:path';
import type { SeenEnv, TrustReport } from '../types.js';
import { isObject } from '../shared/json-file.js';
import { getKey } from '../shared/settings-keys.js';
import { homeOf, isWithin, pathForms, readJsonRecord } from './files.js';

const SAVE_TRUST = (root: string): string => `start \`gemini\` in ${root} once and trust the folder (saved in ~/.gemini/trustedFolders.json)`;
const FIX_TRUST = (root: string): string => `${SAVE_TRUST(root)}, or set GEMINI_CLI_TRUST_WORKSPACE=true in the agent's environment`;

export function geminiFolderTrust(root: string, env: NodeJS.ProcessEnv): { trusted: boolean | undefined; source: string } {
  const flag = env.GEMINI_CLI_TRUST_WORKSPACE;
  if (env.GEMINI_RESTRICTED_MODE === 'true') return { trusted: false, source: 'GEMINI_RESTRICTED_MODE=true' };
  if (flag === 'false') return { trusted: false, source: 'GEMINI_CLI_TRUST_WORKSPACE=false' };
  if (flag === 'true') return { trusted: true, source: 'GEMINI_CLI_TRUST_WORKSPACE=true' };
  const userSettings = path.join(homeOf(env), '.gemini', 'settings.json');
  const settings = readJsonRecord(userSettings);
  if (settings.state === 'ok' && getKey(settings.data, 'security.folderTrust.enabled') === false) {
    return { trusted: true, source: `folder trust is off in ${userSettings}` };
  }
  const file = env.GEMINI_CLI_TRUSTED_FOLDERS_PATH || path.join(homeOf(env), '.gemini', 'trustedFolders.json');
  const record = readJsonRecord(file);
  if (record.state !== 'ok') return { trusted: undefined, source: `${file} ${record.state === 'absent' ? 'does not exist' : 'is unreadable'}` };
  let best: { len: number; level: string } | null = null;
  for (const [rule, level] of Object.entries(record.data)) {
    if (typeof level !== 'string') continue;
    const effective = level === 'TRUST_PARENT' ? path.dirname(rule) : rule;
    const matches = pathForms(effective).some((e) => pathForms(root).some((r) => isWithin(e, r)));
    if (matches && (!best || rule.length > best.len)) best = { len: rule.length, level };
  }
  if (!best) return { trusted: undefined, source: `no rule in ${file} covers ${root}` };
  if (best.level === 'DO_NOT_TRUST') return { trusted: false, source: `${file} says DO_NOT_TRUST` };
  return { trusted: best.level === 'TRUST_FOLDER' || best.level === 'TRUST_PARENT', source: `${file} (${best.level})` };
}

/** The variables Gemini CLI's trust reads from its environment (recorded by its session-start hook). */
export const GEMINI_TRUST_ENV = ['GEMINI_CLI_TRUST_WORKSPACE', 'GEMINI_RESTRICTED_MODE'];

/** Trusted by a variable of one shell's environment only: said so, since another shell's gemini loads nothing. */
const byEnv = (source: string): string => `trusted through ${source} (this shell only: a gemini started without it loads no project hook here)`;

export function geminiTrust(root: string, env: NodeJS.ProcessEnv, guardHookNames: string[], seen?: SeenEnv): TrustReport {
  const folder = geminiFolderTrust(root, env);
  if (folder.trusted !== true) {
    // This shell does not trust the folder, but Gemini CLI's last session here ran guard's hooks with
    // a variable that does (its hook saw the agent's environment): not a failure, a shell-bound trust.
    const then = seen && !env.GEMINI_CLI_TRUST_WORKSPACE && !env.GEMINI_RESTRICTED_MODE ? geminiFolderTrust(root, { ...env, ...nonNull(seen.env) }) : null;
    if (then?.trusted === true && then.source.startsWith('GEMINI_')) {
      return {
        state: 'unknown',
        detail: `trusted through ${then.source} in the shell Gemini CLI ran in (its session start at ${seen?.time} ran guard's hooks), that shell only: a gemini started without it, as from this shell, loads no project hook, since ${root} is not trusted otherwise (${folder.source})`,
        fix: `set ${then.source} wherever gemini is started, or ${SAVE_TRUST(root)}`,
      };
    }
    return { state: 'blocked', detail: `Gemini CLI runs project hooks only in a trusted folder, and ${root} is not trusted (${folder.source}); it still runs the model's commands there, without them`, fix: FIX_TRUST(root) };
  }
  const files = [path.join(homeOf(env), '.gemini', 'settings.json'), path.join(root, '.gemini', 'settings.json')];
  for (const file of files) {
    const record = readJsonRecord(file);
    if (record.state !== 'ok') continue;
    if (getKey(record.data, 'hooksConfig.enabled') === false) {
      return { state: 'blocked', detail: `hooks are turned off in ${file} (hooksConfig.enabled: false)`, fix: `remove hooksConfig.enabled: false from ${file}` };
    }
    const disabled = getKey(record.data, 'hooksConfig.disabled');
    const off = Array.isArray(disabled) ? guardHookNames.filter((name) => disabled.includes(name)) : [];
    if (off.length > 0) {
      return { state: 'blocked', detail: `${off.join(', ')} ${off.length > 1 ? 'are' : 'is'} listed in hooksConfig.disabled of ${file}`, fix: `remove ${off.join(', ')} from hooksConfig.disabled in ${file}` };
    }
  }
  const tools = readJsonRecord(path.join(root, '.gemini', 'settings.json'));
  const legacy = tools.state === 'ok' && isObject(tools.data.tools) && tools.data.tools.enableHooks === false;
  const how = folder.source.startsWith('GEMINI_') ? byEnv(folder.source) : `the folder is trusted (${folder.source})`;
  return { state: 'loads', detail: `${how}${legacy ? '; tools.enableHooks: false is obsolete and ignored' : ''}` };
}

function nonNull(env: Record<string, string | null>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== null));
}
