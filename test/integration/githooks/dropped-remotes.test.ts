/**
 * Remote-tracking refs are not in snapshots, and a deleted ref's reflog goes with it: after `git
 * fetch --prune` (or `git branch -dr`) the commits of a branch the remote deleted were an
 * unreachable object, gone at the next `git gc`. The reference-transaction hook keeps their tips
 * in refs/guard/keep/head and says how to bring each back. Real git: a bare remote, packed refs
 * (git 2.39 deletes each loose ref in a transaction of its own after the packed one), gc.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitFor } from '../watcher/helpers.js';
import { AGENT_ENV, guarded, keptTips, type Guarded } from './setup.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';

/** A commit on its own branch pushed to the remote, then fetched (remote-tracking ref), the local branch deleted. */
function remoteOnlyBranch(repo: Guarded, name: string): string {
  repo.git(['switch', '-q', '-c', name]);
  repo.write(`${name}.txt`, `${name}\n`);
  repo.git(['add', `${name}.txt`]);
  repo.git(['commit', '-q', '-m', `work on ${name}`]);
  repo.git(['push', '-q', 'origin', name]);
  repo.git(['switch', '-q', 'main']);
  repo.git(['branch', '-q', '-D', name]);
  return repo.rev(`refs/remotes/origin/${name}`)!;
}

describe('deleted remote-tracking refs', () => {
  it('git fetch --prune of branches the remote deleted keeps their tips through gc, and the printed command brings one back', async () => {
    const repo = guarded();
    try {
      const tips = ['one', 'two', 'three'].map((name) => remoteOnlyBranch(repo, name));
      // Packed, as a clone leaves them: the deletion runs one transaction per loose ref after the packed one.
      repo.git(['pack-refs', '--all']);
      for (const name of ['one', 'two', 'three']) repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', name]);

      const fetch = repo.run(['fetch', '--prune', 'origin'], { env: AGENT_ENV });
      expect(fetch.code, fetch.stderr).toBe(0);
      for (const name of ['one', 'two', 'three']) expect(repo.rev(`refs/remotes/origin/${name}`)).toBeNull();
      expect(fetch.stderr).toContain(`guard: origin/two was ${tips[1]}; it stays reachable (refs/guard/keep/head). Back: git update-ref refs/remotes/origin/two ${tips[1]}`);
      // The journal has every old id (before: only the first loose ref's).
      const deleted = repo.journal().filter((e) => e.type === 'ref-update' && String(e.ref).startsWith('refs/remotes/origin/') && /^0+$/.test(String(e.new)));
      expect(deleted.map((e) => [e.ref, e.old]).sort()).toEqual([
        ['refs/remotes/origin/one', tips[0]],
        ['refs/remotes/origin/three', tips[2]],
        ['refs/remotes/origin/two', tips[1]],
      ]);

      // Kept by a background process once the fetch returned.
      await waitFor('the tips in the keep chain', () => tips.every((tip) => keptTips(repo).includes(tip)));
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      for (const tip of tips) expect(repo.run(['cat-file', '-e', `${tip}^{commit}`]).code).toBe(0);

      // The way back the hook printed.
      repo.git(['update-ref', 'refs/remotes/origin/two', tips[1]!]);
      expect(repo.git(['show', 'origin/two:two.txt'])).toBe('two\n');
    } finally {
      repo.cleanup();
    }
  });

  it('git branch -dr keeps the tip it deletes', async () => {
    const repo = guarded();
    try {
      const tip = remoteOnlyBranch(repo, 'feature');
      const r = repo.run(['branch', '-dr', 'origin/feature'], { env: AGENT_ENV });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`Back: git update-ref refs/remotes/origin/feature ${tip}`);
      await waitFor('the tip in the keep chain', () => keptTips(repo).includes(tip));
      repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', 'feature']);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);
      expect(repo.run(['cat-file', '-e', `${tip}^{commit}`]).code).toBe(0);
    } finally {
      repo.cleanup();
    }
  });
  it('a keep that fails leaves its tips named, and the next deletion keeps them too', async () => {
    const repo = guarded();
    try {
      const first = remoteOnlyBranch(repo, 'first');
      const second = remoteOnlyBranch(repo, 'second');
      // The keep chain locked: the background keep of the first deletion fails (update-ref cannot lock it).
      const guardDir = path.join(repo.dir, '.git', 'guard');
      const lock = path.join(repo.dir, '.git', 'refs', 'guard', 'keep', 'head.lock');
      fs.mkdirSync(path.dirname(lock), { recursive: true });
      fs.writeFileSync(lock, '');
      const r1 = repo.run(['branch', '-dr', 'origin/first'], { env: AGENT_ENV });
      expect(r1.code, r1.stderr).toBe(0);
      // The failed run's file still names the tip (before: removed with it, the tip named nowhere).
      const left = await waitFor('the failed keep to leave its file', () => {
        const names = fs.readdirSync(guardDir).filter((name) => /^dropped-remotes\.\d+$/.test(name));
        const text = names.map((name) => fs.readFileSync(path.join(guardDir, name), 'utf8')).join('');
        // Its run over (the owner's pid gone): a running one's file is in use, not left.
        const over = names.every((name) => {
          try {
            process.kill(Number(name.slice('dropped-remotes.'.length)), 0);
            return false;
          } catch {
            return true;
          }
        });
        return over && text.includes(`${first} refs/remotes/origin/first`) ? names : null;
      });
      expect(left).toHaveLength(1);
      fs.rmSync(lock);

      const r2 = repo.run(['branch', '-dr', 'origin/second'], { env: AGENT_ENV });
      expect(r2.code, r2.stderr).toBe(0);
      await waitFor('both tips in the keep chain', () => keptTips(repo).includes(first) && keptTips(repo).includes(second));
      await waitFor('no file left', () => fs.readdirSync(guardDir).every((name) => !name.startsWith('dropped-remotes')));
    } finally {
      repo.cleanup();
    }
  });

  /** The state a first run that could not start leaves (no Node, killed before it took the file): its file, a minute and more old. */
  function waitingFile(repo: Guarded, tip: string, ref: string): string {
    const file = path.join(repo.dir, '.git', 'guard', 'dropped-remotes');
    fs.writeFileSync(file, `${tip} ${ref}\n`);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(file, old, old);
    return file;
  }

  it("a file whose run never started: the next deletion starts a run again, and both tips are kept (before: only appended, both left to gc)", async () => {
    const repo = guarded();
    try {
      const first = remoteOnlyBranch(repo, 'first');
      const second = remoteOnlyBranch(repo, 'second');
      // Gone without a hook run (the loose file removed), its tip only in the waiting file.
      fs.rmSync(path.join(repo.dir, '.git', 'refs', 'remotes', 'origin', 'first'));
      expect(repo.rev('refs/remotes/origin/first')).toBeNull();
      waitingFile(repo, first, 'refs/remotes/origin/first');
      const r = repo.run(['branch', '-dr', 'origin/second'], { env: AGENT_ENV });
      expect(r.code, r.stderr).toBe(0);
      await waitFor('both tips in the keep chain', () => keptTips(repo).includes(first) && keptTips(repo).includes(second));
      await waitFor('no file left', () => fs.readdirSync(path.join(repo.dir, '.git', 'guard')).every((name) => !name.startsWith('dropped-remotes')));
    } finally {
      repo.cleanup();
    }
  });

  it("a run that takes the file between the shim's check and its append: the new file the append made gets a run (before: its tips waited a minute)", async () => {
    const repo = guarded();
    try {
      const first = remoteOnlyBranch(repo, 'first');
      const second = remoteOnlyBranch(repo, 'second');
      // The file is there when the shim looks (a run started for it); the shim's one `find` (its
      // stale check, which runs between the look and the append) stands in for that run taking
      // the file then: renamed as a run's own, by a pid no process has (a run that died after the
      // rename: its file is a leftover the next run takes).
      fs.rmSync(path.join(repo.dir, '.git', 'refs', 'remotes', 'origin', 'first'));
      const file = waitingFile(repo, first, 'refs/remotes/origin/first');
      const now = new Date();
      fs.utimesSync(file, now, now);
      const bin = fs.mkdtempSync(path.join(repo.dir, '.git', 'taker-'));
      fs.writeFileSync(path.join(bin, 'find'), `#!/bin/sh\ncase "$1" in *dropped-remotes) mv "$1" "$1.99999999" ;; esac\nexit 0\n`, { mode: 0o755 });
      const r = repo.run(['branch', '-dr', 'origin/second'], { env: { ...AGENT_ENV, PATH: `${bin}:${process.env.PATH}` } });
      expect(r.code, r.stderr).toBe(0);
      expect(fs.existsSync(`${file}.99999999`) || keptTips(repo).includes(first)).toBe(true);
      // Well before the minute after which a waiting file is started again.
      await waitFor('both tips in the keep chain', () => keptTips(repo).includes(first) && keptTips(repo).includes(second), 20_000);
      await waitFor('no file left', () => fs.readdirSync(path.join(repo.dir, '.git', 'guard')).every((name) => !name.startsWith('dropped-remotes')));
    } finally {
      repo.cleanup();
    }
  });

  it('guard status keeps the tips that wait, and says so; a fresh file (its run about to take it) is left to that run', async () => {
    const repo = guarded();
    try {
      const tip = remoteOnlyBranch(repo, 'feature');
      const file = waitingFile(repo, tip, 'refs/remotes/origin/feature');
      const now = new Date();
      fs.utimesSync(file, now, now);
      const fresh = JSON.parse(repo.guard(['status', '--json']).stdout) as { droppedRemoteTips?: unknown };
      expect(fresh.droppedRemoteTips).toBeUndefined();
      expect(fs.existsSync(file)).toBe(true);
      const old = new Date(Date.now() - 120_000);
      fs.utimesSync(file, old, old);
      const text = repo.guard(['status']);
      expect(text.stdout).toContain('kept 1 tip(s) of deleted remote-tracking refs in refs/guard/keep/head that waited since');
      expect(keptTips(repo)).toContain(tip);
      expect(fs.existsSync(file)).toBe(false);
    } finally {
      repo.cleanup();
    }
  });

  it('guard rollback names the remote-tracking refs pruned since its snapshot, and each named command brings one back', async () => {
    const repo = guarded();
    try {
      // Pruned before the snapshot: not this rollback's business.
      const early = remoteOnlyBranch(repo, 'early');
      repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', 'early']);
      expect(repo.run(['fetch', '--prune', 'origin'], { env: AGENT_ENV }).code).toBe(0);
      await waitFor('the early tip kept', () => keptTips(repo).includes(early));
      const tips = ['one', 'two', 'back'].map((name) => remoteOnlyBranch(repo, name));
      // A second remote branch at two's commit: named too (its commit is kept once, under two's name).
      repo.git(['push', '-q', 'origin', `${tips[1]}:refs/heads/twin`]);
      repo.git(['fetch', '-q', 'origin']);
      repo.git(['pack-refs', '--all']);
      // A state of its own, so the snapshot is a new one (an unchanged state returns the earlier snapshot, older than the early prune).
      repo.write('notes.txt', 'at the snapshot\n');
      const snap = repo.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      const id = JSON.parse(snap.stdout).id as string;
      repo.write('README.md', 'changed after the snapshot\n');

      for (const name of ['one', 'two', 'twin', 'back']) repo.git(['--git-dir', repo.remote, 'branch', '-q', '-D', name]);
      expect(repo.run(['fetch', '--prune', 'origin'], { env: AGENT_ENV }).code).toBe(0);
      await waitFor('the tips in the keep chain', () => tips.every((tip) => keptTips(repo).includes(tip)));
      // 'back' came back on the remote and was fetched again: it exists, so it is not named.
      repo.git(['--git-dir', repo.remote, 'branch', '-q', 'back', tips[2]!]);
      repo.git(['fetch', '-q', 'origin']);
      repo.git(['reflog', 'expire', '--expire=now', '--all']);
      repo.git(['gc', '-q', '--prune=now']);

      const trace = path.join(repo.base, 'rollback-dry-run.trace');
      const dry = repo.guard(['rollback', id, '--dry-run'], { env: traceEnv(trace) });
      expect(dry.code, dry.stderr).toBe(0);
      const named = dry.stdout.split('\n').filter((line) => line.includes('back with: git update-ref '));
      expect(named).toEqual([
        `    refs/remotes/origin/one: back with: git update-ref refs/remotes/origin/one ${tips[0]}`,
        `    refs/remotes/origin/twin: back with: git update-ref refs/remotes/origin/twin ${tips[1]}`,
        `    refs/remotes/origin/two: back with: git update-ref refs/remotes/origin/two ${tips[1]}`,
      ]);
      // One cat-file reads the chain and asks both refs: no git process per ref.
      const count = countGitProcesses(trace);
      expect(count.argv.filter((argv) => argv.some((arg) => arg.includes('refs/remotes/')))).toEqual([]);

      const json = repo.guard(['rollback', id, '--dry-run', '--json']);
      expect(json.code, json.stderr).toBe(0);
      const listed = (JSON.parse(json.stdout) as { prunedRemotes: Array<{ ref: string; oid: string; command: string }> }).prunedRemotes;
      expect(listed.map((p) => [p.ref, p.oid])).toEqual([
        ['refs/remotes/origin/one', tips[0]],
        ['refs/remotes/origin/twin', tips[1]],
        ['refs/remotes/origin/two', tips[1]],
      ]);

      // The rollback itself says them too (the plan it prints), and leaves refs/remotes alone.
      const done = repo.guard(['rollback', id, '--yes']);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stdout).toContain(`git update-ref refs/remotes/origin/two ${tips[1]}`);
      expect(repo.rev('refs/remotes/origin/one')).toBeNull();

      // Each command as printed brings its ref back at the same id, after the gc.
      for (const p of listed) {
        const [cmd, ...args] = p.command.split(' ');
        expect(cmd).toBe('git');
        repo.git(args);
      }
      expect(repo.rev('refs/remotes/origin/one')).toBe(tips[0]);
      expect(repo.rev('refs/remotes/origin/two')).toBe(tips[1]);
      expect(repo.rev('refs/remotes/origin/twin')).toBe(tips[1]);
      expect(repo.git(['show', 'origin/two:two.txt'])).toBe('two\n');
      // Now they exist: no longer named.
      const again = repo.guard(['rollback', id, '--dry-run', '--json']);
      expect((JSON.parse(again.stdout) as { prunedRemotes: unknown[] }).prunedRemotes).toEqual([]);
    } finally {
      repo.cleanup();
    }
  });
});
