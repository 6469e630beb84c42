/**
 * An automake project after `./configure` (make-targets.ts automakeLayout): automake's own rules
 * are judged by what its templates do, not by walking their generated shell, and the rules of
 * Makefile.am (which automake copies after its own) are judged as written. Before 2026-12-07
 * `make`, `make check`, `make clean` and `make distclean` were refused for an agent in every
 * automake project with SUBDIRS (jq: opaque-command at `make ... $local_target` of the recursive
 * rule). The Makefiles are real automake 1.16.5 output (fixtures/automake-mini/README.md).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { evaluatedVerdict, expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, commitForced, writeFiles } from '../../helpers/repo-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'automake-mini');
const fixture = (rel: string): string => fs.readFileSync(path.join(FIXTURE, rel), 'utf8');

/** configure's config.status, its first 30 lines and the loop at 60-70 (an `eval` guard's reading refuses after them). */
const CONFIG_STATUS = fixture('config.status.head');

function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': ['Makefile', 'Makefile.in', 'config.*', 'configure', 'aclocal.m4', 'autom4te.cache/', '*.o', '*.a', '.deps/', 'mini', 'gen.h', '*.log', '*.trs', ''].join('\n'),
    'configure.ac': fixture('configure.ac'),
    'Makefile.am': fixture('Makefile.am'),
    'lib/Makefile.am': fixture('lib/Makefile.am'),
    'main.c': '#include "gen.h"\nint main(void) { return 0; }\n',
    'lib/mini.c': 'int mini(void) { return 1; }\n',
    'run.sh': ['#!/bin/sh\nexit 0\n', 0o755],
    'docs/a.md': 'doc\n',
  });
  // configure's outputs and a build's (ignored); the dependency files (.deps/*.Po) are not there
  writeFiles(t, {
    Makefile: fixture('Makefile.generated'),
    'lib/Makefile': fixture('lib/Makefile.generated'),
    'config.status': [CONFIG_STATUS, 0o755],
    'gen.h': '#define MINI 1\n',
    'main.o': 'obj\n',
    mini: ['bin\n', 0o755],
    'run.log': 'PASS: run.sh\n',
    'run.trs': ':test-result: PASS\n',
    'test-suite.log': '====\n',
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

describe('automake: the Makefile configure wrote from automake output', () => {
  it("builds, tests and installs are free; clean is judged by Makefile.am's own rule and lists; config.status is the build's", async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        // all-recursive: `make all` in lib/ (its Makefile, also automake's), then all-am here;
        // gen.h (an ignored file Makefile.am's CLEANFILES lists) rewritten by its own rule: no capture
        ['make', 'allow', 'no-risk'],
        ['make -j2', 'allow', 'no-risk'],
        ['make check', 'allow', 'no-risk'],
        ['make install DESTDIR=/tmp/stage', 'allow', 'no-risk'],
        ['make -C lib clean', 'allow', 'no-risk'],
        ['./config.status', 'allow', 'no-risk'],
        // automake's mostlyclean deletes objects and the test logs of TESTS (run.log, run.trs,
        // test-suite.log: ignored, automake's own output); nothing of Makefile.am's runs
        ['make mostlyclean', 'allow', 'no-risk'],
        // CLEANFILES (Makefile.am) names the ignored gen.h, which its rule makes: the build's own
        // output, free as `rm -rf dist` is (a snapshot capturing it until 2026-12-07)
        ['make clean', 'snapshot', 'rm-in-repo', ['docs']],
        ['make -C lib clean', 'allow', 'no-risk'],
      ]);
      expect((await evaluatedVerdict(t, 'make clean', { asAgent: true })).reason).not.toContain('gen.h');
      // an ignored file CLEANFILES lists that no rule makes (a local config): captured, as `rm -f config.local` is
      t.write('Makefile', fixture('Makefile.generated').replace(/^CLEANFILES = gen\.h$/m, 'CLEANFILES = gen.h config.local'));
      t.write('config.local', 'KEY=mine\n');
      await expectEvaluatedTable(t, [['make clean', 'snapshot', 'rm-in-repo', ['config.local']]]);
      t.write('Makefile', fixture('Makefile.generated'));
      fs.rmSync(path.join(t.dir, 'config.local'));
      // gen.h tracked, with changes: a snapshot holds them
      commitForced(t, { 'gen.h': '#define MINI 2\n' }, 'gen.h tracked');
      t.write('gen.h', '#define MINI 3\n');
      await expectEvaluatedTable(t, [['make -C . mostlyclean', 'allow', 'no-risk']]);
      expect((await evaluatedVerdict(t, 'make clean', { asAgent: true })).reason).toContain('gen.h');
      t.git(['rm', '-q', '--cached', 'gen.h']);
      t.git(['commit', '-qm', 'gen.h untracked']);
      // clean-local (Makefile.am) deletes the tracked docs/: caught through clean-am
      fs.rmSync(path.join(t.dir, 'gen.h'));
      await expectEvaluatedTable(t, [
        ['make clean', 'snapshot', 'rm-in-repo', ['docs']],
        ['make distclean', 'snapshot', 'rm-in-repo', ['docs']],
        ['make -C lib distclean', 'allow', 'no-risk'],
        // uninstall-hook (Makefile.am) deletes docs/: automake's uninstall-am runs it through $(MAKE)
        ['make uninstall', 'snapshot', 'rm-in-repo', ['docs']],
      ]);
      // a Makefile with more dependency files than the 32 makefiles one make run reads (oniguruma's
      // src/Makefile includes 33 .Plo files): they hold prerequisites only, and are not read
      const includes = Array.from({ length: 40 }, (_, k) => `include ./$(DEPDIR)/f${k}.Po # am--include-marker`).join('\n');
      t.write('lib/Makefile', fixture('lib/Makefile.generated').replace(/^include \.\/\$\(DEPDIR\)\/mini\.Po # am--include-marker$/m, (line) => `${line}\n${includes}`));
      for (let k = 0; k < 40; k++) t.write(`lib/.deps/f${k}.Po`, `f${k}.o: f${k}.c\n`);
      await expectEvaluatedTable(t, [['make -C lib', 'allow', 'no-risk']]);
      // the installed guard answers the same (the real CLI, state read from the repository)
      expect(checkVerdict(t, 'make', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      expect(checkVerdict(t, 'make clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it("a submodule's distclean deleting a file its DISTCLEANFILES lists, a rule makes and its own git ignores: free (jq's oniguruma.pc); not where that git lists it", async () => {
    await template.withCopy(async (t) => {
      // lib/ as a submodule of its own (oniguruma in jq), its .gitignore ignoring *.pc
      const origin = path.join(t.base, 'lib-origin');
      t.git(['init', '-q', '-b', 'main', origin]);
      fs.writeFileSync(path.join(origin, 'Makefile.am'), fixture('lib/Makefile.am'));
      fs.writeFileSync(path.join(origin, 'mini.c'), 'int mini(void) { return 1; }\n');
      fs.writeFileSync(path.join(origin, '.gitignore'), 'Makefile\n*.o\n*.a\n.deps/\n*.pc\n');
      t.git(['add', '-A'], { cwd: origin });
      t.git(['commit', '-q', '-m', 'lib'], { cwd: origin });
      t.git(['rm', '-rq', 'lib']);
      fs.rmSync(path.join(t.dir, 'lib'), { recursive: true, force: true });
      t.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, 'lib']);
      t.git(['commit', '-qm', 'lib as a submodule']);
      // automake's output for DISTCLEANFILES = mini.pc, with Makefile.am's rule making it
      const makefile = fixture('lib/Makefile.generated')
        .replace(/^(libmini_a_SOURCES = mini\.c)$/m, '$1\nDISTCLEANFILES = mini.pc')
        .replace(/^(distclean-generic:\n.*\n.*\n)/m, '$1\t-test -z "$(DISTCLEANFILES)" || rm -f $(DISTCLEANFILES)\n')
        .replace(/^\.PRECIOUS: Makefile$/m, '.PRECIOUS: Makefile\n\nmini.pc: Makefile\n\techo > $@\n');
      expect(makefile).toContain('rm -f $(DISTCLEANFILES)');
      t.write('lib/Makefile', makefile);
      t.write('lib/mini.pc', 'Name: mini\n');
      await expectEvaluatedTable(t, [['make -C lib distclean', 'allow', 'no-risk']]);
      expect(checkVerdict(t, 'make -C lib distclean', { asAgent: true })).toMatchObject({ verdict: 'allow' });
      // the submodule's git does not ignore it: its file, in no snapshot of this repository
      t.write('lib/.gitignore', 'Makefile\n*.o\n*.a\n.deps/\n');
      await expectEvaluatedTable(t, [['make -C lib distclean', 'deny', 'other-repository', ['lib/mini.pc']]]);
      // the same file with no rule making it: as before, another repository's file
      t.write('lib/.gitignore', 'Makefile\n*.o\n*.a\n.deps/\n*.pc\n');
      t.write('lib/Makefile', makefile.replace('mini.pc: Makefile\n\techo > $@\n', ''));
      await expectEvaluatedTable(t, [['make -C lib distclean', 'deny', 'other-repository', ['lib/mini.pc']]]);
    });
  });

  it('not taken for automake output: without config.status, or without the header automake writes; the generated shell is walked as before', async () => {
    await template.withCopy(async (t) => {
      t.write('Makefile', fixture('Makefile.generated').replace(/^# Makefile\.in generated by automake/, '# Makefile.in written by hand after automake'));
      await expectEvaluatedTable(t, [['make', 'deny', 'opaque-command']]);
      t.write('Makefile', fixture('Makefile.generated'));
      fs.rmSync(path.join(t.dir, 'config.status'));
      await expectEvaluatedTable(t, [['make', 'deny', 'opaque-command']]);
    });
  });
});
