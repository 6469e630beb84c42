/**
 * find expressions with branches: `find . \( -name __pycache__ -o -name '*.pyc' \) -exec rm -rf
 * {} +`, `find . -path ./.venv -prune -o -name '*.pyc' -print -delete`, `find . -name '*.pyc' -o
 * -name '*.pyo' | xargs rm -f`. These are how a Python project's caches are cleared, and every one
 * was refused for an agent on a flask clone (sweep of 2026-12-05, docs/FRICTION.md): an -o made
 * guard judge a made-up name that "may hold protected paths (`**\/migrations/**`)", or take the
 * walk for one that deletes .git. Now the entries an action runs on are read from the expression
 * (find.ts branchUnion: the union of the tests before the action in each branch) and listed by
 * git, one query per test, as a single -name is. What no test narrows stays as it was, and a
 * branch guard cannot list (a negated group, `-size` as an alternative) reaches .git, which it did
 * not before: `find . -not \( -name '*.py' \) -delete` deleted .git's files after a snapshot.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  useDefaultPolicy(t);
  commitFiles(t, {
    '.gitignore': '__pycache__/\n*.py[co]\n.venv/\n.env\n*.db\n',
    'app/__init__.py': '',
    'app/models.py': 'class Note: pass\n',
    'app/migrations/0001_initial.py': 'operations = []\n',
    'README.txt': 'read me\n',
  });
  writeFiles(t, {
    'app/__pycache__/models.cpython-312.pyc': 'pyc\n',
    'app/migrations/__pycache__/0001_initial.cpython-312.pyc': 'pyc\n',
    '.venv/lib/site.pyc': 'venv\n',
    '.env': ['SECRET_KEY=s3cret\n', 0o600],
    'instance/app.db': ['SQLite format 3\0rows\n', 0o644],
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const CACHE_CLEARS = [
  "find . \\( -name __pycache__ -o -name '*.pyc' \\) -exec rm -rf {} +",
  "find . -path ./.venv -prune -o -name '*.pyc' -print -delete",
  'find . -path ./.venv -prune -o -name __pycache__ -exec rm -rf {} +',
  "find . \\( -path ./.venv -o -path ./.tox \\) -prune -o -name '*.pyc' -exec rm {} +",
  "find . -type f -name '*.py[co]' -delete -o -type d -name __pycache__ -delete",
  "find . -name '*.pyc' -delete , -name '*.pyo' -delete",
  "find . -name '*.pyc' -o -name '*.pyo' | xargs rm -f",
  "find . \\( -name '*.pyc' -o -name '*.pyo' \\) -print0 | xargs -0 rm -f",
];

describe('find with -o, parentheses and -prune: judged by what each branch selects', () => {
  it('clearing Python caches is allowed (regenerable output only, under migrations/ too)', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of CACHE_CLEARS) expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
    });
  });

  it('what the branches select is still judged: a protected file refused, .git reached where no test narrows the action', async () => {
    await withTestRepo((t) => {
      setup(t);
      const tracked = checkVerdict(t, "find . \\( -name '*.py' -o -name '*.txt' \\) -delete", { asAgent: true });
      expect(tracked).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(tracked.reason).toContain('app/migrations/0001_initial.py');
      expect(checkVerdict(t, "find app \\( -name '*.txt' -o -name models.py \\) -exec rm {} +", { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      for (const command of [
        "find . -name '*.pyc' -o -delete",
        "find . -not \\( -name '*.py' -o -name '*.txt' \\) -delete",
        "find . \\( -name '*.pyc' -o -size +1M \\) -delete",
        "find . \\( -name .git -o -name '*.pyc' \\) -exec rm -rf {} +",
      ]) {
        expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'deny', rule: 'git-dir-write' });
      }
      expect(checkVerdict(t, 'find . -name __pycache__ -o -exec rm -rf {} +', { asAgent: true })).toMatchObject({ verdict: 'deny' });
    });
  });

  it('the ignored files two branches select are both captured, and the rollback gives them back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const command = "find . \\( -name '*.db' -o -name .env \\) -delete";
      expect(checkVerdict(t, command, { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      const files = ['.env', 'instance/app.db'];
      const before = stateWithModes(t, files);
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['.env', 'instance/app.db'] })]);
      shellOk(t, command);
      for (const file of files) expect(fs.existsSync(path.join(t.dir, file)), file).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, files)).toEqual(before);
    });
  });

  it('a cache clear run for real through the installed hook leaves everything else as it was', async () => {
    await withTestRepo((t) => {
      setup(t);
      const kept = ['.env', 'instance/app.db', 'app/models.py', 'app/migrations/0001_initial.py', '.venv/lib/site.pyc'];
      const before = stateWithModes(t, kept);
      const command = "find . -path ./.venv -prune -o \\( -name __pycache__ -o -name '*.py[co]' \\) -exec rm -rf {} +";
      expect(installedClaudeHook(t, command).decision).toBe('allow');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
      shellOk(t, command);
      expect(fs.existsSync(path.join(t.dir, 'app/__pycache__'))).toBe(false);
      expect(fs.existsSync(path.join(t.dir, 'app/migrations/__pycache__'))).toBe(false);
      // Only the two caches went (the .venv one was pruned); everything else is byte for byte as it was.
      const after = stateWithModes(t, kept);
      const gone = Object.keys(before.files).filter((file) => !(file in after.files));
      expect(gone.sort()).toEqual(['app/__pycache__/models.cpython-312.pyc', 'app/migrations/__pycache__/0001_initial.cpython-312.pyc']);
      for (const file of gone) delete before.files[file];
      expect(after).toEqual(before);
    });
  });
});
