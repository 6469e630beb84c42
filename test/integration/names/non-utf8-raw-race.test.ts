/**
 * The raw tree R (src/snapshot/raw-files.ts) for files that changed or vanished between a
 * snapshot's scan and R's read, under names that are not UTF-8 (Latin-1), hold a backslash, or a
 * line break: git's clean of the file hashed again (`hash-object --stdin-paths`) and the previous
 * W's blob (leavesAt) must be asked about the name's bytes, else a changed file's bytes are
 * confirmed against another file or a vanished one's raw bytes are dropped. In process, real git.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { openRepo, type Repo } from '../../../src/git/repo.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { captureRawFiles, listRawFiles } from '../../../src/snapshot/raw-files.js';
import { lstatSign } from '../../../src/snapshot/capture-worktree.js';

const NO_AUTOCRLF = { autocrlf: 'false', attributesFile: null, eol: null } as const;
/** Byte strings (latin1): a Latin-1 name, a backslash, a line break, a leading double quote, a UTF-8 name. */
const NAMES = ['caf\xe9.sh', 'back\\slash.sh', 'line\nbreak.sh', '"quoted.sh', 'caf\xc3\xa9.sh'];
/** Names `hash-object --stdin-paths` cannot be given (it reads one a line, and C-unquotes one starting with `"`). */
const unconfirmable = (n: string): boolean => n.includes('\n') || n.startsWith('"');

function at(t: TestRepo, rel: string): Buffer {
  return Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
}

function put(t: TestRepo, rel: string, content: string): void {
  fs.writeFileSync(at(t, rel), content);
}

async function eolRepo(t: TestRepo, names: readonly string[]): Promise<Repo> {
  t.write('.gitattributes', '*.sh text eol=lf\n');
  for (const name of names) put(t, name, 'echo base\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', HOME: t.home });
  return openRepo(t.dir);
}

describe('raw files of a file whose name is not UTF-8, a backslash or a line break, during the snapshot', () => {
  it.each([
    ['a Latin-1 name, a backslash, a UTF-8 name', NAMES.filter((n) => !unconfirmable(n))],
    ['a line break and a leading double quote among them (not confirmable: noted alone)', NAMES],
  ])('changed after the scan, before W hashed it: kept raw with the bytes read (%s)', (_, NAMES) =>
    withTestRepo(async (t) => {
      const r = await eolRepo(t, NAMES);
      for (const name of NAMES) put(t, name, 'echo changed\r\n');
      const { snapshot } = await createSnapshot(r);
      expect([...(await listRawFiles(r, snapshot.rawFiles!.tree)).keys()].sort()).toEqual([...NAMES].sort());
      // The scan looks at each file, then it changes, then W hashes the new content.
      const signs = new Map<string, string>();
      for (const name of NAMES) signs.set(name, (await lstatSign(at(t, name)))!);
      for (const name of NAMES) put(t, name, 'echo v2, a longer line\r\n');
      const later = await createSnapshot(r);
      const raw = await captureRawFiles(r, {
        config: NO_AUTOCRLF,
        tree: later.snapshot.tree,
        files: new Map(NAMES.map((n) => [n, false])),
        signs,
        previous: snapshot.rawFiles!.tree,
        previousTree: snapshot.tree,
        lookedAt: new Set(NAMES),
      });
      const confirmable = NAMES.filter((n) => !unconfirmable(n));
      expect(raw.unsettled ?? []).toEqual(NAMES.filter(unconfirmable).sort());
      const kept = await listRawFiles(r, raw.tree!);
      for (const name of confirmable) {
        expect(kept.has(name), JSON.stringify(name)).toBe(true);
        expect(t.git(['cat-file', 'blob', kept.get(name)!.oid]), JSON.stringify(name)).toBe('echo v2, a longer line\r\n');
      }
    }));

  it("gone after the scan: the previous R's entry is carried while W's blob is the previous one", () =>
    withTestRepo(async (t) => {
      const r = await eolRepo(t, NAMES);
      for (const name of NAMES) put(t, name, 'echo changed\r\n');
      const { snapshot } = await createSnapshot(r);
      const before = await listRawFiles(r, snapshot.rawFiles!.tree);
      expect([...before.keys()].sort()).toEqual([...NAMES].sort());
      for (const name of NAMES) fs.rmSync(at(t, name));
      const raw = await captureRawFiles(r, {
        config: NO_AUTOCRLF,
        tree: snapshot.tree,
        files: new Map(NAMES.map((n) => [n, false])),
        previous: snapshot.rawFiles!.tree,
        previousTree: snapshot.tree,
        lookedAt: new Set(NAMES),
      });
      expect(raw.paths).toEqual([...NAMES].sort());
      const kept = await listRawFiles(r, raw.tree!);
      for (const name of NAMES) expect(kept.get(name)?.oid, JSON.stringify(name)).toBe(before.get(name)!.oid);
    }));
});
