/**
 * `go run FILES|PACKAGE ARGS`: a Go program run from its source. Where its main file imports
 * PocketBase (`github.com/pocketbase/pocketbase`), ARGS are PocketBase's commands, judged as the
 * prebuilt `pocketbase` binary's are (framework-migrations.ts): `go run main.go migrate down`
 * reverts migrations in the ignored `pb_data/data.db`, which was free with no capture (a clone
 * of pocketbase/pocketbase's examples/base, 2026-12-07, helper realproj5). Only the file named
 * (`main.go`, `cmd/app/main.go`) or a package directory's `main.go` is read, one read each; a
 * binary built from it under another name (`go build -o base && ./base migrate down`) is
 * recognised by the main.go beside it (renamedPocketbase, since 2026-12-07, holes6).
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { resolvePath } from './paths.js';
import type { Invocation, Runtime } from './runtime.js';
import { readAt } from './server-frameworks.js';

/** `go run`'s build flags that take their value as the next word (`-tags x`); `-tags=x` is one word. */
const VALUE_FLAGS = new Set(['C', 'tags', 'ldflags', 'gcflags', 'asmflags', 'gccgoflags', 'mod', 'modfile', 'exec', 'p', 'pkgdir', 'overlay', 'pgo', 'toolexec', 'buildmode', 'compiler', 'installsuffix', 'coverpkg', 'covermode', 'o']);

const POCKETBASE_IMPORT = /"github\.com\/pocketbase\/pocketbase"/;
/** go.mod's requirement of PocketBase (`require github.com/pocketbase/pocketbase v0.22.0`, or a line of a `require (...)` block). */
const POCKETBASE_REQUIRE = /^[ \t]*(?:require[ \t]+)?github\.com\/pocketbase\/pocketbase[ \t]+v\d/m;

/** The program `go run` builds and the arguments it is given: the .go files or the package, null where guard cannot tell. */
function goRunTarget(args: Field[]): { files: string[]; rest: Field[] } | null {
  let i = 0;
  for (; i < args.length; i++) {
    const value = args[i]!.value;
    if (value === null) return null;
    if (value === '--') return null;
    if (!value.startsWith('-')) break;
    const flag = value.replace(/^--?/, '');
    if (flag === 'C') return null; // the directory it runs in changes: not followed
    if (!flag.includes('=') && VALUE_FLAGS.has(flag)) i++;
  }
  const files: string[] = [];
  for (; i < args.length && args[i]!.value?.endsWith('.go'); i++) files.push(args[i]!.value!);
  if (files.length > 0) return { files, rest: args.slice(i) };
  const pkg = args[i]?.value;
  // a package of the module by its directory (`.`, `./cmd/app`); one by import path (`example.com/x@latest`) is not read
  if (pkg === undefined || pkg === null || !(pkg === '.' || pkg.startsWith('./') || pkg.startsWith('../') || pkg.startsWith('/'))) return null;
  return { files: [`${pkg.replace(/\/+$/, '')}/main.go`], rest: args.slice(i + 1) };
}

/** The arguments of `go run ARGS` where the program run is a PocketBase application, else null. */
export function pocketbaseRunArgs(inv: Invocation, args: Field[], rt: Runtime): Field[] | null {
  const target = goRunTarget(args);
  if (target === null) return null;
  for (const file of target.files) {
    const abs = resolvePath(file, inv.cwd);
    if (abs === null) return null;
    const found = readAt(rt, path.posix.dirname(abs), path.posix.basename(abs));
    if (found && found !== 'missing' && POCKETBASE_IMPORT.test(found.text)) return target.rest;
  }
  return null;
}

/**
 * A PocketBase application built under another name and run by its path (`go build -o base &&
 * ./base migrate down`, as pocketbase/pocketbase's examples/base builds; `CGO_ENABLED=0 go build`
 * names it after the directory): true where the directory the program file is in, or the line's
 * directory, holds a `main.go` that imports PocketBase. Asked only for a path (`./base`,
 * `bin/app`) given PocketBase's `migrate` or `superuser` command, so a line of any other program
 * reads nothing; at most three reads (the third, go.mod, finds a main package under cmd/). Until 2026-12-07 (holes6) such a binary was an unknown program
 * and its `migrate down` was free, with no capture of the ignored pb_data/data.db.
 */
export function renamedPocketbase(inv: Invocation, program: string, args: Field[], rt: Runtime): boolean {
  if (!program.includes('/') || !args.some((a) => a.value === 'migrate' || a.value === 'superuser')) return false;
  const abs = resolvePath(program, inv.cwd);
  const dirs = [...new Set([abs === null ? null : path.posix.dirname(abs), inv.cwd].filter((d): d is string => d !== null))];
  if (dirs.some((dir) => {
    const found = readAt(rt, dir, 'main.go');
    return found !== null && found !== undefined && found !== 'missing' && POCKETBASE_IMPORT.test(found.text);
  })) return true;
  // the main package elsewhere (`go build -o bin/app ./cmd/app && ./bin/app migrate down`): the
  // module of the line's directory requires PocketBase (realproj8, 2026-12-08)
  if (inv.cwd === null) return false;
  const mod = readAt(rt, inv.cwd, 'go.mod');
  return mod !== null && mod !== undefined && mod !== 'missing' && POCKETBASE_REQUIRE.test(mod.text.replace(/\/\/.*$/gm, ''));
}
