/**
 * One-time (or short-lived) approvals: the deliberate override a person gives with
 * `guard approve RULE [--once]` from an interactive terminal. The hooks consume them when a rule
 * in "enforce" mode would refuse.
 *
 * Stored as `<commonDir>/guard/approvals/<rule>.json`. Only the `guard approve` command creates
 * them, and it refuses without a terminal or with an agent marker; no environment variable can
 * create or imply one. A process running as the user can still write the file itself: like every
 * local protection this raises the bar, it is not a security boundary (docs/hooks.md).
 *
 * `--once` approvals are claimed with an atomic rename, so two hooks cannot both use one. One git
 * command can run the same check twice (git 2.39 runs reference-transaction once for the packed
 * refs and once for the loose ones when deleting a packed ref), so a used approval stays valid
 * for the same subject for a short grace period.
 */
import { randomBytes } from 'node:crypto';
import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';
import type { RuleId } from '../policy/schema.js';

export interface Approval {
  rule: RuleId;
  once: boolean;
  createdAt: string;
  expiresAt: string;
  /** Who approved: the login name and terminal, for the journal. */
  by: string;
  tty: string | null;
}

/** How long an unused approval stays valid. */
export const DEFAULT_APPROVAL_MINUTES = 10;
/** How long a used --once approval still covers the same subject (the same git command). */
const GRACE_MS = 2 * 60 * 1000;

export function approvalsDir(repo: Repo): string {
  return guardCommonPath(repo, 'approvals');
}

const fileOf = (repo: Repo, rule: string): string => path.join(approvalsDir(repo), `${rule}.json`);
const graceOf = (repo: Repo, rule: string): string => path.join(approvalsDir(repo), `${rule}.used.json`);

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function writeAtomic(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  await fs.rename(temp, file);
}

export async function createApproval(
  repo: Repo,
  options: { rule: RuleId; once: boolean; minutes?: number; by: string; tty: string | null; now?: Date },
): Promise<Approval> {
  const now = options.now ?? new Date();
  const minutes = options.minutes ?? DEFAULT_APPROVAL_MINUTES;
  const approval: Approval = {
    rule: options.rule,
    once: options.once,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
    by: options.by,
    tty: options.tty,
  };
  await writeAtomic(fileOf(repo, options.rule), approval);
  await fs.rm(graceOf(repo, options.rule), { force: true });
  return approval;
}

export async function listApprovals(repo: Repo, now = new Date()): Promise<Approval[]> {
  // Synchronous reads of a directory of a few small files: the agent hook asks this before a ref
  // rewrite, and node:fs/promises would cost it a module load for nothing.
  let names: string[];
  try {
    names = fsSync.readdirSync(approvalsDir(repo));
  } catch {
    return [];
  }
  const out: Approval[] = [];
  for (const name of names.filter((n) => /^[a-z-]+\.json$/.test(n) && !n.endsWith('.used.json'))) {
    let approval: Approval | null;
    try {
      approval = JSON.parse(fsSync.readFileSync(path.join(approvalsDir(repo), name), 'utf8')) as Approval;
    } catch {
      approval = null;
    }
    if (approval && new Date(approval.expiresAt).getTime() > now.getTime()) out.push(approval);
  }
  return out;
}

interface Grace {
  subject: string;
  until: string;
  approval: Approval;
}

/**
 * Uses an approval for `rule` on `subject` (a ref or path list naming what is being done), or
 * returns null when there is none. `reused`: the same subject within the grace period. A --once approval is gone afterwards (except for the grace
 * period on the same subject).
 */
export async function consumeApproval(repo: Repo, rule: RuleId, subject: string, now = new Date()): Promise<(Approval & { reused?: boolean }) | null> {
  const grace = await readJson<Grace>(graceOf(repo, rule));
  if (grace && grace.subject === subject && new Date(grace.until).getTime() > now.getTime()) return { ...grace.approval, reused: true };

  const file = fileOf(repo, rule);
  const approval = await readJson<Approval>(file);
  if (!approval || approval.rule !== rule) return null;
  if (new Date(approval.expiresAt).getTime() <= now.getTime()) {
    await fs.rm(file, { force: true });
    return null;
  }
  if (!approval.once) return approval;
  // Claim it: only one process wins the rename.
  const claimed = `${file}.claimed-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.rename(file, claimed);
  } catch {
    return null;
  }
  await writeAtomic(graceOf(repo, rule), { subject, until: new Date(now.getTime() + GRACE_MS).toISOString(), approval } satisfies Grace);
  await fs.rm(claimed, { force: true });
  return approval;
}

/** Removes every approval (guard uninstall). */
export async function clearApprovals(repo: Repo): Promise<void> {
  await fs.rm(approvalsDir(repo), { recursive: true, force: true });
}
