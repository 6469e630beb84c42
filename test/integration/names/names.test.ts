/**
 * Names are bytes end to end (issue 11): a matrix of file names that UTF-8 decoding, line-based
 * git input or shell quoting would mangle (not valid UTF-8, CR, LF, a leading double quote, runs
 * of spaces) goes through snapshot, rollback, --undo, recover and the pre-commit hook, and every
 * comparison is on bytes (names read with readdir as Buffers, the index with ls-files -z).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, stopWatchers, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import type { HookEventKind } from '../../../src/agents/types.js';
import { guarded } from '../githooks/setup.js';
import { fastWatchConfig, json, waitFor, waitForWatcher } from '../watcher/helpers.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// These tests run recover or read the backup: the automatic push after each snapshot stays on (test/helpers/env.ts).
realBackupPushInFile();

const NAMES: Array<[string, Buffer]> = [
  ['not UTF-8', Buffer.from('bad\xff.log', 'latin1')],
  ['CR inside', Buffer.from('cr\rin.txt')],
  ['CR at the end', Buffer.from('cr-end.txt\r')],
  ['LF', Buffer.from('lf\nname.txt')],
  ['leading quote', Buffer.from('"quoted.txt')],
  ['spaces', Buffer.from(' two  spaces .txt')],
  ['not UTF-8 directory', Buffer.from('dir\xfe/inner.txt', 'latin1')],
];

/**
 * The bytes a --json path stands for: as is when plain text, C-unquoted when git-quoted
 * (`"bad\\377.log"`), which is how --json shows a name that is not UTF-8 or holds control characters.
 */
function jsonPathBytes(shown: string): Buffer {
  if (!shown.startsWith('"')) return Buffer.from(shown, 'utf8');
  const escapes: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, '"': 0x22, '\\': 0x5c, a: 0x07, b: 0x08, f: 0x0c, v: 0x0b };
  const out: number[] = [];
  const body = shown.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const next = body[++i]!;
    if (/[0-7]/.test(next)) {
      out.push(parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else out.push(escapes[next]!);
  }
  return Buffer.from(out);
}

function full(repo: TestRepo, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${repo.dir}/`), name]);
}

function writeName(repo: TestRepo, name: Buffer, content: string): void {
  const slash = name.lastIndexOf(0x2f);
  if (slash > 0) fs.mkdirSync(full(repo, name.subarray(0, slash)), { recursive: true });
  fs.writeFileSync(full(repo, name), content);
}

/** Every file under the worktree by its name's bytes (hex), with exec bit and content hash. */
function files(repo: TestRepo): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: Buffer | null): void => {
    const dir = rel ? full(repo, rel) : Buffer.from(repo.dir);
    for (const name of fs.readdirSync(dir, { encoding: 'buffer' })) {
      const child = rel ? Buffer.concat([rel, Buffer.from('/'), name]) : name;
      if (child.toString() === '.git') continue;
      const stat = fs.lstatSync(full(repo, child));
      if (stat.isDirectory()) walk(child);
      else out[child.toString('hex')] = `${stat.mode & 0o111 ? 'x' : '-'} ${createHash('sha256').update(fs.readFileSync(full(repo, child))).digest('hex')}`;
    }
  };
  walk(null);
  return out;
}

/** The index, byte-exact (hex of `ls-files -s -z`). */
function index(repo: TestRepo): string {
  const r = spawnSync('git', ['ls-files', '-s', '-z'], { cwd: repo.dir, env: repo.env });
  return r.stdout.toString('hex');
}

function state(repo: TestRepo): { files: Record<string, string>; index: string } {
  return { files: files(repo), index: index(repo) };
}

function gitAdd(repo: TestRepo): void {
  repo.git(['add', '-A']);
}

describe('names as bytes: snapshot, rollback and --undo', () => {
  it('brings back every name byte for byte, tracked and untracked, and --undo the damage', () =>
    withTestRepo((repo) => {
      repo.write('README.md', 'base\n');
      NAMES.forEach(([, name], i) => writeName(repo, name, `tracked ${i}\n`));
      gitAdd(repo);
      repo.git(['commit', '-q', '-m', 'base']);
      // Untracked siblings with the same kinds of names.
      NAMES.forEach(([, name], i) => writeName(repo, Buffer.concat([name, Buffer.from('.new')]), `untracked ${i}\n`));
      // A staged change, so the index differs from HEAD too.
      writeName(repo, NAMES[0]![1], 'staged change\n');
      repo.git(['add', '-A']);
      const snap = repo.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      expect(JSON.parse(snap.stdout).skipped).toEqual([]);
      const before = state(repo);

      // The damage: every tracked name deleted, every untracked one overwritten, the index reset.
      NAMES.forEach(([, name]) => fs.rmSync(full(repo, name)));
      NAMES.forEach(([, name]) => writeName(repo, Buffer.concat([name, Buffer.from('.new')]), 'garbage\n'));
      repo.git(['reset', '-q']);
      const damaged = state(repo);

      const r = repo.guard(['rollback', '--yes', '--json']);
      expect(r.code, r.stderr).toBe(0);
      expect(state(repo)).toEqual(before);
      // The plan names them as git quotes them: the non-UTF-8 one with an octal escape.
      const shown = JSON.parse(r.stdout).plan.files.map((f: { path: string }) => f.path);
      expect(shown).toContain('"bad\\377.log"');
      expect(shown).toContain('"lf\\nname.txt"');

      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(state(repo)).toEqual(damaged);
    }));

  // Until 2026-12-04 this refused and named the file; now the pre-rollback snapshot captures the
  // ignored file in the way first (fc6ff59), and --undo gives it back under its own bytes.
  it('overwrites an ignored, never-captured file whose name is not UTF-8 only after capturing it: --undo gives it back', () =>
    withTestRepo((repo) => {
      repo.write('README.md', 'base\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const bad = NAMES[0]![1];
      writeName(repo, bad, 'captured while not ignored\n');
      expect(repo.guard(['snapshot']).code).toBe(0);
      const atTarget = state(repo);
      fs.rmSync(full(repo, bad));
      repo.write('.gitignore', '*.log\n');
      writeName(repo, bad, 'precious, ignored now, never captured\n');
      const before = state(repo);
      const r = repo.guard(['rollback', '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(fs.readFileSync(full(repo, bad), 'utf8')).toBe('captured while not ignored\n');
      expect(state(repo)).toEqual(atTarget);
      const undo = repo.guard(['rollback', '--undo', '--yes']);
      expect(undo.code, undo.stderr).toBe(0);
      expect(fs.readFileSync(full(repo, bad), 'utf8')).toBe('precious, ignored now, never captured\n');
      expect(state(repo)).toEqual(before);
    }));
});

/**
 * Commits files with these names, snapshots and pushes the backup, removes .git, edits every file,
 * then recovers: the repository must come back exactly and each edited file must be moved aside
 * under its own name (not skipped, not overwritten). Returns where they were moved.
 */
function recoverEditedNames(repo: TestRepo, names: Buffer[]): string {
  repo.write('README.md', 'base\n');
  names.forEach((name, i) => writeName(repo, name, `content ${i}\n`));
  gitAdd(repo);
  repo.git(['commit', '-q', '-m', 'base']);
  expect(repo.guard(['snapshot']).code).toBe(0);
  const push = repo.guard(['backup', 'push', '--json']);
  expect(push.code, push.stderr).toBe(0);
  const before = state(repo);
  // The snapshot's background pusher must not write into .git while it is being removed.
  stopWatchers(repo.base);
  fs.rmSync(path.join(repo.dir, '.git'), { recursive: true, force: true });
  names.forEach((name) => writeName(repo, name, 'edited after the snapshot\n'));
  const r = repo.guard(['recover', '--yes', '--json']);
  expect(r.code, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout);
  expect(out.movedAside).toHaveLength(names.length);
  expect(state(repo)).toEqual(before);
  for (const name of names) {
    const aside = Buffer.concat([Buffer.from(`${out.asideDir}/`), name]);
    expect(fs.readFileSync(aside, 'utf8')).toBe('edited after the snapshot\n');
  }
  // --json names the real paths: `to` is where the file is now, quoted whole when it must be.
  const moved = (out.movedAside as Array<{ path: string; to: string }>).map((m) => [jsonPathBytes(m.path).toString('hex'), jsonPathBytes(m.to).toString('hex')]);
  expect(moved.map(([p]) => p).sort()).toEqual(names.map((n) => n.toString('hex')).sort());
  for (const [p, to] of moved) {
    expect(to).toBe(Buffer.concat([Buffer.from(`${out.asideDir}/`), Buffer.from(p!, 'hex')]).toString('hex'));
    expect(fs.readFileSync(Buffer.from(to!, 'hex'), 'utf8')).toBe('edited after the snapshot\n');
  }
  return out.asideDir as string;
}

describe('names as bytes: recover', () => {
  it('after rm -rf .git restores every name, moving a changed file aside under its own name', () =>
    withTestRepo((repo) => {
      recoverEditedNames(repo, NAMES.map(([, name]) => name));
    }));
});

/** Mounts a tmpfs at `dir` (root only); the reason when it cannot. */
function mountTmpfs(dir: string): string | null {
  if (process.getuid?.() !== 0) return 'not root, so no tmpfs can be mounted for a second file system';
  fs.mkdirSync(dir, { recursive: true });
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : `mount -t tmpfs failed: ${r.stderr.trim()}`;
}

const TMPFS_PROBE = (() => {
  const probe = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-tmpfs-probe-'));
  const reason = mountTmpfs(probe);
  if (reason === null) spawnSync('umount', [probe]);
  fs.rmSync(probe, { recursive: true, force: true });
  return reason;
})();

describe('names as bytes: recover across file systems', () => {
  it.skipIf(TMPFS_PROBE !== null)(`moves a changed file aside from another mount under its own name (${TMPFS_PROBE ?? 'tmpfs inside the worktree'})`, () =>
    withTestRepo((repo) => {
      const mnt = path.join(repo.dir, 'mnt');
      expect(mountTmpfs(mnt)).toBeNull();
      try {
        const asideDir = recoverEditedNames(repo, NAMES.map(([, name]) => Buffer.concat([Buffer.from('mnt/'), name])));
        // The aside copies are on the other file system.
        expect(fs.statSync(asideDir).dev).not.toBe(fs.statSync(mnt).dev);
      } finally {
        spawnSync('umount', ['-l', mnt]);
      }
    }), 120_000);
});

describe('names as bytes: pre-commit', () => {
  it('refuses deleting a protected file whatever its name, also when concluding a merge', () => {
    const repo = guarded({ remote: false });
    try {
      const protectedNames = NAMES.map(([, name]) => Buffer.concat([Buffer.from('migrations/'), name]));
      protectedNames.forEach((name, i) => writeName(repo, name, `migration ${i}\n`));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'migrations with odd names']);
      for (const name of protectedNames) {
        const rm = spawnSync('git', ['rm', '-q', '--cached', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: repo.dir, env: repo.env, input: Buffer.concat([Buffer.from(':(literal)'), name, Buffer.from([0])]) });
        expect(rm.status, rm.stderr.toString()).toBe(0);
        const commit = repo.run(['commit', '-q', '-m', 'drop one']);
        expect(commit.code, `${name.toString('hex')}: ${commit.stderr}`).not.toBe(0);
        expect(commit.stderr).toContain('protected-path-delete');
        repo.git(['reset', '-q']);
      }
      expect(repo.run(['commit', '-q', '-m', 'x']).stderr).not.toContain('(deleted)');
      expect(repo.run(['commit', '-q', '-m', 'x']).code).not.toBe(0); // nothing staged

      // Concluding a merge whose other side still has the file: the deletion is ours, refused.
      const bad = protectedNames[0]!;
      repo.git(['checkout', '-q', '-b', 'other']);
      repo.write('other.txt', 'other side\n');
      repo.git(['add', 'other.txt']);
      repo.git(['commit', '-q', '-m', 'other side']);
      repo.git(['checkout', '-q', 'main']);
      repo.write('mine.txt', 'this side\n');
      repo.git(['add', 'mine.txt']);
      repo.git(['commit', '-q', '-m', 'this side']);
      repo.git(['merge', '-q', '--no-commit', '--no-ff', 'other']);
      const rm = spawnSync('git', ['rm', '-q', '--cached', '--pathspec-from-file=-', '--pathspec-file-nul'], { cwd: repo.dir, env: repo.env, input: Buffer.concat([Buffer.from(':(literal)'), bad, Buffer.from([0])]) });
      expect(rm.status, rm.stderr.toString()).toBe(0);
      const merge = repo.run(['commit', '-q', '--no-edit']);
      expect(merge.code).not.toBe(0);
      expect(merge.stderr).toContain('"migrations/bad\\377.log" (deleted)');
      // The way out names the file so a shell reaches it exactly.
      expect(merge.stderr).toContain("git restore --source=HEAD --staged --worktree -- $'migrations/bad\\377.log'");
    } finally {
      repo.cleanup();
    }
  });
});

/** A name's bytes as a printf format for sh (every byte octal), so any name reaches git's argv exactly. */
function printfOf(bytes: Buffer): string {
  return [...bytes].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** Runs a sh script in the repository (names built with "$(printf ...)"), with the repository's environment. */
function sh(repo: TestRepo, script: string, env: Record<string, string> = {}, cwd = repo.dir): { code: number; stdout: Buffer; stderr: string } {
  const r = spawnSync('sh', ['-c', script], { cwd, env: { ...repo.env, ...env } });
  return { code: r.status ?? 128, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Ref names git accepts that decoding, quoting or line parsing would mangle; git refuses CR, LF and spaces in ref names. */
const REF_NAMES: Array<[string, Buffer, string]> = [
  ['not UTF-8', Buffer.from('release/bad\xff', 'latin1'), 'release/bad\\377'],
  ['not UTF-8, deeper', Buffer.from('release/dir\xfe/x', 'latin1'), 'release/dir\\376/x'],
  ['leading quote', Buffer.from('release/"quoted'), 'release/"quoted'],
  ['UTF-8', Buffer.from('release/ünï'), 'release/ünï'],
];

describe('names as bytes: reference-transaction and pre-push', () => {
  it('git itself refuses CR, LF and spaces in ref names, so the hooks never see them', () =>
    withTestRepo((repo) => {
      repo.write('a', 'a\n');
      gitAdd(repo);
      repo.git(['commit', '-q', '-m', 'a']);
      for (const bad of ['release/cr\r', 'release/lf\nx', 'release/two  spaces']) expect(repo.gitResult(['branch', bad]).code).not.toBe(0);
    }));

  it('journal, refuse and name every protected branch by its exact name, locally and on the remote', () => {
    const repo = guarded({ config: 'protect:\n  branches: [main, "release/**"]\n' });
    try {
      const other = repo.rev('HEAD')!;
      repo.write('src/app.js', 'console.log(2);\n');
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'second']);
      for (const [label, bytes, text] of REF_NAMES) {
        const name = `"$(printf '${printfOf(bytes)}')"`;
        const ref = `"refs/heads/$(printf '${printfOf(bytes)}')"`;
        // Created, journaled under its exact name (never U+FFFD), pushed.
        expect(sh(repo, `git branch ${name} HEAD`).code, label).toBe(0);
        const created = JSON.parse(repo.guard(['log', '--json', '--type', 'ref-update']).stdout).events.filter((e: any) => e.ref === `refs/heads/${text}`);
        expect(created.length, label).toBeGreaterThan(0);
        const push = sh(repo, `git push -q origin ${name}`);
        expect(push.code, `${label}: ${push.stderr}`).toBe(0);

        // Deleting it here is refused, and the message names it exactly.
        const del = sh(repo, `git branch -D ${name}`);
        expect(del.code, label).not.toBe(0);
        expect(del.stderr).toContain('protected-branch-delete');
        expect(del.stderr).toContain(`delete the protected branch ${text}`);
        expect(sh(repo, `git rev-parse -q --verify ${ref}`).stdout.toString().trim(), label).not.toBe('');

        // An agent moving it back without stating the old value: the hook finds the current value by the exact name.
        const rewrite = sh(repo, `git update-ref ${ref} ${other}`, { CLAUDECODE: '1' });
        expect(rewrite.code, `${label}: ${rewrite.stderr}`).not.toBe(0);
        expect(rewrite.stderr).toContain(`move the protected branch ${text} from`);

        // On the remote: a force-push over it and a deletion are refused, naming it.
        const force = sh(repo, `git push -f origin ${other}:${ref}`);
        expect(force.code, label).not.toBe(0);
        expect(force.stderr).toContain('protected-branch-force-push');
        expect(force.stderr).toContain(text);
        const remoteDel = sh(repo, `git push origin :${ref}`);
        expect(remoteDel.code, label).not.toBe(0);
        expect(remoteDel.stderr).toContain('protected-branch-delete');
        expect(remoteDel.stderr).toContain(text);
      }
      // git gc packs the loose refs and prunes them one by one: not a deletion of those branches.
      const pack = sh(repo, 'git pack-refs --all --prune');
      expect(pack.code, pack.stderr).toBe(0);
      expect(pack.stderr).not.toContain('refused');
      for (const [, bytes] of REF_NAMES) expect(sh(repo, `git rev-parse -q --verify "refs/heads/$(printf '${printfOf(bytes)}')"`).code).toBe(0);
      // Nothing in the journal lost a byte to decoding.
      expect(repo.guard(['log', '--json', '--all']).stdout).not.toContain('\ufffd');
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  it('work in a linked worktree whose path holds a quote, spaces and a newline', () => {
    const repo = guarded({ config: 'protect:\n  branches: [main, "release/**"]\n' });
    try {
      const wtName = Buffer.from('"wt two  spaces\nend');
      const wt = Buffer.concat([Buffer.from(`${repo.base}/`), wtName]);
      const add = sh(repo, `git worktree add -q -b topic "${repo.base}/$(printf '${printfOf(wtName)}')"`);
      expect(add.code, add.stderr).toBe(0);
      fs.writeFileSync(Buffer.concat([wt, Buffer.from('/src/app.js')]), 'console.log(3);\n');
      const inWt = (script: string, env: Record<string, string> = {}): ReturnType<typeof sh> => sh(repo, `cd "${repo.base}/$(printf '${printfOf(wtName)}')" && ${script}`, env);
      const commit = inWt('git commit -q -am "in the odd worktree"');
      expect(commit.code, commit.stderr).toBe(0);
      expect(inWt('git push -q origin topic').code).toBe(0);
      // The hooks still refuse there: deleting a protected path, deleting main, force-pushing main.
      const rm = inWt('git rm -q migrations/001_init.sql && git commit -q -m drop');
      expect(rm.code).not.toBe(0);
      expect(rm.stderr).toContain('protected-path-delete');
      expect(inWt('git reset -q --hard').code).toBe(0);
      repo.git(['branch', 'release/x']);
      const delMain = inWt('git branch -D release/x');
      expect(delMain.code).not.toBe(0);
      expect(delMain.stderr).toContain('protected-branch-delete');
      const force = inWt(`git push -f origin "$(git commit-tree -m orphan HEAD^{tree}):refs/heads/main"`);
      expect(force.code).not.toBe(0);
      expect(force.stderr).toContain('protected-branch-force-push');
      // The journal lines the hooks wrote there name the worktree without losing a byte to decoding.
      const events = JSON.parse(repo.guard(['log', '--json', '--all']).stdout).events as Array<{ type: string; worktree?: string }>;
      const there = events.filter((e) => e.type === 'ref-update' && e.worktree?.includes('"wt two  spaces?end'));
      expect(there.length).toBeGreaterThan(0);
    } finally {
      repo.cleanup();
    }
  }, 180_000);

  it('in a worktree whose path is not UTF-8 (Node cannot work there): the sh fast paths work, checks that need Node refuse and say why', () => {
    const repo = guarded({ remote: false });
    try {
      const wtName = Buffer.from('wt\xff', 'latin1');
      const add = sh(repo, `git worktree add -q -b topic "${repo.base}/$(printf '${printfOf(wtName)}')"`);
      expect(add.code, add.stderr).toBe(0);
      const inWt = (script: string): ReturnType<typeof sh> => sh(repo, `cd "${repo.base}/$(printf '${printfOf(wtName)}')" && ${script}`);
      fs.writeFileSync(Buffer.concat([Buffer.from(`${repo.base}/`), wtName, Buffer.from('/src/app.js')]), 'console.log(3);\n');
      const commit = inWt('git commit -q -am "no protected path"');
      expect(commit.code, commit.stderr).toBe(0);
      const rm = inWt('git rm -q migrations/001_init.sql && git commit -q -m drop');
      expect(rm.code).not.toBe(0);
      expect(rm.stderr).toContain('is not UTF-8 text, which guard (Node) cannot use as a working directory');
      // The ref moves there are journaled by the shim, the worktree named without U+FFFD.
      const events = JSON.parse(repo.guard(['log', '--json', '--all']).stdout).events as Array<{ type: string; worktree?: string }>;
      expect(events.some((e) => e.type === 'ref-update' && e.worktree?.endsWith('/wt\\377'))).toBe(true);
      expect(JSON.stringify(events)).not.toContain('\ufffd');

      // The agent hook agrees (the installed Claude Code hook, run there as Claude Code runs it):
      // the session start says guard is not on, a shell or file call is refused naming the way
      // forward, a read goes on; and nothing is written under the U+FFFD name beside the real
      // worktree (with the shim's repository taken as decoded, guard made that tree and wrote its
      // journal, policy and a watcher's state into it, and the calls failed on git's "not a git
      // repository"; asked without the shim, it found no repository and allowed everything).
      expect(repo.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      const hook = (event: HookEventKind, payload: object): string => {
        const r = spawnSync('sh', ['-c', `cd "${repo.base}/$(printf '${printfOf(wtName)}')" && eval "$GUARD_HOOK"`], {
          env: { ...repo.env, GUARD_HOOK: hookCommandFor('claude', event) },
          input: JSON.stringify({ session_id: 's', ...payload }),
          encoding: 'utf8',
        });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      expect(hook('session-start', { hook_event_name: 'SessionStart', source: 'startup' })).toContain('git-guard is NOT protecting this session: the path of');
      for (const [tool, input] of [['Bash', { command: 'rm -rf src' }], ['Write', { file_path: 'src/app.js', content: 'x' }]] as const) {
        const out = JSON.parse(hook('pre-tool', { hook_event_name: 'PreToolUse', tool_name: tool, tool_input: input })).hookSpecificOutput;
        expect(out.permissionDecision, tool).toBe('deny');
        expect(out.permissionDecisionReason).toContain('(rule path-not-text)');
        expect(out.permissionDecisionReason).toContain('move the repository or worktree to a path that is UTF-8 text');
      }
      expect(hook('pre-tool', { hook_event_name: 'PreToolUse', tool_name: 'Read', tool_input: { file_path: 'src/app.js' } })).toBe('');
      expect(fs.existsSync(path.join(repo.base, 'wt\ufffd'))).toBe(false);
      // check-command there is an error, not a verdict as if outside a repository.
      const check = inWt(`GUARD_HOOK= CLAUDECODE=1 "${process.execPath}" "${GUARD_BIN}" check-command 'rm -rf src'`);
      expect(check.code).not.toBe(0);
      expect(check.stderr).toContain('is not UTF-8 text');
    } finally {
      repo.cleanup();
    }
  }, 180_000);
});

describe('names as bytes: protected-path restore by the watcher', () => {
  it('puts back a deleted protected file whose name is not UTF-8 or holds a newline, under its own name', () =>
    withTestRepo(async (repo) => {
      repo.write('.guard.yaml', fastWatchConfig());
      repo.write('README.md', 'base\n');
      const odd = [Buffer.from('db/migrate/bad\xff.sh', 'latin1'), Buffer.from('db/migrate/lf\nname.sh')];
      odd.forEach((name, i) => writeName(repo, name, `migration ${i}\n`));
      repo.git(['add', '-A']);
      repo.git(['commit', '-q', '-m', 'base']);
      const session = json(repo, ['session', 'start', '--agent', 'test']).session;
      try {
        await waitForWatcher(repo);
        for (const name of odd) fs.rmSync(full(repo, name));
        await waitFor('both files to come back', () => odd.every((name) => fs.existsSync(full(repo, name))));
        odd.forEach((name, i) => expect(fs.readFileSync(full(repo, name), 'utf8')).toBe(`migration ${i}\n`));
        const events = await waitFor('two protected-restore events', () => {
          const found = json(repo, ['log', '--session', session.id]).events.filter((e: { type: string }) => e.type === 'protected-restore');
          return found.length >= 2 ? found : undefined;
        });
        expect(events.map((e: { path: string }) => e.path).sort()).toEqual(['"db/migrate/bad\\377.sh"', '"db/migrate/lf\\nname.sh"']);
      } finally {
        repo.guard(['watch', 'stop']);
      }
    }), 120_000);
});
