/**
 * `git push --force-with-lease` through the installed agent hook, judged by the repository:
 * a lease on a branch that is not protected runs after a snapshot, with the remote tip it may
 * overwrite kept (refs/guard/keep/head), also where the agent runs git with hooks off (Gemini
 * CLI does), so no pre-push hook keeps it; a lease whose destination is protected, or one guard
 * cannot name (detached HEAD, push.default=matching, an upstream of another name), is refused
 * before it starts. Real git, a real bare remote.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';

/** Git with hooks off, as Gemini CLI runs every shell command. */
const HOOKS_OFF = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '' };

function commit(repo: TestRepo, file: string, text: string, message: string): string {
  repo.write(file, text);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', message]);
  return repo.git(['rev-parse', 'HEAD']).trim();
}

/** main and feature pushed to a bare remote (feature tracks origin/feature), then feature amended. */
function setUp(repo: TestRepo): { remote: string; oldFeature: string; newFeature: string; mainTip: string } {
  const remote = `${repo.base}/remote.git`;
  repo.git(['init', '-q', '--bare', remote]);
  const mainTip = commit(repo, 'a.txt', 'a\n', 'base');
  repo.git(['remote', 'add', 'origin', remote]);
  repo.git(['push', '-q', '-u', 'origin', 'main']);
  expect(repo.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
  repo.git(['switch', '-q', '-c', 'feature']);
  const oldFeature = commit(repo, 'f.txt', 'one\n', 'feature work');
  repo.git(['push', '-q', '-u', 'origin', 'feature']);
  repo.write('f.txt', 'one, amended\n');
  repo.git(['commit', '-q', '-a', '--amend', '-m', 'feature work, amended']);
  return { remote, oldFeature, newFeature: repo.git(['rev-parse', 'HEAD']).trim(), mainTip };
}

const kept = (repo: TestRepo): string[] => {
  if (repo.gitResult(['rev-parse', '--verify', '-q', 'refs/guard/keep/head']).code !== 0) return [];
  return repo.git(['rev-parse', 'refs/guard/keep/head^@']).split('\n').filter(Boolean);
};

describe('git push --force-with-lease through the agent hook', () => {
  it('on a feature branch runs after a snapshot and keeps the remote tip it overwrites, hooks on and off', async () =>
    withTestRepo((repo) => {
      const { remote, oldFeature } = setUp(repo);
      // One repository for every form: each round amends feature again, so the remote tip the
      // lease overwrites (and guard must keep) is a new commit every time.
      const rounds: Array<[string, Record<string, string>]> = [
        ['git push --force-with-lease origin feature', {}],
        ['git push --force-with-lease', {}],
        ['git push --force-with-lease origin HEAD', {}],
        ['git push --force-with-lease origin feature', HOOKS_OFF],
      ];
      rounds.forEach(([command, env], round) => {
        if (round > 0) {
          repo.write('f.txt', `round ${round}\n`);
          repo.git(['commit', '-q', '-a', '--amend', '-m', `feature work, round ${round}`]);
        }
        const overwritten = repo.git(['rev-parse', 'refs/remotes/origin/feature']).trim();
        const local = repo.git(['rev-parse', 'HEAD']).trim();
        expect(kept(repo), command).not.toContain(overwritten);
        const snapshotsBefore = repo.gitResult(['rev-parse', '-q', '--verify', 'refs/guard/main/head']).stdout.trim();
        const verdict = installedClaudeHook(repo, command);
        expect(verdict.decision, `${command}: ${verdict.reason}`).toBe('allow');
        // The hook took a snapshot and kept origin's tip before the push ran.
        expect(repo.git(['rev-parse', 'refs/guard/main/head']).trim(), command).not.toBe(snapshotsBefore);
        expect(kept(repo), command).toContain(overwritten);
        // The push itself, as the agent runs it (hooks off: no pre-push keeps anything more).
        const pushed = repo.gitResult(['push', '-q', ...command.split(' ').slice(2)], { env });
        expect(pushed.code, pushed.stderr).toBe(0);
        expect(repo.git(['--git-dir', remote, 'rev-parse', 'refs/heads/feature']).trim(), command).toBe(local);
      });
      expect(repo.read('.git/guard/journal.jsonl')).toContain('"rule":"git-push-lease"');
      // The way back the rule names: the first tip is still here to push.
      repo.git(['push', '-q', '--force-with-lease', 'origin', `${oldFeature}:feature`], { env: HOOKS_OFF });
      expect(repo.git(['--git-dir', remote, 'rev-parse', 'refs/heads/feature']).trim()).toBe(oldFeature);
    }));

  it('is refused where the destination is protected, where guard cannot name it, and with --force or an expected value written out', async () =>
    withTestRepo((repo) => {
      const { remote, mainTip, oldFeature } = setUp(repo);
      // --force and a written-out expected value: refused, and the lease is named as the way forward.
      const force = installedClaudeHook(repo, 'git push --force origin feature');
      expect(force.decision).toBe('deny');
      expect(force.reason).toMatch(/--force-with-lease/);
      expect(installedClaudeHook(repo, `git push --force-with-lease=feature:${oldFeature} origin feature`).decision).toBe('deny');
      expect(kept(repo)).not.toContain(oldFeature);

      // Protected main, whichever way the command names it.
      repo.git(['switch', '-q', 'main']);
      repo.write('a.txt', 'rewritten\n');
      repo.git(['commit', '-q', '-a', '--amend', '-m', 'rewritten base']);
      for (const command of ['git push --force-with-lease', 'git push --force-with-lease origin HEAD', 'git push --force-with-lease origin main', 'git push --force-with-lease origin feature:main']) {
        const verdict = installedClaudeHook(repo, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toMatch(/protected/);
      }
      expect(repo.git(['--git-dir', remote, 'rev-parse', 'refs/heads/main']).trim()).toBe(mainTip);

      // Destinations guard cannot name.
      // A branch whose upstream is origin/main: with push.default=upstream a plain push goes to main.
      repo.git(['switch', '-q', '-c', 'fix', '--track', 'origin/main']);
      repo.git(['config', 'push.default', 'upstream']);
      const upstream = installedClaudeHook(repo, 'git push --force-with-lease');
      expect(upstream.decision).toBe('deny');
      expect(upstream.reason).toMatch(/protected branch main/);
      repo.git(['config', 'push.default', 'matching']);
      repo.git(['switch', '-q', 'feature']);
      const matching = installedClaudeHook(repo, 'git push --force-with-lease');
      expect(matching.decision).toBe('deny');
      expect(matching.reason).toMatch(/cannot determine/);
      repo.git(['config', '--unset', 'push.default']);
      expect(installedClaudeHook(repo, 'git push --force-with-lease').decision).toBe('allow');
      repo.git(['switch', '-q', '--detach', 'HEAD']);
      const detached = installedClaudeHook(repo, 'git push --force-with-lease origin HEAD');
      expect(detached.decision).toBe('deny');
      expect(detached.reason).toMatch(/HEAD is detached/);
    }));

  // A branch whose name is not UTF-8 (`caf\xe9`): until 2026-12-07 every lease push from it was
  // refused as "a branch guard cannot determine". Now it is judged by its bytes as any other:
  // allowed after a snapshot with origin's tip kept, refused where protect.branches covers it.
  it('from a branch whose name is not UTF-8 is judged like any other, by its bytes', async () =>
    withTestRepo((repo) => {
      const { remote } = setUp(repo);
      const sh = (script: string): string => {
        const r = spawnSync('sh', ['-c', script], { cwd: repo.dir, env: repo.env, encoding: 'latin1' });
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      };
      sh(`git switch -q -c "$(printf 'caf\\351')" && git push -q -u origin HEAD`);
      const rounds = ['git push --force-with-lease', 'git push --force-with-lease origin HEAD', "git push --force-with-lease origin $'caf\\xe9'"];
      rounds.forEach((command, round) => {
        sh(`echo "round ${round}" > f.txt && git commit -q -a --amend -m "round ${round}"`);
        const overwritten = sh(`git rev-parse "$(printf 'refs/remotes/origin/caf\\351')"`).trim();
        const local = repo.git(['rev-parse', 'HEAD']).trim();
        expect(kept(repo), command).not.toContain(overwritten);
        const verdict = installedClaudeHook(repo, command);
        expect(verdict.decision, `${command}: ${verdict.reason}`).toBe('allow');
        expect(kept(repo), command).toContain(overwritten);
        sh(`git push -q --force-with-lease origin "$(printf 'caf\\351')"`);
        expect(sh(`git --git-dir "${remote}" rev-parse "$(printf 'refs/heads/caf\\351')"`).trim(), command).toBe(local);
      });
      // A UTF-8 name beyond ASCII: its remote tip is kept too (the kept ref reached cat-file as
      // latin1 of its characters, `r\xe9sum\xe9`, a ref that does not exist, so nothing was kept).
      repo.git(['switch', '-q', '-c', 'résumé']);
      repo.git(['push', '-q', '-u', 'origin', 'résumé']);
      repo.git(['commit', '-q', '--amend', '-m', 'résumé, amended']);
      const overwritten = repo.git(['rev-parse', 'refs/remotes/origin/résumé']).trim();
      expect(installedClaudeHook(repo, 'git push --force-with-lease origin résumé').decision).toBe('allow');
      expect(kept(repo)).toContain(overwritten);
      sh(`git switch -q "$(printf 'caf\\351')"`);
      // protect.branches covering it: refused, the name shown as bash types it
      const policy = repo.read('.guard.yaml').replace(/^  branches:\n/m, "  branches:\n    - 'caf*'\n");
      expect(policy).toContain("- 'caf*'");
      repo.write('.guard.yaml', policy);
      for (const command of rounds) {
        const verdict = installedClaudeHook(repo, command);
        expect(verdict.decision, command).toBe('deny');
        expect(verdict.reason, command).toMatch(/protected/);
        expect(verdict.reason, command).toContain("$'caf\\xe9'");
      }
    }));
});
