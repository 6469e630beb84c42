/**
 * After an upgrade of git-guard (the same package root, new files), every clone's agent hook
 * launcher and git hook shims still held the old sh (the launcher's fast path could allow in sh
 * what the new version sends to Node) until `guard init` ran again in that clone. Now the agent
 * session start (and `guard status`) brings guard's own, unmodified copies written for this package
 * root to the installed version, journals it, and says so once. Driven with a copy of the package
 * whose sh files change between `guard init` and the session start, through the hook command an
 * agent runs (sh, the launcher, Node).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { refreshInstall } from '../../../src/agents/refresh.js';
import { openRepo } from '../../../src/git/repo.js';
import { readManifest } from '../../../src/githooks/install/manifest.js';
import { sha256 } from '../../../src/githooks/install/shim.js';
import { readEvents } from '../../../src/session/journal.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { copyPackage } from '../../helpers/package-copy.js';

function guardFrom(t: TestRepo, pkg: string, args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'guard.js'), ...args], { cwd: t.dir, env: t.env, input: '', encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const startPayload = (t: TestRepo, id: string): string => JSON.stringify({ session_id: id, cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' });

/** The session start as Claude Code runs it: the stable hook command, which finds this clone's launcher. */
function sessionStartViaLauncher(t: TestRepo, id: string): string {
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'session-start')], { cwd: t.dir, env: t.env, input: startPayload(t, id), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return `${r.stdout}${r.stderr}`;
}

/** An upgrade in place: the package's sh files change, its root stays. */
function upgrade(pkg: string): void {
  fs.appendFileSync(path.join(pkg, 'hooks', 'agent-hook.sh'), ': upgraded-launcher\n');
  fs.appendFileSync(path.join(pkg, 'hooks', 'lib.sh'), 'guard_upgraded=1\n');
}

const bytes = (file: string): Buffer => fs.readFileSync(file);
const refreshEvents = async (t: TestRepo): Promise<any[]> => (await readEvents(await openRepo(t.dir))).filter((e) => e.type === 'install-refreshed');

function base(t: TestRepo): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  // A hook of the user's own, which guard chains (moved to pre-rebase.guard-chained).
  t.write('.git/hooks/pre-rebase', '#!/bin/sh\necho users-own-pre-rebase\n', 0o755);
}

/** The launcher guard init writes for `pkg` as it is now: its agent-hook.sh with the package root and stamp filled in. */
function launcherFor(pkg: string): string {
  const stamp = fs.readFileSync(path.join(pkg, 'dist', 'hooks.stamp'), 'utf8').trim();
  return fs
    .readFileSync(path.join(pkg, 'hooks', 'agent-hook.sh'), 'utf8')
    .replace(/^guard_pkg_installed=$/m, `guard_pkg_installed=${pkg}`)
    .replace(/^guard_stamp_installed=$/m, `guard_stamp_installed=${stamp}`);
}

describe('an upgrade of the same install, seen at the next agent session start', () => {
  it("updates this clone's launcher and guard's unmodified git hook shims, journals it, says it once; an edited shim and the chained hook stay", () =>
    withTestRepo(async (t) => {
      base(t);
      const pkg = copyPackage(t);
      const init = guardFrom(t, pkg, ['init', '-y', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const hooks = path.join(t.dir, '.git', 'hooks');
      const launcher = path.join(t.dir, '.git', 'guard', 'agent-hook.sh');
      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherFor(pkg));
      // The user edits guard's pre-push shim.
      fs.appendFileSync(path.join(hooks, 'pre-push'), '# my own line\n');
      const edited = bytes(path.join(hooks, 'pre-push'));
      const chained = bytes(path.join(hooks, 'pre-rebase.guard-chained'));

      upgrade(pkg);
      expect(fs.readFileSync(launcher, 'utf8')).not.toBe(launcherFor(pkg));
      const said = sessionStartViaLauncher(t, 'conv-1');
      expect(said).toContain("git-guard: updated this clone's agent hook launcher to the installed version");
      expect(said).toContain("git-guard: updated this clone's git hooks (pre-commit, reference-transaction, pre-rebase) to the installed version");
      expect(said).toMatch(/left pre-push as it is: edited after guard init/);

      expect(fs.readFileSync(launcher, 'utf8')).toBe(launcherFor(pkg));
      expect(fs.statSync(launcher).mode & 0o111).not.toBe(0);
      for (const name of ['pre-commit', 'reference-transaction', 'pre-rebase']) {
        const shim = fs.readFileSync(path.join(hooks, name), 'utf8');
        expect({ name, upgraded: shim.includes('guard_upgraded=1') }).toEqual({ name, upgraded: true });
        expect(fs.statSync(path.join(hooks, name)).mode & 0o777).toBe(0o755);
      }
      expect(bytes(path.join(hooks, 'pre-push'))).toEqual(edited);
      expect(bytes(path.join(hooks, 'pre-rebase.guard-chained'))).toEqual(chained);
      // The manifest follows the new shims: status still tells guard's copies from the edited one.
      const manifest = (await readManifest(path.join(t.dir, '.git', 'guard')))!;
      for (const record of manifest.hooks) expect({ name: record.name, same: record.shimSha256 === sha256(bytes(record.path)) }).toEqual({ name: record.name, same: record.name !== 'pre-push' });
      const events = await refreshEvents(t);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ by: 'session-start', package: pkg, launcher, hooks: ['pre-commit', 'reference-transaction', 'pre-rebase'], leftEdited: ['pre-push'] });

      // The upgraded sh now runs: the chained hook still runs behind guard's refreshed pre-rebase.
      const rebaseHook = t.gitResult(['hook', 'run', 'pre-rebase', '--', 'main']);
      expect(`${rebaseHook.stdout}${rebaseHook.stderr}`).toContain('users-own-pre-rebase');
      // Once: the next session start has nothing to update and says nothing about it.
      expect(sessionStartViaLauncher(t, 'conv-2')).not.toMatch(/updated this clone/);
      expect(await refreshEvents(t)).toHaveLength(1);
      const status = JSON.parse(guardFrom(t, pkg, ['status', '--json']).stdout);
      expect(status.agents.launcher.state).toBe('ok');
      expect(status.hooks.list.map((h: any) => [h.name, h.file])).toEqual([['pre-commit', 'installed'], ['pre-push', 'modified'], ['reference-transaction', 'installed'], ['pre-rebase', 'installed']]);
    }));

  it("updates the shim copies a hook manager's guard entry runs (managed-hooks), keeping the node they name", () =>
    withTestRepo(async (t) => {
      base(t);
      t.write('lefthook.yml', 'pre-commit:\n  commands:\n    lint:\n      run: "true"\n');
      const pkg = copyPackage(t);
      const init = guardFrom(t, pkg, ['init', '-y', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      const managed = path.join(t.dir, '.git', 'guard', 'managed-hooks');
      const names = fs.readdirSync(managed).filter((n) => !n.endsWith('.from')).sort();
      expect(names).toEqual(['pre-commit', 'pre-push']);
      const nodeLine = (n: string): string | undefined => fs.readFileSync(path.join(managed, n), 'utf8').split('\n').find((l) => l.startsWith('GUARD_NODE='));
      const nodes = names.map(nodeLine);
      upgrade(pkg);
      expect(sessionStartViaLauncher(t, 'conv-m')).toContain("pre-commit (hook manager's), pre-push (hook manager's)) to the installed version");
      for (const n of names) expect({ n, upgraded: fs.readFileSync(path.join(managed, n), 'utf8').includes('guard_upgraded=1') }).toEqual({ n, upgraded: true });
      expect(names.map(nodeLine)).toEqual(nodes);
      expect(fs.statSync(path.join(managed, 'pre-commit')).mode & 0o777).toBe(0o755);
    }));

  it('a git command after an upgrade that changed the stamp: the git hook shim notices, has the copies refreshed, and runs as the new version', () =>
    withTestRepo(async (t) => {
      base(t);
      const pkg = copyPackage(t);
      expect(guardFrom(t, pkg, ['init', '-y', '--agents', 'claude']).code).toBe(0);
      const hooks = path.join(t.dir, '.git', 'hooks');
      // The new version's pre-commit says so; its build wrote another stamp.
      const body = path.join(pkg, 'hooks', 'pre-commit.sh');
      fs.writeFileSync(body, `echo upgraded-pre-commit >&2\n${fs.readFileSync(body, 'utf8')}`);
      fs.writeFileSync(path.join(pkg, 'dist', 'hooks.stamp'), 'new0000000000001\n');
      t.write('a.txt', 'b\n');
      const commit = t.gitResult(['commit', '-q', '-am', 'after the upgrade']);
      expect(commit.code, commit.stderr).toBe(0);
      expect(commit.stderr).toContain("git-guard: updated this clone's git hooks (pre-commit, pre-push, reference-transaction, pre-rebase) to the installed version");
      // The commit ran the new pre-commit (the shim ran again as it now is), once.
      expect(commit.stderr.match(/upgraded-pre-commit/g)).toHaveLength(1);
      for (const name of ['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase']) expect({ name, stamp: fs.readFileSync(path.join(hooks, name), 'utf8').includes("GUARD_STAMP='new0000000000001'") }).toEqual({ name, stamp: true });
      expect(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'agent-hook.sh'), 'utf8')).toBe(launcherFor(pkg));
      expect(await refreshEvents(t)).toMatchObject([{ by: 'git hook pre-commit', package: pkg, hooks: ['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase'] }]);
      // Once: the next commit runs the shims as they are, with no refresh.
      t.write('a.txt', 'c\n');
      const next = t.gitResult(['commit', '-q', '-am', 'next']);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).not.toMatch(/updated this clone/);
      expect(await refreshEvents(t)).toHaveLength(1);
      expect(next.stderr.match(/upgraded-pre-commit/g)).toHaveLength(1);

      // A shim the user edited stays as it is, runs once more after the refresh, and then on
      // without asking Node again at every run (hooks-stamp-seen, rewritten by every refresh).
      const shimFile = path.join(hooks, 'pre-commit');
      fs.writeFileSync(shimFile, fs.readFileSync(shimFile, 'utf8').replace(/^GUARD_HOOKS_IN_COMMON_DIR=.*$/m, '$&\necho edited-pre-commit >&2'));
      fs.writeFileSync(path.join(pkg, 'dist', 'hooks.stamp'), 'new0000000000002\n');
      const seen = path.join(t.dir, '.git', 'guard', 'hooks-stamp-seen');
      for (const [round, text] of [[1, 'd\n'], [2, 'e\n']] as const) {
        t.write('a.txt', text);
        const before = fs.statSync(seen).ino;
        const edited = t.gitResult(['commit', '-q', '-am', `edited ${round}`]);
        expect(edited.code, edited.stderr).toBe(0);
        expect(edited.stderr.match(/edited-pre-commit/g)).toHaveLength(round === 1 ? 2 : 1);
        expect({ round, asked: fs.statSync(seen).ino !== before }).toEqual({ round, asked: round === 1 });
      }
      expect(fs.readFileSync(seen, 'utf8')).toBe('new0000000000002\n');
      expect((await refreshEvents(t)).map((e) => e.leftEdited)).toEqual([undefined, ['pre-commit']]);
    }));

  it('`guard status` updates them too, and says so', () =>
    withTestRepo(async (t) => {
      base(t);
      const pkg = copyPackage(t);
      expect(guardFrom(t, pkg, ['init', '-y', '--agents', 'claude']).code).toBe(0);
      upgrade(pkg);
      const status = guardFrom(t, pkg, ['status']);
      expect(status.stdout).toContain("updated this clone's agent hook launcher to the installed version");
      expect(status.stdout).toMatch(/agent hooks \(launcher .*: ok\)/);
      expect(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'agent-hook.sh'), 'utf8')).toBe(launcherFor(pkg));
      expect((await refreshEvents(t)).map((e) => e.by)).toEqual(['status']);
    }));

  it("leaves a launcher and shims another install wrote (another package root) as they are", () =>
    withTestRepo(async (t) => {
      base(t);
      t.write('lefthook.yml', 'pre-commit:\n  commands:\n    lint:\n      run: "true"\n');
      // guard init from this checkout; the session start then runs from another install (the copy).
      expect(t.guard(['init', '-y', '--agents', 'claude']).code).toBe(0);
      const pkg = copyPackage(t);
      upgrade(pkg);
      const launcher = path.join(t.dir, '.git', 'guard', 'agent-hook.sh');
      const files = [
        launcher,
        ...['pre-commit', 'pre-push', 'reference-transaction', 'pre-rebase', 'pre-rebase.guard-chained'].map((n) => path.join(t.dir, '.git', 'hooks', n)),
        ...['pre-commit', 'pre-push'].map((n) => path.join(t.dir, '.git', 'guard', 'managed-hooks', n)),
      ];
      const before = files.map(bytes);
      const r = spawnSync(process.execPath, [path.join(pkg, 'bin', 'guard.js'), 'agent-hook', 'claude', 'session-start'], { cwd: t.dir, env: t.env, input: startPayload(t, 'conv-other'), encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('started at snapshot');
      expect(r.stdout).not.toMatch(/updated this clone/);
      expect(files.map(bytes)).toEqual(before);
      expect(await refreshEvents(t)).toEqual([]);
    }));

  it('runs no git process: a stale launcher and shim are updated from file reads alone', () =>
    withTestRepo(async (t) => {
      base(t);
      expect(t.guard(['init', '-y', '--agents', 'claude']).code).toBe(0);
      const repo = await openRepo(t.dir);
      const launcher = path.join(t.dir, '.git', 'guard', 'agent-hook.sh');
      const fresh = fs.readFileSync(launcher, 'utf8');
      const shim = path.join(t.dir, '.git', 'hooks', 'pre-commit');
      const freshShim = fs.readFileSync(shim, 'utf8');
      // What an older version of this install wrote: other sh, this package root; the shim as guard recorded it.
      fs.writeFileSync(launcher, `${fresh}: an older version\n`);
      const old = `${freshShim}: an older version\n`;
      fs.writeFileSync(shim, old);
      const guardDir = path.join(t.dir, '.git', 'guard');
      const manifestFile = path.join(guardDir, 'hooks-manifest.json');
      const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));
      manifest.hooks.find((h: any) => h.name === 'pre-commit').shimSha256 = sha256(old);
      fs.writeFileSync(manifestFile, JSON.stringify(manifest));

      const trace = path.join(t.base, 'trace.json');
      const saved = { ...process.env };
      Object.assign(process.env, traceEnv(trace));
      let result;
      try {
        result = await refreshInstall(repo, 'test');
      } finally {
        for (const key of Object.keys(traceEnv(trace))) if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      expect(result).toEqual({ launcher, hooks: ['pre-commit'], edited: [], excluded: [] });
      // Nothing stale: nothing written, still no git process.
      expect(await refreshInstall(repo, 'test')).toEqual({ launcher: null, hooks: [], edited: [], excluded: [] });
      expect(countGitProcesses(trace).total).toBe(0);
      expect(fs.readFileSync(launcher, 'utf8')).toBe(fresh);
      expect(fs.readFileSync(shim, 'utf8')).toBe(freshShim);
    }));

  it("a clone set up before init kept Claude Code's local settings out of git gets the exclude line at its next session start, once; a project that ignores the file itself is asked once", () =>
    withTestRepo(async (t) => {
      base(t);
      expect(t.guard(['init', '-y', '--agents', 'claude']).code).toBe(0);
      const exclude = path.join(t.dir, '.git', 'info', 'exclude');
      const withLine = fs.readFileSync(exclude, 'utf8');
      // As an older guard left it: no line, the file untracked.
      const older = withLine.split('\n').filter((l) => !l.startsWith('# git-guard') && l !== '/.claude/settings.local.json').join('\n');
      fs.writeFileSync(exclude, older);
      expect(t.git(['status', '--porcelain'])).toContain('.claude/');
      const said = sessionStartViaLauncher(t, 's1');
      expect(said).toContain('kept .claude/settings.local.json out of git');
      expect(fs.readFileSync(exclude, 'utf8')).toBe(withLine);
      expect(t.git(['status', '--porcelain'])).not.toContain('.claude/');
      expect((await refreshEvents(t)).at(-1)).toMatchObject({ excluded: ['.claude/settings.local.json'] });
      t.guard(['watch', 'stop']);
      // Where the project ignores it itself: nothing added, and after one question no git process.
      fs.writeFileSync(exclude, older);
      t.write('.gitignore', '.claude/settings.local.json\n');
      const repo = await openRepo(t.dir);
      expect((await refreshInstall(repo, 'test')).excluded).toEqual([]);
      expect(fs.readFileSync(exclude, 'utf8')).toBe(older);
      const trace = path.join(t.base, 'trace-exclude.json');
      const saved = { ...process.env };
      Object.assign(process.env, traceEnv(trace));
      try {
        expect((await refreshInstall(repo, 'test')).excluded).toEqual([]);
      } finally {
        for (const key of Object.keys(traceEnv(trace))) if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      expect(countGitProcesses(trace).total).toBe(0);
    }));
});
