/**
 * A deletion of what an earlier `mv` of the same line moved (src/policy/command/targets.ts
 * movedThereFirst). The line is judged before it runs: `rm tmp.txt` deletes a file that does not
 * exist yet and `rm -rf node_modules` regenerable output, so both were "allow" with no snapshot,
 * and `mv notes.txt tmp.txt && rm tmp.txt` took the untracked notes.txt for good (found by the
 * lead's review, 2026-12-07). Now the deletion snapshots first, and `guard rollback` brings the
 * file back. Judged through the installed Claude hook (journal) and in this process.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { hookWithVerdict } from '../../helpers/verdicts.js';
import { commitGuardFiles, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const NOTES = Buffer.from('notes nobody committed\n');

describe('a deletion of what an earlier mv of the line moved', () => {
  it('snapshots first (a file that did not exist, regenerable output, a clean of it); rollback brings the moved file back', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'node_modules/\n');
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'project']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      commitGuardFiles(t);
      t.write('node_modules/x/index.js', 'module.exports = 1;\n');
      fs.writeFileSync(path.join(t.dir, 'notes.txt'), NOTES);
      // Through the installed hook: before, allow with no snapshot.
      const line = 'mv notes.txt tmp.txt && rm tmp.txt';
      const judged = hookWithVerdict(t, line);
      expect(judged).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      execFileSync('sh', ['-c', line], { cwd: t.dir });
      expect(fs.existsSync(path.join(t.dir, 'notes.txt'))).toBe(false);
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'notes.txt'))).toEqual(NOTES);
      expect(fs.existsSync(path.join(t.dir, 'tmp.txt'))).toBe(false);
      await expectEvaluatedVerdicts(t, [
        ['mv notes.txt build && rm -rf build', 'snapshot', 'rm-in-repo', ['an earlier mv']],
        ['mv notes.txt node_modules/ && rm -rf node_modules', 'snapshot', 'rm-in-repo', ['an earlier mv']],
        ['mv notes.txt node_modules/x/ ; rm -rf node_modules', 'snapshot', 'rm-in-repo', ['an earlier mv']],
        ['cd node_modules && mv ../notes.txt . && cd .. && rm -rf node_modules', 'snapshot', 'rm-in-repo', ['an earlier mv']],
        ['mv notes.txt node_modules/ && git clean -xdf node_modules', 'snapshot', 'git-clean'],
        // Without a move there, as before: regenerable output and a missing file are free.
        ['rm -rf node_modules', 'allow', 'no-risk'],
        ['git clean -xdf node_modules', 'allow', 'no-risk'],
        ['rm -f tmp.txt', 'allow', 'no-risk'],
        ['mv a.txt b.txt && rm -rf node_modules', 'allow', 'no-risk'],
        ['mv notes.txt n.txt', 'allow', 'no-risk'],
      ]);
    });
  });
});
