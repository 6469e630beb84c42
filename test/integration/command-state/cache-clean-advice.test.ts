/**
 * `rm -rf $(go env GOCACHE)` and the like: the path is the tool's answer, which guard does not
 * know before the command runs, so the deletion is asked of a person (a refusal for an agent with
 * no prompt). The sweep of 2026-12-05 (docs/FRICTION.md) found the advice "write the paths out
 * literally" where the tool's own clean does the same and is allowed: the refusal now names it,
 * and the named command is checked to be one guard lets run.
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const CASES: Array<[string, string]> = [
  ['rm -rf $(go env GOCACHE)', 'go clean -cache'],
  ['rm -rf "$(go env GOMODCACHE)"', 'go clean -modcache'],
  ['rm -rf "$(cargo metadata --format-version 1 | jq -r .target_directory)"', 'cargo clean'],
  ['rm -rf "$(pip cache dir)"', 'pip cache purge'],
  ['rm -rf $(uv cache dir)', 'uv cache clean'],
  ['rm -rf "$(npm config get cache)"', 'npm cache clean --force'],
  ['rm -rf $(yarn cache dir)', 'yarn cache clean'],
];

describe('deleting a tool cache asked of the tool names the tool\'s own clean', () => {
  it('the deletion stays asked; its advice names a clean that guard allows', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'go.mod': 'module x\n', 'Cargo.toml': '[package]\nname = "x"\n', 'package.json': '{"name":"x"}\n' });
      for (const [command, clean] of CASES) {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
        expect(verdict.instead, command).toContain(`\`${clean}\``);
        expect(checkVerdict(t, clean, { asAgent: true }), clean).toMatchObject({ verdict: 'allow' });
      }
      // Any other unknown path keeps the general advice.
      expect(checkVerdict(t, 'rm -rf "$DIR"', { asAgent: true }).instead).toBe('Write the paths out literally so guard can check them.');
    });
  });
});
