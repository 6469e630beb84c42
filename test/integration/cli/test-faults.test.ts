/**
 * The test-only fault injection (src/util/test-faults.ts) is compiled out of the product: the
 * GUARD_TEST_* variables do nothing to what users run (dist/), and only the test bundle
 * (dist-test/, under GUARD_TEST_BUNDLE=1) honours them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { backgroundPushDone } from '../../helpers/background-push.js';
import { PROJECT_ROOT, withTestRepo } from '../../helpers/git-repo.js';

const PAYLOAD = (dir: string) => JSON.stringify({ session_id: 's', cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf build' } });

describe('test-only fault injection', () => {
  it('no GUARD_TEST_* variable changes what the product does', () =>
    withTestRepo(async (repo) => {
      // The product (dist/), as users run it: the helpers' environment names the test bundle.
      const product = { GUARD_TEST_BUNDLE: '' };
      const faults = { ...product, GUARD_TEST_KILL_AFTER_STEP: 'refs', GUARD_TEST_CRASH: '1', GUARD_TEST_SNAPSHOT_DELAY_MS: '60000', GUARD_TEST_FAKE_WATCH_LIMIT: '1', GUARD_TEST_NO_AUTO_PUSH: '1' };
      repo.write('a.txt', 'committed\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      repo.write('a.txt', 'snapshotted\n');
      const snapshot = repo.guard(['snapshot', '--json'], { env: faults });
      expect(snapshot.code, snapshot.stderr).toBe(0);
      // The snapshot's automatic push ran: the backup holds it.
      await backgroundPushDone(repo.dir);
      const backup = JSON.parse(repo.guard(['backup', 'status', '--json'], { env: product }).stdout) as { path: string };
      const id = (JSON.parse(snapshot.stdout) as { id: string }).id;
      const head = repo.git(['for-each-ref', '--format=%(objectname)', 'refs/guard/'], { cwd: backup.path }).trim().split('\n');
      expect(head).toContain(repo.git(['rev-parse', `${id}^{commit}`]).trim());
      repo.write('a.txt', 'lost\n');
      // A rollback told to die after a step finishes.
      const rollback = repo.guard(['rollback', '--yes'], { env: faults });
      expect(rollback.code, rollback.stderr).toBe(0);
      expect(repo.read('a.txt')).toBe('snapshotted\n');
      // An agent hook told to crash answers normally (a snapshot, then allow; no crash deny).
      const hook = repo.guard(['agent-hook', 'claude', 'pre-tool'], { env: faults, input: PAYLOAD(repo.dir) });
      expect(hook.code).toBe(0);
      expect(hook.stdout).not.toContain('crash');
      expect(hook.stderr).not.toContain('simulated crash');

      // The test bundle does honour them (what the fault tests rely on).
      const crashed = repo.guard(['agent-hook', 'claude', 'pre-tool'], { env: { ...faults, GUARD_TEST_BUNDLE: '1' }, input: PAYLOAD(repo.dir) });
      expect(`${crashed.stdout}${crashed.stderr}`).toContain('simulated crash');
    }));

  it('the test bundle under GUARD_TEST_NO_AUTO_PUSH=1 (the helpers\' default) starts no backup push; the product does', () =>
    withTestRepo(async (repo) => {
      repo.write('a.txt', 'committed\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const log = path.join(repo.dir, '.git', 'guard', 'backup-push.log');
      expect(repo.env.GUARD_TEST_NO_AUTO_PUSH).toBe('1');
      expect(repo.guard(['snapshot']).code).toBe(0);
      expect(fs.existsSync(log)).toBe(false);
      expect(JSON.parse(repo.guard(['backup', 'status', '--json']).stdout).lastPush).toBe(null);
      repo.write('a.txt', 'changed\n');
      expect(repo.guard(['snapshot'], { env: { GUARD_TEST_BUNDLE: '' } }).code).toBe(0);
      await backgroundPushDone(repo.dir);
      expect(fs.existsSync(log)).toBe(true);
      expect(JSON.parse(repo.guard(['backup', 'status', '--json']).stdout).lastPush.ok).toBe(true);
    }));

  it('the package never ships the test bundle', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).not.toContain('dist-test');
    // The product bundle reads none of them: the reads were compiled to nothing (the test bundle has them).
    const bundle = (dir: string) => fs.readdirSync(path.join(PROJECT_ROOT, dir)).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(PROJECT_ROOT, dir, f), 'utf8')).join('\n');
    const product = bundle('dist');
    const test = bundle('dist-test');
    for (const name of ['GUARD_TEST_KILL_AFTER_STEP', 'GUARD_TEST_SNAPSHOT_DELAY_MS', 'GUARD_TEST_FAKE_WATCH_LIMIT', 'GUARD_TEST_CHECK_IGNORE_DIES_WHILE', 'GUARD_TEST_WALK_PAUSE_AT', 'GUARD_TEST_RESCAN_PAUSE_AT', 'GUARD_TEST_STAT_SECONDS', 'GUARD_TEST_NO_AUTO_PUSH']) {
      expect(product, name).not.toContain(name);
      expect(test, name).toContain(name);
    }
    expect(product).not.toMatch(/process\.env\[name\]/);
  });
});
