/**
 * git's own path commands over guard's files and protected paths, by an agent. Found 2026-12-04
 * with guard's files committed after `guard init` (as teams do): `rm .guard.yaml` and `mv
 * .guard.yaml old.yaml` were refused, but `git rm .guard.yaml`, `git rm -r .claude`, `git mv .claude
 * x`, `git rm -r --cached .claude` were allowed (git mv's sources: judged as mv's since 44a0ff4;
 * `git rm --cached` is allowed again since the commit that would delete is judged instead),
 * `git rm -f .guard.yaml`, `git checkout -- .claude`
 * and `git restore --source=HEAD~1 .` a snapshot, and `git rm db/migrations/001.sql` was only
 * caught at commit time. Now each is refused through the installed Claude Code hook, judged by what
 * git would do here (git-paths.ts): the tracked files git rm / git mv take, the files a checkout or
 * restore would actually change. Each refusal leaves every byte, the index and refs as they were;
 * the spellings that stay allowed or a snapshot are run for real and rolled back; a person keeps
 * today's verdicts; the cost is counted with git's trace2.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { preToolHook } from '../../helpers/claude-hook.js';
import { tracedArgv, traceEnv } from '../../helpers/git-trace.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { commitGuardFiles, guardOk, installedClaudeHook, rollbackOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';

/** HEAD~1: the project before guard; HEAD: guard's files committed, src/a.js changed. Built once, copied per test. */
function build(t: TestRepo): void {
  commitFiles(t, { 'src/a.js': 'a1\n', 'src/b.js': 'b\n', 'db/migrations/001.sql': 'create table t (id int);\n', 'README.md': 'r\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude,opencode']);
  expect(init.code, init.stderr + init.stdout).toBe(0);
  for (const file of ['.guard.yaml', '.claude/settings.local.json', '.opencode/plugins/git-guard.js']) expect(t.exists(file), file).toBe(true);
  t.write('src/a.js', 'a2\n');
  commitGuardFiles(t, 'guard');
}

const template = fileTemplate(build);

function run(t: TestRepo, command: string): void {
  const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
  expect(r.status, `${command}: ${r.stderr}`).toBe(0);
}

/** Refused with guard's files as committed: [command, rule, what the reason names]. */
const DENIED_CLEAN: Array<[string, string, string]> = [
  ['git rm .guard.yaml', 'guard-self', 'git rm deletes .guard.yaml'],
  ['git rm -f .guard.yaml', 'guard-self', 'git rm deletes .guard.yaml'],
  ['git rm -r .claude', 'guard-self', '.claude/settings.local.json'],
  ['git rm -rf .', 'guard-self', 'git rm deletes'],
  ["git rm '.claude/*'", 'guard-self', '.claude/settings.local.json'],
  // git mv's sources are judged as mv's (44a0ff4); guard init protects its own files by protect.paths too.
  ['git mv .guard.yaml old.yaml', 'protected-path', 'moves away .guard.yaml'],
  ['git mv .claude x', 'protected-path', 'moves away .claude, which holds the protected path .claude/settings.local.json'],
  ['git mv -f .opencode/plugins/git-guard.js x.js', 'protected-path', '.opencode/plugins/git-guard.js'],
  ['cd .opencode && git mv plugins ../p', 'protected-path', '.opencode/plugins/git-guard.js'],
  ['git -C .opencode mv plugins ../p', 'protected-path', '.opencode/plugins/git-guard.js'],
  ['git rm db/migrations/001.sql', 'protected-path', 'git rm deletes db/migrations/001.sql, a protected path (matches "**/migrations/**")'],
  ['git rm -r db', 'protected-path', 'db/migrations/001.sql'],
  ["git rm '*.sql'", 'protected-path', 'db/migrations/001.sql'],
  // Decided from the text, as `mv db/migrations db/old` is (its landing, judged first since git-mv-protected-dest).
  ['git mv db/migrations db/old', 'protected-path', 'git mv moves db/migrations to db/old/migrations: db/old/migrations is a protected path'],
  ['git mv db data', 'protected-path', 'db/migrations/001.sql'],
  // HEAD~1 has none of guard's files: restore (no overlay) deletes them.
  ['git restore --source=HEAD~1 .', 'guard-self', 'git restore --source=HEAD~1 rewrites or deletes'],
  ['git restore -s HEAD~1 -- .claude', 'guard-self', '.claude/settings.local.json'],
  ['git checkout --no-overlay HEAD~1 -- .', 'guard-self', 'git checkout HEAD~1 rewrites or deletes'],
];

/** Refused once guard's files differ from the index or HEAD (a local edit to .guard.yaml). */
const DENIED_EDITED: Array<[string, string]> = [
  ['git checkout -- .', 'git checkout rewrites .guard.yaml'],
  ['git checkout .', '.guard.yaml'],
  ['git checkout -- .guard.yaml', '.guard.yaml'],
  ['git checkout HEAD -- .', 'git checkout HEAD rewrites .guard.yaml'],
  ['git checkout HEAD .guard.yaml README.md', '.guard.yaml'],
  // No revision first: git reads every operand as a path, from the index.
  ['git checkout .guard.yaml README.md', 'git checkout rewrites .guard.yaml'],
  ['cd src && git checkout -- ..', '.guard.yaml'],
  ['git restore .', 'git restore rewrites or deletes .guard.yaml'],
  ['git restore --worktree --staged :/', '.guard.yaml'],
  ["git restore '*.yaml'", '.guard.yaml'],
];

describe('git path commands over guard files and protected paths: refused for an agent, nothing changes', () => {
  it('with guard files as committed', async () => {
    await template.withCopy((t) => {
      // Each refusal changes nothing, so one state before them all is each one's before.
      const before = byteState(t);
      for (const [command, rule, named] of DENIED_CLEAN) {
        const hook = installedClaudeHook(t, command);
        expect(hook.decision, command).toBe('deny');
        // The rule as the agent reads it (src/agents/shared/verdict-text.ts), from the one evaluation
        // the hook and check-command share (evaluateCommand): no second Node process per row.
        expect(hook.reason, command).toMatch(new RegExp(`^git-guard blocked this \\(rule ${rule}\\): `));
        expect(hook.reason, command).toContain(named);
        expect(hook.reason, command).toContain(rule === 'guard-self' ? "configures guard or an agent's hooks" : 'protected path');
        expect(byteState(t), command).toEqual(before);
      }
    });
  });

  it('with .guard.yaml edited: a checkout or restore that would rewrite it', async () => {
    await template.withCopy((t) => {
      fs.appendFileSync(path.join(t.dir, '.guard.yaml'), '# a note the person keeps\n');
      const before = byteState(t);
      for (const [command, named] of DENIED_EDITED) {
        const hook = installedClaudeHook(t, command);
        expect(hook.decision, command).toBe('deny');
        expect(hook.reason, command).toContain(named);
        expect(hook.reason, command).toContain('leaving guard');
        expect(byteState(t), command).toEqual(before);
      }
      // A path the edit is not under stays the snapshot it was.
      expect(checkVerdict(t, 'git checkout -- src', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'git-checkout-discard' });
      expect(checkVerdict(t, 'git restore src/a.js', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'git-restore' });
      // Overlay: HEAD~1 lacks .guard.yaml, so the edit stays where it is.
      expect(checkVerdict(t, 'git checkout HEAD~1 .', { asAgent: true })).toMatchObject({ verdict: 'snapshot' });
      expect(checkVerdict(t, 'git checkout HEAD~1 -- .', { asAgent: true })).toMatchObject({ verdict: 'snapshot' });
      // --staged alone changes the index only (documented), and nothing is staged: nothing to lose, free
      // (a staged version of its own takes a snapshot: unstage-staged-versions.test.ts).
      expect(checkVerdict(t, 'git restore --staged .', { asAgent: true })).toMatchObject({ verdict: 'allow' });
    });
  });

  it('a person keeps the verdicts of before', async () => {
    await template.withCopy((t) => {
      expect(checkVerdict(t, 'git rm .guard.yaml')).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git rm -f .guard.yaml')).toMatchObject({ verdict: 'snapshot', rule: 'git-rm-force' });
      expect(checkVerdict(t, 'git rm db/migrations/001.sql')).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'git restore --source=HEAD~1 .')).toMatchObject({ verdict: 'snapshot', rule: 'git-restore' });
    });
  });
});

/** Still allowed or a snapshot for an agent: [command, verdict check-command gives]. */
const KEPT: Array<[string, string]> = [
  // guard's files have no change: nothing of theirs is rewritten (friction: the plain spelling agents use).
  ['git checkout -- .', 'snapshot'],
  ['git checkout .', 'snapshot'],
  ['git restore .', 'snapshot'],
  // Overlay: HEAD~1 lacks guard's files, so they stay; src/a.js goes back to a1.
  ['git checkout HEAD~1 -- .', 'snapshot'],
  ['git checkout HEAD~1 src', 'snapshot'],
  ['git restore --source=HEAD~1 src', 'snapshot'],
  ['git rm src/b.js', 'allow'],
  ['git rm -rf src', 'snapshot'],
  ['git rm -r --cached src', 'allow'],
  // --cached keeps the files on disk; the commit that would delete them is judged (agent-hook-git-layer.test.ts).
  ['git rm -q --cached -- .guard.yaml', 'allow'],
  ['git rm -r --cached .claude', 'allow'],
  ['git rm --cached db/migrations/001.sql', 'allow'],
  ['git mv src lib', 'allow'],
  ['git mv src/a.js src/c.js', 'allow'],
  ['git checkout main', 'allow'],
];

describe('the spellings that stay: run for real and rolled back', () => {
  it.each(KEPT)('%s: %s', async (command, verdict) => {
    await template.withCopy((t) => {
      // Something for the discards to discard, so that each one changes the working tree.
      t.write('src/a.js', 'a3, not committed\n');
      t.write('README.md', 'r, edited\n');
      guardOk(t, ['snapshot']);
      const before = byteState(t);
      // The verdict check-command gives, as the hook journaled it (one guard process, not two).
      expect(hookWithVerdict(t, command), command).toMatchObject({ decision: 'allow', verdict });
      run(t, command);
      if (command !== 'git checkout main') expect(byteState(t), command).not.toEqual(before);
      rollbackOk(t);
      expect(byteState(t), command).toEqual(before);
    });
  });
});

describe('cost: one git process over the pathspecs that may cover guard files, none otherwise', () => {
  /** The git processes the agent hook starts for `command` that look at its pathspecs. */
  function pathspecLooks(t: TestRepo, command: string): string[][] {
    const file = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
    preToolHook(t, { tool: 'Bash', command }, traceEnv(file));
    return tracedArgv(file).filter((argv) => argv.includes('--no-relative') || (argv.includes('ls-files') && argv.includes('--full-name')));
  }

  it('counts', async () => {
    await template.withCopy((t) => {
      t.write('.guard.yaml', `${t.read('.guard.yaml')}# edited\n`);
      // Plain names of no guard or protected file, and files (not directories) a `**` glob cannot hold.
      for (const command of ['git rm src/a.js', 'git rm -f src/a.js src/b.js', 'git checkout -- src/a.js', 'git restore src/a.js README.md', 'git restore --source=HEAD~1 src/a.js', 'git checkout main', 'git rm -r src/a.js']) {
        expect(pathspecLooks(t, command), command).toEqual([]);
      }
      // A directory, `.`, or git's wildcard: one process for all the pathspecs.
      expect(pathspecLooks(t, 'git checkout -- . src README.md')).toHaveLength(1);
      expect(pathspecLooks(t, 'git rm -r src db')).toHaveLength(1);
      expect(pathspecLooks(t, "git rm '*.js'")).toHaveLength(1);
      // A revision first: only its paths are looked at; a first word naming guard's file: both readings.
      expect(pathspecLooks(t, 'git checkout HEAD~1 . src')).toHaveLength(1);
      expect(pathspecLooks(t, 'git checkout .guard.yaml README.md')).toHaveLength(1);
    });
  });
});
