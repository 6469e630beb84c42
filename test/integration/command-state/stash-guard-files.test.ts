/**
 * `git stash -u` takes untracked files out of the working tree into a stash entry. guard's own
 * files are untracked right after `guard init` (.guard.yaml, .claude/settings.json ...), so an
 * agent's `git stash -u` took its own hook settings and guard's policy away, exactly as `git
 * stash -a` and `git clean -fd` would, which were refused (guard-self). Now -u, `push -u --
 * paths` and `save -u` are refused the same way, through the installed agent hook, and nothing
 * runs; a stash whose scope leaves them out, a person, and a stash without -u stay allowed.
 */
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { captureState } from '../../helpers/state.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('git stash -u of guard files', () => {
  it('an agent stashing an untracked .guard.yaml or hook settings with -u is denied like -a; a narrower scope or a person is not', async () => {
    await withTestRepo((t) => {
      t.write('src/a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.write('src/new.txt', 'new\n');
      t.write('.claude/settings.local.json', '{"hooks":{}}\n');
      for (const command of ['git stash -u', 'git stash push --include-untracked', 'git stash save -u wip', 'git stash push -u -- .claude', 'cd src && git stash -u', 'git stash -a']) {
        const hook = agentVerdict(t, command);
        expect(hook.decision, command).toBe('deny');
        expect(hook.reason, command).toContain('.claude/settings.local.json');
        expect(hook.reason, command).toContain('stash entry');
      }
      const before = captureState(t);
      expect(agentVerdict(t, 'git stash -u').decision).toBe('deny');
      expect(captureState(t)).toEqual(before);
      // A scope that leaves guard's files out, a stash without -u, and a person stay allowed.
      for (const command of ['git stash push -u -- src', 'git stash', 'git stash push -u -- src/new.txt']) expect(agentVerdict(t, command).decision, command).toBe('allow');
      expect(checkVerdict(t, 'git stash -u')).toMatchObject({ verdict: 'allow' });
      t.write('.guard.yaml', 'version: 1\n');
      const yaml = agentVerdict(t, 'git stash push -u -- .guard.yaml');
      expect(yaml.decision).toBe('deny');
      expect(yaml.reason).toContain('.guard.yaml');
      expect(yaml.reason).toContain('git stash push -u -- <paths>');
    });
  });
});
