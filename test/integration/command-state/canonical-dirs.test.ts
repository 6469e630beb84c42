/**
 * `$(readlink -f DIR)`, `$(realpath DIR)` and `$(cd -P DIR && pwd -P)`: the directory's real path
 * (src/policy/command/expand.ts canonicalOutput, cdPwdOutput). Found on documenso (friction hunt of
 * 2026-12-07): its `npm run build` runs turbo, which runs apps/remix's `./.bin/build.sh`, which
 * starts with `SCRIPT_DIR="$(readlink -f "$(dirname "$0")")"; cd "$SCRIPT_DIR/.."` and then runs
 * `npm run translate --prefix ../../`. readlink was unknown, so the directory was, so npm's scripts
 * were: the project's everyday build was denied (opaque-command). And the opposite, on the way:
 * `$(cd -P lnk && pwd -P)` was computed as the link's own name, so `rm -rf "$(cd -P lnk && pwd -P)"`
 * with `lnk -> /elsewhere` was "snapshot: rm deletes lnk inside the repository" while rm deletes
 * /elsewhere. The table is judged in this process (test/helpers/evaluated.ts), its first row
 * through `guard check-command` too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const HEADER = '#!/usr/bin/env bash\nset -e\nSCRIPT_DIR="$(readlink -f "$(dirname "$0")")"\nWEB_APP_DIR="$SCRIPT_DIR/.."\nORIGINAL_DIR=$(pwd)\ntrap \'cd "$ORIGINAL_DIR"\' EXIT\ncd "$WEB_APP_DIR"\n';

describe('a directory made canonical: readlink -f, realpath, pwd -P', () => {
  it("is the directory's real path: documenso's build script is read, and a link out of the repository is where rm goes", async () => {
    // Outside the system temp directory (guard's scratch): what the link leads to must count as lost.
    const outside = fs.mkdtempSync('/var/tmp/guard-canonical-');
    try {
      await withTestRepo(async (t) => {
        t.write('.gitignore', '.env\nbuild/\n');
        t.write('.env', 'API_KEY=s3cr3t\n');
        t.write('package.json', '{"name":"root","scripts":{"translate":"echo translate"}}\n');
        t.write('apps/web/package.json', '{"name":"web","scripts":{"build":"./.bin/build.sh","clean":"./.bin/clean.sh","build:app":"echo app"}}\n');
        t.write('apps/web/.bin/build.sh', `${HEADER}npm run translate --prefix ../../\nnpm run build:app\nmkdir -p build && cp package.json build/\n`, 0o755);
        t.write('apps/web/.bin/clean.sh', `${HEADER}rm -rf build\nrm -f ../../.env\n`, 0o755);
        t.git(['add', '.gitignore', 'package.json', 'apps']);
        t.git(['commit', '-q', '-m', 'init']);
        fs.writeFileSync(path.join(outside, 'precious.txt'), 'x\n');
        fs.symlinkSync(outside, path.join(t.dir, 'lnk'));
        fs.symlinkSync(path.join(outside, 'precious.txt'), path.join(t.dir, 'lnkfile'));
        const web = path.join(t.dir, 'apps', 'web');
        expect(checkVerdict(t, 'npm run build', { asAgent: true, cwd: web })).toEqual(await evaluatedVerdict(t, 'npm run build', { asAgent: true, cwd: web }));
        await expectEvaluatedVerdicts(
          t,
          [
            // Before: deny, opaque-command ("npm translate runs in a directory guard cannot see").
            ['npm run build', 'allow', 'no-risk'],
            // The directory is computed, not waved through: the clean script's `../../.env` is the root's.
            ['npm run clean', 'snapshot', 'rm-in-repo', ['.env']],
          ],
          { cwd: web },
        );
        await expectEvaluatedVerdicts(t, [
          ['D=$(dirname "$(realpath apps/web)"); rm -f "$D/../.env"', 'snapshot', 'rm-in-repo', ['.env']],
          ['cd "$(readlink -e apps/web)" && rm -rf build', 'allow', 'no-risk'],
          // Through the link: its target, outside the repository.
          ['rm -rf "$(realpath lnk)"', 'deny', 'rm-outside-repo'],
          ['rm -rf "$(readlink -f lnk)"', 'deny', 'rm-outside-repo'],
          ['rm -rf "$(cd -P lnk && pwd -P)"', 'deny', 'rm-outside-repo'],
          ['rm -rf "$(cd lnk && pwd -P)"', 'deny', 'rm-outside-repo'],
          ['cd "$(readlink -f lnk)" && rm -f precious.txt', 'deny', 'rm-outside-repo'],
          // Logical forms name the link itself (rm removes the link, a snapshot brings it back).
          ['rm -rf "$(cd lnk && pwd)"', 'snapshot', 'rm-in-repo'],
          ['rm -rf "$(realpath -s lnk)"', 'snapshot', 'rm-in-repo'],
          // Unknown: a link's target (no -f), a directory not there.
          ['cd "$(readlink apps/web)" && rm -f x', 'ask', 'rm-unknown-target'],
          ['cd "$(realpath -e nowhere)" && rm -f x', 'ask', 'rm-unknown-target'],
          // A file is where it leads (FoundFile.real, since 2026-12-07): here the file itself.
          ['rm -f "$(readlink -f apps/web/package.json)"', 'snapshot', 'rm-in-repo'],
          // and a link to a file out of the repository is that file
          ['rm -f "$(readlink -f lnkfile)"', 'deny', 'rm-outside-repo'],
        ]);
      });
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });
});
