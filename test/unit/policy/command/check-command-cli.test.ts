// `guard check-command` end to end: the built CLI against real, hermetic repositories.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepo, type TestRepo } from '../../../helpers/git-repo.js';

let repo: TestRepo;

beforeAll(() => {
  repo = createTestRepo();
  repo.write('src/app.ts', 'export {};\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'init']);
});

afterAll(() => repo.cleanup());

function check(args: string[], options: { env?: Record<string, string>; input?: string; cwd?: string } = {}) {
  return repo.guard(['check-command', ...args], options);
}

/** check-command reads the policy the hooks read: .guard.yaml, compiled (in memory: it writes nothing). */
function writeConfig(yaml: string): void {
  fs.writeFileSync(path.join(repo.dir, '.guard.yaml'), yaml);
}

function removeConfig(): void {
  fs.rmSync(path.join(repo.dir, '.guard.yaml'), { force: true });
}

describe('guard check-command', () => {
  it('prints exactly verdict, rule, reason and instead with --json, and exits 3 for deny', () => {
    const result = check(['--json', 'git push --force origin main']);
    expect(result.code).toBe(3);
    const data = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(['instead', 'reason', 'rule', 'verdict']);
    expect(data).toMatchObject({ verdict: 'deny', rule: 'git-push-force' });
  });

  it('exits 0 for allow (no instead) and for snapshot', () => {
    const allow = check(['--json', 'ls -la']);
    expect(allow.code).toBe(0);
    expect(JSON.parse(allow.stdout)).toEqual({ verdict: 'allow', rule: 'no-risk', reason: 'no destructive command found' });
    const snapshot = check(['--json', 'git reset --hard']);
    expect(snapshot.code).toBe(0);
    expect(JSON.parse(snapshot.stdout)).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
  });

  it('exits 3 for ask, so a caller never runs it silently', () => {
    const result = check(['--json', 'eval "$CMD"']);
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
  });

  it('reads the command from stdin with -', () => {
    // (git clean -fdx is a snapshot now, with the ignored files captured: -ff is still a deny
    // where it takes an untracked nested repository.)
    repo.git(['init', '-q', 'nested-clone']);
    try {
      const result = check(['--json', '-'], { input: 'git clean -ffd\n' });
      expect(result.code).toBe(3);
      expect(JSON.parse(result.stdout)).toMatchObject({ rule: 'git-clean-nested', reason: expect.stringContaining('nested-clone') });
    } finally {
      fs.rmSync(path.join(repo.dir, 'nested-clone'), { recursive: true, force: true });
    }
  });

  it('says what was refused, the rule and what to do instead in human output', () => {
    const result = check(['rm -rf ~']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('deny');
    expect(result.stdout).toContain('[rm-home]');
    expect(result.stdout).toContain('instead:');
  });

  it('judges paths against the repository found from --cwd, and outside any repository denies deleting', () => {
    expect(JSON.parse(check(['--json', 'rm -rf src']).stdout)).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    // The verdict follows what is there: a path that does not exist is nothing to lose. The test's
    // home lies in the system temp directory, but a home directory is never scratch space.
    expect(JSON.parse(check(['--json', '--cwd', repo.home, 'rm -rf src']).stdout)).toMatchObject({ verdict: 'allow' });
    fs.mkdirSync(path.join(repo.home, 'src'), { recursive: true });
    fs.writeFileSync(path.join(repo.home, 'src', 'notes'), 'mine\n');
    expect(JSON.parse(check(['--json', '--cwd', repo.home, 'rm -rf src']).stdout)).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
    // Elsewhere in the temp directory, deleting is allowed.
    fs.mkdirSync(path.join(repo.base, 'scratch', 'x'), { recursive: true });
    expect(JSON.parse(check(['--json', '--cwd', repo.base, 'rm -rf scratch']).stdout)).toMatchObject({ verdict: 'allow' });
    // Outside the temp directory (tmpfs /dev/shm where there is one), deleting is denied.
    if (fs.existsSync('/dev/shm')) {
      const outside = fs.mkdtempSync('/dev/shm/guard-check-');
      try {
        fs.writeFileSync(path.join(outside, 'notes'), 'mine\n');
        expect(JSON.parse(check(['--json', '--cwd', outside, 'rm -rf notes']).stdout)).toMatchObject({ verdict: 'deny', rule: 'rm-outside-repo' });
      } finally {
        fs.rmSync(outside, { recursive: true, force: true });
      }
    }
    expect(JSON.parse(check(['--json', '--cwd', path.join(repo.dir, 'src'), 'rm -rf ../src']).stdout)).toMatchObject({ verdict: 'snapshot' });
  });

  it('is stricter for agents (env markers): --no-verify and guard uninstall', () => {
    expect(check(['git commit --no-verify -m x']).code).toBe(0);
    expect(check(['git commit --no-verify -m x'], { env: { CLAUDECODE: '1' } }).code).toBe(3);
    expect(check(['guard uninstall']).code).toBe(0);
    const agent = check(['--json', 'guard uninstall'], { env: { CODEX_THREAD_ID: 'thread-1' } });
    expect(JSON.parse(agent.stdout)).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
  });

  it('uses the default protected branches and paths without a .guard.yaml, and writes nothing', () => {
    removeConfig();
    fs.rmSync(path.join(repo.dir, '.git', 'guard'), { recursive: true, force: true });
    expect(JSON.parse(check(['--json', 'git branch -D main']).stdout)).toMatchObject({ verdict: 'deny', rule: 'git-branch-protected' });
    expect(JSON.parse(check(['--json', 'git branch -D release/2']).stdout)).toMatchObject({ verdict: 'deny' });
    expect(JSON.parse(check(['--json', 'git branch -D trunk']).stdout)).toMatchObject({ verdict: 'snapshot' });
    // The default protected paths are the hooks' (CI workflows, migrations), not only .guard.yaml.
    repo.write('.github/workflows/ci.yml', 'on: push\n');
    try {
      expect(JSON.parse(check(['--json', 'rm -rf .github']).stdout)).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    } finally {
      repo.remove('.github/workflows/ci.yml');
    }
    expect(fs.existsSync(path.join(repo.dir, '.git', 'guard'))).toBe(false);
  });

  it('reads protected branches and paths from .guard.yaml', () => {
    writeConfig('version: 1\nprotect:\n  branches: [trunk]\n  paths: [.guard.yaml, "keys/**"]\n');
    repo.write('keys/deploy.pem', 'key\n');
    try {
      expect(JSON.parse(check(['--json', 'git branch -D trunk']).stdout)).toMatchObject({ verdict: 'deny', rule: 'git-branch-protected' });
      expect(JSON.parse(check(['--json', 'git branch -D main']).stdout)).toMatchObject({ verdict: 'snapshot' });
      expect(JSON.parse(check(['--json', 'rm -rf keys']).stdout)).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    } finally {
      removeConfig();
    }
  });

  it('fails closed when .guard.yaml has an error', () => {
    writeConfig('version: 1\nprotect:\n  branches: [main]\n  paths: []\nunknownKey: 1\n');
    repo.write('notes.txt', 'notes\n');
    try {
      expect(JSON.parse(check(['--json', 'git branch -D anything']).stdout)).toMatchObject({ verdict: 'deny', rule: 'git-branch-protected' });
      expect(JSON.parse(check(['--json', 'rm notes.txt']).stdout)).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    } finally {
      removeConfig();
    }
  });

  it('is a usage error without a command', () => {
    expect(check([]).code).toBe(2);
  });
});
