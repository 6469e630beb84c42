/**
 * A file tool's deletion is refused where the shell's rm of the same file is: an untracked file
 * over snapshot.maxFileSize is in no snapshot, so `rm big.bin` is denied (untracked-too-large),
 * but Cursor's Delete tool on it ran with no copy and no word (fileToolCapture judged it with
 * checkDeleteAbs and dropped the verdict; found 2026-12-04). Now the agent hook denies it with the
 * shell's reason and way forward, journals it, and the file stays. A deletion guard can undo
 * (a file under the limit) still runs.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/** Cursor's preToolUse hook for its Delete tool on FILE: the permission and the message. */
function cursorDelete(t: TestRepo, file: string): { permission: string; message: string } {
  const payload = { conversation_id: 'c1', hook_event_name: 'preToolUse', cwd: t.dir, tool_name: 'Delete', tool_input: { path: path.join(t.dir, file) } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'cursor', 'pre-tool'], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { permission: string; agent_message?: string };
  return { permission: out.permission, message: out.agent_message ?? '' };
}

describe("a file tool's deletion guard could not undo is refused as the shell's rm is", () => {
  it('denies Delete of an untracked file over snapshot.maxFileSize, with the way forward; allows one under it', async () => {
    await withTestRepo((t) => {
      t.write('src/app.ts', 'export {};\n');
      t.write('.guard.yaml', 'snapshot:\n  maxFileSize: 1KB\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      const big = Buffer.alloc(4096, 7);
      t.write('big.bin', big);
      t.write('small.txt', 'small\n');

      const shell = checkVerdict(t, 'rm big.bin');
      expect(shell).toMatchObject({ verdict: 'deny', rule: 'untracked-too-large' });
      const tool = cursorDelete(t, 'big.bin');
      expect(tool.permission).toBe('deny');
      expect(tool.message).toContain('untracked-too-large');
      // The shell's reason (its verb aside) and its way forward.
      expect(tool.message).toContain(shell.reason.replace(/^rm deletes/, 'the file tool deletes'));
      expect(tool.message).toContain(shell.instead!);
      expect(fs.readFileSync(path.join(t.dir, 'big.bin'))).toEqual(big);
      const journal = t.guard(['log', '--json']);
      expect(journal.stdout).toContain('untracked-too-large');

      // Under the limit: in every snapshot, so the tool may delete it.
      expect(cursorDelete(t, 'small.txt').permission).toBe('allow');
    });
  }, 240_000);
});
