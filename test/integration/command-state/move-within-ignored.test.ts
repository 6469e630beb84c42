/**
 * A move inside the repository of an ignored file that is not regenerable output (`mv .env
 * .env.bak`, `mv local.db data.db`, `mv src src.bak` with an ignored `/src/config.json`) was
 * allowed with no snapshot: "moving files inside the repository keeps their content". But no
 * snapshot holds the ignored file, and once moved it is an untracked file the newest snapshot
 * lacks (or an ignored one where no rollback looks): `guard rollback` removed `.env.bak` and
 * brought no `.env` back. Found by the command-guard fuzzer (test/fuzz/command-guard.test.ts,
 * `for f in .e*; do mv "$f" "$f.bak"; done`). Now such a move is a snapshot that captures the
 * ignored files it moves, as a move out of the repository does; any other move inside stays
 * allowed, at the same cost. Each command goes through Claude Code's hook, runs for real, and the
 * rollback to the hook's snapshot is compared byte for byte (files with modes, index, refs, stash).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk, snapshotsBefore } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': 'node_modules/\ndist/\n.env\nlocal.db\n/src/config.json\n',
    'src/app.js': 'export const app = 1;\n',
    'docs/guide.md': '# guide\n',
    'README.md': '# project\n',
  });
  writeFiles(t, {
    'src/app.js': 'export const app = 2;\n',
    'notes.txt': 'untracked notes\n',
    '.env': [SECRET, 0o600],
    'local.db': Buffer.from([0, 1, 2, 255, 254, 10]),
    'src/config.json': '{"local": true}\n',
    'dist/app.js': 'built\n',
  });
  t.git(['add', 'src/app.js']);
}


const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env', 'local.db', 'src/config.json']);

describe('a move inside the repository of an ignored file that is not regenerable', () => {
  for (const [command, captured] of [
    ['mv .env .env.bak', '.env'],
    ['mv local.db data.db', 'local.db'],
    ['mv src src.bak', 'src/config.json'],
    ['for f in .e*; do mv "$f" "$f.bak"; done', '.env'],
  ] as const) {
    it(`${command}: a snapshot captures ${captured} first, and guard rollback gives every byte back`, async () => {
      await withTestRepo((t) => {
        setup(t);
        expect(agentVerdict(t, 'git status')).toMatchObject({ decision: 'allow' });
        const before = fullState(t);
        expect(checkVerdict(t, command, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', reason: expect.stringContaining(`where no snapshot holds the ignored file ${captured}`) });
        expect(agentVerdict(t, command)).toMatchObject({ decision: 'allow' });
        const [snapshot] = snapshotsBefore(t, command);
        expect(snapshot, 'the hook took a snapshot first').toBeTruthy();
        shellOk(t, command);
        expect(t.exists(captured)).toBe(false);
        const printed = rollbackOk(t, snapshot!);
        expect(printed).toContain(captured);
        expect(fullState(t)).toEqual(before);
        if (captured === '.env') expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      });
    });
  }

  it('other moves inside the repository stay allowed without a snapshot, and cost what the rm of their source costs', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['mv src/app.js src/main.js', 'mv docs notes', 'mv dist dist-old', 'mv notes.txt docs/', 'mv nope.txt x']) {
        expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      }
      // Protected and guard refusals are as they were.
      expect(checkVerdict(t, 'mv .git g', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'git-dir-write' });
      const count = (command: string): number => {
        const trace = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(trace) } });
        expect([0, 3], r.stderr).toContain(r.code);
        return countGitProcesses(trace).total;
      };
      // The same facts rm reads: one listing of the directory, none for a tracked file.
      expect(count('mv src src.bak')).toBe(count('rm -rf src'));
      expect(count('mv docs notes')).toBe(count('rm -rf docs'));
      expect(count('mv src/app.js src/main.js')).toBe(count('rm src/app.js'));
      expect(count('mv .env .env.bak')).toBe(count('rm .env'));
    });
  });
});
