/**
 * Install/uninstall round trips for every agent: unrelated keys survive, a second install writes
 * nothing, uninstall gives back the user's file byte for byte, and files and directories guard
 * created are deleted (only those).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openRepo } from '../../../src/git/repo.js';
import { installAgents, uninstallAgents } from '../../../src/agents/install.js';
import { checkFileTarget } from '../../../src/agents/protected-files.js';
import { defaultConfig } from '../../../src/policy/schema.js';
import { PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

interface Case {
  agent: string;
  file: string;
  /** A realistic existing file with the user's own settings and hooks. */
  existing: Record<string, unknown>;
  /** Reads guard's commands out of the installed file. */
  guardCommands(data: any): string[];
}

const nested = (data: any): string[] =>
  Object.values(data.hooks ?? {}).flatMap((groups: any) => groups.flatMap((g: any) => (g.hooks ?? []).map((h: any) => h.command)));

const CASES: Case[] = [
  {
    agent: 'claude',
    file: '.claude/settings.local.json',
    existing: { permissions: { allow: ['Bash(npm test)'] }, hooks: { PostToolUse: [{ matcher: 'Edit', hooks: [{ type: 'command', command: 'prettier -w' }] }] } },
    guardCommands: nested,
  },
  {
    agent: 'codex',
    file: '.codex/hooks.json',
    existing: { hooks: { PreToolUse: [{ matcher: '^Bash$', hooks: [{ type: 'command', command: 'my-policy', timeout: 5 }] }] } },
    guardCommands: nested,
  },
  {
    agent: 'gemini',
    file: '.gemini/settings.json',
    existing: { theme: 'GitHub', tools: { sandbox: 'docker' }, hooks: { AfterTool: [{ matcher: 'write_file', hooks: [{ type: 'command', command: 'lint' }] }] } },
    guardCommands: nested,
  },
  {
    agent: 'cursor',
    file: '.cursor/hooks.json',
    existing: { version: 1, hooks: { afterFileEdit: [{ command: './hooks/format.sh' }], beforeShellExecution: [{ command: './audit.sh' }] } },
    guardCommands: (data) => Object.values(data.hooks ?? {}).flatMap((list: any) => list.map((e: any) => e.command)),
  },
  {
    agent: 'copilot',
    file: '.github/hooks/git-guard.json',
    existing: { version: 1, hooks: { sessionStart: [{ type: 'command', bash: 'echo mine' }] } },
    guardCommands: (data) => Object.values(data.hooks ?? {}).flatMap((list: any) => list.map((e: any) => e.bash)),
  },
];

function snapshotTree(t: TestRepo): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      if (name === '.git') continue;
      const full = path.join(dir, name);
      out.push(path.relative(t.dir, full));
      if (fs.statSync(full).isDirectory()) walk(full);
    }
  };
  walk(t.dir);
  return out;
}

describe.each(CASES)('$agent install/uninstall', (c) => {
  it('merges without losing a key, is idempotent, and uninstall restores the exact bytes', async () => {
    await withTestRepo(async (t) => {
      const text = `${JSON.stringify(c.existing, null, 2)}\n`;
      t.write(c.file, text);
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: [c.agent] });
      const installed = JSON.parse(t.read(c.file));
      const commands = c.guardCommands(installed).filter((cmd) => cmd.includes('agent-hook.sh'));
      expect(commands.length).toBeGreaterThan(0);
      for (const cmd of commands) {
        // The stable command: it finds this clone's launcher through git, no path of this machine.
        expect(cmd).toMatch(new RegExp(`^sh -c '.*/guard/agent-hook\\.sh.*' git-guard ${c.agent} (session-start|pre-tool|post-tool|stop|session-end)$`));
        expect(cmd).not.toContain(PROJECT_ROOT);
        expect(cmd).not.toContain(t.dir);
      }
      expect(t.exists('.git/guard/agent-hook.sh')).toBe(true);
      // Every key of the user's file is still there with the same value (guard only appends).
      for (const [key, value] of Object.entries(c.existing)) {
        if (key === 'hooks') {
          for (const [event, list] of Object.entries(value as Record<string, unknown[]>)) {
            expect(installed.hooks[event].slice(0, list.length)).toEqual(list);
          }
        } else {
          expect(installed[key]).toMatchObject(value as object);
        }
      }
      const once = t.read(c.file);
      const again = await installAgents(repo, { agents: [c.agent] });
      expect(again.installed[0]?.files[0]?.action).toBe('unchanged');
      expect(t.read(c.file)).toBe(once);

      await uninstallAgents(repo);
      expect(t.read(c.file)).toBe(text);
    });
  });

  it('creates what is missing and removes only that', async () => {
    await withTestRepo(async (t) => {
      t.write('README.md', 'hi\n');
      const before = snapshotTree(t);
      const repo = await openRepo(t.dir);
      const result = await installAgents(repo, { agents: [c.agent] });
      expect(result.installed[0]?.files[0]).toEqual({ path: c.file, action: 'created' });
      await uninstallAgents(repo);
      expect(snapshotTree(t)).toEqual(before);
    });
  });
});

describe('gemini', () => {
  it('writes no hooks switch (hooksConfig.enabled defaults to true), and removes the obsolete tools.enableHooks an older guard added', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      t.write('.gemini/settings.json', JSON.stringify({ model: 'x' }));
      await installAgents(repo, { agents: ['gemini'] });
      const installed = JSON.parse(t.read('.gemini/settings.json'));
      expect(installed.tools).toBeUndefined();
      expect(installed.hooksConfig).toBeUndefined();
      await uninstallAgents(repo);
      expect(JSON.parse(t.read('.gemini/settings.json'))).toEqual({ model: 'x' });
      // An install by an older guard: tools.enableHooks recorded as guard's.
      t.write('.gemini/settings.json', JSON.stringify({ model: 'x', tools: { enableHooks: true } }));
      t.write('.git/guard/agents.json', JSON.stringify({ version: 1, agents: { gemini: { createdFiles: [], createdDirs: [], addedKeys: { '.gemini/settings.json': ['hooks', 'tools', 'tools.enableHooks'] } } } }));
      await installAgents(repo, { agents: ['gemini'] });
      expect(JSON.parse(t.read('.gemini/settings.json')).tools).toBeUndefined();
      // A user's own value is never touched.
      t.write('.gemini/settings.json', JSON.stringify({ tools: { enableHooks: false } }));
      await installAgents(repo, { agents: ['gemini'] });
      expect(JSON.parse(t.read('.gemini/settings.json')).tools.enableHooks).toBe(false);
    });
  });
});

describe('cursor', () => {
  it('makes both checking hooks fail closed', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: ['cursor'] });
      const hooks = JSON.parse(t.read('.cursor/hooks.json')).hooks;
      expect(hooks.beforeShellExecution[0].failClosed).toBe(true);
      expect(hooks.preToolUse[0].failClosed).toBe(true);
      expect(hooks.sessionStart[0].failClosed).toBeUndefined();
    });
  });
});

describe('opencode', () => {
  it('writes its own plugin, leaves other plugins alone, and removes only its file', async () => {
    await withTestRepo(async (t) => {
      t.write('.opencode/plugins/mine.js', 'export const Mine = async () => ({})\n');
      const repo = await openRepo(t.dir);
      const first = await installAgents(repo, { agents: ['opencode'] });
      expect(first.installed[0]?.files[0]).toEqual({ path: '.opencode/plugins/git-guard.js', action: 'created' });
      const plugin = t.read('.opencode/plugins/git-guard.js');
      expect(plugin).toContain("'guard', 'agent-hook.sh'");
      expect(plugin).not.toContain(PROJECT_ROOT);
      const again = await installAgents(repo, { agents: ['opencode'] });
      expect(again.installed[0]?.files[0]?.action).toBe('unchanged');
      await uninstallAgents(repo);
      expect(t.exists('.opencode/plugins/git-guard.js')).toBe(false);
      expect(t.read('.opencode/plugins/mine.js')).toContain('Mine');
    });
  });

  it('never overwrites or deletes a user file that has guard plugin name', async () => {
    await withTestRepo(async (t) => {
      t.write('.opencode/plugins/git-guard.js', '// my own\n');
      const repo = await openRepo(t.dir);
      const result = await installAgents(repo, { agents: ['opencode'] });
      expect(result.installed[0]?.notes.join(' ')).toMatch(/not written by guard/);
      await uninstallAgents(repo);
      expect(t.read('.opencode/plugins/git-guard.js')).toBe('// my own\n');
    });
  });

  it('creates the directories it needs and removes exactly them', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      await installAgents(repo, { agents: ['opencode'] });
      await uninstallAgents(repo);
      expect(t.exists('.opencode')).toBe(false);
    });
  });
});

describe('selection', () => {
  it('installs every agent with all, none with none, and rejects unknown names', async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      expect((await installAgents(repo, { agents: 'none' })).installed).toEqual([]);
      await expect(installAgents(repo, { agents: ['claude', 'vim'] })).rejects.toThrow(/unknown agent: vim/);
      expect(t.exists('.claude')).toBe(false);
      const all = await installAgents(repo, { agents: 'all' });
      expect(all.installed.map((i) => i.agent)).toEqual(['claude', 'cursor', 'codex', 'gemini', 'copilot', 'opencode']);
      await uninstallAgents(repo);
      expect(fs.readdirSync(t.dir).filter((n) => n !== '.git')).toEqual([]);
    });
  });

  it('by default installs the agents detected in the repository or on the machine', async () => {
    await withTestRepo(async (t) => {
      t.write('.cursor/rules/x.mdc', 'rule\n');
      // Read by VS Code and code review too: no evidence that Copilot CLI is used here.
      t.write('.github/copilot-instructions.md', 'be nice\n');
      fs.mkdirSync(path.join(t.home, '.gemini'), { recursive: true });
      const repo = await openRepo(t.dir);
      const result = await installAgents(repo, { agents: undefined, env: { ...t.env, PATH: '/nonexistent' } });
      expect(result.installed.map((i) => i.agent)).toEqual(['cursor', 'gemini']);
      expect(result.installed[0]?.evidence).toEqual(['.cursor in the repository']);
      expect(result.notDetected).toEqual(['claude', 'codex', 'copilot', 'opencode']);
    });
  });
});

describe('protection of what guard installs', () => {
  it("denies agents' file tools on every file guard writes for any agent (they could switch the hooks off)", async () => {
    await withTestRepo(async (t) => {
      const repo = await openRepo(t.dir);
      const result = await installAgents(repo, { agents: 'all' });
      const files = result.installed.flatMap((i) => i.files.map((f) => f.path));
      expect(files).toHaveLength(6);
      for (const file of [...files, '.claude/settings.json']) {
        expect(checkFileTarget(repo, defaultConfig(), file, t.dir), file).toMatchObject({ rule: 'hooks-disable', mode: 'enforce' });
      }
    });
  });
});

describe('refusals', () => {
  it('does not touch a settings file it cannot parse', async () => {
    await withTestRepo(async (t) => {
      t.write('.claude/settings.local.json', '{ "broken": ');
      const repo = await openRepo(t.dir);
      await expect(installAgents(repo, { agents: ['claude'] })).rejects.toThrow(/not valid JSON/);
      expect(t.read('.claude/settings.local.json')).toBe('{ "broken": ');
    });
  });

  it('does not replace a hooks value of an unexpected shape', async () => {
    await withTestRepo(async (t) => {
      t.write('.codex/hooks.json', JSON.stringify({ hooks: { PreToolUse: { matcher: 'x' } } }));
      const repo = await openRepo(t.dir);
      await expect(installAgents(repo, { agents: ['codex'] })).rejects.toThrow(/is not a list/);
    });
  });
});
