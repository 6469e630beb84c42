/**
 * The OpenCode plugin guard writes, loaded as OpenCode loads it (an ES module) and driven through
 * its `tool.execute.before` hook: it throws to block a denied call, passes an allowed one, and
 * fails closed (throws) for shell and file tools when guard cannot answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

type Hooks = {
  'tool.execute.before': (input: { tool: string; sessionID: string; callID: string }, output: { args: Record<string, unknown> }) => Promise<void>;
  event: (arg: { event: { type: string; properties: Record<string, unknown> } }) => Promise<void>;
};

/** Writes `shimBody` as this clone's launcher (where `guard init` puts it), and loads the plugin. */
async function loadPlugin(t: TestRepo, shimBody: string | null): Promise<Hooks> {
  const launcher = path.join(t.dir, '.git', 'guard', 'agent-hook.sh');
  if (shimBody === null) fs.rmSync(launcher, { force: true });
  else {
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
    fs.writeFileSync(launcher, shimBody);
  }
  const template = fs.readFileSync(path.join(PROJECT_ROOT, 'templates/agents/opencode/git-guard.js'), 'utf8');
  const file = path.join(t.base, `plugin-${Math.random().toString(16).slice(2)}.mjs`);
  fs.writeFileSync(file, template);
  const mod = (await import(pathToFileURL(file).href)) as { GitGuard: (ctx: { directory: string }) => Promise<Hooks> };
  return mod.GitGuard({ directory: t.dir });
}

/** A shim that hands every event to the real `guard agent-hook`, with the test's environment. */
function realShim(t: TestRepo): string {
  const env = Object.entries(t.env)
    .filter(([k]) => /^(HOME|GIT_|XDG_|PATH$|LC_ALL|TZ)/.test(k))
    .map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`)
    .join('\n');
  return `${env}\nexec '${process.execPath}' '${GUARD_BIN}' agent-hook "$@"\n`;
}

const call = (tool: string) => ({ tool, sessionID: 'ses_1', callID: 'c1' });

describe('OpenCode plugin', () => {
  it('blocks a denied command by throwing the reason, and lets an allowed one run', async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      const hooks = await loadPlugin(t, realShim(t));
      await hooks.event({ event: { type: 'session.created', properties: { info: { id: 'ses_1' } } } });
      await expect(hooks['tool.execute.before'](call('bash'), { args: { command: 'git push --force origin main' } })).rejects.toThrow(
        /^git-guard blocked this \(rule git-push-force\)/,
      );
      await expect(hooks['tool.execute.before'](call('write'), { args: { filePath: path.join(t.dir, '.guard.yaml'), content: '' } })).rejects.toThrow(/rule hooks-disable/);
      await expect(hooks['tool.execute.before'](call('bash'), { args: { command: 'git status' } })).resolves.toBeUndefined();
      await expect(hooks['tool.execute.before'](call('read'), { args: { filePath: path.join(t.dir, 'a.txt') } })).resolves.toBeUndefined();
      const sessions = JSON.parse(t.guard(['session', 'list', '--json']).stdout).sessions;
      expect(sessions[0]).toMatchObject({ agent: 'opencode', agentSession: 'ses_1' });
    });
  });

  it('fails closed for shell and file tools when guard cannot answer, and not for read-only tools', async () => {
    await withTestRepo(async (t) => {
      const hooks = await loadPlugin(t, 'echo "guard is broken" >&2; exit 70\n');
      await expect(hooks['tool.execute.before'](call('bash'), { args: { command: 'ls' } })).rejects.toThrow(/could not check this tool call/);
      await expect(hooks['tool.execute.before'](call('edit'), { args: { filePath: 'x' } })).rejects.toThrow(/could not check/);
      await expect(hooks['tool.execute.before'](call('read'), { args: { filePath: 'x' } })).resolves.toBeUndefined();
      const garbage = await loadPlugin(t, 'echo "not json"\n');
      await expect(garbage['tool.execute.before'](call('bash'), { args: { command: 'ls' } })).rejects.toThrow(/could not check/);
    });
  });

  it('passes the bash tool\'s workdir as the cwd guard judges the command in', async () => {
    await withTestRepo(async (t) => {
      const hooks = await loadPlugin(t, 'cat > "$(dirname "$0")/payload.json"\n');
      await hooks['tool.execute.before'](call('bash'), { args: { command: 'ls', workdir: 'sub/dir' } });
      expect(JSON.parse(t.read('.git/guard/payload.json')).cwd).toBe(path.join(t.dir, 'sub/dir'));
      await hooks['tool.execute.before'](call('bash'), { args: { command: 'ls' } });
      expect(JSON.parse(t.read('.git/guard/payload.json')).cwd).toBe(t.dir);
    });
  });

  it('in a clone where guard was never set up (no launcher), checks nothing and blocks nothing', async () => {
    await withTestRepo(async (t) => {
      const hooks = await loadPlugin(t, null);
      await expect(hooks['tool.execute.before'](call('bash'), { args: { command: 'git push --force' } })).resolves.toBeUndefined();
    });
  });
});
