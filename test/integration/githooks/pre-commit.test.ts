import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ENV, commitFile, guarded } from './setup.js';

/** Any Node start fails with this environment: proves which commits the sh shim answers alone. */
const NO_NODE = { NODE_OPTIONS: '--require /nonexistent/guard-test-poison.cjs' };

describe('pre-commit', () => {
  it('refuses deleting or moving away a protected path, warns on changes, and lets other commits through without Node', () => {
    const repo = guarded({ remote: false });
    try {
      const head = repo.rev('HEAD');

      // A commit that touches no protected path is answered by the sh shim: Node cannot even start.
      const plain = commitFile(repo, 'src/app.js', 'console.log(2);\n', 'plain change', NO_NODE);
      expect(plain.code, plain.stderr).toBe(0);
      expect(plain.stderr).toBe('');

      repo.git(['rm', '-q', 'migrations/001_init.sql']);
      const del = repo.run(['commit', '-q', '-m', 'drop migration']);
      expect(del.code).not.toBe(0);
      expect(del.stderr).toContain('guard: refused: commit that deletes or moves away protected paths: migrations/001_init.sql (deleted)');
      expect(del.stderr).toMatch(/rule protected-path-delete: enforce for people, configured at \.guard\.yaml:\d+/);
      expect(del.stderr).toContain("protected by '**/migrations/**'");
      expect(del.stderr).toContain('instead: keep them: git restore --source=HEAD --staged --worktree -- migrations/001_init.sql');
      expect(repo.rev('HEAD')).not.toBe(head); // only the plain commit landed
      expect(repo.run(['cat-file', '-e', 'HEAD:migrations/001_init.sql']).code).toBe(0);
      // Node was needed for that one: with Node unavailable the shim fails closed, and says why.
      const closed = repo.run(['commit', '-q', '-m', 'drop migration'], { env: NO_NODE });
      expect(closed.code).not.toBe(0);
      expect(closed.stderr).toContain('guard-test-poison');
      repo.git(['restore', '--source=HEAD', '--staged', '--worktree', '--', 'migrations/001_init.sql']);

      repo.git(['mv', 'migrations/001_init.sql', 'old_init.sql']);
      const out = repo.run(['commit', '-q', '-m', 'move it out']);
      expect(out.code).not.toBe(0);
      expect(out.stderr).toContain('migrations/001_init.sql -> old_init.sql (moved out)');
      repo.git(['mv', 'old_init.sql', 'migrations/001_init.sql']);

      const within = repo.run(['mv', 'migrations/001_init.sql', 'migrations/001_first.sql']);
      expect(within.code).toBe(0);
      const renamed = repo.run(['commit', '-q', '-m', 'rename within']);
      expect(renamed.code, renamed.stderr).toBe(0);
      expect(renamed.stderr).toContain('guard: warning: commit that changes protected paths: migrations/001_init.sql -> migrations/001_first.sql');

      const workflow = commitFile(repo, '.github/workflows/ci.yml', 'name: ci2\n');
      expect(workflow.code, workflow.stderr).toBe(0);
      expect(workflow.stderr).toContain('rule protected-path-modify: warn for people');

      // `git commit -a` stages through a temporary index (GIT_INDEX_FILE): still checked.
      fs.rmSync(path.join(repo.dir, '.github/workflows/ci.yml'));
      const all = repo.run(['commit', '-q', '-a', '-m', 'commit -a']);
      expect(all.code).not.toBe(0);
      expect(all.stderr).toContain('.github/workflows/ci.yml (deleted)');
      repo.git(['checkout', '--', '.github/workflows/ci.yml']);

      const events = repo.journal();
      expect(events.filter((e) => e.type === 'blocked' && e.rule === 'protected-path-delete').length).toBeGreaterThanOrEqual(3);
      expect(events.filter((e) => e.type === 'warned' && e.rule === 'protected-path-modify').length).toBeGreaterThanOrEqual(2);
    } finally {
      repo.cleanup();
    }
  });

  it('tells an agent to ask a person instead of how to approve', () => {
    const repo = guarded({ remote: false });
    try {
      repo.git(['rm', '-q', '.guard.yaml']);
      const r = repo.run(['commit', '-q', '-m', 'drop the policy'], { env: AGENT_ENV });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain('.guard.yaml (deleted)');
      expect(r.stderr).toContain('you are an AI agent (CLAUDECODE): ask the person you work for');
      expect(r.stderr).not.toContain('guard approve');
    } finally {
      repo.cleanup();
    }
  });
});
