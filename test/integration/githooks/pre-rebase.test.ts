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
      const before = snapshotTriggers(repo).length;
      const rebase = repo.gitResult(['rebase', '-q', 'main'], { env: { CLAUDECODE: '1' } });
      expect(rebase.code, rebase.stderr).toBe(0);
      const triggers = snapshotTriggers(repo);
      // No session was open, so the hook first opened one for the agent (its own hooks did not
      // run: self-healing, issue 10), then took the snapshot before the rebase.
      expect(triggers.length).toBe(before + 2);
      expect(triggers.slice(0, 2)).toEqual(['hook', 'session-start']);
      expect(JSON.parse(repo.guard(['session', 'list', '--json']).stdout).sessions[0]).toMatchObject({ agent: 'claude', withoutAgentHooks: true });
      const latest = JSON.parse(repo.guard(['show', 'latest', '--json']).stdout);
      expect(latest.message).toBe('before a rebase by an agent');
      expect(latest.refs['refs/heads/feature']).toBeDefined();
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
