/**
 * Maven's and Gradle's clean and the Android Gradle plugin's uninstall tasks, judged by what they
 * delete in the repository as it is (since 2026-12-07, helper buildtools). Before, `mvn clean`,
 * `./gradlew clean` and `./gradlew uninstallAll` were "no destructive command found" whatever
 * target/ or build/ held: a tracked file there with uncommitted changes, or an untracked file
 * nothing ignores, was gone with no snapshot.
 *
 *  - `mvn clean` (also `mvnw`, `mvnd`, `post-clean`, `clean:clean`, the plugin's full name)
 *    deletes `${project.build.directory}` (target/ beside the pom) of every project of the
 *    reactor: the pom make runs with (`-f`, else the directory's pom.xml; none: Maven stops) and
 *    its `<modules>` (also in profiles, and Maven 4's `<subprojects>`), read recursively; a
 *    `<build><directory>` of the pom replaces target, and the clean plugin's `<filesets>`
 *    directories are deleted too. `-N` keeps to the first pom; `-Dmaven.clean.skip` deletes nothing.
 *  - `gradle clean` (also `./gradlew`, `:app:clean`, `cleanTest` ...) deletes the build/ of every
 *    project at or under the directory it runs in (`-p`), the projects being the root (where the
 *    nearest settings.gradle(.kts) is) and what settings includes (`include ':app', ':core:data'`,
 *    `project(':x').projectDir = file('y')`). Where settings includes projects guard cannot name
 *    (a loop, a variable), every `build` directory below the root is judged (`rm -rf **\/build`).
 *    A build script that sets its own build directory (`buildDir =`, `layout.buildDirectory.set`)
 *    is asked about: guard cannot tell where it deletes.
 *  Each directory is judged as `rm -rf DIR` is (targets.ts checkDeleteAbs): only ignored
 *  regenerable output, or nothing: free (one git process for all of them); a tracked or untracked
 *  file there: a snapshot first (ignored files that are not regenerable output are captured).
 *  - `gradle uninstallAll`, `uninstallDebug` (any `uninstall<Variant>`) remove the app and its
 *    data from every connected device, as `adb uninstall PKG` does: device-app-data-delete.
 *
 * Not read: a clean task's own `delete` configured in a build script, a parent pom's
 * `<build><directory>` inherited by a module (docs/command-guard.md, Known limits).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { checkDeleteAbs, checkDeleteTarget } from './targets.js';

/** The programs this module judges (commands.ts sends them here). */
export const BUILD_TOOL_PROGRAMS = new Set(['mvn', 'mvnw', 'mvnd', 'gradle', 'gradlew']);

/** Projects of one build guard reads at most; past it, the rest is judged as every such directory below the root. */
const MAX_PROJECTS = 200;

/** Maven's options that take a value as the next word. */
const MAVEN_VALUES = new Set(['-f', '--file', '-P', '--activate-profiles', '-pl', '--projects', '-s', '--settings', '-gs', '--global-settings', '-t', '--toolchains', '-gt', '--global-toolchains', '-rf', '--resume-from', '-T', '--threads', '-l', '--log-file', '-b', '--builder', '-D', '--define', '-emp', '--encrypt-master-password', '-ep', '--encrypt-password']);

/** Gradle's options that take a value as the next word. */
const GRADLE_VALUES = new Set(['-p', '--project-dir', '-x', '--exclude-task', '-b', '--build-file', '-c', '--settings-file', '-g', '--gradle-user-home', '-I', '--init-script', '-D', '--system-prop', '-P', '--project-prop', '--console', '--warning-mode', '--include-build', '--max-workers', '--priority', '-M', '--write-verification-metadata', '--dependency-verification', '-F']);

/** Judges `mvn`, `mvnw`, `mvnd`, `gradle` and `gradlew` lines. */
export function classifyBuildTool(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name.startsWith('mvn')) classifyMaven(inv, name, args, rt);
  else classifyGradle(inv, name, args, rt);
}

/** The words that are not options or their values; null where an unknown word may be one. */
function operands(args: Field[], values: Set<string>): { words: Array<string | null>; options: Map<string, string | null> } {
  const words: Array<string | null> = [];
  const options = new Map<string, string | null>();
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === null) {
      words.push(null);
      continue;
    }
    if (w.startsWith('-') && w.length > 1) {
      const eq = w.indexOf('=');
      if (w.startsWith('--') && eq > 0) options.set(w.slice(0, eq), w.slice(eq + 1));
      else if (values.has(w)) {
        options.set(w, args[i + 1]?.value ?? null);
        i++;
      } else options.set(w, '');
      continue;
    }
    words.push(w);
  }
  return { words, options };
}

/**
 * The verdict for deleting one build directory (absolute), as `rm -rf DIR`. `declared`: the path
 * is the tool's own output by its definition (flutter's Generated.xcconfig, ephemeral/): what git
 * ignores there is regenerable output (CommandContext.buildOutputs), as target/ and build/ are by name.
 */
function judgeDir(inv: Invocation, abs: string, verb: string, rt: Runtime, declared = false): void {
  const ctx = declared ? { ...rt.ctx, buildOutputs: new Set([...(rt.ctx.buildOutputs ?? []), abs]) } : rt.ctx;
  rt.report(checkDeleteAbs(abs, ctx, inv.source, { recursive: true, verb }));
}

/** Every directory named `name` below `root` (`rm -rf root/**\/name`), for projects guard cannot name. */
function judgeEveryDir(inv: Invocation, root: string, name: string, verb: string, rt: Runtime): void {
  const pattern = `${root}/**/${name}`;
  const field: Field = { value: pattern, display: `${path.posix.relative(inv.cwd ?? root, pattern) || pattern}`, glob: true, pattern, splittable: false };
  rt.report(checkDeleteTarget(field, inv.cwd, rt.ctx, inv.source, { recursive: true, verb }));
}

/**
 * A file's text as the state view read it: undefined while collecting (noted) or without a view,
 * 'missing', or null where guard cannot read it.
 */
function readText(rt: Runtime, abs: string, up = false): { path: string; text: string } | 'missing' | null | undefined {
  return rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up });
}

// ---------------------------------------------------------------- Maven

/** A clean goal or phase: `clean`, `post-clean`, `clean:clean`, `org.apache.maven.plugins:maven-clean-plugin[:VERSION]:clean`. */
const MAVEN_CLEAN = /^(?:(?:post-)?clean|clean:clean|(?:[\w.-]+:)?maven-clean-plugin(?::[\w.-]+)?:clean)$/;

function classifyMaven(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const { words, options } = operands(args, MAVEN_VALUES);
  if (!words.some((w) => w !== null && MAVEN_CLEAN.test(w))) return;
  if (options.has('-h') || options.has('--help') || options.has('-v') || options.has('--version')) return;
  // -Dmaven.clean.skip[=true]: the clean plugin deletes nothing
  if (args.some((a) => a.value !== null && /^-Dmaven\.clean\.skip(?:=true)?$/.test(a.value))) return;
  const verb = `${program} clean deletes`;
  if (inv.cwd === null) {
    rt.report(checkDeleteTarget({ value: 'target', display: 'target', glob: false, pattern: null, splittable: false }, null, rt.ctx, inv.source, { recursive: true, verb }));
    return;
  }
  const file = options.get('-f') ?? options.get('--file');
  const named = file === undefined ? path.posix.join(inv.cwd, 'pom.xml') : file === null ? null : resolvePath(file, inv.cwd);
  if (named === null) {
    rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} the build directory of a pom guard cannot name`, inv.source));
    return;
  }
  const first = /\.xml$/i.test(named) ? named : path.posix.join(named, 'pom.xml');
  const recursive = !options.has('-N') && !options.has('--non-recursive');
  const queue = [first];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const pom = queue.shift() as string;
    if (seen.has(pom)) continue;
    seen.add(pom);
    const dir = path.posix.dirname(pom);
    if (seen.size > MAX_PROJECTS) {
      judgeEveryDir(inv, path.posix.dirname(first), 'target', verb, rt);
      return;
    }
    const found = readText(rt, pom);
    if (found === undefined) {
      if (rt.ctx.view?.collecting) continue; // noted: read before the next pass
      judgeDir(inv, path.posix.join(dir, 'target'), verb, rt); // by text
      continue;
    }
    if (found === 'missing') continue; // no pom: Maven stops there (a module without one fails the build)
    if (found === null) {
      // too large or not a file: this project's target, and every target below it for its modules
      judgeEveryDir(inv, dir, 'target', verb, rt);
      continue;
    }
    const pomFacts = readPom(found.text);
    for (const out of pomFacts.outputs) {
      const abs = mavenPath(out, dir, pomFacts.properties);
      if (abs === null) rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} ${out}, a directory ${path.posix.relative(inv.cwd, pom) || 'pom.xml'} names with a property guard cannot know`, inv.source));
      else judgeDir(inv, abs, verb, rt);
    }
    if (!recursive) break;
    for (const module of pomFacts.modules) {
      const abs = mavenPath(module, dir, pomFacts.properties);
      if (abs === null) {
        judgeEveryDir(inv, dir, 'target', verb, rt);
        continue;
      }
      queue.push(/\.xml$/i.test(abs) ? abs : path.posix.join(abs, 'pom.xml'));
    }
  }
}

interface PomFacts {
  /** The directories the clean deletes: the build directory (target unless set) and the clean plugin's filesets. */
  outputs: string[];
  modules: string[];
  properties: Map<string, string>;
}

/**
 * What a pom says of its clean, read as elements (comments and CDATA dropped): the text of
 * project/build/directory, project/(profiles/profile/)modules/module (and subprojects/subproject),
 * project/properties/*, and the directories of the clean plugin's filesets.
 */
export function readPom(xml: string): PomFacts {
  const text = xml.replace(/<!--[\s\S]*?-->/g, '').replace(/<\?[\s\S]*?\?>/g, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '');
  const stack: string[] = [];
  const facts: PomFacts = { outputs: [], modules: [], properties: new Map() };
  let buildDir: string | null = null;
  let excludeDefaults = false;
  let pluginIsClean = false;
  const tag = /<(\/?)([\w.:-]+)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = tag.exec(text); m !== null; m = tag.exec(text)) {
    if (m[4] !== undefined) {
      const value = m[4].trim();
      if (value === '') continue;
      const at = stack.join('/');
      const leaf = stack[stack.length - 1];
      if (at === 'project/build/directory') buildDir = value;
      else if (/^project\/(?:profiles\/profile\/)?(?:modules\/module|subprojects\/subproject)$/.test(at)) facts.modules.push(value);
      else if (stack.length === 3 && at.startsWith('project/properties/') && leaf !== undefined) facts.properties.set(leaf, value);
      else if (/^project\/(?:profiles\/profile\/)?build\/(?:pluginManagement\/)?plugins\/plugin\/artifactId$/.test(at)) pluginIsClean = value === 'maven-clean-plugin';
      else if (pluginIsClean && /\/plugin\/configuration\/filesets\/fileset\/directory$/.test(at)) facts.outputs.push(value);
      else if (pluginIsClean && /\/plugin\/configuration\/excludeDefaultDirectories$/.test(at)) excludeDefaults = value === 'true';
      continue;
    }
    if (m[3] === '/') continue; // <empty/>
    if (m[1] === '/') {
      if (stack[stack.length - 1] === 'plugin') pluginIsClean = false;
      stack.pop();
    } else stack.push(m[2] as string);
  }
  if (!excludeDefaults) facts.outputs.unshift(buildDir ?? 'target');
  return facts;
}

/** A pom's path (relative to its directory, or `${project.basedir}/...`) as an absolute path; null where a property is unknown. */
function mavenPath(value: string, dir: string, properties: Map<string, string>): string | null {
  let unknown = false;
  const filled = value.replace(/\$\{([\w.-]+)\}/g, (_m, name: string) => {
    if (name === 'project.basedir' || name === 'basedir') return dir;
    if (name === 'project.build.directory') return path.posix.join(dir, 'target');
    const got = properties.get(name);
    if (got === undefined || got.includes('${')) unknown = true;
    return got ?? '';
  });
  return unknown ? null : resolvePath(filled, dir);
}

// ---------------------------------------------------------------- Gradle

/**
 * A task that deletes build output: `clean`, `cleanTest`, with a project path (`:app:clean`,
 * `:clean`). The path's names are separated by a colon each: a `(:?NAME)*` let a word with no
 * colon at all (`--tests com.example.app.ui.NavigationTest`) be cut into names in exponentially
 * many ways, and the check never ended.
 */
const GRADLE_CLEAN = /^((?::?[\w.-]+(?::[\w.-]+)*)?:)?(clean(?:[A-Z]\w*)?)$/;
/** The Android Gradle plugin's uninstall tasks: `uninstallAll`, `uninstallDebug`, `uninstallFreeReleaseAndroidTest` (a project path as GRADLE_CLEAN's). */
const GRADLE_UNINSTALL = /^(?:(?::?[\w.-]+(?::[\w.-]+)*)?:)?(uninstall(?:All|[A-Z]\w*))$/;

function classifyGradle(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  const { words, options } = operands(args, GRADLE_VALUES);
  if (options.has('-m') || options.has('--dry-run') || options.has('-h') || options.has('--help') || options.has('-v') || options.has('--version')) return;
  const excluded = new Set<string>();
  for (let i = 0; i < args.length; i++) if ((args[i]!.value === '-x' || args[i]!.value === '--exclude-task') && args[i + 1]?.value) excluded.add(args[i + 1]!.value as string);
  for (const a of args) if (a.value?.startsWith('--exclude-task=')) excluded.add(a.value.slice('--exclude-task='.length));
  const tasks = words.filter((w): w is string => w !== null && !excluded.has(w));
  const uninstall = tasks.find((t) => GRADLE_UNINSTALL.test(t));
  if (uninstall) {
    rt.report(makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'device-app-data-delete', `${program} ${uninstall} uninstalls the app and deletes its data (databases, preferences, files) on every connected Android device or emulator, outside the repository, where no snapshot holds it`, inv.source));
  }
  const cleans = tasks.map((t) => GRADLE_CLEAN.exec(t)).filter((m): m is RegExpExecArray => m !== null);
  if (cleans.length === 0) return;
  const verb = `${program} ${cleans[0]![0]} deletes`;
  if (inv.cwd === null) {
    rt.report(checkDeleteTarget({ value: 'build', display: 'build', glob: false, pattern: null, splittable: false }, null, rt.ctx, inv.source, { recursive: true, verb }));
    return;
  }
  const dirOption = options.get('-p') ?? options.get('--project-dir');
  const start = dirOption === undefined ? inv.cwd : dirOption === null ? null : resolvePath(dirOption, inv.cwd);
  if (start === null) {
    rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} the build directories of a project guard cannot name`, inv.source));
    return;
  }
  const groovy = readText(rt, path.posix.join(start, 'settings.gradle'), true);
  const kts = readText(rt, path.posix.join(start, 'settings.gradle.kts'), true);
  if (groovy === undefined || kts === undefined) {
    if (!rt.ctx.view?.collecting) judgeDir(inv, path.posix.join(start, 'build'), verb, rt); // by text
    return;
  }
  // the nearer of the two (Gradle looks in each directory up for either)
  const settings = [groovy, kts].filter((f): f is { path: string; text: string } => f !== null && f !== 'missing').sort((a, b) => b.path.length - a.path.length)[0];
  const root = settings ? path.posix.dirname(settings.path) : start;
  const read = settings ? gradleProjects(settings.text, root) : { projects: new Map([[':', root]]), unknown: false };
  // an unreadable settings file (too large, not a file): its projects are unknown
  const unknownProjects = groovy === null || kts === null || read.unknown;
  // a task with a project path runs in that project only; a bare name in every project at or under the start
  const chosen = new Set<string>();
  for (const m of cleans) {
    const prefix = m[1];
    if (prefix === undefined) {
      for (const p of read.projects.values()) if (p === start || p.startsWith(`${start}/`)) chosen.add(p);
      continue;
    }
    const name = `:${prefix.replace(/^:/, '').replace(/:$/, '')}`;
    chosen.add(read.projects.get(name) ?? path.posix.join(root, name.slice(1).split(':').join('/')));
  }
  for (const dir of chosen) {
    const own = readText(rt, path.posix.join(dir, 'build.gradle'));
    const ownKts = readText(rt, path.posix.join(dir, 'build.gradle.kts'));
    const scripts = [own, ownKts, ...(dir === root ? [] : [readText(rt, path.posix.join(root, 'build.gradle')), readText(rt, path.posix.join(root, 'build.gradle.kts'))])];
    if (scripts.some((s) => s === undefined) && rt.ctx.view?.collecting) continue;
    const sets = scripts.find((s) => typeof s === 'object' && s !== null && SETS_BUILD_DIR.test(stripComments(s.text)));
    if (sets && typeof sets === 'object') {
      rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} the build directory ${sets.path.slice(root.length + 1)} sets, which guard does not work out`, inv.source));
      continue;
    }
    judgeDir(inv, path.posix.join(dir, 'build'), verb, rt);
  }
  if (unknownProjects) judgeEveryDir(inv, root, 'build', verb, rt);
}

/** A build script setting its own build directory. */
const SETS_BUILD_DIR = /\b(?:buildDir\s*=|setBuildDir\s*\(|buildDirectory\s*(?:=|\.set\s*\(|\.value\s*\())/;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:"'])\/\/[^\n]*/g, '$1');
}

/**
 * The project directories settings.gradle(.kts) names: the root and every `include`d project
 * (`:a:b` is a/b), by project path (the root is `:`), with `project(':x').projectDir =
 * file('y')` applied; `unknown` where it includes what guard cannot name (a variable, a loop,
 * `includeFlat`, a projectDir set otherwise).
 */
export function gradleProjects(settingsText: string, root: string): { projects: Map<string, string>; unknown: boolean } {
  const text = stripComments(settingsText);
  const projects = new Map<string, string>([[':', root]]);
  const dirs = new Map<string, string>();
  let unknown = false;
  const custom = /project\s*\(\s*["'](:?[\w.:-]+)["']\s*\)\s*\.\s*projectDir\s*=\s*(?:new\s+File\s*\(\s*(?:settingsDir|rootDir|rootProject\.projectDir)\s*,\s*|File\s*\(\s*(?:settingsDir|rootDir)\s*,\s*|file\s*\(\s*)["']([^"'$]+)["']\s*\)/g;
  for (let m = custom.exec(text); m !== null; m = custom.exec(text)) dirs.set(`:${(m[1] as string).replace(/^:/, '')}`, m[2] as string);
  const assignments = (text.match(/\.projectDir\s*=/g) ?? []).length;
  if (assignments > dirs.size) unknown = true;
  if (/\bincludeFlat\b/.test(text)) unknown = true;
  const include = /\binclude\b(?!\s*[=.])/g;
  for (let m = include.exec(text); m !== null; m = include.exec(text)) {
    const rest = text.slice(m.index + m[0].length);
    const list = /^\s*\(?\s*((?:["'][^"'$]*["']\s*,\s*)*["'][^"'$]*["'])\s*\)?/.exec(rest);
    if (!list) {
      unknown = true;
      continue;
    }
    for (const lit of (list[1] as string).match(/["'][^"']*["']/g) ?? []) {
      const name = `:${lit.slice(1, -1).replace(/^:/, '')}`;
      if (name === ':') continue;
      const abs = resolvePath(dirs.get(name) ?? name.slice(1).split(':').join('/'), root);
      if (abs !== null) projects.set(name, abs);
    }
  }
  return { projects, unknown: unknown || projects.size > MAX_PROJECTS };
}

// ---------------------------------------------------------------- cargo, flutter, swift, go

/**
 * The other build tools' cleans (since 2026-12-08, helper buildtools2), judged as `rm -rf` of
 * what each deletes (read from the tools' sources), through the same checkDeleteAbs: ignored
 * output free, a tracked or unignored file a snapshot first. Before, `cargo clean`, `flutter
 * clean`, `swift package clean|reset` and `go clean` were "no destructive command found" (the
 * fast path did not even start Node for them).
 */
export const CLEAN_TOOL_PROGRAMS = new Set(['cargo', 'flutter', 'swift', 'go']);

/** Judges `cargo clean`, `flutter clean`, `swift package clean|reset`, `go clean`. */
export function classifyCleanTool(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name === 'cargo') classifyCargo(inv, args, rt);
  else if (name === 'flutter') classifyFlutter(inv, args, rt);
  else if (name === 'swift') classifySwift(inv, args, rt);
  else classifyGoClean(inv, args, rt);
}

/** The subcommand (first word that is not an option or an option's value) and the words after it; null where a word is unknown before it. */
function subcommand(args: Field[], values: Set<string>): { word: string; rest: Field[] } | null | undefined {
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === null) return null;
    if (w.startsWith('+')) continue; // cargo +nightly
    if (w.startsWith('-')) {
      if (values.has(w)) i++;
      continue;
    }
    return { word: w, rest: args.slice(i + 1) };
  }
  return undefined;
}

/** The nearest file `name` at or above `dir`, then the nearest above that one's directory, and so on (undefined while collecting). */
function chainUp(rt: Runtime, dir: string, name: string, limit = 12): Array<{ path: string; text: string } | null> | undefined {
  const found: Array<{ path: string; text: string } | null> = [];
  let at = dir;
  for (let i = 0; i < limit; i++) {
    // `name` may hold a slash (`.cargo/config.toml`): looked for below each directory up, not from `at/.cargo` up
    const got = rt.ctx.view?.file({ dir: at, name, up: true });
    if (got === undefined) return undefined;
    if (got === 'missing') break;
    found.push(got);
    if (got === null) break;
    const holder = got.path.slice(0, got.path.length - name.length - 1) || '/';
    if (holder === '/') break;
    at = path.posix.dirname(holder);
  }
  return found;
}

function unknownTarget(inv: Invocation, verb: string, what: string, rt: Runtime): void {
  rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} ${what}, which guard cannot name before the command runs`, inv.source));
}

/** cargo's global options that take a value as the next word. */
const CARGO_GLOBAL_VALUES = new Set(['--config', '-Z', '--color', '-C']);
/** `cargo clean`'s options that take a value as the next word. */
const CARGO_CLEAN_VALUES = new Set(['-p', '--package', '--manifest-path', '--target', '--target-dir', '--profile', '--config', '-Z', '--color', '--lockfile-path']);

/**
 * `cargo clean` deletes the target directory (cargo's ops/cargo_clean.rs removes it whole; `-p`,
 * `--release`, `--doc`, `--target`, `--profile` delete a part of it: judged as the whole, a
 * superset): `--target-dir`, else CARGO_TARGET_DIR / CARGO_BUILD_TARGET_DIR set on the line,
 * else `--config build.target-dir=...`, else `build.target-dir` of the nearest
 * `.cargo/config.toml` (or `.cargo/config`) at or above the directory it runs in that sets one
 * (relative to the directory holding `.cargo`), else `target/` of the workspace root: the nearest
 * Cargo.toml (or `--manifest-path`) and the nearest one above it holding `[workspace]` (both
 * judged: a member a workspace excludes is its own root). `-n`/`--dry-run` deletes nothing.
 */
function classifyCargo(inv: Invocation, args: Field[], rt: Runtime): void {
  const sub = subcommand(args, CARGO_GLOBAL_VALUES);
  if (sub === undefined || sub === null || sub.word !== 'clean') return;
  const all = [...args.slice(0, args.length - sub.rest.length - 1), ...sub.rest];
  const { options } = operands(all, CARGO_CLEAN_VALUES);
  if (options.has('-n') || options.has('--dry-run') || options.has('-h') || options.has('--help')) return;
  const verb = 'cargo clean deletes';
  const cwd = inv.cwd;
  if (cwd === null) {
    rt.report(checkDeleteTarget({ value: 'target', display: 'target', glob: false, pattern: null, splittable: false }, null, rt.ctx, inv.source, { recursive: true, verb }));
    return;
  }
  const targetDir = options.get('--target-dir');
  if (targetDir !== undefined) {
    if (targetDir === null || targetDir === '') unknownTarget(inv, verb, 'the --target-dir', rt);
    else judgeDir(inv, resolvePath(targetDir, cwd) ?? targetDir, verb, rt);
    return;
  }
  for (const variable of ['CARGO_TARGET_DIR', 'CARGO_BUILD_TARGET_DIR']) {
    if (!inv.env.has(variable)) continue;
    const value = inv.env.get(variable);
    if (value === null || value === undefined) unknownTarget(inv, verb, `the ${variable} directory`, rt);
    else if (value !== '') judgeDir(inv, resolvePath(value, cwd) ?? value, verb, rt);
    else continue;
    return;
  }
  // --config build.target-dir="x" (also KEY=VALUE in any --config)
  for (let i = 0; i < all.length; i++) {
    const w = all[i]!.value;
    const value = w === '--config' ? all[i + 1]?.value : w?.startsWith('--config=') ? w.slice('--config='.length) : undefined;
    if (value === undefined) continue;
    if (value === null) return unknownTarget(inv, verb, 'the target directory of a --config', rt);
    const set = /^\s*build\.target-dir\s*=\s*(["'])(.*)\1\s*$/.exec(value);
    if (set) return judgeDir(inv, resolvePath(set[2] as string, cwd) ?? (set[2] as string), verb, rt);
    if (/target-dir/.test(value)) return unknownTarget(inv, verb, 'the target directory a --config sets', rt);
  }
  for (const name of ['.cargo/config.toml', '.cargo/config']) {
    const configs = chainUp(rt, cwd, name);
    if (configs === undefined) {
      if (rt.ctx.view?.collecting) return;
      break; // by text: target/
    }
    for (const config of configs) {
      if (config === null) return unknownTarget(inv, verb, `the target directory of a ${name} guard cannot read`, rt);
      const set = cargoTargetDir(config.text);
      if (set === undefined) continue;
      if (set === null) return unknownTarget(inv, verb, `the target directory ${config.path.slice(0, -name.length)}${name} sets`, rt);
      const base = path.posix.dirname(path.posix.dirname(config.path));
      return judgeDir(inv, resolvePath(set, base) ?? set, verb, rt);
    }
  }
  const manifestPath = options.get('--manifest-path');
  if (manifestPath === null) return unknownTarget(inv, verb, 'the target directory of a manifest', rt);
  const manifests = manifestPath === undefined ? chainUp(rt, cwd, 'Cargo.toml') : undefined;
  if (manifestPath !== undefined) {
    const abs = resolvePath(manifestPath, cwd) ?? manifestPath;
    const dir = path.posix.dirname(abs);
    const above = chainUp(rt, path.posix.dirname(dir), 'Cargo.toml');
    judgeDir(inv, path.posix.join(dir, 'target'), verb, rt);
    const root = above?.find((m) => m === null || /^\s*\[workspace\]/m.test(m.text));
    if (root) judgeDir(inv, path.posix.join(path.posix.dirname(root.path), 'target'), verb, rt);
    return;
  }
  if (manifests === undefined) {
    if (!rt.ctx.view?.collecting) judgeDir(inv, path.posix.join(cwd, 'target'), verb, rt); // by text
    return;
  }
  const nearest = manifests[0];
  if (nearest === undefined) return; // no Cargo.toml: cargo stops
  if (nearest === null) return judgeEveryDir(inv, cwd, 'target', verb, rt);
  judgeDir(inv, path.posix.join(path.posix.dirname(nearest.path), 'target'), verb, rt);
  if (/^\s*\[workspace\]/m.test(nearest.text)) return;
  const root = manifests.slice(1).find((m) => m === null || /^\s*\[workspace\]/m.test(m.text));
  if (root === null) judgeEveryDir(inv, cwd, 'target', verb, rt);
  else if (root) judgeDir(inv, path.posix.join(path.posix.dirname(root.path), 'target'), verb, rt);
}

/** `build.target-dir` of a cargo config: the value, undefined where it sets none, null where guard cannot read it. */
export function cargoTargetDir(toml: string): string | null | undefined {
  let table = '';
  let found: string | null | undefined;
  for (const raw of toml.split('\n')) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      table = header[1] as string;
      continue;
    }
    const key = /^([\w.-]+|"[^"]*")\s*=\s*(.*)$/.exec(line);
    if (!key) {
      if (/target-dir/.test(line)) found = null;
      continue;
    }
    const full = (table === '' ? '' : `${table}.`) + (key[1] as string).replace(/\s+/g, '');
    if (full === 'build.target-dir') {
      const value = /^(["'])(.*)\1$/.exec((key[2] as string).trim());
      found = value ? (value[2] as string) : null;
    } else if (/target-dir/.test(full) && full !== 'build.target-dir') found = found ?? null;
    else if (table === '' && key[1] === 'build' && /target-dir/.test(key[2] as string)) {
      const inline = /target-dir\s*=\s*(["'])([^"']*)\1/.exec(key[2] as string);
      found = inline ? (inline[2] as string) : null;
    }
  }
  return found;
}

/** flutter's global options that take a value as the next word. */
const FLUTTER_GLOBAL_VALUES = new Set(['-d', '--device-id', '--local-engine', '--local-engine-src-path', '--local-engine-host', '--local-web-sdk']);

/**
 * What `flutter clean` deletes in a project (flutter_tools' commands/clean.dart): build/,
 * .dart_tool/, the Android and iOS module directories, the iOS ephemeral files, the desktop
 * ephemeral directories and .flutter-plugins-dependencies (.flutter-plugins for older Flutter).
 */
export const FLUTTER_CLEAN_PATHS = [
  'build', '.dart_tool', '.android', '.ios', 'ios/Flutter/ephemeral', 'ios/Flutter/Generated.xcconfig',
  'ios/Flutter/flutter_export_environment.sh', 'ios/Flutter/App.framework', 'ios/Flutter/Flutter.framework',
  'ios/Flutter/Flutter.podspec', 'linux/flutter/ephemeral', 'macos/Flutter/ephemeral', 'windows/flutter/ephemeral',
  '.flutter-plugins-dependencies', '.flutter-plugins',
];

/**
 * `flutter clean` (also `fvm flutter clean` through its runner): FLUTTER_CLEAN_PATHS of the
 * project, the nearest directory at or above the one it runs in with a pubspec.yaml (flutter
 * changes to it), and with `--include-example` of its example/ too.
 */
function classifyFlutter(inv: Invocation, args: Field[], rt: Runtime): void {
  const sub = subcommand(args, FLUTTER_GLOBAL_VALUES);
  if (sub === undefined || sub === null || sub.word !== 'clean') return;
  if (sub.rest.some((a) => a.value === '-h' || a.value === '--help')) return;
  const verb = 'flutter clean deletes';
  if (inv.cwd === null) {
    rt.report(checkDeleteTarget({ value: 'build', display: 'build', glob: false, pattern: null, splittable: false }, null, rt.ctx, inv.source, { recursive: true, verb }));
    return;
  }
  const pubspec = readText(rt, path.posix.join(inv.cwd, 'pubspec.yaml'), true);
  if (pubspec === undefined && rt.ctx.view?.collecting) return;
  if (pubspec === 'missing') return; // no project: flutter stops
  const root = pubspec && typeof pubspec === 'object' ? path.posix.dirname(pubspec.path) : inv.cwd;
  const projects = [root];
  if (sub.rest.some((a) => a.value === '--include-example')) projects.push(path.posix.join(root, 'example'));
  for (const project of projects) for (const rel of FLUTTER_CLEAN_PATHS) judgeDir(inv, path.posix.join(project, rel), verb, rt, true);
}

/** SwiftPM's options that take a value as the next word. */
const SWIFT_VALUES = new Set(['--package-path', '--scratch-path', '--build-path', '--cache-path', '--config-path', '--security-path', '--swift-sdks-path', '-c', '--configuration', '-Xswiftc', '-Xcc', '-Xlinker', '-Xcxx', '--triple', '--sdk', '--toolchain', '--jobs', '-j']);

/**
 * `swift package clean` deletes the build artifacts in the scratch directory (.build beside
 * Package.swift, or `--scratch-path`/`--build-path`), `swift package reset` the whole directory:
 * both judged as `rm -rf .build` (clean's a part of it: a superset). `purge-cache` deletes
 * SwiftPM's cache outside the repository: free, as every cache.
 */
function classifySwift(inv: Invocation, args: Field[], rt: Runtime): void {
  const sub = subcommand(args, SWIFT_VALUES);
  if (sub === undefined || sub === null || sub.word !== 'package') return;
  const action = subcommand(sub.rest, SWIFT_VALUES);
  if (action === undefined || action === null || (action.word !== 'clean' && action.word !== 'reset')) return;
  const { options } = operands([...args], SWIFT_VALUES);
  if (options.has('-h') || options.has('--help')) return;
  const verb = `swift package ${action.word} deletes`;
  if (inv.cwd === null) {
    rt.report(checkDeleteTarget({ value: '.build', display: '.build', glob: false, pattern: null, splittable: false }, null, rt.ctx, inv.source, { recursive: true, verb }));
    return;
  }
  const scratch = options.get('--scratch-path') ?? options.get('--build-path');
  if (scratch === null) return unknownTarget(inv, verb, 'the scratch directory', rt);
  if (scratch !== undefined) return judgeDir(inv, resolvePath(scratch, inv.cwd) ?? scratch, verb, rt);
  const packagePath = options.get('--package-path');
  if (packagePath === null) return unknownTarget(inv, verb, 'the scratch directory of a package', rt);
  if (packagePath !== undefined) return judgeDir(inv, path.posix.join(resolvePath(packagePath, inv.cwd) ?? packagePath, '.build'), verb, rt);
  const manifest = readText(rt, path.posix.join(inv.cwd, 'Package.swift'), true);
  if (manifest === undefined && rt.ctx.view?.collecting) return;
  if (manifest === 'missing') return; // no package: swift stops
  judgeDir(inv, path.posix.join(manifest && typeof manifest === 'object' ? path.posix.dirname(manifest.path) : inv.cwd, '.build'), verb, rt);
}

/** go's build flags that take a value as the next word. */
const GO_VALUES = new Set(['-C', '-p', '-asmflags', '-buildmode', '-buildvcs', '-compiler', '-gccgoflags', '-gcflags', '-installsuffix', '-ldflags', '-mod', '-modfile', '-overlay', '-pgo', '-pkgdir', '-tags', '-toolexec', '-o', '-covermode', '-coverpkg']);

/** Files `go clean` deletes in a package directory that are not the package's (cmd/go/internal/clean). */
const GO_CLEAN_FILES = ['_obj', '_test', '_testmain.go', 'test.out', 'build.out', 'a.out', '*.a', '*.o', '*.so', '*.5', '*.6', '*.8'];

/**
 * `go clean` deletes, in each package directory it names (none: the one it runs in; `./...`:
 * every one below), `_obj/`, `_test/`, `test.out`, `a.out`, object files and archives (`*.a`,
 * `*.o`, `*.so`: a prebuilt library a cgo package links may be tracked there) and the
 * executables `go build` and `go test -c` name after the directory (DIR, DIR.test, also .exe).
 * Judged as `rm -rf` of those names. With only `-cache`, `-testcache`, `-modcache` or `-fuzzcache`
 * it cleans caches outside the repository: free, as every cache. `-n` deletes nothing; `-i`
 * deletes installed binaries in GOBIN (outside the repository: not judged); an import path guard
 * cannot map to a directory (not `.`/`./x`): every such name below the directory it runs in.
 */
function classifyGoClean(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args[0]?.value !== 'clean') return;
  const rest = args.slice(1);
  const { words, options } = operands(rest, GO_VALUES);
  if (options.has('-n') || options.has('-h') || options.has('--help') || options.has('-help')) return;
  const caches = ['-cache', '-testcache', '-modcache', '-fuzzcache'].some((o) => options.has(o));
  if (words.length === 0 && caches && !options.has('-i') && !options.has('-r')) return;
  const verb = 'go clean deletes';
  const dirOption = options.get('-C');
  const cwd = dirOption === undefined ? inv.cwd : dirOption === null || inv.cwd === null ? null : resolvePath(dirOption, inv.cwd);
  if (cwd === null) return unknownTarget(inv, verb, 'the object files and executables of packages', rt);
  const dirs: Array<{ dir: string; below: boolean }> = [];
  for (const w of words.length === 0 ? ['.'] : words) {
    if (w === null) return unknownTarget(inv, verb, 'the object files and executables of a package', rt);
    const below = w.endsWith('/...') || w === '...';
    const rel = below ? w.slice(0, -4) || '.' : w;
    if (rel === '.' || rel === '..' || rel.startsWith('./') || rel.startsWith('../') || rel.startsWith('/')) dirs.push({ dir: resolvePath(rel, cwd) ?? rel, below });
    else dirs.push({ dir: cwd, below: true }); // an import path: somewhere in the module
  }
  if (options.has('-r')) for (const d of dirs) d.below = true; // its dependencies in the module
  for (const { dir, below } of dirs) {
    if (below) {
      // what `find DIR -name NAME` selects, by git's listing (a `**/NAME` glob may match a protected path)
      for (const name of GO_CLEAN_FILES) {
        const shown = path.posix.relative(inv.cwd ?? dir, dir) || '.';
        const field = foundByName(dir, shown, name);
        rt.report(checkDeleteTarget(field, inv.cwd, rt.ctx, inv.source, { recursive: true, verb }));
      }
      continue;
    }
    const names = goExecNames(dir, rt);
    if (names === undefined) continue; // noted
    for (const name of [...GO_CLEAN_FILES, ...names.flatMap((n) => [n, `${n}.exe`, `${n}.test`, `${n}.test.exe`])]) {
      const abs = path.posix.join(dir, name);
      if (name.includes('*')) {
        const field: Field = { value: abs, display: path.posix.relative(inv.cwd ?? dir, abs) || abs, glob: true, pattern: abs, splittable: false };
        rt.report(checkDeleteTarget(field, inv.cwd, rt.ctx, inv.source, { recursive: true, verb }));
      } else judgeDir(inv, abs, verb, rt, true); // the go command's own output by name: ignored, regenerable
    }
  }
}

/**
 * The names `go build` and `go test -c` give a package's executables: the last element of its
 * import path (the module path of the nearest go.mod and the directory below it) and, where that
 * is a major version (`v2`), the element before it (cmd/go's DefaultExecName); the directory's
 * own name too (GOPATH mode, or no go.mod guard can read). Undefined while collecting.
 */
function goExecNames(dir: string, rt: Runtime): string[] | undefined {
  const names = new Set([path.posix.basename(dir)]);
  const mod = readText(rt, path.posix.join(dir, 'go.mod'), true);
  if (mod === undefined && rt.ctx.view?.collecting) return undefined;
  if (mod && typeof mod === 'object') {
    const module = /^\s*module\s+"?([^\s"]+)"?/m.exec(mod.text)?.[1];
    if (module) {
      const rel = path.posix.relative(path.posix.dirname(mod.path), dir);
      const elems = (rel === '' ? module : `${module}/${rel}`).split('/');
      const last = elems[elems.length - 1] as string;
      names.add(last);
      if (/^v\d+$/.test(last) && elems.length > 1) names.add(elems[elems.length - 2] as string);
    }
  }
  return [...names];
}

/**
 * Every entry named `name` below `dir`, as `find DIR -name NAME` selects it (git's listing), and
 * without a listing (by text) as the glob `DIR/**\/NAME`: the directory itself as the operand made
 * `dotnet clean` by text `rm -rf` of the repository's root (denied).
 */
function foundByName(dir: string, shown: string, name: string): Field {
  const pattern = `${dir}/**/${name}`;
  return { value: pattern, display: `${shown}/**/${name}`, glob: true, pattern, splittable: false, found: { kind: 'find', query: { start: dir, shown, filter: { kind: 'name', pattern: name, icase: false } } } };
}

/** `dotnet clean`'s options that take a value as the next word. */
const DOTNET_CLEAN_VALUES = new Set(['-c', '--configuration', '-f', '--framework', '-o', '--output', '-r', '--runtime', '-v', '--verbosity', '--tl', '-p', '--property']);

/**
 * `dotnet clean` deletes the files the last build of each project listed in
 * obj/CONFIG/TFM/NAME.csproj.FileListAbsolute.txt, in its bin/ and obj/ (or `-o DIR`), for the
 * project or solution named (else the one where it runs) and every project it references: judged
 * as `find ROOT -name bin|obj -exec rm -rf {} +` over the repository (a superset: a reference may
 * lie anywhere in it; what git ignores in bin/ and obj/ is regenerable output by name), and `rm
 * -rf` of an `-o` directory. Reading the lists themselves would be exact: left (Known limits).
 */
export function classifyDotnetClean(inv: Invocation, args: Field[], rt: Runtime): void {
  const { options } = operands(args, DOTNET_CLEAN_VALUES);
  const verb = 'dotnet clean deletes';
  const cwd = inv.cwd;
  if (cwd === null) return unknownTarget(inv, verb, 'the build output of projects', rt);
  const output = options.get('-o') ?? options.get('--output');
  if (output === null) unknownTarget(inv, verb, 'the --output directory', rt);
  else if (output !== undefined) judgeDir(inv, resolvePath(output, cwd) ?? output, verb, rt);
  const root = rt.ctx.repoRoot && (cwd === rt.ctx.repoRoot || cwd.startsWith(`${rt.ctx.repoRoot}/`)) ? rt.ctx.repoRoot : cwd;
  for (const name of ['bin', 'obj']) {
    const shown = path.posix.relative(cwd, root) || '.';
    const field = foundByName(root, shown, name);
    rt.report(checkDeleteTarget(field, cwd, rt.ctx, inv.source, { recursive: true, verb }));
  }
}
