import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setUpRebase(repo: TestRepo): void {
  repo.write('a.txt', 'a\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  repo.git(['checkout', '-q', '-b', 'feature']);
  repo.write('b.txt', 'b\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'feature work']);
  repo.git(['checkout', '-q', 'main']);
  repo.write('c.txt', 'c\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'main moves on']);
  repo.git(['checkout', '-q', 'feature']);
  const init = repo.guard(['init', '--yes', '--agents', 'none']);
  expect(init.code, init.stderr).toBe(0);
  repo.write('untracked-notes.txt', 'kept in the snapshot\n');
}

const snapshotTriggers = (repo: TestRepo): string[] => JSON.parse(repo.guard(['list', '--json', '--all']).stdout).map((s: { trigger: string }) => s.trigger);

describe('pre-rebase', () => {
  it('takes a snapshot before a rebase run by an agent', () =>
    withTestRepo((repo) => {
      setUpRebase(repo);
      // As if the agent's hooks had opened a session (without its watcher): no self-healing here.
      repo.write('.git/guard/session-open', 'claude-abc123 claude\n');
      const before = snapshotTriggers(repo).length;
      const rebase = repo.gitResult(['rebase', '-q', 'main'], { env: { CLAUDECODE: '1' } });
      expect(rebase.code, rebase.stderr).toBe(0);
      const triggers = snapshotTriggers(repo);
      expect(triggers.length).toBe(before + 1);
      expect(triggers[0]).toBe('hook');
      const latest = JSON.parse(repo.guard(['show', 'latest', '--json']).stdout);
      expect(latest.message).toBe('before a rebase by an agent');
      expect(latest.refs['refs/heads/feature']).toBeDefined();
    }));

  it("an agent's rebase with no session open first opens one for it (its hooks did not run), whose snapshot holds the state before the rebase", () =>
    withTestRepo((repo) => {
      setUpRebase(repo);
      const tip = repo.git(['rev-parse', 'feature']).trim();
      const rebase = repo.gitResult(['rebase', '-q', 'main'], { env: { CLAUDECODE: '1' } });
      expect(rebase.code, rebase.stderr).toBe(0);
      const [session] = JSON.parse(repo.guard(['session', 'list', '--json']).stdout).sessions;
      expect(session).toMatchObject({ agent: 'claude', withoutAgentHooks: true });
      const start = JSON.parse(repo.guard(['show', session.startSnapshot, '--json']).stdout);
      expect(start.refs['refs/heads/feature']).toBe(tip);
    }));

  it("journals a person's rebase without starting Node", () =>
    withTestRepo((repo) => {
      setUpRebase(repo);
      const before = snapshotTriggers(repo).length;
      // A poisoned NODE_OPTIONS makes any Node start fail: the rebase must not need it.
      const rebase = repo.gitResult(['rebase', '-q', 'main'], { env: { NODE_OPTIONS: '--require /nonexistent/poison.js' } });
      expect(rebase.code, rebase.stderr).toBe(0);
      expect(snapshotTriggers(repo).length).toBe(before);
      const log = (JSON.parse(repo.guard(['log', '--json']).stdout) as { events: Array<{ type: string }> }).events;
      expect(log.some((e) => e.type === 'rebase-start')).toBe(true);
    }));
});
