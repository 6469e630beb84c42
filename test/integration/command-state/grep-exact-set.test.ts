/**
 * `git grep -l someFunction | xargs sed -i s/someFunction/newName/`, one of the commonest agent
 * refactors, was judged by every tracked file under its pathspecs (listed-edits.test.ts): in a
 * repository with a committed `.guard.yaml` and `.github/workflows/ci.yml` (a default protected
 * path) it was denied to every agent, although neither mentions someFunction. Where the git
 * grep's options are all known to run nothing and write nothing, and no earlier command of the
 * line may have changed a file, guard now runs that git grep (-z --full-name, same cwd, same
 * patterns and pathspecs) in place of the ls-files listing: one git process either way, and the
 * protected-path deny fires only when a protected or guard file is among the names it prints.
 * Each allowed case runs through Claude Code's hook, then for real, then `guard rollback`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { byteState } from '../../helpers/state.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const WORKFLOW = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/setup-node@v4\n      - run: npm test\n';
/** src/<0xe9>.js: a tracked name that is not UTF-8. */
const LATIN1_NAME = Buffer.from('src/\xe9.js', 'latin1');

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.guard.yaml': 'version: 1\n',
    '.github/workflows/ci.yml': WORKFLOW,
    'src/a.js': 'export function someFunction() {\n  return 1;\n}\n',
    'src/b.js': "import { someFunction } from './a.js';\nsomeFunction();\n",
    'README.md': 'A project.\n',
  });
}

const REFACTORS = [
  'git grep -l someFunction | xargs sed -i s/someFunction/newName/',
  'git grep -lzw -e someFunction -- src | xargs -0 sed -i s/someFunction/newName/',
  'git grep --name-only -i SOMEFUNCTION | xargs sed -i s/someFunction/newName/',
  'git grep -l -- someFunction | xargs sed -i s/someFunction/newName/',
  'sed -i s/someFunction/newName/ $(git grep -l someFunction)',
  'cd src && git grep -l someFunction | xargs sed -i s/someFunction/newName/',
];

describe('git grep -l in an edit: judged by the names the grep prints, not by every tracked file', () => {
  it.each(REFACTORS)('%s: allowed for an agent (snapshot, edit-listed); run, rollback gives the bytes back', async (command) => {
    await withTestRepo((t) => {
      setup(t);
      // The agent's verdict as the hook journaled it (the one check-command gives), no second guard process.
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'edit-listed' });
      expect(hook.snapshotReason).toMatch(/: 2 files it may edit/);
      const before = byteState(t);
      shellOk(t, command);
      expect(fs.readFileSync(path.join(t.dir, 'src/b.js'), 'utf8')).toBe("import { newName } from './a.js';\nnewName();\n");
      expect(fs.readFileSync(path.join(t.dir, '.github/workflows/ci.yml'), 'utf8')).toBe(WORKFLOW);
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
    });
  });

  it('a non-UTF-8 name the grep prints is in the set by its bytes: -z | xargs -0 edits it, rollback gives it back', async () => {
    await withTestRepo((t) => {
      setup(t);
      // Without -z git prints it quoted ("src/\351.js"), a name sed cannot open; with -z, as it is.
      fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), LATIN1_NAME]), 'someFunction();\n');
      commitFiles(t, {}, 'latin1 name');
      const command = 'git grep -lz someFunction | xargs -0 sed -i s/someFunction/newName/';
      // The agent's verdict as the hook journaled it (the one check-command gives), no second guard process.
      const hook = hookWithVerdict(t, command, { direct: true });
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'edit-listed' });
      expect(hook.snapshotReason).toMatch(/: 3 files it may edit/);
      const before = byteState(t);
      shellOk(t, command);
      expect(fs.readFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), LATIN1_NAME]), 'utf8')).toBe('newName();\n');
      rollbackOk(t);
      expect(byteState(t)).toEqual(before);
    });
  });

  it('a pattern the workflow or .guard.yaml holds (or -L, which prints the files without it) is still denied, naming the file', async () => {
    await withTestRepo((t) => {
      setup(t);
      const cases: Array<[string, string, string]> = [
        ['git grep -l node | xargs sed -i s/node/deno/', 'protected-path', '.github/workflows/ci.yml'],
        ['git grep -l -e setup -e nothing | xargs sed -i s/setup/x/', 'protected-path', '.github/workflows/ci.yml'],
        ['git grep -l version | xargs sed -i s/version/v/', 'guard-self', '.guard.yaml'],
        ['git grep -L someFunction | xargs sed -i s/x/y/', 'protected-path', '.github/workflows/ci.yml'],
      ];
      for (const [command, rule, named] of cases) {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'deny', rule: expect.stringMatching(/^(protected-path|guard-self)$/) });
        expect(verdict.reason + (verdict.instead ?? ''), command).toContain(named);
        if (command.includes('node')) expect(verdict.rule).toBe(rule);
      }
      expect(agentVerdict(t, 'git grep -l node | xargs sed -i s/node/deno/').decision).toBe('deny');
      expect(fs.readFileSync(path.join(t.dir, '.github/workflows/ci.yml'), 'utf8')).toBe(WORKFLOW);
    });
  });

  it('options guard does not run (-O, -f FILE) and a grep after a command that may change files keep the verdict by every tracked file', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('pats', 'someFunction\n');
      // -O opens the files in a pager: no listing at all, as before (ask; an agent is refused).
      const paged = 'git grep -O -l someFunction | xargs sed -i s/someFunction/newName/';
      expect(checkVerdict(t, paged)).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
      expect(checkVerdict(t, paged, { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      // -f reads a file an earlier command could write; a merge can bring someFunction into the workflow.
      for (const command of ['git grep -l -f pats | xargs sed -i s/someFunction/newName/', 'git merge -q feature && git grep -l someFunction | xargs sed -i s/someFunction/newName/', 'for i in 1 2; do git grep -l someFunction | xargs sed -i s/someFunction/newName/; done']) {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'deny' });
        expect(['protected-path', 'guard-self'], command).toContain(verdict.rule);
      }
    });
  });

  it('with submodule.recurse git grep prints and the edit takes a submodule\'s files, which no snapshot holds: ask, as for a nested repository', async () => {
    await withTestRepo((t) => {
      setup(t);
      const origin = path.join(t.base, 'lib-origin');
      fs.mkdirSync(origin);
      t.git(['init', '-q'], { cwd: origin });
      fs.writeFileSync(path.join(origin, 'lib.js'), 'someFunction();\n');
      t.git(['add', '-A'], { cwd: origin });
      t.git(['commit', '-q', '-m', 'lib'], { cwd: origin });
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, 'vendor/lib']);
      t.git(['commit', '-q', '-m', 'submodule']);
      const command = 'git grep -l someFunction -- src vendor | xargs sed -i s/someFunction/newName/';
      expect(checkVerdict(t, command)).toMatchObject({ verdict: 'snapshot', rule: 'edit-listed' });
      t.git(['config', 'submodule.recurse', 'true']);
      expect(t.git(['grep', '-l', 'someFunction', '--', 'src', 'vendor'])).toContain('vendor/lib/lib.js');
      expect(checkVerdict(t, command)).toMatchObject({ verdict: 'ask', rule: 'opaque-command' });
    });
  });

  it('one git process lists the set, as the ls-files listing did, and the count does not grow with the files', async () => {
    await withTestRepo((t) => {
      setup(t);
      t.write('pats', 'someFunction\n');
      const count = (name: string, command: string) => {
        const trace = path.join(t.base, `trace-${name}.json`);
        const r = t.guard(['check-command', '--json', command], { env: traceEnv(trace) });
        expect(r.code, r.stderr).toBe(0);
        return countGitProcesses(trace);
      };
      const exact = count('exact', 'git grep -l someFunction | xargs sed -i s/someFunction/newName/');
      const superset = count('superset', 'git grep -l -f pats | xargs sed -i s/someFunction/newName/');
      expect(exact.total).toBe(superset.total);
      expect(Object.fromEntries(exact.byCommand)).toMatchObject({ grep: 1 });
      expect(Object.fromEntries(exact.byCommand)['ls-files']).toBeUndefined();
      expect(Object.fromEntries(superset.byCommand)).toMatchObject({ 'ls-files': 1 });
      const files: Record<string, string> = {};
      for (let i = 0; i < 300; i++) files[`src/m${i}.js`] = i % 2 === 0 ? 'someFunction();\n' : 'other();\n';
      commitFiles(t, files, 'many');
      expect(count('many', 'git grep -l someFunction | xargs sed -i s/someFunction/newName/').total).toBe(exact.total);
    });
  });
});
