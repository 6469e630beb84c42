/**
 * The command-guard fuzzer's oracle: "what guard can restore may run". One case, on a fresh copy of
 * the template (template.ts):
 *
 *  1. S0: the repository as bytes (state.ts).
 *  2. The command goes through the installed Claude Code PreToolUse hook, as the agent runs it
 *     (`sh -c` of the command `guard init` wrote: the launcher, its sh fast path, then Node).
 *  3. deny / ask: nothing may have changed (S0 again).
 *     allow (with or without a snapshot): the newest snapshot once the hook answered is the target
 *     (the one the hook journaled as taken for this command, else the template's newest; not a
 *     watcher snapshot landing after the answer, which captures no ignored file);
 *     the command runs with bash (a timeout, stdin from /dev/null, no editor) in the repository; S1;
 *     `guard rollback --yes <target>`: every path of S0 must be back byte for byte with its mode
 *     (but ignored regenerable output, commands.regenerable), and the index, HEAD, refs (guard's
 *     own aside) and stash list must be S0's; a path S0 did not have may remain only where it is
 *     ignored (a rollback leaves ignored files it has no copy of alone); then `guard rollback
 *     --undo --yes` must give S1 back the same way (the ignored files the rollback put back from
 *     its capture may stay).
 *
 * When the hook took no snapshot, the files changed since the session's snapshot (SINCE_SNAPSHOT)
 * count only where the command destroyed their bytes (see runCase). Any difference is a finding,
 * printed with the case's seed, the command, the verdict and the diff.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { GUARD_BIN, stopWatchers, type TestRepo } from '../../helpers/git-repo.js';
import { captureFuzzState, gitAsync, ignoredFiles, showPath, type FuzzState } from './state.js';
import { copyTemplate, SINCE_SNAPSHOT, type Template } from './template.js';

export interface CaseResult {
  seed: number | string;
  command: string;
  /** allow | snapshot | ask | deny */
  verdict: string;
  /** The rule named by the hook's refusal, or by the journal's allowed-after-snapshot line. */
  rule: string;
  reason: string;
  /** Empty when the promise held. */
  diff: string[];
  /** Where the diff was found: after the refusal, after the rollback, after its undo. */
  stage?: 'refused' | 'rollback' | 'undo' | 'hook';
  /** The snapshot the case rolled back to. */
  target?: string;
  ms: number;
}

interface Exec {
  code: number;
  stdout: string;
  stderr: string;
}

function exec(file: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number }): Promise<Exec> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { cwd: options.cwd, env: options.env, encoding: 'utf8', maxBuffer: 1 << 26, timeout: options.timeoutMs ?? 120_000, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      const code = error ? (typeof (error as NodeJS.ErrnoException & { code?: unknown }).code === 'number' ? ((error as unknown as { code: number }).code) : 128) : 0;
      resolve({ code, stdout, stderr });
    });
    // A child that exits without reading its stdin (guard list, a timeout) is no error here.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}

function guard(t: TestRepo, args: string[]): Promise<Exec> {
  return exec(process.execPath, [GUARD_BIN, ...args], { cwd: t.dir, env: t.env });
}

/** The regenerable list of the template's .guard.yaml, matched independently of guard's own code. */
export function regenerableMatcher(list: string[]): (key: string) => boolean {
  const toRe = (glob: string): RegExp => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')}$`);
  const single = list.filter((g) => !g.includes('/')).map(toRe);
  const multi = list.filter((g) => g.includes('/')).map((g) => g.split('/').map(toRe));
  return (key) => {
    const segs = key.split('/');
    if (segs.some((s) => single.some((re) => re.test(s)))) return true;
    return multi.some((parts) => {
      for (let at = 0; at + parts.length <= segs.length; at++) if (parts.every((re, i) => re.test(segs[at + i]!))) return true;
      return false;
    });
  };
}

export interface OracleContext {
  template: Template;
  /** Regenerable by name (commands.regenerable). */
  regenerable: (key: string) => boolean;
  /** Ignored paths of S0 (the template), latin-1 keys. */
  ignoredAtStart: Set<string>;
  /** The template's newest snapshot (the session's start). */
  newest: string;
  /** Paths the template's index tracks, latin-1 keys. */
  trackedAtStart: Set<string>;
}

function lines(a: string, b: string, what: string, out: string[]): void {
  if (a === b) return;
  const al = new Set(a.split('\n'));
  const bl = new Set(b.split('\n'));
  const gone = [...al].filter((l) => !bl.has(l)).map((l) => `  - ${showPath(l.replace(/\0/g, ' '))}`);
  const added = [...bl].filter((l) => !al.has(l)).map((l) => `  + ${showPath(l.replace(/\0/g, ' '))}`);
  out.push(`${what} differs:`, ...gone, ...added);
}

/**
 * Differences between `want` and `got` that break the promise. A path `want` has must be in `got`
 * as it was, unless `skip` excuses it; a path only `got` has must be excused by `extraOk`.
 */
function compare(want: FuzzState, got: FuzzState, skip: (key: string) => boolean, extraOk: (key: string) => boolean, changeOk: (key: string) => boolean = () => false): string[] {
  const out: string[] = [];
  for (const [key, value] of want.files) {
    if (skip(key)) continue;
    const now = got.files.get(key);
    if (now === undefined) out.push(`lost ${showPath(key)} (${value})`);
    else if (now !== value && !changeOk(key)) out.push(`changed ${showPath(key)}: ${value} -> ${now}`);
  }
  for (const [key, value] of got.files) if (!want.files.has(key) && !skip(key) && !extraOk(key)) out.push(`extra ${showPath(key)} (${value})`);
  lines(want.index, got.index, 'index', out);
  lines(want.head, got.head, 'HEAD', out);
  lines(want.refs, got.refs, 'refs', out);
  lines(want.stash, got.stash, 'stash', out);
  return out;
}

/** git's blob id of BYTES (no filters: the template sets no attributes). */
function blobId(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** The blobs of every commit S1's refs (HEAD, branches, tags, the stash and its untracked part) point at that S0's did not. */
async function blobsOfNewRefs(t: TestRepo, s0: FuzzState, s1: FuzzState): Promise<Set<string>> {
  const before = new Set(s0.refs.split('\n'));
  const tips = s1.refs.split('\n').filter((line) => line !== '' && !before.has(line)).map((line) => line.split(' ')[0]!);
  tips.push(s1.head.split('\n')[0]!);
  const blobs = new Set<string>();
  for (const tip of tips) {
    for (const rev of [tip, `${tip}^3`]) {
      const out = await gitAsync(t, ['ls-tree', '-r', '-z', rev], true);
      for (const entry of out.split('\0')) {
        const m = /^\d+ blob ([0-9a-f]+)\t/.exec(entry);
        if (m) blobs.add(m[1]!);
      }
    }
  }
  return blobs;
}

/** KEY's bytes in `got` are its bytes in `want` with more after them, the mode unchanged: an append. */
/**
 * KEY has S0's bytes in `s2` with the bits the command gave it in `s1` (a rollback that rewrites a
 * tracked file gives it back the bits it had just before, as no snapshot knows others for it).
 */
function bitsFromCommand(s0: FuzzState, s1: FuzzState, s2: FuzzState, key: string): boolean {
  const [kind0, bits0, hash0] = (s0.files.get(key) ?? '').split(' ');
  const [kind1, bits1] = (s1.files.get(key) ?? '').split(' ');
  const [kind2, bits2, hash2] = (s2.files.get(key) ?? '').split(' ');
  return kind0 === 'file' && kind1 === 'file' && kind2 === 'file' && hash2 === hash0 && bits1 !== bits0 && bits2 === bits1;
}

/** KEY was at git's checkout default (644 or 755) in `s0` and keeps its executable bit in `s2`. */
function defaultBitsKept(s0: FuzzState, s2: FuzzState, key: string): boolean {
  const before = (s0.files.get(key) ?? '').split(' ')[1];
  const after = Number.parseInt((s2.files.get(key) ?? '').split(' ')[1] ?? '0', 8);
  return (before === '644' && (after & 0o111) === 0) || (before === '755' && (after & 0o100) !== 0);
}

function chmodded(s0: FuzzState, s1: FuzzState, key: string): boolean {
  const [kind0, , hash0] = (s0.files.get(key) ?? '').split(' ');
  const [kind1, , hash1] = (s1.files.get(key) ?? '').split(' ');
  return kind0 === 'file' && kind1 === 'file' && hash0 === hash1 && s0.files.get(key) !== s1.files.get(key);
}

function appended(want: FuzzState, got: FuzzState, key: string): boolean {
  const before = want.content.get(key);
  const after = got.content.get(key);
  return before !== undefined && after !== undefined && after.length > before.length && after.subarray(0, before.length).equals(before) && want.files.get(key)!.split(' ')[1] === got.files.get(key)!.split(' ')[1];
}

const sameState = (a: FuzzState, b: FuzzState): boolean => compare(a, b, () => false, () => false).length === 0;

function ruleOf(reason: string): string {
  return /\(rule ([^)]+)\)/.exec(reason)?.[1] ?? '';
}

/** The journal's last allowed-after-snapshot line for COMMAND: the snapshot verdict's rule and snapshot. */
function snapshotTaken(t: TestRepo, command: string): { rule: string; snapshot: string } | null {
  let journal: string[];
  try {
    journal = fs.readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8').trim().split('\n').reverse();
  } catch {
    return null; // no journal: no snapshot taken
  }
  for (const line of journal) {
    const event = JSON.parse(line) as { type?: string; command?: string; rule?: string; snapshot?: string };
    if (event.type === 'allowed-after-snapshot' && event.command === command) return { rule: event.rule ?? '', snapshot: event.snapshot ?? '' };
  }
  return null;
}

async function newestSnapshot(t: TestRepo): Promise<string> {
  const list = await guard(t, ['list', '--json', '-n', '1']);
  if (list.code !== 0) throw new Error(`guard list: ${list.stderr}`);
  return (JSON.parse(list.stdout) as Array<{ oid: string }>)[0]!.oid;
}

/** Runs one case: the command through the hook, then the oracle's checks. Cleans its sandbox up. */
export async function runCase(ctx: OracleContext, seed: number | string, command: string): Promise<CaseResult> {
  const started = Date.now();
  const t = copyTemplate(ctx.template);
  const result: CaseResult = { seed, command, verdict: '?', rule: '', reason: '', diff: [], ms: 0 };
  try {
    const s0 = await captureFuzzState(t);
    // The newest snapshot before the hook runs (the template's: every copy starts from it) is the
    // target when the hook takes none. (The hook starts the session's watcher, as in a real
    // session; its snapshots come after the answer.)
    const newest = ctx.newest;
    const payload = JSON.stringify({ session_id: 'fuzz', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });
    const hook = await exec('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env: t.env, input: payload });
    if (hook.code !== 0) {
      result.stage = 'hook';
      result.diff.push(`the hook exited ${hook.code}: ${hook.stderr.trim()}`);
      return result;
    }
    const out = hook.stdout.trim() === '' ? null : (JSON.parse(hook.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } }).hookSpecificOutput;
    const decision = out?.permissionDecision ?? 'allow';
    result.reason = out?.permissionDecisionReason ?? '';
    result.rule = ruleOf(result.reason);
    if (decision === 'deny' || decision === 'ask') {
      result.verdict = decision;
      const after = await captureFuzzState(t);
      result.diff = compare(s0, after, () => false, () => false);
      if (result.diff.length) result.stage = 'refused';
      return result;
    }
    // A snapshot verdict is journaled (allowed-after-snapshot) with the snapshot the hook took (the
    // session's own when nothing changed since: the same tree, the same id). That is the target,
    // not a watcher snapshot that lands after the answer (it holds no capture of ignored files).
    const taken = snapshotTaken(t, command);
    result.rule = taken?.rule ?? '';
    result.verdict = taken ? 'snapshot' : 'allow';
    const target = taken?.snapshot ?? newest;
    result.target = target;
    await exec('timeout', ['-k', '2', '20', 'bash', '-c', command], { cwd: t.dir, env: { ...t.env, GIT_EDITOR: 'true', EDITOR: 'true', GIT_PAGER: 'cat', PAGER: 'cat' }, timeoutMs: 30_000 });
    const s1 = await captureFuzzState(t);
    if (sameState(s0, s1)) return result;
    const rollback = await guard(t, ['rollback', '--yes', target]);
    if (rollback.code !== 0) {
      result.stage = 'rollback';
      result.diff.push(`guard rollback --yes ${target} exited ${rollback.code}: ${(rollback.stderr + rollback.stdout).trim().slice(0, 600)}`);
      return result;
    }
    const s2 = await captureFuzzState(t);
    // Regenerable output may be lost; a path S0 lacked may stay where git ignores it now.
    const regenerable = (key: string): boolean => ctx.regenerable(key) && (ctx.ignoredAtStart.has(key) || !s0.files.has(key));
    // Rolled back to the session's snapshot (the hook took none), the files changed since it
    // (SINCE_SNAPSHOT) come back as that snapshot has them: the rollback's business, not the
    // command's. What the command destroyed of them is what counts: their bytes at S0 gone from
    // every file of the repository at S1. By design, an overwrite in place of a tracked or
    // untracked file (`echo x > f`, `cp a f`, `sed -i`) is allowed without a snapshot: "text alone
    // cannot tell an overwrite from a new file", the watcher's snapshots cover it
    // (docs/command-guard.md); a deletion or a move out of the repository is not.
    // Bytes set aside into a commit or the stash (`git stash -u`, `git commit -a`: guard's own
    // advice is "use git stash to set changes aside") are kept too, in S1's refs: the rollback to
    // an older snapshot takes them out of sight, and its undo gives them back.
    const inS1 = new Set([...s1.content.values()].map((b) => b.toString('latin1')));
    const keptInRefs = s1.refs !== s0.refs || s1.stash !== s0.stash || s1.head !== s0.head ? await blobsOfNewRefs(t, s0, s1) : new Set<string>();
    const notDestroyed = (key: string): boolean => {
      if (result.verdict !== 'allow' || !SINCE_SNAPSHOT.includes(key)) return false;
      if (s1.files.get(key) === s0.files.get(key)) return true;
      const bytes = s0.content.get(key);
      if (bytes && (inS1.has(bytes.toString('latin1')) || keptInRefs.has(blobId(bytes)))) return true;
      return s1.files.has(key) && !ctx.ignoredAtStart.has(key);
    };
    // An ignored file moved inside the repository (`mv src src.bak`: src.bak/config.local.js is
    // still ignored) keeps its bytes, and the rollback leaves them where they are, as it leaves
    // every ignored file it holds no copy of: moved, not lost (docs/command-guard.md: moving files
    // inside the repository keeps their content).
    const inS2 = new Set([...s2.content.values()].map((b) => b.toString('latin1')));
    const keptElsewhere = (key: string): boolean => ctx.ignoredAtStart.has(key) && s2.files.get(key) === undefined && inS2.has(s0.content.get(key)?.toString('latin1') ?? '\0none');
    const regenerableAtStart = (key: string): boolean => regenerable(key) || notDestroyed(key) || keptElsewhere(key);
    // By design, an append to an ignored file (`>>`, `tee -a`) is not captured: no byte of it is
    // lost, the old bytes are all still there, before the new ones (docs/command-guard.md).
    // Likewise a chmod of an ignored file (`chmod 644 .env`): no byte is lost, and guard captures
    // ignored files only where a command replaces or deletes them; the rollback leaves the bits
    // the command set (S1's). A rollback that changes the bits itself is still a finding.
    // And the group and other bits a command gave a tracked file at git's default (`git archive |
    // tar -x` writes 0664): git records only the executable bit, guard records a tracked file's
    // bits only where they differ from the default (knownModes), so the rollback leaves what the
    // command set, with the executable bit and the bytes the snapshot's.
    const appendedIgnored = (key: string): boolean =>
      (ctx.ignoredAtStart.has(key) && (appended(s0, s2, key) || (chmodded(s0, s1, key) && s2.files.get(key) === s1.files.get(key)))) ||
      (ctx.trackedAtStart.has(key) && bitsFromCommand(s0, s1, s2, key) && defaultBitsKept(s0, s2, key));
    const lost = compare(s0, s2, regenerableAtStart, () => false, appendedIgnored);
    if (lost.some((line) => line.startsWith('extra '))) {
      const ignoredNow = await ignoredFiles(t);
      result.diff = compare(s0, s2, regenerableAtStart, (key) => ignoredNow.has(key), appendedIgnored);
    } else result.diff = lost;
    if (result.diff.length) {
      result.stage = 'rollback';
      return result;
    }
    // A rollback that found nothing to change records no rollback to undo.
    if (sameState(s1, s2)) return result;
    const undo = await guard(t, ['rollback', '--undo', '--yes']);
    if (undo.code !== 0) {
      result.stage = 'undo';
      result.diff.push(`guard rollback --undo --yes exited ${undo.code}: ${(undo.stderr + undo.stdout).trim().slice(0, 600)}`);
      return result;
    }
    const s3 = await captureFuzzState(t);
    // The ignored files the rollback put back from its capture (S1 lacked them) stay: an undo
    // deletes no file a capture brought back (nothing is lost by that), also where S1's ignore
    // rules (a .gitignore moved away) no longer ignore it.
    const regained = compare(s1, s3, ctx.regenerable, () => false);
    if (regained.some((line) => line.startsWith('extra '))) {
      const ignoredNow = await ignoredFiles(t);
      const fromCapture = (key: string): boolean => ctx.ignoredAtStart.has(key) && s3.files.get(key) === s0.files.get(key);
      result.diff = compare(s1, s3, ctx.regenerable, (key) => ignoredNow.has(key) || fromCapture(key));
    } else result.diff = regained;
    if (result.diff.length) result.stage = 'undo';
    return result;
  } finally {
    result.ms = Date.now() - started;
    stopWatchers(t.base);
    // GUARD_FUZZ_KEEP=1 keeps the sandbox of a finding for a look (its path is in the finding).
    if (result.diff.length > 0 && process.env.GUARD_FUZZ_KEEP === '1') result.diff.push(`sandbox kept: ${t.base}`);
    else fs.rmSync(t.base, { recursive: true, force: true, maxRetries: 20, retryDelay: 50 });
  }
}

/** A finding as the fuzzer prints it. */
export function describeFinding(r: CaseResult): string {
  return [`seed ${r.seed}: ${r.command}`, `  verdict ${r.verdict}${r.rule ? ` (${r.rule})` : ''}${r.reason ? `: ${r.reason.slice(0, 300)}` : ''}`, `  after ${r.stage}:`, ...r.diff.slice(0, 40).map((d) => `    ${d}`)].join('\n');
}

/** Builds the oracle's context for a template: its regenerable list, ignored files and session snapshot. */
export async function oracleContext(template: Template): Promise<OracleContext> {
  const t = template.repo;
  const { parse } = await import('yaml');
  const config = parse(fs.readFileSync(path.join(t.dir, '.guard.yaml'), 'utf8')) as { commands?: { regenerable?: string[] } };
  return {
    template,
    regenerable: regenerableMatcher(config.commands?.regenerable ?? []),
    ignoredAtStart: await ignoredFiles(t),
    newest: await newestSnapshot(t),
    trackedAtStart: new Set((await gitAsync(t, ['ls-files', '-z'])).split('\0').filter((p) => p !== '')),
  };
}
