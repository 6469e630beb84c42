/**
 * A pnpm-workspace.yaml of settings only (no `packages` key): pnpm 10 takes the root package
 * alone, pnpm 8 and 9 every package under it; guard reads the second, which holds the first
 * (src/policy/command/package-scripts.ts workspaceYamlGlobs). Found on usememos/memos (friction
 * hunt of 2026-12-07, second round): its web/pnpm-workspace.yaml holds `allowBuilds` and
 * `patchedDependencies` only, and `cd web && pnpm install`, the first line of its AGENTS.md's
 * frontend commands, was "deny, opaque-command: pnpm install runs scripts across a workspace whose
 * packages guard cannot read". The table is judged in this process (test/helpers/evaluated.ts),
 * its first row through `guard check-command` too.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('a pnpm-workspace.yaml of settings only', () => {
  it("is a workspace of every package under it: memos's install is free, a nested package's install script is still judged", async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', 'node_modules/\ndist/\n');
      t.write('web/pnpm-workspace.yaml', 'allowBuilds:\n  esbuild: true\npatchedDependencies:\n  "@bufbuild/protobuf@2.12.0": patches/@bufbuild__protobuf@2.12.0.patch\n');
      t.write('web/package.json', '{"name":"web","scripts":{"dev":"vite","build":"vite build","test":"vitest run"}}\n');
      t.write('web/dist/index.html', 'x\n');
      t.write('web/node_modules/x/package.json', '{"name":"x","scripts":{"postinstall":"rm -rf ~"}}\n');
      t.git(['add', '.gitignore', 'web']);
      t.git(['commit', '-q', '-m', 'init']);
      const web = path.join(t.dir, 'web');
      // Before: deny, opaque-command ("a workspace whose packages guard cannot read").
      expect(checkVerdict(t, 'cd web && pnpm install', { asAgent: true })).toEqual(await evaluatedVerdict(t, 'cd web && pnpm install', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        ['cd web && pnpm install', 'allow', 'no-risk'],
        ['cd web && pnpm -r build', 'allow', 'no-risk'],
      ]);
      await expectEvaluatedVerdicts(t, [['rm -rf node_modules dist && pnpm install', 'allow', 'no-risk']], { cwd: web });
      // The stricter reading: pnpm 9 would take a package below web/ into the workspace and run its install script.
      t.write('web/tools/gen/package.json', '{"name":"gen","scripts":{"postinstall":"rm -rf ~"}}\n');
      await expectEvaluatedVerdicts(t, [['pnpm install', 'deny', 'rm-home']], { cwd: web });
      // An anchor guard does not follow stays unreadable.
      t.write('web/pnpm-workspace.yaml', 'packages: *pkgs\n');
      await expectEvaluatedVerdicts(t, [['pnpm install', 'deny', 'opaque-command']], { cwd: web });
    });
  });
});
