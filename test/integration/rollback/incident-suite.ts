/**
 * For each incident: build a repo with every kind of state, snapshot, destroy, `guard rollback
 * --yes` and compare everything with the state before; then `guard rollback --undo --yes` and
 * compare with the destroyed state.
 */
import { expect, it } from 'vitest';
import { createTestRepo } from '../../helpers/git-repo.js';
import { buildRichRepo } from '../../helpers/fixtures.js';
import { captureState } from '../../helpers/state.js';
import type { Incident } from './incidents.js';

export function incidentTest(name: string, incident: Incident, options: { withHooks?: boolean } = {}): void {
  const title = `restores everything after: ${name}, and --undo brings the incident back${options.withHooks ? ' (with guard init hooks installed)' : ''}`;
  it(title, () => {
    const repo = createTestRepo();
    try {
      buildRichRepo(repo);
      if (options.withHooks) {
        // guard's own hooks must never block guard's own rollback (it is undoable itself).
        const init = repo.guard(['init', '--yes', '--agents', 'none']);
        expect(init.code, init.stderr).toBe(0);
      }
      const before = captureState(repo);
      const snap = repo.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const snapshotId = JSON.parse(snap.stdout).id as string;

      incident(repo);
      const destroyed = captureState(repo);
      expect(destroyed).not.toEqual(before);

      const rollback = repo.guard(['rollback', '--yes', '--json']);
      expect(rollback.code, rollback.stderr).toBe(0);
      const result = JSON.parse(rollback.stdout);
      expect(result.target.id).toBe(snapshotId);
      expect(result.preRollbackSnapshot.id).toMatch(/^[0-9a-f]{12}$/);
      const restored = captureState(repo);
      if (destroyed.files['ignored.log']) {
        // Ignored files the snapshot did not capture are never touched by the rollback...
        expect(repo.read('ignored.log')).toContain('never touched');
      } else {
        // ...and cannot come back when the incident deleted them (they were never captured).
        expect(restored.files['ignored.log']).toBeUndefined();
        delete before.files['ignored.log'];
      }
      expect(restored).toEqual(before);

      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(captureState(repo)).toEqual(destroyed);
    } finally {
      repo.cleanup();
    }
  });
}
