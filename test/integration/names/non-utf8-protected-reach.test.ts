/**
 * A deletion that reaches a protected file whose name is not UTF-8 (`db/migrate/001_k\xff.rb`:
 * the agent's JSON cannot carry the byte, but a directory deletion, a glob or bash's `$'\xff'`
 * can reach it) is denied, and the reason names the file as it is (`$'...\xff...'`, which a
 * shell types back), not with the byte turned into U+FFFD (another name; targets.ts text()). The
 * file typed as `$'...'` is "a protected path" itself. Through the real CLI and the installed
 * hook; the file's bytes are untouched.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';

describe('protected files with names that are not UTF-8, reached by a deletion', () => {
  it('are denied, named by their bytes', () =>
    withTestRepo((t) => {
      const name = Buffer.concat([Buffer.from(`${t.dir}/db/migrate/001_k`), Buffer.from([0xff]), Buffer.from('.rb')]);
      fs.mkdirSync(path.join(t.dir, 'db', 'migrate'), { recursive: true });
      fs.writeFileSync(name, 'class M; end\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'migration']);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);

      for (const command of ['rm -rf db', 'rm db/migrate/001_*', 'rsync -a --delete /tmp/ db/migrate/']) {
        const v = checkVerdict(t, command, { asAgent: true });
        expect(v, command).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
        expect(v.reason, command).toContain("$'db/migrate/001_k\\xff.rb'");
        expect(v.reason, command).not.toContain('\uFFFD');
      }
      const typed = checkVerdict(t, "rm $'db/migrate/001_k\\xff.rb'", { asAgent: true });
      expect(typed).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(typed.reason).toBe(`rm deletes $'db/migrate/001_k\\xff.rb', a protected path (matches "db/migrate/**")`);
      const hook = installedClaudeHook(t, 'rm -rf db/migrate');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain("$'db/migrate/001_k\\xff.rb'");
      expect(fs.readFileSync(name, 'utf8')).toBe('class M; end\n');
    }));
});
