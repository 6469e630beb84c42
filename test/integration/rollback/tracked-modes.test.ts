/**
 * Permission bits of tracked files and of directories, which git keeps nowhere: a tracked
 * `config/secrets.yml` at 0600 that an agent edited came back 0644 from guard's own rollback
 * (read-tree writes a file anew), and one deleted by `rm -rf config`, with its 0700 directory,
 * came back 0644 in a 0755 directory; `guard recover` gave no file its bits back at all.
 * What a snapshot knows of them, and what it does not, is in src/snapshot/file-modes.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState, perms } from '../../helpers/state.js';
import { guardOk, installedClaudeHook, snapshotId } from '../../helpers/guard-steps.js';
import { decodeMessage, type SnapshotMeta } from '../../../src/snapshot/format.js';
import { json, waitForBackgroundPush, waitForWatcher } from '../watcher/helpers.js';
import { indexFlags, MAX_STAT_CHANGED } from '../../../src/snapshot/index-file.js';
import { createSnapshot } from '../../../src/snapshot/create.js';
import { openRepo } from '../../../src/git/repo.js';
import { realBackupPush } from '../../helpers/env.js';


/** Every file's bytes, the index and refs (captureState), and the bits of every file and directory. */
function state(t: TestRepo): unknown {
  const files = captureState(t);
  const modes: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(t.dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (child === '.git' || entry.isSymbolicLink()) continue;
      modes[entry.isDirectory() ? `${child}/` : child] = perms(t, child);
      if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return { ...files, modes };
}

function meta(t: TestRepo, id: string): SnapshotMeta {
  return decodeMessage(t.git(['log', '-1', '--format=%B', id]))!;
}

/**
 * A committed project with private parts: config/ at 0700 holding secrets.yml at 0600 and
 * deploy.sh at 0750, all tracked; an untracked secrets/ at 0700 with a default-mode file in it.
 * The chmods come after the commit, and `git status` refreshes the index as any git command
 * would: that is how guard learns of a tracked file's bits (file-modes.ts).
 */
function privateProject(t: TestRepo): void {
  t.write('app.js', 'app\n');
  t.write('config/secrets.yml', 'password: hunter2\n');
  t.write('config/deploy.sh', '#!/bin/sh\necho deploy\n', 0o755);
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  // A file's mtime set back makes its later chmod show in ctime on any clock (a coarse one gives
  // a write and a chmod in the same tick the same time).
  for (const f of ['config/secrets.yml', 'config/deploy.sh']) fs.utimesSync(path.join(t.dir, f), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
  fs.chmodSync(path.join(t.dir, 'config/secrets.yml'), 0o600);
  fs.chmodSync(path.join(t.dir, 'config/deploy.sh'), 0o750);
  fs.chmodSync(path.join(t.dir, 'config'), 0o700);
  t.write('secrets/token.txt', 'TOKEN=1\n');
  fs.chmodSync(path.join(t.dir, 'secrets'), 0o700);
  t.git(['status', '--porcelain']);
}

describe('rollback and the permission bits of tracked files and directories', () => {
  it('keeps a tracked 0600 file at 0600 when it rewrites it, with the exact bytes; --undo too', async () => {
    await withTestRepo((t) => {
      t.write('app.js', 'app\n');
      t.write('.env.production', 'KEY=production\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      // No snapshot knows these bits: rollback keeps what the file has when it rewrites it.
      fs.chmodSync(path.join(t.dir, '.env.production'), 0o600);
      const before = state(t);
      const id = snapshotId(t);

      fs.writeFileSync(path.join(t.dir, '.env.production'), 'KEY=leaked\n');
      const edited = state(t);
      guardOk(t, ['rollback', id, '--yes']);
      expect(perms(t, '.env.production')).toBe('600');
      expect(t.read('.env.production')).toBe('KEY=production\n');
      expect(state(t)).toEqual(before);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(edited);
    });
  });

  it('gives tracked 0600/0750 files and 0700 directories their bits back after rm -rf; --undo and again', async () => {
    await withTestRepo((t) => {
      privateProject(t);
      const before = state(t);
      const id = snapshotId(t);
      expect(meta(t, id).knownModes).toEqual({ 'config/': '700', 'config/deploy.sh': '750', 'config/secrets.yml': '600', 'secrets/': '700' });

      fs.rmSync(path.join(t.dir, 'config'), { recursive: true });
      fs.rmSync(path.join(t.dir, 'secrets'), { recursive: true });
      const removed = state(t);
      guardOk(t, ['rollback', id, '--yes']);
      expect(state(t)).toEqual(before);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(removed);
      guardOk(t, ['rollback', id, '--yes']);
      expect(state(t)).toEqual(before);
    });
  });

  it('knows the bits of a tracked file that was edited and narrowed with no git command since (found on a vite clone)', async () => {
    await withTestRepo((t) => {
      t.write('app.js', 'app\n');
      t.write('deploy/credentials.yml', 'token: old\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      // Edited, then narrowed, file and directory: the index entry stays stale (its content
      // differs), so its stat data cannot tell guard of the chmod; the snapshot reads the file anyway.
      t.write('deploy/credentials.yml', 'token: new\n');
      fs.chmodSync(path.join(t.dir, 'deploy/credentials.yml'), 0o600);
      fs.chmodSync(path.join(t.dir, 'deploy'), 0o700);
      const before = state(t);
      const id = snapshotId(t);
      expect(meta(t, id).knownModes).toEqual({ 'deploy/': '700', 'deploy/credentials.yml': '600' });

      // The agent discards the edit (git writes the file anew, 0644) and opens the directory.
      t.git(['checkout', '--', 'deploy/credentials.yml']);
      fs.chmodSync(path.join(t.dir, 'deploy'), 0o755);
      expect(perms(t, 'deploy/credentials.yml')).toBe('644');
      const discarded = state(t);
      guardOk(t, ['rollback', id, '--yes']);
      expect(state(t)).toEqual(before);
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(discarded);
    });
  });

  it.each([
    ['by its own walk', false],
    ['served by the watcher', true],
  ] as const)('learns the bits of a tracked file narrowed with no git command since from an agent\'s rm (the snapshot before it, %s), and a rollback to an earlier snapshot gives them back', async (_, watcher) => {
    await withTestRepo(async (t) => {
      t.write('app.js', 'app\n');
      t.write('conf/ssh_config', 'Host *\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      guardOk(t, ['init', '--yes', '--agents', 'claude']);
      // A dotfiles-style private file: narrowed after git last looked, so no index entry shows it.
      fs.chmodSync(path.join(t.dir, 'conf/ssh_config'), 0o600);
      const earlier = snapshotId(t);
      expect(meta(t, earlier).knownModes?.['conf/ssh_config']).toBeUndefined();
      let before: string;
      if (watcher) {
        // Through the installed hook: the command guard names the tracked files `rm` deletes, and
        // the watcher's snapshot looks at them (the hook's session starts the watcher).
        guardOk(t, ['watch']);
        await waitForWatcher(t);
        const verdict = installedClaudeHook(t, 'rm -rf conf');
        expect(verdict.decision, verdict.reason).toBe('allow');
        const taken = t.read('.git/guard/journal.jsonl').split('\n').filter(Boolean).map((line) => JSON.parse(line)).filter((e) => e.type === 'snapshot' && e.trigger === 'hook').pop();
        expect(taken.takenBy).toBe('watcher');
        before = taken.snapshot;
      } else {
        // The hook's own walk when no watcher answers (agent-hook.ts preCommandSnapshot), in process.
        Object.assign(process.env, t.env);
        const { snapshot } = await createSnapshot(await openRepo(t.dir), { trigger: 'hook', lookAtModes: ['conf/ssh_config'] });
        before = snapshot.oid;
      }
      expect(meta(t, before).knownModes?.['conf/ssh_config']).toBe('600');
      fs.rmSync(path.join(t.dir, 'conf'), { recursive: true });
      guardOk(t, ['rollback', earlier, '--yes']);
      expect(t.read('conf/ssh_config')).toBe('Host *\n');
      expect(perms(t, 'conf/ssh_config')).toBe('600');
      if (watcher) guardOk(t, ['watch', 'stop']);
      await waitForBackgroundPush(t);
    });
  });

  it('knows a file that was untracked at 0600 once it is committed, and goes on knowing it widened', async () => {
    await withTestRepo((t) => {
      t.write('app.js', 'app\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('id_ed25519', 'PRIVATE KEY\n', 0o600);
      expect(meta(t, snapshotId(t)).modes).toEqual({ id_ed25519: '600' });
      t.git(['add', 'id_ed25519']);
      t.git(['commit', '-q', '-m', 'key']);
      const id = snapshotId(t);
      expect(meta(t, id).modes).toBeUndefined();
      expect(meta(t, id).knownModes).toEqual({ id_ed25519: '600' });
      const before = state(t);
      fs.rmSync(path.join(t.dir, 'id_ed25519'));
      guardOk(t, ['rollback', id, '--yes']);
      expect(state(t)).toEqual(before);
      expect(meta(t, snapshotId(t)).knownModes).toEqual({ id_ed25519: '600' });
      // Widened, it stays known at the default bits: a rollback's undo can give those back.
      fs.chmodSync(path.join(t.dir, 'id_ed25519'), 0o644);
      const widened = snapshotId(t);
      expect(meta(t, widened).knownModes).toEqual({ id_ed25519: '644' });
      const open = state(t);
      guardOk(t, ['rollback', id, '--yes']);
      expect(perms(t, 'id_ed25519')).toBe('600');
      guardOk(t, ['rollback', '--undo', '--yes']);
      expect(state(t)).toEqual(open);
      expect(meta(t, snapshotId(t)).knownModes).toEqual({ id_ed25519: '644' });
      // Gone, it keeps its record (a rollback that brings it back gives it those bits).
      t.git(['rm', '-q', 'id_ed25519']);
      t.git(['commit', '-q', '-m', 'no key']);
      expect(meta(t, snapshotId(t)).knownModes).toEqual({ id_ed25519: '644' });
    });
  });

  it('records the same from the paths a watcher saw as from a full walk', async () => {
    await withTestRepo(async (t) => {
      t.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\n');
      privateProject(t);
      t.write('lib/index.js', 'lib\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'more']);
      expect(t.guard(['watch']).code).toBe(0);
      json(t, ['snapshot']);

      // Each kind of change: a new private directory with a file in it, a known file widened, a
      // tracked directory narrowed under an untracked file, a known directory widened, an edit
      // that keeps a file's bits, a file made private in a new directory.
      t.write('vault/key.pem', 'KEY\n', 0o600);
      fs.chmodSync(path.join(t.dir, 'vault'), 0o700);
      fs.chmodSync(path.join(t.dir, 'config/deploy.sh'), 0o755);
      t.write('lib/scratch.txt', 'untracked\n');
      fs.chmodSync(path.join(t.dir, 'lib'), 0o750);
      fs.chmodSync(path.join(t.dir, 'secrets'), 0o755);
      fs.appendFileSync(path.join(t.dir, 'config/secrets.yml'), 'more: 1\n');
      t.remove('app.js');
      const served = json(t, ['snapshot']);
      expect(served.takenBy).toBe('watcher');
      expect(t.guard(['watch', 'stop']).code).toBe(0);

      // A full walk from the same previous snapshot.
      t.git(['update-ref', 'refs/guard/main/head', served.previous, served.oid]);
      const walked = json(t, ['snapshot']);
      expect(walked.takenBy).toBe('walk');
      expect(walked.previous).toBe(served.previous);
      const [a, b] = [meta(t, served.oid), meta(t, walked.oid)];
      expect(b.tree).toBe(a.tree);
      expect(b.modes).toEqual(a.modes);
      expect(b.knownModes).toEqual(a.knownModes);
      expect(a.modes).toEqual({ 'vault/key.pem': '600' });
      // config/deploy.sh, known at 0750 before, widened: known at its default bits now.
      expect(a.knownModes).toEqual({ 'config/': '700', 'config/deploy.sh': '755', 'config/secrets.yml': '600', 'lib/': '750', 'vault/': '700' });
    });
  });

  it('narrows a known file an agent widened by chmod alone, and calls a target that knew less nothing to do', async () => {
    await withTestRepo((t) => {
      t.write('app.js', 'app\n');
      t.write('config/secrets.yml', 'password: hunter2\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      const unknowing = snapshotId(t);
      fs.utimesSync(path.join(t.dir, 'config/secrets.yml'), new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
      fs.chmodSync(path.join(t.dir, 'config/secrets.yml'), 0o600);
      t.git(['status', '--porcelain']);
      const knowing = snapshotId(t);
      expect(meta(t, knowing).knownModes).toEqual({ 'config/secrets.yml': '600' });

      fs.chmodSync(path.join(t.dir, 'config/secrets.yml'), 0o644);
      expect(json(t, ['rollback', knowing, '--yes']).nothingToDo).toBe(false);
      expect(perms(t, 'config/secrets.yml')).toBe('600');
      // The earlier snapshot did not know the bits: nothing to do, and nothing widened.
      expect(json(t, ['rollback', unknowing, '--yes']).nothingToDo).toBe(true);
      expect(perms(t, 'config/secrets.yml')).toBe('600');
    });
  });

  it('guard recover after rm -rf .git gives the bits back', async () => {
    await withTestRepo(async (t) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(t);
      privateProject(t);
      t.write('id_ed25519', 'PRIVATE KEY\n', 0o600);
      json(t, ['snapshot']);
      expect(json(t, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(t);
      const before = state(t);
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      fs.rmSync(path.join(t.dir, 'config'), { recursive: true });
      fs.rmSync(path.join(t.dir, 'secrets'), { recursive: true });
      fs.rmSync(path.join(t.dir, 'id_ed25519'));
      guardOk(t, ['recover', '--yes']);
      expect(state(t)).toEqual(before);
    });
  });

  it('finds the chmods git has seen in an index of version 2, 3 or 4, and none past the cap (a copied checkout)', async () => {
    await withTestRepo((t) => {
      const past = new Date('2026-01-01T00:00:00Z');
      t.write('a/x.txt', 'x\n');
      t.write('b.txt', 'b\n');
      t.write('c.txt', 'c\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      fs.utimesSync(path.join(t.dir, 'b.txt'), past, past);
      fs.chmodSync(path.join(t.dir, 'b.txt'), 0o600);
      const index = path.join(t.dir, '.git', 'index');
      // Before git refreshed the entry, the index cannot tell.
      expect(indexFlags(fs.readFileSync(index), 20)?.metaChanged).toEqual([]);
      t.git(['status', '--porcelain']);
      for (const version of ['2', '3', '4']) {
        // Version 3 is written only for an entry that needs its extended flags (intent-to-add).
        if (version === '3') {
          t.write('n.txt', 'n\n');
          t.git(['add', '-N', 'n.txt']);
        }
        t.git(['update-index', '--index-version', version]);
        const data = fs.readFileSync(index);
        expect(data.readUInt32BE(4)).toBe(Number(version));
        expect(indexFlags(data, 20)?.metaChanged).toEqual(['b.txt']);
      }
      t.git(['rm', '-q', '--cached', 'n.txt']);
      t.git(['update-index', '--index-version', '2']);
      for (let i = 0; i < MAX_STAT_CHANGED; i++) t.write(`many/f${i}.txt`, `${i}\n`);
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'many']);
      for (let i = 0; i < MAX_STAT_CHANGED; i++) fs.utimesSync(path.join(t.dir, `many/f${i}.txt`), past, past);
      t.git(['status', '--porcelain']);
      expect(indexFlags(fs.readFileSync(index), 20)?.metaChanged).toEqual([]);
    });
  });
});
