/**
 * What `guard init` would add to each hook manager's configuration, computed without writing:
 * the file, the hooks, the exact bytes before and after. husky's scripts get two lines put first
 * (a comment and the command: huskySnippet says why); lefthook.yml and .pre-commit-config.yaml get one entry inserted
 * (yaml-insert.ts). Everything else in the file stays byte for byte as it was.
 */
import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import type { Repo } from '../../git/repo.js';
import type { HooksPathSetting } from '../install/hooks-dir.js';
import { detectManagers, hooksRunningGuard, preCommitStage, type DetectedManager } from './detect.js';
import { entryCommand, lefthookCommand, legacyLefthookCommand, type ManagedHook, type ManagerName } from './entry.js';
import { insertLefthook, insertPreCommit, yamlScalar } from './yaml-insert.js';

export type EditAction = 'create' | 'insert' | 'present' | 'unsupported';

export interface PlannedEdit {
  manager: ManagerName;
  /** Relative to the worktree root, `/`-separated. */
  file: string;
  /** Hooks whose guard entry this edit adds. */
  hooks: ManagedHook[];
  /** Hooks whose guard entry the file already has. */
  present: ManagedHook[];
  action: EditAction;
  /** Why guard cannot edit it (action unsupported), with what to add by hand. */
  problem?: string;
  before: Buffer | null;
  after: Buffer | null;
  /** The text guard inserts (uninstall removes exactly this when the file changed since). */
  snippets: string[];
  /**
   * Hooks whose guard entry an older guard wrote unsafely (lefthook's `'{1}'`), and the text
   * replacements (old, new) this edit makes to rewrite them; records of earlier edits follow.
   */
  rewritten?: { hooks: ManagedHook[]; replacements: Array<[string, string]> };
}

export interface ManagerPlan {
  manager: ManagerName;
  evidence: string;
  edits: PlannedEdit[];
}

function read(file: string): Buffer | null {
  try {
    return fs.readFileSync(file);
  } catch {
    return null;
  }
}

/**
 * guard's lines in a husky script. They go first: a project's own checks before them could end
 * the script early (an `exit 0`, or husky 8 scripts run without -e), and on pre-push they could
 * read the refs on stdin that guard's check needs. `|| exit` stops the script where husky does not
 * run it with -e.
 */
export function huskySnippet(hook: ManagedHook): string {
  return `# git-guard: runs guard's ${hook} check first (added by \`guard init\`, removed by \`guard uninstall\`)\n${entryCommand(hook, '"$@"')} || exit $?\n`;
}

function planHusky(file: string, hook: ManagedHook, before: Buffer | null): PlannedEdit {
  const base = { manager: 'husky' as const, file, before };
  const present = hooksRunningGuard('husky', before?.toString('latin1') ?? null, [hook]);
  if (present.length > 0) return { ...base, hooks: [], present, action: 'present', after: null, snippets: [] };
  const snippet = huskySnippet(hook);
  if (!before) return { ...base, hooks: [hook], present: [], action: 'create', after: Buffer.from(snippet), snippets: [snippet] };
  // The script's own bytes are never decoded: guard's lines go before them, after a #! line.
  const newline = before.indexOf(0x0a);
  const at = before[0] === 0x23 && before[1] === 0x21 && newline >= 0 ? newline + 1 : 0;
  return { ...base, hooks: [hook], present: [], action: 'insert', after: Buffer.concat([before.subarray(0, at), Buffer.from(snippet), before.subarray(at)]), snippets: [snippet] };
}


function planYaml(detected: DetectedManager, file: string, hooks: ManagedHook[], before: Buffer | null, stage: () => string): PlannedEdit {
  const base = { manager: detected.manager, file, before };
  if (!before || !isUtf8(before)) return { ...base, hooks: [], present: [], action: 'unsupported', problem: `${file} cannot be read as UTF-8 text`, after: null, snippets: [] };
  let text = before.toString('utf8');
  const present = hooksRunningGuard(detected.manager, text, hooks);
  const missing = hooks.filter((h) => !present.includes(h));
  const rewritten = detected.manager === 'lefthook' ? rewriteLegacyLefthook(text, present) : null;
  if (rewritten) text = rewritten.text;
  if (missing.length === 0) {
    if (rewritten) return { ...base, hooks: [], present, action: 'insert', after: Buffer.from(text, 'utf8'), snippets: [], rewritten: { hooks: rewritten.hooks, replacements: rewritten.replacements } };
    return { ...base, hooks: [], present, action: 'present', after: null, snippets: [] };
  }
  const snippets: string[] = [];
  for (const hook of missing) {
    const result =
      detected.manager === 'lefthook'
        ? insertLefthook(text, file, { hook, run: lefthookCommand(hook), useStdin: hook === 'pre-push' })
        : insertPreCommit(text, file, { id: `git-guard-${hook}`, name: `git-guard (${hook} check)`, entry: entryCommand(hook, ''), stage: stage() });
    if ('problem' in result) {
      const by = detected.manager === 'lefthook' ? `a command under ${hook}.commands running: ${JSON.stringify(lefthookCommand(hook))}` : `a repo: local hook (language: system, pass_filenames: false, always_run: true) with entry: ${entryCommand(hook, '')}`;
      return { ...base, hooks: [], present, action: 'unsupported', problem: `${result.problem}; add ${by}`, after: null, snippets: [] };
    }
    text = result.text;
    snippets.push(result.snippet);
  }
  return { ...base, hooks: missing, present, action: 'insert', after: Buffer.from(text, 'utf8'), snippets, ...(rewritten ? { rewritten: { hooks: rewritten.hooks, replacements: rewritten.replacements } } : {}) };
}

/**
 * guard's lefthook entries written in the old, unsafe form (legacyLefthookCommand), each found
 * as exactly the `run:` line guard wrote, and the text with them rewritten to the current form.
 * Only that exact text is touched (once per hook): anything else in the file stays byte for byte.
 */
function rewriteLegacyLefthook(text: string, present: ManagedHook[]): { text: string; hooks: ManagedHook[]; replacements: Array<[string, string]> } | null {
  const hooks: ManagedHook[] = [];
  const replacements: Array<[string, string]> = [];
  for (const hook of present) {
    if (hook === 'pre-commit') continue;
    const old = `run: ${yamlScalar(legacyLefthookCommand(hook))}`;
    const at = text.indexOf(old);
    if (at < 0 || text.indexOf(old, at + 1) >= 0) continue;
    const now = `run: ${yamlScalar(lefthookCommand(hook))}`;
    text = text.slice(0, at) + now + text.slice(at + old.length);
    hooks.push(hook);
    replacements.push([old, now]);
  }
  return hooks.length > 0 ? { text, hooks, replacements } : null;
}

export async function planManagerEdits(repo: Repo, hooksPath?: HooksPathSetting | null): Promise<ManagerPlan[]> {
  const detected = await detectManagers(repo, hooksPath);
  let stage: string | null = null;
  const stageOnce = (): string => (stage ??= preCommitStage());
  return detected.map((d) => ({
    manager: d.manager,
    evidence: d.evidence,
    edits: d.files.map(({ file, hooks }) => {
      const before = read(path.join(repo.root, ...file.split('/')));
      return d.manager === 'husky' ? planHusky(file, hooks[0]!, before) : planYaml(d, file, hooks, before, stageOnce);
    }),
  }));
}
