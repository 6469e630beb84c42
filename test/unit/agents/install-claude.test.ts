import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { installAgents, uninstallAgents } from '../../../src/agents/install.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('Claude Code install', () => {
  it('merges into existing local settings, is idempotent, and uninstall restores the file exactly', async () => {
    await withTestRepo(async (t) => {
      const original = {
        permissions: { allow: ['Bash(npm test)'] },
        hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'echo mine' }] }], Stop: [] },
        env: { FOO: '1' },
      };
      const text = `${JSON.stringify(original, null, 4)}\n`;
      t.write('.claude/settings.local.json', text);
      const repo = await openRepo(t.dir);
      const first = await installAgents(repo, { agents: ['claude'] });
      expect(first.installed[0]?.files[0]?.action).toBe('updated');
      const installed = JSON.parse(t.read('.claude/settings.local.json'));
      expect(installed.permissions).toEqual(original.permissions);
      expect(installed.env).toEqual(original.env);
      expect(installed.hooks.PreToolUse[0]).toEqual(original.hooks.PreToolUse[0]);
      expect(installed.hooks.PreToolUse[1].hooks[0].command).toMatch(/' git-guard claude pre-tool$/);
      expect(Object.keys(installed.hooks)).toEqual(['PreToolUse', 'Stop', 'SessionStart', 'PostToolUse', 'SessionEnd']);

      const afterFirst = t.read('.claude/settings.local.json');
      const second = await installAgents(repo, { agents: ['claude'] });
      expect(second.installed[0]?.files[0]?.action).toBe('unchanged');
      expect(t.read('.claude/settings.local.json')).toBe(afterFirst);

      const removed = await uninstallAgents(repo);
      expect(removed.removed.map((r) => r.agent)).toEqual(['claude']);
      expect(JSON.parse(t.read('.claude/settings.local.json'))).toEqual(original);
      expect(t.read('.claude/settings.local.json')).toBe(text);
    });
  });

  it('creates the file and directory when absent and deletes exactly those on uninstall', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      const result = await installAgents(repo, { agents: ['claude-code'] });
      expect(result.installed[0]?.files[0]).toEqual({ path: '.claude/settings.local.json', action: 'created' });
      await uninstallAgents(repo);
      expect(t.exists('.claude')).toBe(false);
    });
  });

  it('keeps a file guard created when the user added keys to it', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: ['claude'] });
      const data = JSON.parse(t.read('.claude/settings.local.json'));
      data.model = 'opus';
      t.write('.claude/settings.local.json', JSON.stringify(data));
      await uninstallAgents(repo);
      expect(JSON.parse(t.read('.claude/settings.local.json'))).toEqual({ model: 'opus' });
    });
  });
});
