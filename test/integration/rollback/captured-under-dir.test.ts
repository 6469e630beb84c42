/**
 * Captured ignored files where a directory, or a file above them, stands at rollback time.
 *
 * git deletes an ignored file that stands where the index or a tree needs a directory without a
 * word: `git checkout-index -a -f` where the index tracks `conf/x` and `conf` is an ignored file,
 * `git switch other` where other tracks `secrets/x`. The agent hook captures the file first, but
 * `guard rollback` to before the command found a directory at its name, left it alone, deleted the
 * directory's tracked file and so left neither: a file the snapshot held was silently not restored
 * (found 2026-12-04 by the landing-ranges helper). Now the rollback takes the directory out (its
 * files are in the pre-rollback snapshot) and writes the captured file, and --undo gives the
 * directory back.
 *
 * Where the captured file cannot come back without breaking the target itself (the target has a
 * directory at its name), the target's files win, and the plan, the output and --json name the
 * file, the reason and the command that gives its bytes; the overlay used to replace the target's
 * `conf/x` with the captured `conf` without a word. Two captures that cannot both be on disk
 * (`conf`, then `conf/y` under a directory made after it) keep the one closer to the target.
 *
 * Every step through the agent hook and real git in a hermetic repository; compared byte for byte
 * with the permission bits of every file and directory, the index, HEAD, refs, the stash and
 * `git status --ignored`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk } from '../../helpers/repo-steps.js';
import { rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { captureState } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** Every path under the work tree (directories too: an empty one left behind shows) with its kind and bits. */
function entries(root: string, dir = root, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const rel = path.relative(root, full);
    if (rel === '.git') continue;
    const stat = fs.lstatSync(full);
    out[rel] = `${entry.isDirectory() ? 'dir' : entry.isSymbolicLink() ? 'link' : 'file'} ${(stat.mode & 0o7777).toString(8)}`;
    if (entry.isDirectory()) entries(root, full, out);
  }
  return out;
}

/** Bytes and exec bits, index, HEAD, refs, stash (captureState), every path's bits, and git's own view with ignored files. */
function fullState(t: TestRepo): unknown {
  return {
    ...captureState(t),
    entries: entries(t.dir),
    status: t.git(['status', '--porcelain=v2', '-z', '--ignored', '--untracked-files=all']).split('\0'),
  };
}

/** The agent hook allows `command`, then it runs. */
function agentRuns(t: TestRepo, command: string): void {
  expect(agentVerdict(t, command).decision, command).toBe('allow');
  shellOk(t, command);
}

/** The pre-rollback snapshot a rollback's output names (`The state before is snapshot ID.`). */
function preSnapshot(out: string): string {
  const id = /The state before is snapshot ([0-9a-f]+)\./.exec(out)?.[1];
  expect(id, out).toBeDefined();
  return id as string;
}

function blob(t: TestRepo, spec: string): Buffer {
  const r = spawnSync('git', ['cat-file', 'blob', spec], { cwd: t.dir, env: t.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

describe('a captured ignored file where a directory stands now', () => {
  it('git checkout-index -a -f wrote conf/x where the ignored file conf was: rollback writes conf back, --undo the directory', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', 'conf/x': 'tracked\n' });
      t.git(['checkout', '-q', '-b', 'work']);
      commitFiles(t, { '.gitignore': 'conf\n' }, 'ignore conf');
      // The person replaced the directory with a file of their own, ignored.
      fs.rmSync(path.join(t.dir, 'conf'), { recursive: true });
      t.write('conf', SECRET, 0o600);
      const before = fullState(t);
      agentRuns(t, 'git checkout-index -a -f');
      expect(t.read('conf/x')).toBe('tracked\n');
      const after = fullState(t);
      const out = rollbackOk(t);
      expect(out).toContain('brought back: 1');
      expect(out).not.toContain('NOT brought back');
      // The index lists conf/x, conf/x is gone from the disk, conf is the ignored file at 0600.
      expect(fullState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, 'conf'))).toEqual(SECRET);
      // The directory the rollback removed is in its own snapshot.
      expect(blob(t, `${preSnapshot(out)}:conf/x`).toString()).toBe('tracked\n');
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });

  it('git switch to a branch that tracks secrets/x where the ignored file secrets was: rollback and --undo exact', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'secrets\n' });
      t.git(['checkout', '-q', '-b', 'other']);
      t.write('secrets/x', 'generated\n');
      t.git(['add', '-f', 'secrets/x']);
      t.git(['commit', '-q', '-m', 'other tracks secrets/x']);
      t.git(['checkout', '-q', 'main']);
      t.write('secrets', SECRET, 0o640);
      const before = fullState(t);
      agentRuns(t, 'git switch other');
      expect(t.read('secrets/x')).toBe('generated\n');
      const after = fullState(t);
      rollbackOk(t);
      expect(fullState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, 'secrets'))).toEqual(SECRET);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });

  it('a captured file whose directory became an ignored file: the file comes back, --undo gives the other one back', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'logs\n' });
      t.write('logs/app.log', SECRET, 0o600);
      const before = fullState(t);
      agentRuns(t, 'rm -r logs');
      agentRuns(t, "printf 'not a directory\\n' > logs");
      const after = fullState(t);
      rollbackOk(t);
      expect(fullState(t)).toEqual(before);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });
});

describe('a captured ignored file that cannot come back is named, never left out silently', () => {
  it('the target has a directory where the capture is a file: the target wins; plan, output and --json name it with the command for its bytes', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'conf\n' });
      t.write('conf/x', 'tracked\n');
      t.git(['add', '-f', 'conf/x']);
      t.git(['commit', '-q', '-m', 'track conf/x']);
      const before = fullState(t);
      agentRuns(t, 'rm -r conf');
      agentRuns(t, "printf 'API_KEY=s3cr3t\\n' > conf && chmod 600 conf");
      agentRuns(t, 'rm conf');
      const after = fullState(t);
      const dry = t.guard(['rollback', '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      const plan = (JSON.parse(dry.stdout) as { plan: { capturedIgnored: string[]; capturedNotRestored: Array<{ path: string; snapshot: string; reason: string; command: string }> } }).plan;
      expect(plan.capturedIgnored).toEqual([]);
      expect(plan.capturedNotRestored).toHaveLength(1);
      const left = plan.capturedNotRestored[0]!;
      expect(left).toMatchObject({ path: 'conf', reason: 'the target has a directory there (conf/x)' });
      expect(left.command).toBe(`git cat-file blob ${left.snapshot.slice(0, 12)}:conf > FILE`);
      // The command it names gives the captured bytes.
      expect(blob(t, `${left.snapshot.slice(0, 12)}:conf`).toString()).toBe('API_KEY=s3cr3t\n');
      const out = rollbackOk(t);
      expect(out).toContain('NOT brought back');
      expect(out).toContain('conf: the target has a directory there (conf/x)');
      expect(out).toContain(left.command);
      // The target's own tracked conf/x, exactly (the captured conf used to replace it).
      expect(fullState(t)).toEqual(before);
      undoOk(t);
      expect(fullState(t)).toEqual(after);
    });
  });

  it('conf captured, then conf/y under a directory made after it: the capture closer to the target comes back, the other is named', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n', '.gitignore': 'conf\n' });
      t.write('conf', SECRET, 0o600);
      const before = fullState(t);
      agentRuns(t, 'rm conf');
      agentRuns(t, "mkdir conf && printf 'y\\n' > conf/y");
      agentRuns(t, 'rm -r conf');
      const after = fullState(t);
      const out = rollbackOk(t);
      expect(out).toContain('conf/y: the captured file conf comes back where it needs a directory');
      expect(fullState(t)).toEqual(before);
      expect(after).not.toEqual(before);
      // The other capture is still there for whoever wants it.
      expect(out).toMatch(/git cat-file blob [0-9a-f]{12}:conf\/y > FILE/);
      // --undo: no snapshot holds an ignored file, and a rollback never deletes one that is not in
      // its way: conf stays, as after a rollback of `rm .env` (nothing else differs).
      undoOk(t);
      expect(fullState(t)).toEqual(before);
    });
  });
});
