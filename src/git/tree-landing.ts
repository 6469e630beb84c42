/**
 * The ignored files a git command would write over when it brings another tree's files into the
 * working tree (`git switch X`, `checkout X -- .`, `reset --hard X`, `merge X`, `cherry-pick C`).
 * git refuses to overwrite an untracked file that is not ignored, but replaces an ignored one
 * without a word (`--overwrite-ignore` is its default; merge and reset do the same), and no
 * snapshot holds ignored files. Checked on git 2.39 and 2.47.
 *
 * Only a path the other tree tracks and the current one does not can hold such a file (a path
 * both track is tracked here, so every snapshot holds it): one tree-to-tree
 * `git diff-tree -r --diff-filter=AT FROM TO` (cost grows with the difference, not the repository),
 * then one lstat per path it names and per directory above it (cached). A path that exists (or a
 * file where the tree needs a directory above it) is a candidate; only where there are candidates,
 * one `ls-files --others --ignored` over exactly them says which are ignored and untracked (a
 * staged new file is in the index, so in the snapshot). A directory where the tree brings a file
 * is listed with what is under it: git removes it. Regenerable output (commands.regenerable) is
 * never captured (it is matched only where something is in the way). A revision git cannot
 * resolve throws: the query stays unanswered and the command keeps the verdict its text gets.
 * On an unborn HEAD, for a tip known to exist (a fetch's), every path it tracks counts as added
 * (one ls-tree).
 */
import fs from 'node:fs';
import type { TreeLandingQuery } from '../policy/command/state.js';
import { escapedBytes } from '../util/escaped-text.js';
import { CONFIG_FILE_NAME } from '../policy/schema.js';
import { patchCreates } from './patch-paths.js';
import { bytewiseGlob, bytewiseGlobUnder, commandLinePathspecs, isTextPath, matchText, type GitPath } from './path.js';
import type { Repo } from './repo.js';
import { resolveRevsSync } from './revs.js';
import { runGitSync, splitNulBytes } from './run.js';
import { holdsEscapedBytes } from '../util/escaped-text.js';

/** How many pathspecs one ls-files is given (the command line stays far below the system's limit). */
const CHUNK = 500;

function lstatKind(root: string, rel: string): 'file' | 'dir' | null {
  try {
    return fs.lstatSync(Buffer.concat([Buffer.from(`${root}/`, 'utf8'), Buffer.from(rel, 'latin1')])).isDirectory() ? 'dir' : 'file';
  } catch {
    return null;
  }
}

/** How much patch text `git am` is judged by (all its mboxes together); over it the query stays unanswered. */
export const PATCH_READ_LIMIT = 64 * 1024 * 1024;

/** The text (latin1) of the mboxes or Maildirs `git am` reads; throws over PATCH_READ_LIMIT or where one cannot be read. */
function patchText(files: string[]): string {
  const parts: Buffer[] = [];
  let total = 0;
  const read = (file: Buffer): void => {
    total += fs.statSync(file).size;
    if (total > PATCH_READ_LIMIT) throw new Error('patches too large to read');
    parts.push(fs.readFileSync(file));
  };
  for (const file of files) {
    const bytes = escapedBytes(file);
    if (!fs.statSync(bytes).isDirectory()) {
      read(bytes);
      continue;
    }
    // A Maildir: its messages are the files in cur/ and new/.
    for (const sub of ['cur', 'new']) {
      const dir = Buffer.concat([bytes, Buffer.from(`/${sub}`)]);
      for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) read(Buffer.concat([dir, Buffer.from('/'), name]));
    }
  }
  return Buffer.concat(parts).toString('latin1');
}

/** Paths (latin1 byte strings, repo-relative) that `to` tracks and `from` does not, limited to the pathspecs. */
function addedPaths(repo: Repo, query: TreeLandingQuery, deleted?: string[]): string[] {
  if (query.patches) return patchCreates(patchText(query.patches), query.naming);
  if (query.patchText !== undefined) return patchCreates(Buffer.from(query.patchText, 'utf8').toString('latin1'), query.naming);
  // A pathspec whose name is not UTF-8 (`git checkout X -- $'d\xe9'`) went to git as U+FFFD and
  // named nothing, so the ignored files it replaces were not captured: named bytewise, and what
  // git lists is cut back to what it names. One that cannot be carried leaves the query unanswered.
  const asked = commandLinePathspecs(repo.root, query.cwd, query.pathspecs);
  if (!asked) throw new Error('a pathspec git cannot be given');
  const specs = asked.pathspecs.length > 0 ? ['--', ...asked.pathspecs] : [];
  return listAdded(revisionsForArgv(repo, query), specs, deleted).filter(asked.keep);
}


/**
 * The query with a revision whose name is not UTF-8 (`git switch $'caf\xe9'`: escaped text) as
 * the object it names, resolved by its bytes (revs.ts: cat-file on stdin): Node gives git its
 * argv as UTF-8, where the byte became U+FFFD and named no revision, so the query went
 * unanswered, the policy-deletion put-back (`.guard.yaml` not in that branch) and the ignored
 * files it lands on were missed (found by hand, 2026-12-07, helper bytes3). One that resolves to
 * nothing throws, as git's own failure does. Pick and revert words (`A..B`) are left as they are.
 */
function revisionsForArgv(repo: Repo, query: TreeLandingQuery): TreeLandingQuery {
  const escaped = [query.from, query.to].filter((rev) => holdsEscapedBytes(rev));
  if (escaped.length === 0) return query;
  const oids = resolveRevsSync(repo, escaped);
  const named = new Map(escaped.map((rev, i) => [rev, oids[i] ?? null]));
  const argv = (rev: string): string => {
    if (!holdsEscapedBytes(rev)) return rev;
    const oid = named.get(rev);
    if (!oid) throw new Error('a revision git cannot resolve');
    return oid;
  };
  return { ...query, from: argv(query.from), to: argv(query.to) };
}

function listAdded(query: TreeLandingQuery, specs: string[], deleted?: string[]): string[] {
  if (query.fromIndex) {
    // An index path whose file is there is tracked (no ignored file can be at it); one that is
    // missing may be blocked by an ignored file above it, or by a directory at it.
    return splitNulBytes(runGitSync(['ls-files', '-z', '--full-name', '--deleted', ...specs], { cwd: query.cwd }).stdout);
  }
  if (query.range && query.revs) {
    // One log over the pick's own revision words: what each commit adds (a revert re-adds what
    // each deleted). `--no-walk` is what cherry-pick and revert set: commits listed are taken
    // alone, and a range or a negative (`A..B`, `A...B`, `^A`, `--not`) turns the walk on, as it
    // does for them (checked with git 2.39). Merges are left out: cherry-pick and revert stop at
    // one without -m; with -m, each merge against every parent (a superset). The words are
    // revisions or `--not` (git.ts lets nothing else through); `--` keeps them from being read
    // as paths.
    const filter = query.range === 'pick' ? '--diff-filter=AT' : '--diff-filter=DT';
    const merges = query.merges ? '--diff-merges=separate' : '--no-merges';
    const out = runGitSync(['log', '-z', '--name-only', '--format=', '--no-renames', '--no-walk', merges, filter, ...query.revs, '--'], { cwd: query.cwd });
    return [...new Set(splitNulBytes(out.stdout).filter((p) => p !== ''))];
  }
  try {
    // The whole tree from HEAD (`reset --hard X`, `checkout X`, `switch X`, `read-tree -u X`,
    // `merge X`): the same diff names the paths X deletes too, for `.guard.yaml` (deletesPolicy).
    if (query.from === 'HEAD' && specs.length === 0 && deleted) {
      const records = splitNulBytes(runGitSync(['diff-tree', '-r', '-z', '--name-status', '--no-renames', '--diff-filter=ADT', query.from, query.to], { cwd: query.cwd }).stdout);
      const added: string[] = [];
      for (let i = 0; i + 1 < records.length; i += 2) {
        const file = records[i + 1] as string;
        if (records[i] !== 'D') added.push(file);
        else if (file === CONFIG_FILE_NAME) deleted.push(file);
      }
      return added;
    }
    const out = runGitSync(['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--diff-filter=AT', query.from, query.to, ...specs], { cwd: query.cwd });
    return splitNulBytes(out.stdout);
  } catch (error) {
    // An unborn HEAD (a new repository, `git checkout --orphan`) where `to` is known to exist:
    // every path `to` tracks is one it adds, and git merge, reset --hard and switch -c X TO write
    // them over ignored files there too (git 2.39, run). With pathspecs the query stays
    // unanswered (ls-tree does not read pathspec magic).
    if (query.from !== 'HEAD' || !query.toExists || specs.length > 0) throw error;
    return splitNulBytes(runGitSync(['ls-tree', '-r', '-z', '--name-only', '--full-tree', query.to], { cwd: query.cwd }).stdout);
  }
}

/**
 * The existing entries git would replace for these added paths: the path itself when something
 * is there, or the first file (or symlink) above it where the tree needs a directory.
 */
function candidates(root: string, added: string[], skip: (rel: string) => boolean): string[] {
  const kinds = new Map<string, 'file' | 'dir' | null>();
  const kind = (rel: string): 'file' | 'dir' | null => {
    if (!kinds.has(rel)) kinds.set(rel, lstatKind(root, rel));
    return kinds.get(rel) ?? null;
  };
  const found = new Set<string>();
  for (const rel of added) {
    const parts = rel.split('/');
    let blocked = false;
    for (let i = 1; i < parts.length && !blocked; i++) {
      const above = parts.slice(0, i).join('/');
      const there = kind(above);
      if (there === 'dir') continue;
      // Nothing there: git creates it; a file or a link: git replaces it with the directory. That
      // file is what goes, so it is what is matched (a file `build` is not output, a file in `dist/` is).
      if (there === 'file' && !skip(above)) found.add(above);
      blocked = true;
    }
    // Regenerable output is asked about only here, where something is in the way: matching every
    // added path against the patterns cost more than the lstats (babel, `git switch 7.x`: 5,655
    // added paths, ~130 ms of matching against ~30 ms of lstats, nearly all of them ENOENT).
    // (A directory there is matched as one: `rel/`, which a pattern naming directories matches.)
    if (!blocked && kind(rel) !== null && !skip(kind(rel) === 'dir' ? `${rel}/` : rel)) found.add(rel);
  }
  return [...found];
}

function pathspec(rel: string, dir: boolean): string {
  const p = rel as GitPath;
  if (isTextPath(p)) return `:(literal)${matchText(p)}`;
  return dir ? bytewiseGlobUnder(p) : bytewiseGlob(p);
}

/**
 * The ignored, untracked files (latin1, repo-relative) at or under the entries, as git lists them
 * (a nested repository as `dir/`), in one ls-files per CHUNK entries.
 */
function ignoredAt(repo: Repo, entries: string[]): string[] {
  const root = repo.root.replace(/\/+$/, '');
  const files: string[] = [];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const chunk = entries.slice(i, i + CHUNK);
    const specs = chunk.map((rel) => pathspec(rel, lstatKind(root, rel) === 'dir'));
    const listed = splitNulBytes(runGitSync(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--', ...specs], { cwd: root }).stdout);
    // A glob for a name that is not UTF-8 may match other names: keep what lies at or under an entry, byte for byte.
    files.push(...listed.filter((file) => chunk.some((rel) => file === rel || file.startsWith(`${rel}/`))));
  }
  return [...new Set(files)];
}

/** The ignored entries the command would replace (latin1, repo-relative); throws where git cannot resolve the revisions. `regenerable` is handed a directory as `rel/` (isRegenerable). */
export function treeLanding(repo: Repo, query: TreeLandingQuery, regenerable: (rel: string) => boolean): string[] {
  return ignoredLandedOn(repo, addedPaths(repo, query), regenerable);
}

/**
 * The same, and whether the command deletes guard's policy: `.guard.yaml` tracked in HEAD and not
 * in the tree it lands (`git reset --hard HEAD~1` after the agent committed it, `git checkout
 * OTHER`), read from the same diff-tree (no other process). Only for a whole tree from HEAD.
 */
export function treeLandingFacts(repo: Repo, query: TreeLandingQuery, regenerable: (rel: string) => boolean): { ignored: string[]; deletesPolicy: boolean } {
  const deleted: string[] = [];
  const added = addedPaths(repo, query, deleted);
  return { ignored: ignoredLandedOn(repo, added, regenerable), deletesPolicy: deleted.length > 0 };
}

function ignoredLandedOn(repo: Repo, added: string[], regenerable: (rel: string) => boolean): string[] {
  if (added.length === 0) return [];
  const root = repo.root.replace(/\/+$/, '');
  const found = candidates(root, added, regenerable);
  if (found.length === 0) return [];
  return ignoredAt(repo, found);
}
