/**
 * An agent hook captures an ignored file its command deletes (a `.env` at 0600) into its
 * pre-command snapshot H. The watcher's next snapshot W, incremental on H, records what a full
 * walk records: no ignored file (82280da). A watcher snapshot W taken after H and before the
 * command deleted `.env` is a state in which `.env` was on disk, yet `guard rollback W` left it
 * gone: W's tree lacks it (ignored), and the captures a rollback brings back were only those of
 * snapshots after its target, not H's before it (found by the watcher fuzzer's notes, 2026-12-05).
 * Now a snapshot that finds a captured ignored file still on disk, unchanged since its capture
 * (its lstat data equal, signed when it was captured), records that (`heldIgnored`: the file and
 * the snapshot that holds its bytes), and a rollback to it brings the file back, bytes and bits.
 * A snapshot taken after the command deleted it has no such record: the rollback does not bring
 * back a file that was not there at its target.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { SECRET, seedWithEnv, snapshotMeta } from '../../helpers/held-env.js';
import { guardOk, installedClaudeHook, rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { shellOk } from '../../helpers/repo-steps.js';
import { captureState, perms } from '../../helpers/state.js';
import { fastWatchConfig, waitFor, waitForBackgroundPush, waitForSnapshot, waitForWatcher } from '../watcher/helpers.js';


/** Every file's bytes, exec bit and permission bits, the index, HEAD, refs, stash. */
function fullState(t: TestRepo): unknown {
  const state = captureState(t);
  const modes: Record<string, string> = {};
  for (const rel of Object.keys(state.files)) modes[rel] = (fs.lstatSync(path.join(t.dir, rel)).mode & 0o7777).toString(8);
  const env = fs.existsSync(path.join(t.dir, '.env')) ? { env: fs.readFileSync(path.join(t.dir, '.env')).toString('latin1'), envMode: perms(t, '.env') } : {};
  return { ...state, modes, ...env };
}

/** A state without .env. */
function withoutEnv(state: unknown): unknown {
  const { env: _env, envMode: _mode, files, modes, ...rest } = state as { env?: string; envMode?: string; files: Record<string, string>; modes: Record<string, string> };
  const drop = (record: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(record).filter(([name]) => name !== '.env'));
  return { ...rest, files: drop(files), modes: drop(modes) };
}

/** The newest hook snapshot the journal names. */
function hookSnapshot(t: TestRepo): string {
  const events = t.read('.git/guard/journal.jsonl').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  return events.filter((e) => e.type === 'snapshot' && e.trigger === 'hook').pop().snapshot;
}

/** A committed a.txt, the ignored .env (0600) on disk, guard with Claude's hooks; when .env was written. */
const seed = (t: TestRepo): number => seedWithEnv(t, 'claude');

describe("a hook's capture and a watcher snapshot taken after it", () => {
  it('rollback to a watcher snapshot taken before the command deleted .env brings it back (bytes, 0600); to one taken after, not', async () => {
    await withTestRepo(async (t) => {
      const written = seed(t);
      t.write('.guard.yaml', fastWatchConfig());
      guardOk(t, ['watch']);
      await waitForWatcher(t);
      // A capture is trusted only for a file that had not changed for two seconds when it was
      // read (RACY_MS): a .env written in the same clock tick could change again unseen.
      await waitFor('two seconds since .env was written', () => Date.now() > written + 2100);

      const verdict = installedClaudeHook(t, 'sleep 0; rm .env');
      expect(verdict.decision, verdict.reason).toBe('allow');
      const hook = hookSnapshot(t);
      // The watcher snapshots two edits while the command has not deleted .env yet: the first
      // finds H's capture unchanged, the second carries that on.
      t.write('a.txt', 'a1\n');
      const first = await waitForSnapshot(t, 'the watcher to record a1', (s) => s.trigger === 'watch' && t.git(['show', `${s.oid}:a.txt`]) === 'a1\n');
      t.write('b.txt', 'b\n');
      const before = await waitForSnapshot(t, 'the watcher to record b.txt', (s, files) => s.trigger === 'watch' && files.includes('b.txt'));
      expect(before.oid).not.toBe(first.oid);
      const atBefore = fullState(t);
      shellOk(t, 'rm .env');
      t.write('a.txt', 'a2\n');
      const after = await waitForSnapshot(t, 'the watcher to record a2', (s) => s.trigger === 'watch' && t.git(['show', `${s.oid}:a.txt`]) === 'a2\n');
      const atAfter = fullState(t);
      guardOk(t, ['watch', 'stop']);
      await waitForBackgroundPush(t);
      expect(hook).not.toBe(before.oid);

      // .env was there at `before`: back, byte for byte, at 0600; --undo gives the state after.
      rollbackOk(t, before.oid);
      expect(fullState(t)).toEqual(atBefore);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(perms(t, '.env')).toBe('600');
      undoOk(t);
      // The undo leaves the ignored file it finds (no snapshot before the rollback holds it), as
      // after a rollback to the hook's own snapshot.
      expect(withoutEnv(fullState(t))).toEqual(withoutEnv(atAfter));
      const undone = fullState(t);
      rollbackOk(t, hook);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      undoOk(t);
      expect(fullState(t)).toEqual(undone);
      t.remove('.env');
      expect(fullState(t)).toEqual(atAfter);

      // .env was gone at `after`: the rollback does not bring it back.
      t.write('a.txt', 'a3\n');
      rollbackOk(t, after.oid);
      expect(fullState(t)).toEqual(atAfter);
      expect(t.exists('.env')).toBe(false);
    });
  });

  it('a manual snapshot (a full walk) records it too, and no longer once .env changed: its bytes then are in no snapshot', async () => {
    await withTestRepo(async (t) => {
      const written = seed(t);
      await waitFor('two seconds since .env was written', () => Date.now() > written + 2100);
      expect(installedClaudeHook(t, 'sleep 0; rm .env').decision).toBe('allow');
      const hook = hookSnapshot(t);
      t.write('a.txt', 'a1\n');
      const held = snapshotId(t);
      // (Claude Code's settings.local.json, ignored through info/exclude since init keeps it out of
      // git, is held by the session start's capture as well: only .env is this test's.)
      expect(snapshotMeta(t, held).heldIgnored?.['.env']).toEqual(expect.objectContaining({ in: t.git(['rev-parse', hook]).trim() }));
      const atHeld = fullState(t);
      // Rewritten with other bytes of the same size: the next snapshot does not vouch for it.
      t.write('.env', Buffer.from(SECRET.toString('latin1').replace('s3cr3t', 'OTHER!'), 'latin1'), 0o600);
      t.write('a.txt', 'a2\n');
      const changed = snapshotId(t);
      expect(snapshotMeta(t, changed).heldIgnored?.['.env']).toBeUndefined();
      t.remove('.env');
      rollbackOk(t, changed);
      expect(t.exists('.env')).toBe(false);
      rollbackOk(t, held);
      expect(fullState(t)).toEqual(atHeld);
    });
  });
});
