/**
 * Permission bits git's checkout does not give: an untracked private key (or a captured ignored
 * `.env`) at 0600, deleted by an agent, came back 0644 from a rollback, readable by every user of
 * the machine. A tree holds only the executable bit. Found on a vite clone.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState, perms } from '../../helpers/state.js';
import { rollbackOk, snapshotId, undoOk } from '../../helpers/guard-steps.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';

function state(t: TestRepo): unknown {
  const files = captureState(t);
  const modes = Object.fromEntries(Object.keys(files.files).filter((f) => !files.files[f]!.startsWith('link')).map((f) => [f, perms(t, f)]));
  return { ...files, modes };
}

describe('rollback and the permission bits of untracked files', () => {
  it('gives a deleted 0600 key and a captured 0600 .env their bits back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': '.env\n', 'app.js': 'app\n' }, 'base');
      writeFiles(t, { '.guard.yaml': 'snapshot:\n  includeIgnored: [".env"]\n', id_ed25519: ['PRIVATE KEY\n', 0o600], 'deploy.sh': ['#!/bin/sh\n', 0o700], '.env': ['TOKEN=secret\n', 0o600] });
      fs.chmodSync(path.join(t.dir, 'id_ed25519'), 0o600);
      fs.chmodSync(path.join(t.dir, 'deploy.sh'), 0o700);
      fs.chmodSync(path.join(t.dir, '.env'), 0o600);
      const before = state(t);
      const id = snapshotId(t);

      fs.rmSync(path.join(t.dir, 'id_ed25519'));
      fs.rmSync(path.join(t.dir, 'deploy.sh'));
      fs.rmSync(path.join(t.dir, '.env'));
      rollbackOk(t, id);
      expect(perms(t, 'id_ed25519')).toBe('600');
      expect(perms(t, 'deploy.sh')).toBe('700');
      expect(perms(t, '.env')).toBe('600');
      expect(state(t)).toEqual(before);
    });
  });

  it('narrows bits an agent widened, and --undo widens them again', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'app.js': 'app\n' }, 'base');
      t.write('id_ed25519', 'PRIVATE KEY\n');
      fs.chmodSync(path.join(t.dir, 'id_ed25519'), 0o600);
      const before = state(t);
      const id = snapshotId(t);

      fs.chmodSync(path.join(t.dir, 'id_ed25519'), 0o644);
      const widened = state(t);
      rollbackOk(t, id);
      expect(state(t)).toEqual(before);
      undoOk(t);
      expect(state(t)).toEqual(widened);
    });
  });
});
