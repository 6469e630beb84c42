/**
 * The OpenCode plugin guard writes, loaded as OpenCode loads it (an ES module) and driven through
 * its `tool.execute.before` hook: it throws to block a denied call, passes an allowed one, and
 * fails closed (throws) for shell and file tools when guard cannot answer.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { addSubmodule } from '../../helpers/fixtures.js';
import { GUARD_BIN, PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';

type Hooks = {
  'tool.execute.before': (input: { tool: string; sessionID: string; callID: string }, output: { args: Record<string, unknown> }) => Promise<void>;
  'tool.execute.after': (input: { tool: string; sessionID: string; callID: string }, output: { output: unknown }) => Promise<void>;
  event: (arg: { event: { type: string; properties: Record<string, unknown> } }) => Promise<void>;
};

/**
 * Writes `shimBody` as this clone's launcher (where `guard init` puts it), and loads the plugin
 * as OpenCode started in `directory` (the clone's root unless told) loads it.
 */
async function loadPlugin(t: TestRepo, shimBody: string | null, directory = t.dir): Promise<Hooks> {
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
  return mod.GitGuard({ directory });
}

/** A shim that hands every event to the real `guard agent-hook`, with the test's environment. */
function realShim(t: TestRepo): string {
  const env = Object.entries(t.env)
    .filter(([k]) => /^(HOME|GIT_|XDG_|PATH$|LC_ALL|TZ)/.test(k))
    .map(([k, v]) => `export ${k}='${String(v).replace(/'/g, `'\\''`)}'`)
    .join('\n');
  return `${env}\nexec '${process.execPath}' '${GUARD_BIN}' agent-hook "$@"\n`;
}

/** realShim, handing over its own path as the launcher guard init writes does (hooks/agent-hook.sh). */
function realLauncher(t: TestRepo): string {
  return realShim(t).replace(/^exec /m, 'GUARD_SHIM_LAUNCHER=$0; export GUARD_SHIM_LAUNCHER\nexec ');
}

/** The git processes started while `load` runs (git's trace2, test/helpers/git-trace.ts). */
async function gitProcessesOf<T>(t: TestRepo, load: () => Promise<T>): Promise<{ value: T; git: number }> {
  const file = path.join(t.base, `trace-${Math.random().toString(16).slice(2)}.json`);
  const saved = { ...process.env };
  Object.assign(process.env, traceEnv(file));
  try {
    const value = await load();
    return { value, git: countGitProcesses(file).total };
  } finally {
    for (const key of Object.keys(traceEnv(file))) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
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

  it("appends what guard said when it let a call run (its own files put back) to that call's output, which the model reads", async () => {
    await withTestRepo(async (t) => {
      const hooks = await loadPlugin(t, "cat >/dev/null; echo 'git-guard: put back .guard.yaml' >&2\n");
      const call = { tool: 'bash', sessionID: 's', callID: 'c1' };
      await hooks['tool.execute.before'](call, { args: { command: 'ls' } });
      const output = { output: 'a.txt\n' };
      await hooks['tool.execute.after'](call, output);
      expect(output.output).toBe('a.txt\n\ngit-guard: put back .guard.yaml');
      // Once only, and only for that call.
      await hooks['tool.execute.after'](call, output);
      const other = { output: 'b\n' };
      await hooks['tool.execute.after']({ ...call, callID: 'c2' }, other);
      expect(output.output).toBe('a.txt\n\ngit-guard: put back .guard.yaml');
      expect(other.output).toBe('b\n');
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

  it("started inside a submodule (no launcher in its own git dir): runs the superproject's, which denies what would wipe the submodule's work", async () => {
    await withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '.']);
      t.git(['commit', '-q', '-m', 'base']);
      addSubmodule(t, 'vendor/lib');
      const sub = path.join(t.dir, 'vendor/lib');
      t.write('vendor/lib/lib.txt', 'local work\n');
      t.write('vendor/lib/notes.txt', 'untracked\n');
      // Found at load: the submodule's own git dir asked first, then its superproject's.
      const hooks = await loadPlugin(t, realLauncher(t), sub);
      for (const command of ['git reset --hard', 'git clean -fdx', 'git checkout -- .', 'rm -rf .']) {
        await expect(hooks['tool.execute.before'](call('bash'), { args: { command } }), command).rejects.toThrow(/another git repository|submodule/);
      }
      await expect(hooks['tool.execute.before'](call('bash'), { args: { command: 'ls -la' } })).resolves.toBeUndefined();
      expect([t.read('vendor/lib/lib.txt'), t.read('vendor/lib/notes.txt')]).toEqual(['local work\n', 'untracked\n']);
      expect(fs.existsSync(path.join(t.dir, '.git/modules/vendor/lib/guard'))).toBe(false);
      // Where the clone has its own launcher, finding it stays one git process (no superproject asked).
      expect((await gitProcessesOf(t, () => loadPlugin(t, realLauncher(t)))).git).toBe(1);
    });
  });
});
