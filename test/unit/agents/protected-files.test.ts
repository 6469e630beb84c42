/** Which file-tool targets an agent may not touch, judged on real paths (symlinks resolved). */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFileTarget } from '../../../src/agents/protected-files.js';
import { openRepo } from '../../../src/git/repo.js';
import { defaultConfig, failClosedConfig } from '../../../src/policy/schema.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('checkFileTarget', () => {
  it('denies the git directory, guard and agent settings and protected paths; allows the rest', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      const policy = defaultConfig();
      const check = (p: string, cwd = t.dir) => checkFileTarget(repo, policy, p, cwd);
      expect(check('.git/config')).toMatchObject({ rule: 'hooks-disable', mode: 'enforce' });
      expect(check(path.join(t.dir, '.git/hooks/pre-push'))).toMatchObject({ rule: 'hooks-disable' });
      expect(check('.git/refs/heads/main')).toMatchObject({ rule: 'guard-refs' });
      expect(check('../repo/.git/packed-refs', path.join(t.dir))).toMatchObject({ rule: 'guard-refs' });
      expect(check('.guard.yaml')).toMatchObject({ rule: 'hooks-disable', path: '.guard.yaml' });
      expect(check('.claude/settings.local.json')).toMatchObject({ rule: 'hooks-disable' });
      expect(check('.opencode/plugins/git-guard.js')).toMatchObject({ rule: 'hooks-disable' });
      expect(check('db/migrate/001_init.rb')).toMatchObject({ rule: 'agent-file-edit-protected', path: 'db/migrate/001_init.rb' });
      expect(check('src/app.ts')).toBeNull();
      expect(check('notes.md', path.join(t.dir, 'docs'))).toBeNull();
      expect(check(path.join(t.base, 'outside.txt'))).toBeNull();
    });
  });

  it('judges a symlink by where it points', async () => {
    await withTestRepo(async (t) => {
      fs.symlinkSync(path.join(t.dir, '.git'), path.join(t.dir, 'innocent'));
      const repo = await openRepo(t.dir);
      expect(checkFileTarget(repo, defaultConfig(), 'innocent/HEAD', t.dir)).toMatchObject({ rule: 'guard-refs' });
    });
  });

  it('applies the agent mode of each rule; a broken config counts every path as protected (warn, per failClosedConfig)', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      const policy = defaultConfig();
      policy.rules['agent-file-edit-protected'] = { human: 'off', agent: 'off' };
      expect(checkFileTarget(repo, policy, 'db/migrate/1.rb', t.dir)).toBeNull();
      policy.rules['agent-file-edit-protected'] = { human: 'off', agent: 'warn' };
      expect(checkFileTarget(repo, policy, 'db/migrate/1.rb', t.dir)).toMatchObject({ mode: 'warn' });
      const broken = { ...failClosedConfig(), error: '.guard.yaml: bad' };
      expect(checkFileTarget(repo, broken, 'src/app.ts', t.dir)).toMatchObject({ rule: 'agent-file-edit-protected', mode: 'warn' });
      expect(checkFileTarget(repo, broken, '.git/HEAD', t.dir)).toMatchObject({ rule: 'guard-refs', mode: 'enforce' });
    });
  });
});
