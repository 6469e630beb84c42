// loadConfig against real repositories: which file, defaults when missing, never a silent
// fallback when present, merge order defaults <- file <- flags.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSourcePath, loadConfig } from '../../../src/config/load.js';
import { GuardError } from '../../../src/errors.js';
import { openRepo } from '../../../src/git/repo.js';
import { defaultConfig } from '../../../src/policy/schema.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

async function configError(promise: Promise<unknown>): Promise<GuardError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GuardError);
  expect((error as GuardError).kind).toBe('config');
  return error as GuardError;
}

describe('loadConfig', () => {
  it('no .guard.yaml: the defaults, and it says so', async () => {
    repo = createTestRepo();
    const loaded = await loadConfig(await openRepo(repo.dir));
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.source).toMatchObject({ file: path.join(repo.dir, '.guard.yaml'), exists: false, hash: null });
    expect(loaded.fromFile).toEqual([]);
  });

  it('a file with problems throws one config error listing all of them, never the defaults', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'protect:\n  branchs: [main]\nrules:\n  guard-refs: block\n');
    const error = await configError(loadConfig(await openRepo(repo.dir)));
    const problems = error.details?.problems as Array<{ file: string; line: number; column: number; message: string }>;
    expect(problems.map((p) => [p.file, p.line, p.column])).toEqual([
      [path.join(repo.dir, '.guard.yaml'), 2, 3],
      [path.join(repo.dir, '.guard.yaml'), 4, 15],
    ]);
    expect(error.message.split('\n')).toEqual([
      '.guard.yaml is invalid (2 problems):',
      `  .guard.yaml:2:3: ${problems[0]!.message}`,
      `  .guard.yaml:4:15: ${problems[1]!.message}`,
    ]);
    expect(error.hints.join('\n')).toContain('guard config check');
    expect(error.hints.join('\n')).toContain('fail closed');
  });

  it('an unreadable .guard.yaml is a problem, not a reason to use defaults', async () => {
    repo = createTestRepo();
    fs.mkdirSync(path.join(repo.dir, '.guard.yaml'));
    const error = await configError(loadConfig(await openRepo(repo.dir)));
    expect(error.message).toContain('.guard.yaml:1:1: cannot read the file');
  });

  it('a file that is not UTF-8 is a problem', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', Buffer.from([0x76, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const error = await configError(loadConfig(await openRepo(repo.dir)));
    expect(error.message).toContain('not valid UTF-8');
  });

  it('defaults <- file <- flags; undefined flags change nothing', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'snapshot:\n  maxFileSize: 10MB\n  retention:\n    keepDays: 9\nwatch:\n  debounceMs: 700\n');
    const loaded = await loadConfig(await openRepo(repo.dir), {
      overrides: { snapshot: { maxFileSize: 123, retention: { keepDays: undefined, keepSessions: 4 } }, watch: { debounceMs: undefined } },
    });
    expect(loaded.config.snapshot.maxFileSize).toBe(123);
    expect(loaded.config.snapshot.retention).toEqual({ ...defaultConfig().snapshot.retention, keepDays: 9, keepSessions: 4 });
    expect(loaded.config.watch.debounceMs).toBe(700);
    expect(loaded.source.exists).toBe(true);
    expect(loaded.source.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(loaded.fromFile.sort()).toEqual(['snapshot.maxFileSize', 'snapshot.retention.keepDays', 'watch.debounceMs']);
  });

  it('a flag cannot make an agent looser than a person', async () => {
    repo = createTestRepo();
    const error = await loadConfig(await openRepo(repo.dir), { overrides: { rules: { 'guard-refs': { agent: 'off' } } } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardError);
    expect((error as GuardError).kind).toBe('user');
  });

  it('a linked worktree uses the main worktree\'s .guard.yaml', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'protect:\n  branches: [main]\n');
    repo.write('a.txt', 'a');
    repo.git(['add', '-A']);
    repo.git(['commit', '-qm', 'init']);
    const linked = path.join(repo.base, 'linked');
    repo.git(['worktree', 'add', '-q', '-b', 'feature', linked]);
    // The agent's worktree loosens its own copy: that must not change the repository's policy.
    fs.writeFileSync(path.join(linked, '.guard.yaml'), 'protect:\n  branches: []\n');
    const linkedRepo = await openRepo(linked);
    expect(await configSourcePath(linkedRepo)).toBe(path.join(repo.dir, '.guard.yaml'));
    expect((await loadConfig(linkedRepo)).config.protect.branches).toEqual(['main']);
    expect(await configSourcePath(await openRepo(repo.dir))).toBe(path.join(repo.dir, '.guard.yaml'));
  });

  it('a bare repository with linked worktrees: every worktree uses the same file', async () => {
    repo = createTestRepo();
    repo.write('a.txt', 'a');
    repo.git(['add', '-A']);
    repo.git(['commit', '-qm', 'init']);
    const bare = path.join(repo.base, 'bare.git');
    repo.git(['clone', '-q', '--bare', repo.dir, bare]);
    const one = path.join(repo.base, 'one');
    const two = path.join(repo.base, 'two');
    repo.git(['worktree', 'add', '-q', one, 'main'], { cwd: bare });
    repo.git(['worktree', 'add', '-q', '-b', 'other', two], { cwd: bare });
    const fromOne = await configSourcePath(await openRepo(one));
    const fromTwo = await configSourcePath(await openRepo(two));
    expect(fromOne).toBe(fromTwo);
    expect([path.join(one, '.guard.yaml'), path.join(two, '.guard.yaml')]).toContain(fromOne);
  });
});
