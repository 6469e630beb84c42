/**
 * `ninja -t clean`, `ninja clean`, `cmake --build B --target clean|--clean-first` and CMake's
 * Makefiles' clean (ninja-clean.ts), judged by the outputs the build lists. Before 2026-12-08 they
 * were "no destructive command found" and the sh fast path answered them without Node, yet a
 * CMake `add_custom_command(OUTPUT ${CMAKE_CURRENT_SOURCE_DIR}/src/gen.h ...)` output lies in
 * src/ and the clean deletes it, as it deletes what ADDITIONAL_CLEAN_FILES names. The build files
 * are CMake 3.25's own output for such a project (Ninja and Unix Makefiles generators), trimmed
 * to the lines that matter, with the repository's path put in where CMake writes absolute ones.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import type { TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { fastPathAllows } from '../../../src/policy/command/fast-path.js';

function build(t: TestRepo): void {
  commitFiles(t, {
    '.gitignore': 'build/\nbuild-make/\n',
    'CMakeLists.txt': [
      'cmake_minimum_required(VERSION 3.16)',
      'project(demo C)',
      'add_custom_command(OUTPUT ${CMAKE_CURRENT_SOURCE_DIR}/src/gen.h COMMAND ${CMAKE_COMMAND} -E echo "#define X 1" > ${CMAKE_CURRENT_SOURCE_DIR}/src/gen.h)',
      'add_library(core STATIC src/core.c ${CMAKE_CURRENT_SOURCE_DIR}/src/gen.h)',
      'add_executable(app src/main.c)',
      'target_link_libraries(app core)',
      'set_property(TARGET app APPEND PROPERTY ADDITIONAL_CLEAN_FILES extra.txt ${CMAKE_CURRENT_SOURCE_DIR}/notes.log)',
      '',
    ].join('\n'),
    'src/core.c': 'int core(void){return 1;}\n',
    'src/main.c': 'int core(void); int main(void){return core();}\n',
    // the generated header, committed (many projects keep one in the tree)
    'src/gen.h': '#define X 1\n',
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

/** `cmake -G Ninja -B build` and `cmake -B build-make` as CMake 3.25 wrote them (ignored), built. */
function configure(t: TestRepo): void {
  const root = fs.realpathSync(t.dir);
  writeFiles(t, {
    'build/build.ninja': [
      '# CMAKE generated file: DO NOT EDIT!',
      'ninja_required_version = 1.5',
      'include CMakeFiles/rules.ninja',
      `cmake_ninja_workdir = ${root}/build/`,
      `build cmake_object_order_depends_target_core: phony || ${root}/src/gen.h`,
      `build CMakeFiles/core.dir/src/core.c.o: C_COMPILER__core_ ${root}/src/core.c || cmake_object_order_depends_target_core`,
      '  DEP_FILE = CMakeFiles/core.dir/src/core.c.o.d',
      '  OBJECT_DIR = CMakeFiles/core.dir',
      'build libcore.a: C_STATIC_LIBRARY_LINKER__core_ CMakeFiles/core.dir/src/core.c.o',
      '  TARGET_FILE = libcore.a',
      `build CMakeFiles/app.dir/src/main.c.o: C_COMPILER__app_ ${root}/src/main.c || cmake_object_order_depends_target_app`,
      'build app: C_EXECUTABLE_LINKER__app_ CMakeFiles/app.dir/src/main.c.o | libcore.a || libcore.a',
      '  LINK_LIBRARIES = libcore.a',
      `build ${root}/src/gen.h: CUSTOM_COMMAND`,
      `  COMMAND = cd ${root}/build && /usr/bin/cmake -E echo #define\\ X\\ 1 > ${root}/src/gen.h`,
      `  DESC = Generating ${root}/src/gen.h`,
      '  restat = 1',
      'build core: phony libcore.a',
      'build all: phony libcore.a app',
      `build build.ninja: RERUN_CMAKE | ${root}/CMakeLists.txt CMakeCache.txt`,
      '  pool = console',
      'build CMakeFiles/clean.additional: CLEAN_ADDITIONAL',
      'build clean: CLEAN CMakeFiles/clean.additional',
      'default all',
      '',
    ].join('\n'),
    'build/CMakeFiles/rules.ninja': [
      'rule CUSTOM_COMMAND',
      '  command = $COMMAND',
      '  description = $DESC',
      'rule RERUN_CMAKE',
      `  command = /usr/bin/cmake --regenerate-during-build -S${root} -B${root}/build`,
      '  description = Re-running CMake...',
      '  generator = 1',
      'rule CLEAN_ADDITIONAL',
      '  command = /usr/bin/cmake -DCONFIG=$CONFIG -P CMakeFiles/clean_additional.cmake',
      'rule CLEAN',
      '  command = /usr/bin/ninja $FILE_ARG -t clean $TARGETS',
      '  description = Cleaning all built files...',
      '',
    ].join('\n'),
    'build/CMakeFiles/clean_additional.cmake': `# Additional clean files\ncmake_minimum_required(VERSION 3.16)\n\nif("\${CONFIG}" STREQUAL "" OR "\${CONFIG}" STREQUAL "")\n  file(REMOVE_RECURSE\n  "extra.txt"\n  "${root}/notes.log"\n  )\nendif()\n`,
    'build/CMakeCache.txt': `CMAKE_HOME_DIRECTORY:INTERNAL=${root}\n`,
    'build/CMakeFiles/core.dir/src/core.c.o': 'o\n',
    'build/libcore.a': 'a\n',
    'build/app': 'bin\n',
    'build-make/Makefile': 'clean:\n\t$(MAKE) -f CMakeFiles/Makefile2 clean\n',
    'build-make/CMakeFiles/TargetDirectories.txt': `${root}/build-make/CMakeFiles/core.dir\n${root}/build-make/CMakeFiles/app.dir\n`,
    'build-make/CMakeFiles/core.dir/cmake_clean.cmake': `file(REMOVE_RECURSE\n  "${root}/src/gen.h"\n  "CMakeFiles/core.dir/src/core.c.o"\n  "CMakeFiles/core.dir/src/core.c.o.d"\n  "libcore.a"\n  "libcore.pdb"\n)\n\n# Per-language clean rules from dependency scanning.\nforeach(lang C)\n  include(CMakeFiles/core.dir/cmake_clean_\${lang}.cmake OPTIONAL)\nendforeach()\n`,
    'build-make/CMakeFiles/app.dir/cmake_clean.cmake': `file(REMOVE_RECURSE\n  "extra.txt"\n  "${root}/notes.log"\n  "CMakeFiles/app.dir/src/main.c.o"\n  "app"\n)\n`,
    'build-make/CMakeFiles/app.dir/src/main.c.o': 'o\n',
    'build-make/app': 'bin\n',
  });
}

describe('ninja and CMake cleans: the outputs the build lists', () => {
  it('a tracked generated file in src/ takes a snapshot; ignored outputs are free; a file ADDITIONAL_CLEAN_FILES names is kept by the snapshot, given back by rollback', async () => {
    await template.withCopy(async (t) => {
      configure(t);
      // ignored, in the build directory, and no output: a clean leaves it (rm -rf build-make would capture it)
      t.write('build-make/notes.txt', 'mine\n');
      await expectEvaluatedTable(t, [
        ['ninja -C build clean', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['cd build && ninja -t clean', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['cmake --build build --target clean', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['cmake --build build -j 4 --clean-first', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['cmake --build build-make --target clean', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['meson compile -C build --clean', 'snapshot', 'rm-in-repo', ['src/gen.h']],
        ['ninja -C build', 'allow', 'no-risk'],
        ['cmake --build build', 'allow', 'no-risk'],
        ['ninja -C build -n -t clean', 'allow', 'no-risk'],
        ['ninja -C build -t targets all', 'allow', 'no-risk'],
      ]);
      // the generated header ignored, as most projects do: every clean is free
      t.write('.gitignore', 'build/\nbuild-make/\nsrc/gen.h\n');
      t.git(['rm', '-q', '--cached', 'src/gen.h']);
      commitFiles(t, {}, 'gen.h generated');
      await expectEvaluatedTable(t, [
        ['ninja -C build clean', 'allow', 'no-risk'],
        ['cmake --build build --target clean', 'allow', 'no-risk'],
        ['cmake --build build-make --target clean', 'allow', 'no-risk'],
        ['ninja -C build -t clean -g', 'allow', 'no-risk'],
      ]);
      // ADDITIONAL_CLEAN_FILES names notes.log: an untracked file nothing ignores
      t.write('notes.log', 'mine\n');
      await expectEvaluatedTable(t, [
        ['ninja -C build clean', 'snapshot', 'rm-in-repo', ['notes.log']],
        ['cmake --build build --target clean', 'snapshot', 'rm-in-repo', ['notes.log']],
        ['cmake --build build-make --target clean', 'snapshot', 'rm-in-repo', ['notes.log']],
        ['cd build-make && cmake -P CMakeFiles/app.dir/cmake_clean.cmake', 'snapshot', 'rm-in-repo', ['notes.log']],
        ['cmake -E rm -f notes.log', 'snapshot', 'rm-in-repo', ['notes.log']],
        // the tool alone does not run CMake's clean_additional.cmake
        ['ninja -C build -t clean', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, 'ninja -C build clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      const hook = hookWithVerdict(t, 'ninja -C build clean');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(path.join(t.dir, 'notes.log'));
      rollbackOk(t);
      expect(t.read('notes.log')).toBe('mine\n');
    });
  });
});

describe('the fast path sends the cleans to Node, and only them', () => {
  it('clean beside ninja and cmake', () => {
    for (const line of ['ninja -C build clean', 'ninja -t clean', 'ninja-build -C out clean', 'cmake --build build --target clean', 'cmake --build build --clean-first', 'cmake -E remove_directory x', 'cmake -P clean.cmake', 'meson compile -C builddir --clean']) expect(fastPathAllows(line), line).toBe(false);
    for (const line of ['ninja -C build', 'cmake --build build -j', 'cmake -S . -B build -G Ninja', 'ninja -C build test', 'meson compile -C builddir', 'meson setup builddir']) expect(fastPathAllows(line), line).toBe(true);
  });
});

