/**
 * `guard recover [--list] [--from BACKUP] [--into DIR] [--yes]`: rebuild a repository from its
 * backup (src/backup/recover.ts). Always shows what it found before changing anything; without a
 * terminal it needs --yes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { GuardError } from '../../errors.js';
import { listBackups, type BackupInfo } from '../../backup/catalog.js';
import { storeDir } from '../../backup/location.js';
import { applyRecovery, planRecovery, type RecoverPlan } from '../../backup/recover.js';
import type { CommandContext } from '../main.js';
import type { Output } from '../output.js';
import { age, branchName, shortId, table } from '../format.js';

interface Args {
  list?: boolean;
  from?: string;
  into?: string;
  yes?: boolean;
  json?: boolean;
}

/** A configured backup.dir, read straight from .guard.yaml (there is no repository to ask). */
async function configuredStores(dir: string): Promise<string[]> {
  const file = path.join(dir, '.guard.yaml');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const { parseConfigText } = await import('../../config/load.js');
  const parsed = await parseConfigText(text, file, { configDir: dir });
  return parsed.config?.backup.dir ? [storeDir(parsed.config.backup.dir)] : [];
}

function printBackups(out: Output, backups: BackupInfo[]): void {
  if (backups.length === 0) {
    out.line('No guard backups on this machine.');
    return;
  }
  const rows = [['ID', 'NEWEST SNAPSHOT', 'CHAINS', 'MADE FROM', 'PATH']];
  for (const b of backups) rows.push([b.id, b.latest ? `${b.latest} (${age(b.latest)})` : '(empty)', String(b.chains.length), b.roots.join(', ') || '?', b.path]);
  for (const line of table(rows)) out.line(line);
  out.line('');
  out.line('Rebuild one with: guard recover --from ID [--into DIR]');
}

function printPlan(out: Output, plan: RecoverPlan): void {
  const s = plan.snapshot;
  const branches = Object.keys(s.refs).filter((r) => r.startsWith('refs/heads/'));
  const tags = Object.keys(s.refs).filter((r) => r.startsWith('refs/tags/'));
  out.line(`Found backup ${plan.backup.id} at ${plan.backup.path}`);
  out.line(`  snapshot ${shortId(s.oid)} taken ${s.time} (${age(s.time)}, ${s.trigger}) of ${s.root}`);
  out.line(`  HEAD: ${s.head.symbolic ? branchName(s.head.symbolic) : `detached at ${shortId(s.head.oid ?? '')}`}${s.head.oid ? ` (${shortId(s.head.oid)})` : ' (no commits yet)'}`);
  out.line(`  branches: ${branches.length}${branches.length > 0 ? ` (${branches.slice(0, 8).map(branchName).join(', ')}${branches.length > 8 ? ', …' : ''})` : ''}`);
  out.line(`  tags: ${tags.length}${tags.length > 0 ? ` (${tags.slice(0, 8).map((t) => t.slice('refs/tags/'.length)).join(', ')}${tags.length > 8 ? ', …' : ''})` : ''}`);
  out.line(`  stash entries: ${s.stash.length}`);
  out.line(`  files in the working tree: ${plan.files}; the index as staged then`);
  if (s.skipped.length > 0) {
    out.line(`  not in the snapshot (skipped when it was taken): ${s.skipped.length}`);
    for (const skip of s.skipped.slice(0, 10)) out.line(`    ${skip.path} (${skip.reason})`);
  }
  if (plan.backup.chains.length > 1) out.line(`  also restored: ${plan.backup.chains.length - 1} other snapshot chain(s) (${plan.backup.chains.filter((c) => c !== plan.chain).map((c) => c.ref).join(', ')})`);
  for (const other of plan.others) out.line(`  another backup of this directory: ${other.id} (newest ${other.latest ?? 'empty'}); use --from ${other.id} for it`);
  if (plan.operation) {
    if (plan.operation.write.length > 0) out.line(`  ${plan.operation.to} in progress: ${plan.operation.write.join(', ')} written back`);
    for (const note of plan.operation.notes) out.line(`  note: ${note}`);
  }
  out.line(`Into: ${plan.target}${plan.targetExists ? ' (existing files that differ are moved aside, never overwritten)' : ' (new directory)'}`);
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

export async function run(args: Args, { cwd, out }: CommandContext): Promise<number> {
  const target = path.resolve(cwd, args.into ?? '.');
  const stores = [...(await configuredStores(target)), ...(args.into ? await configuredStores(cwd) : [])];
  if (args.list) {
    const backups = await listBackups(stores);
    out.data({ backups });
    printBackups(out, backups);
    return 0;
  }
  const plan = await planRecovery({ target, ...(args.from ? { from: args.from } : {}), stores });
  printPlan(out, plan);
  if (!args.yes) {
    if (!out.interactive || out.json) {
      throw new GuardError('refused', 'recover needs confirmation and there is no terminal to ask; nothing was changed', {
        hints: [`Run it again with --yes: guard recover${args.from ? ` --from ${args.from}` : ''}${args.into ? ` --into ${args.into}` : ''} --yes`],
      });
    }
    if (!(await ask(`Rebuild the repository in ${plan.target}? [y/N] `))) {
      throw new GuardError('refused', 'recover not confirmed; nothing was changed');
    }
  }
  const result = await applyRecovery(plan, out.showsProgress ? { onProgress: (text) => out.progress(`recover: ${text}`) } : {});
  out.done();
  out.data({
    root: result.root,
    backup: plan.backup.path,
    snapshot: plan.snapshot.oid,
    refs: result.refs,
    stash: result.stash,
    written: result.written,
    movedAside: result.movedAside,
    asideDir: result.asideDir,
    after: result.after,
    protection: result.protection,
    operation: plan.operation,
    lfsPointersLeft: result.lfsPointersLeft,
  });
  out.line(`Recovered ${result.root}: ${result.refs} branches and tags, ${result.stash} stash entries, HEAD, the index, and ${result.written} files written.`);
  if (result.movedAside.length > 0) {
    out.line(`Moved aside, not overwritten (${result.movedAside.length}): they are in ${result.asideDir}`);
    for (const moved of result.movedAside.slice(0, 15)) out.line(`  ${moved.path}`);
    if (result.movedAside.length > 15) out.line(`  … and ${result.movedAside.length - 15} more`);
  }
  if (result.lfsPointersLeft.length > 0) {
    out.warn(`Git LFS content missing (${result.lfsPointersLeft.length} files written as LFS pointers): neither the backup nor this repository holds their objects (a backup from before guard kept LFS objects, or a \`git lfs prune\` before its push). \`git lfs pull\` fetches them from your LFS server, if they were pushed there; every other file was written.`);
    for (const name of result.lfsPointersLeft.slice(0, 15)) out.warn(`  ${name}`);
    if (result.lfsPointersLeft.length > 15) out.warn(`  … and ${result.lfsPointersLeft.length - 15} more`);
  }
  for (const note of plan.operation?.notes ?? []) out.line(`Note: ${note}`);
  out.line(`Every snapshot came back too: see them with \`guard list\`; the state right after recovery is snapshot ${shortId(result.after)}.`);
  const { hooks, agents, problems } = result.protection;
  out.line(`guard is on again here: git hooks ${hooks.length > 0 ? hooks.join(', ') : 'none'}${agents.length > 0 ? `; agent hooks of ${agents.join(', ')}` : ''}.`);
  out.line('Remote-tracking branches are not in a backup: `git fetch --all` brings them back from your remotes.');
  for (const problem of problems) out.warn(`guard: problem: ${problem}`);
  return 0;
}
