/**
 * `git mv` INTO a protected path. Since 44a0ff4 a protected SOURCE of git mv is refused as mv's
 * is, but the destination was judged only for -f's replacements: an agent's
 * `git mv notes.md .github/workflows/new.yml` and `git mv x.sql db/migrations/` were allowed
 * (found 2026-12-05, probed through Claude Code's hook) where `mv`/`cp` of the same are denied
 * (protected-path), and `git mv -f x.sql db/migrations/001.sql` was denied naming a path git never
 * writes (db/migrations/001.sql/x.sql). Now git mv's destination and each DEST/<name> are judged
 * for an agent as mv's are (the same checkWriteTarget, read from the text only: no git process),
 * a person's git mv as before. Each case runs through `guard agent-hook claude pre-tool` in a
 * hermetic repository; a denied one leaves every byte, the index and every ref (guard's too) as
 * they were; the allowed one runs for real.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { commitFiles, useDefaultPolicy } from '../../helpers/repo-steps.js';
import { byteState } from '../../helpers/state.js';
import { checkVerdict } from '../../helpers/verdicts.js';

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, {
    '.github/workflows/ci.yml': 'on: push\n',
    'db/migrations/001.sql': 'create table t (id int);\n',
    'docs/index.md': '# docs\n',
    'notes.md': '# notes\n',
    'x.sql': 'drop table t;\n',
    'sub/.gitattributes': '* text=auto\n',
  });
  const init = t.guard(['init', '-y']);
  expect(init.code, init.stderr).toBe(0);
}

/** Every byte, mode and link under the work tree, the index, and every ref (refs/guard too). */
function everything(t: TestRepo): [Record<string, string>, string] {
  return [byteState(t), t.git(['for-each-ref', '--format=%(objectname) %(refname)'])];
}

/** [command, rule, what the reason says, what mv or cp of the same says (already denied)]. */
const DENIED: Array<[string, string, string, string]> = [
  ['git mv notes.md .github/workflows/new.yml', 'protected-path', 'git mv moves into .github/workflows/new.yml: .github/workflows/new.yml is a protected path (matches ".github/workflows/**")', 'mv notes.md .github/workflows/new.yml'],
  ['git mv -f x.sql db/migrations/001.sql', 'protected-path', 'git mv -f moves into db/migrations/001.sql: db/migrations/001.sql is a protected path (matches "**/migrations/**")', 'mv -f x.sql db/migrations/001.sql'],
  ['git mv x.sql db/migrations/', 'protected-path', 'git mv moves into db/migrations/: db/migrations is a protected path (matches "**/migrations/**")', 'mv x.sql db/migrations/'],
  ['git mv -k x.sql notes.md db/migrations', 'protected-path', 'matches "**/migrations/**"', 'cp x.sql notes.md db/migrations'],
  ['cd db && git mv ../x.sql migrations/002.sql', 'protected-path', 'db/migrations/002.sql is a protected path', 'cd db && mv ../x.sql migrations/002.sql'],
  ['git -C docs mv ../x.sql ../db/migrations/', 'protected-path', 'db/migrations is a protected path', 'cp x.sql db/migrations/'],
  // The destination is not protected, the place the source lands is: judged as mv's landing.
  ['git mv sub/.gitattributes .', 'protected-path', 'git mv moves sub/.gitattributes to .gitattributes: .gitattributes is a protected path', 'mv sub/.gitattributes .'],
  ['git mv notes.md .guard.yaml', 'guard-self', 'git mv moves into .guard.yaml: .guard.yaml configures guard', 'cp notes.md .guard.yaml'],
];

describe('git mv into a protected path: denied for an agent as mv into it is', () => {
  it.each(DENIED)('%s', async (command, rule, reason, plain) => {
    await withTestRepo((t) => {
      setup(t);
      // mv or cp of the same was already refused: the judgement git mv now shares.
      expect(preToolHook(t, { tool: 'Bash', command: plain })).toMatchObject({ decision: 'deny' });
      const before = everything(t);
      const answer = preToolHook(t, { tool: 'Bash', command });
      expect(answer.decision).toBe('deny');
      expect(answer.reason).toContain(`(rule ${rule})`);
      expect(answer.reason).toContain(reason);
      expect(answer.reason).toContain('Instead:');
      expect(everything(t)).toEqual(before);
    });
  });

  it('a person is judged as before; an agent git mv elsewhere is allowed and runs', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['git mv notes.md .github/workflows/new.yml', 'git mv x.sql db/migrations/', 'git mv sub/.gitattributes .']) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow' });
      }
      // Not a path under a protected one, only a name that starts like one.
      for (const command of ['git mv notes.md docs/', 'git mv x.sql db/migrations-old.sql']) {
        expect(preToolHook(t, { tool: 'Bash', command }), command).toMatchObject({ decision: 'allow' });
        const r = spawnSync('bash', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
      }
      expect(t.git(['ls-files', '--', 'docs/notes.md', 'db/migrations-old.sql', 'notes.md', 'x.sql']).split('\n').filter(Boolean)).toEqual(['db/migrations-old.sql', 'docs/notes.md']);
    });
  });
});

describe('cost: the destination is read from its text', () => {
  it('git mv into a protected or a free place starts no git process beyond what it did before', async () => {
    await withTestRepo((t) => {
      setup(t);
      const count = (command: string): number => {
        const trace = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(trace) } });
        expect([0, 3], r.stderr).toContain(r.code);
        return countGitProcesses(trace).total;
      };
      const plain = count('git status');
      expect(count('git mv notes.md docs/')).toBe(plain);
      expect(count('git mv x.sql db/migrations/')).toBe(plain);
      expect(count('git mv notes.md .github/workflows/new.yml')).toBe(plain);
      // -f: what its landings cost (one listing), whether or not the landing is protected.
      expect(count('git mv -f x.sql db/migrations/001.sql')).toBe(count('git mv -f x.sql notes.md'));
    });
  });
});
