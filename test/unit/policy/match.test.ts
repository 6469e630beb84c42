import { describe, expect, it } from 'vitest';
import { branchName, isProtectedBranch, isProtectedPath, modeFor, protectingPathGlob } from '../../../src/policy/match.js';
import { HUMAN, detectActor } from '../../../src/policy/actor.js';
import { RULES, defaultConfig, failClosedConfig } from '../../../src/policy/schema.js';

const policy = defaultConfig();

describe('isProtectedBranch', () => {
  it.each([
    ['main', true],
    ['refs/heads/main', true],
    ['master', true],
    ['release/1.0', true],
    ['refs/heads/release/2026-01', true],
    ['release/a/b', false], // `*` stops at "/"
    ['release', false],
    ['mainline', false],
    ['feature/main', false],
    ['refs/tags/main', false], // a tag is not a branch
    ['refs/remotes/origin/main', false],
    ['', false],
  ])('%s -> %s', (ref, expected) => {
    expect(isProtectedBranch(policy, ref)).toBe(expected);
  });

  it('`**` crosses slashes', () => {
    const p = { ...policy, protect: { ...policy.protect, branches: ['team/**'] } };
    expect(isProtectedBranch(p, 'team/a/b')).toBe(true);
  });

  it('branchName strips refs/heads/ only', () => {
    expect(branchName('refs/heads/x/y')).toBe('x/y');
    expect(branchName('x')).toBe('x');
    expect(branchName('refs/guard/main/head')).toBeNull();
  });
});

describe('isProtectedPath', () => {
  it.each([
    ['.guard.yaml', true],
    ['./.guard.yaml', true],
    ['.gitattributes', true],
    ['sub/.gitattributes', false],
    ['.github/workflows/ci.yml', true],
    ['.github/workflows/nested/x.yml', true],
    ['.github/dependabot.yml', false],
    ['migrations/001_init.sql', true],
    ['app/db/migrations/002.py', true],
    ['db/migrate/2026_x.rb', true],
    ['src/migrations.ts', false],
    ['.claude/settings.json', true],
    ['.claude/commands/x.md', false],
    ['README.md', false],
    ['', false],
  ])('%s -> %s', (path, expected) => {
    expect(isProtectedPath(policy, path)).toBe(expected);
  });

  it('dotfiles match plain globs (dot: true) and names the glob', () => {
    const p = { ...policy, protect: { ...policy.protect, paths: ['**/*.pem', 'secrets/*'] } };
    expect(protectingPathGlob(p, '.hidden/key.pem')).toBe('**/*.pem');
    expect(protectingPathGlob(p, 'key.pem')).toBe('**/*.pem');
    expect(protectingPathGlob(p, 'secrets/.env')).toBe('secrets/*');
    expect(protectingPathGlob(p, 'secrets/a/b')).toBeNull();
  });

  it('a policy with a config error protects every branch and path', () => {
    const broken = { ...policy, error: '.guard.yaml is invalid' };
    expect(isProtectedBranch(broken, 'feature/x')).toBe(true);
    expect(isProtectedPath(broken, 'any/file.txt')).toBe(true);
    expect(isProtectedBranch(broken, 'refs/tags/v1')).toBe(false);
    const compiled = { ...failClosedConfig(), error: 'x' };
    expect(isProtectedPath(compiled, 'a/b/c')).toBe(true);
  });
});

describe('modeFor', () => {
  const agent = detectActor({ CLAUDECODE: '1' });

  it('reads the human and the agent mode', () => {
    expect(modeFor(policy, 'protected-branch-rewrite', HUMAN)).toBe('warn');
    expect(modeFor(policy, 'protected-branch-rewrite', agent)).toBe('enforce');
    expect(modeFor(policy, 'protected-branch-rewrite', 'agent')).toBe('enforce');
  });

  it('an agent is never held to less than a person, even in a hand-made policy', () => {
    const p = defaultConfig();
    p.rules['protected-path-modify'] = { human: 'enforce', agent: 'off' };
    expect(modeFor(p, 'protected-path-modify', agent)).toBe('enforce');
  });

  it('with a config error, rules that protect data are enforced for everyone', () => {
    const p = defaultConfig();
    p.rules['protected-branch-delete'] = { human: 'off', agent: 'off' };
    const broken = { ...p, error: 'bad' };
    for (const rule of RULES.filter((r) => r.protectsData)) {
      expect(modeFor(broken, rule.id, HUMAN), rule.id).toBe('enforce');
      expect(modeFor(broken, rule.id, agent), rule.id).toBe('enforce');
    }
    expect(modeFor(broken, 'protected-path-modify', HUMAN)).toBe('warn');
  });
});
