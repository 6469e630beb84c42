// `guard config ...` through the built CLI, as a user runs it.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderJsonSchema } from '../../../src/policy/schema.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

describe('guard config', () => {
  it('check: no file -> defaults, exit 0', () => {
    repo = createTestRepo();
    const r = repo.guard(['config', 'check']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('the built-in defaults apply');
  });

  it('check: prints every problem as file:line:col and exits 1', () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'protect:\n  branchs: [main]\nrules:\n  guard-refs: enforced\n');
    const r = repo.guard(['config', 'check']);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('.guard.yaml:2:3: unknown key "branchs" in protect; did you mean "branches"?');
    expect(lines[1]).toMatch(/^\.guard\.yaml:4:15: rules\.guard-refs: "enforced" is not a mode .*did you mean "enforce"\?$/);
    expect(lines[2]).toContain('2 problems');
    expect(lines[2]).toContain('fail closed');
  });

  it('check --json: the problems as data', () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'watch:\n  debounceMs: soon\n');
    const r = repo.guard(['config', 'check', '--json']);
    expect(r.code).toBe(1);
    const data = JSON.parse(r.stdout);
    expect(data).toMatchObject({ ok: false, file: path.join(repo.dir, '.guard.yaml'), exists: true });
    expect(data.problems).toEqual([
      { file: path.join(repo.dir, '.guard.yaml'), line: 2, column: 15, key: 'watch.debounceMs', message: expect.stringContaining('expected a number of ms') },
    ]);
  });

  it('check from a subdirectory names the file so it can be opened', () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'version: 1\n');
    repo.write('sub/x.txt', 'x');
    const r = repo.guard(['config', 'check'], { cwd: path.join(repo.dir, 'sub') });
    expect(r.code).toBe(0);
    // Outside the cwd: the absolute path, which terminals and editors can open.
    expect(r.stdout).toContain(`${path.join(repo.dir, '.guard.yaml')} is valid`);
  });

  it('show: the effective config and where each value comes from', () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'snapshot:\n  maxFileSize: 10MB\nrules:\n  guard-refs: enforce\n');
    const r = repo.guard(['config', 'show']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/maxFileSize: 10MB\s+# \.guard\.yaml:2/);
    expect(r.stdout).toMatch(/keepDays: 30\s+# default/);
    expect(r.stdout).toMatch(/protected-branch-rewrite: \{ human: warn, agent: enforce \}\s+# default/);
    const json = JSON.parse(repo.guard(['config', 'show', '--json']).stdout);
    expect(json.config.snapshot.maxFileSize).toBe(10 * 1024 * 1024);
    expect(json.fromFile).toEqual(['snapshot.maxFileSize', 'rules.guard-refs']);
  });

  it('show: an invalid file is an error (exit 1) that lists the problems', () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'nope: 1\n');
    const r = repo.guard(['config', 'show']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('guard: error: .guard.yaml is invalid (1 problem):');
    expect(r.stderr).toContain('.guard.yaml:1:1: unknown key "nope" at the top level');
  });

  it('schema: prints the committed JSON schema', () => {
    repo = createTestRepo();
    const r = repo.guard(['config', 'schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(renderJsonSchema());
  });

  it('compile: writes the policy files; a broken config compiles fail-closed and exits 1', () => {
    repo = createTestRepo();
    const ok = repo.guard(['config', 'compile', '--json']);
    expect(ok.code).toBe(0);
    const data = JSON.parse(ok.stdout);
    expect(data.ok).toBe(true);
    expect(fs.existsSync(data.policy)).toBe(true);
    expect(fs.existsSync(data.sh)).toBe(true);

    repo.write('.guard.yaml', 'rules:\n  guard-refs: { human: enforce, agent: off }\n');
    const bad = repo.guard(['config', 'compile']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('.guard.yaml:2:15: rules.guard-refs: the agent mode (off) is looser than the human mode (enforce)');
    expect(JSON.parse(fs.readFileSync(data.policy, 'utf8')).error).toContain('looser');
  });
});
