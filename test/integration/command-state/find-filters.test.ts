/**
 * find's -iname and -path filters are judged by what git lists under START for them (issue 9),
 * as -name is: case-insensitively for -iname, the whole path as find prints it for -path.
 * A filter that cannot be translated exactly, or a nested repository git cannot look into,
 * leaves the command judged by its text (snapshot or deny, never allow). And `{}` in -exec is
 * what find hands over (START as written, then the found path), so an operand that leaves the
 * found path reaches START's parent. Decided through the agent hook's evaluation
 * (evaluateCommand) in a real repository with the default .guard.yaml.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../../src/cli/command-state.js';
import { readPolicy } from '../../../src/config/compile.js';
import { openRepo } from '../../../src/git/repo.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { commitFiles, useDefaultPolicy, writeFiles } from '../../helpers/repo-steps.js';

let t: TestRepo;
beforeAll(() => {
  t = createTestRepo();
  useDefaultPolicy(t);
  commitFiles(t, { '.gitignore': '__pycache__/\n*.pyc\nbuild/\n.env\n', 'src/app.ts': 'x\n', 'src/util.ts': 'x\n', 'db/migrations/001_init.sql': 'create table t (id int);\n', 'docs/guide.md': 'guide\n' });
  writeFiles(t, { 'src/__pycache__/app.cpython-312.pyc': 'bytecode\n', 'lib/mod.pyc': 'bytecode\n', 'build/out.js': 'built\n' });
}, 60_000);
afterAll(() => t?.cleanup());

async function decide(command: string, cwd = t.dir) {
  const repo = await openRepo(t.dir);
  const policy = await readPolicy(repo);
  return evaluateCommand(command, { cwd, repo, policy, actor: { kind: 'agent', agent: 'test', marker: null }, home: t.home });
}

async function expectVerdicts(cases: Array<[string, string, string?]>): Promise<void> {
  for (const [command, verdict, rule] of cases) {
    const got = await decide(command);
    expect({ command, verdict: got.verdict, ...(rule ? { rule: got.rule } : {}) }).toEqual({ command, verdict, ...(rule ? { rule } : {}) });
  }
}

describe('find -iname: what git lists under START, case-insensitively', () => {
  it('allows ignored regenerable output, finds names in any case, denies a protected file', async () => {
    await expectVerdicts([
      ['find . -iname __PYCACHE__ -exec rm -rf {} +', 'allow'],
      ["find . -iname '*.PYC' -delete", 'allow'],
      ["find src -iname '*.BAK' -exec rm {} +", 'allow'],
      // 001_init.sql is tracked and protected: only a case-insensitive match finds it.
      ["find . -iname '*.SQL' -delete", 'deny', 'protected-path'],
      ["find db -iname '001_INIT.SQL' -exec rm -f {} +", 'deny', 'protected-path'],
      ["find . -iname 'APP.TS' -exec rm {} +", 'snapshot', 'rm-in-repo'],
    ]);
  });

  it('a directory that differs only in case is not ignored output: snapshotted, not allowed', async () => {
    t.write('tests/__PYCACHE__/notes.txt', 'not ignored: the ignore rule is case-sensitive\n');
    try {
      await expectVerdicts([['find . -iname __pycache__ -type d -exec rm -rf {} +', 'snapshot', 'rm-in-repo']]);
    } finally {
      t.remove('tests');
    }
  });
});

describe('ignored files and submodules', () => {
  it('of a whole ignored directory git lists, only the files the filter selects are captured', async () => {
    const before = t.read('.gitignore');
    t.write('.gitignore', `${before}local/\n`);
    t.write('local/notes.md', 'mine\n');
    t.write('local/data.bin', 'mine too, but no .md\n');
    try {
      const md = await decide("find local -name '*.md' -delete");
      expect(md).toMatchObject({ verdict: 'snapshot', capture: ['local/notes.md'] });
      const path = await decide("find . -path './local/*.md' -exec rm {} +");
      expect(path).toMatchObject({ verdict: 'snapshot', capture: ['local/notes.md'] });
      expect(await decide("find local -name '*.txt' -delete")).toMatchObject({ verdict: 'allow', capture: [] });
    } finally {
      t.write('.gitignore', before);
      t.remove('local');
    }
  });

  it('with submodules (a .gitmodules file) a name or path filter is judged by text', async () => {
    t.write('.gitmodules', '[submodule "sub"]\n\tpath = sub\n\turl = ./sub\n');
    try {
      await expectVerdicts([
        ["find . -iname '*.PYC' -delete", 'snapshot', 'rm-in-repo'],
        ["find . -path './build/*' -delete", 'snapshot', 'rm-in-repo'],
      ]);
    } finally {
      t.remove('.gitmodules');
    }
  });
});

describe('find -path: the whole path as find prints it', () => {
  it('judges what the pattern selects under START', async () => {
    await expectVerdicts([
      ["find . -path './build/*' -delete", 'allow'],
      ["find . -path '*/__pycache__*' -exec rm -rf {} +", 'allow'],
      ["find . -path './src/*.js' -exec rm {} +", 'allow'],
      ["find . -path './src/*' -exec rm -f {} +", 'snapshot', 'rm-in-repo'],
      ["find src -path 'src/*.ts' -delete", 'snapshot', 'rm-in-repo'],
      ["find . -path './docs/*' -delete", 'snapshot', 'rm-in-repo'],
      ["find . -path '*/migrations/*' -delete", 'deny', 'protected-path'],
      ["find . -ipath './DB/*' -exec rm -rf {} +", 'deny', 'protected-path'],
      // A directory the pattern selects goes whole with rm -rf: db/migrations is in db.
      ["find . -path './db' -exec rm -rf {} +", 'deny', 'protected-path'],
      // A test after the action does not narrow it (nothing in src ends in .js, yet rm takes every file).
      ["find src -type f -exec rm -f {} + -name '*.js'", 'snapshot', 'rm-in-repo'],
    ]);
  });

  it('stays on the text side where git cannot list all find reaches or the filter does not translate', async () => {
    t.git(['init', '-q', 'vendor/lib']);
    t.write('vendor/lib/x.c', 'int x;\n');
    try {
      await expectVerdicts([
        // A name filter does not list nested repositories: judged by text (a snapshot), not "nothing found".
        ["find . -name '*.c' -delete", 'snapshot', 'rm-in-repo'],
        // -regex, -L: not translated. The branches of -o are (find-branches.test.ts): here the
        // action runs on what `-name x` selects, which git cannot list past vendor/lib (text).
        ["find . -path './build/*' -o -name x -delete", 'snapshot', 'rm-in-repo'],
        ["find . -regex '.*/build/.*' -delete", 'snapshot', 'rm-in-repo'],
        ["find -L . -path './build/*' -delete", 'snapshot', 'rm-in-repo'],
        // A negated group only narrows the path test after it, as a negated test does (below).
        ["find . ! \\( -path './src/*' \\) -path './build/*' -exec rm {} +", 'allow', 'no-risk'],
        // One negated test only narrows what the other tests select: left out, the listing is a
        // superset (here build/, regenerable output).
        ["find . -not -path './src/*' -path './build/*' -exec rm {} +", 'allow', 'no-risk'],
      ]);
    } finally {
      t.remove('vendor');
    }
  });
});

describe('`{}` is START as written plus the found path', () => {
  it('an operand that leaves the found path reaches START\'s parent', async () => {
    await expectVerdicts([
      ["find src -name '*.ts' -exec rm -rf {}/.. \\;", 'deny', 'rm-repo-root'],
      ["find src -name '*.ts' -exec rm {}/../x \\;", 'deny', 'rm-repo-root'],
      // db/x/../../x from db itself is above the repository (here the test's home is there too).
      ["find db -name '*.sql' -exec rm -f {}/../../x \\;", 'deny'],
    ]);
    // From a subdirectory, `../{}` names what find finds one level up: in the repository root.
    const inDocs = await decide("find . -name '*.md' -exec rm -rf ../{} \\;", path.join(t.dir, 'docs'));
    expect(inDocs.verdict).not.toBe('allow');
  });

  it('START itself, when find selects it, goes whole with -exec rm -rf {}', async () => {
    await expectVerdicts([
      ['find db -exec rm -rf {} +', 'deny', 'protected-path'],
      ['find build -exec rm -rf {} +', 'allow'],
      ['find src -type f -exec rm {} +', 'snapshot', 'rm-in-repo'],
    ]);
  });
});

describe('find filters that select .git itself, or that git reads otherwise than find', () => {
  it('denies a filter that selects the .git directory (git never lists it, so the listing is empty)', async () => {
    await expectVerdicts([
      ['find . -name .git -exec rm -rf {} +', 'deny', 'git-dir-write'],
      ["find . -iname '.GIT' -exec rm -rf {} +", 'deny', 'git-dir-write'],
      ["find . -name '.g?t' -exec rm -rf {} +", 'deny', 'git-dir-write'],
      ["find . -path './.git' -exec rm -rf {} \\;", 'deny', 'git-dir-write'],
      ['find . -name .git -delete', 'deny', 'git-dir-write'],
    ]);
  });

  it('judges by text a name with a [ that find reads as itself (git matches nothing with it)', async () => {
    // fnmatch reads an unclosed [ as an ordinary character; git's wildmatch matches nothing.
    t.write('db/migrations/[old/002.sql', 'x\n');
    t.git(['add', '-A']);
    t.git(['commit', '-q', '-m', 'old migrations']);
    try {
      await expectVerdicts([
        ["find . -name '[old' -exec rm -rf {} +", 'deny', 'protected-path'],
        ["find db -name '[ol*' -exec rm -rf {} +", 'deny', 'protected-path'],
      ]);
    } finally {
      t.git(['rm', '-rq', 'db/migrations/[old']);
      t.git(['commit', '-q', '-m', 'drop old migrations']);
    }
  });
});
