/**
 * `guard restore` with names typed on the command line that lost bytes (`$'dir1/bad\377.txt'`
 * reaches guard as text with U+FFFD): the exact names are looked up among the snapshot's and the
 * worktree's names in two git processes whatever the number of such arguments, and the files
 * come back byte for byte. Counted with git's trace2 (git-trace.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();

const DIRS = 8;
/** What guard receives for a name typed as $'dirN/bad\377.txt': the byte is lost. */
const typed = (i: number): string => `dir${i}/bad\uFFFD.txt`;
const onDisk = (t: TestRepo, i: number): Buffer => Buffer.concat([Buffer.from(`${t.dir}/dir${i}/`), Buffer.from('bad\xff.txt', 'latin1')]);

function restoreCount(t: TestRepo, args: string[], label: string): { total: number; byCommand: Array<[string, number]> } {
  const file = path.join(t.base, `trace-${label}.json`);
  const r = t.guard(['restore', ...args, '--dry-run', '--json'], { env: traceEnv(file) });
  expect(r.code, r.stderr).toBe(0);
  expect(JSON.parse(r.stdout).files).toHaveLength(args.length);
  return countGitProcesses(file);
}

describe('guard restore with names that lost bytes', () => {
  it('starts as many git processes for 8 such names as for 1, and restores them byte for byte', () =>
    withTestRepo((t) => {
      for (let i = 1; i <= DIRS; i++) {
        fs.mkdirSync(path.join(t.dir, `dir${i}`));
        fs.writeFileSync(onDisk(t, i), Buffer.from(`original ${i} \xfe\n`, 'latin1'));
        t.write(`dir${i}/plain.txt`, 'plain\n');
      }
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      const started = t.guard(['session', 'start', '--agent', 'test']);
      expect(started.code, started.stderr).toBe(0);
      for (let i = 1; i <= DIRS; i++) fs.writeFileSync(onDisk(t, i), `changed by the agent ${i}\n`);

      // The first command after the session start writes guard's caches (scan memo): not counted.
      restoreCount(t, [typed(1)], 'warm-up');
      const one = restoreCount(t, [typed(1)], 'one');
      const all = restoreCount(t, Array.from({ length: DIRS }, (_, i) => typed(i + 1)), 'all');
      expect(all.total, `1 name: ${JSON.stringify(one)}; ${DIRS} names: ${JSON.stringify(all)}`).toBe(one.total);

      const r = t.guard(['restore', ...Array.from({ length: DIRS }, (_, i) => typed(i + 1)), '--yes']);
      expect(r.code, r.stderr).toBe(0);
      for (let i = 1; i <= DIRS; i++) expect(fs.readFileSync(onDisk(t, i))).toEqual(Buffer.from(`original ${i} \xfe\n`, 'latin1'));
    }));
});
