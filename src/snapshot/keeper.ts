/**
 * The keeper K (format.ts): an octopus commit whose parents are every recorded branch, tag and
 * stash tip, and whose tree holds what no commit parent can keep: the raw bytes of each annotated
 * tag object as a blob `tag-<tag oid>` (so a deleted and pruned tag is recreated with the same
 * id), non-commit tag targets as `target-<oid>`, and a conflicted raw index as `index`.
 *
 * Cost (issue 8): a tag object never changes, so its blob is keyed by the tag's id and taken from
 * the previous keeper's tree; only tags the previous snapshot did not record are read, all in one
 * `cat-file --batch`, and written in one `hash-object --stdin-paths`. When every non-commit ref
 * was already recorded the previous keeper's tree is reused as it is (`commit-tree <K>^{tree}`):
 * one git process whatever the number of tags.
 */
import { GuardError } from '../errors.js';
import { readObjects, checkObjects, writeObjects } from '../git/batch-objects.js';
import { commitTree, makeTree, type TreeEntry } from '../git/objects.js';
import type { Repo } from '../git/repo.js';
import type { Snapshot } from './format.js';
import type { RepoState } from './repo-state.js';
import { parseTree } from './tree-edit.js';

const KEEPER_MESSAGE = 'guard keeper: keeps every recorded branch, tag and stash tip reachable\n';

export function tagEntryName(tagOid: string): string {
  return `tag-${tagOid}`;
}

/** What the keeper must hold for `state`: commit parents, annotated tag ids, other tree entries. */
function keeperContents(state: RepoState, rawIndex: string | null): { tips: string[]; tags: string[]; others: TreeEntry[] } {
  const tips = new Set<string>();
  const tags = new Set<string>();
  const others = new Map<string, TreeEntry>();
  if (state.head.oid) tips.add(state.head.oid);
  for (const entry of state.stash) tips.add(entry.oid);
  for (const ref of state.refs) {
    if (ref.type === 'commit') tips.add(ref.oid);
    if (ref.type === 'tag') tags.add(ref.oid);
    const target = ref.peeledOid ?? ref.oid;
    const targetType = ref.peeledType ?? ref.type;
    if (targetType === 'commit') tips.add(target);
    else if (targetType === 'tree') others.set(`target-${target}`, { mode: '040000', type: 'tree', oid: target, name: `target-${target}` });
    else if (targetType === 'blob') others.set(`target-${target}`, { mode: '100644', type: 'blob', oid: target, name: `target-${target}` });
  }
  if (rawIndex) others.set('index', { mode: '100644', type: 'blob', oid: rawIndex, name: 'index' });
  return { tips: [...tips].sort(), tags: [...tags], others: [...others.values()] };
}

/** The keeper commit for `state`, or null when there is nothing to keep. */
export async function keeperCommit(repo: Repo, state: RepoState, rawIndex: string | null, previous: Snapshot | null): Promise<string | null> {
  const { tips, tags, others } = keeperContents(state, rawIndex);
  if (tips.length === 0 && tags.length === 0 && others.length === 0) return null;

  // Every non-commit ref's object was recorded by the previous snapshot: its keeper's tree holds
  // all of it (a same id is a same object). Entries for refs gone since are harmless extras.
  const recorded = new Set(previous ? Object.values(previous.refs) : []);
  const prior = previous?.keeper ?? null;
  if (prior && previous!.rawIndex === rawIndex && state.refs.every((r) => r.type === 'commit' || recorded.has(r.oid))) {
    return commitTree(repo, `${prior}^{tree}`, tips, KEEPER_MESSAGE);
  }

  const blobs = new Map<string, string>(); // tag oid -> blob holding its bytes
  const unrecorded = tags.filter((oid) => !recorded.has(oid));
  // One cat-file: the prior keeper's tree (the blobs of the tags it holds) and the new tags.
  const answers = await readObjects(repo, [...(prior ? [`${prior}^{tree}`] : []), ...unrecorded]);
  const priorTree = prior ? answers[0] : null;
  const freshObjects = prior ? answers.slice(1) : answers;
  if (priorTree?.type === 'tree') {
    for (const [name, entry] of parseTree(priorTree.content, priorTree.oid.length / 2)) {
      if (name.startsWith('tag-')) blobs.set(name.slice(4), entry.oid);
    }
  }
  // Tags to copy: the unrecorded ones, plus any recorded one the prior keeper lacks (not expected).
  const toRead = tags.filter((oid) => !blobs.has(oid) && !unrecorded.includes(oid));
  const more = await readObjects(repo, toRead);
  const contents = new Map<string, Buffer>();
  [...unrecorded.map((oid, i) => [oid, freshObjects[i]] as const), ...toRead.map((oid, i) => [oid, more[i]] as const)].forEach(([oid, object]) => {
    if (blobs.has(oid)) return;
    if (!object || object.type !== 'tag') throw new GuardError('git', `the tag object ${oid} could not be read`);
    contents.set(oid, object.content);
  });
  const written = await writeObjects(repo, 'blob', [...contents.values()]);
  [...contents.keys()].forEach((oid, i) => blobs.set(oid, written[i]!));

  const entries: TreeEntry[] = [...others, ...tags.map((oid): TreeEntry => ({ mode: '100644', type: 'blob', oid: blobs.get(oid)!, name: tagEntryName(oid) }))];
  const tree = await makeTree(repo, entries);
  return commitTree(repo, tree, tips, KEEPER_MESSAGE);
}

/**
 * Makes sure every object in `oids` exists, recreating missing annotated tag objects byte for
 * byte from the blobs `keeper` holds: one `cat-file --batch-check`, and when something is
 * missing one `cat-file --batch` and one `hash-object -t tag --stdin-paths`. Returns how many
 * were recreated; throws when a missing object is not in the keeper.
 */
export async function recreateMissingTags(repo: Repo, keeper: string | null, oids: Iterable<string>): Promise<number> {
  const wanted = [...new Set(oids)];
  const present = await checkObjects(repo, wanted);
  const missing = wanted.filter((_, i) => !present[i]);
  if (missing.length === 0) return 0;
  if (!keeper) throw new GuardError('internal', `object ${missing[0]} (a recorded ref) is missing and the snapshot has no keeper`);
  const raws = await readObjects(repo, missing.map((oid) => `${keeper}:${tagEntryName(oid)}`));
  const contents = raws.map((raw, i) => {
    if (!raw || raw.type !== 'blob') throw new GuardError('internal', `object ${missing[i]} (a recorded ref) is in neither the repository nor the snapshot's keeper`);
    return raw.content;
  });
  const made = await writeObjects(repo, 'tag', contents);
  made.forEach((oid, i) => {
    if (oid !== missing[i]) throw new GuardError('internal', `recreated tag object ${oid} differs from the recorded ${missing[i]}`);
  });
  return made.length;
}
