/**
 * `guard gc` and the `heldIgnored` records (format.ts). A session start captures the ignored
 * `.env` (0600) into its snapshot S1; a later snapshot T, taken while `.env` is still on disk
 * unchanged, records that S1 holds its bytes, and `guard rollback T` brings `.env` back from S1
 * once it is gone. gc used to drop S1 when it was old (its session no longer among the kept
 * ones) while keeping the younger T, and rewrote the chain without re-pointing T's record at the
 * rewritten holder: after either, the rollback to T left `.env` gone with no word. Now gc keeps
 * a holder a kept snapshot's record points at, and re-points the records at rewritten holders.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { SECRET, seedWithEnv, snapshotMeta } from '../../helpers/held-env.js';
import { ageChain } from '../../helpers/age-chain.js';
import { perms } from '../../helpers/state.js';
import { json, waitFor, waitForWatcher } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The backup is what these tests look at: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();


async function sessionStart(t: TestRepo): Promise<string> {
  const { session } = json(t, ['session', 'start', '--agent', 'test']);
  await waitForWatcher(t);
  expect(json(t, ['watch', 'stop']).stopped).toBe(true);
  return session.id;
}

describe('guard gc keeps what heldIgnored records point at', () => {
  it('a rollback to a kept snapshot after gc still brings back the .env its record says an older, otherwise dropped snapshot holds', async () => {
    await withTestRepo(async (t) => {
      const written = seedWithEnv(t, 'none');
      // A capture is signed only for a file unchanged for two seconds when it was read (RACY_MS).
      await waitFor('two seconds since .env was written', () => Date.now() > written + 2100);
      const first = await sessionStart(t);
      json(t, ['session', 'end', '--id', first]);
      t.write('a.txt', 'a1\n');
      json(t, ['snapshot']);
      // The person edits .env; a second session (the latest, the one --keep-sessions 1 keeps)
      // captures that version. T's record still points at the first session's start, which holds
      // .env as it was at T.
      t.write('.env', 'EDITED=1\n', 0o600);
      // Signed at S2 too: then neither session's watcher writes a start-up snapshot of its own
      // (only the session start's captures differ: snapshot/baseline-reuse.test.ts).
      const edited = Date.now();
      await waitFor('two seconds since .env was edited', () => Date.now() > edited + 2100);
      await sessionStart(t);
      // Oldest first: init, S1, T, S2.
      const [, s1, tOld] = ageChain(t, [40, 40, 3, null]);
      expect(snapshotMeta(t, s1!).trigger).toBe('session-start');
      expect(snapshotMeta(t, tOld!).heldIgnored?.['.env']?.in).toBe(s1);

      const report = json(t, ['gc', '--keep-days', '5', '--keep-sessions', '1']);
      const after = json(t, ['list', '--all']);
      const tNew = after.find((s: any) => s.trigger === 'manual').oid as string;
      fs.rmSync(path.join(t.dir, '.env'));
      json(t, ['rollback', tNew, '--yes']);
      // .env as it was at T (S1's bytes), not the edited one the second session captured.
      expect(fs.readFileSync(path.join(t.dir, '.env')).toString('latin1')).toBe(SECRET.toString('latin1'));
      expect(perms(t, '.env')).toBe('600');
      expect(t.read('a.txt')).toBe('a1\n');

      // The init snapshot went; S1 stayed for T's record although its session and age would drop
      // it, and T's record names S1's new id.
      expect(report.chains[0]).toMatchObject({ before: 4, after: 3 });
      expect(after.map((s: any) => s.trigger)).toEqual(['session-start', 'manual', 'session-start']);
      expect(snapshotMeta(t, tNew).heldIgnored?.['.env']?.in).toBe(after[2].oid);
    });
  });
});
