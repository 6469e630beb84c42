/**
 * Scripts of other interpreters run from a file (`python3 scripts/reset_db.py`, `node
 * scripts/clean.js`, `./reset.py` with a python `#!`): until 2026-12-05 none was read, and a
 * script whose text is `os.remove("local.db")` was "allow: no destructive command found" while it
 * deleted an ignored database no snapshot held. Now what guard can read of the file (literal
 * paths and command lines) is judged as typed; what it cannot (computed values, indirect calls)
 * is judged as before, so project scripts are not refused for what guard cannot see
 * (src/policy/command/scripts.ts judgeInterpreterFile). The table is judged by check-command's
 * evaluation in this process (test/helpers/evaluated.ts), its first row and the one-liner through
 * `guard check-command` itself; the installed hook and the rollback run for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RACY_WINDOW_MS } from '../../../src/agents/answer-cache.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { commitGuardFiles, installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(1024, 0x62), Buffer.from([0xfe, 0x0d, 0x0a])]);
const ENV = 'SECRET=1\n';

/** What each script does, literal or computed. */
const SCRIPTS: Record<string, [string, number]> = {
  'scripts/reset_db.py': ['import os\nos.remove("local.db")\n', 0o644],
  'reset.py': ['#!/usr/bin/env python3\nimport os\nos.remove("local.db")\n', 0o755],
  'scripts/clean.js': ["const fs = require('fs');\nfs.rmSync('.env', { force: true });\n", 0o644],
  'scripts/clean.pl': ['unlink "local.db";\n', 0o644],
  'scripts/nuke.py': ['import shutil\nshutil.rmtree(".git")\n', 0o644],
  'scripts/gc.py': ['import subprocess\nsubprocess.run(["git", "clean", "-fdx"], check=True)\n', 0o644],
  'scripts/wipe.rb': ['require "fileutils"\nFileUtils.rm_rf("local.db")\n', 0o644],
  // Everything computed: a one-liner of this is refused (opaque), a file is judged as before.
  'scripts/computed.py': [
    'import os, subprocess, sys, importlib\nos.remove(sys.argv[1])\nsubprocess.run(cmd, shell=True)\nremove = getattr(os, "remove")\nexec(code)\nos.system(f"rm -rf {sys.argv[2]}")\n',
    0o644,
  ],
  'scripts/build.js': ["const fs = require('fs');\nconst path = require('path');\nfs.rmSync(path.join(__dirname, '..', 'dist'), { recursive: true, force: true });\nfs.writeFileSync('dist/out.js', '1');\n", 0o644],
  'scripts/compiled.pyc': ['\u0000\u0000os.remove("local.db")\n', 0o644],
};

function setup(t: TestRepo): void {
  commitFiles(t, { '.gitignore': '.env\n*.db\ndist/\n__pycache__/\n', 'src/app.py': 'print(1)\n', ...SCRIPTS });
  writeFiles(t, { 'local.db': [DB, 0o600], '.env': [ENV, 0o600], 'dist/out.js': '0\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t);
}

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

describe('a script file of another interpreter is judged by the literal calls guard can read in it', () => {
  it('literal deletions, commands and writes are judged as typed; computed ones as before', async () => {
    await template.withCopy(async (t) => {
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, 'python3 scripts/reset_db.py', { asAgent: true })).toEqual(await evaluatedVerdict(t, 'python3 scripts/reset_db.py', { asAgent: true }));
      await expectEvaluatedVerdicts(t, [
        ['python3 scripts/reset_db.py', 'snapshot', 'rm-in-repo', ['python3 scripts/reset_db.py', 'local.db']],
        ['./reset.py', 'snapshot', 'rm-in-repo', ['./reset.py', 'local.db']],
        // A literal relative path is the process's directory's, as for a one-liner: scripts/local.db, which is not there.
        ['cd scripts && python3 ../reset.py', 'allow', 'no-risk'],
        ['node scripts/clean.js', 'snapshot', 'rm-in-repo', '.env'],
        ['perl scripts/clean.pl', 'snapshot', 'rm-in-repo', 'local.db'],
        ['ruby scripts/wipe.rb', 'snapshot', 'rm-in-repo', 'local.db'],
        ['python3 scripts/nuke.py', 'deny', 'git-dir-write', 'scripts/nuke.py'],
        ['python3 scripts/gc.py', 'snapshot', 'git-clean', ['.env', 'local.db']],
        // A script the same line writes whole from a heredoc is judged by that text.
        ["cat > /tmp/guard-x.py <<'EOF'\nimport os\nos.remove(\"local.db\")\nEOF\npython3 /tmp/guard-x.py", 'snapshot', 'rm-in-repo', 'local.db'],
        ['python3 scripts/computed.py a b', 'allow', 'no-risk'],
        ['node scripts/build.js', 'allow', 'no-risk'],
        ['python3 scripts/compiled.pyc', 'allow', 'no-risk'],
        ['python3 scripts/missing.py', 'allow', 'no-risk'],
        ['python3 -m pytest', 'allow', 'no-risk'],
        ['python3 src/app.py', 'allow', 'no-risk'],
      ]);
      // Typed as a one-liner, the computed calls are still what guard cannot see.
      expect(checkVerdict(t, `python3 -c 'import os, sys; os.remove(sys.argv[1])' x`, { asAgent: true })).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
    });
  });

  it('python3 scripts/reset_db.py through the installed hook: local.db is captured first, the real script deletes it, the rollback gives bytes and mode back', async () => {
    await template.withCopy(async (t) => {
      installedClaudeHook(t, 'echo start'); // the session start's own capture is not the one looked at
      const before = stateWithModes(t, ['local.db']);
      expect(installedClaudeHook(t, 'python3 scripts/reset_db.py').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['local.db'] })]);
      shellOk(t, 'python3 scripts/reset_db.py');
      expect(fs.existsSync(path.join(t.dir, 'local.db'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['local.db'])).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(DB);
    });
  });

  it('./reset.py through the installed hook: the shim hands a python `#!` script to Node, which captures local.db first', async () => {
    await template.withCopy(async (t) => {
      installedClaudeHook(t, 'echo start');
      expect(installedClaudeHook(t, './reset.py').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['local.db'] })]);
    });
  });

  it('an allow the hook kept for a script is dropped when the script is edited (same size, same mtime)', async () => {
    await template.withCopy(async (t) => {
      const file = path.join(t.dir, 'scripts/tool.py');
      const harmless = 'import os\nos.stat  ("local.db")\n';
      const harmful = 'import os\nos.remove("local.db")\n';
      expect(harmless.length).toBe(harmful.length);
      fs.writeFileSync(file, harmless);
      installedClaudeHook(t, 'echo start');
      // Nothing is kept from a file changed within the racy window before the hook (answer-cache.ts).
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, RACY_WINDOW_MS + 1200);
      expect(installedClaudeHook(t, 'python3 scripts/tool.py').decision).toBe('allow');
      expect(installedClaudeHook(t, 'python3 scripts/tool.py').decision).toBe('allow');
      expect(fs.readdirSync(path.join(t.dir, '.git', 'guard', 'answers')).length).toBeGreaterThan(0);
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
      const { atime, mtime } = fs.statSync(file);
      fs.writeFileSync(file, harmful);
      fs.utimesSync(file, atime, mtime);
      expect(installedClaudeHook(t, 'python3 scripts/tool.py').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: ['local.db'] })]);
    });
  });
});
