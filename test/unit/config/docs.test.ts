// docs/configuration.md must cover every key and rule, with the defaults schema.ts has.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES, type Spec, configKeyPaths, specAt } from '../../../src/policy/schema.js';
import { formatSize } from '../../../src/policy/size.js';
import { PROJECT_ROOT } from '../../helpers/git-repo.js';

const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'configuration.md'), 'utf8');
const rows = doc.split('\n').filter((line) => line.startsWith('| `'));
const rowFor = (key: string): string | undefined => rows.find((line) => line.startsWith(`| \`${key}\` |`));

function defaultText(spec: Spec): string | null {
  switch (spec.kind) {
    case 'size':
      return `\`${formatSize(spec.default)}\``;
    case 'integer':
      return `\`${spec.default}\``;
    case 'optional-string':
      return '`null`';
    case 'version':
      return '`1`';
    default:
      return null;
  }
}

describe('docs/configuration.md', () => {
  it.each(configKeyPaths().filter((k) => !k.startsWith('rules.')))('documents %s with its default', (key) => {
    const row = rowFor(key);
    expect(row, `no table row for ${key}`).toBeDefined();
    const expected = defaultText(specAt(key)!);
    if (expected) expect(row).toContain(expected);
  });

  it.each(RULES.map((r) => r.id))('documents rule %s with its default modes', (id) => {
    const rule = RULES.find((r) => r.id === id)!;
    const row = rowFor(id);
    expect(row, `no table row for ${id}`).toBeDefined();
    expect(row).toContain(`| ${rule.defaults.human} / ${rule.defaults.agent} |`);
    expect(row).toContain(rule.protectsData ? '| yes |' : '| no |');
  });

  it('explains failing closed', () => {
    expect(doc).toContain('## A broken config fails closed');
  });
});
