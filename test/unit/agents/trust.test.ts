/**
 * Whether each agent will load guard's hooks, read from its own trust records in a fixture home
 * directory. The Codex hashes are the `currentHash` values Codex 0.171.0 itself reported
 * (`codex app-server`, `hooks/list`) for the hooks `guard init` wrote up to 2026-12-04, whose
 * command text (the same on every machine) is CODEX_0171_SCRIPT: they check codexHookHash. The
 * current text (launcher.ts: it also finds a superproject's launcher from inside a submodule) is
 * hashed by codexHookHash, so the trust tests follow it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { codex } from '../../../src/agents/codex/index.js';
import { agentsHealth } from '../../../src/agents/health.js';
import { installAgents } from '../../../src/agents/install.js';
import type { TrustReport } from '../../../src/agents/types.js';
import { claudeTrust } from '../../../src/agents/trust/claude.js';
import { codexHookHash, codexTrust } from '../../../src/agents/trust/codex.js';
import { copilotTrust } from '../../../src/agents/trust/copilot.js';
import { geminiTrust } from '../../../src/agents/trust/gemini.js';
import { readTomlTables, tomlTable } from '../../../src/agents/trust/toml-lite.js';
import { openRepo } from '../../../src/git/repo.js';
import { withTestRepo } from '../../helpers/git-repo.js';

/** What Codex 0.171.0 computed for guard's hooks with CODEX_0171_SCRIPT (see the file comment). */
const CODEX_0171_HASHES: Record<string, string> = {
  SessionStart: 'sha256:7ceaa130f72f8c5ddbce4fc7bc41bc2c4a5fcbdbdf3e9f07358bc756cf3e35ee',
  PreToolUse: 'sha256:d72d499fff1c49f52a57a96c52af29bd0d6f78dcb743641b45e9cda0827b0e66',
  Stop: 'sha256:69128bf27da237713e8a4d9671a007f5ae442a242a7aae675228e815888d194a',
};
const CODEX_0171_SCRIPT =
  'h=$(git rev-parse --git-common-dir 2>/dev/null)/guard/agent-hook.sh && [ -f "$h" ] && exec sh "$h" "$@"; echo "git-guard is not set up in this clone, so this agent runs without its checks: run guard init" >&2; exit 1';
/** The trusted_hash of each guard hook in the clone's .codex/hooks.json, as it is now. */
function codexHashes(dir: string): Record<string, string> {
  const hooks = JSON.parse(fs.readFileSync(path.join(dir, '.codex', 'hooks.json'), 'utf8')).hooks;
  return Object.fromEntries(Object.keys(CODEX_0171_HASHES).map((event) => [event, codexHookHash(event, hooks[event][0], hooks[event][0].hooks[0])]));
}
const LABEL: Record<string, string> = { SessionStart: 'session_start', PreToolUse: 'pre_tool_use', Stop: 'stop' };

let tmp: string;
let home: string;
let root: string;
beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'guard-trust-')));
  home = path.join(tmp, 'home');
  root = path.join(tmp, 'work', 'repo');
  fs.mkdirSync(home, { recursive: true });
  fs.mkdirSync(root, { recursive: true });
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

const write = (file: string, text: string): void => {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
};
const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ HOME: home, ...extra });

describe('Codex', () => {
  it('computes the trusted_hash Codex computes for each guard hook', async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['codex'] });
      const hooks = JSON.parse(t.read('.codex/hooks.json')).hooks;
      for (const event of Object.keys(CODEX_0171_HASHES)) {
        const handler = { ...hooks[event][0].hooks[0] };
        handler.command = handler.command.replace(/^sh -c '.*' git-guard /s, `sh -c '${CODEX_0171_SCRIPT}' git-guard `);
        expect(codexHookHash(event, hooks[event][0], handler)).toBe(CODEX_0171_HASHES[event]);
        // The current text hashes differently: Codex asks to trust each hook once again after guard init rewrites it.
        expect(codexHookHash(event, hooks[event][0], hooks[event][0].hooks[0])).not.toBe(CODEX_0171_HASHES[event]);
      }
    });
  });

  it('loads only in a trusted project with every guard hook trusted by its current hash', async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['codex'] });
      const config = path.join(t.home, '.codex', 'config.toml');
      const hooksFile = path.join(t.dir, '.codex', 'hooks.json');
      const CODEX_HASHES = codexHashes(t.dir);
      const trustE = (): ReturnType<typeof codex.trust> => codex.trust(t.dir, { HOME: t.home });
      expect(trustE()).toMatchObject({ state: 'blocked', fix: expect.stringContaining('trust the project') });
      const project = `[projects."${t.dir}"]\ntrust_level = "trusted"\n`;
      write(config, project);
      expect(trustE()).toMatchObject({ state: 'blocked', detail: expect.stringMatching(/3 of 3 git-guard hooks of .* are untrusted/), fix: expect.stringContaining('/hooks') });
      const state = (event: string, body: string): string => `\n[hooks.state."${hooksFile}:${LABEL[event]}:0:0"]\n${body}\n`;
      const all = Object.keys(CODEX_HASHES).map((e) => state(e, `trusted_hash = "${CODEX_HASHES[e]}"`)).join('');
      write(config, project + all);
      expect(trustE()).toMatchObject({ state: 'loads' });
      // Trusted earlier for another command text: "modified", skipped by Codex.
      write(config, project + all.replace(CODEX_HASHES.Stop as string, `sha256:${'0'.repeat(64)}`));
      expect(trustE()).toMatchObject({ state: 'blocked', detail: expect.stringMatching(/1 of 3 git-guard hooks of .* are modified/) });
      write(config, `${project + all}enabled = false\n`);
      expect(trustE()).toMatchObject({ state: 'blocked', fix: expect.stringContaining('enable') });
      // The same state written as inline tables.
      const inline = Object.keys(CODEX_HASHES).map((e) => `"${hooksFile}:${LABEL[e]}:0:0" = { trusted_hash = "${CODEX_HASHES[e]}" }`).join('\n');
      write(config, `${project}\n[hooks.state]\n${inline}\n`);
      expect(trustE()).toMatchObject({ state: 'loads' });
      write(config, `[features]\nhooks = false\n${project}${all}`);
      expect(trustE()).toMatchObject({ state: 'blocked', detail: expect.stringContaining('hooks = false') });
    });
  });

  it('an explicit trust_level = "untrusted" is reported with the edit that undoes it (Codex asks nothing then)', async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['codex'] });
      write(path.join(t.home, '.codex', 'config.toml'), `[projects."${t.dir}"]\ntrust_level = "untrusted"\n`);
      expect(codex.trust(t.dir, { HOME: t.home })).toMatchObject({ state: 'blocked', detail: expect.stringContaining('marked untrusted'), fix: expect.stringContaining('trust_level = "trusted"') });
    });
  });

  it("in a linked worktree: the worktree's or the main checkout's project trust, and the main checkout's hooks.json and keys", async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['codex'] });
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'guard']);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt]);
      const repo = await openRepo(wt);
      const trust = (): TrustReport => agentsHealth(repo, { HOME: t.home }, ['codex']).agents[0]!.trust;
      const CODEX_HASHES = codexHashes(t.dir);
      const config = path.join(t.home, '.codex', 'config.toml');
      const states = (dir: string): string =>
        Object.keys(CODEX_HASHES)
          .map((e) => `\n[hooks.state."${path.join(dir, '.codex', 'hooks.json')}:${LABEL[e]}:0:0"]\ntrusted_hash = "${CODEX_HASHES[e]}"\n`)
          .join('');
      expect(trust()).toMatchObject({ state: 'blocked', detail: expect.stringContaining('nor its main checkout') });
      // What Codex 0.171.0 runs: trust of the main checkout, hooks keyed by its hooks.json.
      write(config, `[projects."${t.dir}"]\ntrust_level = "trusted"\n${states(t.dir)}`);
      expect(trust().state).toBe('loads');
      // The worktree trusted and its own hooks.json trusted: Codex asks to review the main checkout's hooks.
      write(config, `[projects."${wt}"]\ntrust_level = "trusted"\n${states(wt)}`);
      expect(trust()).toMatchObject({ state: 'blocked', detail: expect.stringContaining(path.join(t.dir, '.codex', 'hooks.json')) });
      // The main checkout without guard's hooks: the worktree's own are not read.
      write(config, `[projects."${t.dir}"]\ntrust_level = "trusted"\n${states(t.dir)}${states(wt)}`);
      fs.rmSync(path.join(t.dir, '.codex'), { recursive: true });
      expect(trust()).toMatchObject({ state: 'blocked', detail: expect.stringContaining("main checkout's"), fix: expect.stringContaining(`guard init --agents codex\` in ${t.dir}`) });
    });
  });

  it('reads CODEX_HOME', () => {
    write(path.join(tmp, 'ch', 'config.toml'), `[projects."${root}"]\ntrust_level = "trusted"\n`);
    expect(codexTrust(root, env({ CODEX_HOME: path.join(tmp, 'ch') }), {}).detail).not.toContain('not trusted');
  });

  it('toml-lite reads quoted headers, escapes and comments', () => {
    const tables = readTomlTables('# c\n[a."b.c".d]\nx = "q\\"z" # note\ny = true\n');
    expect(tomlTable(tables, 'a', 'b.c', 'd')?.get('x')).toBe('q"z');
    expect(tomlTable(tables, 'a', 'b.c', 'd')?.get('y')).toBe(true);
  });
});

describe('Gemini CLI', () => {
  const names = ['git-guard-session-start', 'git-guard-pre-tool', 'git-guard-stop', 'git-guard-session-end'];
  const folders = (): string => path.join(home, '.gemini', 'trustedFolders.json');

  it('needs a trusted folder: rules by longest match, TRUST_PARENT, DO_NOT_TRUST, and the environment variable', () => {
    expect(geminiTrust(root, env(), names)).toMatchObject({ state: 'blocked', fix: expect.stringContaining('GEMINI_CLI_TRUST_WORKSPACE=true') });
    write(folders(), JSON.stringify({ [root]: 'TRUST_FOLDER' }));
    expect(geminiTrust(root, env(), names).state).toBe('loads');
    write(folders(), JSON.stringify({ [path.join(root, 'x')]: 'TRUST_PARENT' }));
    expect(geminiTrust(root, env(), names).state).toBe('loads');
    write(folders(), JSON.stringify({ [path.dirname(root)]: 'TRUST_FOLDER', [root]: 'DO_NOT_TRUST' }));
    expect(geminiTrust(root, env(), names).state).toBe('blocked');
    expect(geminiTrust(root, env({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }), names).state).toBe('loads');
    write(folders(), JSON.stringify({ [root]: 'TRUST_FOLDER' }));
    expect(geminiTrust(root, env({ GEMINI_CLI_TRUST_WORKSPACE: 'false' }), names).state).toBe('blocked');
  });

  it('reads what Gemini CLI reads: GEMINI_RESTRICTED_MODE, and the variables its own session-start hook saw (another shell); says a variable trusts one shell only', () => {
    write(folders(), JSON.stringify({ [root]: 'TRUST_FOLDER' }));
    expect(geminiTrust(root, env({ GEMINI_RESTRICTED_MODE: 'true' }), names)).toMatchObject({ state: 'blocked', detail: expect.stringContaining('(GEMINI_RESTRICTED_MODE=true)') });
    write(folders(), '{}');
    expect(geminiTrust(root, env({ GEMINI_CLI_TRUST_WORKSPACE: 'true' }), names)).toMatchObject({ state: 'loads', detail: expect.stringMatching(/^trusted through GEMINI_CLI_TRUST_WORKSPACE=true \(this shell only/) });
    const seen = { time: '2026-12-07T21:00:00.000Z', env: { GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_RESTRICTED_MODE: null } };
    expect(geminiTrust(root, env(), names, seen)).toMatchObject({ state: 'unknown', detail: expect.stringContaining('trusted through GEMINI_CLI_TRUST_WORKSPACE=true in the shell Gemini CLI ran in'), fix: expect.stringContaining('set GEMINI_CLI_TRUST_WORKSPACE=true wherever gemini is started') });
    // What it saw distrusted the folder, or nothing of it: untrusted stays a failure.
    expect(geminiTrust(root, env(), names, { ...seen, env: { GEMINI_CLI_TRUST_WORKSPACE: 'true', GEMINI_RESTRICTED_MODE: 'true' } }).state).toBe('blocked');
    expect(geminiTrust(root, env(), names, { ...seen, env: { GEMINI_CLI_TRUST_WORKSPACE: null, GEMINI_RESTRICTED_MODE: null } }).state).toBe('blocked');
  });

  it('reports hooksConfig.enabled: false and guard hooks listed in hooksConfig.disabled', () => {
    write(folders(), JSON.stringify({ [root]: 'TRUST_FOLDER' }));
    write(path.join(home, '.gemini', 'settings.json'), JSON.stringify({ hooksConfig: { disabled: ['git-guard-pre-tool'] } }));
    expect(geminiTrust(root, env(), names)).toMatchObject({ state: 'blocked', fix: expect.stringContaining('remove git-guard-pre-tool from hooksConfig.disabled') });
    write(path.join(root, '.gemini', 'settings.json'), '// comments are allowed\n{"hooksConfig": {"enabled": false}}');
    write(path.join(home, '.gemini', 'settings.json'), '{}');
    expect(geminiTrust(root, env(), names)).toMatchObject({ state: 'blocked', detail: expect.stringContaining('hooksConfig.enabled: false') });
  });
});

describe('Claude Code', () => {
  it('loads where the trust dialog was accepted for the repository (a trusted parent no longer counts); disableAllHooks turns it off', () => {
    expect(claudeTrust(root, env())).toMatchObject({ state: 'blocked', fix: expect.stringContaining('accept the trust dialog') });
    // Claude Code 2.1.332 asks again below a trusted parent (test/e2e-agents/claude-trust.test.ts).
    write(path.join(home, '.claude.json'), JSON.stringify({ projects: { [path.dirname(root)]: { hasTrustDialogAccepted: true } } }));
    expect(claudeTrust(root, env())).toMatchObject({ state: 'blocked', detail: expect.stringContaining('a parent of the repository'), fix: expect.stringContaining('accept the trust dialog') });
    write(path.join(home, '.claude.json'), JSON.stringify({ projects: { [root]: { hasTrustDialogAccepted: true } } }));
    expect(claudeTrust(root, env()).state).toBe('loads');
    expect(claudeTrust(root, env({ CLAUDE_CODE_IGNORE_PERSISTED_TRUST: '1' }))).toMatchObject({ state: 'blocked', detail: expect.stringContaining('CLAUDE_CODE_IGNORE_PERSISTED_TRUST') });
    write(path.join(tmp, 'cfg', '.claude.json'), JSON.stringify({ projects: {} }));
    expect(claudeTrust(root, env({ CLAUDE_CONFIG_DIR: path.join(tmp, 'cfg') })).state).toBe('blocked');
    write(path.join(root, '.claude', 'settings.json'), JSON.stringify({ disableAllHooks: true }));
    expect(claudeTrust(root, env())).toMatchObject({ state: 'blocked', detail: expect.stringContaining('disableAllHooks') });
  });
});

describe('Claude Code in a linked worktree', () => {
  it("counts its main checkout's accepted trust dialog (as Claude Code 2.1.332 does)", async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['claude'] });
      // Kept out of git by init (info/exclude); committed here so the linked worktree has it.
      t.git(['add', '-A', '--force']);
      t.git(['commit', '-q', '-m', 'guard']);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt]);
      const trust = async (): Promise<TrustReport> => agentsHealth(await openRepo(wt), { HOME: t.home }, ['claude']).agents[0]!.trust;
      expect((await trust()).state).toBe('blocked');
      write(path.join(t.home, '.claude.json'), JSON.stringify({ projects: { [t.dir]: { hasTrustDialogAccepted: true } } }));
      expect(await trust()).toMatchObject({ state: 'loads', detail: expect.stringContaining('main checkout') });
    });
  });
});

describe('Copilot CLI', () => {
  it('loads in a trusted folder (or below one), in trustedFolders or the older trusted_folders', () => {
    expect(copilotTrust(root, env()).state).toBe('blocked');
    write(path.join(home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [path.dirname(root)] }));
    expect(copilotTrust(root, env()).state).toBe('loads');
    write(path.join(home, '.copilot', 'config.json'), JSON.stringify({ trusted_folders: [root] }));
    expect(copilotTrust(root, env()).state).toBe('loads');
    write(path.join(home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [path.join(root, 'sub')] }));
    expect(copilotTrust(root, env())).toMatchObject({ state: 'blocked', fix: expect.stringContaining('trust the folder') });
  });

  it("in a linked worktree, its main checkout's trust counts too (as Copilot CLI 1.0.102 does)", async () => {
    await withTestRepo(async (t) => {
      await installAgents(await openRepo(t.dir), { agents: ['copilot'] });
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'guard']);
      const wt = path.join(t.base, 'wt');
      t.git(['worktree', 'add', '-q', wt]);
      const trust = async (): Promise<TrustReport> => agentsHealth(await openRepo(wt), { HOME: t.home }, ['copilot']).agents[0]!.trust;
      expect((await trust()).state).toBe('blocked');
      write(path.join(t.home, '.copilot', 'config.json'), JSON.stringify({ trustedFolders: [t.dir] }));
      expect(await trust()).toMatchObject({ state: 'loads', detail: expect.stringContaining('main checkout') });
    });
  });
});
