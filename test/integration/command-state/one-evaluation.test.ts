/**
 * `guard check-command` and the agent hook answer from one evaluation (evaluateCommand in
 * src/cli/command-state.ts): the same verdict and rule for the same command in the same
 * repository. Before, check-command left out the ref checks, so it said "snapshot" for
 * `git reset --hard HEAD~1` on protected main while the agent hook denied it, and it read only
 * `.guard.yaml` as protected by default while the hooks protected CI workflows and migrations.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { GUARD_BIN } from '../../helpers/git-repo.js';
import { AGENT_ENV, commitFile, guarded, type Guarded } from '../githooks/setup.js';

let repo: Guarded | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** The agent hook's verdict and rule, from its answer and the journal lines it wrote. */
function hookVerdict(t: Guarded, command: string): { verdict: string; rule: string | null } {
  const before = t.journal().length;
  const payload = { session_id: 'parity', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const events = t.journal().slice(before);
  const step = events.find((e) => e.type === 'step-start' && e.command === command);
  expect(step, JSON.stringify(events)).toBeDefined();
  // deny and ask: `blocked`/`asked` name the rule; snapshot: `allowed-after-snapshot` does; allow has none.
  const decided = events.find((e) => ['blocked', 'asked', 'allowed-after-snapshot'].includes(e.type as string) && e.command === command);
  return { verdict: step?.verdict as string, rule: (decided?.rule as string | undefined) ?? null };
}

function checkVerdict(t: Guarded, command: string, env: Record<string, string>): { verdict: string; rule: string } {
  const r = t.guard(['check-command', '--json', command], { env });
  const data = JSON.parse(r.stdout) as { verdict: string; rule: string };
  expect(r.code).toBe(data.verdict === 'allow' || data.verdict === 'snapshot' ? 0 : 3);
  return { verdict: data.verdict, rule: data.rule };
}

describe('one evaluation for guard check-command and the agent hook', () => {
  it('answers the same verdict and rule for ref rewrites of main, a branch delete, a benign command and a protected path', () => {
    repo = guarded();
    const t = repo;
    // guarded(): default .guard.yaml, main with a migration, `guard init` done. One more commit on
    // main (so HEAD~1 is main's parent), a feature branch, CI, ignored build output.
    commitFile(t, 'src/app.js', 'console.log(2);\n');
    t.git(['branch', 'feature']);
    commitFile(t, '.github/workflows/ci.yml', 'on: push\n');
    commitFile(t, '.gitignore', 'dist/\n');
    t.write('dist/bundle.js', 'built\n');
    hookVerdict(t, 'ls'); // opens the session (its snapshot) once, outside the comparisons

    const cases: Array<[string, string, string | null]> = [
      ['git reset --hard HEAD~1', 'deny', 'protected-branch-rewrite'],
      ['git commit --amend -m rewritten', 'deny', 'protected-branch-rewrite'],
      ['git rebase -i HEAD~2', 'deny', 'protected-branch-rewrite'],
      ['git branch -D feature', 'snapshot', 'git-branch-delete'],
      ['git branch -D main', 'deny', 'git-branch-protected'],
      ['ls -la', 'allow', null],
      ['rm -rf migrations', 'deny', 'protected-path'],
      ['rm -rf .github', 'deny', 'protected-path'],
      ['rm -rf dist', 'allow', null],
      ['rm -rf src', 'snapshot', 'rm-in-repo'],
    ];
    for (const [command, verdict, rule] of cases) {
      const hook = hookVerdict(t, command);
      const check = checkVerdict(t, command, AGENT_ENV);
      expect({ command, hook }).toEqual({ command, hook: { verdict, rule } });
      expect({ command, check: check.verdict, rule: rule === null ? null : check.rule }).toEqual({ command, check: verdict, rule });
    }
    // A person gets what the git hooks give a person: a rewrite of main only warns for people by
    // default (protected-branch-rewrite: human warn), so it is a snapshot; deleting main is refused.
    expect(checkVerdict(t, 'git reset --hard HEAD~1', {})).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard' });
    expect(checkVerdict(t, 'git branch -D main', {})).toMatchObject({ verdict: 'deny' });
  });

  it('judges a reset of main by the branch checked out: on a feature branch both answer snapshot', () => {
    repo = guarded();
    const t = repo;
    commitFile(t, 'src/app.js', 'console.log(2);\n');
    t.git(['checkout', '-q', '-b', 'feature']);
    commitFile(t, 'src/app.js', 'console.log(3);\n');
    hookVerdict(t, 'ls');
    for (const command of ['git reset --hard HEAD~1', 'git checkout main && git reset --hard HEAD~1']) {
      const hook = hookVerdict(t, command);
      const check = checkVerdict(t, command, AGENT_ENV);
      expect({ command, check }).toEqual({ command, check: { verdict: hook.verdict, rule: hook.rule ?? check.rule } });
    }
    expect(checkVerdict(t, 'git reset --hard HEAD~1', AGENT_ENV)).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard' });
    expect(checkVerdict(t, 'git checkout main && git reset --hard HEAD~1', AGENT_ENV)).toMatchObject({ verdict: 'deny', rule: 'protected-branch-rewrite' });
  });
});
