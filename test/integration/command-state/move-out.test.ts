/**
 * A move of a repository file out of the repository is, from the repository's side, a deletion of
 * the source: its bytes are then only at the destination, where the next move onto the same name
 * overwrites them. That is the Gemini CLI incident of July 2025: an agent moved every file of a
 * project, one command each, to a destination that was not a directory; each move renamed the
 * file onto the same name, and the project was gone. Until 2026-12-05 guard allowed such moves
 * (`no destructive command found`) with no snapshot. Now they are judged as rm's deletion of the
 * source is: a snapshot first, the ignored files that are not regenerable output captured into
 * it, a protected path (or the git directory, the repository itself) denied; regenerable output
 * moves out freely. Each command goes through Claude Code's hook and runs for real with sh; the
 * rollback is compared byte for byte (files with modes, index, HEAD, refs, stash).
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
    '.gitignore': 'node_modules/\ndist/\n.env\n',
    '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n    - .guard.yaml\n',
    'src/app.js': 'export const app = 1;\n',
    'scripts/run.sh': ['#!/bin/sh\necho run\n', 0o755],
    'db/migrations/001.sql': 'create table a (id int);\n',
    'README.md': '# project\n',
  });
  writeFiles(t, {
    // A staged change (the index differs from HEAD), an untracked file, an ignored secret (0600)
    // and regenerable output.
    'src/app.js': 'export const app = 2;\n',
    'notes.txt': 'untracked notes\n',
    '.env': [SECRET, 0o600],
    'dist/app.js': 'built\n',
    'node_modules/pkg/index.js': 'module.exports = 1;\n',
  });
  t.git(['add', 'src/app.js']);
}


/** What a rollback must bring back: every file with its mode (the secret's 0600 too), the index, HEAD, refs, stash. */
const fullState = (t: TestRepo): unknown => stateWithModes(t, ['.env', 'scripts/run.sh', 'src/app.js']);

describe('a move out of the repository is judged as a deletion of its source', () => {
  it('the Gemini CLI incident: files moved one by one onto one outside name are all back after guard rollback', async () => {
    await withTestRepo((t) => {
      setup(t);
      // The session starts (its first snapshot), then the agent works: what it wrote since is in
      // no snapshot but the ones its moves are judged to need.
      expect(agentVerdict(t, 'git status')).toMatchObject({ decision: 'allow' });
      shellOk(t, "printf 'export const app = 3;\\n' > src/app.js && git add src/app.js && printf 'more notes\\n' >> notes.txt && chmod 700 scripts/run.sh");
      const before = fullState(t);
      // Not a directory: every move renames its file onto this one name.
      const out = path.join(t.base, 'anuraag_xyz_project');
      const files = ['src/app.js', 'scripts/run.sh', 'notes.txt', '.env', 'README.md'];
      const moves = files.map((file) => `mv ${file} ../anuraag_xyz_project`);
      for (const command of moves) {
        const verdict = agentVerdict(t, command);
        expect({ command, ...verdict }).toMatchObject({ command, decision: 'allow' });
        // The hook took a snapshot first: before 2026-12-05 there was none.
        expect(snapshotsBefore(t, command), command).toHaveLength(1);
        shellOk(t, command);
      }
      // Only the last file's bytes are left anywhere.
      expect(fs.readFileSync(out, 'utf8')).toBe('# project\n');
      for (const file of files) expect(t.exists(file), file).toBe(false);
      // The ignored secret was captured by the snapshot before its move.
      const diff = JSON.parse(t.guard(['diff', snapshotsBefore(t, moves[3]!)[0]!, '--json']).stdout) as { capturedIgnored: string[] };
      expect(diff.capturedIgnored).toEqual(['.env']);
      // Back to the snapshot before the first move: every file byte for byte and mode for mode
      // (the secret's 0600, run.sh's 0700), the staged change in the index, .env from its capture.
      const printed = rollbackOk(t, snapshotsBefore(t, moves[0]!)[0]!);
      expect(printed).toContain('.env');
      expect(fullState(t)).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
    });
  });

  it('the verdicts: snapshot (ignored sources captured) for every spelling, refusals for protected paths, .git and the repository', async () => {
    await withTestRepo((t) => {
      setup(t);
      fs.mkdirSync(path.join(t.base, 'outdir'));
      t.symlink('lnk', path.join(t.base, 'outdir'));
      const snapshot = (command: string, reason: string): void => {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect({ command, ...verdict }).toMatchObject({ command, verdict: 'snapshot', rule: 'rm-in-repo' });
        expect(verdict.reason, command).toContain(reason);
      };
      snapshot('mv src/app.js ../newdir', 'moves away src/app.js, out of the repository (to ../newdir)');
      snapshot('mv src/app.js /tmp/x', 'moves away src/app.js, out of the repository (to /tmp/x)');
      snapshot('mv src /tmp/x', 'moves away src, out of the repository (to /tmp/x)');
      snapshot('mv -t /tmp src/app.js', 'moves away src/app.js, out of the repository (to /tmp)');
      snapshot('cd src && mv app.js ../..', 'moves away src/app.js, out of the repository (to ../..)');
      snapshot('mv .env ../', 'guard captures the ignored file .env into the snapshot first');
      snapshot('mv src/* ../elsewhere', 'out of the repository (to ../elsewhere)');
      // Through a symbolic link that leads out of the repository, to a new name there.
      snapshot('mv src/app.js lnk/new.js', 'out of the repository (to lnk/new.js)');
      // What find selects is listed (the ignored .env captured); a source guard cannot name is asked about, as rm "$f" is.
      snapshot("find . -name .env -exec mv {} ../ \\;", 'guard captures the ignored file .env into the snapshot first');
      // A loop over words guard can know is judged word by word.
      snapshot('for f in .env src/*.js; do mv "$f" ../out; done', 'guard captures the ignored file .env into the snapshot first');
      for (const command of ['for f in $(ls src); do mv "src/$f" ../out; done', 'ls src | xargs mv -t ../out']) {
        expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target', reason: expect.stringContaining('out of the repository (to ../out)') });
      }
      // Regenerable output moves out freely, without a snapshot.
      for (const command of ['mv dist ../dist-old', 'mv node_modules /tmp/nm']) expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // Moves inside the repository stay as they were.
      expect(checkVerdict(t, 'mv src/app.js src/main.js', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      const deny = (command: string, rule: string, reason: string): void => {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect({ command, ...verdict }).toMatchObject({ command, verdict: 'deny', rule });
        expect(verdict.reason, command).toContain(reason);
        expect(verdict.instead, command).toBeTruthy();
      };
      deny('mv db ../x', 'protected-path', 'moves away db, which holds the protected path db/migrations/001.sql (matches "**/migrations/**")');
      // Judged by the glob's listing, or by the words bash makes of it: either way a protected path goes.
      deny('mv * ../elsewhere', 'protected-path', 'which holds the protected path');
      deny('for f in *; do mv "$f" ../elsewhere; done', 'protected-path', 'moves away db, which holds the protected path db/migrations/001.sql');
      deny('mv .guard.yaml /tmp/', 'protected-path', 'moves away .guard.yaml, a protected path');
      deny('mv . ../x', 'rm-repo-root', 'the repository itself');
      deny(`cd .. && mv ${path.basename(t.dir)} ${path.basename(t.dir)}2`, 'rm-repo-root', 'the repository itself');
      deny('mv .git ../g', 'git-dir-write', '.git');
    });
  });

  it('git mv refuses a destination outside the repository, but follows lnk/ out of it: judged as mv, and the unstaged change comes back', async () => {
    await withTestRepo((t) => {
      setup(t);
      // The premise, git 2.39: a destination outside the repository by its text is refused.
      const refused = t.gitResult(['mv', 'README.md', '../x']);
      expect(refused.code).toBe(128);
      expect(refused.stderr).toContain('is outside repository');
      expect(t.exists('README.md')).toBe(true);
      const outside = path.join(t.base, 'outdir');
      fs.mkdirSync(outside);
      t.symlink('lnk', outside);
      t.git(['add', 'lnk']);
      t.git(['commit', '-q', '-m', 'link']);
      // The session starts; then an unstaged change: the index keeps the old blob, the new bytes go with the file.
      expect(agentVerdict(t, 'git status')).toMatchObject({ decision: 'allow' });
      t.write('README.md', '# project, edited\n');
      const before = fullState(t);
      expect(checkVerdict(t, 'git mv README.md lnk/', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo', reason: expect.stringContaining('moves away README.md, out of the repository (to lnk/)') });
      expect(agentVerdict(t, 'git mv db lnk/')).toMatchObject({ decision: 'deny', reason: expect.stringContaining('which holds the protected path db/migrations/001.sql') });
      // Written without the slash, git refuses (destination exists): nothing to judge.
      expect(checkVerdict(t, 'git mv README.md lnk', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      const command = 'git mv README.md lnk/';
      expect(agentVerdict(t, command)).toMatchObject({ decision: 'allow' });
      expect(snapshotsBefore(t, command)).toHaveLength(1);
      shellOk(t, command);
      expect(t.exists('README.md')).toBe(false);
      // The file went out through the link; then another move onto the same name replaces it.
      expect(fs.readFileSync(path.join(outside, 'README.md'), 'utf8')).toBe('# project, edited\n');
      fs.writeFileSync(path.join(outside, 'README.md'), 'something else\n');
      rollbackOk(t, snapshotsBefore(t, command)[0]!);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('a protected source is denied through the hook and nothing moves', async () => {
    await withTestRepo((t) => {
      setup(t);
      const before = fullState(t);
      for (const command of ['mv db ../saved-db', 'mv db/migrations/001.sql /tmp/001.sql']) {
        const verdict = agentVerdict(t, command);
        expect({ command, ...verdict }).toMatchObject({ command, decision: 'deny' });
        expect(verdict.reason, command).toContain('protected path');
        expect(verdict.reason, command).toContain('**/migrations/**');
      }
      expect(fs.existsSync(path.join(t.base, 'saved-db'))).toBe(false);
      expect(fullState(t)).toEqual(before);
    });
  });

  it('judging many sources costs what judging one does, and what rm of them costs: one batch of facts, no git process per source', async () => {
    await withTestRepo((t) => {
      setup(t);
      const count = (command: string, verdict: string): number => {
        const trace = path.join(t.base, `trace-${Math.random().toString(36).slice(2)}.json`);
        const r = t.guard(['check-command', '--json', command], { env: { CLAUDECODE: '1', ...traceEnv(trace) } });
        expect([0, 3], r.stderr).toContain(r.code);
        expect(JSON.parse(r.stdout), command).toMatchObject({ verdict });
        return countGitProcesses(trace).total;
      };
      const one = count('mv .env ../out', 'snapshot');
      expect(count('mv .env src/app.js scripts/run.sh notes.txt README.md -t ../out', 'snapshot')).toBe(one);
      expect(count('rm -rf .env src/app.js scripts/run.sh notes.txt README.md', 'snapshot')).toBe(one);
      // A directory among them is listed with the rest, as for rm -rf.
      const withDir = count('mv .env src/app.js notes.txt src dist -t ../out', 'snapshot');
      expect(withDir).toBe(count('rm -rf .env src/app.js notes.txt src dist', 'snapshot'));
      expect(withDir).toBe(one + 1);
    });
  });
});
