// Every validation message, with its line and column, through parseConfigText (the same code
// path loadConfig and compilePolicy use).
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/policy/schema.js';

const FILE = '/repo/.guard.yaml';
const CONTEXT = { configDir: '/repo', home: '/home/me' };

async function problems(text: string): Promise<Array<[number, number, string]>> {
  const parsed = await parseConfigText(text, FILE, CONTEXT);
  for (const p of parsed.problems) expect(p.file).toBe(FILE);
  return parsed.problems.map((p) => [p.line, p.column, p.message]);
}

/** Exactly one problem, at line:col, whose message contains every fragment. */
async function expectOne(text: string, line: number, column: number, ...fragments: string[]): Promise<void> {
  const found = await problems(text);
  expect(found, JSON.stringify(found)).toHaveLength(1);
  const [[l, c, message]] = found as [[number, number, string]];
  expect([l, c]).toEqual([line, column]);
  for (const fragment of fragments) expect(message).toContain(fragment);
}

describe('valid files', () => {
  it('an empty file or one with only comments sets nothing', async () => {
    for (const text of ['', '# nothing yet\n', '---\n']) {
      const parsed = await parseConfigText(text, FILE, CONTEXT);
      expect(parsed.problems).toEqual([]);
      expect(parsed.config).toEqual(defaultConfig());
      expect(parsed.fromFile).toEqual([]);
    }
  });

  it('empty sections keep their defaults', async () => {
    const parsed = await parseConfigText('protect:\nsnapshot:\n  retention:\nrules:\n', FILE, CONTEXT);
    expect(parsed.problems).toEqual([]);
    expect(parsed.config).toEqual(defaultConfig());
  });

  it('values the file sets replace the defaults; the rest stay', async () => {
    const parsed = await parseConfigText(
      [
        'version: 1',
        'protect:',
        '  branches: [trunk, "env/*"]',
        '  paths: []',
        'snapshot:',
        '  maxFileSize: 1.5GB',
        '  includeIgnored: [.env]',
        '  retention: { keepDays: 7 }',
        'backup:',
        '  dir: ~/guard-backups',
        '  remote: backup',
        'watch:',
        '  debounceMs: 800',
        'rules:',
        '  protected-path-modify: off',
        '  hooks-disable: { agent: enforce }',
        '  protected-branch-rewrite: { human: enforce }',
      ].join('\n'),
      FILE,
      CONTEXT,
    );
    expect(parsed.problems).toEqual([]);
    const config = parsed.config!;
    const defaults = defaultConfig();
    expect(config.protect.branches).toEqual(['trunk', 'env/*']);
    // .guard.yaml stays protected even when the list is emptied.
    expect(config.protect.paths).toEqual(['.guard.yaml']);
    expect(config.snapshot.maxFileSize).toBe(1.5 * 1024 ** 3);
    expect(config.snapshot.includeIgnored).toEqual(['.env']);
    expect(config.snapshot.retention).toEqual({ ...defaults.snapshot.retention, keepDays: 7 });
    expect(config.backup).toEqual({ dir: '~/guard-backups', remote: 'backup' });
    expect(config.watch).toEqual({ ...defaults.watch, debounceMs: 800 });
    expect(config.rules['protected-path-modify']).toEqual({ human: 'off', agent: 'off' });
    // A side left out keeps that side's default.
    expect(config.rules['hooks-disable']).toEqual({ human: 'warn', agent: 'enforce' });
    expect(config.rules['protected-branch-rewrite']).toEqual({ human: 'enforce', agent: 'enforce' });
    expect(config.rules['guard-refs']).toEqual(defaults.rules['guard-refs']);
    expect(parsed.fromFile).toContain('rules.hooks-disable');
    expect(parsed.locations['rules.hooks-disable']).toEqual({ line: 16, column: 3 });
    expect(parsed.locations['snapshot.maxFileSize']).toEqual({ line: 6, column: 3 });
  });

  it('anchors and aliases resolve', async () => {
    const parsed = await parseConfigText('rules:\n  guard-refs: &strict enforce\n  protected-path-modify: *strict\n', FILE, CONTEXT);
    expect(parsed.problems).toEqual([]);
    expect(parsed.config!.rules['protected-path-modify']).toEqual({ human: 'enforce', agent: 'enforce' });
  });

  it('`off` is the mode, not YAML 1.1 false', async () => {
    const parsed = await parseConfigText('rules:\n  protected-path-modify: off\n', FILE, CONTEXT);
    expect(parsed.config!.rules['protected-path-modify'].human).toBe('off');
  });
});

describe('every problem, with line and column', () => {
  it('YAML syntax errors', async () => {
    await expectOne('protect:\n  branches: [main\nrules: {}\n', 3, 1, 'YAML:');
    await expectOne('protect:\n\tbranches: [main]\n', 2, 1, 'YAML:', 'Tabs');
  });

  it('duplicate keys are reported and the rest is still checked', async () => {
    const found = await problems('rules:\n  guard-refs: enforce\n  guard-refs: warn\nwatch:\n  debounceMs: fast\n');
    expect(found.map(([l, c]) => [l, c])).toEqual([
      [3, 3],
      [5, 15],
    ]);
    expect(found[0]![2]).toContain('unique');
  });

  it('the top level must be a mapping', async () => {
    await expectOne('- main\n- master\n', 1, 1, 'expected a mapping of settings', 'got a list');
  });

  it('version', async () => {
    await expectOne('version: 2\n', 1, 10, 'unsupported version 2');
    await expectOne('version: one\n', 1, 10, 'version: expected 1, got the text "one"');
  });

  it('unknown keys with a did-you-mean', async () => {
    await expectOne('protect:\n  branchs: [main]\n', 2, 3, 'unknown key "branchs" in protect; did you mean "branches"?');
    await expectOne('snapshot:\n  maxfilesize: 1MB\n', 2, 3, 'did you mean "maxFileSize"?');
    await expectOne('snapshot:\n  retention:\n    keepSesions: 5\n', 3, 5, 'in snapshot.retention; did you mean "keepSessions"?');
    await expectOne('protectt:\n  branches: [main]\n', 1, 1, 'unknown key "protectt" at the top level; did you mean "protect"?');
  });

  it('a key in the wrong place points to where it belongs', async () => {
    await expectOne('maxFileSize: 10MB\n', 1, 1, 'did you mean snapshot.maxFileSize?');
    await expectOne('protect:\n  guard-refs: enforce\n', 2, 3, 'did you mean rules.guard-refs?');
  });

  it('an unknown key with nothing close lists what is allowed', async () => {
    await expectOne('watch:\n  colour: blue\n', 2, 3, 'unknown key "colour" in watch; expected one of: debounceMs, maxIntervalMs, idleTimeoutMinutes');
  });

  it('wrong types', async () => {
    await expectOne('protect: [main]\n', 1, 10, 'protect: expected a mapping with branches, paths, got a list');
    await expectOne('protect:\n  branches: main\n', 2, 13, 'protect.branches: expected a list of branch globs', 'got the text "main"');
    await expectOne('protect:\n  branches:\n', 2, 3, 'protect.branches: no value', 'or [] for none');
    await expectOne('protect:\n  paths: [1.5]\n', 2, 11, 'protect.paths[0]: expected a path glob (text), got the number 1.5 (quote it: "1.5")');
    await expectOne('watch:\n  debounceMs: "1500"\n', 2, 15, 'expected a number of ms, got the text "1500": remove the quotes');
    await expectOne('watch:\n  debounceMs: 1.5\n', 2, 15, 'expected a whole number of ms');
    await expectOne('watch:\n  debounceMs: 10\n', 2, 15, '10 is out of range: use 50 to 600000 (ms)');
    await expectOne('watch:\n  idleTimeoutMinutes: true\n', 2, 23, 'expected a number of minutes (default 30), got true');
    await expectOne('snapshot:\n  retention: 30\n', 2, 14, 'snapshot.retention: expected a mapping with keepDays, keepSessions, maxStoreSize');
    await expectOne('backup:\n  remote: [a, b]\n', 2, 11, 'backup.remote: expected text or null, got a list');
  });

  it('bad sizes', async () => {
    await expectOne('snapshot:\n  maxFileSize: 10 megs\n', 2, 16, '"10 megs" is not a size', 'e.g. 50MB');
    await expectOne('snapshot:\n  maxFileSize: -5\n', 2, 16, '-5 is not a size');
    await expectOne('snapshot:\n  retention:\n    maxStoreSize: [1GB]\n', 3, 19, 'expected a size such as 2GB, got a list');
  });

  it('bad branch globs', async () => {
    const cases: Array<[string, string]> = [
      ['refs/heads/main', 'write the branch name without refs/heads/: "main"'],
      ['refs/tags/v1', 'is a ref, not a branch name'],
      ['"my branch"', 'contains whitespace'],
      ['"a~1"', 'contains "~"'],
      ['"a..b"', 'contains ".." or "@{"'],
      ['"-x"', 'is not a valid branch name'],
      ['"x/"', 'is not a valid branch name'],
      ['"!main"', 'negated globs are not supported'],
      ['""', 'is empty'],
    ];
    for (const [glob, fragment] of cases) {
      await expectOne(`protect:\n  branches:\n    - ok\n    - ${glob}\n`, 4, 7, 'protect.branches[1]:', fragment);
    }
  });

  it('bad path globs', async () => {
    const cases = ([
      ['/etc/x', 'is absolute; paths are relative to the repository root: write "etc/x"'],
      ['./src/**', 'starts with "./"', 'write "src/**"'],
      ['a/../b', 'contains ".."'],
      ['migrations/', 'matches nothing', 'write "migrations/**"'],
      ['.git/config', 'points inside .git'],
      ['"!keep"', 'negated globs are not supported'],
      ['"a\\tb"', 'control character'],
      ['"dir\\\\file"', 'is not a path separator'],
    ] as string[][]).map(([glob, ...fragments]) => [glob!, fragments] as const);
    for (const [glob, fragments] of cases) {
      const found = await problems(`snapshot:\n  includeIgnored:\n    - ${glob}\n`);
      expect(found, glob).toHaveLength(1);
      expect(found[0]!.slice(0, 2), glob).toEqual([3, 7]);
      expect(found[0]![2], glob).toContain('snapshot.includeIgnored[0]');
      for (const fragment of fragments) expect(found[0]![2], glob).toContain(fragment);
    }
    await expectOne('protect:\n  paths: [migrations/]\n', 2, 11, 'write "migrations/**"');
  });

  it('globs with spaces and quotes are fine for paths', async () => {
    const parsed = await parseConfigText('protect:\n  paths: ["docs/My File.md", "a\'b", "$(x)"]\n', FILE, CONTEXT);
    expect(parsed.problems).toEqual([]);
  });

  it('bad modes with a did-you-mean', async () => {
    await expectOne('rules:\n  guard-refs: enforced\n', 2, 15, 'rules.guard-refs: "enforced" is not a mode (off, warn or enforce); did you mean "enforce"?');
    await expectOne('rules:\n  guard-refs: block\n', 2, 15, '"block" is not a mode', 'use off, warn or enforce');
    await expectOne('rules:\n  guard-refs: false\n', 2, 15, 'false is not a mode', 'write off');
    await expectOne('rules:\n  guard-refs: { human: warn, agent: nope }\n', 2, 37, 'rules.guard-refs.agent: "nope" is not a mode');
    await expectOne('rules:\n  guard-refs: { humans: warn }\n', 2, 17, 'rules.guard-refs: unknown key "humans"; did you mean "human"?');
    await expectOne('rules: [guard-refs]\n', 1, 8, 'rules: expected a mapping of rule ids to modes');
  });

  it('unknown rules with a did-you-mean', async () => {
    await expectOne('rules:\n  guard-ref: enforce\n', 2, 3, 'unknown rule "guard-ref"; did you mean "guard-refs"?');
    await expectOne('rules:\n  protected-branch-deletion: enforce\n', 2, 3, 'did you mean "protected-branch-delete"?');
    await expectOne('rules:\n  everything: enforce\n', 2, 3, 'unknown rule "everything"; rules are: protected-branch-delete');
  });

  it('an agent mode looser than the human mode', async () => {
    await expectOne(
      'rules:\n  protected-path-modify: { human: enforce, agent: warn }\n',
      2,
      26,
      'the agent mode (warn) is looser than the human mode (enforce)',
    );
    // Only the human side given: the default agent side (warn) would be looser.
    await expectOne('rules:\n  protected-path-modify: { human: enforce }\n', 2, 26, 'looser');
  });

  it('backup settings', async () => {
    await expectOne('backup:\n  dir: backups\n', 2, 8, 'must be an absolute path or start with ~/');
    await expectOne('backup:\n  dir: /repo/backups\n', 2, 8, 'is inside the working tree');
    await expectOne('backup:\n  remote: --upload-pack=x\n', 2, 11, 'starts with "-"');
    await expectOne('backup:\n  remote: "two words"\n', 2, 11, 'contains whitespace');
  });

  it('watch interval shorter than the debounce', async () => {
    await expectOne('watch:\n  debounceMs: 5000\n  maxIntervalMs: 1000\n', 3, 3, 'watch.maxIntervalMs (1000) is shorter than watch.debounceMs (5000)');
    await expectOne('watch:\n  debounceMs: 20000\n', 2, 3, 'watch.maxIntervalMs (10000) is shorter than watch.debounceMs (20000)');
  });

  it('reports every problem at once, in file order, each with its key', async () => {
    const parsed = await parseConfigText(
      [
        'version: 3', // 1
        'protect:', // 2
        '  branchs: [main]', // 3
        '  paths: ["/abs"]', // 4
        'snapshot:', // 5
        '  maxFileSize: huge', // 6
        'rules:', // 7
        '  guard-refs: block', // 8
        '  hooks-disable: { human: enforce, agent: off }', // 9
        'extra: 1', // 10
      ].join('\n'),
      FILE,
      CONTEXT,
    );
    expect(parsed.config).toBeNull();
    expect(parsed.problems.map((p) => [p.line, p.column, p.key])).toEqual([
      [1, 10, 'version'],
      [3, 3, 'protect.branchs'],
      [4, 11, 'protect.paths[0]'],
      [6, 16, 'snapshot.maxFileSize'],
      [8, 15, 'rules.guard-refs'],
      [9, 18, 'rules.hooks-disable'],
      [10, 1, 'extra'],
    ]);
  });
});
