import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MIN_GIT_TEXT, parseGitVersion, versionAtLeast } from '../../../src/git/compat.js';
import { PROJECT_ROOT } from '../../helpers/git-repo.js';

describe('git version parsing (src/git/compat.ts)', () => {
  it('reads what git --version prints on each platform', () => {
    expect(parseGitVersion('git version 2.39.5\n')).toMatchObject({ major: 2, minor: 39, patch: 5, text: '2.39.5' });
    expect(parseGitVersion('git version 2.45.1.windows.1')).toMatchObject({ major: 2, minor: 45, patch: 1 });
    expect(parseGitVersion('git version 2.50.1 (Apple Git-155)')).toMatchObject({ major: 2, minor: 50 });
    expect(parseGitVersion('git version 2.31.0.rc2')).toMatchObject({ major: 2, minor: 31, patch: 0 });
    expect(parseGitVersion('something else')).toBeNull();
  });

  it('compares against the minimum', () => {
    const v = parseGitVersion('git version 2.30.9')!;
    expect(versionAtLeast(v, 2, 31)).toBe(false);
    expect(versionAtLeast(parseGitVersion('git version 2.31.0')!, 2, 31)).toBe(true);
    expect(versionAtLeast(parseGitVersion('git version 3.0.0')!, 2, 31)).toBe(true);
  });

  it('says the same minimum everywhere: compat.ts, run.ts and the README', () => {
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'src/git/run.ts'), 'utf8')).toContain(`const MIN_GIT_TEXT = '${MIN_GIT_TEXT}'`);
    expect(fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8')).toContain(`git ≥ ${MIN_GIT_TEXT}`);
  });
});
