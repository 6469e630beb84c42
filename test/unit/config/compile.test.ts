// The compiled policy for the hook path: policy.json and policy.sh, staleness, fail-closed on a
// broken config, and that sourcing policy.sh in sh executes nothing but assignments.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import { compilePolicy, policyFiles, readPolicy } from '../../../src/config/compile.js';
import { renderPolicySh, ruleVariable, shCasePattern } from '../../../src/config/policy-sh.js';
import { openRepo } from '../../../src/git/repo.js';
import { compileGlob } from '../../../src/policy/match.js';
import { POLICY_FORMAT, RULES, type Policy, defaultConfig, failClosedConfig } from '../../../src/policy/schema.js';
import { PROJECT_ROOT, createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo;
afterEach(() => repo?.cleanup());

/** Sources `file` in a clean sh and returns the named variables (NUL-separated, so newlines survive). */
function sourceSh(file: string, names: string[], cwd: string): Record<string, string> {
  const script = `set -f; . "$1" || exit 9; ${names.map((n) => `printf '%s\\0' "$${n}"`).join('; ')}`;
  const result = spawnSync('sh', ['-c', script, 'sh', file], { cwd, encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect(result.status, result.stderr).toBe(0);
  const values = result.stdout.split('\0');
  return Object.fromEntries(names.map((n, i) => [n, values[i]!]));
}

function fakePolicy(overrides: Partial<Policy>): Policy {
  return {
    ...defaultConfig(),
    policyFormat: 1,
    schemaStamp: 'x',
    source: '/repo/.guard.yaml',
    sourceExists: true,
    sourceHash: 'h',
    sourceSize: 1,
    sourceMtimeMs: 1,
    compiledAt: '2026-01-01T00:00:00.000Z',
    error: null,
    problems: [],
    locations: {},
    ...overrides,
  };
}

describe('compilePolicy / readPolicy', () => {
  it('writes policy.json (config + source + hash) and policy.sh', async () => {
    repo = createTestRepo();
    const text = 'protect:\n  branches: [main, "release/*"]\nrules:\n  protected-path-modify: { human: off, agent: enforce }\n';
    repo.write('.guard.yaml', text);
    const r = await openRepo(repo.dir);
    const policy = await compilePolicy(r);
    const files = policyFiles(r);
    expect(files.json).toBe(path.join(repo.dir, '.git', 'guard', 'policy.json'));
    const onDisk = JSON.parse(fs.readFileSync(files.json, 'utf8')) as Policy;
    expect(onDisk).toEqual(policy);
    expect(onDisk.source).toBe(path.join(repo.dir, '.guard.yaml'));
    expect(onDisk.sourceHash).toBe(createHash('sha256').update(text).digest('hex'));
    expect(onDisk.error).toBeNull();
    expect(onDisk.protect.branches).toEqual(['main', 'release/*']);
    expect(onDisk.locations['rules.protected-path-modify']).toEqual({ line: 4, column: 3 });

    const vars = sourceSh(
      files.sh,
      ['GUARD_POLICY_SOURCE', 'GUARD_POLICY_HASH', 'GUARD_CONFIG_ERROR', 'GUARD_PROTECTED_BRANCHES', 'GUARD_PROTECTED_PATHS', 'GUARD_BACKUP_REMOTE', 'GUARD_MODE_PROTECTED_PATH_MODIFY_HUMAN', 'GUARD_MODE_PROTECTED_PATH_MODIFY_AGENT'],
      repo.dir,
    );
    expect(vars).toEqual({
      GUARD_POLICY_SOURCE: path.join(repo.dir, '.guard.yaml'),
      GUARD_POLICY_HASH: onDisk.sourceHash,
      GUARD_CONFIG_ERROR: '',
      GUARD_PROTECTED_BRANCHES: 'main release/*',
      GUARD_PROTECTED_PATHS: onDisk.protect.paths.map(shCasePattern).join(' '),
      GUARD_BACKUP_REMOTE: '',
      GUARD_MODE_PROTECTED_PATH_MODIFY_HUMAN: 'off',
      GUARD_MODE_PROTECTED_PATH_MODIFY_AGENT: 'enforce',
    });
    // Every rule has both variables.
    const sh = fs.readFileSync(files.sh, 'utf8');
    for (const rule of RULES) {
      expect(sh).toContain(`GUARD_MODE_${ruleVariable(rule.id)}_HUMAN='`);
      expect(sh).toContain(`GUARD_MODE_${ruleVariable(rule.id)}_AGENT='`);
    }
  });

  it('readPolicy uses the cache until the bytes of .guard.yaml change', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'protect:\n  branches: [main]\n');
    const r = await openRepo(repo.dir);
    const first = await readPolicy(r); // no cache yet: compiles
    expect(first.protect.branches).toEqual(['main']);
    expect((await readPolicy(r)).compiledAt).toBe(first.compiledAt);

    // Same bytes, new mtime: the hash says nothing changed.
    const file = path.join(repo.dir, '.guard.yaml');
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(file, later, later);
    expect((await readPolicy(r)).compiledAt).toBe(first.compiledAt);

    // New bytes: recompiled.
    repo.write('.guard.yaml', 'protect:\n  branches: [trunk]\n');
    const second = await readPolicy(r);
    expect(second.protect.branches).toEqual(['trunk']);
    expect(JSON.parse(fs.readFileSync(policyFiles(r).json, 'utf8')).protect.branches).toEqual(['trunk']);

    // Deleted: the defaults, and the policy says the file is missing.
    repo.remove('.guard.yaml');
    const third = await readPolicy(r);
    expect(third.sourceExists).toBe(false);
    expect(third.protect.branches).toEqual(defaultConfig().protect.branches);
  });

  it('a deleted policy.sh is rewritten; a corrupt policy.json recompiles', async () => {
    repo = createTestRepo();
    const r = await openRepo(repo.dir);
    const first = await readPolicy(r);
    fs.rmSync(policyFiles(r).sh);
    expect((await readPolicy(r)).compiledAt).toBe(first.compiledAt);
    expect(fs.existsSync(policyFiles(r).sh)).toBe(true);
    fs.writeFileSync(policyFiles(r).json, '{ not json');
    const again = await readPolicy(r);
    expect(again.error).toBeNull();
    expect(JSON.parse(fs.readFileSync(policyFiles(r).json, 'utf8')).error).toBeNull();
  });

  it('a cache from another schema (an older stamp, other defaults or rules) recompiles; the stamp is exact', async () => {
    repo = createTestRepo();
    const r = await openRepo(repo.dir);
    const first = await readPolicy(r);
    expect(first.schemaStamp).toBe(JSON.stringify({ POLICY_FORMAT, defaults: defaultConfig(), rules: RULES }));
    const cached = JSON.parse(fs.readFileSync(policyFiles(r).json, 'utf8')) as Policy;
    const stale = [
      // What guard wrote before the stamp was the canonical JSON: a 16-hex sha256 prefix.
      createHash('sha256').update(cached.schemaStamp).digest('hex').slice(0, 16),
      cached.schemaStamp.replace('"main"', '"trunk"'),
      cached.schemaStamp.slice(0, -1),
      '',
    ];
    for (const stamp of stale) {
      fs.writeFileSync(policyFiles(r).json, JSON.stringify({ ...cached, schemaStamp: stamp, compiledAt: 'stale' }));
      const again = await readPolicy(r);
      expect(again.compiledAt).not.toBe('stale');
      expect(again.schemaStamp).toBe(first.schemaStamp);
    }
  });

  it('a broken config compiles to a fail-closed policy that names the error', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'protect:\n  branchs: [main]\n');
    const r = await openRepo(repo.dir);
    const policy = await readPolicy(r);
    expect(policy.error).toContain('.guard.yaml:2:3: unknown key "branchs" in protect; did you mean "branches"?');
    expect(policy.problems).toHaveLength(1);
    expect(policy.protect).toEqual(failClosedConfig().protect);
    expect(policy.rules).toEqual(failClosedConfig().rules);

    const vars = sourceSh(policyFiles(r).sh, ['GUARD_CONFIG_ERROR', 'GUARD_PROTECTED_BRANCHES', 'GUARD_PROTECTED_PATHS', 'GUARD_MODE_PROTECTED_BRANCH_DELETE_HUMAN'], repo.dir);
    expect(vars.GUARD_CONFIG_ERROR).toBe(policy.error);
    expect(vars.GUARD_CONFIG_ERROR).toContain('did you mean "branches"?');
    expect(vars.GUARD_PROTECTED_BRANCHES).toBe('*');
    expect(vars.GUARD_PROTECTED_PATHS).toBe('*');
    expect(vars.GUARD_MODE_PROTECTED_BRANCH_DELETE_HUMAN).toBe('enforce');

    // Fixed: the next read is valid again.
    repo.write('.guard.yaml', 'protect:\n  branches: [main]\n');
    expect((await readPolicy(r)).error).toBeNull();
  });

  it('sourcing policy.sh with hostile globs, remote and keys executes nothing', async () => {
    repo = createTestRepo();
    const hostile = ["a'b", '$(touch pwned1)', '`touch pwned2`', 'x; touch pwned3', 'docs/My File.md', 'q"uote', '$HOME/x'];
    const yaml = [
      'protect:',
      '  paths:',
      ...hostile.map((glob) => `    - ${JSON.stringify(glob)}`),
      'backup:',
      '  remote: "$(touch${IFS}pwned4)"',
    ].join('\n');
    repo.write('.guard.yaml', `${yaml}\n`);
    const r = await openRepo(repo.dir);
    const policy = await compilePolicy(r);
    expect(policy.error).toBeNull();
    const vars = sourceSh(policyFiles(r).sh, ['GUARD_PROTECTED_PATHS', 'GUARD_BACKUP_REMOTE'], repo.dir);
    expect(vars.GUARD_BACKUP_REMOTE).toBe('$(touch${IFS}pwned4)');
    expect(vars.GUARD_PROTECTED_PATHS!.split(' ')).toEqual(expect.arrayContaining(["a'b", 'x;?touch?pwned3', 'docs/My?File.md', 'q"uote']));
    // A hostile key ends up in the error message, which is quoted the same way.
    repo.write('.guard.yaml', `"$(touch pwned5)'\\n; touch pwned6": 1\n`);
    const broken = await compilePolicy(r);
    expect(broken.error).toContain('$(touch pwned5)');
    const err = sourceSh(policyFiles(r).sh, ['GUARD_CONFIG_ERROR'], repo.dir);
    expect(err.GUARD_CONFIG_ERROR).toBe(broken.error);
    for (const name of ['pwned1', 'pwned2', 'pwned3', 'pwned4', 'pwned5', 'pwned6']) {
      expect(fs.existsSync(path.join(repo.dir, name)), name).toBe(false);
    }
  });

  it('a hostile source path and error (newlines, quotes) stay inside quotes', () => {
    const dir = createTestRepo({ init: false });
    repo = dir;
    const source = "/tmp/it's\n$(touch pwned7)\n`touch pwned8`/.guard.yaml";
    const error = "bad 'x'\nrm -rf ~\n# $(touch pwned9)";
    const file = path.join(dir.dir, 'policy.sh');
    fs.writeFileSync(file, renderPolicySh(fakePolicy({ source, error })));
    const vars = sourceSh(file, ['GUARD_POLICY_SOURCE', 'GUARD_CONFIG_ERROR'], dir.dir);
    expect(vars).toEqual({ GUARD_POLICY_SOURCE: source, GUARD_CONFIG_ERROR: error });
    for (const name of ['pwned7', 'pwned8', 'pwned9']) expect(fs.existsSync(path.join(dir.dir, name)), name).toBe(false);
    // Nothing but comments and assignments.
    for (const line of renderPolicySh(fakePolicy({})).trimEnd().split('\n')) expect(line).toMatch(/^(#.*|GUARD_[A-Z0-9_]+='[^']*')$/);
  });

  it('a shim can detect an edited .guard.yaml with `test -nt`', async () => {
    repo = createTestRepo();
    repo.write('.guard.yaml', 'version: 1\n');
    const r = await openRepo(repo.dir);
    await compilePolicy(r);
    const newer = (): boolean => spawnSync('sh', ['-c', '[ "$1" -nt "$2" ]', 'sh', path.join(repo.dir, '.guard.yaml'), policyFiles(r).sh]).status === 0;
    expect(newer()).toBe(false);
    const later = new Date(Date.now() + 2000);
    fs.utimesSync(path.join(repo.dir, '.guard.yaml'), later, later);
    expect(newer()).toBe(true);
  });

  it('the hook path does not load yaml: compile.ts imports it only lazily', async () => {
    const result = await build({
      entryPoints: [path.join(PROJECT_ROOT, 'src/config/compile.ts')],
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]!.text;
    expect(code).toMatch(/import\("yaml"\)/);
    expect(code).not.toMatch(/^import .* from "yaml";?$/m);
    expect(code).not.toMatch(/^import .* from "picomatch";?$/m);
  });
});

describe('shCasePattern', () => {
  /** What `case` does with a pattern that has only `*` and `?` wildcards. */
  const caseMatch = (pattern: string, value: string): boolean =>
    new RegExp(`^${[...pattern].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`, 's').test(value);

  it.each([
    ['main', 'main'],
    ['release/*', 'release/*'],
    ['.github/workflows/**', '.github/workflows*'],
    ['**/migrations/**', '*migrations*'],
    ['**/*.pem', '*.pem'],
    ['a/**/b', 'a/*b'],
    ['{a,b}/x', '*/x'],
    ['[ab]c', '?c'],
    ['[[:alpha:]]x', '?x'],
    ['@(a|b)/x', '*/x'],
    ['a\\*b', 'a?b'],
    ['a**b', 'a*b'],
    ['docs/My File.md', 'docs/My?File.md'],
    ['**', '*'],
  ])('%s -> %s', (glob, pattern) => {
    expect(shCasePattern(glob)).toBe(pattern);
  });

  it('matches at least everything the glob matches, as guard matches it (random globs and paths)', () => {
    const segments = ['a', 'b', 'ab', '.x', 'a b', 'c.d'];
    const globParts = ['a', 'b', '*', '**', '?', '.x', '*.d', '{a,b}', '{a,}', '[ab]', '[!a]', '[[:alpha:]]', 'a*', 'a b', '@(a|b)', '!(a)', '+(a)', '(a|b)', 'a**', '**b', 'c.d', '[', '{'];
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(list: T[]): T => list[rand(list.length)]!;
    let checked = 0;
    for (let g = 0; g < 300; g++) {
      const glob = Array.from({ length: 1 + rand(3) }, () => pick(globParts)).join('/');
      const isMatch = compileGlob(glob);
      const pattern = shCasePattern(glob);
      for (let p = 0; p < 60; p++) {
        const file = Array.from({ length: 1 + rand(4) }, () => pick(segments)).join('/');
        if (isMatch(file)) {
          checked++;
          expect(caseMatch(pattern, file), `${glob} matches ${file} but ${pattern} does not`).toBe(true);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('real sh agrees with the model used above', () => {
    const pairs: Array<[string, string, boolean]> = [
      ['*migrations*', 'app/migrations/1.sql', true],
      ['release/*', 'release/a/b', true],
      ['docs/My?File.md', 'docs/My File.md', true],
      ['*.pem', 'key.pem.bak', false],
      ["a'b", "a'b", true],
    ];
    for (const [pattern, value, expected] of pairs) {
      const status = spawnSync('sh', ['-c', 'case "$2" in $1) exit 0;; *) exit 1;; esac', 'sh', pattern, value]).status;
      expect(status === 0, `${pattern} vs ${value}`).toBe(expected);
    }
  });
});
