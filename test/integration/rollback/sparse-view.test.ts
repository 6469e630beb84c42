/**
 * The sparse-checkout view through a rollback and its --undo. Found on a vite clone: after an
 * agent's `git sparse-checkout disable; ...; git sparse-checkout set playground`, the rollback gave
 * back the files but not the person's view (the pattern file and core.sparseCheckout* were not in
 * the snapshot), and guard's own `sparse-checkout reapply`, run under the agent's cone patterns,
 * deleted packages/vite/dist (ignored build output, no snapshot held it): cone mode removes every
 * directory leaving the cone that holds only ignored files. Snapshots now record the view
 * (sparse-state.ts), rollback puts it back and reapplies without cone mode's cleaning
 * (sparse-restore.ts). Every file is compared byte for byte, ignored ones included.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState } from '../../helpers/state.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { json, waitForBackgroundPush } from '../watcher/helpers.js';
import { realBackupPush } from '../../helpers/env.js';

type Mode = 'cone' | 'no-cone';

function snapshot(t: TestRepo, cwd = t.dir): string {
  const r = t.guard(['snapshot', '--json'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id as string;
}

function rollback(t: TestRepo, args: string[], cwd = t.dir): void {
  const r = t.guard(['rollback', ...args, '--yes'], { cwd });
  expect(r.code, r.stderr).toBe(0);
}

/** The view: the pattern file's bytes (hex), the three settings as git reads them here, the skip-worktree bits. */
function view(t: TestRepo, cwd = t.dir): unknown {
  const file = t.git(['rev-parse', '--path-format=absolute', '--git-path', 'info/sparse-checkout'], { cwd }).trim();
  const setting = (key: string): string | null => {
    const r = t.gitResult(['config', '--get', key], { cwd });
    return r.code === 0 ? r.stdout.trim() : null;
  };
  return {
    patterns: fs.existsSync(file) ? fs.readFileSync(file).toString('hex') : null,
    settings: ['core.sparseCheckout', 'core.sparseCheckoutCone', 'index.sparse'].map(setting),
    tags: t.git(['ls-files', '-t', '-z'], { cwd }).split('\0'),
  };
}

function state(t: TestRepo, cwd = t.dir): unknown {
  return { ...captureState(t, cwd), view: view(t, cwd) };
}

/** Every file's name (hex of its bytes: not all are UTF-8) and content, and the view. */
function bytesState(t: TestRepo): unknown {
  const files: Record<string, string> = {};
  const walk = (dir: Buffer): void => {
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
      if (name.toString() === '.git') continue;
      const full = Buffer.concat([dir, Buffer.from('/'), name]);
      if (fs.lstatSync(full).isDirectory()) walk(full);
      else files[full.toString('hex')] = fs.readFileSync(full).toString('hex');
    }
  };
  walk(Buffer.from(t.dir));
  return { files, index: t.git(['ls-files', '-s', '-z']), view: view(t) };
}

/** a/, b/, c/ tracked; dist/ ignored everywhere. */
function commitTree(t: TestRepo, cwd = t.dir): void {
  for (const name of ['a/f', 'b/f', 'c/f']) fs.mkdirSync(path.join(cwd, path.dirname(name)), { recursive: true });
  for (const name of ['a/f', 'b/f', 'c/f']) fs.writeFileSync(path.join(cwd, name), `${name}\n`);
  fs.writeFileSync(path.join(cwd, '.gitignore'), 'dist/\n');
  t.git(['add', '-A'], { cwd });
  t.git(['commit', '-q', '-m', 'A'], { cwd });
}

function setView(t: TestRepo, mode: Mode, dirs: string[], cwd = t.dir): void {
  t.git(['sparse-checkout', 'set', `--${mode}`, ...(mode === 'cone' ? dirs : dirs.map((d) => `/${d}/`))], { cwd });
}

/** What the agent did on the vite clone: leave the view, edit a file in it, set another view, reset. */
function agent(t: TestRepo, mode: Mode, cwd = t.dir): void {
  t.git(['sparse-checkout', 'disable'], { cwd });
  fs.appendFileSync(path.join(cwd, 'a/f'), 'agent\n');
  setView(t, mode, ['c'], cwd);
  t.git(['reset', '-q', '--hard'], { cwd });
  fs.appendFileSync(path.join(cwd, 'c/f'), 'agent\n');
}

describe("an agent's git sparse-checkout through the installed hook", () => {
  it('is snapshotted first, and the rollback to that snapshot gives the view and the files back', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      setView(t, 'cone', ['a', 'b']);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      // The person's work since guard's last snapshot: an untracked file in b/, an edit in a/ (both leave the view).
      t.write('b/new.txt', 'mine\n');
      fs.appendFileSync(path.join(t.dir, 'a/f'), 'mine\n');
      const before = state(t);
      const hook = installedClaudeHook(t, 'git sparse-checkout set c');
      expect(hook.decision).toBe('allow');
      const journal = fs.readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const allowed = journal.filter((e) => e.type === 'allowed-after-snapshot');
      expect(allowed).toHaveLength(1);
      expect(allowed[0]).toMatchObject({ rule: 'git-sparse-checkout' });
      t.git(['sparse-checkout', 'set', 'c'], { env: { CLAUDECODE: '1' } });
      expect(t.exists('b/f')).toBe(false);
      rollback(t, [allowed[0]!.snapshot as string]);
      expect(state(t)).toEqual(before);
    });
  });
});

describe('rollback puts the sparse-checkout view back', () => {
  it.each<Mode>(['cone', 'no-cone'])('%s mode: the view and the ignored build output under it, through a rollback and its --undo', async (mode) => {
    await withTestRepo((t) => {
      commitTree(t);
      setView(t, mode, ['a', 'b']);
      t.write('a/dist/index.js', 'built\n');
      t.write('b/notes.txt', 'untracked\n');
      const before = state(t);
      const id = snapshot(t);
      agent(t, mode);
      expect(t.exists('a/dist/index.js')).toBe(true);
      const after = state(t);
      // The pattern file's blob lives in K's tree only (no ref names it otherwise).
      t.git(['gc', '-q', '--prune=now']);
      rollback(t, [id]);
      expect(t.read('a/dist/index.js')).toBe('built\n');
      expect(state(t)).toEqual(before);
      rollback(t, ['--undo']);
      expect(state(t)).toEqual(after);
    });
  });

  it('an agent that made a full checkout sparse: the rollback gives every file back and the settings unset', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      // Inside the agent's cone: git's own `sparse-checkout set a` removes b/dist with b/ (the hook's business).
      t.write('a/dist/out.js', 'built\n');
      const before = state(t);
      const id = snapshot(t);
      setView(t, 'cone', ['a']);
      const after = state(t);
      // No snapshot named: the one before the agent's view differs from now by the view alone
      // (the files off the disk keep their index version in the snapshot's tree).
      rollback(t, []);
      expect(state(t)).toEqual(before);
      expect(t.exists('c/f')).toBe(true);
      rollback(t, ['--undo']);
      expect(state(t)).toEqual(after);
      expect(t.guard(['list', '--json']).stdout).toContain(id);
    });
  });

  it('a pattern file with a name that is not UTF-8 comes back byte for byte, with its directory', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      const latin = Buffer.from('caf\xe9', 'latin1');
      fs.mkdirSync(Buffer.concat([Buffer.from(`${t.dir}/`), latin]));
      fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), latin, Buffer.from('/f')]), 'latin\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'latin']);
      setView(t, 'no-cone', ['a']);
      const file = t.git(['rev-parse', '--path-format=absolute', '--git-path', 'info/sparse-checkout']).trim();
      fs.writeFileSync(file, Buffer.concat([Buffer.from('/a/\n/'), latin, Buffer.from('/\n')]));
      t.git(['sparse-checkout', 'reapply']);
      const before = bytesState(t);
      const id = snapshot(t);
      agent(t, 'no-cone');
      expect(fs.existsSync(Buffer.concat([Buffer.from(`${t.dir}/`), latin]))).toBe(false);
      rollback(t, [id]);
      expect(bytesState(t)).toEqual(before);
      expect(fs.readFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), latin, Buffer.from('/f')]), 'utf8')).toBe('latin\n');
    });
  });

  it('a linked worktree: its own view comes back, the main worktree keeps its own', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      setView(t, 'cone', ['b']);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt]);
      setView(t, 'cone', ['a'], wt);
      fs.mkdirSync(path.join(wt, 'a/dist'));
      fs.writeFileSync(path.join(wt, 'a/dist/index.js'), 'built\n');
      const main = state(t);
      const before = state(t, wt);
      const id = snapshot(t, wt);
      agent(t, 'cone', wt);
      const after = state(t, wt);
      rollback(t, [id], wt);
      expect(state(t, wt)).toEqual(before);
      expect(state(t)).toEqual(main);
      rollback(t, ['--undo'], wt);
      expect(state(t, wt)).toEqual(after);
      expect(state(t)).toEqual(main);
    });
  });

  it('guard recover after rm -rf .git gives the view back with the files', async () => {
    await withTestRepo(async (t) => {
      // recover reads the backup: this repository pushes after each snapshot, as the product does.
      realBackupPush(t);
      commitTree(t);
      setView(t, 'cone', ['a']);
      t.write('a/dist/index.js', 'built\n');
      json(t, ['snapshot']);
      expect(json(t, ['backup', 'push']).local.ok).toBe(true);
      await waitForBackgroundPush(t);
      const before = state(t);
      fs.rmSync(path.join(t.dir, '.git'), { recursive: true, force: true });
      const r = t.guard(['recover', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(state(t)).toEqual(before);
      expect(t.exists('b/f')).toBe(false);
    });
  });

  it('a restore of some paths keeps the view of now and the ignored files under directories outside it', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      setView(t, 'cone', ['a', 'b']);
      t.write('a/dist/index.js', 'built\n');
      const id = snapshot(t);
      agent(t, 'cone');
      const agentView = view(t);
      rollback(t, [id, '--paths', 'c/**']);
      expect(t.read('a/dist/index.js')).toBe('built\n');
      expect(t.read('c/f')).toBe('c/f\n');
      expect(view(t)).toEqual(agentView);
    });
  });
});

/**
 * In cone mode git removes each directory leaving the cone that holds only ignored files, and no
 * snapshot holds ignored files: the hook reads them first (src/git/sparse-leaving.ts) and captures
 * them into its snapshot (src/policy/command/sparse-checkout.ts), or denies what it cannot capture.
 */
describe("an agent's cone-mode git sparse-checkout and the ignored files it deletes", () => {
  const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
  const odd = Buffer.concat([Buffer.from('b/cache-'), Buffer.from([0xff]), Buffer.from('.local')]);
  const full = (t: TestRepo, rel: Buffer | string): Buffer => Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.isBuffer(rel) ? rel : Buffer.from(rel)]);

  function ignoredFiles(t: TestRepo): void {
    fs.writeFileSync(path.join(t.dir, '.gitignore'), 'dist/\n*.local\n.env*\n');
    t.git(['add', '.gitignore']);
    t.git(['commit', '-q', '-m', 'ignore']);
    t.write('b/.env.local', SECRET);
    t.write('b/tool.local', '#!/bin/sh\necho hi\n', 0o755);
    fs.writeFileSync(full(t, odd), 'not utf-8\n');
    t.write('b/dist/index.js', 'built\n');
  }

  it('set: the ignored files of the directory leaving the cone are captured, and the rollback gives them back byte for byte with their modes', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      ignoredFiles(t);
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const before = bytesState(t);
      const modeOf = (rel: string): number => fs.statSync(path.join(t.dir, rel)).mode & 0o777;
      const hook = installedClaudeHook(t, 'git sparse-checkout set a');
      expect(hook.decision).toBe('allow');
      const journal = fs.readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
      const allowed = journal.filter((e) => e.type === 'allowed-after-snapshot');
      expect(allowed).toHaveLength(1);
      expect(allowed[0]).toMatchObject({ rule: 'git-sparse-checkout' });
      // Named the way every path is (git-quoted when not UTF-8); regenerable output is not captured.
      const diff = JSON.parse(t.guard(['diff', allowed[0]!.snapshot as string, '--json']).stdout) as { capturedIgnored: string[] };
      expect(diff.capturedIgnored.sort()).toEqual(['"b/cache-\\377.local"', 'b/.env.local', 'b/tool.local'].sort());
      t.git(['sparse-checkout', 'set', 'a'], { env: { CLAUDECODE: '1' } });
      expect(t.exists('b')).toBe(false);
      expect(t.exists('c')).toBe(false);
      rollback(t, [allowed[0]!.snapshot as string]);
      expect(fs.readFileSync(path.join(t.dir, 'b/.env.local'))).toEqual(SECRET);
      expect(fs.readFileSync(full(t, odd), 'utf8')).toBe('not utf-8\n');
      expect(modeOf('b/tool.local')).toBe(0o755);
      expect(modeOf('b/.env.local')).toBe(0o644);
      // The regenerable output went with the directory, uncaptured, as commands.regenerable says.
      expect(t.exists('b/dist/index.js')).toBe(false);
      t.write('b/dist/index.js', 'built\n');
      expect(bytesState(t)).toEqual(before);
    });
  });

  it('over commands.maxIgnoredCapture: denied, naming the count, the file and the way forward', async () => {
    await withTestRepo((t) => {
      commitTree(t);
      t.write('.guard.yaml', 'version: 1\ncommands:\n  maxIgnoredCapture: 1KB\n');
      t.git(['add', '.guard.yaml']);
      t.git(['commit', '-q', '-m', 'policy']);
      ignoredFiles(t);
      t.write('b/big.local', Buffer.alloc(4096, 1));
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const hook = installedClaudeHook(t, 'git sparse-checkout set a');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('deletes 4 ignored files');
      expect(hook.reason).toContain('b/big.local');
      expect(hook.reason).toContain('run the sparse-checkout command themselves, outside the agent');
      // Keeping b in the cone deletes nothing that is ignored: a snapshot, no capture.
      expect(installedClaudeHook(t, 'git sparse-checkout set a b').decision).toBe('allow');
    });
  });
});
