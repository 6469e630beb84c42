/**
 * A file whose checkout does not give its bytes back (CRLF under `text=auto`) is kept raw by the
 * snapshot (raw-files.ts). Its blob was looked up with `cat-file --batch-check` on `<tree>:<path>`,
 * the path a byte string written to git's stdin as UTF-8: every name with a byte >= 0x80 (`café`
 * as much as `k\xff`) became other bytes, was "missing", and the file was not kept raw, so a
 * rollback wrote git's LF checkout instead of the CRLF bytes. Real git, guard snapshot, rm,
 * guard rollback; compared byte for byte, an ASCII neighbour the same.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

const CRLF = Buffer.from('one\r\ntwo\r\n');

function at(t: TestRepo, rel: string): Buffer {
  return Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.from(rel, 'latin1')]);
}

describe('a CRLF file under text=auto whose name is not ASCII', () => {
  it('is kept raw by the snapshot and rolled back to its exact bytes (a Latin-1 name, a UTF-8 name, an ASCII neighbour)', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitattributes': '* text=auto\n', 'a.txt': 'a\n' });
      const names = ['k\xff.txt', 'caf\xc3\xa9.txt', 'plain.txt'];
      for (const name of names) fs.writeFileSync(at(t, name), CRLF, { mode: 0o640 });
      for (const name of names) fs.chmodSync(at(t, name), 0o640);
      snapshotId(t);
      for (const name of names) fs.rmSync(at(t, name));
      rollbackOk(t);
      for (const name of names) {
        expect(fs.readFileSync(at(t, name)), name).toEqual(CRLF);
        expect(fs.statSync(at(t, name)).mode & 0o777, name).toBe(0o640);
      }
    });
  });
});
