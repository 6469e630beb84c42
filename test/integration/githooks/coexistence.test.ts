import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commitFile, dirState, guarded, type Guarded } from './setup.js';
import { installHusky, installLefthook, installPreCommitFramework, lefthookScript, managerEnv, simpleGitHooksScript } from './managers.js';

// These tests are about chaining and noticing replaced hooks; guard's entry in the managers' own
// configuration is tested in hook-managers.test.ts.
function init(repo: Guarded, env: Record<string, string>): void {
  const r = repo.guard(['init', '--yes', '--agents', 'none', '--no-hook-manager'], { env });
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  expect(r.stdout).not.toContain('NOT working');
}

function status(repo: Guarded, env: Record<string, string> = {}): { code: number; json: any } {
  const r = repo.guard(['status', '--json'], { env });
  return { code: r.code, json: JSON.parse(r.stdout) };
}

function refusesProtectedDeletion(repo: Guarded, env: Record<string, string>): void {
  repo.git(['rm', '-q', 'migrations/001_init.sql']);
  const r = repo.run(['commit', '-q', '-m', 'drop'], { env });
  expect(r.code).not.toBe(0);
  expect(r.stderr).toContain('rule protected-path-delete');
  repo.git(['reset', '-q', 'HEAD', '--', 'migrations/001_init.sql']);
  repo.git(['checkout', '--', 'migrations/001_init.sql']);
}

describe('coexistence with hook managers and existing hooks', () => {
  it('husky (core.hooksPath=.husky/_): both run, and uninstall restores .husky byte for byte', () => {
    const repo = guarded({ init: false });
    try {
      const m = managerEnv(repo);
      installHusky(repo);
      const before = dirState(path.join(repo.dir, '.husky'));
      init(repo, m.env);
      const hooksDir = path.join(repo.dir, '.husky', '_');
      expect(fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toContain('# git-guard hook shim');
      expect(fs.existsSync(path.join(hooksDir, 'reference-transaction'))).toBe(true);

      expect(commitFile(repo, 'src/app.js', 'husky\n', 'with husky', m.env).code).toBe(0);
      expect(m.ran()).toContain('husky pre-commit ');
      refusesProtectedDeletion(repo, m.env);

      const push = repo.run(['push', 'origin', 'main'], { env: m.env });
      expect(push.code, push.stderr).toBe(0);
      expect(m.ran()).toContain(`husky pre-push origin ${repo.remote}`);
      expect(m.ran().some((line) => line.startsWith('husky pre-push stdin refs/heads/main '))).toBe(true);
      // guard's pre-push still refuses a force-push of main.
      repo.git(['commit', '-q', '--amend', '-m', 'rewrite'], { env: m.env });
      expect(repo.run(['push', '-f', 'origin', 'main'], { env: m.env }).code).not.toBe(0);

      // husky re-run (npm install): its stubs replace guard's pre-commit, pre-push and pre-rebase.
      // guard's reference-transaction (no husky stub) notices at the next ref update, once.
      installHusky(repo);
      const first = commitFile(repo, 'src/app.js', 'after husky again\n', 'after husky re-run', m.env);
      expect(first.code).toBe(0);
      expect(first.stderr).toContain("guard: warning: guard's pre-commit pre-push pre-rebase hook(s) in .husky/_ were replaced");
      expect(first.stderr).toContain('Run `guard init` to put them back');
      expect(repo.journal().filter((e) => e.type === 'hooks-replaced')).toEqual([expect.objectContaining({ hooks: 'pre-commit pre-push pre-rebase' })]);
      const second = commitFile(repo, 'src/app.js', 'once more\n', 'again', m.env);
      expect(second.stderr).not.toContain('were replaced');
      init(repo, m.env);
      expect(fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toContain('# git-guard hook shim');
      const restored = commitFile(repo, 'src/app.js', 'restored\n', 'restored', m.env);
      expect(restored.stderr).not.toContain('were replaced');
      refusesProtectedDeletion(repo, m.env);

      const s = status(repo, m.env);
      expect(s.code).toBe(0);
      expect(s.json.hooks.hooksPath.value).toBe('.husky/_');
      expect(s.json.hooks.list.find((h: any) => h.name === 'pre-commit').chainedManager).toBe('husky');

      const un = repo.guard(['uninstall'], { env: m.env });
      expect(un.code, un.stderr).toBe(0);
      expect(dirState(path.join(repo.dir, '.husky'))).toEqual(before);
      expect(repo.git(['config', 'core.hooksPath']).trim()).toBe('.husky/_');
    } finally {
      repo.cleanup();
    }
  });

  it('lefthook and pre-commit (the framework): both run with their arguments and stdin', () => {
    const repo = guarded({ init: false });
    try {
      const m = managerEnv(repo);
      installLefthook(repo, ['pre-push']);
      installPreCommitFramework(repo, 'pre-commit');
      repo.write('.git/hooks/pre-commit.legacy', '#!/bin/sh\necho legacy >> "$MARKER"\n', 0o755);
      repo.write('.git/hooks/pre-push.old', '#!/bin/sh\necho "not run by lefthook" >> "$MARKER"\n', 0o755);
      const hooksDir = path.join(repo.dir, '.git', 'hooks');
      const before = dirState(hooksDir);
      init(repo, m.env);

      expect(commitFile(repo, 'src/app.js', 'framework\n', 'with pre-commit', m.env).code).toBe(0);
      // pre-commit's script finds its --hook-dir from $0: still the hooks directory.
      expect(m.ran()).toContain(`pre-commit hook-impl --config=.pre-commit-config.yaml --hook-type=pre-commit --hook-dir ${hooksDir} --`);
      refusesProtectedDeletion(repo, m.env);

      const push = repo.run(['push', 'origin', 'main'], { env: m.env });
      expect(push.code, push.stderr).toBe(0);
      expect(m.ran()).toContain(`lefthook run pre-push origin ${repo.remote}`);

      const s = status(repo, m.env);
      expect(s.code).toBe(0);
      const byName = Object.fromEntries(s.json.hooks.list.map((h: any) => [h.name, h]));
      expect(byName['pre-commit'].chainedManager).toBe('pre-commit');
      expect(byName['pre-push'].chainedManager).toBe('lefthook');

      expect(repo.guard(['uninstall'], { env: m.env }).code).toBe(0);
      const after = dirState(hooksDir);
      expect(after).toEqual(before);
    } finally {
      repo.cleanup();
    }
  });

  it('plain hooks: a failing chained hook still fails the commit; a symlinked hook comes back as a symlink', () => {
    const repo = guarded({ init: false });
    try {
      const m = managerEnv(repo);
      repo.write('scripts/pre-rebase.sh', '#!/bin/sh\necho "my pre-rebase $*" >> "$MARKER"\n', 0o755);
      fs.symlinkSync('../../scripts/pre-rebase.sh', path.join(repo.dir, '.git', 'hooks', 'pre-rebase'));
      repo.write('.git/hooks/pre-commit', '#!/bin/sh\nif [ -f "$MARKER.block" ]; then echo "my hook says no" >&2; exit 7; fi\necho "my pre-commit" >> "$MARKER"\n', 0o750);
      repo.write('.git/hooks/pre-push', '#!/bin/sh\nwhile read -r l lo r ro; do echo "my pre-push $1 $l $r" >> "$MARKER"; done\n', 0o700);
      const hooksDir = path.join(repo.dir, '.git', 'hooks');
      const before = dirState(hooksDir);
      init(repo, m.env);

      expect(commitFile(repo, 'src/app.js', 'plain\n', 'plain hooks', m.env).code).toBe(0);
      expect(m.ran()).toContain('my pre-commit');
      fs.writeFileSync(`${m.marker}.block`, '');
      const blocked = commitFile(repo, 'src/app.js', 'blocked\n', 'blocked', m.env);
      expect(blocked.code).not.toBe(0);
      expect(blocked.stderr).toContain('my hook says no');
      fs.rmSync(`${m.marker}.block`);
      repo.git(['checkout', '-q', 'HEAD', '--', 'src/app.js']);

      expect(repo.run(['push', 'origin', 'main'], { env: m.env }).code).toBe(0);
      expect(m.ran()).toContain('my pre-push origin refs/heads/main refs/heads/main');
      repo.git(['checkout', '-q', '-b', 'topic', 'HEAD~1'], { env: m.env });
      expect(commitFile(repo, 'topic.txt', 'topic\n', 'topic', m.env).code).toBe(0);
      const rebase = repo.run(['rebase', '-q', 'main'], { env: m.env });
      expect(rebase.code, rebase.stderr).toBe(0);
      expect(m.ran()).toContain('my pre-rebase main');

      expect(repo.guard(['uninstall'], { env: m.env }).code).toBe(0);
      expect(dirState(hooksDir)).toEqual(before);
      expect(fs.lstatSync(path.join(hooksDir, 'pre-rebase')).isSymbolicLink()).toBe(true);
    } finally {
      repo.cleanup();
    }
  });

  it('notices hooks rewritten or hooksPath changed behind its back, and chains again on guard init', () => {
    const repo = guarded({ init: false });
    try {
      const m = managerEnv(repo);
      const script = simpleGitHooksScript('echo "simple-git-hooks pre-commit" >> "$MARKER"');
      repo.write('.git/hooks/pre-commit', script, 0o755);
      init(repo, m.env);
      expect(commitFile(repo, 'src/app.js', 'sgh\n', 'sgh', m.env).code).toBe(0);
      expect(m.ran()).toContain('simple-git-hooks pre-commit');

      // `npx simple-git-hooks` again: it rewrites its hooks and deletes the ones it does not know.
      const hooksDir = path.join(repo.dir, '.git', 'hooks');
      fs.writeFileSync(path.join(hooksDir, 'pre-commit'), script, { mode: 0o755 });
      fs.rmSync(path.join(hooksDir, 'reference-transaction'));
      const degraded = status(repo, m.env);
      expect(degraded.code).toBe(1);
      expect(degraded.json.problems.join('\n')).toContain('pre-commit: replaced by simple-git-hooks');
      expect(degraded.json.problems.join('\n')).toContain("reference-transaction: guard's hook file is gone");
      const byName = Object.fromEntries(degraded.json.hooks.list.map((h: any) => [h.name, h]));
      expect(byName['pre-commit'].selfTest.result).toBe('not-run');
      const text = repo.guard(['status'], { env: m.env });
      expect(text.code).toBe(1);
      expect(text.stderr).toContain('protection is DEGRADED');

      init(repo, m.env);
      expect(status(repo, m.env).code).toBe(0);
      expect(commitFile(repo, 'src/app.js', 'sgh2\n', 'sgh2', m.env).code).toBe(0);
      expect(m.ran().filter((l) => l === 'simple-git-hooks pre-commit').length).toBe(2);

      // Someone points core.hooksPath elsewhere: git no longer runs guard's hooks.
      repo.git(['config', 'core.hooksPath', '.githooks']);
      const moved = status(repo, m.env);
      expect(moved.code).toBe(1);
      expect(moved.json.hooks.hooksPathChanged).toBe(true);
      expect(moved.json.problems.join('\n')).toContain('core.hooksPath changed since guard init: (unset) -> .githooks');
      repo.git(['config', '--unset', 'core.hooksPath']);

      expect(repo.guard(['uninstall'], { env: m.env }).code).toBe(0);
      expect(fs.readFileSync(path.join(hooksDir, 'pre-commit'), 'utf8')).toBe(script);
      expect(fs.readdirSync(hooksDir).filter((f) => !f.endsWith('.sample'))).toEqual(['pre-commit']);
    } finally {
      repo.cleanup();
    }
  });

  it('lefthook script is recognised even when lefthook renamed an older hook to .old', () => {
    // lefthook renames an existing hook to <name>.old and does not run it; guard leaves it alone.
    const repo = guarded({ init: false });
    try {
      const m = managerEnv(repo);
      repo.write('.git/hooks/pre-commit.old', '#!/bin/sh\necho old >> "$MARKER"\n', 0o755);
      repo.write('.git/hooks/pre-commit', lefthookScript('pre-commit'), 0o755);
      init(repo, m.env);
      expect(commitFile(repo, 'src/app.js', 'lh\n', 'lh', m.env).code).toBe(0);
      expect(m.ran()).toEqual(['lefthook run pre-commit']);
    } finally {
      repo.cleanup();
    }
  });
});
