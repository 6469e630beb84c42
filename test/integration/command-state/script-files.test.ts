/**
 * Shell scripts run from a file (`./scripts/reset.sh`, `bash x.sh`, `sh x.sh`, `source x.sh`,
 * `. x.sh`): the file's text is judged as the shell runs it (src/policy/command/script-files.ts).
 * Before 2026-12-05 none was read: with `git clean -fdx` in a committed scripts/reset.sh, the
 * command typed captured the ignored .env first, but `./scripts/reset.sh` was "allow: no
 * destructive command found" and .env was gone for good. Judged through `guard check-command`
 * and the installed Claude hook; the script is then actually run and rolled back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedTable, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { spawnSync } from 'node:child_process';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { allowedCheckGitArgv, commitGuardFiles, installedClaudeHook, installedHookGitProcesses, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const ENV = Buffer.from('API_KEY=s3cr3t\nDB=local\n');

const SCRIPTS: Record<string, [string, number]> = {
  'scripts/reset.sh': ['#!/bin/sh\nset -e\ngit clean -fdx\n', 0o755],
  'scripts/reset-env': ['#!/usr/bin/env bash\ngit clean -fdx\n', 0o755],
  'scripts/noshebang': ['echo resetting\ngit clean -fdx\n', 0o755],
  'del.sh': ['rm -f "$1"\n', 0o644],
  'tool.py': ['#!/usr/bin/env python3\nimport subprocess\nsubprocess.run(["git", "clean", "-fdx"])\n', 0o755],
  'wipe-migrations.sh': ['#!/bin/bash\nrm -rf db/migrations\n', 0o755],
  // A temporary directory removed on exit (`$(mktemp -d)` is a new name in the temp directory).
  'tmpwork.sh': ['#!/usr/bin/env bash\nset -euo pipefail\nTMP=$(mktemp -d)\ntrap \'rm -rf "$TMP"\' EXIT\necho hi > "$TMP/x"\ncp "$TMP/x" dist/x\n', 0o755],
  // A project's test script: a program named by the environment (as babel's scripts/test.sh runs `$node`).
  'test.sh': ['#!/bin/sh\nnode=${NODE_BIN:-node}\n$node --version\n${TEST_RUNNER} src\n', 0o755],
  'self.sh': ['. ./self.sh\nrm -f .env\n', 0o644],
  // The usual shape of a build script an agent writes: `cd "$(dirname "$0")"` is the script's directory.
  'build.sh': [
    '#!/usr/bin/env bash\nset -euo pipefail\ncd "$(dirname "$0")"\nrm -rf dist build\nmkdir -p dist\nfor f in src/*.ts; do\n  cp "$f" dist/\ndone\necho built\n',
    0o755,
  ],
};

/**
 * The installed Claude Code pre-tool hook for a Bash call of `command`, with a `node` first on
 * PATH that notes each start in a file and runs the real Node: whether the sh shim answered
 * the line itself (no Node) or handed it on, and what was decided.
 */
function hookWithNodeStarts(t: TestRepo, command: string): { decision: string; nodeStarts: number } {
  const bin = path.join(t.base, 'node-bin');
  const log = path.join(t.base, 'node-starts.log');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'node'), `#!/bin/sh\necho start >> '${log}'\nexec '${process.execPath}' "$@"\n`, { mode: 0o755 });
  }
  fs.rmSync(log, { force: true });
  const payload = { session_id: 's', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'pre-tool')], { cwd: t.dir, env: { ...t.env, PATH: `${bin}:${t.env.PATH}` }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const out = r.stdout.trim() === '' ? null : JSON.parse(r.stdout).hookSpecificOutput;
  const starts = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
  return { decision: out?.permissionDecision ?? 'allow', nodeStarts: starts };
}

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env*\ndist/\nbuild/\n',
    '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n',
    'src/index.ts': 'export {};\n',
    'db/migrations/001.sql': 'create table a (id int);\n',
  });
  for (const [file, [text, mode]] of Object.entries(SCRIPTS)) writeFiles(t, { [file]: [text, mode] });
  writeFiles(t, { '.env': [ENV, 0o600], 'dist/a.js': 'x\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  commitGuardFiles(t, 'scripts and guard init');
}

/** setup(t) built once for the file, each test on a copy (repo-template.ts: issue 8, the suite's time). */
const template = fileTemplate((t) => void setup(t));

describe('a shell script run from a file is judged by its text', () => {
  it('every spelling of running the script: snapshot capturing .env, the arguments as $1, a protected path denied', async () => {
    await template.withCopy(async (t) => {
      const cases: Array<[string, string, string, string?]> = [
        ['git clean -fdx', 'snapshot', 'git-clean', '.env'],
        ['./scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        [`${t.dir}/scripts/reset.sh`, 'snapshot', 'git-clean', '.env'],
        ['./scripts/reset-env', 'snapshot', 'git-clean', '.env'],
        ['./scripts/noshebang', 'snapshot', 'git-clean', '.env'],
        // Run from scripts/: the clean takes what is under scripts/ only (no .env): nothing a snapshot holds.
        ['cd scripts && ./reset.sh', 'allow', 'no-risk'],
        ['bash scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['sh scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['bash -e -o pipefail scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['dash scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['source scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['. scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        // fed to a shell on its stdin: the same script file (until 2026-12-06 night: unread, free)
        ['sh < scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['bash -s < scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['source /dev/stdin < scripts/reset.sh', 'snapshot', 'git-clean', '.env'],
        ['bash -s -- .env < del.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['sh < "$F"', 'deny', 'opaque-command', '"$F"'],
        ['sh < missing.sh', 'allow', 'no-risk'],
        ['sh < /dev/null', 'allow', 'no-risk'],
        // The arguments are the script's $1 ...
        ['bash del.sh .env', 'snapshot', 'rm-in-repo', '.env'],
        ['source del.sh .env', 'snapshot', 'rm-in-repo', '.env'],
        ['bash del.sh src/none.ts', 'allow', 'no-risk'],
        // ... and an argument guard cannot know stays unknown: as `rm -f "$X"` typed.
        ['bash del.sh "$X"', 'ask', 'rm-unknown-target'],
        // mktemp's name is new and in the temp directory; a relative template is made where the command runs (unknown).
        ['T=$(mktemp -d); mv .env "$T/"', 'snapshot', 'rm-in-repo', '.env'],
        ['T=$(mktemp x.XXXX); rm -f "$T"', 'ask', 'rm-unknown-target'],
        ['TMPDIR=src T=$(mktemp -d); rm -rf "$T"', 'ask', 'rm-unknown-target'],
        ['export TMPDIR=src; T=$(mktemp -d); rm -rf "$T"', 'ask', 'rm-unknown-target'],
        // A protected path deleted inside a script: refused, as typed.
        ['./wipe-migrations.sh', 'deny', 'protected-path'],
        ['rm -rf db/migrations', 'deny', 'protected-path'],
        // A script that sources itself: judged once, its deletion still seen.
        ['bash self.sh', 'snapshot', 'rm-in-repo', '.env'],
        // No such file: nothing runs.
        ['./scripts/missing.sh', 'allow', 'no-risk'],
        ['bash missing.sh', 'allow', 'no-risk'],
        ['source missing.sh', 'allow', 'no-risk'],
        // Another interpreter's shebang: its literal calls are read since 2026-12-05
        // (interpreter-script-files.test.ts): `subprocess.run(["git", "clean", "-fdx"])` as typed.
        ['./tool.py', 'snapshot', 'git-clean', '.env'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // The temp directory itself (and what holds it) is no scratch space.
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const parent = checkVerdict(t, 'T=$(mktemp -d); rm -rf "$T/.."', { asAgent: true });
      expect(parent.verdict).toBe('deny');
      expect(parent).toEqual(await evaluatedVerdict(t, 'T=$(mktemp -d); rm -rf "$T/.."', { asAgent: true }));
      // A script over the bytes guard reads (autoconf's configure, an installer): judged as before
      // script files were read, unread (refusing it was new friction on `./configure`).
      writeFiles(t, { 'big.sh': [`#!/bin/sh\n${'# padding\n'.repeat(30_000)}git clean -fdx\n`, 0o755] });
      expect(await evaluatedVerdict(t, 'bash big.sh', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      expect(await evaluatedVerdict(t, './big.sh', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // NUL bytes past the first line: not text guard can read, refused for an agent.
      writeFiles(t, { 'nul.sh': '#!/bin/sh\necho a\0b\ngit clean -fdx\n' });
      expect(await evaluatedVerdict(t, 'bash nul.sh', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      // A binary run as a command is a program guard does not model: as before.
      writeFiles(t, { 'bin/tool': [Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), Buffer.alloc(64)]), 0o755] });
      expect(await evaluatedVerdict(t, './bin/tool', { asAgent: true })).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
    });
  });

  it('./scripts/reset.sh through the installed hook: .env captured first, the script run, and the rollback gives bytes and mode back', async () => {
    await template.withCopy(async (t) => {
      fs.rmSync(path.join(t.dir, 'dist'), { recursive: true });
      const before = stateWithModes(t, ['.env']);
      expect(installedClaudeHook(t, './scripts/reset.sh').decision).toBe('allow');
      expect(loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot')).toEqual([expect.objectContaining({ capturedIgnored: expect.arrayContaining(['.env']) })]);
      shellOk(t, './scripts/reset.sh');
      expect(fs.existsSync(path.join(t.dir, '.env'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['.env'])).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
    });
  });

  it('a benign build script stays allowed, at the git process count of its commands typed', async () => {
    await template.withCopy(async (t) => {
      // An unknown command name typed is opaque; in a script it is a program of the build, as in a makefile's recipe.
      expect(await evaluatedVerdict(t, '${TEST_RUNNER} src', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      for (const command of ['./test.sh', 'bash test.sh', './build.sh', 'bash build.sh', 'sh -e build.sh', './tmpwork.sh', 'TMP=$(mktemp -d); echo hi > "$TMP/x"; rm -rf "$TMP"', 'T=$(mktemp -d -t w.XXXXXX) && rm -rf "$T"', 'if T="$(mktemp -d)" && [ -d "$T" ]; then :; fi; echo hi > "$T/x"']) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow', rule: 'no-risk' });
      // Reading the script costs no git process: what its commands typed cost.
      const typed = allowedCheckGitArgv(t, 'rm -rf dist build');
      expect(typed).toHaveLength(2);
      expect(allowedCheckGitArgv(t, './build.sh')).toEqual(typed);
      expect(allowedCheckGitArgv(t, 'bash build.sh')).toEqual(typed);
      // The first call that reaches Node starts the session (and its watcher): not counted.
      installedHookGitProcesses(t, 'echo guard');
      expect(installedHookGitProcesses(t, 'bash build.sh')).toBe(installedHookGitProcesses(t, 'rm -rf dist build'));
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
    });
  });

  it('an extensionless script typed alone (./reset, bin/setup) through the installed hook: the shim hands it to Node, .env is captured first, and the rollback gives it back', async () => {
    await template.withCopy(async (t) => {
      fs.rmSync(path.join(t.dir, 'dist'), { recursive: true });
      writeFiles(t, {
        reset: ['#!/bin/sh\nset -e\ngit clean -fdx\n', 0o755],
        'bin/setup': ['#!/usr/bin/env bash\nrm -f .env\n', 0o755],
        // A wrapper like gradlew: a POSIX sh script, read by Node, allowed.
        // gradlew's own idioms: the JVM options made the arguments through `eval "set -- ..."`, the
        // program named by a variable run through exec, a temp directory made in an if's condition.
        gradlew: [
          '#!/bin/sh\nif T="$(mktemp -d)" && [ -d "$T" ]; then :; fi\necho x > "$T/opts"\neval "set -- $(\n  printf \'%s\\n\' "$DEFAULT_JVM_OPTS $JAVA_OPTS" |\n  xargs -n1\n  )" \'"$@"\'\nexec "$JAVACMD" "$@"\n',
          0o755,
        ],
        // What the shim still answers itself: a binary, an empty file. Another interpreter's
        // script is read by Node since 2026-12-05 (scripts.ts judgeInterpreterFile).
        'bin/tool': [Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\0', 'latin1'), Buffer.alloc(64)]), 0o755],
        'tool.py': ['#!/usr/bin/env python3\nprint(1)\n', 0o755],
      });
      commitGuardFiles(t, 'extensionless scripts');
      // The first call that reaches Node starts the session: its capture of .env is not the one looked at.
      installedClaudeHook(t, 'echo guard');
      const before = stateWithModes(t, ['.env']);
      for (const command of ['./reset', 'bin/setup', 'timeout 60 ./reset']) {
        expect(hookWithNodeStarts(t, command), command).toEqual({ decision: 'allow', nodeStarts: 1 });
      }
      const snapshots = loggedEvents<{ capturedIgnored?: string[] }>(t, 'allowed-after-snapshot');
      expect(snapshots).toHaveLength(3);
      for (const event of snapshots) expect(event.capturedIgnored).toEqual(expect.arrayContaining(['.env']));
      // Through a cd the shim follows: bin/setup run in bin/ deletes bin/.env (none), nothing to capture.
      expect(hookWithNodeStarts(t, `cd ${t.dir}/bin && ./setup`)).toEqual({ decision: 'allow', nodeStarts: 1 });
      expect(hookWithNodeStarts(t, './gradlew build')).toEqual({ decision: 'allow', nodeStarts: 1 });
      // Typed, each of those idioms is still what guard cannot see.
      for (const command of ['eval "set -- $(printf %s "$JAVA_OPTS")"', 'exec "$JAVACMD" build']) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      for (const command of ['./bin/tool --version', 'ls bin/ && cat tool.py', './missing']) {
        expect(hookWithNodeStarts(t, command), command).toEqual({ decision: 'allow', nodeStarts: 0 });
      }
      expect(hookWithNodeStarts(t, './tool.py')).toEqual({ decision: 'allow', nodeStarts: 1 });
      expect(loggedEvents(t, 'allowed-after-snapshot')).toHaveLength(3);
      shellOk(t, './reset');
      expect(fs.existsSync(path.join(t.dir, '.env'))).toBe(false);
      rollbackOk(t);
      expect(stateWithModes(t, ['.env'])).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
    });
  });

  it("a script's own directory and the repository's root are computed (BASH_SOURCE, $(cd ... && pwd), git rev-parse --show-toplevel); a heredoc-written script is judged", async () => {
    await template.withCopy(async (t) => {
      writeFiles(t, {
        'scripts/root.sh': ['#!/usr/bin/env bash\nROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"\nrm -rf "$ROOT/dist"\nrm -f "$ROOT/.env"\n', 0o755],
        'scripts/here.sh': ['#!/bin/sh\nHERE=$(cd "$(dirname "$0")" && pwd)\nrm -f "$HERE/../.env"\n', 0o755],
        'scripts/sdir.sh': ['#!/usr/bin/env bash\nSCRIPT_DIR="$( cd -- "$( dirname -- "${BASH_SOURCE[0]}" )" &> /dev/null && pwd )"\nrm -rf "$SCRIPT_DIR/../dist"\n', 0o755],
        'scripts/top.sh': ['#!/bin/sh\ncd "$(git rev-parse --show-toplevel)"\nrm -f .env\n', 0o755],
        'scripts/up.sh': ['#!/bin/sh\ncd "$(dirname "$0")/.."\nrm -f .env\n', 0o755],
        // BASH_SOURCE is bash's: under sh it is not the file (dash refuses it), so unknown.
        'scripts/sh-source.sh': ['#!/bin/sh\nrm -rf "$(dirname "${BASH_SOURCE[0]}")/../dist"\n', 0o755],
        'scripts/lib.sh': ['LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)\nrm -f "$LIB_DIR/../.env"\n', 0o644],
        'scripts/uses-lib.sh': ['#!/usr/bin/env bash\nsource "$(dirname "${BASH_SOURCE[0]}")/lib.sh"\n', 0o755],
        'src/.keep': '',
      });
      const cases: Array<[string, string, string, string?]> = [
        ['./scripts/root.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['cd src && ../scripts/root.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['bash scripts/here.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['./scripts/top.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['cd src && bash ../scripts/top.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['cd scripts && ./up.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['./scripts/uses-lib.sh', 'snapshot', 'rm-in-repo', '.env'],
        ['./scripts/sdir.sh', 'allow', 'no-risk'],
        ['bash scripts/sdir.sh', 'allow', 'no-risk'],
        ['sh scripts/sdir.sh', 'ask', 'rm-unknown-target'],
        ['./scripts/sh-source.sh', 'ask', 'rm-unknown-target'],
        // Typed, BASH_SOURCE is not a file; a directory that is not there makes cd fail (nothing printed).
        ['rm -rf "$(dirname "${BASH_SOURCE[0]}")/dist"', 'ask', 'rm-unknown-target'],
        ['D=$(cd nowhere && pwd); rm -rf "$D/x"', 'ask', 'rm-unknown-target'],
        ['D=$(cd src && pwd); rm -rf "$D/../dist"', 'allow', 'no-risk'],
        ['cd "$(git rev-parse --show-toplevel)" && rm -f .env', 'snapshot', 'rm-in-repo', '.env'],
        ['GIT_DIR=x; cd "$(git rev-parse --show-toplevel)" && rm -f .env', 'ask', 'rm-unknown-target'],
        // A script the line writes with a heredoc, then runs: the heredoc's text is what runs.
        [`cat > ${t.base}/x.sh <<'EOF'\nrm -f .env\nEOF\nbash ${t.base}/x.sh`, 'snapshot', 'rm-in-repo', '.env'],
        [`cat <<'EOF' > ${t.base}/y.sh && chmod +x ${t.base}/y.sh && ${t.base}/y.sh\n#!/bin/sh\necho hi\nEOF`, 'allow', 'no-risk'],
        [`cat > ${t.base}/w.sh <<'EOF'\nrm -rf db/migrations\nEOF\nsh ${t.base}/w.sh`, 'deny', 'protected-path'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // What guard cannot know of the heredoc's text, or a file written otherwise since: not read, as before.
      expect(await evaluatedVerdict(t, `cat > ${t.base}/z.sh <<EOF\nrm -f $X\nEOF\nbash ${t.base}/z.sh`, { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, `cat > ${t.base}/v.sh <<'EOF'\nrm -f .env\nEOF\necho echo hi > ${t.base}/v.sh; bash ${t.base}/v.sh`, { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // Computing them costs no git process: the script costs what its text typed does.
      expect(allowedCheckGitArgv(t, './scripts/sdir.sh')).toEqual(allowedCheckGitArgv(t, 'SCRIPT_DIR="$( cd -- scripts &> /dev/null && pwd )"; rm -rf "$SCRIPT_DIR/../dist"'));
      expect(allowedCheckGitArgv(t, 'R="$(cd "$(dirname scripts/x)/.." && pwd)"; rm -rf "$R/dist"')).toEqual(allowedCheckGitArgv(t, 'rm -rf dist'));
    });
  });

  it("Gradle 4-6's wrapper (android/sunflower's ./gradlew): its unquoted `eval set --` and the Cygwin branch's eval of computed names run the build, allowed; typed, both stay opaque", async () => {
    await template.withCopy(async (t) => {
      // The idioms of that wrapper, as android/sunflower's gradlew (Gradle 5.1.1) has them: a
      // Cygwin branch guard walks (it cannot know uname) that sets args0, args1 ... through eval
      // of a computed name, the arguments escaped by a function, and the final unquoted eval.
      writeFiles(t, {
        gradlew: [
          '#!/usr/bin/env sh\ncygwin=false\ncase "`uname`" in\n  CYGWIN* ) cygwin=true ;;\nesac\nif $cygwin ; then\n    i=0\n    for arg in "$@" ; do\n        CHECK=`echo "$arg"|egrep -c "^-"`\n        if [ $CHECK -ne 0 ] ; then\n            eval `echo args$i`=`cygpath --path --ignore --mixed "$arg"`\n        else\n            eval `echo args$i`="\\"$arg\\""\n        fi\n        i=$((i+1))\n    done\n    case $i in\n        (0) set -- ;;\n        (1) set -- "$args0" ;;\n    esac\nfi\nsave () {\n    for i do printf %s\\\\n "$i" | sed "s/\'/\'\\\\\\\\\'\'/g;1s/^/\'/;\\$s/\\$/\' \\\\\\\\/" ; done\n    echo " "\n}\nAPP_ARGS=$(save "$@")\neval set -- $DEFAULT_JVM_OPTS $JAVA_OPTS "\\"-Dorg.gradle.appname=$APP_BASE_NAME\\"" -classpath "\\"$CLASSPATH\\"" org.gradle.wrapper.GradleWrapperMain "$APP_ARGS"\nexec "$JAVACMD" "$@"\n',
          0o755,
        ],
      });
      commitGuardFiles(t, 'an old gradlew');
      await expectEvaluatedTable(t, [
        ['./gradlew assembleDebug', 'allow', 'no-risk'],
        ['./gradlew clean build --refresh-dependencies', 'allow', 'no-risk'],
        ['sh gradlew testDebugUnitTest', 'allow', 'no-risk'],
        // Typed, eval of text guard cannot see is still opaque, in either spelling.
        ['eval set -- $JAVA_OPTS build', 'deny', 'opaque-command'],
        ['eval `echo args0`="$X"', 'deny', 'opaque-command'],
        ['eval $(echo X)=1', 'deny', 'opaque-command'],
      ]);
      // Through the installed hook, as an agent in an Android project runs it.
      expect(installedClaudeHook(t, './gradlew assembleDebug').decision).toBe('allow');
      expect(installedClaudeHook(t, './gradlew clean').decision).toBe('allow');
    });
  });
});
