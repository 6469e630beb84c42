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
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
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
        // CLEANFILES (Makefile.am) names the ignored gen.h: captured, as `rm -f gen.h` is
        ['make clean', 'snapshot', 'rm-in-repo', ['gen.h']],
        ['make distclean', 'snapshot', 'rm-in-repo', ['gen.h']],
      ]);
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
