/**
 * Maven's and Gradle's clean and the Android Gradle plugin's uninstall tasks (build-tools.ts),
 * judged by what target/ and build/ hold now. Before 2026-12-07 `mvn clean`, `./gradlew clean`
 * and `./gradlew uninstallAll` were "no destructive command found" whatever they held: a tracked
 * file there with uncommitted changes, or an untracked file nothing ignores, was gone with no
 * snapshot (friction7's find on spring-petclinic and android/sunflower).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVerdict, hookWithVerdict } from '../../helpers/verdicts.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { commitFiles, commitForced, writeFiles } from '../../helpers/repo-steps.js';
import { allowedCheckGitArgv, rollbackOk } from '../../helpers/guard-steps.js';
import { GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const POM = (body: string): string => `<?xml version="1.0"?>\n<project xmlns="http://maven.apache.org/POM/4.0.0">\n  <modelVersion>4.0.0</modelVersion>\n${body}\n</project>\n`;

function build(t: TestRepo): void {
  commitFiles(t, {
    // extra/ (a profile's module) keeps its target/ unignored: what lands there is untracked
    '.gitignore': ['/target/', 'core/target/', 'web/out/', 'build/', '.gradle/', ''].join('\n'),
    'pom.xml': POM(
      [
        '  <artifactId>root</artifactId>',
        '  <!-- <modules><module>old</module></modules> -->',
        '  <modules>\n    <module>core</module>\n    <module>web</module>\n  </modules>',
        '  <profiles><profile><id>x</id><modules><module>extra</module></modules></profile></profiles>',
        '  <build><plugins><plugin><artifactId>maven-clean-plugin</artifactId><configuration><filesets><fileset><directory>generated</directory></fileset></filesets></configuration></plugin></plugins></build>',
      ].join('\n'),
    ),
    'core/pom.xml': POM('  <artifactId>core</artifactId>\n  <build><resources><resource><directory>src/main/resources</directory></resource></resources></build>'),
    'web/pom.xml': POM('  <artifactId>web</artifactId>\n  <build><directory>${project.basedir}/out</directory></build>'),
    'extra/pom.xml': POM('  <artifactId>extra</artifactId>'),
    'core/src/main/resources/app.properties': 'a=1\n',
    'generated/README.md': 'generated sources\n',
    'settings.gradle': "rootProject.name = 'x'\n// include ':old'\ninclude ':app', ':lib:data'\nproject(':lib:data').projectDir = file('data')\n",
    'build.gradle': "plugins { id 'base' }\n",
    'app/build.gradle': "plugins { id 'com.android.application' }\n",
    gradlew: ['#!/bin/sh\nexec "$JAVACMD" -classpath "$CLASSPATH" org.gradle.wrapper.GradleWrapperMain "$@"\n', 0o755],
  });
  // the builds' ignored output
  writeFiles(t, {
    'target/root.txt': 'x\n',
    'core/target/classes/A.class': 'class\n',
    'web/out/web.jar': 'jar\n',
    'app/build/outputs/app.apk': 'apk\n',
    'data/build/libs/data.jar': 'jar\n',
    'build/reports/r.html': 'r\n',
  });
  const init = t.guard(['init', '--yes', '--agents', 'claude']);
  expect(init.code, init.stderr).toBe(0);
}

const template = fileTemplate(build);

describe('mvn clean: target/ of every project of the reactor, as rm -rf judges it', () => {
  it('free over ignored output; a snapshot where a tracked or untracked file would go', async () => {
    await template.withCopy(async (t) => {
      fs.rmSync(path.join(t.dir, 'generated'), { recursive: true });
      t.git(['commit', '-qam', 'no generated']);
      await expectEvaluatedTable(t, [
        ['mvn clean', 'allow', 'no-risk'],
        ['mvn clean install -DskipTests', 'allow', 'no-risk'],
        ['mvnd clean', 'allow', 'no-risk'],
        ['mvn test', 'allow', 'no-risk'],
      ]);
      // a tracked file in core/target with uncommitted changes
      commitForced(t, { 'core/target/keep.txt': 'kept\n' }, 'a file in target');
      t.write('core/target/keep.txt', 'changed\n');
      await expectEvaluatedTable(t, [
        ['mvn clean', 'snapshot', 'rm-in-repo', ['core/target']],
        ['mvn -q clean package', 'snapshot', 'rm-in-repo', ['core/target']],
        ['mvn post-clean', 'snapshot', 'rm-in-repo', ['core/target']],
        ['mvn org.apache.maven.plugins:maven-clean-plugin:3.3.2:clean', 'snapshot', 'rm-in-repo', ['core/target']],
        ['mvn -f core/pom.xml clean', 'snapshot', 'rm-in-repo', ['core/target']],
        // only the root project, or the clean skipped: nothing of core/
        ['mvn -N clean', 'allow', 'no-risk'],
        ['mvn clean -Dmaven.clean.skip=true', 'allow', 'no-risk'],
        ['mvn pre-clean', 'allow', 'no-risk'],
        ['mvn -f web clean', 'allow', 'no-risk'],
      ]);
      // the installed hook takes the snapshot, and the rollback gives the change back
      const hook = hookWithVerdict(t, 'mvn clean');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
      fs.rmSync(path.join(t.dir, 'core/target'), { recursive: true });
      rollbackOk(t);
      expect(t.read('core/target/keep.txt')).toBe('changed\n');
    });
  });

  it("reads modules in profiles, <build><directory> and the clean plugin's filesets", async () => {
    await template.withCopy(async (t) => {
      fs.rmSync(path.join(t.dir, 'generated'), { recursive: true });
      t.git(['commit', '-qam', 'no generated']);
      // an untracked file nothing ignores, in a profile's module's target/
      t.write('extra/target/notes.txt', 'mine\n');
      await expectEvaluatedTable(t, [['mvn clean', 'snapshot', 'rm-in-repo', ['extra/target']]]);
      fs.rmSync(path.join(t.dir, 'extra/target'), { recursive: true });
      // the fileset names the tracked generated/
      commitFiles(t, { 'generated/README.md': 'generated sources\n' }, 'generated');
      await expectEvaluatedTable(t, [['mvn clean', 'snapshot', 'rm-in-repo', ['generated']]]);
      fs.rmSync(path.join(t.dir, 'generated'), { recursive: true });
      t.git(['commit', '-qam', 'no generated']);
      // web's build directory is out/: its tracked file counts, web/target is not looked at
      commitForced(t, { 'web/out/keep.txt': 'kept\n' }, 'a file in out');
      t.write('web/target/notes.txt', 'not maven output here\n');
      await expectEvaluatedTable(t, [['mvn -f web clean', 'snapshot', 'rm-in-repo', ['web/out']]]);
      // the real CLI
      expect(checkVerdict(t, 'mvn clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });
});

describe('gradle clean: build/ of every project settings.gradle includes', () => {
  it('free over ignored output; a snapshot where a tracked file with changes would go', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['./gradlew clean', 'allow', 'no-risk'],
        ['./gradlew clean assembleDebug', 'allow', 'no-risk'],
        ['gradle clean', 'allow', 'no-risk'],
        ['./gradlew test', 'allow', 'no-risk'],
        ['./gradlew installDebug', 'allow', 'no-risk'],
      ]);
      // the git processes of `rm -rf` of the three build directories: one listing for all of them
      const cleanArgv = allowedCheckGitArgv(t, './gradlew clean');
      expect(cleanArgv).toEqual(allowedCheckGitArgv(t, 'rm -rf build app/build data/build'));
      expect(cleanArgv.filter((argv) => argv.includes('ls-files'))).toHaveLength(1);
      commitForced(t, { 'data/build/keep.txt': 'kept\n' }, 'a file in build');
      t.write('data/build/keep.txt', 'changed\n');
      await expectEvaluatedTable(t, [
        ['./gradlew clean', 'snapshot', 'rm-in-repo', ['data/build']],
        ['./gradlew :lib:data:clean', 'snapshot', 'rm-in-repo', ['data/build']],
        ['./gradlew cleanTest test', 'snapshot', 'rm-in-repo', ['data/build']],
        ['./gradlew :app:clean', 'allow', 'no-risk'],
        ['./gradlew clean -x clean', 'allow', 'no-risk'],
        ['./gradlew -m clean', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, './gradlew clean', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      const hook = hookWithVerdict(t, './gradlew clean build');
      expect(hook).toMatchObject({ decision: 'allow', verdict: 'snapshot', rule: 'rm-in-repo' });
    });
  });

  it('a long task argument without a colon (a test class name) is judged at once: the task pattern does not backtrack', async () => {
    await template.withCopy(async (t) => {
      // Found by the figures run, which never ended: nowinandroid's `--tests` line. A child process
      // with a deadline, so a pattern that backtracks fails here instead of holding the suite.
      const command = './gradlew testDemoDebug --tests "com.google.samples.apps.nowinandroid.ui.NavigationTest"';
      const r = spawnSync(process.execPath, [GUARD_BIN, 'check-command', '--json', command], { cwd: t.dir, env: { ...t.env, CLAUDECODE: '1' }, encoding: 'utf8', timeout: 30_000 });
      expect(r.signal, 'check-command did not finish').toBeNull();
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'allow' });
    });
  });

  it('projects settings names in a way guard cannot read: every build/ below the root; a build script that moves its build directory: asked', async () => {
    await template.withCopy(async (t) => {
      commitFiles(t, { 'settings.gradle': "file('mods').eachDir { include it.name }\n", 'mods/m/build.gradle': "plugins { id 'java' }\n" }, 'a loop');
      commitForced(t, { 'mods/m/build/keep.txt': 'kept\n' }, 'a file in build');
      await expectEvaluatedTable(t, [['./gradlew clean', 'snapshot', 'rm-in-repo', ['build']]]);
      commitFiles(t, { 'settings.gradle': "include ':app'\n", 'app/build.gradle': "plugins { id 'java' }\nbuildDir = file('../out/app')\n" }, 'buildDir');
      await expectEvaluatedTable(t, [['./gradlew clean', 'ask', 'rm-unknown-target', ['app/build.gradle']]]);
    });
  });
});

describe("the Android Gradle plugin's uninstall tasks: the app's data on the device", () => {
  it('uninstallAll and uninstall<Variant> are judged as adb uninstall; installs stay free', async () => {
    await template.withCopy(async (t) => {
      await expectEvaluatedTable(t, [
        ['./gradlew uninstallAll', 'deny', 'device-app-data-delete'],
        ['./gradlew uninstallDebug', 'deny', 'device-app-data-delete'],
        ['./gradlew :app:uninstallFreeRelease', 'deny', 'device-app-data-delete'],
        ['gradle uninstallAll', 'deny', 'device-app-data-delete'],
        ['./gradlew installDebug', 'allow', 'no-risk'],
        ['./gradlew assembleDebug', 'allow', 'no-risk'],
      ]);
      expect(checkVerdict(t, './gradlew uninstallAll', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'device-app-data-delete' });
      expect(checkVerdict(t, './gradlew uninstallAll')).toMatchObject({ verdict: 'ask', rule: 'device-app-data-delete' });
    });
  });
});
