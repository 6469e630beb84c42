/**
 * The keepers (src/snapshot/keeper.ts, docs/snapshot-format.md): K (parent 3 of a snapshot) over T,
 * HEAD, branches and stash; T (K's first parent, `tagsKeeper`) over the tags, holding each annotated
 * tag's bytes under `tag-<oid>` (K's tree is T's). T is reused as the same commit while the tags do not change; a
 * deleted and pruned tag comes back with the same id whichever way T was built, and from a snapshot
 * of the older one-level layout (K holding the tags itself) as well.
 */
import { describe, expect, it } from 'vitest';
import { startConflictedMerge } from '../../helpers/fixtures.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const MARKER = '--- git-guard snapshot v1 ---';

function snapshot(repo: TestRepo, env: Record<string, string> = {}): any {
  const r = repo.guard(['snapshot', '--json'], { env });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

function meta(repo: TestRepo, snapshotOid: string): any {
  const body = repo.git(['log', '-1', '--format=%B', snapshotOid]);
  return JSON.parse(body.slice(body.indexOf(MARKER) + MARKER.length).trim());
}

function keeperOf(repo: TestRepo, snapshotOid: string): string {
  return repo.git(['rev-parse', `${snapshotOid}^3`]).trim();
}

function parentsOf(repo: TestRepo, commit: string): string[] {
  return repo.git(['rev-list', '--parents', '-n1', commit]).trim().split(' ').slice(1);
}

function treeNames(repo: TestRepo, commit: string): string[] {
  return repo.git(['ls-tree', '--name-only', commit]).split('\n').filter(Boolean);
}

function tags(repo: TestRepo): string {
  return repo.git(['for-each-ref', '--format=%(refname) %(objectname) %(objecttype) %(*objectname)', 'refs/tags']);
}

function commit(repo: TestRepo, file: string): void {
  repo.write(file, `${file}\n`);
  repo.git(['add', file]);
  repo.git(['commit', '-q', '-m', file]);
}

/** Deletes every tag and prunes their objects (and the tree and blob light tags named). */
function deleteAndPruneTags(repo: TestRepo): void {
  const deletions = repo.git(['for-each-ref', '--format=delete %(refname)', 'refs/tags']);
  repo.git(['update-ref', '--stdin'], { input: deletions });
  repo.git(['reflog', 'expire', '--expire=now', '--all']);
  repo.git(['gc', '-q', '--prune=now']);
}

/**
 * Rewrites the chain head (a first snapshot) into the layout snapshots had before the tags keeper:
 * one K whose parents are every branch, tag and HEAD tip and whose tree holds `tag-<oid>` blobs
 * and `target-<oid>` entries, and no `tagsKeeper` in the metadata. Built with plumbing, as the
 * older code wrote it, so this fixture does not depend on the code under test.
 */
function rewriteAsOneLevel(repo: TestRepo, snapshotOid: string): string {
  const refs = repo.git(['for-each-ref', '--format=%(objectname) %(objecttype) %(*objectname) %(*objecttype)', 'refs/heads', 'refs/tags']).split('\n').filter(Boolean);
  const tips = new Set<string>([repo.git(['rev-parse', 'HEAD']).trim()]);
  const entries: string[] = [];
  for (const line of refs) {
    const [oid, type, peeled, peeledType] = line.split(' ') as [string, string, string, string];
    if (type === 'commit') tips.add(oid);
    if (type === 'tag') {
      const blob = repo.git(['hash-object', '-w', '--stdin'], { input: repo.git(['cat-file', 'tag', oid]) }).trim();
      entries.push(`100644 blob ${blob}\ttag-${oid}`);
    }
    const target = peeled || oid;
    const targetType = peeledType || type;
    if (targetType === 'commit') tips.add(target);
    if (targetType === 'tree') entries.push(`040000 tree ${target}\ttarget-${target}`);
    if (targetType === 'blob') entries.push(`100644 blob ${target}\ttarget-${target}`);
  }
  const tree = repo.git(['mktree'], { input: `${entries.join('\n')}\n` }).trim();
  const identity = { GIT_AUTHOR_NAME: 'git-guard', GIT_AUTHOR_EMAIL: 'guard@localhost', GIT_COMMITTER_NAME: 'git-guard', GIT_COMMITTER_EMAIL: 'guard@localhost' };
  const keeper = repo.git(['commit-tree', tree, ...[...tips].sort().flatMap((t) => ['-p', t])], { input: 'guard keeper: keeps every recorded branch, tag and stash tip reachable\n', env: identity }).trim();
  const old = meta(repo, snapshotOid);
  delete old.tagsKeeper;
  old.keeper = keeper;
  const [first, index] = parentsOf(repo, snapshotOid) as [string, string];
  const message = `guard snapshot (manual): one-level keeper\n\n${MARKER}\n${JSON.stringify(old)}\n`;
  const rewritten = repo.git(['commit-tree', `${snapshotOid}^{tree}`, '-p', first, '-p', index, '-p', keeper], { input: message, env: identity }).trim();
  repo.git(['update-ref', 'refs/guard/main/head', rewritten, snapshotOid]);
  return rewritten;
}

describe('the keepers', () => {
  it('recreates every pruned tag, whether its bytes were copied now, taken from the previous tags keeper or kept by reusing it', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['tag', '-a', 'v1', '-m', 'one']);
      repo.git(['tag', '-a', 'v2', '-m', 'two\n\nwith a body']);
      const first = snapshot(repo); // no previous keeper: both tags copied
      const v1 = repo.git(['rev-parse', 'v1']).trim();
      const firstTags = meta(repo, first.oid).tagsKeeper;
      expect(parentsOf(repo, keeperOf(repo, first.oid))[0]).toBe(firstTags);
      expect(treeNames(repo, firstTags)).toContain(`tag-${v1}`);

      commit(repo, 'b.txt');
      repo.git(['tag', '-a', 'v3', '-m', 'three']);
      repo.git(['tag', 'tree-tag', 'HEAD^{tree}']);
      repo.git(['tag', '-a', 'tag-of-a-blob', '-m', 'blob', 'HEAD:b.txt']);
      const second = snapshot(repo); // v1 and v2 from the previous tags keeper, v3 and the others read now
      const secondTags = meta(repo, second.oid).tagsKeeper;
      expect(secondTags).not.toBe(firstTags);
      const names = treeNames(repo, secondTags);
      for (const tag of ['v1', 'v2', 'v3', 'tag-of-a-blob']) expect(names).toContain(`tag-${repo.git(['rev-parse', tag]).trim()}`);
      expect(names).toContain(`target-${repo.git(['rev-parse', 'HEAD^{tree}']).trim()}`);
      expect(names).toContain(`target-${repo.git(['rev-parse', 'HEAD:b.txt']).trim()}`);
      // K's parents are T and the branch and HEAD tips; its tree is T's (the tags' bytes, read from K as before).
      expect(parentsOf(repo, keeperOf(repo, second.oid))).toEqual([secondTags, repo.git(['rev-parse', 'HEAD']).trim()]);
      expect(repo.git(['rev-parse', `${keeperOf(repo, second.oid)}^{tree}`])).toBe(repo.git(['rev-parse', `${secondTags}^{tree}`]));

      commit(repo, 'c.txt');
      repo.git(['branch', 'side']);
      const third = snapshot(repo); // only branches moved: the same tags keeper
      expect(keeperOf(repo, third.oid)).not.toBe(keeperOf(repo, second.oid));
      expect(meta(repo, third.oid).tagsKeeper).toBe(secondTags);
      const before = tags(repo);

      deleteAndPruneTags(repo);
      expect(repo.gitResult(['cat-file', '-e', v1]).code).not.toBe(0);
      const r = repo.guard(['rollback', third.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(tags(repo)).toBe(before);
      expect(repo.git(['cat-file', 'tag', 'v2'])).toContain('two\n\nwith a body');
    }));

  it('keeps a tag of a tag whole: the inner tag object (whose own ref is gone) and the commit it names come back', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['checkout', '-q', '-b', 'gone']);
      commit(repo, 'only-on-gone.txt');
      // inner -> commit on a branch deleted below; outer -> inner. Only outer has a ref.
      repo.git(['-c', 'advice.nestedTag=false', 'tag', '-a', 'inner', '-m', 'inner']);
      repo.git(['-c', 'advice.nestedTag=false', 'tag', '-a', 'outer', '-m', 'outer', 'inner']);
      const inner = repo.git(['rev-parse', 'inner']).trim();
      const target = repo.git(['rev-parse', 'inner^{commit}']).trim();
      repo.git(['tag', '-d', 'inner']);
      repo.git(['checkout', '-q', 'main']);
      repo.git(['branch', '-D', 'gone']);
      const snap = snapshot(repo);
      const before = tags(repo);

      deleteAndPruneTags(repo);
      expect(repo.gitResult(['cat-file', '-e', inner]).code).not.toBe(0);
      const r = repo.guard(['rollback', snap.id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(tags(repo)).toBe(before);
      // The chain resolves: the inner tag object and its commit are there again.
      expect(repo.git(['cat-file', '-t', inner]).trim()).toBe('tag');
      expect(repo.git(['rev-parse', 'outer^{commit}']).trim()).toBe(target);
      expect(repo.gitResult(['fsck', '--no-dangling']).code).toBe(0);
    }));

  it('reuses the same tags keeper commit while the tags are unchanged, and writes a new one when a tag moves', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['tag', '-a', 'v1', '-m', 'one']);
      repo.git(['tag', 'light']);
      const first = snapshot(repo);
      const tagsKeeper = meta(repo, first.oid).tagsKeeper;
      expect(tagsKeeper).toMatch(/^[0-9a-f]{40}$/);

      repo.git(['branch', 'x']); // refs changed, tags did not: a new K over the same T
      // A day later: a T written again (not reused) would get another id, since the test's dates are fixed.
      const later = { GIT_AUTHOR_DATE: '2026-01-02T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-02T00:00:00Z' };
      const second = snapshot(repo, later);
      expect(second.oid).not.toBe(first.oid);
      expect(meta(repo, second.oid).tagsKeeper).toBe(tagsKeeper);
      expect(parentsOf(repo, keeperOf(repo, second.oid))[0]).toBe(tagsKeeper);

      commit(repo, 'b.txt');
      repo.git(['tag', '-f', 'light']); // a tag moved: a new T
      const third = snapshot(repo);
      expect(meta(repo, third.oid).tagsKeeper).not.toBe(tagsKeeper);
      expect(parentsOf(repo, meta(repo, third.oid).tagsKeeper)).toContain(repo.git(['rev-parse', 'HEAD']).trim());
    }));

  it('rolls back to a snapshot of the older one-level layout, and builds the first tags keeper from its keeper', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['tag', '-a', 'v1', '-m', 'one']);
      repo.git(['tag', '-a', 'v2', '-m', 'two']);
      repo.git(['tag', '-a', 'tag-of-a-blob', '-m', 'blob', 'HEAD:a.txt']);
      repo.git(['tag', 'light']);
      const old = rewriteAsOneLevel(repo, snapshot(repo).oid);
      const oldTags = tags(repo);
      expect(meta(repo, old).tagsKeeper).toBeUndefined();

      // The repository's guard is upgraded: the next snapshot is two-level, its T built from the old K.
      commit(repo, 'b.txt');
      repo.git(['tag', '-a', 'v3', '-m', 'three']);
      const next = snapshot(repo);
      const tagsKeeper = meta(repo, next.oid).tagsKeeper;
      for (const tag of ['v1', 'v2', 'v3', 'tag-of-a-blob']) expect(treeNames(repo, tagsKeeper)).toContain(`tag-${repo.git(['rev-parse', tag]).trim()}`);
      const newTags = tags(repo);

      deleteAndPruneTags(repo);
      const back = repo.guard(['rollback', old.slice(0, 12), '--yes']);
      expect(back.code, back.stderr).toBe(0);
      expect(tags(repo)).toBe(oldTags);

      deleteAndPruneTags(repo);
      const forward = repo.guard(['rollback', next.id, '--yes']);
      expect(forward.code, forward.stderr).toBe(0);
      expect(tags(repo)).toBe(newTags);
    }));

  it('keeps a conflicted index next to the tags in K\'s own tree, over the same tags keeper', () =>
    withTestRepo((repo) => {
      commit(repo, 'a.txt');
      repo.git(['tag', '-a', 'v1', '-m', 'one']);
      const first = snapshot(repo);
      const tagsKeeper = meta(repo, first.oid).tagsKeeper;
      startConflictedMerge(repo);
      const conflicted = snapshot(repo);
      const m = meta(repo, conflicted.oid);
      expect(m.rawIndex).toMatch(/^[0-9a-f]{40}$/);
      expect(m.tagsKeeper).toBe(tagsKeeper);
      const names = treeNames(repo, keeperOf(repo, conflicted.oid));
      expect(names).toContain('index');
      expect(names).toContain(`tag-${repo.git(['rev-parse', 'v1']).trim()}`);
    }));
});
