import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { AGENT_ENV, commitFile, guarded, type Guarded } from './setup.js';

/** Runs `guard approve ...` on a pseudo-terminal (util-linux `script`), answering the prompt. */
function approveOnTerminal(repo: Guarded, args: string[], answer: string): { code: number; output: string } {
  const command = [process.execPath, GUARD_BIN, 'approve', ...args].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: repo.dir, env: repo.env, input: `${answer}\n`, encoding: 'utf8' });
  return { code: r.status ?? 128, output: `${r.stdout}${r.stderr}` };
}

/** util-linux `script` gives a command a pseudo-terminal; without it the terminal case cannot run. */
const HAS_SCRIPT = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

describe('guard approve', () => {
  it('is refused without a terminal and for an agent; no variable stands in for it', () => {
    const repo = guarded({ remote: false });
    try {
      const noTty = repo.guard(['approve', 'protected-branch-delete', '--once']);
      expect(noTty.code).toBe(3);
      expect(noTty.stderr).toContain('guard approve needs an interactive terminal');
      const agent = repo.guard(['approve', 'protected-branch-delete', '--once'], { env: AGENT_ENV });
      expect(agent.code).toBe(3);
      expect(agent.stderr).toContain('CLAUDECODE is set');
      expect(repo.exists('.git/guard/approvals/protected-branch-delete.json')).toBe(false);
      repo.git(['checkout', '-q', '-b', 'side']);
      expect(repo.run(['branch', '-D', 'main'], { env: { GUARD_APPROVE: 'protected-branch-delete', GUARD_INTERNAL_TOKEN: 'x' } }).code).not.toBe(0);
    } finally {
      repo.cleanup();
    }
  });

  it.skipIf(!HAS_SCRIPT)('from a terminal, lets one refused action through and records it', () => {
    const repo = guarded({ remote: false });
    try {
      repo.git(['checkout', '-q', '-b', 'side']);
      const wrong = approveOnTerminal(repo, ['protected-branch-delete', '--once'], 'yes');
      expect(wrong.code).toBe(3);
      expect(wrong.output).toContain('Not approved');
      expect(repo.run(['branch', '-D', 'main']).code).not.toBe(0);

      const ok = approveOnTerminal(repo, ['protected-branch-delete', '--once'], 'protected-branch-delete');
      expect(ok.code, ok.output).toBe(0);
      expect(ok.output).toContain('approved once');
      const status = repo.guard(['status']);
      expect(status.stdout).toContain('approval: protected-branch-delete (once)');

      repo.git(['branch', 'release/2']);
      const mainTip = repo.rev('main')!;
      const del = repo.run(['branch', '-D', 'main']);
      expect(del.code, del.stderr).toBe(0);
      expect(del.stderr).toContain('guard: allowed by a one-time approval');
      expect(del.stderr.match(/allowed by a one-time approval/g)?.length).toBe(1);
      // The deleted tip stays reachable.
      expect(repo.git(['rev-parse', 'refs/guard/keep/head^@']).split('\n')).toContain(mainTip);
      // Used up: the next deletion is refused again.
      expect(repo.run(['branch', '-D', 'release/2']).code).not.toBe(0);
      const types = repo.journal().map((e) => e.type);
      expect(types).toContain('approve');
      expect(types).toContain('approval-used');
    } finally {
      repo.cleanup();
    }
  });
});

describe('guard verify', () => {
  it('finds protected-path deletions in a range and rewrites of a protected branch', () => {
    const repo = guarded({ remote: false });
    try {
      const base = repo.rev('main')!;
      expect(commitFile(repo, 'src/app.js', 'v2\n').code).toBe(0);
      const clean = repo.guard(['verify', `${base}..HEAD`, '--json']);
      expect(clean.code, clean.stderr).toBe(0);
      expect(JSON.parse(clean.stdout)).toMatchObject({ ok: true, commits: 1, violations: [] });

      repo.git(['rm', '-q', 'migrations/001_init.sql']);
      repo.git(['commit', '-q', '--no-verify', '-m', 'drop migration']);
      const bad = repo.guard(['verify', `${base}..HEAD`, '--json']);
      expect(bad.code).toBe(3);
      const out = JSON.parse(bad.stdout);
      expect(out.ok).toBe(false);
      expect(out.policy).toMatch(/^[0-9a-f]{12}:\.guard\.yaml$/);
      expect(out.violations).toEqual([expect.objectContaining({ rule: 'protected-path-delete', verdict: 'refuse', subject: 'migrations/001_init.sql' })]);
      const text = repo.guard(['verify', `${base}..HEAD`]);
      expect(text.code).toBe(3);
      expect(text.stderr).toContain('guard: refused by CI: range with commits that delete or move away protected paths: migrations/001_init.sql (deleted, commit');

      // A rewritten main: the old tip is no ancestor of the new one.
      const tip = repo.rev('HEAD')!;
      repo.git(['reset', '-q', '--hard', base]);
      commitFile(repo, 'other.txt', 'other\n');
      const rewrite = repo.guard(['verify', `${tip}..HEAD`, '--branch', 'main', '--json']);
      expect(rewrite.code).toBe(3);
      expect(JSON.parse(rewrite.stdout).violations).toEqual([expect.objectContaining({ rule: 'protected-branch-force-push' })]);
      // The same range on an unprotected branch is fine.
      expect(repo.guard(['verify', `${tip}..HEAD`, '--branch', 'topic']).code).toBe(0);

      // A range that brings in a snapshot (a branch made from one, plus a commit).
      repo.write('.env', 'SECRET=1\n');
      expect(repo.guard(['snapshot']).code).toBe(0);
      repo.remove('.env');
      const head = repo.rev('HEAD')!;
      repo.git(['checkout', '-q', '-b', 'from-snapshot', 'refs/guard/main/head']);
      commitFile(repo, 'more.txt', 'more\n');
      const leak = repo.guard(['verify', `${head}..HEAD`, '--json']);
      expect(leak.code).toBe(3);
      expect(JSON.parse(leak.stdout).violations).toEqual(expect.arrayContaining([expect.objectContaining({ rule: 'guard-refs-push' })]));
    } finally {
      repo.cleanup();
    }
  });
});

describe('guard status', () => {
  it('proves each hook runs and reports a hook git cannot run', () => {
    const repo = guarded({ remote: false });
    try {
      const ok = repo.guard(['status', '--json']);
      expect(ok.code, ok.stdout).toBe(0);
      const json = JSON.parse(ok.stdout);
      expect(json.ok).toBe(true);
      expect(json.hooks.list.map((h: any) => [h.name, h.selfTest.result])).toEqual([
        ['pre-commit', 'alive'],
        ['pre-push', 'alive'],
        ['reference-transaction', 'alive'],
        ['pre-rebase', 'alive'],
      ]);
      expect(json.snapshot.id).toMatch(/^[0-9a-f]{40}$/);
      expect(typeof json.storeBytes).toBe('number');

      // Not executable: git skips it (with a hint), and the self-test notices.
      fs.chmodSync(path.join(repo.dir, '.git', 'hooks', 'pre-push'), 0o644);
      const bad = repo.guard(['status']);
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/FAIL pre-push\s+does NOT run/);
      expect(bad.stderr).toContain('protection is DEGRADED');
    } finally {
      repo.cleanup();
    }
  });
});
