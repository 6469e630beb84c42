/**
 * A JavaScript monorepo compiles each package's src/ to an ignored packages/<name>/lib (babel,
 * lerna layouts). The friction hunt on babel (docs/FRICTION.md) found `rm -rf packages/X/lib`
 * (X a wildcard), and `rm -rf lib` in a package, taking a snapshot that captured the built
 * files as if they were a `.env`: `make build` makes them again, as it makes dist/. The pattern
 * packages/WILDCARD/lib is now in the default commands.regenerable (built in, and spelled out in
 * the default .guard.yaml). Tracked packages/<name>/lib files, and an ignored lib/ anywhere
 * else, are snapshotted and captured as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function check(t: TestRepo, command: string, cwd?: string): { verdict: string; rule: string; reason: string } {
  return JSON.parse(t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1' }, ...(cwd ? { cwd } : {}) }).stdout) as { verdict: string; rule: string; reason: string };
}

function setup(t: TestRepo, withConfig: boolean, legacy = false): void {
  if (withConfig) fs.copyFileSync(path.join(PROJECT_ROOT, 'templates', 'guard.default.yaml'), path.join(t.dir, '.guard.yaml'));
  t.write('.gitignore', '/packages/*/lib\n/lib\n');
  t.write('packages/core/package.json', '{"main":"lib/index.js"}\n');
  t.write('packages/core/src/index.ts', 'export {};\n');
  t.write('packages/parser/src/index.ts', 'export {};\n');
  t.git(['add', '-A']);
  if (legacy) {
    // A package whose lib/ is source, tracked (force-added past the ignore rule).
    t.write('packages/legacy/lib/index.js', 'hand-written\n');
    t.git(['add', '-f', 'packages/legacy/lib/index.js']);
  }
  t.git(['commit', '-q', '-m', 'init']);
  // Built output, as `make build` leaves it; and an ignored lib/ that is no package's build.
  t.write('packages/core/lib/index.js', '"use strict";\n');
  t.write('packages/core/lib/config/index.js', '"use strict";\n');
  t.write('packages/parser/lib/index.js', '"use strict";\n');
  t.write('lib/vendor.js', 'downloaded by hand\n');
}

describe('a monorepo\'s built packages/*/lib', () => {
  for (const withConfig of [true, false]) {
    it(`deleting the ignored packages/*/lib is allowed without a capture (${withConfig ? 'the default .guard.yaml' : 'no .guard.yaml'})`, async () => {
      await withTestRepo((t) => {
        setup(t, withConfig);
        expect(check(t, 'rm -rf packages/*/lib')).toMatchObject({ verdict: 'allow' });
        expect(check(t, 'rm -rf packages/core/lib packages/parser/lib')).toMatchObject({ verdict: 'allow' });
        expect(check(t, 'rm -rf lib', path.join(t.dir, 'packages', 'core'))).toMatchObject({ verdict: 'allow' });
        expect(check(t, 'find packages -path "*/lib/*" -name "*.js" -delete')).toMatchObject({ verdict: 'allow' });
      });
    });
  }

  it('still captures an ignored lib/ outside packages/*, and snapshots a tracked packages/x/lib', async () => {
    await withTestRepo((t) => {
      setup(t, true, true);
      const root = check(t, 'rm -rf lib');
      expect(root).toMatchObject({ verdict: 'snapshot' });
      expect(root.reason).toContain('lib/vendor.js');
      expect(check(t, 'rm -rf packages/legacy/lib')).toMatchObject({ verdict: 'snapshot' });
      // The glob reaches the tracked lib too: the deletion is snapshotted, as any tracked file's.
      expect(check(t, 'rm -rf packages/*/lib')).toMatchObject({ verdict: 'snapshot' });
    });
  });
});
