/**
 * `git remote remove|rename|set-url|set-branches`, `git config` writing a `remote.<name>.*` key,
 * and `git notes remove|prune` / `add -f` / `copy -f` take a snapshot first (git-remote-change,
 * git-notes-remove). Since 2026-12-07 snapshots record the remotes (on this machine only) and the
 * notes refs, and a rollback puts them back (rollback/remote-config.test.ts, notes-refs.test.ts);
 * but these lines were "no destructive command found", so a remote or a note added after the
 * latest snapshot was gone for good once an agent removed it. The snapshot taken first holds it.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { installedClaudeHook, rollbackOk, snapshotsBefore } from '../../helpers/guard-steps.js';

function guarded(t: TestRepo): void {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  t.git(['remote', 'add', 'origin', 'https://example.com/me/project.git']);
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

describe('remote and notes changes take a snapshot first', () => {
  it('judges each spelling (in process), reads and additions stay free', async () => {
    await withTestRepo(async (t) => {
      guarded(t);
      await expectEvaluatedTable(t, [
        ['git remote remove origin', 'snapshot', 'git-remote-change', ['deletes the remote origin']],
        ['git remote rm origin', 'snapshot', 'git-remote-change'],
        ['git remote rename origin upstream', 'snapshot', 'git-remote-change', ['renames the remote origin']],
        ['git remote set-url origin https://example.com/other.git', 'snapshot', 'git-remote-change', ['URL of the remote origin']],
        ['git remote set-url --push origin git@example.com:me/p.git', 'snapshot', 'git-remote-change'],
        ['git remote set-branches origin main', 'snapshot', 'git-remote-change'],
        ['git config remote.origin.url https://example.com/other.git', 'snapshot', 'git-remote-change', ['remote.origin.url']],
        ['git config set remote.origin.url https://example.com/other.git', 'snapshot', 'git-remote-change'],
        ['git config --unset remote.origin.pushurl', 'snapshot', 'git-remote-change'],
        ['git config --remove-section remote.origin', 'snapshot', 'git-remote-change'],
        ['git config --rename-section remote.origin remote.up', 'snapshot', 'git-remote-change'],
        ['git notes remove HEAD', 'snapshot', 'git-notes-remove', ['deletes notes']],
        ['git notes --ref=review remove HEAD', 'snapshot', 'git-notes-remove'],
        ['git notes prune', 'snapshot', 'git-notes-remove'],
        ['git notes add -f -m reviewed HEAD', 'snapshot', 'git-notes-remove', ['replaces an existing note']],
        ['git notes copy --force HEAD HEAD~1', 'snapshot', 'git-notes-remove'],
        // Nothing is lost: listings, reads, additions, another scope's config.
        ['git remote -v', 'allow', 'no-risk'],
        ['git remote add upstream https://example.com/up/project.git', 'allow', 'no-risk'],
        ['git remote prune origin', 'allow', 'no-risk'],
        ['git remote show origin', 'allow', 'no-risk'],
        ['git config --get remote.origin.url', 'allow', 'no-risk'],
        ['git config remote.origin.url', 'allow', 'no-risk'],
        ['git config --global remote.origin.url https://example.com/x.git', 'allow', 'no-risk'],
        ['git config user.name Someone', 'allow', 'no-risk'],
        ['git notes add -m reviewed HEAD', 'allow', 'no-risk'],
        ['git notes append -m more HEAD', 'allow', 'no-risk'],
        ['git notes show HEAD', 'allow', 'no-risk'],
      ]);
    });
  });

  it('a remote and a note added after the latest snapshot come back after the agent removed them (installed hook, then guard rollback)', async () => {
    await withTestRepo((t) => {
      guarded(t);
      // The person's own additions since guard's last snapshot.
      t.git(['remote', 'add', 'fork', 'https://example.com/someone/project.git']);
      t.git(['config', '--add', 'remote.fork.fetch', '+refs/pull/*/head:refs/remotes/fork/pr/*']);
      t.git(['notes', 'add', '-m', 'reviewed by Ana', 'HEAD']);
      const remotes = t.git(['config', '--local', '--get-regexp', '^remote\\.']);
      const note = t.git(['notes', 'show', 'HEAD']);

      for (const command of ['git remote remove fork', 'git notes remove HEAD']) {
        expect(installedClaudeHook(t, command).decision, command).toBe('allow');
        expect(snapshotsBefore(t, command), command).toHaveLength(1);
        t.git(command.split(' ').slice(1), { env: { CLAUDECODE: '1' } });
      }
      expect(t.gitResult(['config', '--get', 'remote.fork.url']).code).toBe(1);
      expect(t.gitResult(['notes', 'show', 'HEAD']).code).not.toBe(0);

      // The snapshot taken before the first removal is the state the person had.
      rollbackOk(t, snapshotsBefore(t, 'git remote remove fork')[0]!);
      expect(t.git(['config', '--local', '--get-regexp', '^remote\\.'])).toBe(remotes);
      expect(t.git(['notes', 'show', 'HEAD'])).toBe(note);
    });
  });
});
