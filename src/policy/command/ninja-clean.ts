/**
 * What ninja's and CMake's cleans delete, read from the build's own lists (since 2026-12-08,
 * helper buildtools2), judged as `rm -f` of each path through checkDeleteAbs: ignored output
 * free (every path is the build's declared output), a tracked or unignored file a snapshot first.
 * Before, `ninja -t clean`, `ninja clean` and `cmake --build B --target clean` were "no destructive
 * command found", yet the outputs a build lists may lie in the source tree: a CMake
 * `add_custom_command(OUTPUT ${CMAKE_CURRENT_SOURCE_DIR}/src/gen.h ...)` output is written
 * in src/ (tracked in many projects, edited by hand in some) and `ninja clean` deletes it, as it
 * deletes what `ADDITIONAL_CLEAN_FILES` names (checked on a real CMake 3.25 + ninja 1.11 build).
 *
 *  - `ninja -t clean [-g] [targets]` (ninja's clean.cc): every output of every build edge that is
 *    not phony, not the generator's (`generator = 1`, unless `-g`); targets or `-r` rules clean a
 *    part: judged as all (a superset). Read from build.ninja (`-f`) in the directory ninja runs in
 *    (`-C`), with its `include`s and `subninja`s.
 *  - `ninja clean` (a target named clean): the edges it and its inputs run; a command running
 *    `ninja -t clean` (CMake's CLEAN rule, Meson's meson-internal__clean) is the above, a command
 *    running `cmake -P FILE` (CMake's clean_additional.cmake) is FILE's removes.
 *  - `cmake --build B --target clean` (`-t`, `--target=clean`) and `--clean-first`: with Ninja
 *    (B/build.ninja), `ninja clean` in B; with Makefiles, the `file(REMOVE_RECURSE ...)` lists of
 *    each target's cmake_clean.cmake (B/CMakeFiles/TargetDirectories.txt names the targets).
 *  - `meson compile [-C DIR] --clean`: `ninja clean` in DIR (Meson's clean target runs `ninja -t clean`).
 *  - `cmake -E rm|remove|remove_directory PATH...`: as `rm` judges them; `cmake -P FILE`:
 *    FILE's `file(REMOVE|REMOVE_RECURSE ...)` (how `make clean` of CMake's Makefiles deletes).
 *
 * Not read: a depfile or rspfile ninja also deletes (the compiler's, beside the object); a
 * `clean` target whose command is something else (judged as any build command: not at all).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import { makeVerdict } from './rules.js';
import type { Invocation, Runtime } from './runtime.js';
import { checkDeleteAbs, checkDeleteTarget } from './targets.js';

/** The programs this module judges (commands.ts sends them here). */
export const NINJA_CLEAN_PROGRAMS = new Set(['ninja', 'ninja-build', 'samu', 'cmake', 'meson']);

/** Files a manifest may include, at most (CMake: one; gn: one per toolchain). */
const MAX_MANIFESTS = 64;
/** Paths judged one by one at most; past it, the outputs in an out-of-source build directory are judged as the directory. */
const MAX_PATHS = 1500;

type Found = { path: string; text: string } | 'missing' | null | undefined;

function read(rt: Runtime, abs: string): Found {
  return rt.ctx.view?.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
}

export function classifyNinjaClean(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name === 'cmake') classifyCmake(inv, args, rt);
  else if (name === 'meson') classifyMeson(inv, args, rt);
  else classifyNinja(inv, name, args, rt);
}

/** `meson compile [-C DIR] --clean` runs `ninja clean` in the build directory (DIR, else where it runs). */
function classifyMeson(inv: Invocation, args: Field[], rt: Runtime): void {
  if (args[0]?.value !== 'compile' || !args.some((a) => a.value === '--clean')) return;
  const at = args.findIndex((a) => a.value === '-C');
  const dir = at < 0 ? [] : [{ ...args[at + 1]!, value: args[at + 1]?.value ?? null }];
  if (at >= 0 && args[at + 1] === undefined) return;
  classifyNinja(inv, 'meson', [...(at < 0 ? [] : [args[at]!, ...dir]), { ...args[0]!, value: 'clean' }], rt);
}

// ---------------------------------------------------------------- ninja

/** ninja's options that take a value as the next word. */
const NINJA_VALUES = new Set(['-C', '-f', '-j', '-k', '-l', '-d', '-t', '-w']);

function classifyNinja(inv: Invocation, program: string, args: Field[], rt: Runtime): void {
  let dir: string | null | undefined = inv.cwd;
  let file = 'build.ninja';
  let tool: string | null | undefined;
  let dryRun = false;
  const targets: Array<string | null> = [];
  const toolArgs: Array<string | null> = [];
  for (let i = 0; i < args.length; i++) {
    const w = args[i]!.value;
    if (tool !== undefined) {
      toolArgs.push(w); // after -t TOOL: the tool's own arguments
      continue;
    }
    if (w === null) {
      targets.push(null);
      continue;
    }
    if (w === '-h' || w === '--help' || w === '--version') return;
    if (w === '-n') dryRun = true;
    else if (/^-[Cfjkldtw]./.test(w) && !w.startsWith('--')) applyNinja(w.slice(0, 2), w.slice(2));
    else if (NINJA_VALUES.has(w)) {
      applyNinja(w, args[i + 1]?.value ?? null);
      i++;
    } else if (!w.startsWith('-')) targets.push(w);
  }
  function applyNinja(option: string, value: string | null): void {
    if (option === '-C') dir = value === null || dir === null || dir === undefined ? null : resolvePath(value, dir);
    else if (option === '-f') file = value ?? '\0';
    else if (option === '-t') tool = value;
  }
  if (dryRun) return;
  const verb = program === 'meson' ? 'meson compile --clean deletes' : `${program} ${tool === undefined ? 'clean' : `-t ${tool ?? '?'}`} deletes`;
  if (tool === null) return unknown(inv, verb, 'what a tool guard cannot name deletes', rt);
  if (tool !== undefined && tool !== 'clean') return; // -t targets, query, compdb ... read only
  if (tool === undefined && !targets.includes('clean') && !targets.includes(null)) return;
  if (dir === null || dir === undefined) return unknown(inv, verb, 'the outputs of a build in a directory', rt);
  if (file === '\0') return unknown(inv, verb, 'the outputs a manifest lists', rt);
  const manifest = readManifest(rt, dir, file);
  if (manifest === undefined) return; // noted
  if (manifest === 'missing') return; // no manifest: ninja stops
  if (manifest === null) return byDirectory(inv, dir, verb, rt, `${file}, which guard cannot read,`);
  if (tool === 'clean') {
    return judgePaths(inv, dir, cleanAll(manifest, toolArgs.includes('-g')), verb, rt);
  }
  const cleaned = cleanTarget(rt, manifest, dir, 'clean');
  if (cleaned === undefined) return;
  judgePaths(inv, dir, cleaned, verb, rt);
}

interface Edge {
  outputs: string[];
  inputs: string[];
  rule: string;
  bindings: Map<string, string>;
}

interface Manifest {
  edges: Edge[];
  rules: Map<string, Map<string, string>>;
  vars: Map<string, string>;
  /** A path guard could not evaluate (a variable it does not know, an include it cannot read). */
  unknown: boolean;
}

/** A build.ninja with what it includes, paths absolute (ninja resolves them from where it runs); undefined while collecting. */
function readManifest(rt: Runtime, dir: string, file: string): Manifest | 'missing' | null | undefined {
  const first = read(rt, resolvePath(file, dir) ?? file);
  if (first === undefined) return rt.ctx.view?.collecting ? undefined : null;
  if (first === 'missing' || first === null) return first;
  const manifest: Manifest = { edges: [], rules: new Map(), vars: new Map(), unknown: false };
  const queue = [first.text];
  let files = 1;
  let pending = false;
  while (queue.length > 0) {
    for (const included of parseManifest(queue.shift() as string, dir, manifest)) {
      if (++files > MAX_MANIFESTS) {
        manifest.unknown = true;
        break;
      }
      const got = read(rt, included);
      if (got === undefined) pending = true;
      else if (got === null || got === 'missing') manifest.unknown = true;
      else queue.push(got.text);
    }
  }
  if (pending) return rt.ctx.view?.collecting ? undefined : null;
  return manifest;
}

/** Parses one manifest into `into`; answers the files it includes (absolute). */
function parseManifest(text: string, dir: string, into: Manifest): string[] {
  const includes: string[] = [];
  // `$` at a line's end continues it; the next line's leading blanks are skipped (ninja's lexer)
  const lines = text.replace(/\$\r?\n[ \t]*/g, '').split(/\r?\n/);
  let scope: Map<string, string> | null = null;
  for (const line of lines) {
    if (/^\s*(#|$)/.test(line)) continue;
    if (/^[ \t]/.test(line)) {
      const binding = /^\s+([\w.-]+)\s*=\s?(.*)$/.exec(line);
      if (binding && scope) scope.set(binding[1] as string, binding[2] as string);
      continue;
    }
    scope = null;
    const head = /^(\S+)\s*(.*)$/.exec(line);
    if (!head) continue;
    const [, keyword, rest] = head as unknown as [string, string, string];
    if (keyword === 'rule') {
      scope = new Map();
      into.rules.set(rest.trim(), scope);
    } else if (keyword === 'pool') scope = new Map();
    else if (keyword === 'build') {
      const edge = parseBuild(rest, dir, into);
      if (edge) {
        into.edges.push(edge);
        scope = edge.bindings;
      } else into.unknown = true;
    } else if (keyword === 'include' || keyword === 'subninja') {
      const paths = splitPaths(rest, into.vars);
      if (paths === null || paths.length !== 1) into.unknown = true;
      else includes.push(resolvePath(paths[0] as string, dir) ?? (paths[0] as string));
    } else if (keyword !== 'default') {
      const assign = /^([\w.-]+)\s*=\s?(.*)$/.exec(line);
      if (assign) into.vars.set(assign[1] as string, evaluate(assign[2] as string, { empty: false }, into.vars) ?? '');
    }
  }
  return includes;
}

/** `build OUT... [| IMPLICIT...]: RULE IN... [| ...] [|| ...] [|@ ...]`, paths absolute; null where guard cannot read it. */
function parseBuild(rest: string, dir: string, manifest: Manifest): Edge | null {
  const colon = unescapedColon(rest);
  if (colon < 0) return null;
  const outs = splitPaths(rest.slice(0, colon), manifest.vars);
  const after = splitPaths(rest.slice(colon + 1), manifest.vars);
  if (outs === null || after === null || after.length === 0) return null;
  const abs = (p: string): string => resolvePath(p, dir) ?? p;
  return {
    outputs: outs.filter((p) => p !== '|').map(abs),
    rule: after[0] as string,
    inputs: after.slice(1).filter((p) => !/^\|[|@]?$/.test(p)).map(abs),
    bindings: new Map(),
  };
}

function unescapedColon(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '$') i++;
    else if (text[i] === ':') return i;
  }
  return -1;
}

/** A manifest's path list: `$ ` a blank, `$:` a colon, `$$` a dollar, `$x`/`${x}` the file's variable; null for one guard does not know. */
function splitPaths(text: string, vars: Map<string, string>): string[] | null {
  const out: string[] = [];
  let word = '';
  let started = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '$') {
      const next = text[i + 1];
      if (next === ' ' || next === ':' || next === '$') {
        word += next;
        started = true;
        i++;
        continue;
      }
      const ref = /^\$(?:\{([\w.-]+)\}|([\w-]+))/.exec(text.slice(i));
      if (!ref) return null;
      const value = vars.get((ref[1] ?? ref[2]) as string);
      if (value === undefined) return null;
      word += value;
      started = true;
      i += ref[0].length - 1;
      continue;
    }
    if (c === ' ' || c === '\t') {
      if (started) out.push(word);
      word = '';
      started = false;
      continue;
    }
    word += c;
    started = true;
  }
  if (started) out.push(word);
  return out;
}

/** A variable's text with the scopes' variables in it; null where one is unknown (unless `empty`: then it is empty, as ninja reads it). */
function evaluate(text: string, how: { empty: boolean }, ...scopes: Array<Map<string, string> | undefined>): string | null {
  let unknownRef = false;
  const value = text.replace(/\$(?:\{([\w.-]+)\}|([\w-]+)|(.))/g, (_m, braced: string | undefined, bare: string | undefined, other: string | undefined) => {
    if (other !== undefined) return other === '\n' ? '' : other;
    const name = (braced ?? bare) as string;
    for (const scope of scopes) {
      const got = scope?.get(name);
      if (got !== undefined) return got;
    }
    if (!how.empty && name !== 'in' && name !== 'out') unknownRef = true;
    return '';
  });
  return unknownRef ? null : value;
}

function generatorEdge(edge: Edge, manifest: Manifest): boolean {
  const value = edge.bindings.get('generator') ?? manifest.rules.get(edge.rule)?.get('generator');
  return value !== undefined && value !== '' && value !== '0';
}

/** What `ninja -t clean [-g]` deletes: every output of an edge that is not phony (nor the generator's, without -g). */
function cleanAll(manifest: Manifest, generator: boolean): Paths {
  const paths: string[] = [];
  for (const edge of manifest.edges) {
    if (edge.rule === 'phony' || (!generator && generatorEdge(edge, manifest))) continue;
    paths.push(...edge.outputs);
  }
  return { files: paths, dirs: [], unknown: manifest.unknown };
}

interface Paths {
  /** Deleted as files (`rm -f`). */
  files: string[];
  /** Deleted with what they hold (`file(REMOVE_RECURSE)`). */
  dirs: string[];
  /** Something is deleted that guard could not name. */
  unknown: boolean;
}

/**
 * What building `target` deletes through the clean commands of the edges it runs (itself and its
 * inputs, a few levels): `ninja -t clean` anywhere in one is cleanAll, `cmake -P FILE` FILE's
 * removes. Undefined while collecting.
 */
function cleanTarget(rt: Runtime, manifest: Manifest, dir: string, target: string): Paths | undefined {
  const byOutput = new Map<string, Edge>();
  for (const edge of manifest.edges) for (const out of edge.outputs) byOutput.set(out, edge);
  const result: Paths = { files: [], dirs: [], unknown: false };
  const seen = new Set<Edge>();
  let frontier = [path.posix.join(dir, target)];
  let pending = false;
  for (let depth = 0; depth < 4 && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const name of frontier) {
      const edge = byOutput.get(name);
      if (!edge || seen.has(edge)) continue;
      seen.add(edge);
      next.push(...edge.inputs);
      if (edge.rule === 'phony') continue;
      // a variable bound nowhere is empty to ninja (CMake's `$FILE_ARG`, `$TARGETS` in `ninja $FILE_ARG -t clean $TARGETS`)
      const command = evaluate(manifest.rules.get(edge.rule)?.get('command') ?? '', { empty: true }, edge.bindings, manifest.vars) ?? '';
      if (/(?:^|[\s/])(?:ninja|ninja-build|samu)(?:\s+\S+)*?\s+-t\s*clean\b/.test(command)) {
        const all = cleanAll(manifest, /\s-t\s*clean\b.*\s-g\b/.test(command));
        result.files.push(...all.files);
        result.unknown ||= all.unknown;
      }
      const script = /(?:^|[\s/])cmake(?:\s+\S+)*?\s+-P\s+(\S+)/.exec(command)?.[1];
      if (script !== undefined) {
        const removes = scriptRemoves(rt, resolvePath(script, dir) ?? script, dir);
        if (removes === undefined) pending = true;
        else {
          result.files.push(...removes.files);
          result.dirs.push(...removes.dirs);
          result.unknown ||= removes.unknown;
        }
      }
    }
    frontier = next;
  }
  return pending && rt.ctx.view?.collecting ? undefined : result;
}

// ---------------------------------------------------------------- CMake

/** `cmake --build`'s options that take a value as the next word (besides --target). */
const CMAKE_BUILD_VALUES = new Set(['--config', '-j', '--parallel', '--preset', '--resolve-package-references']);

function classifyCmake(inv: Invocation, args: Field[], rt: Runtime): void {
  const first = args[0]?.value;
  if (first === '-E') return cmakeTool(inv, args.slice(1), rt);
  const script = args.findIndex((a) => a.value === '-P');
  if (script >= 0) {
    const file = args[script + 1]?.value;
    const verb = 'cmake -P deletes';
    if (file === undefined) return;
    if (file === null || inv.cwd === null) return unknown(inv, verb, 'what a script guard cannot name removes', rt);
    const removes = scriptRemoves(rt, resolvePath(file, inv.cwd) ?? file, inv.cwd);
    if (removes !== undefined) judgePaths(inv, inv.cwd, removes, verb, rt);
    return;
  }
  if (first !== '--build') return;
  const dirWord = args[1]?.value;
  let clean = false;
  let inTargets = false;
  for (let i = 2; i < args.length; i++) {
    const w = args[i]!.value;
    if (w === '--') break; // the native tool's own options
    if (w === '--clean-first') clean = true;
    if (w === '--target' || w === '-t') inTargets = true;
    else if (w?.startsWith('--target=')) clean ||= w.slice('--target='.length).split(/[;,]/).includes('clean');
    else if (w === null) clean ||= inTargets;
    else if (w.startsWith('-')) {
      inTargets = false;
      if (CMAKE_BUILD_VALUES.has(w)) i++;
    } else if (inTargets) clean ||= w === 'clean';
  }
  if (!clean) return;
  const verb = `cmake --build ${args.some((a) => a.value === '--clean-first') ? '--clean-first' : '--target clean'} deletes`;
  if (dirWord === undefined || dirWord === '--preset' || dirWord?.startsWith('--preset=')) return unknown(inv, verb, 'the outputs of the build directory a preset names', rt);
  if (dirWord === null || inv.cwd === null) return unknown(inv, verb, 'the outputs of a build directory', rt);
  const dir = resolvePath(dirWord, inv.cwd) ?? dirWord;
  const manifest = readManifest(rt, dir, 'build.ninja');
  if (manifest === undefined) return;
  if (manifest !== 'missing') {
    if (manifest === null) return byDirectory(inv, dir, verb, rt, 'build.ninja, which guard cannot read,');
    const cleaned = cleanTarget(rt, manifest, dir, 'clean');
    if (cleaned !== undefined) judgePaths(inv, dir, cleaned, verb, rt);
    return;
  }
  // Makefiles: each target's cmake_clean.cmake (its paths are relative to the directory holding its CMakeFiles)
  const list = read(rt, path.posix.join(dir, 'CMakeFiles', 'TargetDirectories.txt'));
  if (list === undefined) return;
  if (list === 'missing') return; // not a CMake build directory of a generator guard reads: cmake stops, or another generator's
  if (list === null) return byDirectory(inv, dir, verb, rt, 'CMakeFiles/TargetDirectories.txt, which guard cannot read,');
  const result: Paths = { files: [], dirs: [], unknown: false };
  let pending = false;
  for (const target of list.text.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
    const removes = scriptRemoves(rt, path.posix.join(target, 'cmake_clean.cmake'), path.posix.dirname(path.posix.dirname(target)));
    if (removes === undefined) pending = true;
    else {
      result.files.push(...removes.files);
      result.dirs.push(...removes.dirs);
      result.unknown ||= removes.unknown;
    }
  }
  if (pending && rt.ctx.view?.collecting) return;
  judgePaths(inv, dir, result, verb, rt);
}

/** `cmake -E rm [-r] [-f] PATH...`, `remove [-f] FILE...`, `remove_directory DIR...`: as rm judges them. */
function cmakeTool(inv: Invocation, args: Field[], rt: Runtime): void {
  const command = args[0]?.value;
  if (command !== 'rm' && command !== 'remove' && command !== 'remove_directory') return;
  let recursive = command === 'remove_directory';
  const operands: Field[] = [];
  for (const a of args.slice(1)) {
    if (command === 'rm' && a.value !== null && /^-[rRf]+$/.test(a.value)) recursive ||= /[rR]/.test(a.value);
    else if (command === 'remove' && a.value === '-f') continue;
    else if (a.value !== '--') operands.push(a);
  }
  for (const field of operands) rt.report(checkDeleteTarget(field, inv.cwd, rt.ctx, inv.source, { recursive, verb: `cmake -E ${command} deletes` }));
}

/**
 * The paths a CMake script removes (`file(REMOVE a b)`, `file(REMOVE_RECURSE c)`; relative to
 * `base`, where `cmake -P` runs it), undefined while collecting; unknown where a path holds a
 * variable or the file cannot be read.
 */
function scriptRemoves(rt: Runtime, abs: string, base: string): Paths | undefined {
  const got = read(rt, abs);
  if (got === undefined) return rt.ctx.view?.collecting ? undefined : { files: [], dirs: [], unknown: true };
  if (got === 'missing') return { files: [], dirs: [], unknown: false }; // cmake -P fails: nothing removed
  if (got === null) return { files: [], dirs: [], unknown: true };
  return cmakeRemoves(got.text, base);
}

/** The `file(REMOVE|REMOVE_RECURSE ...)` calls of a CMake script's text, paths absolute (from `base`). */
export function cmakeRemoves(text: string, base: string): Paths {
  const result: Paths = { files: [], dirs: [], unknown: false };
  const code = text.replace(/#\[(=*)\[[\s\S]*?\]\1\]/g, '').replace(/(^|[^"\\])#[^\n]*/g, '$1');
  const call = /\bfile\s*\(\s*(REMOVE_RECURSE|REMOVE)\b([^)]*)\)/gi;
  for (let m = call.exec(code); m !== null; m = call.exec(code)) {
    const words = (m[2] as string).match(/"(?:[^"\\]|\\.)*"|[^\s"]+/g) ?? [];
    for (const word of words) {
      const value = word.startsWith('"') ? word.slice(1, -1).replace(/\\(.)/g, '$1') : word;
      if (value === '') continue;
      if (/\$[{<]|\$ENV\{/.test(value)) {
        result.unknown = true;
        continue;
      }
      const abs = resolvePath(value, base) ?? value;
      (m[1]!.toUpperCase() === 'REMOVE' ? result.files : result.dirs).push(abs);
    }
  }
  return result;
}

// ---------------------------------------------------------------- judging

function unknown(inv: Invocation, verb: string, what: string, rt: Runtime): void {
  rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} ${what}, which guard cannot name before the command runs`, inv.source));
}

/**
 * Each path deleted, as `rm -f PATH` (`rm -rf` for a directory a script removes recursively),
 * every one the build's declared output (CommandContext.buildOutputs): ignored, it is free as
 * regenerable. The objects under a CMakeFiles/NAME.dir are judged as that directory (CMake's own);
 * past MAX_PATHS, the outputs under an out-of-source build directory as the directory.
 */
function judgePaths(inv: Invocation, buildDir: string, paths: Paths, verb: string, rt: Runtime): void {
  const files = new Set<string>();
  const dirs = new Set(paths.dirs);
  for (const file of paths.files) {
    const own = /^(.*\/CMakeFiles\/[^/]+\.dir)\//.exec(file)?.[1];
    if (own !== undefined) dirs.add(own);
    else files.add(file);
  }
  if (files.size + dirs.size > MAX_PATHS) {
    const inside = (p: string): boolean => p === buildDir || p.startsWith(`${buildDir}/`);
    const root = rt.ctx.repoRoot;
    if (root && (buildDir === root || root.startsWith(`${buildDir}/`))) {
      rt.report(makeVerdict('ask', 'rm-unknown-target', `${verb} ${files.size + dirs.size} outputs of an in-source build, more than guard judges one by one`, inv.source));
      return;
    }
    for (const set of [files, dirs]) for (const p of [...set]) if (inside(p)) set.delete(p);
    dirs.add(buildDir);
  }
  const ctx = { ...rt.ctx, buildOutputs: new Set([...(rt.ctx.buildOutputs ?? []), ...files, ...dirs]) };
  for (const file of files) rt.report(checkDeleteAbs(file, ctx, inv.source, { recursive: false, verb }));
  for (const dir of dirs) rt.report(checkDeleteAbs(dir, ctx, inv.source, { recursive: true, verb }));
  if (paths.unknown) unknown(inv, verb, 'outputs named by a variable or a file guard cannot read', rt);
}

/** The build directory whole (`rm -rf DIR`, its ignored files the build's), where its list cannot be read. */
function byDirectory(inv: Invocation, dir: string, verb: string, rt: Runtime, why: string): void {
  const root = rt.ctx.repoRoot;
  if (root && (dir === root || root.startsWith(`${dir}/`))) return unknown(inv, verb, `the outputs ${why} lists`, rt);
  const ctx = { ...rt.ctx, buildOutputs: new Set([...(rt.ctx.buildOutputs ?? []), dir]) };
  rt.report(checkDeleteAbs(dir, ctx, inv.source, { recursive: true, verb: `${verb} the outputs ${why} lists in` }));
}
