/**
 * Git LFS content that never reached an LFS server survives `rm -rf .git` and `git lfs prune`.
 *
 * A snapshot stores what git stores: for a `filter=lfs` file that is a pointer, the content being
 * in `.git/lfs/objects/<aa>/<bb>/<sha256>`. Before 2026-12-05 the backup held the pointers only:
 * after the project was deleted `guard recover` died in git-lfs's smudge ("smudge filter lfs
 * failed") and gave back no files, and a rollback to a snapshot whose object `git lfs prune`
 * deleted failed halfway, the file gone.
 *
 * A rollback git's checkout could not finish (an object in neither the repository nor the backup,
 * git-lfs not able to run) is refused before anything moves; before 2026-12-05 it stopped in the
 * middle of the checkout. `--lfs-pointers` writes the rest and those files as their pointers.
 *
 * The first scenarios run everywhere with a stand-in filter that has LFS's exact on-disk layout
 * and pointer format (a POSIX sh clean/smudge pair, `filter.lfs.required`, as `git lfs install`
 * sets it); the last runs the same with the real git-lfs when it is installed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { ageChain } from '../../helpers/age-chain.js';
import { captureState, perms } from '../../helpers/state.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

const STANDIN = `#!/bin/sh
# A stand-in for git-lfs's clean/smudge with its layout: content at
# <git common dir>/lfs/objects/<aa>/<bb>/<sha256>, a v1 pointer in git.
set -e
hash() { if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1; else shasum -a 256 | cut -d' ' -f1; fi; }
common=$(git rev-parse --path-format=absolute --git-common-dir)
# lfs.storage moves the store, relative to the git directory (git-lfs-config(5)).
storage=$(git config --type=path lfs.storage || true)
case $storage in '') lfs="$common/lfs" ;; /*) lfs=$storage ;; *) lfs="$common/$storage" ;; esac
mkdir -p "$lfs/tmp"
tmp="$lfs/tmp/in.$$"
cat > "$tmp"
first=$(head -c 42 "$tmp")
case $1 in
clean)
  if [ "$first" = "version https://git-lfs.github.com/spec/v1" ]; then cat "$tmp"; rm -f "$tmp"; exit 0; fi
  oid=$(hash < "$tmp")
  size=$(wc -c < "$tmp" | tr -d ' ')
  dir="$lfs/objects/$(printf %s "$oid" | cut -c1-2)/$(printf %s "$oid" | cut -c3-4)"
  mkdir -p "$dir"
  if [ -f "$dir/$oid" ]; then rm -f "$tmp"; else mv "$tmp" "$dir/$oid"; fi
  printf 'version https://git-lfs.github.com/spec/v1\\noid sha256:%s\\nsize %s\\n' "$oid" "$size"
  ;;
smudge)
  if [ "$first" != "version https://git-lfs.github.com/spec/v1" ]; then cat "$tmp"; rm -f "$tmp"; exit 0; fi
  oid=$(sed -n 's/^oid sha256:\\([0-9a-f]*\\)$/\\1/p' "$tmp")
  rm -f "$tmp"
  obj="$lfs/objects/$(printf %s "$oid" | cut -c1-2)/$(printf %s "$oid" | cut -c3-4)/$oid"
  if [ ! -f "$obj" ]; then echo "stand-in lfs: object $oid not found" >&2; exit 1; fi
  cat "$obj"
  ;;
esac
`;

/** The stand-in as the repository's filter.lfs (the repository config comes back from the backup's copy). */
function useStandin(repo: TestRepo): void {
  const script = path.join(repo.base, 'lfs-standin.sh');
  fs.writeFileSync(script, STANDIN, { mode: 0o755 });
  repo.git(['config', 'filter.lfs.clean', `sh '${script}' clean`]);
  repo.git(['config', 'filter.lfs.smudge', `sh '${script}' smudge`]);
  repo.git(['config', 'filter.lfs.required', 'true']);
}

/** The real git-lfs, installed into this test's global config (its own HOME). */
function useRealLfs(repo: TestRepo): void {
  const global = path.join(repo.home, '.gitconfig-lfs');
  fs.writeFileSync(global, '');
  repo.env.GIT_CONFIG_GLOBAL = global;
  repo.git(['lfs', 'install', '--skip-repo']);
}

/** A copy of a template built with useRealLfs: the global config it wrote is in the copy's HOME; the copy's env names it again. */
function realLfsCopy(repo: TestRepo): void {
  repo.env.GIT_CONFIG_GLOBAL = path.join(repo.home, '.gitconfig-lfs');
}

function lfsAvailable(): boolean {
  return spawnSync('git', ['lfs', 'version'], { encoding: 'utf8' }).status === 0;
}

/** Bytes nobody else has (never on any LFS server): a model, an asset. */
function blob(seed: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = (seed.charCodeAt(i % seed.length) * 31 + i * 7) & 0xff;
  return out;
}

function pointerOf(repo: TestRepo, rev: string): string {
  return repo.git(['cat-file', 'blob', rev]);
}

function lfsObject(repo: TestRepo, content: Buffer, objects = path.join(repo.dir, '.git', 'lfs', 'objects')): string {
  const oid = createHash('sha256').update(content).digest('hex');
  return path.join(objects, oid.slice(0, 2), oid.slice(2, 4), oid);
}


/** A repository whose model.bin (0755) and data/asset.bin are LFS files, committed; guard on. */
function lfsRepo(repo: TestRepo, setup: (repo: TestRepo) => void): void {
  setup(repo);
  repo.write('.gitattributes', '*.bin filter=lfs diff=lfs merge=lfs -text\n');
  repo.write('model.bin', blob('committed model', 5000), 0o755);
  repo.write('data/asset.bin', blob('committed asset', 3000));
  repo.write('README.md', 'readme\n');
  repo.git(['add', '.']);
  repo.git(['commit', '-q', '-m', 'models']);
  const init = repo.guard(['init', '--yes']);
  expect(init.code, init.stderr).toBe(0);
}

async function snapshotAndPush(repo: TestRepo): Promise<string> {
  const snapshot = json(repo, ['snapshot']);
  const push = json(repo, ['backup', 'push']);
  expect(push.local.ok, JSON.stringify(push.local)).toBe(true);
  await waitForBackgroundPush(repo);
  return snapshot.id ?? snapshot.oid;
}

async function scenarioRecover(repo: TestRepo): Promise<void> {
  // An uncommitted edit (never pushed anywhere), and a new LFS file, untracked.
  const edited = blob('edited model, never pushed', 7000);
  repo.write('model.bin', edited);
  repo.write('data/new.bin', blob('new asset', 2500));
  await snapshotAndPush(repo);
  expect(pointerOf(repo, 'HEAD:model.bin')).toMatch(/^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:[0-9a-f]{64}\nsize 5000\n$/);
  expect(fs.existsSync(lfsObject(repo, edited))).toBe(true);
  const before = captureState(repo);
  const modes = { model: perms(repo, 'model.bin'), asset: perms(repo, 'data/asset.bin') };
  expect(modes.model).toBe('755');

  // The whole project is gone, .git and its lfs/objects with it.
  fs.rmSync(repo.dir, { recursive: true, force: true });
  const r = repo.guard(['recover', '--into', repo.dir, '--yes'], { cwd: repo.base });
  expect(r.code, r.stderr).toBe(0);
  expect(captureState(repo)).toEqual(before);
  expect(fs.readFileSync(path.join(repo.dir, 'model.bin')).equals(edited)).toBe(true);
  expect({ model: perms(repo, 'model.bin'), asset: perms(repo, 'data/asset.bin') }).toEqual(modes);
  // git sees the recovered files as they were: the edit modified, the new file untracked.
  expect(repo.git(['status', '--porcelain']).split('\n').filter(Boolean).sort()).toEqual([' M model.bin', '?? .guard.yaml', '?? data/new.bin'].sort());
}

/** What `git lfs prune` does to the objects no commit names: deletes them (the real one below runs it). */
function pruneByHand(repo: TestRepo, contents: Buffer[]): void {
  for (const content of contents) fs.rmSync(lfsObject(repo, content));
}

/**
 * The real `git lfs prune --recent` once the commits are on a remote (a bare repository; no LFS
 * server: the committed objects count as pushed because their commits are on origin).
 */
function realPrune(repo: TestRepo): void {
  const remote = path.join(repo.base, 'origin.git');
  repo.git(['init', '-q', '--bare', remote]);
  repo.git(['remote', 'add', 'origin', remote]);
  repo.git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
  repo.git(['lfs', 'prune', '--recent']);
}

type Prune = (repo: TestRepo, contents: Buffer[]) => void;

async function scenarioPrune(repo: TestRepo, prune: Prune): Promise<void> {
  const wip = blob('work in progress, only in a snapshot', 6000);
  repo.write('model.bin', wip);
  const id = await snapshotAndPush(repo);
  // The agent overwrites it and commits; `git lfs prune` deletes what no commit names (it does
  // not know refs/guard/*): here the object only the snapshot names.
  repo.write('model.bin', blob('the agent wrote this', 4000));
  repo.git(['commit', '-q', '-am', 'agent']);
  prune(repo, [wip]);
  expect(fs.existsSync(lfsObject(repo, wip))).toBe(false);
  const r = repo.guard(['rollback', id, '--yes']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(fs.readFileSync(path.join(repo.dir, 'model.bin')).equals(wip)).toBe(true);
  expect(perms(repo, 'model.bin')).toBe('755');
  expect(fs.existsSync(lfsObject(repo, wip))).toBe(true);
}

/**
 * A backup that lacks an LFS object (made before guard kept them, or a prune before the push):
 * recover writes every other file, that one as its pointer, and names it with `git lfs pull`.
 */
async function scenarioObjectMissing(repo: TestRepo): Promise<void> {
  const edited = blob('edited model, never pushed', 7000);
  repo.write('model.bin', edited);
  await snapshotAndPush(repo);
  const before = captureState(repo);
  const pointer = repo.git(['cat-file', 'blob', `${json(repo, ['list', '--all'])[0].oid}:model.bin`]);
  // The backup as one made before guard copied LFS objects: without the edit's object.
  const backup = json(repo, ['backup', 'status']).path as string;
  const oid = createHash('sha256').update(edited).digest('hex');
  fs.rmSync(path.join(backup, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid));

  fs.rmSync(repo.dir, { recursive: true, force: true });
  const r = repo.guard(['recover', '--into', repo.dir, '--yes', '--json'], { cwd: repo.base });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).lfsPointersLeft).toEqual(['model.bin']);
  expect(r.stderr).toMatch(/git lfs pull/);
  // Every other file as it was; model.bin is the pointer, with its bits.
  const after = captureState(repo);
  expect(fs.readFileSync(path.join(repo.dir, 'model.bin'), 'latin1')).toBe(pointer);
  const without = (state: typeof after): typeof after => ({ ...state, files: Object.fromEntries(Object.entries(state.files).filter(([name]) => name !== 'model.bin')) });
  expect(without(after)).toEqual(without(before));
  expect(perms(repo, 'model.bin')).toBe('755');
  expect(fs.readFileSync(path.join(repo.dir, 'data/asset.bin')).equals(blob('committed asset', 3000))).toBe(true);
}

/** The Git LFS objects in a directory, as `<aa>/<bb>/<oid>` names. */
function lfsListing(objects: string): string[] {
  return fs.existsSync(objects) ? (fs.readdirSync(objects, { recursive: true }) as string[]).filter((p) => /[0-9a-f]{64}$/.test(String(p))).sort() : [];
}

/**
 * A snapshot holds an edit of model.bin whose LFS object is gone from the repository (pruned) and
 * from the backup (made before guard kept LFS objects, or pruned before its push), and an edit of
 * data/asset.bin whose object only the backup has now; the agent then committed over both.
 */
async function objectLostEverywhere(repo: TestRepo, prune: Prune): Promise<{ id: string; wip: Buffer; wipAsset: Buffer; atSnapshot: ReturnType<typeof captureState>; statusAtSnapshot: string; pointer: string }> {
  const wip = blob('work in progress whose object is lost', 6000);
  const wipAsset = blob('asset edit the backup keeps', 3500);
  repo.write('model.bin', wip);
  repo.write('data/asset.bin', wipAsset);
  repo.write('README.md', 'readme, edited\n');
  const id = await snapshotAndPush(repo);
  const atSnapshot = captureState(repo);
  const statusAtSnapshot = repo.git(['status', '--porcelain']);
  const pointer = repo.git(['cat-file', 'blob', `${id}:model.bin`]);
  const backup = json(repo, ['backup', 'status']).path as string;
  const oid = createHash('sha256').update(wip).digest('hex');
  fs.rmSync(path.join(backup, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid));
  repo.write('model.bin', blob('the agent wrote this', 4000));
  repo.write('data/asset.bin', blob('the agent wrote this asset', 2000));
  repo.write('README.md', 'the agent wrote this readme\n');
  repo.git(['commit', '-q', '-am', 'agent']);
  prune(repo, [wip, wipAsset]);
  expect(fs.existsSync(lfsObject(repo, wip))).toBe(false);
  expect(fs.existsSync(lfsObject(repo, wipAsset))).toBe(false);
  return { id, wip, wipAsset, atSnapshot, statusAtSnapshot, pointer };
}

/** The state guard must leave alone when it refuses: working tree, index, HEAD, refs, stash, the LFS objects and no rollback in progress. */
function untouched(repo: TestRepo): unknown {
  return { state: captureState(repo), lfs: lfsListing(path.join(repo.dir, '.git', 'lfs', 'objects')), journal: fs.existsSync(path.join(repo.dir, '.git', 'guard', 'rollback-in-progress.json')) };
}

/**
 * A rollback to that snapshot refuses before anything moves (before 2026-12-05 git-lfs's smudge
 * failed in the middle of the checkout: some files written, model.bin deleted, `--resume` or
 * `--undo` needed), naming the file, its object and the ways forward; with --lfs-pointers it
 * writes every other file exactly and model.bin as its pointer, named, and once the object is
 * back an undo and the same rollback give the content.
 */
async function scenarioObjectLost(repo: TestRepo, prune: Prune): Promise<void> {
  const { id, wip, wipAsset, atSnapshot, statusAtSnapshot, pointer } = await objectLostEverywhere(repo, prune);
  const oid = createHash('sha256').update(wip).digest('hex');

  const dry = repo.guard(['rollback', id, '--dry-run', '--json']);
  expect(dry.code, dry.stderr).toBe(0);
  expect(JSON.parse(dry.stdout).plan.lfsMissing).toEqual([{ path: 'model.bin', oid }]);

  const before = untouched(repo);
  const refused = repo.guard(['rollback', id, '--yes']);
  expect(refused.code, refused.stderr + refused.stdout).toBe(3);
  expect(refused.stderr).toMatch(/model\.bin/);
  expect(refused.stderr).toContain(oid.slice(0, 12));
  expect(refused.stderr).toMatch(/nothing was changed/);
  expect(refused.stderr).toMatch(/git lfs fetch/);
  expect(refused.stderr).toMatch(/--lfs-pointers/);
  expect(untouched(repo)).toEqual(before);
  const asJson = repo.guard(['rollback', id, '--yes', '--json']);
  expect(asJson.code).toBe(3);
  expect(JSON.parse(asJson.stdout).error.details.lfsMissing).toEqual([{ path: 'model.bin', oid }]);
  expect(untouched(repo)).toEqual(before);

  const r = repo.guard(['rollback', id, '--yes', '--lfs-pointers', '--json']);
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).lfsPointers).toEqual(['model.bin']);
  expect(r.stderr).toMatch(/model\.bin/);
  const after = captureState(repo);
  expect(fs.readFileSync(path.join(repo.dir, 'model.bin'), 'latin1')).toBe(pointer);
  const without = (state: typeof after): typeof after => ({ ...state, files: Object.fromEntries(Object.entries(state.files).filter(([name]) => name !== 'model.bin')) });
  expect(without(after)).toEqual(without(atSnapshot));
  expect(perms(repo, 'model.bin')).toBe('755');
  expect(fs.readFileSync(path.join(repo.dir, 'data/asset.bin')).equals(wipAsset)).toBe(true);
  expect(repo.git(['status', '--porcelain'])).toBe(statusAtSnapshot);

  // The object comes back (`git lfs fetch` from a server that has it): undo, and the same rollback, give the content.
  fs.mkdirSync(path.dirname(lfsObject(repo, wip)), { recursive: true });
  fs.writeFileSync(lfsObject(repo, wip), wip);
  expect(repo.guard(['rollback', '--undo', '--yes']).code).toBe(0);
  const again = repo.guard(['rollback', id, '--yes']);
  expect(again.code, again.stderr).toBe(0);
  expect(captureState(repo)).toEqual(atSnapshot);
}

/** `git-lfs` gone from PATH (the real one), or a filter command that is not installed (the stand-in). */
function breakFilter(repo: TestRepo, real: boolean, unset = false): Record<string, string> {
  if (unset) {
    // git-lfs never set up for this repository (a new machine or HOME): git would write the pointers as the files.
    for (const key of ['filter.lfs.clean', 'filter.lfs.smudge', 'filter.lfs.process', 'filter.lfs.required']) repo.git(['config', '--unset-all', key], { allowFail: true });
    return {};
  }
  if (!real) {
    repo.git(['config', 'filter.lfs.clean', 'git-lfs-not-installed clean -- %f']);
    repo.git(['config', 'filter.lfs.smudge', 'git-lfs-not-installed smudge -- %f']);
    return {};
  }
  const bin = path.join(repo.base, 'bin-without-lfs');
  fs.mkdirSync(bin, { recursive: true });
  const git = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  fs.symlinkSync(git, path.join(bin, 'git'));
  return { PATH: bin };
}

/**
 * A rollback that writes LFS files while git-lfs's filter cannot run (not installed, not on PATH)
 * refuses before anything moves; before 2026-12-05 the smudge failed in the middle of the checkout.
 */
async function scenarioFilterCannotRun(repo: TestRepo, real: boolean, dropAttributes = false, unset = false): Promise<void> {
  const wip = blob('work in progress, object here', 6000);
  repo.write('model.bin', wip);
  repo.write('README.md', 'readme, edited\n');
  const id = await snapshotAndPush(repo);
  const atSnapshot = captureState(repo);
  repo.write('model.bin', blob('the agent wrote this', 4000));
  repo.write('README.md', 'the agent wrote this readme\n');
  // The agent may take the LFS lines out too (.gitattributes is protected from deletion, not from edits): the checkout reads the snapshot's, which name the filter.
  if (dropAttributes) {
    repo.write('.gitattributes', '*.md text\n');
    repo.git(['add', '--renormalize', '.']);
  }
  repo.git(['commit', '-q', '-am', 'agent']);
  // Files older than the index, as they are after a while: git's status trusts their stat data and
  // runs no clean filter (a file as new as the index is "racily clean" and read through it).
  const past = new Date(Date.now() - 60_000);
  for (const name of ['model.bin', 'data/asset.bin', 'README.md', ...(dropAttributes ? [] : ['.gitattributes'])]) fs.utimesSync(path.join(repo.dir, name), past, past);
  repo.git(['update-index', '--refresh']);
  const config = fs.readFileSync(path.join(repo.dir, '.git', 'config'));
  const env = breakFilter(repo, real, unset);
  const before = untouched(repo);
  const r = repo.guard(['rollback', id, '--yes'], { env });
  expect(r.code, r.stderr + r.stdout).toBe(3);
  expect(r.stderr).toMatch(/git-lfs/);
  expect(r.stderr).toMatch(/model\.bin/);
  expect(r.stderr).toMatch(/nothing was changed/);
  expect(r.stderr).toMatch(/git lfs install/);
  expect(untouched(repo)).toEqual(before);
  // The filter back: the same rollback gives every byte.
  fs.writeFileSync(path.join(repo.dir, '.git', 'config'), config);
  const again = repo.guard(['rollback', id, '--yes']);
  expect(again.code, again.stderr).toBe(0);
  expect(captureState(repo)).toEqual(atSnapshot);
}

/**
 * `lfs.storage` moves git-lfs's store out of `.git`: a push copies the objects from there, and a
 * rollback after a prune copies them back there (before 2026-12-05 guard looked in .git/lfs only:
 * the backup got no object).
 */
async function scenarioStorage(repo: TestRepo, setup: (repo: TestRepo) => void, real: boolean): Promise<void> {
  const store = path.join(repo.base, 'lfs-store');
  const objects = path.join(store, 'objects');
  lfsRepo(repo, (r) => {
    setup(r);
    r.git(['config', 'lfs.storage', store]);
  });
  expect(fs.existsSync(lfsObject(repo, blob('committed model', 5000), objects))).toBe(true);
  const wip = blob('work in progress, only in a snapshot', 6000);
  repo.write('model.bin', wip);
  const id = await snapshotAndPush(repo);
  const backup = json(repo, ['backup', 'status']).path as string;
  expect(fs.existsSync(lfsObject(repo, wip, path.join(backup, 'lfs', 'objects')))).toBe(true);
  repo.write('model.bin', blob('the agent wrote this', 4000));
  repo.git(['commit', '-q', '-am', 'agent']);
  if (real) realPrune(repo);
  else fs.rmSync(lfsObject(repo, wip, objects));
  expect(fs.existsSync(lfsObject(repo, wip, objects))).toBe(false);
  const r = repo.guard(['rollback', id, '--yes']);
  expect(r.code, r.stderr + r.stdout).toBe(0);
  expect(fs.readFileSync(path.join(repo.dir, 'model.bin')).equals(wip)).toBe(true);
  expect(fs.existsSync(lfsObject(repo, wip, objects))).toBe(true);
}

/**
 * lfsRepo (the LFS files committed through the filter, `guard init` and its backup push) built once
 * for the file's tests of a filter, each test on a copy (repo-template.ts): home/ with the backup
 * store and the repository's filter config come along, the paths in them rewritten.
 */
const standinTemplate = fileTemplate((repo) => lfsRepo(repo, useStandin));

/** The filter each scenario runs with: the stand-in everywhere, the real git-lfs where installed. */
const FILTERS = [
  { name: 'stand-in filter with LFS layout', setup: useStandin, copied: (_repo: TestRepo) => {}, prune: pruneByHand, real: false, available: true },
  { name: 'the real git-lfs, `git lfs prune --recent`', setup: useRealLfs, copied: realLfsCopy, prune: realPrune, real: true, available: lfsAvailable() },
];

describe.each(FILTERS.filter((f) => f.available))('Git LFS content in the backup ($name)', ({ setup, copied, prune, real }) => {
  const lfsTemplate = real ? fileTemplate((repo) => lfsRepo(repo, setup)) : standinTemplate;
  const withLfsRepo = (fn: (repo: TestRepo) => Promise<void>): Promise<void> =>
    lfsTemplate.withCopy(async (repo) => {
      copied(repo);
      await fn(repo);
    });

  it('recover --into after the project was deleted gives back an uncommitted LFS edit, byte for byte', () =>
    withLfsRepo(async (repo) => {
      await scenarioRecover(repo);
    }));

  it('a rollback to a snapshot whose LFS object was pruned takes it from the backup', () =>
    withLfsRepo(async (repo) => {
      await scenarioPrune(repo, prune);
    }));

  it('recover with an LFS object the backup lacks writes every other file and names the pointer left', () =>
    withLfsRepo(async (repo) => {
      await scenarioObjectMissing(repo);
    }));

  it('a rollback whose LFS object is in neither the repository nor the backup refuses before anything moves; --lfs-pointers writes the rest and names the pointer', () =>
    withLfsRepo(async (repo) => {
      await scenarioObjectLost(repo, prune);
    }));

  it('lfs.storage is followed: the push copies from the store it names, a rollback after a prune copies back into it', () =>
    withTestRepo(async (repo) => {
      await scenarioStorage(repo, setup, real);
    }));

  it('a rollback that writes LFS files while git-lfs cannot run refuses before anything moves', () =>
    withLfsRepo(async (repo) => {
      await scenarioFilterCannotRun(repo, real);
    }));

  it('and so when the agent also took the LFS lines out of .gitattributes (the filter is tried with the snapshot\'s attributes)', () =>
    withLfsRepo(async (repo) => {
      await scenarioFilterCannotRun(repo, real, true);
    }));

  it.runIf(!real)('and so when git-lfs is not set up in git\'s config at all (git would write the pointers as the files)', () =>
    withLfsRepo(async (repo) => {
      await scenarioFilterCannotRun(repo, real, false, true);
    }));
});

describe.runIf(lfsAvailable())('Git LFS content in the backup (the real git-lfs and an LFS server)', () => {
  it('the refusal\'s `git lfs fetch origin <snapshot>` brings a lost object from the LFS server, and the same rollback then goes through', () =>
    withTestRepo(async (repo) => {
      lfsRepo(repo, useRealLfs);
      const { id, wip, atSnapshot } = await objectLostEverywhere(repo, realPrune);
      const refused = repo.guard(['rollback', id, '--yes']);
      expect(refused.code, refused.stderr).toBe(3);
      // The LFS server has it: origin is a bare repository at a path, which git-lfs serves itself.
      const oid = createHash('sha256').update(wip).digest('hex');
      const onServer = path.join(repo.base, 'origin.git', 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid);
      fs.mkdirSync(path.dirname(onServer), { recursive: true });
      fs.writeFileSync(onServer, wip);
      const fetch = /git lfs fetch origin ([0-9a-f]{40,64})/.exec(refused.stderr);
      expect(fetch, refused.stderr).not.toBeNull();
      // The server lacks the asset's object (the backup has it): fetch says so, and takes the model's.
      expect(repo.gitResult(['lfs', 'fetch', 'origin', fetch![1]!]).code).not.toBe(0);
      expect(fs.existsSync(lfsObject(repo, wip))).toBe(true);
      const r = repo.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(captureState(repo)).toEqual(atSnapshot);
    }));
});

describe('Git LFS content in the backup (stand-in filter with LFS layout)', () => {
  it('a backup push copies only the LFS objects the backup lacks', () =>
    standinTemplate.withCopy(async (repo) => {
      repo.write('model.bin', blob('one more', 1234));
      json(repo, ['snapshot']);
      await waitForBackgroundPush(repo);
      // Read once a push has made the backup (init's own push may still be running before).
      const backup = json(repo, ['backup', 'status']).path as string;
      const push = json(repo, ['backup', 'push']);
      expect(push.local.ok).toBe(true);
      const objects = path.join(backup, 'lfs', 'objects');
      const listed = fs.readdirSync(objects, { recursive: true }).filter((p) => /[0-9a-f]{64}$/.test(String(p)));
      // committed model + asset, the edit: each once.
      expect(listed.length).toBe(3);
      // Nothing new: nothing copied.
      expect(json(repo, ['backup', 'push']).local.lfsObjects).toBeUndefined();
    }));
});

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

describe('the backup\'s Git LFS objects in `guard backup status` and `guard gc` (stand-in filter)', () => {
  it('gc drops the objects no kept snapshot names and this repository no longer has, and keeps the rest; status counts them', () =>
    standinTemplate.withCopy(async (repo) => {
      // This test takes its snapshots by hand (the watcher stopped once init's push is done).
      await waitForBackgroundPush(repo);
      stopWatchers(repo.base);
      const committed = [blob('committed model', 5000), blob('committed asset', 3000)];
      // S1 (to be dropped) holds an edit of the model; S2 (kept) an edit of the asset.
      const old = blob('model edit only an old snapshot holds', 6000);
      const kept = blob('asset edit a kept snapshot holds', 3500);
      repo.write('model.bin', old);
      json(repo, ['snapshot']);
      repo.write('model.bin', committed[0]!);
      repo.write('data/asset.bin', kept);
      const s2 = json(repo, ['snapshot']);
      // An object git-lfs stored that no pointer names (a clean whose blob git did not keep).
      const unnamed = blob('cleaned, never staged', 2200);
      fs.writeFileSync(path.join(repo.base, 'unnamed.bin'), unnamed);
      repo.git(['hash-object', '--path=x.bin', path.join(repo.base, 'unnamed.bin')]);
      expect(fs.existsSync(lfsObject(repo, unnamed))).toBe(true);
      // S1 40 days old; the backup made afresh from the rewritten chain (as in backup/gc.test.ts).
      await waitForBackgroundPush(repo);
      stopWatchers(repo.base);
      fs.rmSync(path.join(repo.home, '.local', 'share', 'git-guard'), { recursive: true, force: true });
      for (const file of ['backup.json', 'backup-status.json', 'backup-push.again']) fs.rmSync(path.join(repo.dir, '.git', 'guard', file), { force: true });
      const chain = repo.git(['log', '--first-parent', '--format=%H', 'refs/guard/main/head']).trim().split('\n').length - 1;
      const s2Tree = repo.git(['rev-parse', `${ageChain(repo, [...Array<number>(chain - 1).fill(40), null]).at(-1)!}^{tree}`]).trim();
      expect(json(repo, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(repo);
      const status = json(repo, ['backup', 'status']);
      const all = [...committed, old, kept, unnamed];
      expect(status.lfs).toEqual({ objects: 5, bytes: all.reduce((n, b) => n + b.length, 0) });
      const stored = (content: Buffer): string => { const oid = sha256(content); return path.join(status.path, 'lfs', 'objects', oid.slice(0, 2), oid.slice(2, 4), oid); };
      // `git lfs prune` deletes the two edits here (no commit names them).
      pruneByHand(repo, [old, kept]);

      const first = json(repo, ['gc', '--keep-days', '5', '--keep-sessions', '1']);
      expect(first.chains[0].dropped).toHaveLength(chain - 1);
      // S1's pointer blob is still an object in both stores (younger than the prune cutoff): kept.
      expect(first.backup.lfs).toEqual({ dropped: 0, bytes: 0, kept: 5 });
      // Time passes: git's prune window ends and both stores lose the unreachable objects.
      repo.git(['reflog', 'expire', '--expire-unreachable=now', '--all']);
      repo.git(['prune', '--expire=now']);
      repo.git(['--git-dir', status.path, 'prune', '--expire=now']);

      // The dry run names the object the real run drops, and drops nothing.
      const dry = repo.guard(['gc', '--dry-run', '--keep-days', '5', '--keep-sessions', '1']);
      expect(dry.stdout).toMatch(/Backup Git LFS objects: would drop at least 1 .*; 5 stored\./);
      expect(fs.existsSync(stored(old))).toBe(true);
      const second = repo.guard(['gc', '--keep-days', '5', '--keep-sessions', '1']);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/Backup Git LFS objects: dropped 1 /);
      expect(fs.existsSync(stored(old))).toBe(false);
      for (const content of [...committed, kept, unnamed]) expect(fs.existsSync(stored(content))).toBe(true);
      expect(json(repo, ['backup', 'status']).lfs).toEqual({ objects: 4, bytes: [...committed, kept, unnamed].reduce((n, b) => n + b.length, 0) });
      // The kept snapshot still gives its LFS content back, from the backup.
      const target = json(repo, ['list', '--all']).find((s: any) => repo.git(['rev-parse', `${s.oid}^{tree}`]).trim() === s2Tree);
      expect(target, JSON.stringify(s2)).toBeDefined();
      const r = repo.guard(['rollback', target.oid, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readFileSync(path.join(repo.dir, 'data/asset.bin')).equals(kept)).toBe(true);
    }));
});

/** A rollback of one edited file, its git processes counted; `lfs`: with LFS directories on both sides, no LFS file. */
async function rollbackCount(repo: TestRepo, lfs: boolean): Promise<{ total: number; byCommand: Array<[string, number]> }> {
  repo.write('a.txt', 'one\n');
  repo.git(['add', '.']);
  repo.git(['commit', '-q', '-m', 'one']);
  const init = repo.guard(['init', '--yes']);
  expect(init.code, init.stderr).toBe(0);
  const id = await snapshotAndPush(repo);
  if (lfs) {
    fs.mkdirSync(path.join(repo.dir, '.git', 'lfs', 'objects'), { recursive: true });
    fs.mkdirSync(path.join(json(repo, ['backup', 'status']).path as string, 'lfs', 'objects'), { recursive: true });
  }
  repo.write('a.txt', 'two\n');
  // The first command after the edit writes guard's caches: not counted.
  expect(repo.guard(['rollback', id, '--dry-run']).code).toBe(0);
  const trace = path.join(repo.base, 'trace.json');
  const r = repo.guard(['rollback', id, '--yes'], { env: traceEnv(trace) });
  expect(r.code, r.stderr).toBe(0);
  expect(repo.read('a.txt')).toBe('one\n');
  // The background push the rollback's snapshots start inherits the trace: counted whole, once it ends
  // (counted while it ran, the two rollbacks' totals differed by where it had got to).
  await waitForBackgroundPush(repo);
  return countGitProcesses(trace);
}

describe('no cost without LFS', () => {
  it('lfs.storage costs one git config when the config files change, not one per rollback; none where no config file (nor one it includes) mentions it', () =>
    withTestRepo(async (repo) => {
      repo.write('a.txt', 'one\n');
      repo.git(['add', '.']);
      repo.git(['commit', '-q', '-m', 'one']);
      expect(repo.guard(['init', '--yes']).code).toBe(0);
      const id = await snapshotAndPush(repo);
      fs.mkdirSync(path.join(repo.dir, '.git', 'lfs', 'objects'), { recursive: true });
      repo.write('a.txt', 'two\n');
      /** The `git config` processes a rollback (its plan) starts to read lfs.storage. */
      const asked = (label: string): number => {
        const trace = path.join(repo.base, `trace-${label}.json`);
        expect(repo.guard(['rollback', id, '--dry-run'], { env: traceEnv(trace) }).code).toBe(0);
        return tracedArgv(trace).filter((argv) => argv.includes('config') && argv.includes('lfs.storage')).length;
      };
      // No config file mentions it: not asked, whatever is kept from before (nothing is).
      fs.rmSync(path.join(repo.dir, '.git', 'guard', 'lfs-storage.json'), { force: true });
      expect(asked('none')).toBe(0);
      repo.git(['config', 'lfs.storage', path.join(repo.base, 'lfs-store')]);
      fs.mkdirSync(path.join(repo.base, 'lfs-store', 'objects'), { recursive: true });
      expect(asked('first')).toBe(1);
      expect(asked('again')).toBe(0);
      repo.git(['config', 'lfs.storage', path.join(repo.base, 'lfs-store-2')]);
      expect(asked('changed')).toBe(1);
      // A global config that includes another (as many do) is followed here, without a process.
      repo.git(['config', '--unset', 'lfs.storage']);
      const global = path.join(repo.base, 'global.gitconfig');
      const included = path.join(repo.base, 'included.gitconfig');
      fs.writeFileSync(included, '[user]\n\tname = Someone\n');
      fs.writeFileSync(global, '[include]\n\tpath = included.gitconfig\n');
      repo.env.GIT_CONFIG_GLOBAL = global;
      fs.rmSync(path.join(repo.dir, '.git', 'guard', 'lfs-storage.json'), { force: true });
      expect(asked('include')).toBe(0);
      fs.writeFileSync(included, `[lfs]\n\tstorage = ${path.join(repo.base, 'lfs-store')}\n`);
      expect(asked('included-set')).toBe(1);
      expect(asked('included-again')).toBe(0);
    }));

  it('a rollback in a repository without .git/lfs starts no process to look for pointers', async () => {
    const plain = await withTestRepo((repo) => rollbackCount(repo, false));
    const withDirs = await withTestRepo((repo) => rollbackCount(repo, true));
    // With LFS directories the pointers are looked for: one cat-file --batch-check, one --batch.
    const catFile = (c: { byCommand: Array<[string, number]> }): number => c.byCommand.find(([name]) => name === 'cat-file')?.[1] ?? 0;
    expect(withDirs.total, `${JSON.stringify(plain.byCommand)} / ${JSON.stringify(withDirs.byCommand)}`).toBe(plain.total + 2);
    expect(catFile(withDirs)).toBe(catFile(plain) + 2);
  });
});

if (!lfsAvailable()) console.warn('lfs.test.ts: git-lfs is not installed (`git lfs version` failed): the real git-lfs scenarios are skipped; the stand-in filter ones ran.');
