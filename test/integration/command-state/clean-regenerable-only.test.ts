/**
 * A `git clean -x` that git's dry run says deletes only regenerable output (src/policy/command/
 * targets.ts checkGitClean): free, as `rm -rf node_modules` is, with no snapshot. Found on
 * t3-oss/create-t3-turbo (friction hunt of 2026-12-07, second round): its root `pnpm clean` is
 * `git clean -xdf node_modules` and every package's is `git clean -xdf .cache .turbo dist
 * node_modules`; each was "snapshot: git clean -n lists no ignored file it deletes that is not
 * regenerable output", a snapshot of a tree the command leaves as it is. Where the clean reaches an
 * untracked file, an ignored file that is not output, or one of guard's own files, the snapshot
 * stays. The table is judged in this process (test/helpers/evaluated.ts), its first row through
 * `guard check-command` too.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('a git clean of regenerable output only', () => {
  it('is free where git clean -n lists nothing else, a snapshot where it lists an untracked or kept ignored file', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'node_modules/\n.next/\ndist/\n.turbo/\n.env\n');
      t.write('package.json', '{"name":"root","scripts":{"clean":"git clean -xdf node_modules"}}\n');
      t.write('apps/web/package.json', '{"name":"web","scripts":{"clean":"git clean -xdf .cache .next .turbo node_modules"}}\n');
      t.write('apps/web/page.tsx', 'export default 1\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'init']);
      for (const f of ['node_modules/x/index.js', 'apps/web/node_modules/y/index.js', 'apps/web/.next/cache/a', 'apps/web/.turbo/turbo-build.log', 'dist/a.js']) t.write(f, 'x\n');
      t.write('.env', 'API_KEY=s3cr3t\n');
      const web = path.join(t.dir, 'apps', 'web');
      expect(checkVerdict(t, 'git clean -xdf node_modules', { asAgent: true })).toEqual(await evaluatedVerdict(t, 'git clean -xdf node_modules', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        // Before: snapshot, git-clean ("lists no ignored file it deletes that is not regenerable output").
        ['git clean -xdf node_modules', 'allow', 'no-risk'],
        ['npm run clean', 'allow', 'no-risk'],
        ['git clean -xdf node_modules dist', 'allow', 'no-risk'],
        // Where it takes the .env, or the whole tree: the snapshot and the capture stay.
        ['git clean -xdf', 'snapshot', 'git-clean', ['.env']],
        ['git clean -fdX', 'snapshot', 'git-clean', ['.env']],
      ]);
      await expectEvaluatedVerdicts(t, [['npm run clean', 'allow', 'no-risk']], { cwd: web });
      // An untracked file in its scope: the snapshot holds it.
      t.write('apps/web/notes.txt', 'mine\n');
      await expectEvaluatedVerdicts(t, [
        ['git clean -xdf apps/web', 'snapshot', 'git-clean'],
        ['git clean -xdf node_modules apps/web/notes.txt', 'snapshot', 'git-clean'],
        ['git clean -xdf node_modules', 'allow', 'no-risk'],
        // Without -x an -e pattern is dry-run too: kept by it, nothing goes; not kept, the snapshot holds it.
        ['git clean -fd -e notes.txt -- apps/web', 'allow', 'no-risk'],
        ['git clean -fd -e other.txt -- apps/web', 'snapshot', 'git-clean'],
      ]);
    });
  });
});
