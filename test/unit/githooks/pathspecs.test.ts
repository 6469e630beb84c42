import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileGlob } from '../../../src/policy/match.js';
import { globToPathspecs } from '../../../src/githooks/pathspecs.js';
import { withTestRepo } from '../../helpers/git-repo.js';

const GLOBS = [
  '.guard.yaml',
  '.github/workflows/**',
  '**/migrations/**',
  'db/migrate/**',
  '*.pem',
  '**/*.key',
  'config/{prod,staging}.yml',
  'secrets/@(a|b).txt',
  'docs/?.md',
  'data/[ab]*.csv',
  'src/**/schema.sql',
];

const PATHS = [
  '.guard.yaml',
  'sub/.guard.yaml',
  '.github/workflows/ci.yml',
  '.github/workflows/deep/x.yml',
  '.github/other.yml',
  'migrations/001.sql',
  'app/db/migrations/002.sql',
  'migrations',
  'migrationsx/1.sql',
  'db/migrate/1.rb',
  'db/migrate',
  'server.pem',
  'nested/server.pem',
  'a/b/c.key',
  'x.key',
  'config/prod.yml',
  'config/dev.yml',
  'secrets/a.txt',
  'secrets/c.txt',
  'docs/a.md',
  'docs/ab.md',
  'data/a1.csv',
  'data/c1.csv',
  'src/schema.sql',
  'src/a/b/schema.sql',
  'README.md',
];

describe('protected-path globs as git pathspecs', () => {
  it('turns globs into :(top,glob) pathspecs, widening what git cannot express', () => {
    expect(globToPathspecs('.guard.yaml')).toEqual([':(top,glob).guard.yaml']);
    expect(globToPathspecs('db/migrate/**')).toEqual([':(top,glob)db/migrate/**', ':(top,glob)db/migrate']);
    expect(globToPathspecs('config/{prod,staging}.yml')).toEqual([':(top,glob)config/**', ':(top,glob)config']);
    expect(globToPathspecs('@(a|b).txt')).toEqual([':(top,glob)**']);
  });

  it('git matches at least every path picomatch matches (a sound prefilter), checked with real git', () =>
    withTestRepo((repo) => {
      for (const file of PATHS) {
        // `migrations` and `db/migrate` exist as files here to test the `dir/**` edge.
        fs.mkdirSync(path.dirname(path.join(repo.dir, file)), { recursive: true });
        if (!fs.existsSync(path.join(repo.dir, file))) fs.writeFileSync(path.join(repo.dir, file), 'x\n');
      }
      repo.git(['add', '-A']);
      for (const glob of GLOBS) {
        const test = compileGlob(glob);
        const wanted = PATHS.filter((p) => test(p) && fs.statSync(path.join(repo.dir, p)).isFile());
        const listed = repo.git(['ls-files', '-z', '--', ...globToPathspecs(glob)]).split('\0').filter(Boolean);
        for (const p of wanted) expect(listed, `${glob} must cover ${p}`).toContain(p);
        // Exact where git can express the glob.
        if (!/[{}()@!+|\\]/.test(glob)) expect(listed.sort(), glob).toEqual(wanted.sort());
      }
    }));
});
