/**
 * `guard undo STEP` of a step whose `before` is the session-start snapshot. That snapshot captures
 * the ignored files that are not regenerable (`.env`, Claude Code's `.claude/settings.local.json`),
 * and the next snapshot does not record them: the step's diff showed them deleted. The timeline
 * dropped that `D` while the file is on disk (captured-still-there.ts), the undo did not, and
 * "reverted" it: it wrote the session start's copy of `.env` over the person's edit, and counted
 * as applied where every real change conflicted (the timeline test failed so under load, when the
 * watcher's first snapshot came after step 1). Now the undo drops it too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { json, waitForWatcher } from '../watcher/helpers.js';
import { A0, journal, lines, ScriptedClaude, setUpRepo } from './timeline-driver.js';

describe('guard undo of the first step after a session start', () => {
  it('leaves the ignored files the session start captured alone and undoes only what the step changed', async () => {
    await withTestRepo(async (t) => {
      setUpRepo(t);
      t.write('.git/info/exclude', '.claude/\n.env\n');
      t.write('.env', 'SECRET=start\n', 0o600);
      // A watcher slow to take its start-up snapshot (it waits for the debounce): step 1's `before`
      // is the session-start snapshot itself (under load that happened with the fast watcher too).
      t.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 30000\n  maxIntervalMs: 60000\n');
      const agent = new ScriptedClaude(t, 'conv-undo-start');
      agent.start();
      await waitForWatcher(t);
      const snapshots = journal(t).filter((e) => e.type === 'snapshot' || e.type === 'session-start');
      expect(snapshots.filter((e) => e.trigger === 'watch'), 'no watcher snapshot before step 1').toEqual([]);
      t.write('.env', 'SECRET=edited by the person\n', 0o600);

      await agent.step({ name: 'Bash', command: "sed -i 's/^two$/TWO/' a.txt" });
      const timeline = json(t, ['timeline']);
      const step = timeline.steps[0];
      expect(json(t, ['list', '--all']).find((s: any) => s.oid === step.before)?.trigger).toBe('session-start');
      expect(step.files.map((f: any) => `${f.status} ${f.path}`)).toEqual(['modified a.txt']);

      const undo = t.guard(['undo', step.id, '--yes', '--json']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(JSON.parse(undo.stdout).files).toEqual([{ path: 'a.txt', action: 'revert' }]);
      expect(t.read('a.txt')).toBe(lines(A0));
      expect(fs.readFileSync(path.join(t.dir, '.env'), 'utf8')).toBe('SECRET=edited by the person\n');
      expect(fs.existsSync(path.join(t.dir, '.claude', 'settings.local.json'))).toBe(true);
      expect(json(t, ['watch', 'stop']).stopped).toBe(true);
    });
  });
});
