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
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { installedClaudeHook, installedHookGitProcesses, loggedEvents } from '../../helpers/guard-steps.js';
import { distcleanCapturedThenRolledBack } from '../../helpers/distclean.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

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

/** Built once (beforeAll) and copied for each test (test/helpers/repo-template.ts). */
function build(t: TestRepo): void {
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

const template = fileTemplate(build);

describe('task (go-task) is judged by the commands of its Taskfile', () => {
  it('task distclean (git clean -xdf after clean): captures the ignored files through the installed hook, and the rollback gives their bytes and modes back', async () => {
    await template.withCopy(async (t) => {
      // Everything but the regenerable output the recipe deleted (not captured, rebuilt by the build).
      distcleanCapturedThenRolledBack(t, 'task distclean', 'task distclean, Taskfile.yml:39', (file) => file.startsWith('build/'));
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(DB);
    });
  });

  it('deps, task calls with vars, dir, for, sh vars, preconditions, status, defer, -d/-t, VAR=value: judged where they run', async () => {
    await template.withCopy(async (t) => {
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
        // an include that is not there stops task before it runs anything (includes: the next describe)
        ['task -d inc docs:serve', 'allow', 'no-risk', ''],
        ['task -d inc build', 'allow', 'no-risk', ''],
        ['task $NAME', 'deny', 'opaque-command', ''],
      ];
      await expectEvaluatedVerdicts(t, cases);
      // One row through check-command itself (the rest in this process: test/helpers/evaluated.ts), the same answer.
      const wipe = checkVerdict(t, 'task wipe', { asAgent: true });
      expect(wipe.reason).toContain('task reset-db, Taskfile.yml:44');
      expect(wipe).toEqual(await evaluatedVerdict(t, 'task wipe', { asAgent: true }));
      expect((await evaluatedVerdict(t, 'task -d shvar build', { asAgent: true })).reason).toContain('a global var (REV, shvar/Taskfile.yml:4)');
    });
  });

  it('a protected path inside a task is refused as typed; an unknown program name is the build\'s own', async () => {
    await template.withCopy(async (t) => {
      const typed = await evaluatedVerdict(t, 'rm -rf .git', { asAgent: true });
      const v = await evaluatedVerdict(t, 'task nuke-git', { asAgent: true });
      expect(typed.verdict).toBe('deny');
      expect(v).toMatchObject({ verdict: 'deny', rule: typed.rule });
      expect(v.reason).toContain('task nuke-git, Taskfile.yml:');
      expect(installedClaudeHook(t, 'task nuke-git').decision).toBe('deny');
      expect(fs.existsSync(path.join(t.dir, '.git'))).toBe(true);
      // {{.PROTOC}} is set nowhere the line shows: an unknown program name in a task, allowed as make's $(PROTOC) is
      expect(await evaluatedVerdict(t, 'task gen-proto', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // $PROTOC from the environment: a program of the build too (typed, the name is opaque)
      expect(await evaluatedVerdict(t, 'task gen-env', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(await evaluatedVerdict(t, '$PROTOC --go_out=. api.proto', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      expect(await evaluatedVerdict(t, 'task gen-proto PROTOC="rm -rf .git"', { asAgent: true })).toMatchObject({ verdict: 'deny' });
    });
  });

  it('the everyday tasks stay free: task, task build, task test, task lint, task clean of ignored build output: no snapshot, no question, no more git processes', async () => {
    await template.withCopy(async (t) => {
      const everyday = ['task', 'task build', 'task test', 'task test -- -run TestX', 'task lint', 'task clean', 'task -p build lint', 'task build --force'];
      for (const command of everyday) expect(await evaluatedVerdict(t, command, { asAgent: true }), command).toMatchObject({ verdict: 'allow' });
      installedHookGitProcesses(t, "python3 -c 'print(1)'");
      const baseline = installedHookGitProcesses(t, "python3 -c 'print(2)'");
      for (const command of ['task build', 'task test', 'task lint']) expect(installedHookGitProcesses(t, command), command).toBe(baseline);
      expect(installedClaudeHook(t, 'task clean').decision).toBe('allow');
      expect(loggedEvents(t, 'allowed-after-snapshot')).toEqual([]);
    });
  });
});

/** Writes the files of a Taskfile fixture (name -> lines). */
function writeTaskfiles(t: TestRepo, files: Record<string, string[]>): void {
  for (const [name, lines] of Object.entries(files)) t.write(name, `${lines.join('\n')}\n`);
}

describe('task follows the includes of a Taskfile (taskfile-includes.ts)', () => {
  it('task db:distclean of an included Taskfile: judged by its commands where they run (the root directory), captured through the installed hook, rolled back', async () => {
    // On the file's fixture (its .gitignore, ignored files, guard init), its Taskfile replaced by one with an include.
    await template.withCopy(async (t) => {
      commitFiles(t, {
        'Taskfile.yml': "version: '3'\nincludes:\n  db: ./taskfiles/db.yml\ntasks:\n  build: go build ./...\n",
        'taskfiles/db.yml': "version: '3'\ntasks:\n  migrate: echo migrate\n  distclean:\n    cmds:\n      - rm -rf build/\n      - git clean -xdf\n",
      }, 'include db');
      expect(await evaluatedVerdict(t, 'task db:migrate', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      distcleanCapturedThenRolledBack(t, 'task db:distclean', 'task db:distclean, taskfiles/db.yml:7', (file) => file.startsWith('build/'));
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toBe(0o600);
    });
  });

  it('namespaces, aliases, default, dir, flatten, optional, excludes, nested includes and calls, include vars: judged where task runs them', async () => {
    await template.withCopy(async (t) => {
      writeFiles(t, { 'incl/local.db': DB, 'incl/sub/data.db': DB, 'incl/docs/docs.db': DB });
      writeTaskfiles(t, {
        'incl/Taskfile.yml': [
          "version: '3'",
          'includes:',
          '  db: ./taskfiles/db.yml',
          '  docs:',
          '    taskfile: ./docs',
          '    dir: ./docs',
          '  opt:',
          '    taskfile: ./nothere.yml',
          '    optional: true',
          '  flat:',
          '    taskfile: ./taskfiles/flat.yml',
          '    flatten: true',
          '  svc:',
          '    taskfile: ./taskfiles/svc.yml',
          '    dir: sub',
          '    aliases: [s]',
          '    excludes: [keep]',
          '    vars: { TARGET: data.db }',
          'tasks:',
          '  build: go build ./...',
        ],
        'incl/taskfiles/db.yml': [
          "version: '3'",
          'includes:',
          '  deep: ./deep.yml',
          'tasks:',
          '  default: echo db',
          '  reset:',
          '    aliases: [r]',
          '    cmds:',
          '      - rm -f local.db',
          '  nuke:',
          '    cmds:',
          '      - task: reset',
          '      - task: :build',
        ],
        'incl/taskfiles/deep.yml': ["version: '3'", 'tasks:', '  wipe: rm -f sub/data.db', '  up:', '    cmds:', '      - task: :reset'],
        'incl/docs/Taskfile.yml': ["version: '3'", 'tasks:', '  clean: rm -f docs.db', '  ls: ls'],
        'incl/taskfiles/flat.yml': ["version: '3'", 'tasks:', '  distclean: git clean -xdf'],
        'incl/taskfiles/svc.yml': ["version: '3'", 'tasks:', '  drop: rm -f {{.TARGET}}', '  keep: rm -f data.db'],
      });
      const cases: Array<[string, string, string, string]> = [
        ['task -d incl build', 'allow', 'no-risk', ''],
        // a short-form include: its tasks run in the root Taskfile's directory, not taskfiles/
        ['task -d incl db:reset', 'snapshot', 'rm-in-repo', 'incl/local.db'],
        ['task -d incl db:r', 'snapshot', 'rm-in-repo', 'incl/local.db'],
        ['task -d incl db', 'allow', 'no-risk', ''],
        // calls inside the include get its namespace; `:build` is the root's
        ['task -d incl db:nuke', 'snapshot', 'rm-in-repo', 'incl/local.db'],
        // nested: db:deep:wipe; `:reset` from deep is one level up, db:reset
        ['task -d incl db:deep:wipe', 'snapshot', 'rm-in-repo', 'incl/sub/data.db'],
        ['task -d incl db:deep:up', 'snapshot', 'rm-in-repo', 'incl/local.db'],
        // the map form's dir: docs/ (docs.db there), and sub/ with the include's vars and alias
        ['task -d incl docs:clean', 'snapshot', 'rm-in-repo', 'incl/docs/docs.db'],
        ['task -d incl docs:ls', 'allow', 'no-risk', ''],
        ['task -d incl svc:drop', 'snapshot', 'rm-in-repo', 'incl/sub/data.db'],
        ['task -d incl s:drop', 'snapshot', 'rm-in-repo', 'incl/sub/data.db'],
        // excluded, an optional include that is not there, a name nowhere: task runs nothing
        ['task -d incl svc:keep', 'allow', 'no-risk', ''],
        ['task -d incl opt:x', 'allow', 'no-risk', ''],
        ['task -d incl nope:x', 'allow', 'no-risk', ''],
        // flatten: the name as it is
        ['task -d incl distclean', 'snapshot', 'git-clean', 'incl/local.db'],
      ];
      await expectEvaluatedVerdicts(t, cases);
      expect((await evaluatedVerdict(t, 'task -d incl db:nuke', { asAgent: true })).reason).toContain('task db:reset, incl/taskfiles/db.yml:9');
    });
  });

  it('what guard cannot read is unreadable, never harmless: remote includes, templated paths, a cycle, a Taskfile it cannot read; a var set in two Taskfiles is unknown', async () => {
    await template.withCopy(async (t) => {
      writeTaskfiles(t, {
        'remote/Taskfile.yml': ["version: '3'", 'includes:', '  x: https://example.com/Taskfile.yml', 'tasks:', '  build: echo build'],
        'git-remote/Taskfile.yml': ["version: '3'", 'includes:', '  x:', "    taskfile: 'git@github.com:o/r.git//Taskfile.yml?ref=main'", 'tasks:', '  build: echo build'],
        'templ/Taskfile.yml': ["version: '3'", 'includes:', "  x: './{{.OS}}/Taskfile.yml'", 'tasks:', '  build: echo build'],
        'envpath/Taskfile.yml': ["version: '3'", 'includes:', '  x: $HOME/Taskfile.yml', 'tasks:', '  build: echo build'],
        'cycle/Taskfile.yml': ["version: '3'", 'includes:', '  a: ./a.yml', 'tasks:', '  build: echo build'],
        'cycle/a.yml': ["version: '3'", 'includes:', '  b: ./b.yml', 'tasks:', '  x: echo x'],
        'cycle/b.yml': ["version: '3'", 'includes:', '  a: ./a.yml', 'tasks:', '  y: echo y'],
        // a directory with no Taskfile in it: the reader cannot tell it from a file it cannot read
        'emptydir/Taskfile.yml': ["version: '3'", 'includes:', '  x: ./nothing', 'tasks:', '  build: echo build'],
        'emptydir/nothing/README': ['no Taskfile here'],
        // OUT is set by the root and by the include: task's merged vars have no fixed order
        'vars/Taskfile.yml': ["version: '3'", 'vars:', '  OUT: build', 'includes:', '  other: ./other.yml', 'tasks:', '  clean: rm -rf {{.OUT}}/'],
        'vars/other.yml': ["version: '3'", 'vars:', '  OUT: ..', 'tasks:', '  show: echo {{.OUT}}', '  wipe: rm -rf {{.OUT}}/'],
        // set once, in the included Taskfile: its own tasks see it; the root's may not (scoped taskfiles)
        'once/Taskfile.yml': ["version: '3'", 'includes:', '  other: ./other.yml', 'tasks:', '  clean: rm -rf {{.GEN}}/'],
        'once/other.yml': ["version: '3'", 'vars:', '  GEN: gen', 'tasks:', '  clean: rm -rf {{.GEN}}/'],
        'sh/Taskfile.yml': ["version: '3'", 'includes:', '  other:', '    taskfile: ./other.yml', '    dir: sub', 'tasks:', '  build: echo build'],
        'sh/other.yml': ["version: '3'", 'vars:', '  REV:', '    sh: git clean -xdf && git rev-parse HEAD', 'tasks:', '  x: echo {{.REV}}'],
      });
      fs.mkdirSync(path.join(t.dir, 'once', 'gen'));
      fs.mkdirSync(path.join(t.dir, 'sh', 'sub'));
      // something there for the var's git clean to delete (in an empty sub it deletes nothing: git only says it would refuse to remove the current directory)
      fs.writeFileSync(path.join(t.dir, 'sh', 'sub', 'scratch.txt'), 'x\n');
      const cases: Array<[string, string, string, string]> = [
        ['task -d remote build', 'deny', 'opaque-command', 'remote'],
        ['task -d git-remote build', 'deny', 'opaque-command', 'remote'],
        ['task -d templ build', 'deny', 'opaque-command', '{{.OS}}'],
        ['task -d envpath build', 'deny', 'opaque-command', '$HOME'],
        ['task -d cycle build', 'deny', 'opaque-command', 'cycle'],
        ['task -d emptydir build', 'deny', 'opaque-command', 'nothing'],
        ['task -d vars clean', 'ask', 'rm-unknown-target', '{{.OUT}}'],
        ['task -d vars other:wipe', 'ask', 'rm-unknown-target', '{{.OUT}}'],
        ['task -d once other:clean', 'allow', 'no-risk', ''],
        ['task -d once clean', 'ask', 'rm-unknown-target', '{{.GEN}}'],
        // an included Taskfile's global sh: var runs at every run of task, in the include's dir
        ['task -d sh build', 'snapshot', 'git-clean', 'REV'],
      ];
      await expectEvaluatedVerdicts(t, cases);
    });
  });
});
