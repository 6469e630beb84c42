/**
 * A command that may delete the repository's .git with the snapshot taken before it: a recursive
 * delete in a running container guard cannot match to a compose service (`docker exec web rm -rf
 * /app`, container-run.ts), where /app may be the repository's bind mount. The snapshot alone
 * would go with .git; so the agent hook puts it into the backup outside the working tree before
 * it answers (Verdict.backupFirst), and refuses the command where the backup cannot take it.
 * Real git, the real `guard agent-hook claude pre-tool`, the real backup push.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { realBackupPushInFile } from '../../helpers/env.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { loggedEvents, guardOk } from '../../helpers/guard-steps.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

// The backup is what these tests look at.
realBackupPushInFile();

const COMMAND = 'docker exec otherproj-web-1 rm -rf /app';

function setup(t: TestRepo): void {
  t.write('a.txt', 'committed\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
  t.write('notes.txt', 'untracked work\n');
}

/** Whether the backup holds `oid` (a snapshot commit), asked of the backup's own git directory. */
function backupHolds(t: TestRepo, oid: string): boolean {
  const status = JSON.parse(t.guard(['backup', 'status', '--json']).stdout) as { path: string };
  return t.gitResult(['--git-dir', status.path, 'cat-file', '-e', `${oid}^{commit}`]).code === 0;
}

describe('a command that may delete .git gets its snapshot into the backup first', () => {
  it('docker exec of an unknown container deleting /app: allowed once the snapshot is in the backup, which recover restores from', () =>
    withTestRepo((t) => {
      setup(t);
      expect(checkVerdict(t, COMMAND, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'container-unknown-mounts', backupFirst: true });
      // Whichever snapshot verdict stands for the line (the first of equal ones), the backup comes first.
      expect(checkVerdict(t, `rm -rf notes.txt && ${COMMAND}`, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', backupFirst: true });
      // A command that cannot reach .git keeps the background push.
      expect(checkVerdict(t, 'rm -rf notes.txt', { asAgent: true })).not.toHaveProperty('backupFirst');
      expect(agentVerdict(t, COMMAND).decision).toBe('allow');
      const [allowed] = loggedEvents<{ snapshot: string; backedUpFirst?: boolean }>(t, 'allowed-after-snapshot');
      expect(allowed?.backedUpFirst).toBe(true);
      // In the backup when the hook answered, not some time after.
      expect(backupHolds(t, allowed!.snapshot)).toBe(true);
      // What the container's rm -rf /app does where /app is the repository's bind mount: its content
      // goes, .git with the snapshots in it, the mount point stays.
      for (const entry of fs.readdirSync(t.dir)) fs.rmSync(path.join(t.dir, entry), { recursive: true, force: true });
      const recovered = t.guard(['recover', '--yes']);
      expect(recovered.code, recovered.stderr).toBe(0);
      expect(t.read('notes.txt')).toBe('untracked work\n');
      expect(t.read('a.txt')).toBe('committed\n');
    }));

  it('refused when the backup cannot take the snapshot, saying why and what to do', () =>
    withTestRepo(async (t) => {
      setup(t);
      // init's own push into the backup runs on, detached: removing the backup while it writes
      // there failed with ENOTEMPTY (a clean-clone run on a faster machine).
      await backgroundPushDone(t.dir);
      // A backup that cannot take a push: a regular file where its git directory was.
      const { path: backup } = JSON.parse(t.guard(['backup', 'status', '--json']).stdout) as { path: string };
      fs.rmSync(backup, { recursive: true, force: true });
      fs.writeFileSync(backup, 'not a repository\n');
      const hook = agentVerdict(t, COMMAND);
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('could not be put into the backup');
      expect(hook.reason).toContain('guard backup push');
      expect(t.read('notes.txt')).toBe('untracked work\n');
    }));
});
