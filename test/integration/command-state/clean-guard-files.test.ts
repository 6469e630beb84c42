/**
 * An agent may not delete guard's own files (.guard.yaml, its hook settings): `rm` of them is
 * denied (guard-self). `git clean -fd` took them too while they were untracked, as they are right
 * after `guard init` (found playing an agent session: the clean removed .claude/ and .guard.yaml,
 * the agent's hooks with them). The clean's untracked listing now decides it: refused for an agent
 * without a post-tool hook, a snapshot for Claude Code, whose post-tool hook puts them back.
 */
import { describe, expect, it } from 'vitest';
import { agentVerdict } from '../../helpers/verdicts.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('git clean and guard files', () => {
  it('an agent git clean -fd that would take untracked hook settings is denied; without them, or without -d, it is snapshotted', async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      t.write('scratch.txt', 'junk\n');
      expect(agentVerdict(t, 'git clean -fd')).toMatchObject({ decision: 'allow' });
      t.write('.claude/settings.local.json', '{"hooks":{}}\n');
      // An agent without a post-tool hook (Codex) is refused; Claude Code's post-tool hook puts
      // the file back after the command (clean-puts-back-guard-files.test.ts): a snapshot.
      const denied = JSON.parse(t.guard(['check-command', '--json', 'git clean -fd'], { env: { CODEX_THREAD_ID: 't1' } }).stdout);
      expect(denied.verdict).toBe('deny');
      expect(denied.reason).toContain('.claude/settings.local.json');
      const claude = JSON.parse(t.guard(['check-command', '--json', 'git clean -fd'], { env: { CLAUDECODE: '1' } }).stdout);
      expect(claude).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      expect(claude.reason).toContain('guard keeps its own file .claude/settings.local.json');
      // Without -d the untracked .claude/ directory stays; a person may clean.
      expect(agentVerdict(t, 'git clean -f')).toMatchObject({ decision: 'allow' });
      const person = t.guard(['check-command', '--json', 'git clean -fd']);
      expect(JSON.parse(person.stdout)).toMatchObject({ verdict: 'snapshot', rule: 'git-clean' });
      t.write('.guard.yaml', 'version: 1\n');
      expect(JSON.parse(t.guard(['check-command', '--json', 'git clean -f'], { env: { CODEX_THREAD_ID: 't1' } }).stdout).reason).toContain('.guard.yaml');
    });
  });
});
