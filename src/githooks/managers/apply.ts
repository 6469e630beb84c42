/**
 * Writes what plan.ts planned into the hook managers' configuration files, the per-clone
 * launcher those entries run, and a record of each edit (`<commonDir>/guard/hook-managers.json`:
 * the file relative to the worktree, its bytes before, a hash of its bytes after, the text
 * inserted). `guard uninstall` removes exactly what was added: the file goes back to its old
 * bytes when nobody changed it since, else only guard's inserted text is taken out; anything
 * else is reported, never guessed.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../../git/repo.js';
import { renderShim } from '../install/shim.js';
import { LAUNCHER_FILE, MANAGED_HOOKS, MANAGED_SHIMS_DIR, launcherScript, type ManagedHook, type ManagerName } from './entry.js';
import type { ManagerPlan, PlannedEdit } from './plan.js';
import { removeSnippet } from './yaml-insert.js';

export const RECORD_FILE = 'hook-managers.json';

export interface EditRecord {
  manager: ManagerName;
  file: string;
  hooks: ManagedHook[];
  /** guard created the file (it did not exist). */
  created: boolean;
  /** The file's bytes before guard's edit (base64), null when guard created it. */
  before: string | null;
  afterSha256: string;
  snippets: string[];
}

interface Record_ {
  version: 1;
  edits: EditRecord[];
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function abs(repo: Repo, rel: string): string {
  return path.join(repo.root, ...rel.split('/'));
}

export function readEditRecords(repo: Repo): EditRecord[] {
  try {
    const parsed = JSON.parse(fs.readFileSync(guardCommonPath(repo, RECORD_FILE), 'utf8')) as Record_;
    return parsed.version === 1 && Array.isArray(parsed.edits) ? parsed.edits : [];
  } catch {
    return [];
  }
}

function writeAtomic(file: string, bytes: Buffer | string, mode: number): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.guard-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(temp, bytes, { mode });
  fs.chmodSync(temp, mode);
  fs.renameSync(temp, file);
}

function writeRecords(repo: Repo, edits: EditRecord[]): void {
  const file = guardCommonPath(repo, RECORD_FILE);
  if (edits.length === 0) {
    fs.rmSync(file, { force: true });
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, `${JSON.stringify({ version: 1, edits } satisfies Record_, null, 2)}\n`, 0o644);
}

function modeOf(file: string): number | null {
  try {
    return fs.statSync(file).mode & 0o7777;
  } catch {
    return null;
  }
}

/** Applies the planned edits (create, append, insert); returns those written. */
export function applyManagerEdits(repo: Repo, plans: ManagerPlan[]): PlannedEdit[] {
  const written: PlannedEdit[] = [];
  const records = readEditRecords(repo);
  for (const edit of plans.flatMap((p) => p.edits)) {
    if ((edit.action !== 'create' && edit.action !== 'insert') || !edit.after) continue;
    const file = abs(repo, edit.file);
    // The file must still be what the plan read (a person may have edited it while asked).
    const now = fs.existsSync(file) ? fs.readFileSync(file) : null;
    if ((now === null) !== (edit.before === null) || (now && edit.before && !now.equals(edit.before))) continue;
    writeAtomic(file, edit.after, modeOf(file) ?? 0o644);
    const record: EditRecord = {
      manager: edit.manager,
      file: edit.file,
      hooks: edit.hooks,
      created: edit.before === null,
      before: edit.before ? edit.before.toString('base64') : null,
      afterSha256: sha256(edit.after),
      snippets: edit.snippets,
    };
    const same = records.findIndex((r) => r.file === edit.file);
    if (same >= 0 && edit.rewritten) {
      // guard's own earlier entry rewritten in place: the file's bytes before guard stay the
      // ones to restore, and the recorded entry text follows the rewrite (uninstall removes it).
      const old = records[same]!;
      const rewrite = (snippet: string): string => edit.rewritten!.replacements.reduce((text, [from, to]) => text.split(from).join(to), snippet);
      records[same] = { ...old, hooks: [...new Set([...old.hooks, ...record.hooks])], afterSha256: record.afterSha256, snippets: [...old.snippets.map(rewrite), ...record.snippets] };
    } else if (same >= 0) {
      // guard edits a file again (its earlier entry was removed by someone): the original bytes stay the oldest known.
      const old = records[same]!;
      records[same] = { ...record, hooks: [...new Set([...old.hooks, ...record.hooks])] };
    } else {
      records.push(record);
    }
    written.push(edit);
  }
  writeRecords(repo, records);
  return written;
}

/**
 * The launcher and the shims it runs, for the hooks some manager's configuration runs guard for
 * (added now or found there, e.g. committed by a teammate). A hook left out loses its shim copy:
 * the reference-transaction hook reads the copies' presence to tell a covered hook from a lost one.
 */
export async function writeManagedLauncher(repo: Repo, hooks: ReadonlyMap<ManagedHook, string>): Promise<void> {
  const dir = guardCommonPath(repo, MANAGED_SHIMS_DIR);
  if (hooks.size === 0) {
    removeManagedLauncher(repo);
    return;
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const hook of MANAGED_HOOKS) {
    const file = path.join(dir, hook);
    const from = hooks.get(hook);
    if (from === undefined) {
      fs.rmSync(file, { force: true });
      fs.rmSync(`${file}.from`, { force: true });
      continue;
    }
    // Which configuration file runs guard for this hook (relative to the worktree), for the
    // reference-transaction hook's note when the manager replaces guard's shim.
    if (!fs.existsSync(`${file}.from`) || fs.readFileSync(`${file}.from`, 'utf8') !== `${from}\n`) writeAtomic(`${file}.from`, `${from}\n`, 0o644);
    const shim = await renderShim(hook, { inCommonDir: false });
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === shim) continue;
    writeAtomic(file, shim, 0o755);
  }
  const launcher = guardCommonPath(repo, LAUNCHER_FILE);
  const text = launcherScript();
  if (!fs.existsSync(launcher) || fs.readFileSync(launcher, 'utf8') !== text) writeAtomic(launcher, text, 0o755);
}

export function removeManagedLauncher(repo: Repo): void {
  fs.rmSync(guardCommonPath(repo, LAUNCHER_FILE), { force: true });
  fs.rmSync(guardCommonPath(repo, MANAGED_SHIMS_DIR), { recursive: true, force: true });
}

export type RemoveAction = 'restored' | 'deleted' | 'removed-entry' | 'already-gone' | 'left';

export interface RemovedEdit {
  manager: ManagerName;
  file: string;
  action: RemoveAction;
  note?: string;
}

function removeOne(repo: Repo, record: EditRecord): RemovedEdit {
  const base = { manager: record.manager, file: record.file };
  const file = abs(repo, record.file);
  let now: Buffer;
  try {
    now = fs.readFileSync(file);
  } catch {
    return { ...base, action: 'already-gone' };
  }
  const mode = modeOf(file) ?? 0o644;
  if (sha256(now) === record.afterSha256) {
    // Nobody changed the file since guard's edit: its old bytes, exactly.
    if (record.created) fs.rmSync(file);
    else writeAtomic(file, Buffer.from(record.before ?? '', 'base64'), mode);
    return { ...base, action: record.created ? 'deleted' : 'restored' };
  }
  // Changed since: take out only guard's text (bytes are compared as latin1, so no byte is decoded lossily).
  let text: string | null = now.toString('latin1');
  for (const snippet of record.snippets) {
    if (text === null) break;
    text = removeSnippet(text, Buffer.from(snippet, 'utf8').toString('latin1'));
  }
  if (text === null) {
    const gone = record.snippets.every((s) => !now.toString('latin1').includes(Buffer.from(s.trim(), 'utf8').toString('latin1')));
    return gone
      ? { ...base, action: 'already-gone', note: `guard's entry is no longer in ${record.file}` }
      : { ...base, action: 'left', note: `${record.file} changed since guard init and guard's entry is not where guard put it: remove the git-guard entry (it runs .git${'/guard/git-hook.sh'}) by hand` };
  }
  if (record.created && text.length === 0) {
    fs.rmSync(file);
    return { ...base, action: 'deleted' };
  }
  writeAtomic(file, Buffer.from(text, 'latin1'), mode);
  return { ...base, action: 'removed-entry', note: `${record.file} changed since guard init: only guard's entry was taken out` };
}

export function removeManagerEdits(repo: Repo): RemovedEdit[] {
  const removed = readEditRecords(repo).map((r) => removeOne(repo, r));
  writeRecords(repo, []);
  removeManagedLauncher(repo);
  return removed;
}
