import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { listPresets, renderPreset, writeConfigFile } from '../../../src/config/presets.js';
import { GuardError } from '../../../src/errors.js';
import { openRepo } from '../../../src/git/repo.js';
import { RULES, configKeyPaths, defaultConfig, modeRank } from '../../../src/policy/schema.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

let repo: TestRepo | undefined;
afterEach(() => repo?.cleanup());

describe('presets', () => {
  it('lists at least default and strict, each with a description', () => {
    const presets = listPresets();
    expect(presets.map((p) => p.name)).toEqual(expect.arrayContaining(['default', 'strict']));
    for (const preset of presets) expect(preset.description.length).toBeGreaterThan(20);
  });

  it.each(listPresets().map((p) => p.name))('%s validates without a problem', async (name) => {
    const parsed = await parseConfigText(await renderPreset(name), `/repo/${name}.yaml`, { configDir: '/repo' });
    expect(parsed.problems).toEqual([]);
  });

  it('the default preset spells out exactly the built-in defaults, every key set', async () => {
    const parsed = await parseConfigText(await renderPreset('default'), '/repo/.guard.yaml', { configDir: '/repo' });
    expect(parsed.config).toEqual(defaultConfig());
    expect([...parsed.fromFile].sort()).toEqual(configKeyPaths().sort());
  });

  it('strict: agents enforce everywhere, and it protects more than the default', async () => {
    const strict = (await parseConfigText(await renderPreset('strict'), '/repo/.guard.yaml', { configDir: '/repo' })).config!;
    const defaults = defaultConfig();
    for (const rule of RULES) {
      expect(strict.rules[rule.id].agent, rule.id).toBe('enforce');
      expect(modeRank(strict.rules[rule.id].human), rule.id).toBeGreaterThanOrEqual(modeRank(defaults.rules[rule.id].human));
    }
    expect(strict.protect.branches).toEqual(expect.arrayContaining(defaults.protect.branches));
    expect(strict.protect.branches.length).toBeGreaterThan(defaults.protect.branches.length);
    expect(strict.protect.paths.length).toBeGreaterThan(defaults.protect.paths.length);
  });

  it.each(listPresets().map((p) => p.name))('%s: every setting line says what it does', async (name) => {
    const lines = (await renderPreset(name)).split('\n');
    lines.forEach((line, i) => {
      if (line.trim() === '' || line.trim().startsWith('#')) return;
      const commented = line.includes(' # ') || (lines[i - 1] ?? '').trim().startsWith('#');
      expect(commented, `${name} line ${i + 1} has no comment: ${line}`).toBe(true);
    });
  });

  it('an unknown preset is a user error that lists the presets', async () => {
    const error = await renderPreset('paranoid').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardError);
    expect((error as GuardError).kind).toBe('user');
    expect((error as GuardError).hints.join('\n')).toContain('--preset strict');
  });
});

describe('writeConfigFile', () => {
  it('writes .guard.yaml once and never overwrites', async () => {
    repo = createTestRepo();
    const r = await openRepo(repo.dir);
    const first = await writeConfigFile(r, 'strict');
    expect(first).toEqual({ written: true, path: path.join(repo.dir, '.guard.yaml') });
    expect(repo.read('.guard.yaml')).toBe(await renderPreset('strict'));

    repo.write('.guard.yaml', 'version: 1 # mine\n');
    const second = await writeConfigFile(r, 'default');
    expect(second.written).toBe(false);
    expect(repo.read('.guard.yaml')).toBe('version: 1 # mine\n');
  });

  it('refuses to replace a non-file and leaves it alone', async () => {
    repo = createTestRepo();
    fs.mkdirSync(path.join(repo.dir, '.guard.yaml'));
    expect((await writeConfigFile(await openRepo(repo.dir))).written).toBe(false);
    expect(fs.statSync(path.join(repo.dir, '.guard.yaml')).isDirectory()).toBe(true);
  });
});
