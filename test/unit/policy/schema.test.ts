import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALWAYS_PROTECTED_PATHS,
  CONFIG_SPEC,
  MODES,
  RULES,
  RULE_IDS,
  type Spec,
  configKeyPaths,
  defaultConfig,
  failClosedConfig,
  modeRank,
  renderJsonSchema,
  specAt,
} from '../../../src/policy/schema.js';
import { formatSize, parseSize } from '../../../src/policy/size.js';
import { PROJECT_ROOT } from '../../helpers/git-repo.js';

const SCHEMA_FILE = path.join(PROJECT_ROOT, 'templates', 'guard.schema.json');

/** Leaf paths of a plain object (arrays and rule-mode objects are leaves). */
function objectLeaves(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length === 2 && keys.includes('human') && keys.includes('agent')) return [prefix];
    return keys.flatMap((key) => objectLeaves((value as Record<string, unknown>)[key], prefix ? `${prefix}.${key}` : key));
  }
  return [prefix];
}

describe('schema', () => {
  it('templates/guard.schema.json is generated from schema.ts and up to date', () => {
    const committed = fs.readFileSync(SCHEMA_FILE, 'utf8');
    // To update: node scripts/build.mjs && node bin/guard.js config schema > templates/guard.schema.json
    expect(committed, 'templates/guard.schema.json is stale: run `node bin/guard.js config schema > templates/guard.schema.json`').toBe(
      renderJsonSchema(),
    );
  });

  it('every key of the spec has a default and every default has a key', () => {
    expect(configKeyPaths().sort()).toEqual(objectLeaves(defaultConfig()).sort());
  });

  it('spec defaults are the defaults', () => {
    const walk = (spec: Spec, value: unknown): void => {
      if (spec.kind === 'section') {
        for (const [key, child] of Object.entries(spec.fields)) walk(child, (value as Record<string, unknown>)[key]);
      } else if (spec.kind === 'globs' || spec.kind === 'size' || spec.kind === 'integer' || spec.kind === 'optional-string') {
        expect(value).toEqual(spec.default);
      }
    };
    walk(CONFIG_SPEC, defaultConfig());
    expect(specAt('snapshot.retention.keepDays')?.kind).toBe('integer');
    expect(specAt('protect.nope')).toBeUndefined();
  });

  it('no rule lets agents off more lightly than people by default', () => {
    for (const rule of RULES) {
      expect(modeRank(rule.defaults.agent), rule.id).toBeGreaterThanOrEqual(modeRank(rule.defaults.human));
    }
    expect(new Set(RULE_IDS).size).toBe(RULES.length);
    for (const id of [
      'protected-branch-delete',
      'protected-branch-force-push',
      'protected-branch-rewrite',
      'protected-path-delete',
      'protected-path-modify',
      'guard-refs',
      'guard-refs-push',
      'hooks-disable',
      'agent-file-edit-protected',
    ]) {
      expect(RULE_IDS).toContain(id);
    }
  });

  it('local rewrites of protected branches: people warned, agents refused', () => {
    expect(defaultConfig().rules['protected-branch-rewrite']).toEqual({ human: 'warn', agent: 'enforce' });
  });

  it('the default protects .guard.yaml and the documented branches', () => {
    const config = defaultConfig();
    expect(config.protect.branches).toEqual(['main', 'master', 'release/*']);
    for (const p of ALWAYS_PROTECTED_PATHS) expect(config.protect.paths).toContain(p);
    expect(config.snapshot.maxFileSize).toBe(50 * 1024 * 1024);
    expect(config.watch.debounceMs).toBe(1500);
  });

  it('a broken config fails closed: everything protected, data rules enforced for everyone', () => {
    const config = failClosedConfig();
    expect(config.protect).toEqual({ branches: ['**'], paths: ['**'] });
    for (const rule of RULES) {
      const modes = config.rules[rule.id];
      if (rule.protectsData) expect(modes, rule.id).toEqual({ human: 'enforce', agent: 'enforce' });
      else expect(modes, rule.id).toEqual({ human: 'warn', agent: 'warn' });
    }
  });

  it('the JSON schema lists every rule and mode and forbids unknown keys', () => {
    const schema = JSON.parse(renderJsonSchema()) as Record<string, any>;
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.rules.properties).sort()).toEqual([...RULE_IDS].sort());
    expect(schema.properties.rules.properties['guard-refs'].oneOf[0].enum).toEqual([...MODES]);
    expect(schema.properties.snapshot.properties.maxFileSize.default).toBe('50MB');
    expect(new RegExp(schema.properties.snapshot.properties.maxFileSize.oneOf[0].pattern).test('1.5GB')).toBe(true);
    expect(new RegExp(schema.properties.snapshot.properties.maxFileSize.oneOf[0].pattern).test('10 megs')).toBe(false);
  });
});

describe('sizes', () => {
  it.each([
    ['0', 0],
    [0, 0],
    ['10', 10],
    ['10B', 10],
    ['1KB', 1024],
    ['1k', 1024],
    ['10MB', 10 * 1024 ** 2],
    ['10 mb', 10 * 1024 ** 2],
    ['50MiB', 50 * 1024 ** 2],
    ['1.5GB', 1.5 * 1024 ** 3],
    ['2TB', 2 * 1024 ** 4],
    [1048576, 1048576],
  ] as const)('parses %j', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', 'MB', '-5MB', '1.5', '10 megs', '1e3', '5XB', -1, 1.5, Number.MAX_VALUE])('rejects %j', (text) => {
    expect(parseSize(text as string | number)).toBeNull();
  });

  it.each([
    [0, '0'],
    [1, '1B'],
    [1024, '1KB'],
    [1536, '1.5KB'],
    [50 * 1024 ** 2, '50MB'],
    [1.5 * 1024 ** 3, '1.5GB'],
    [1000, '1000B'],
  ])('formats %d as %s and back', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
    expect(parseSize(text)).toBe(bytes);
  });
});
