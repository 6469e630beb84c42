/**
 * `git clean -X` deletes only what the ignore rules ignore: every untracked file stays. The
 * friction hunt on babel (docs/FRICTION.md) found an agent's `git clean -fX` at the root denied
 * for deleting the untracked .guard.yaml, which it keeps (`guard-self`, the check of `git clean
 * -fd`). Now the untracked listing is not read for -X; the ignored files it does delete are still
 * captured first. An -e pattern or an ignore file changed earlier in the line adds to the rules,
 * so untracked files may go: those keep the check. Judged through Claude Code's hook, then run
 * with real git: guard's files are still there.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { PROJECT_ROOT, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

/**
 * check-command as an agent: Claude Code by default; `codex` for an agent without a post-tool
 * hook, where a clean that deletes guard's own files is refused (Claude Code's puts them back
 * after the command: clean-puts-back-guard-files.test.ts).
 */
function agentCheck(t: TestRepo, command: string, agent: 'claude' | 'codex' = 'claude'): { verdict: string; rule: string; reason: string } {
  const env: Record<string, string> = agent === 'claude' ? { CLAUDECODE: '1' } : { CODEX_THREAD_ID: 't1' };
  return JSON.parse(t.guard(['check-command', '--json', command], { env }).stdout) as { verdict: string; rule: string; reason: string };
}

function setup(t: TestRepo): void {
  t.write('.gitignore', '*.log\nbuild/\n');
  t.write('src/a.ts', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  // Right after `guard init`: its files untracked until someone commits them.
  fs.copyFileSync(path.join(PROJECT_ROOT, 'templates', 'guard.default.yaml'), path.join(t.dir, '.guard.yaml'));
  t.write('.claude/settings.local.json', '{"hooks":{}}\n');
  t.write('notes.txt', 'untracked notes\n');
  t.write('debug.log', 'ignored, not regenerable\n');
  t.write('build/out.js', 'regenerable output\n');
}

describe('git clean -X and guard files', () => {
  it('allows an agent git clean -fX / -fdX (snapshot, the ignored log captured), and git keeps every untracked file', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['git clean -fX', 'git clean -fdX', 'git clean -f -d -X .']) {
        expect(agentVerdict(t, command), command).toMatchObject({ decision: 'allow' });
        const check = agentCheck(t, command);
        expect(check, command).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
        expect(check.reason, command).toContain('deletes ignored files; guard captures the ignored file debug.log into the snapshot first');
      }
      t.git(['clean', '-q', '-fdX']);
      expect(fs.existsSync(path.join(t.dir, '.guard.yaml'))).toBe(true);
      expect(t.read('.claude/settings.local.json')).toBe('{"hooks":{}}\n');
      expect(t.read('notes.txt')).toBe('untracked notes\n');
      expect(fs.existsSync(path.join(t.dir, 'debug.log'))).toBe(false);
      expect(fs.existsSync(path.join(t.dir, 'build'))).toBe(false);
    });
  });

  it('still denies -x, -X with an -e pattern, and -X after an ignore file changed in the line', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(agentCheck(t, 'git clean -fdx', 'codex')).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      // -e adds to the ignore rules: with -X git then deletes the untracked files it matches.
      const withE = agentCheck(t, "git clean -fX -e '*.yaml'", 'codex');
      expect(withE).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      expect(withE.reason).toContain('.guard.yaml');
      expect(agentCheck(t, 'echo .guard.yaml >> .gitignore && git clean -fX', 'codex')).toMatchObject({ verdict: 'deny', rule: 'guard-self' });
      // Claude Code's post-tool hook puts the policy back after the command: the same reach, a snapshot.
      const claude = agentCheck(t, "git clean -fX -e '*.yaml'");
      expect(claude).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(claude.reason).toContain('guard keeps its own file .guard.yaml');
      // The premise of the -e row, with real git: the pattern makes .guard.yaml ignored, and -X takes it.
      expect(t.git(['clean', '-n', '-X', '-e', '*.yaml'])).toContain('.guard.yaml');
    });
  });

  // Since `guard init` ignores .claude/settings.local.json (info/exclude), -X reaches it: found by
  // the sweep of 2026-12-05 on vite and express, where `git clean -fX` at the root went from a
  // snapshot to a protected-path deny. Without -d git keeps it (its directory is untracked), as it
  // keeps the ignored prisma/dev.db; with -d it goes, and the deny names a clean that keeps it
// (for an agent without a post-tool hook; Claude Code's puts it back after the command).
  it('with the hook settings ignored as init leaves them: -fX keeps them (snapshot), -fdX is refused with an exclude pathspec that works', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), '/.claude/settings.local.json\n');
      t.write('prisma/dev.db', 'ignored database\n');
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), 'prisma/\n');
      const plain = agentCheck(t, 'git clean -fX');
      expect(plain).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(plain.reason).toContain('captures the ignored file debug.log into the snapshot first');
      const withDirs = agentCheck(t, 'git clean -fdX', 'codex') as { verdict: string; rule: string; reason: string; instead?: string };
      expect(withDirs).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      // Where the agent's post-tool hook puts the file back (Claude Code): a snapshot that says so.
      expect(agentCheck(t, 'git clean -fdX')).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(agentCheck(t, 'git clean -fdX').reason).toContain('puts it back right after the command');
      expect(withDirs.instead).toContain("git clean <same options> -- . ':!.claude/settings.local.json'");
      const kept = "git clean -fdX -- . ':!.claude/settings.local.json'";
      expect(agentCheck(t, kept, 'codex')).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(agentCheck(t, kept, 'codex').reason).toContain('debug.log, prisma/dev.db');
      // The premises, with real git: without -d nothing in the untracked directories goes.
      expect(t.git(['clean', '-n', '-X'])).toBe('Would remove debug.log\n');
      expect(t.git(['clean', '-n', '-d', '-X'])).toContain('Would remove .claude/\n');
      t.git(['clean', '-q', '-f', '-d', '-X', '--', '.', ':!.claude/settings.local.json']);
      expect(t.read('.claude/settings.local.json')).toBe('{"hooks":{}}\n');
      expect(fs.existsSync(path.join(t.dir, 'prisma'))).toBe(false);
      expect(fs.existsSync(path.join(t.dir, 'debug.log'))).toBe(false);
    });
  });
});
