/**
 * The keepers (format.ts; docs/snapshot-format.md owns the layout): what keeps every recorded ref
 * reachable and every annotated tag recreatable, in two levels.
 *
 *  - T, the *tags keeper*: an octopus commit whose parents are the commits the recorded tags point
 *    to, and whose tree holds the raw bytes of each annotated tag object as a blob `tag-<tag oid>`
 *    (so a deleted and pruned tag is recreated with the same id) and a tag's non-commit target as
 *    `target-<oid>`. It depends on the set of tag ids alone; while that set is unchanged the next
 *    snapshot reuses the same commit (`tagsKeeper` in the metadata) and runs no git process for it.
 *  - K, the snapshot's keeper (parent 3 of W): an octopus commit whose parents are T, HEAD, every
 *    branch and stash tip, and the commits of an operation in progress (MERGE_HEAD,
 *    CHERRY_PICK_HEAD, REVERT_HEAD, REBASE_HEAD, a `git am`'s ORIG_HEAD: operation-state.ts; the commits rebase-merge/,
 *    rebase-apply/ or sequencer/ name: operation-dirs.ts). Its tree is T's tree as it is (plus a
 *    conflicted raw index as `index`, git's state directories as `operation-<name>` trees, or a
 *    branch's non-commit target, when there is one), so K's tree holds the tags' bytes exactly
 *    as in the older one-level layout: rollback and recover read `<K>:tag-<oid>` in both layouts,
 *    and a guard of the older code that finds a two-level snapshot keeps working from it.
 *
 * Why two levels (docs/DECISIONS.md): the backup push's connectivity check (`rev-list --objects
 * --not --all` in receive-pack) marks the root tree of every parent of a new K as an uninteresting
 * edge; with every tag a parent of K that was ~1,100 trees on vite after any branch change. An
 * unchanged T is one edge. A keeper is dropped with its snapshot by retention, and T with the last
 * snapshot whose K names it, so unlike a chain of keepers no dropped snapshot's refs stay alive.
 *
 * Snapshots written before T existed have no `tagsKeeper` and K's parents are every tip, tags
 * included; the first two-level snapshot after them takes the tags' blobs from that K's tree.
 *
 * Cost (issue 8): a tag object never changes, so its blob is keyed by the tag's id and taken from
 * the previous tags keeper's tree (or an older-layout K's); only tags the previous snapshot did not
 * record are read, all in one `cat-file --batch`, and written in one `hash-object --stdin-paths`.
 */
import { GuardError } from '../errors.js';
import { readObjects, checkObjects, packObjects, writeObjects } from '../git/batch-objects.js';
import { commitTree, makeTree, type TreeEntry } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import type { Snapshot } from './format.js';
import type { RefRecord, RepoState } from './repo-state.js';
import { parseTree } from './tree-edit.js';
import { operationCommits } from './operation-state.js';
import { operationDirEntries } from './operation-dirs.js';

const KEEPER_MESSAGE = 'guard keeper: keeps the tags keeper and every recorded branch and stash tip reachable\n';
const TAGS_KEEPER_MESSAGE = 'guard tags keeper: keeps every recorded tag, its target and its object bytes\n';

export function tagEntryName(tagOid: string): string {
  return `tag-${tagOid}`;
}

export interface Keepers {
  /** K, parent 3 of the snapshot; null when there is nothing to keep. */
  keeper: string | null;
  /** T, K's first parent when the repository has tags; null when it has none. */
  tagsKeeper: string | null;
}

interface KeeperContents {
  /** Commit parents, sorted. */
  tips: string[];
  /** Annotated tag objects whose bytes go into the tree. */
  tags: string[];
  /** Other tree entries (non-commit targets, the raw index). */
  others: TreeEntry[];
}

const isTagRef = (ref: { refname: string }): boolean => ref.refname.startsWith('refs/tags/');

/**
 * The objects under a tag of a tag (`git tag -a outer inner`): a ref's record names the object
 * its tag names, one level down (repo-state.ts), so a ref whose target is itself a tag names
 * neither the inner tag objects nor what the chain ends at. Without them a deleted and pruned chain came back as an
 * outer tag naming a missing object (every for-each-ref then fails). Each level is one
 * `cat-file --batch` of the tags at that depth; nothing runs when no ref points at a tag of a tag.
 */
interface TagChains {
  /** Inner tag objects of the chains. */
  tags: string[];
  /** What each chain ends at. */
  ends: Array<{ oid: string; type: string }>;
}

const NO_CHAINS: TagChains = { tags: [], ends: [] };

async function tagChains(repo: Repo, refs: RefRecord[]): Promise<TagChains> {
  let level = [...new Set(refs.filter((ref) => ref.peeledType === 'tag' && ref.peeledOid).map((ref) => ref.peeledOid as string))];
  if (level.length === 0) return NO_CHAINS;
  const seen = new Set<string>();
  const chains: TagChains = { tags: [], ends: [] };
  while (level.length > 0) {
    level.forEach((oid) => seen.add(oid));
    chains.tags.push(...level);
    const objects = await readObjects(repo, level);
    const next: string[] = [];
    objects.forEach((object, i) => {
      if (!object || object.type !== 'tag') throw new GuardError('git', `the tag object ${level[i]} could not be read`);
      const { oid, type } = taggedObject(object.content);
      if (type === 'tag') {
        if (!seen.has(oid)) next.push(oid);
      } else chains.ends.push({ oid, type });
    });
    level = [...new Set(next)];
  }
  return chains;
}

/** The `object` and `type` header lines of a tag object's raw bytes. */
function taggedObject(content: Buffer): { oid: string; type: string } {
  const head = content.subarray(0, Math.min(content.length, 200)).toString('latin1');
  const match = /^object ([0-9a-f]+)\ntype ([a-z]+)\n/.exec(head);
  if (!match) throw new GuardError('git', 'a tag object has no object/type header');
  return { oid: match[1]!, type: match[2]! };
}

/** What a keeper must hold for `refs` plus `extraTips` (and, for K, the raw index and `extraEntries`). */
function keeperContents(refs: RefRecord[], extraTips: string[], rawIndex: string | null, chains: TagChains = NO_CHAINS, extraEntries: TreeEntry[] = []): KeeperContents {
  const tips = new Set<string>(extraTips);
  const tags = new Set<string>(chains.tags);
  const others = new Map<string, TreeEntry>();
  const keepTarget = (target: string, targetType: string): void => {
    if (targetType === 'commit') tips.add(target);
    else if (targetType === 'tree') others.set(`target-${target}`, { mode: '040000', type: 'tree', oid: target, name: `target-${target}` });
    else if (targetType === 'blob') others.set(`target-${target}`, { mode: '100644', type: 'blob', oid: target, name: `target-${target}` });
  };
  for (const end of chains.ends) keepTarget(end.oid, end.type);
  for (const ref of refs) {
    if (ref.type === 'commit') tips.add(ref.oid);
    if (ref.type === 'tag') tags.add(ref.oid);
    // A tag of a tag: its inner tags and what they end at come in `chains`.
    keepTarget(ref.peeledOid ?? ref.oid, ref.peeledType ?? ref.type);
  }
  if (rawIndex) others.set('index', { mode: '100644', type: 'blob', oid: rawIndex, name: 'index' });
  for (const entry of extraEntries) others.set(entry.name, entry);
  return { tips: [...tips].sort(), tags: [...tags], others: [...others.values()] };
}

/** Whether two lists of tag ids are the same set: the tag set a tags keeper stands for (names do not matter). */
function sameTagSet(a: Iterable<string>, b: Iterable<string>): boolean {
  const left = new Set(a);
  const right = new Set(b);
  if (left.size !== right.size) return false;
  for (const oid of left) if (!right.has(oid)) return false;
  return true;
}

/**
 * Writes the tree of a keeper holding `contents`, taking the blobs of tags `prior`'s tree already
 * holds (a same id is a same object) and reading only the others: one `cat-file --batch` for the
 * prior tree and the tags `recorded` does not name, one `hash-object --stdin-paths`, one `mktree`.
 */
async function keeperTree(repo: Repo, contents: KeeperContents, prior: string | null, recorded: Set<string>): Promise<string> {
  const { tags, others } = contents;
  const blobs = new Map<string, string>(); // tag oid -> blob holding its bytes
  const unrecorded = tags.filter((oid) => !recorded.has(oid));
  const answers = await readObjects(repo, [...(prior ? [`${prior}^{tree}`] : []), ...unrecorded]);
  const priorTree = prior ? answers[0] : null;
  const freshObjects = prior ? answers.slice(1) : answers;
  if (priorTree?.type === 'tree') {
    for (const [name, entry] of parseTree(priorTree.content, priorTree.oid.length / 2)) {
      if (name.startsWith('tag-')) blobs.set(name.slice(4), entry.oid);
    }
  }
  // Tags to copy: the unrecorded ones, plus any recorded one the prior keeper lacks.
  const toRead = tags.filter((oid) => !blobs.has(oid) && !unrecorded.includes(oid));
  const more = await readObjects(repo, toRead);
  const bytes = new Map<string, Buffer>();
  [...unrecorded.map((oid, i) => [oid, freshObjects[i]] as const), ...toRead.map((oid, i) => [oid, more[i]] as const)].forEach(([oid, object]) => {
    if (blobs.has(oid)) return;
    if (!object || object.type !== 'tag') throw new GuardError('git', `the tag object ${oid} could not be read`);
    bytes.set(oid, object.content);
  });
  const written = await writeObjects(repo, 'blob', [...bytes.values()]);
  [...bytes.keys()].forEach((oid, i) => blobs.set(oid, written[i]!));
  const entries: TreeEntry[] = [...others, ...tags.map((oid): TreeEntry => ({ mode: '100644', type: 'blob', oid: blobs.get(oid)!, name: tagEntryName(oid) }))];
  return makeTree(repo, entries);
}

/** Whether `previous` was written with a tags keeper (the field is absent in the older layout). */
function hasTwoLevels(previous: Snapshot | null): previous is Snapshot & { tagsKeeper: string | null } {
  return previous !== null && previous.tagsKeeper !== undefined;
}

/** T for the tag refs of `state`: the previous one when the tag set is unchanged, else a new one. */
async function tagsKeeperCommit(repo: Repo, tagRefs: RefRecord[], previous: Snapshot | null): Promise<string | null> {
  if (tagRefs.length === 0) return null;
  const previousTags = previous ? Object.entries(previous.refs).filter(([name]) => isTagRef({ refname: name })).map(([, oid]) => oid) : [];
  if (hasTwoLevels(previous) && previous.tagsKeeper && sameTagSet(previousTags, tagRefs.map((r) => r.oid))) return previous.tagsKeeper;
  // The blobs of tags recorded before are in the previous T, or in an older-layout K.
  const prior = previous ? (hasTwoLevels(previous) ? previous.tagsKeeper : previous.keeper) : null;
  const contents = keeperContents(tagRefs, [], null, await tagChains(repo, tagRefs));
  const tree = await keeperTree(repo, contents, prior, new Set(previousTags));
  return commitTree(repo, tree, contents.tips, TAGS_KEEPER_MESSAGE);
}

/**
 * K's tree: T's tree as it is (the same tree object, already in the backup), so K's tree holds
 * every tag's bytes as in the older layout and readers of either layout look only in K. Only a
 * conflicted index or a branch that points at a tag, a tree or a blob (rare) needs a tree of its own.
 */
async function snapshotKeeperTree(repo: Repo, state: RepoState, own: KeeperContents, rawIndex: string | null, tagsKeeper: string | null, previous: Snapshot | null, extras: TreeEntry[]): Promise<string> {
  if (own.tags.length === 0 && own.others.length === 0) {
    if (tagsKeeper) return `${tagsKeeper}^{tree}`;
    // No tags: the previous K's tree when it held no index (entries for refs gone since are harmless extras).
    if (previous?.keeper && previous.rawIndex === null) return `${previous.keeper}^{tree}`;
    return makeTree(repo, []);
  }
  const otherTips = tipsBesideRefs(state);
  const everything = keeperContents(state.refs, otherTips, rawIndex, await tagChains(repo, state.refs), extras);
  return keeperTree(repo, everything, tagsKeeper ?? previous?.keeper ?? null, new Set(previous ? Object.values(previous.refs) : []));
}

/**
 * HEAD, the stash entries and the commits of a merge, cherry-pick or revert in progress
 * (MERGE_HEAD may name a commit no branch holds, e.g. a remote-tracking one): rollback and recover
 * write them back, so they must live as long as the snapshot.
 */
function tipsBesideRefs(state: RepoState): string[] {
  return [...(state.head.oid ? [state.head.oid] : []), ...state.stash.map((entry) => entry.oid), ...operationCommits(state.operationState)];
}

/** The keepers for `state`: T (reused while the tags are unchanged) and K over T, HEAD, branches and stash. */
export async function keeperCommit(repo: Repo, state: RepoState, rawIndex: string | null, previous: Snapshot | null, extraEntries: TreeEntry[] = []): Promise<Keepers> {
  const tagRefs = state.refs.filter(isTagRef);
  const otherTips = tipsBesideRefs(state);
  const ownRefs = state.refs.filter((ref) => !isTagRef(ref));
  // git's state directories of an operation in progress (rebase-merge/, ...) are trees in K's tree.
  // ... and the sparse-checkout pattern file's blob (sparse-state.ts).
  const extras = [...operationDirEntries(state.operationState), ...extraEntries];
  const own = keeperContents(ownRefs, otherTips, rawIndex, await tagChains(repo, ownRefs), extras);
  if (tagRefs.length === 0 && own.tips.length === 0 && own.tags.length === 0 && own.others.length === 0) return { keeper: null, tagsKeeper: null };
  const tagsKeeper = await tagsKeeperCommit(repo, tagRefs, previous);
  const tree = await snapshotKeeperTree(repo, state, own, rawIndex, tagsKeeper, previous, extras);
  const keeper = await commitTree(repo, tree, [...(tagsKeeper ? [tagsKeeper] : []), ...own.tips], KEEPER_MESSAGE);
  return { keeper, tagsKeeper };
}

/**
 * From this many objects on, recreated tags go into the repository as one pack, below it as
 * loose objects: git's own rule for what a fetch brings (transfer.unpackLimit, 100 by default).
 */
export const PACK_TAGS_FROM = 100;

/**
 * Makes sure every object in `oids` exists, recreating missing annotated tag objects byte for
 * byte from the blobs `keeper` holds (K's tree holds every tag's bytes in both layouts): one
 * `cat-file --batch-check`, and when something is missing one `cat-file --batch` and one
 * `hash-object -t tag --stdin-paths`, or from PACK_TAGS_FROM tags on one `index-pack` of a pack
 * holding them all (a recover of vite's 1,041 tags: one pack instead of hundreds of loose objects
 * and as many temp files). Returns how many were recreated; throws when a missing object is not
 * in the keeper.
 */
export async function recreateMissingTags(repo: Repo, keeper: string | null, oids: Iterable<string>): Promise<number> {
  const wanted = [...new Set(oids)];
  const present = await checkObjects(repo, wanted);
  let level = wanted.filter((_, i) => !present[i]);
  if (level.length === 0) return 0;
  if (!keeper) throw new GuardError('internal', `object ${level[0]} (a recorded ref) is missing and the snapshot has no keeper`);
  // A recreated tag of a tag names another tag object, which may be gone too: level by level.
  const missing: string[] = [];
  const contents: Buffer[] = [];
  while (level.length > 0) {
    const raws = await readObjects(repo, level.map((oid) => `${keeper}:${tagEntryName(oid)}`));
    const inner: string[] = [];
    raws.forEach((raw, i) => {
      if (!raw || raw.type !== 'blob') throw new GuardError('internal', `object ${level[i]} (a recorded ref) is in neither the repository nor the snapshot's keeper`);
      missing.push(level[i]!);
      contents.push(raw.content);
      const tagged = taggedObject(raw.content);
      if (tagged.type === 'tag' && !missing.includes(tagged.oid) && !inner.includes(tagged.oid)) inner.push(tagged.oid);
    });
    const there = await checkObjects(repo, inner);
    level = inner.filter((_, i) => !there[i]);
  }
  const made = contents.length >= PACK_TAGS_FROM ? await packObjects(repo, 'tag', contents, missing[0]!.length === 64 ? 'sha256' : 'sha1') : await writeObjects(repo, 'tag', contents);
  made.forEach((oid, i) => {
    if (oid !== missing[i]) throw new GuardError('internal', `recreated tag object ${oid} differs from the recorded ${missing[i]}`);
  });
  return made.length;
}
