/**
 * The rollback fuzzer's oracle: the repository state as bytes, exactly what docs/snapshot-format.md
 * promises a snapshot holds and a rollback puts back, and nothing it does not promise.
 *
 * Compared (`capture`):
 *  - every file and symlink of the work tree that is not ignored, by its name's bytes (non-UTF-8
 *    names too; test/helpers/state.ts's captureState decodes names and loses them): file bytes
 *    (sha256) and permission bits (untracked files' bits are promised, `modes`; tracked ones are
 *    generated at git's default bits only, since `knownModes` is documented as incomplete), a
 *    link's target bytes;
 *  - the index: `ls-files -s -z` (mode, blob, stage, name) and each entry's assume-unchanged,
 *    skip-worktree, intent-to-add and stage bits from `ls-files --debug` (`indexFlags`);
 *  - HEAD (symbolic or detached), every ref except refs/guard/* (branches, tags with the tag
 *    object ids, refs/stash, per-worktree refs), the stash list with each entry's reflog message;
 *  - git's state of an operation in progress as docs/snapshot-format.md "operationState" records
 *    it: MERGE_HEAD, MERGE_MSG, MERGE_MODE, MERGE_AUTOSTASH, CHERRY_PICK_HEAD, REVERT_HEAD,
 *    REBASE_HEAD and the directories rebase-merge/, rebase-apply/, sequencer/, BISECT_*;
 *  - the sparse-checkout pattern file and core.sparseCheckout/Cone, index.sparse (`sparse`).
 * Not compared, by documented design (docs/snapshot-format.md): empty directories and directory
 * bits ("Empty directories"; `knownModes` "Not known"), ignored files (kept apart: `ignored`, which
 * snapshot and rollback must not change), ORIG_HEAD outside `git am`, AUTO_MERGE, MERGE_RR,
 * SQUASH_MSG (the table of what git writes during an operation), the index's stat data, reflogs
 * other than the stash's, notes refs.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { TestRepo } from '../helpers/git-repo.js';
import { commonDirOf, gitDirOf, gitOk, gitRaw, splitZ } from './rollback-gen.js';

export type State = Map<string, string>;

const sha = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

/** A name's bytes as a key (latin1 keeps each byte; JSON.stringify shows control characters). */
const key = (name: Buffer): string => name.toString('latin1');

const OPERATION_FILES = ['MERGE_HEAD', 'MERGE_MSG', 'MERGE_MODE', 'MERGE_AUTOSTASH', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'REBASE_HEAD'];
const OPERATION_DIRS = ['rebase-merge', 'rebase-apply', 'sequencer'];

/** Entries of a directory tree of files, as `rel -> sha` (for git's state directories). */
function dirState(dir: string, rel: string, out: State, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(dir, rel));
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = fs.lstatSync(path.join(dir, r));
    if (st.isDirectory()) dirState(dir, r, out, prefix);
    else out.set(`${prefix}${r}`, sha(fs.readFileSync(path.join(dir, r))));
  }
}

export interface CaptureOptions {
  /** Also each file's mtime and the index file's bytes: what a snapshot must not touch at all. */
  untouched?: boolean;
}

/** The ignored untracked files (by the rules of now), as keys. */
function ignoredSet(repo: TestRepo): Set<string> {
  return new Set(splitZ(gitOk(repo, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'])).map(key));
}

export function capture(repo: TestRepo, options: CaptureOptions = {}): State {
  const out: State = new Map();
  const ignored = ignoredSet(repo);
  // sub: a submodule's (or nested repository's) directory, whose inside is its own repository's.
  const walk = (full: Buffer, rel: Buffer | null, sub: string | null): void => {
    for (const name of fs.readdirSync(full as unknown as string, { encoding: 'buffer' }) as Buffer[]) {
      if (!rel && name.equals(Buffer.from('.git'))) continue;
      const r = rel ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      const f = Buffer.concat([full, Buffer.from('/'), name]);
      const st = fs.lstatSync(f);
      if (st.isDirectory()) {
        let inner = sub;
        if (!inner && fs.existsSync(Buffer.concat([f, Buffer.from('/.git')]) as unknown as string)) {
          inner = key(r);
          const head = gitRaw({ ...repo, dir: f.toString('latin1') }, ['rev-parse', '-q', '--verify', 'HEAD']);
          out.set(`sub:${inner}:HEAD`, head.stdout.toString().trim());
        }
        walk(f, r, inner);
        continue;
      }
      const k = key(r);
      const where = sub ? 'sub:' : ignored.has(k) ? 'ignored:' : 'file:';
      let value: string;
      if (st.isSymbolicLink()) value = `link -> ${key(fs.readlinkSync(f as unknown as string, { encoding: 'buffer' }) as Buffer)}`;
      else if (st.isFile()) value = `file ${(st.mode & 0o777).toString(8)} ${sha(fs.readFileSync(f))}`;
      else value = `special ${(st.mode & 0o7777).toString(8)}`;
      if (options.untouched) value += ` mtime=${st.mtimeMs}`;
      out.set(`${where}${k}`, value);
    }
  };
  walk(Buffer.from(repo.dir), null, null);

  // In a sparse checkout the skip-worktree bits are the view's: rollback writes the view back with
  // `git sparse-checkout reapply`, which marks every entry outside it (docs/snapshot-format.md,
  // "Sparse checkouts" and indexFlags), also one a `git restore --staged` had left unmarked (seed 2083).
  const sparseOn = gitRaw(repo, ['config', '--type=bool', '--get', 'core.sparseCheckout']).stdout.toString().trim() === 'true';
  const flags = indexFlags(repo, sparseOn);
  out.set(':index-flags', flags.text);
  // An intent-to-add entry's mode is not recorded (indexFlags lists names): `git add -N` at the
  // rollback takes it from the file then (seed 2009: a chmod after add -N; docs/snapshot-format.md).
  out.set(
    ':index',
    splitZ(gitOk(repo, ['ls-files', '-s', '-z']))
      .map((entry) => {
        const name = key(entry.subarray(entry.indexOf(0x09) + 1));
        return flags.intentToAdd.has(name) ? `(mode) ${key(entry).slice(7)}` : key(entry);
      })
      .join('\0'),
  );
  const symbolic = gitRaw(repo, ['symbolic-ref', '-q', 'HEAD']);
  out.set(':head', symbolic.code === 0 ? `ref ${symbolic.stdout.toString().trim()}` : `detached ${gitRaw(repo, ['rev-parse', '-q', '--verify', 'HEAD']).stdout.toString().trim()}`);
  out.set(
    ':refs',
    key(gitOk(repo, ['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)']))
      .split('\n')
      // A branch checked out in another worktree is left alone by rollback (docs/snapshot-format.md,
      // restore recipe: "branches checked out in other worktrees are left alone").
      .filter((line) => line && !line.includes(' refs/guard/') && !otherWorktreeBranches(repo).has(line.slice(line.lastIndexOf(' ') + 1)))
      .join('\n'),
  );
  out.set(':stash', gitOk(repo, ['stash', 'list', '--format=%H %gs']).toString('latin1'));
  const gitDir = gitDirOf(repo);
  // MERGE_MSG and MERGE_MODE are recorded only while an operation is in progress (operationState
  // is "present only when the snapshot saw such an operation"): a stray MERGE_MSG, as `git
  // cherry-pick -n` leaves for the next commit, is in no snapshot (found by seed 228; reported,
  // not fixed).
  const operation = ['MERGE_HEAD', 'CHERRY_PICK_HEAD', 'REVERT_HEAD', 'rebase-merge', 'rebase-apply', 'sequencer'].some((f) => fs.existsSync(path.join(gitDir, f)));
  // A stray REBASE_HEAD likewise: what `rm -rf .git/rebase-merge` (git's own advice when a rebase
  // directory is left) or a `git reset --hard` after it leaves; git sees no rebase in progress
  // (found by the wider states, seeds 5113, 5134: not compared, by design, test/fuzz/README.md).
  for (const file of OPERATION_FILES) {
    if (!operation && (file === 'MERGE_MSG' || file === 'MERGE_MODE' || file === 'REBASE_HEAD')) continue;
    const full = path.join(gitDir, file);
    if (fs.existsSync(full)) out.set(`:op:${file}`, sha(fs.readFileSync(full)));
  }
  for (const dir of OPERATION_DIRS) dirState(path.join(gitDir, dir), '', out, `:op:${dir}/`);
  for (const name of fs.readdirSync(gitDir).filter((n) => n.startsWith('BISECT_'))) out.set(`:op:${name}`, sha(fs.readFileSync(path.join(gitDir, name))));
  // ORIG_HEAD is recorded during a `git am` only (its --abort goes there: operationState.origHead).
  if (fs.existsSync(path.join(gitDir, 'rebase-apply', 'applying')) && fs.existsSync(path.join(gitDir, 'ORIG_HEAD'))) out.set(':op:ORIG_HEAD (am)', sha(fs.readFileSync(path.join(gitDir, 'ORIG_HEAD'))));
  const sparse = path.join(gitDir, 'info', 'sparse-checkout');
  if (fs.existsSync(sparse)) out.set(':sparse-patterns', sha(fs.readFileSync(sparse)));
  for (const name of ['core.sparseCheckout', 'core.sparseCheckoutCone', 'index.sparse']) {
    const r = gitRaw(repo, ['config', '--get', name]);
    if (r.code === 0) out.set(`:config:${name}`, r.stdout.toString().trim());
  }
  if (fs.existsSync(path.join(gitDir, 'index.lock'))) out.set(':index.lock', 'present');
  if (options.untouched) {
    const index = path.join(gitDir, 'index');
    out.set(':index-file', fs.existsSync(index) ? sha(fs.readFileSync(index)) : 'none');
    out.set(':config-file', sha(fs.readFileSync(path.join(commonDirOf(repo), 'config'))));
  }
  return out;
}

/** Branches checked out in linked worktrees (not this one). */
function otherWorktreeBranches(repo: TestRepo): Set<string> {
  const out = new Set<string>();
  const records = gitOk(repo, ['worktree', 'list', '--porcelain', '-z']).toString('latin1').split('\0\0');
  const here = fs.realpathSync(repo.dir);
  for (const record of records.filter((r) => !r.startsWith(`worktree ${here}\0`) && !r.startsWith(`worktree ${repo.dir}\0`))) {
    const branch = record.split('\0').find((f) => f.startsWith('branch '));
    if (branch) out.add(branch.slice(7));
  }
  return out;
}

/** Each index entry's name with the bits no tree holds: stage, assume-unchanged, skip-worktree (not with `sparse`), intent-to-add. */
function indexFlags(repo: TestRepo, sparse: boolean): { text: string; intentToAdd: Set<string> } {
  const raw = gitOk(repo, ['ls-files', '--debug', '-z']);
  const lines: string[] = [];
  const intentToAdd = new Set<string>();
  let at = 0;
  while (at < raw.length) {
    const nul = raw.indexOf(0, at);
    if (nul === -1) break;
    const name = raw.subarray(at, nul);
    // Five lines of "  field: value\n" follow each name.
    let end = nul + 1;
    for (let i = 0; i < 5; i++) end = raw.indexOf(0x0a, end) + 1;
    const block = raw.subarray(nul + 1, end).toString('latin1');
    const flags = parseInt(/flags: ([0-9a-f]+)/.exec(block)?.[1] ?? '0', 16);
    const kept = flags & (0x8000 | 0x3000 | (sparse ? 0 : 0x40000000) | 0x20000000);
    if (kept & 0x20000000) intentToAdd.add(key(name));
    if (kept & ~0x3000) lines.push(`${key(name)} ${kept.toString(16)}`);
    at = end;
  }
  return { text: lines.join('\n'), intentToAdd };
}

/** The keys of the ignored files, their values as in `capture`. */
export function ignoredOf(state: State): Map<string, string> {
  return new Map([...state].filter(([k]) => k.startsWith('ignored:')).map(([k, v]) => [k.slice('ignored:'.length), v]));
}

/** State without the ignored files and without the inside of submodules. */
export function promised(state: State): State {
  return new Map([...state].filter(([k]) => !k.startsWith('ignored:') && !k.startsWith('sub:')));
}

/** The inside of submodules only (files, HEAD): no snapshot holds it, and no rollback may change it. */
export function submodules(state: State): State {
  return new Map([...state].filter(([k]) => k.startsWith('sub:')));
}

/** The differences, one line each (names shown as JSON strings so control characters and bytes stay visible). */
export function diffStates(expected: State, actual: State, limit = 25): string[] {
  const out: string[] = [];
  const keys = new Set([...expected.keys(), ...actual.keys()]);
  for (const k of [...keys].sort()) {
    const e = expected.get(k);
    const a = actual.get(k);
    if (e === a) continue;
    if (k.startsWith(':') && e !== undefined && a !== undefined && (e.includes('\n') || a.includes('\n') || e.includes('\0'))) {
      const el = new Set(e.split(/[\n\0]/));
      const al = new Set(a.split(/[\n\0]/));
      const missing = [...el].filter((l) => !al.has(l));
      const extra = [...al].filter((l) => !el.has(l));
      out.push(`${k}: missing ${JSON.stringify(missing.slice(0, 8))} extra ${JSON.stringify(extra.slice(0, 8))}`);
    } else out.push(`${JSON.stringify(k)}: expected ${JSON.stringify(e ?? null)} got ${JSON.stringify(a ?? null)}`);
    if (out.length >= limit) {
      out.push('...');
      break;
    }
  }
  return out;
}
