/**
 * Where the files of a tree copied recursively land (`cp -r /tmp/x/. .`, `rsync -a tpl/ ./`),
 * judged file by file for an agent, as a single-file write is (checkWriteText in targets.ts):
 * guard's own files (.guard.yaml, the agents' hook settings), the protected paths and the
 * repository's git directory. The copy's destination alone said nothing: `cp -r /tmp/evil/. .`
 * with a .guard.yaml or a .claude/settings.local.json in /tmp/evil replaced guard's policy or
 * switched the agent's hooks off, and a `.git/` in the source wrote over the repository's own.
 *
 * The source is on disk, so it is read, not guessed: first an lstat in the source for each of
 * guard's files and the git directory below the landing (so those are found whatever the source
 * holds), then one walk of the source, bounded by LANDING_WALK_LIMIT entries, whose every file is
 * matched against the protected paths (`**\/migrations/**` can be anywhere). Past the bound the
 * copy is refused where a protected path can lie below the landing (decided 2026-12-04: before,
 * the rest went unjudged; raising the bound only moves the gap, see docs/command-guard.md).
 * A zip is judged from its members (CopyLanding.members); a tar is not listed: see docs/command-guard.md.
 */
import path from 'node:path';
import { classifyPath, guardFile, GUARD_FILES_IN_REPO, isUnder, isStrictlyUnder, protectedBelow, protectedGlob, protectedGlobsBelow } from './paths.js';
import { makeVerdict } from './rules.js';
import type { PathFacts } from './state.js';
import type { CommandContext, Verdict } from './types.js';

/** Entries (files and directories) a source walk reads at most. */
export const LANDING_WALK_LIMIT = 20_000;

export interface CopyLanding {
  /** The source directory, real path (escaped text); for an archive, the archive. */
  from: string;
  /** An archive's members (relative, escaped text, directories ending in `/`): the source is these, not a directory. */
  members?: string[];
  /** What the copy does, for the reason (`cp copies /tmp/evil/. into .`). */
  what: string;
}

/** Where guard's own files would be, relative to the repository root (the globs' fixed part). */
const GUARD_CANDIDATES = [...new Set(GUARD_FILES_IN_REPO.map((glob) => glob.replace(/\/\*\*$/, '')))];

/**
 * Where the tree lands: `dest/name` when dest is an existing directory and the tool puts the
 * tree in a directory of its name, dest itself when the tool copies the contents, or, when dest
 * does not exist yet, dest (cp creates it as the copy) or dest/name (rsync creates dest and puts
 * the tree in it). Null when dest is a file (the copy fails) or guard cannot see it.
 */
export function landingDirectory(dest: PathFacts | null, written: string, name: string | null, namedWhenNew: boolean): string | null {
  const named = name !== null && name !== '.';
  if (dest?.followedExists) return dest.followedIsDir ? (named ? path.posix.join(dest.followed, name) : dest.followed) : null;
  const base = dest?.followed ?? written;
  return named && namedWhenNew ? path.posix.join(base, name) : base;
}

/** The refusal for the first file of the copy that lands on what an agent may not write, or null. */
export function checkCopyLanding(copy: CopyLanding, landing: string, ctx: CommandContext, source: string): Verdict | null {
  const probe = ctx.view?.probe;
  const root = ctx.repoRoot;
  if (!probe || !root || !ctx.isAgent) return null;
  const kind = classifyPath(landing, ctx).kind;
  if (kind !== 'inside' && kind !== 'repo-root') return null;
  const gitDirs = [ctx.gitDir, ctx.commonDir, `${root}/.git`].filter((d): d is string => !!d);
  const members = copy.members;
  const has = (rel: string): boolean => (members ? members.some((m) => m === rel || m.startsWith(`${rel}/`)) : probe.kindAt(`${copy.from}/${rel}`) !== null);
  const judge = (rel: string): Verdict | null => {
    const abs = `${landing}/${rel}`;
    const shown = abs.slice(root.length + 1);
    const from = `${copy.what}, which puts ${rel} from the source at ${shown}`;
    if (gitDirs.some((dir) => isUnder(abs, dir))) {
      return makeVerdict('deny', 'git-dir-write', `${from}, inside the git directory (its hooks, config and refs: no snapshot holds them as files)`, source, `Copy only what you need, by name or leaving ${rel} out (rsync --exclude), into the working tree.`);
    }
    const own = guardFile(abs, ctx);
    if (own) {
      return makeVerdict('deny', 'guard-self', `${from}: ${own} configures guard or an agent's hooks (an agent could switch its own guard off this way)`, source, `Copy only what you need, by name or leaving ${rel} out (rsync --exclude); ask the person to change ${own}.`);
    }
    return null;
  };
  // guard's own files and the git directory first, by name: found whatever the source holds.
  for (const candidate of [...GUARD_CANDIDATES.map((c) => `${root}/${c}`), ...gitDirs]) {
    if (!isStrictlyUnder(candidate, landing)) continue;
    const rel = candidate.slice(landing.length + 1);
    if (!has(rel)) continue;
    const verdict = judge(rel);
    if (verdict) return verdict;
  }
  // Then every file of the source against the protected paths (guard's files and the git
  // directory were found above, whole directories included); no walk where none can match.
  const landingRel = landing === root ? '' : landing.slice(root.length + 1);
  const below = protectedBelow(landingRel, ctx);
  if (!below) return null;
  const prefix = landingRel === '' ? '' : `${landingRel}/`;
  const walked = members ? { files: members.filter((m) => !m.endsWith('/')), complete: true } : probe.walk(copy.from, LANDING_WALK_LIMIT);
  for (const rel of walked.files) {
    const glob = protectedGlob(`${prefix}${rel}`, ctx);
    if (glob) return makeVerdict('deny', 'protected-path', `${copy.what}, which puts ${rel} from the source at ${prefix}${rel}, a protected path (matches "${glob}")`, source, `Copy only what you need, by name or leaving ${rel} out (rsync --exclude); ask the person to change ${prefix}${rel}.`);
  }
  // Cut at the bound: the rest of the source is unread, and a protected path can lie below the
  // landing. Refused rather than let through unjudged (docs/command-guard.md, decided 2026-12-04).
  if (!walked.complete) {
    // A glob's fixed part below the landing is looked up by name in the source (an lstat): absent,
    // nothing of the source can match it (`.gitattributes`, `db/migrate/**`). Only a glob that can
    // match anywhere below (`**\/migrations/**`), or one whose fixed part the source has, refuses.
    const open = protectedGlobsBelow(landingRel, ctx).find(({ base }) => {
      if (base === '' || !isStrictlyUnder(`${root}/${base}`, landing)) return true;
      return has(base.slice(prefix.length));
    });
    if (!open) return null;
    const where = landingRel === '' ? 'the repository root' : landingRel;
    return makeVerdict('deny', 'protected-path', `${copy.what}: its source holds more than ${LANDING_WALK_LIMIT.toLocaleString('en-US')} files and directories, more than guard reads before a copy, and what it did not read lands below ${where}, where a protected path can be (matches "${open.glob}")`, source, `Copy in smaller parts (fewer than ${LANDING_WALK_LIMIT.toLocaleString('en-US')} entries each) or into a directory where no protected path can be, or ask the person to run the copy.`);
  }
  return null;
}
