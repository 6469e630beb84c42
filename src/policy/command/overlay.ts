/**
 * Writes that land a whole tree over a directory: `cp -r tpl/. .`, `rsync -a tpl/ ./`, `tar xf
 * x.tar`, `unzip -o x.zip`. Each file of the tree replaces the file of the same name there, and
 * where that is an ignored file that is not regenerable output (`.env.local`), no snapshot holds
 * its old bytes: as for `cp .env.example .env.local` (overwrite-ignored, targets.ts), the snapshot
 * taken first captures it. Found by the hunt of 2026-12-04: the single-file forms were captured,
 * the recursive ones were not.
 *
 * What lands where is read only once guard knows the landing is an existing directory inside the
 * repository: one ignored listing of that directory (git prunes it to the directory), then, for a
 * directory copied, one lstat in the source per ignored file found (never a git process per
 * file). An archive's members are not listed (that would read the whole archive first), so every
 * ignored file under the landing directory counts as replaced; too many to capture is denied by
 * the capture limits (with-state.ts). A new path, an empty directory, a place outside the
 * repository, or a landing with only regenerable output costs nothing more and stays allowed.
 */
import path from 'node:path';
import { escapedBytes, escapedText, shownEscaped } from '../../util/escaped-text.js';
import { checkCopyLanding, landingDirectory } from './overlay-landing.js';
import { classifyPath, displayPath, isStrictlyUnder } from './paths.js';
import { makeVerdict } from './rules.js';
import type { IgnoredEntry } from './state.js';
import { listNames } from './targets.js';
import type { CommandContext, Verdict } from './types.js';

export interface Overlay {
  /** The directory copied (absolute, as written); null for an archive, whose members guard does not list. */
  from: string | null;
  /** A symlink at `from` is followed (written `src/` or `src/.`); otherwise the link itself is copied. */
  followFrom?: boolean;
  /** The destination as written (absolute). */
  dest: string;
  /**
   * The name the tree takes inside `dest` when `dest` is an existing directory (`cp -r tpl out`
   * lands in out/tpl); null when it lands in `dest` itself (`cp -rT`, `rsync tpl/`, `tar -C`).
   */
  name: string | null;
  /** The command and what it does, for the reason (`cp -r copies tpl into .`). */
  what: string;
  /** A destination that does not exist gets the tree in dest/name (rsync), not as itself (cp). */
  namedWhenNew?: boolean;
  /** Files that exist are kept (`cp -n`, `rsync --ignore-existing`): only new files land. */
  keeps?: boolean;
  /** A zip archive extracted (absolute, as written; `from` is null): its members are read from its central directory. */
  zip?: string;
  /** With `from` null, what the reason says of the files that land (an archive's: `whose members guard does not list`). */
  unlisted?: string;
}

function latin1(escaped: string): string {
  return escapedBytes(escaped).toString('latin1');
}

function text(bytes: string): string {
  return escapedText(Buffer.from(bytes, 'latin1'));
}

/** Null while collecting (what it needs is noted), by text, or when nothing ignored is replaced. */
export function checkOverlay(overlay: Overlay, ctx: CommandContext, source: string): Verdict | null {
  const view = ctx.view;
  if (!view || view.mode === 'text' || !ctx.repoRoot) return null;
  const root = ctx.repoRoot;
  // A copy into a directory above the repository that holds it (`rsync -a x/ ../`, `cp -r x/. ..`):
  // what lands in the repository is the source's directory of the repository's path (x/<repo>/),
  // copied over the root. Judged as that copy; nothing more is looked at where the source has none.
  if (overlay.from !== null && isStrictlyUnder(root, overlay.dest)) {
    const landing = overlay.name === null || overlay.name === '.' ? overlay.dest : path.posix.join(overlay.dest, overlay.name);
    if (landing === root) return checkOverlay({ ...overlay, dest: root, name: null }, ctx, source);
    if (!isStrictlyUnder(root, landing)) return null;
    const rel = root.slice(landing.length + 1);
    return checkOverlay({ ...overlay, from: `${overlay.from}/${rel}`, followFrom: false, dest: root, name: null, what: `${overlay.what} (its ${rel}/ lands on the repository)` }, ctx, source);
  }
  // A destination written outside the repository (`tar xzf node.tar.gz -C /tmp`) is not looked at:
  // not even the worktree listing a path outside costs (a link from there into the repository is not followed).
  const where = classifyPath(overlay.dest, ctx).kind;
  if (where !== 'inside' && where !== 'repo-root') return null;
  const inside = overlay.name === null || overlay.name === '.' ? null : path.posix.join(overlay.dest, overlay.name);
  if (view.collecting) {
    if (overlay.from !== null) view.path(overlay.from, false);
    view.path(overlay.dest, false);
    if (inside) view.path(inside, false);
    return null;
  }
  const dest = view.path(overlay.dest, false);
  // An agent's copy is judged where each of its files lands (guard's files, protected paths, .git),
  // new files included: overlay-landing.ts.
  if (overlay.from !== null && ctx.isAgent) {
    const src = view.path(overlay.from, false);
    const landing = src?.followedExists && src.followedIsDir && (!src.isSymlink || overlay.followFrom) ? landingDirectory(dest, overlay.dest, overlay.name, overlay.namedWhenNew === true) : null;
    const refused = landing && src ? checkCopyLanding({ from: src.followed, what: overlay.what }, landing, ctx, source) : null;
    if (refused) return refused;
  }
  // A zip's members are read from its central directory (no process, nothing decompressed): an
  // agent's extraction is judged where each lands, and only the ignored files they replace are captured.
  const members = overlay.zip !== undefined && view.probe ? view.probe.zipMembers(overlay.zip) : null;
  if (members && ctx.isAgent) {
    const landing = landingDirectory(dest, overlay.dest, null, false);
    const refused = landing ? checkCopyLanding({ from: overlay.zip as string, members, what: overlay.what }, landing, ctx, source) : null;
    if (refused) return refused;
  }
  if (overlay.keeps || !dest || !dest.followedExists || !dest.followedIsDir) return null;
  // Into a directory that exists: the tree lands in dest/name (which may not exist: a new path).
  const into = inside ? view.path(inside, false) : dest;
  if (!into || !into.followedExists || !into.followedIsDir || into.emptyDir) return null;
  let from: string | null = null;
  if (overlay.from !== null) {
    const src = view.path(overlay.from, false);
    // A file is the single-file write's to judge; a link copied as a link replaces no tree.
    if (!src || !src.followedExists || !src.followedIsDir || (src.isSymlink && !overlay.followFrom)) return null;
    from = src.followed;
  }
  const probe = view.probe;
  const landing = into.followed;
  const ignored = probe?.ignoredUnder(landing);
  if (!probe || !ignored) return null;
  const prefix = landing === root ? '' : `${latin1(landing.slice(root.length + 1))}/`;
  const below = (bytes: string): string => text(bytes.startsWith(prefix) ? bytes.slice(prefix.length) : bytes).replace(/\/$/, '');
  // What the tree brings to a path under the landing: for an archive not listed, anything may be there.
  const memberFiles = new Set(members?.filter((m) => !m.endsWith('/')));
  let memberDirs: Set<string> | null = null; // every directory a member lies in, built when first asked
  const dirOfMembers = (rel: string): boolean => {
    memberDirs ??= new Set((members ?? []).flatMap((m) => m.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
    return memberDirs.has(rel);
  };
  const brought = (bytes: string): 'file' | 'dir' | null => {
    const rel = below(bytes);
    if (members) return memberFiles.has(rel) ? 'file' : dirOfMembers(rel) ? 'dir' : null;
    return from === null ? 'file' : probe.kindAt(`${from}/${rel}`);
  };
  const shownLanding = landing === root ? 'the repository root' : displayPath(landing, ctx);
  const files = new Map<string, { path: string; size: number }>();
  for (const entry of ignored.filter((e: IgnoredEntry) => !e.regenerable)) {
    if (entry.files === null) {
      if (brought(entry.path) === null) continue;
      const dir = text(entry.path).replace(/\/$/, '');
      return makeVerdict('deny', 'capture-too-large', `${overlay.what}, over ${dir}, which holds more ignored files than guard can list to capture first (they are not regenerable output, and no snapshot holds them)`, source, `Copy or extract into a new or empty directory and move what you need from there, or move the ignored files out of ${shownEscaped(dir)} first.`);
    }
    // An ignored nested repository (`dir/`) is not replaced file by file here: its files are not listed.
    // (git may list a file both alone and under its collapsed directory: once here.)
    for (const file of entry.files) if (!file.path.endsWith('/') && !files.has(file.path) && brought(file.path) === 'file') files.set(file.path, file);
  }
  if (files.size === 0) return null;
  view.addCapture([{ path: '', regenerable: false, files: [...files.values()] }]);
  const names = listNames([...files.keys()].map(text));
  const how = from === null && !members ? `${overlay.unlisted ?? 'whose members guard does not list'}, into ${shownLanding}, which holds the ignored ${names}` : `which replaces the ignored ${names}`;
  return makeVerdict('snapshot', 'overwrite-ignored', `${overlay.what}, ${how} (no snapshot holds ignored files); guard captures ${files.size > 1 ? 'them' : 'it'} into the snapshot first`, source);
}
