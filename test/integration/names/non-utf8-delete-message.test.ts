/**
 * An agent's `rm -rf data` of a directory whose ignored files have names that are not UTF-8 or
 * hold a backslash, a tab, a line break or a leading quote: the verdict names the files guard
 * captures first, and named them as escaped text (targets.ts judgeContents), so the JSON an agent
 * reads said `data/caf\udce9.log` (a lone surrogate) and the terminal `data/caf\ufffd.log`, and a
 * line break in a name broke the message's line (found by hand, 2026-12-07, helper bytes3). Now
 * each name is shown as bash types it (`$'data/caf\xe9.log'`, shownEscaped), and the capture
 * itself still holds the exact bytes: the rollback gives every file back byte for byte.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { withTestRepo } from '../../helpers/git-repo.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';

/** data/<name> as bytes: Latin-1, a backslash with a tab, a line break, a leading quote. */
const NAMES = [Buffer.from('caf\xe9.log', 'latin1'), Buffer.from('q\\x\tz.log'), Buffer.from('two\nlines.log'), Buffer.from('"quoted.log')];

describe('deleting ignored files whose names are not plain text', () => {
  it('names them as bash types them, captures their bytes, and guard rollback gives them back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { '.gitignore': 'data/*.log\n', 'data/kept.txt': 'kept\n' });
      for (const [i, name] of NAMES.entries()) fs.writeFileSync(Buffer.concat([Buffer.from(path.join(t.dir, 'data') + '/'), name]), `${i}\n`);
      const before = byteState(t);
      const command = 'rm -rf data';

      const v = checkVerdict(t, command, { asAgent: true });
      expect(v).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(v.reason).toContain("$'data/caf\\xe9.log'");
      expect(v.reason).toContain("$'data/q\\\\x\\tz.log'");
      expect(v.reason).not.toMatch(/[\udc80-\udcff\ufffd\n\t]/);

      const hook = preToolHook(t, { tool: 'Bash', command });
      expect(hook.decision, hook.reason).not.toBe('deny');
      const rm = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(rm.status, rm.stderr).toBe(0);
      expect(fs.existsSync(path.join(t.dir, 'data'))).toBe(false);
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
    });
  });
});
