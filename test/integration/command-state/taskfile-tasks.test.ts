/**
 * `task NAME` (go-task) is judged by the commands of its Taskfile (src/policy/command/taskfile-tasks.ts),
 * as make and just are (make-targets.test.ts). Before 2026-12-05 every `task` run was "allow: no
 * destructive command found": `task distclean` whose cmds run `git clean -xdf` took the ignored
 * `.env` for good, where `git clean -xdf` typed directly captures it first. The Taskfile is read
 * (never run: no task binary here); what a task does is then made by hand, as its cmds would, and
 * the rollback must give the bytes back. The everyday `task build` / `task test` stay free.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, expectAgentVerdicts } from '../../helpers/verdicts.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, installedHookGitProcesses, loggedEvents } from '../../helpers/guard-steps.js';
import { distcleanCapturedThenRolledBack } from '../../helpers/distclean.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const ENV = Buffer.from('API_KEY=s3cr3t\nDB=local\n');
const DB = Buffer.concat([Buffer.from('SQLite format 3\0', 'latin1'), Buffer.alloc(1024, 0x61), Buffer.from([0xff, 0x0d, 0x0a])]);

const TASKFILE = [
  "version: '3'",
  '',
  'vars:',
  '  BUILD_DIR: build',
  '  DB_FILE: local.db',
  '  GO_FILES:',
  '    sh: find . -name "*.go" -type f',
  '',
  'env:',
  '  CGO_ENABLED: 0',
  '',
  'tasks:',
  '  default:',
  '    cmds:',
  '      - task: build',
  '',
  '  build:',
  '    desc: Build the binary',
  '    cmds:',
  '      - mkdir -p {{.BUILD_DIR}}',
  '      - go build -o {{.BUILD_DIR}}/app ./...',
  '    sources: ["**/*.go"]',
  '    generates: ["{{.BUILD_DIR}}/app"]',
  '',
  '  test:',
  '    deps: [build]',
  '    cmds:',
  '      - go test -race ./... {{.CLI_ARGS}}',
  '',
  '  lint: golangci-lint run',
  '',
  '  clean:',
  '    cmds:',
  '      - rm -rf {{.BUILD_DIR}}/',
  '',
  '  distclean:',
  '    deps: [clean]',
  '    cmds:',
  '      - cmd: git clean -xdf',
  '        ignore_error: true',
  '',
  '  reset-db:',
  '    cmds:',
  '      - rm -f {{.DB_FILE}}',
  '',
  '  wipe:',
  '    cmds:',
  '      - task: reset-db',
  '        vars: { DB_FILE: "sub/data.db" }',
  '',
  '  fresh:',
  '    deps: [wipe]',
  '',
  '  sub-clean:',
  '    dir: sub',
  '    cmds:',
  '      - rm -f data.db',
  '',
  '  gen:',
  '    vars:',
  '      OUT:',
  '        sh: cat out-dir.txt',
  '    cmds:',
  '      - rm -rf {{.OUT}}',
  '',
  '  nuke-git:',
  '    preconditions:',
  '      - sh: test -d .git',
  '        msg: not a repository',
  '    cmds:',
  '      - defer: rm -rf .git',
  '      - echo done',
  '',
  '  status-check:',
  '    status:',
  '      - git reset --hard',
  '    cmds:',
  '      - echo up to date',
  '',
  '  dbs:',
  '    cmds:',
  '      - for: [missing.txt, sub/data.db]',
  '        cmd: rm -f {{.ITEM}}',
  '',
  '  gen-proto: "{{.PROTOC}} --go_out=. api.proto"',
  "  gen-env: '$PROTOC --go_out=. api.proto'",
  '',
  '  race:',
  '    vars:',
  '      RACE: \'{{if eq (default "true" .RACE) "true"}}-race{{end}}\'',
  '      PKGS: \'{{default "./..." .PKGS}}\'',
  '      OUT: \'{{.OUT | default "build"}}\'',
  '    cmds:',
  '      - go test {{.RACE}} {{.PKGS}} -run "{{.PATTERN}}"',
  '      - rm -rf {{.OUT}}/',
  '',
].join('\n');

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': '.env\n*.db\nbuild/\n',
    'Taskfile.yml': TASKFILE,
    'go.mod': 'module example.com/x\n',
    'main.go': 'package main\nfunc main() {}\n',
    'out-dir.txt': 'build\n',
  });
  writeFiles(t, { '.env': [ENV, 0o600], 'local.db': DB, 'sub/data.db': DB, 'build/app': 'bin\n' });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
  t.git(['add', '--force', '.claude', '.guard.yaml']);
  t.git(['commit', '-qm', 'hooks']);
}

describe('task (go-task) is judged by the commands of its Taskfile', () => {
  it('task distclean (git clean -xdf after clean): captures the ignored files through the installed hook, and the rollback gives their bytes and modes back', async () => {
    await withTestRepo((t) => {
      setup(t);
      // Everything but the regenerable output the recipe deleted (not captured, rebuilt by the build).
      distcleanCapturedThenRolledBack(t, 'task distclean', 'task distclean, Taskfile.yml:39', (file) => file.startsWith('build/'));
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(DB);
    });
  });

  it('deps, task calls with vars, dir, for, sh vars, preconditions, status, defer, -d/-t, VAR=value: judged where they run', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('other.yml', "version: '3'\ntasks:\n  default:\n    cmds:\n      - git clean -xdf\n  wipe: rm -f data.db\n");
      t.write('nested/Taskfile.yaml', "version: '3'\ntasks:\n  default: rm -f ../local.db\n");
      t.write('inc/Taskfile.yml', "version: '3'\nincludes:\n  docs: ./docs\ntasks:\n  build: echo build\n");
      t.write('shvar/Taskfile.yml', "version: '3'\nvars:\n  REV:\n    sh: git clean -xdf && git rev-parse HEAD\ntasks:\n  build: echo {{.REV}}\n");
      const cases: Array<[string, string, string, string]> = [
        ['task reset-db', 'snapshot', 'rm-in-repo', 'local.db'],
        ['task reset-db DB_FILE=other.db', 'allow', 'no-risk', ''],
        // a task call's vars win over the global ones: wipe calls reset-db with sub/data.db
        ['task wipe', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // a deps chain: fresh -> wipe -> reset-db
        ['task fresh', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['task sub-clean', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // found from a subdirectory: runs in the Taskfile's directory
        ['cd sub && task reset-db', 'snapshot', 'rm-in-repo', 'local.db'],
        ['task dbs', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // a sh: var's command runs (judged), its value is unknown: an unknown path to delete is asked
        ['task gen', 'ask', 'rm-unknown-target', '{{.OUT}}'],
        ['task -d shvar build', 'snapshot', 'git-clean', 'REV'],
        ['task --dir=shvar --dry build', 'snapshot', 'git-clean', 'REV'],
        // status commands run too; a deferred command runs at the end
        ['task status-check', 'snapshot', 'git-reset-hard', ''],
        ['task -t other.yml', 'snapshot', 'git-clean', '.env'],
        ['task --taskfile=nested', 'snapshot', 'rm-in-repo', 'local.db'],
        ['task -d nested', 'snapshot', 'rm-in-repo', 'local.db'],
        // -t with -d: the tasks run in the -d directory (sub/data.db, not ./local.db)
        ['task -t other.yml wipe', 'allow', 'no-risk', ''],
        ['task -t other.yml -d sub wipe', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // go templates: default is evaluated, a conditional is one unknown word (its quotes and parentheses are not shell text)
        ['task race', 'allow', 'no-risk', ''],
        ['task race OUT=sub', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        ['task build fresh', 'snapshot', 'rm-in-repo', 'sub/data.db'],
        // runs nothing
        ['task --list', 'allow', 'no-risk', ''],
        ['task -l', 'allow', 'no-risk', ''],
        ['task --summary distclean', 'allow', 'no-risk', ''],
        ['task -n distclean', 'allow', 'no-risk', ''],
        ['task --help', 'allow', 'no-risk', ''],
        ['task --version', 'allow', 'no-risk', ''],
        ['task no-such-task', 'allow', 'no-risk', ''],
        // a task not found in a Taskfile that includes others guard does not read: opaque
        ['task -d inc docs:serve', 'deny', 'opaque-command', 'includes'],
        ['task -d inc build', 'allow', 'no-risk', ''],
        ['task $NAME', 'deny', 'opaque-command', ''],
      ];
      expectAgentVerdicts(t, cases);
      expect(checkVerdict(t, 'task wipe', { asAgent: true }).reason).toContain('task reset-db, Taskfile.yml:44');
      expect(checkVerdict(t, 'task -d shvar build', { asAgent: true }).reason).toContain('a global var (REV, shvar/Taskfile.yml:4)');
    });
  });

  it('a protected path inside a task is refused as typed; an unknown program name is the build\'s own', async () => {
    await withTestRepo((t) => {
      setup(t);
      const typed = checkVerdict(t, 'rm -rf .git', { asAgent: true });
      const v = checkVerdict(t, 'task nuke-git', { asAgent: true });
      expect(typed.verdict).toBe('deny');
      expect(v).toMatchObject({ verdict: 'deny', rule: typed.rule });
      expect(v.reason).toContain('task nuke-git, Taskfile.yml:');
      expect(installedClaudeHook(t, 'task nuke-git').decision).toBe('deny');
      expect(fs.existsSync(path.join(t.dir, '.git'))).toBe(true);
      // {{.PROTOC}} is set nowhere the line shows: an unknown program name in a task, allowed as make's $(PROTOC) is
      expect(checkVerdict(t, 'task gen-proto', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // $PROTOC from the environment: a program of the build too (typed, the name is opaque)
      expect(checkVerdict(t, 'task gen-env', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, '$PROTOC --go_out=. api.proto', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      expect(checkVerdict(t, 'task gen-proto PROTOC="rm -rf .git"', { asAgent: true })).toMatchObject({ verdict: 'deny' });
    });
  });

  it('the everyday tasks stay free: task, task build, task test, task lint, task clean of ignored build output: no snapshot, no question, no more git processes', async () => {
    await withTestRepo((t) => {
      setup(t);
      const everyday = ['task', 'task build', 'task test', 'task test -- -run TestX', 'task lint', 'task clean', 'task -p build lint', 'task build --force'];
      for (const command of everyday) expect(checkVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      installedHookGitProcesses(t, "python3 -c 'print(1)'");
      const baseline = installedHookGitProcesses(t, "python3 -c 'print(2)'");
      for (const command of ['task build', 'task test', 'task lint']) expect(installedHookGitProcesses(t, command), command).toBe(baseline);
      expect(installedClaudeHook(t, 'task clean').decision).toBe('allow');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
    });
  });
});
