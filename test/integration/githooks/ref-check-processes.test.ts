/**
 * The ref checks the agent hook and `guard check-command` run before a command (planned-refs.ts)
 * ask git once in the common case: which branch HEAD is on, its tip and the revision the command
 * names come from one `git rev-parse` (headAndBase). Where that form cannot answer exactly (an
 * unborn branch, a revision that does not resolve, one rev-parse would read as a range), they ask
 * the usual way (`symbolic-ref`, `cat-file --batch-check`), with the same verdicts. Real git,
 * check-command as an agent (the hook's evaluation, without a session): verdict, rule, and the git
 * processes of the ref check (trace2 events; counts, no timing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { traceEnv } from '../../helpers/git-trace.js';
import { AGENT_ENV, commitFile, guarded, type Guarded } from './setup.js';

let repo: Guarded | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** The ref check's git processes: what it may start, by subcommand (check-command's own rev-parse of the repository left out). */
function refCheckProcesses(trace: string): string[] {
  const names: string[] = [];
  const lines = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n') : [];
  for (const line of lines) {
    if (!line.includes('"event":"start"')) continue;
    const argv = (JSON.parse(line) as { argv?: string[] }).argv ?? [];
    const [, command, ...rest] = argv;
    if (command === 'rev-parse' && rest.includes('--show-toplevel')) continue;
    if (command === 'rev-parse' || command === 'symbolic-ref' || command === 'cat-file' || command === 'merge-base') names.push(command);
  }
  return names;
}

function check(t: Guarded, command: string): { verdict: string; rule: string; git: string[] } {
  const trace = path.join(t.base, `trace-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const r = t.guard(['check-command', '--json', command], { env: { ...AGENT_ENV, ...traceEnv(trace) } });
  const data = JSON.parse(r.stdout) as { verdict: string; rule: string };
  return { verdict: data.verdict, rule: data.rule, git: refCheckProcesses(trace) };
}

describe('the ref checks ask git once where they can', () => {
  it('one rev-parse for a reset or amend of the branch checked out; the usual queries where that form cannot say', () => {
    repo = guarded();
    const t = repo;
    commitFile(t, 'src/app.js', 'console.log(2);\n');
    // A file named like the target: rev-parse's arguments before `--` are revisions only.
    t.write('no-such-rev^{commit}', 'a file\n');

    const rewrite = { verdict: 'deny', rule: 'protected-branch-rewrite' };
    expect(check(t, 'git reset --hard HEAD~1')).toEqual({ ...rewrite, git: ['rev-parse'] });
    expect(check(t, 'git commit --amend -m better')).toEqual({ ...rewrite, git: ['rev-parse'] });
    expect(check(t, 'git rebase -i HEAD~1')).toEqual({ ...rewrite, git: ['rev-parse', 'merge-base'] });
    // A target that is not the branch's own ancestor by its spelling: merge-base says it is not a fast-forward.
    const parent = t.git(['rev-parse', 'HEAD~1']).trim();
    expect(check(t, `git reset --hard ${parent}`)).toEqual({ ...rewrite, git: ['rev-parse', 'merge-base'] });
    // A fast-forward is no rewrite.
    t.git(['branch', 'ahead']);
    t.git(['switch', '-q', 'ahead']);
    commitFile(t, 'src/app.js', 'console.log(3);\n');
    t.git(['switch', '-q', 'main']);
    expect(check(t, 'git reset --hard ahead')).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard', git: ['rev-parse', 'merge-base'] });

    // A revision that does not resolve: rev-parse fails, the usual queries find no target.
    expect(check(t, 'git reset --hard no-such-rev')).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard', git: ['rev-parse', 'symbolic-ref', 'cat-file'] });
    // A range is not one revision: not given to rev-parse at all.
    expect(check(t, 'git reset --hard HEAD~1..HEAD')).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard', git: ['symbolic-ref', 'cat-file'] });

    // Detached HEAD: no branch moves.
    t.git(['switch', '-q', '--detach', 'main']);
    expect(check(t, 'git reset --hard HEAD~1')).toEqual({ verdict: 'snapshot', rule: 'git-reset-hard', git: ['rev-parse'] });

    // An unborn protected branch (release/*): no history to lose; rev-parse of HEAD fails.
    t.git(['switch', '-q', '--orphan', 'release/1']);
    const unborn = check(t, 'git commit --amend -m x');
    expect(unborn.verdict).not.toBe('deny');
    expect(unborn.git).toEqual(['rev-parse', 'symbolic-ref', 'rev-parse']);
  });
});
