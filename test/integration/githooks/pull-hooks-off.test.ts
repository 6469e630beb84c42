/**
 * Gemini CLI runs every git command with git's hooks off (GIT_CONFIG_COUNT sets core.hooksPath to
 * ""), so the reference-transaction hook that captures a pull's landing at fetch time
 * (pull-landing.test.ts) never runs for it: a teammate's `git add -f .env`, fetched earlier, then
 * `git pull` wrote it over the ignored local `.env` without a word and no snapshot held the old
 * bytes (git 2.39, hermetic). Now the agent hook judges `git pull` for an agent whose git hooks
 * are off as it judges `git merge`: the tip it merges (the upstream, or refs/remotes/R/B for
 * `git pull R B`) is looked at before the command runs, the ignored files it lands on are captured
 * into the snapshot taken first, and the agent hook's message names `guard rollback ID --paths F`,
 * which gives `.env` back byte for byte at 0600. merge, rebase and cherry-pick of a tip fetched
 * earlier go the same way. For an agent whose git hooks run, the pull's check stays with the hook
 * (no extra git process in the agent hook, no second capture).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { loggedEvents } from '../../helpers/guard-steps.js';
import { buildTeammateClone, givesBackOnlyEnv, teammateCloneIn } from '../../helpers/teammate-clone.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const SECRET = Buffer.from('SECRET=local\r\n\u00e9\u0000tail\n', 'latin1');
const THEIRS = 'SECRET=teammate\n';

/** What Gemini CLI puts in the environment of every shell command it runs (docs/agents.md). */
const GEMINI_SHELL_ENV = { GEMINI_CLI: '1', GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'core.hooksPath', GIT_CONFIG_VALUE_0: '' };

interface Pulled {
  t: TestRepo;
  seed: string;
  up: string;
}

/**
 * A bare upstream, the teammate's clone (seed) and the clone under test (t.dir) with guard's git
 * hooks; .env ignored everywhere and on disk here (0600). The teammate then commits .env with
 * `git add -f` and pushes, and the clone fetches it with hooks off (as Gemini's shell does).
 */
/** Built once (with the teammate's push and the fetch) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
  buildTeammateClone(t, '.env\ndist/\n', SECRET);
  const { seed, seedGit: run } = teammateCloneIn(t);
  fs.writeFileSync(path.join(seed, '.env'), THEIRS);
  fs.writeFileSync(path.join(seed, 'more.txt'), 'more\n');
  run(['add', '-f', '.env', 'more.txt']);
  run(['commit', '-q', '-m', 'teammate adds .env']);
  run(['push', '-q', 'origin', 'main']);
  gitOk(t, ['fetch', '-q'], GEMINI_SHELL_ENV);
}

const template = fileTemplate(build, { init: false });

function setup(): Pulled {
  const { t, seed, up } = teammateCloneIn(template.copy());
  return { t, seed, up };
}

function gitOk(t: TestRepo, args: string[], env: Record<string, string> = {}): string {
  const r = t.gitResult(args, { env });
  expect(r.code, `git ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r.stderr;
}

/** Gemini CLI's BeforeTool hook for a shell command, as guard installs it; `env` is added (a trace file). */
function geminiHook(t: TestRepo, command: string, env: Record<string, string> = {}): { decision: string; reason: string; message: string } {
  const payload = { session_id: 'g1', cwd: t.dir, hook_event_name: 'BeforeTool', tool_name: 'run_shell_command', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'gemini', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...env }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = JSON.parse(r.stdout) as { decision?: string; reason?: string; systemMessage?: string };
  return { decision: out.decision ?? 'allow', reason: out.reason ?? '', message: out.systemMessage ?? '' };
}

/** A local commit, so that the pull merges or rebases rather than fast-forwards. */
function localCommit(t: TestRepo): void {
  t.write('local.txt', 'local work\n');
  gitOk(t, ['add', 'local.txt']);
  gitOk(t, ['commit', '-q', '-m', 'local']);
}

/** A local commit on a feature branch tracking origin/main (rebasing main, a protected branch, is refused). */
function featureCommit(t: TestRepo): void {
  gitOk(t, ['switch', '-q', '-c', 'work', 'origin/main~1']);
  gitOk(t, ['branch', '-q', '--set-upstream-to', 'origin/main']);
  localCommit(t);
}

const COMMANDS: Array<[string, ((t: TestRepo) => void)?]> = [
  ['git pull --ff-only'],
  ['git pull --no-rebase --no-edit', localCommit],
  ['git pull --rebase', featureCommit],
  ['git pull --ff-only origin main'],
  ['git pull -q --no-rebase --no-edit origin +refs/heads/main', localCommit],
  ['git merge --ff-only origin/main'],
  ['git rebase origin/main', featureCommit],
  ['git cherry-pick origin/main', localCommit],
];

describe('an agent that runs git with hooks off (Gemini CLI): the agent hook captures what a pull lands on', () => {
  it.each(COMMANDS)('%s of a tip fetched earlier: .env captured first, the message names the rollback that gives its bytes and 0600 back', (command, before) => {
    const { t } = setup();
    try {
      before?.(t);
      // The fetch ran with hooks off: no hook captured anything.
      expect(loggedEvents(t, 'ignored-captured')).toHaveLength(0);
      const answer = geminiHook(t, command);
      expect(answer.decision).toBe('allow');
      const m = /to get it back: guard (rollback (\S+) --paths \.env)$/.exec(answer.message);
      expect(m, answer.message).not.toBeNull();
      expect(answer.message).toContain('the ignored .env was captured into snapshot');
      const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: { ...t.env, ...GEMINI_SHELL_ENV }, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      // git wrote the teammate's .env over the ignored one, as it does.
      expect(t.read('.env')).toBe(THEIRS);
      // Only the file: what the command did stays.
      givesBackOnlyEnv(t, m![1]!.split(' '), SECRET);
    } finally {
      t.cleanup();
    }
  });

  it('costs one diff-tree for a pull that lands on nothing ignored, nothing for an agent whose hooks run; a pull from a path or of a tip not fetched keeps its verdict', () => {
    const { t, up } = setup();
    try {
      const trace = (command: string, env: Record<string, string>): { verdict: string; argv: string[][] } => {
        const file = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { ...env, ...traceEnv(file) } });
        expect([0, 3], r.stderr).toContain(r.code);
        return { verdict: (JSON.parse(r.stdout) as { verdict: string }).verdict, argv: tracedArgv(file) };
      };
      const ran = (argv: string[][], sub: string): number => argv.filter((a) => a[1] === sub).length;
      const gemini = trace('git pull', { GEMINI_CLI: '1' });
      expect(gemini.verdict).toBe('snapshot');
      expect(ran(gemini.argv, 'diff-tree')).toBe(1);
      expect(ran(gemini.argv, 'ls-files')).toBe(1);
      // Claude Code runs git with guard's hooks: the fetch's hook judges the tip it brings.
      const claude = trace('git pull', { CLAUDECODE: '1' });
      expect(claude.verdict).toBe('allow');
      expect(claude.argv.length).toBe(1);
      // .env moved aside: nothing ignored in the way, one diff-tree and no listing.
      fs.renameSync(path.join(t.dir, '.env'), path.join(t.base, 'env.saved'));
      const free = trace('git pull', { GEMINI_CLI: '1' });
      expect(free.verdict).toBe('allow');
      expect(ran(free.argv, 'diff-tree')).toBe(1);
      expect(ran(free.argv, 'ls-files')).toBe(0);
      fs.renameSync(path.join(t.base, 'env.saved'), path.join(t.dir, '.env'));
      for (const command of [`git pull ${up} main`, 'git pull origin no-such-branch', 'git pull origin tag v1']) {
        expect(trace(command, { GEMINI_CLI: '1' }).verdict, command).toBe('allow');
      }
    } finally {
      t.cleanup();
    }
  });
});
