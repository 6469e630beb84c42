/**
 * An ignored file that is not regenerable output (`.env.local`) replaced by an agent: `cp
 * .env.example .env.local`, `echo KEY= > .env.local`, `sed -i`, `mv`, or Claude Code's Write and
 * Edit tools. No snapshot holds ignored files and the watcher does not look at them, so before
 * 2026-12-04 the old bytes were gone for good: the command guard allowed these as plain writes,
 * and a rollback refused to write over the file that was there now. Now the snapshot taken
 * first captures the file (rule overwrite-ignored), `guard rollback` puts the old bytes back,
 * its own snapshot captures the new file, and `guard rollback --undo` gives that back.
 * Everything is compared byte for byte (files with modes and ignored files, index, HEAD, refs,
 * stash). Found by the hunt helper on a vite clone (`cp env.example .env.local`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { preToolHook, type ToolCall } from '../../helpers/claude-hook.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { loggedEvents, rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const OLD = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function setup(t: TestRepo): void {
  commitFiles(t, { '.gitignore': 'node_modules/\n*.local\n', 'src/app.ts': 'export {};\n', 'env.example': 'API_KEY=\n' });
  writeFiles(t, { '.env.local': [OLD, 0o600], 'node_modules/pkg/index.js': 'module.exports = 1;\n', 'src/app.ts': 'export const changed = 1;\n' });
}

/** Claude Code's file tool on FILE: a Write, or an Edit of the API_KEY line. */
const fileTool = (tool: 'Write' | 'Edit', file: string): ToolCall => (tool === 'Write' ? { tool, file } : { tool, file, oldString: 'API_KEY', newString: 'KEY' });

/** The state with the mode of .env.local (a 0600 secret), which captureState reads as the exec bit only. */
const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env.local']);

const SHELL_OVERWRITES = ['cp env.example .env.local', 'echo NEW=1 > .env.local', "sed -i 's/s3cr3t/x/' .env.local", 'mv env.example .env.local', 'printf "A=1\\n" | tee .env.local'];

describe('an ignored file an agent overwrites is captured first and comes back', () => {
  it.each(SHELL_OVERWRITES)('%s: overwrite-ignored, rollback gives the old bytes back, --undo the new ones', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      const before = fullState(t);
      // The verdict, rule and reason as the hook journaled them (the one evaluation check-command
      // shares): no check-command process of its own.
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(hook.snapshotReason).toContain('.env.local');
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).not.toEqual(OLD);
      const after = fullState(t);
      // guard rollback with no id, as a person runs it after the incident.
      const out = rollbackOk(t);
      expect(out).toContain('.env.local');
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });

  it('appending (>>, tee -a), writing a tracked file and writing inside regenerable output stay plain writes', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['echo A=1 >> .env.local', 'echo A=1 | tee -a .env.local', 'echo x > src/app.ts', 'echo x > new.local', 'echo x > node_modules/pkg/index.js', 'rm node_modules/pkg/index.js']) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
    });
  });

  it.each(['Write', 'Edit'] as const)("Claude Code's %s tool on .env.local: captured first; a tracked file or a new one takes no snapshot", async (tool) => {
    await withTestRepo((t) => {
      setup(t);
      const before = fullState(t);
      expect(preToolHook(t, fileTool(tool, 'src/app.ts')).stdout).toBe('');
      expect(preToolHook(t, fileTool(tool, 'brand-new.local')).stdout).toBe('');
      expect(preToolHook(t, fileTool(tool, 'node_modules/pkg/index.js')).stdout).toBe('');
      const events = (): Array<{ type: string; capturedIgnored?: string[] }> => loggedEvents(t, 'allowed-after-snapshot');
      expect(events()).toEqual([]);
      expect(preToolHook(t, fileTool(tool, '.env.local')).stdout).toBe('');
      expect(events()).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] })]);
      // What the tool then does.
      fs.writeFileSync(path.join(t.dir, '.env.local'), 'NEW=1\n');
      const after = fullState(t);
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(OLD);
      expect(fullState(t)).toEqual(before);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });
});

describe('an ignored file larger than guard captures is not replaced by a file tool', () => {
  it.each(['Write', 'Edit'] as const)("Claude Code's %s over an ignored file over commands.maxIgnoredCapture: denied (capture-too-large), naming the file, its size, the limit and the way forward; smaller and regenerable files as before", async (tool) => {
    await withTestRepo((t) => {
      setup(t);
      commitFiles(t, { '.gitignore': 'node_modules/\n*.local\ndata/\n', '.guard.yaml': 'version: 1\ncommands:\n  maxIgnoredCapture: 1KB\n' }, 'policy');
      const big = Buffer.alloc(4096, 7);
      t.write('data/model.bin', big);
      t.write('node_modules/pkg/big.js', Buffer.alloc(4096, 0x61));
      const blocked = (): Array<{ rule?: string; path?: string; reason?: string }> => loggedEvents(t, 'blocked');

      const denied = preToolHook(t, fileTool(tool, 'data/model.bin'));
      expect(denied.decision).toBe('deny');
      for (const part of ['data/model.bin (4.0 KB)', 'commands.maxIgnoredCapture: 1.0 KB', 'could not bring the old bytes back', 'raise commands.maxIgnoredCapture in .guard.yaml']) expect(denied.reason).toContain(part);
      expect(blocked()).toEqual([expect.objectContaining({ rule: 'capture-too-large', tool, path: path.join(t.dir, 'data/model.bin') })]);
      // The shell form of the same write is refused under the same rule.
      expect(checkVerdict(t, 'cp env.example data/model.bin')).toMatchObject({ verdict: 'deny', rule: 'capture-too-large' });
      expect(fs.readFileSync(path.join(t.dir, 'data/model.bin'))).toEqual(big);

      // Under the limit (.env.local is 19 bytes) it is captured first, as before; regenerable output is free.
      expect(preToolHook(t, fileTool(tool, '.env.local')).stdout).toBe('');
      expect(preToolHook(t, fileTool(tool, 'node_modules/pkg/big.js')).stdout).toBe('');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['.env.local'] })]);
      expect(blocked()).toHaveLength(1);
    });
  });
});
