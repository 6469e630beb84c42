/**
 * Shell scripts run from a file: `bash|sh|dash|zsh|ksh FILE [args]` (after the shell's options),
 * `source FILE [args]` / `. FILE [args]`, and `./FILE`, `path/to/FILE` or `/abs/FILE` run as a
 * command where the file's first line is a `#!` naming sh, bash, dash, zsh or ksh (directly or
 * through `/usr/bin/env`) or is no `#!` at all (the shell runs such a file itself). Before
 * 2026-12-05 none was read: in a repository with an ignored `.env`, `git clean -fdx` typed
 * captured `.env` first, but `./scripts/reset.sh` whose text is `git clean -fdx` was "allow: no
 * destructive command found". Agents often write a script with their file tool, then run it.
 *
 * Now the file's text is judged as the shell runs it, exactly as a `bash -c` string is: a new
 * shell in the invoking command's directory with its exported variables, `$0` the file and `$1...`
 * the arguments (an unknown argument stays unknown); `source` runs it in the current shell (its
 * `cd` and variables carry on), with `$1...` the arguments where it is given some. The file is
 * read as bytes through the state view (StateView.file, src/util/nearest-file.ts: one read, no
 * git), resolved against the command's directory. What the policy does with it:
 *  - no such file: nothing runs (allow);
 *  - over SCRIPT_TEXT_LIMIT or unreadable: judged as before (unread), most are generated
 *    (autoconf's `./configure`); with a NUL byte past its first line: a command guard cannot see
 *    (reportOpaque: asked of a person, refused for an agent);
 *  - a binary (a NUL byte in its first line, as bash tells one): run as a command it is a program
 *    guard does not model, and `bash FILE`/`source FILE` refuse it (nothing runs): as before;
 *  - a `#!` naming another interpreter (python, node, perl ...): out of scope, judged by its
 *    command line as before (docs/command-guard.md, Known limits);
 *  - a script that runs or sources itself or another already being judged (a cycle) runs what is
 *    judged already; at most MAX_SCRIPT_FILES script texts per command line (past it, opaque),
 *    and the evaluator's depth bound.
 * An unknown command name in the script is a program of the build (CommandContext.inRecipe), as
 * in a makefile's recipe; everything else is judged as the same text typed.
 * A file zsh runs (a `#!` naming zsh, `zsh FILE`, sourced from a zsh script) is read with zsh's
 * parameter and glob forms (parse.ts Dialect; since 2026-12-07), `$ZSH_ARGZERO` the file.
 * `${BASH_SOURCE[0]}` is the file where bash runs it. A file the same command line wrote whole
 * from a heredoc guard knows (`cat > /tmp/x.sh <<'EOF' ... EOF; bash /tmp/x.sh`: expand.ts
 * writtenText) is judged by that text. Not read (judged as before): a file in a directory guard
 * cannot know (an unknown `cd`), and a file the same command line writes otherwise before running
 * it (its bytes on disk are not what runs).
 * Without a view of the file system (the programmatic API, the corpus) nothing is read.
 */
import path from 'node:path';
import type { Field } from './expand.js';
import { fileKeys, writtenText } from './expand.js';
import { resolvePath } from './paths.js';
import { reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { djangoManageFile, judgeInterpreterFile } from './scripts.js';
import { classifyMigrationTool } from './databases.js';

/** Bytes of a script file guard reads and judges (a script an agent writes is a few KB). */
export const SCRIPT_TEXT_LIMIT = 256 * 1024;
/** Script texts judged per command line (a script that sources others can fan out). */
export const MAX_SCRIPT_FILES = 200;
/** The shells whose scripts guard reads: the sh family the evaluator models. */
export const SCRIPT_SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh']);

type How = 'shell' | 'source' | 'command';

/** Script files being judged and how many were, per classification pass (the view is new each pass). */
const running = new WeakMap<object, { active: Set<string>; count: number }>();

/** What runs the file: `#!` naming a shell or none (the shell runs it), another interpreter, or a binary. */
export function runnerOf(text: string): 'shell' | 'other' | 'binary' {
  const firstLine = text.slice(0, Math.min(text.length, 80)).split('\n')[0] as string;
  if (firstLine.includes('\0')) return 'binary';
  if (!text.startsWith('#!')) return 'shell';
  return SCRIPT_SHELLS.has(interpreterOf(text)) ? 'shell' : 'other';
}

/** The program a `#!` line names (its basename, through env), '' for none. */
function interpreterOf(text: string): string {
  if (!text.startsWith('#!')) return '';
  const words = (text.slice(2).split('\n')[0] as string).trim().split(/[ \t]+/);
  let program = path.posix.basename(words[0] ?? '');
  if (program === 'env') {
    // `#!/usr/bin/env bash`, `#!/usr/bin/env -S bash -e`, `#!/usr/bin/env -i FOO=1 sh`.
    const rest = words.slice(1).filter((w) => !w.startsWith('-') && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
    program = path.posix.basename(rest[0] ?? '');
  }
  return program;
}

/**
 * The text of the file a command runs (`file`, a known word, resolved against the command's
 * directory), read through the state view: undefined while collecting (read before the next
 * pass), 'missing' where no such file exists (nothing runs), null where guard cannot know the
 * bytes that run (no view, a path it cannot resolve, a file the same line writes otherwise before
 * running it, over the view's 1 MiB, unreadable). A file the line wrote whole from a heredoc
 * guard knows (`cat > /tmp/x.sh <<'EOF' ... EOF; bash /tmp/x.sh`: expand.ts writtenText) is that text.
 */
export function readRunFile(inv: Invocation, file: string, rt: Runtime): { path: string; text: string } | 'missing' | null | undefined {
  const view = rt.ctx.view;
  if (!view) return null;
  const abs = resolvePath(file, inv.cwd);
  if (abs === null) return null;
  const written = fileKeys(file, [inv.cwd]).map((key) => writtenText(inv.state, key)).filter((t) => t !== undefined);
  const wrote = written.length > 0 ? (new Set(written).size === 1 ? written[0] : null) : undefined;
  if (wrote === null) return null;
  if (wrote !== undefined) return { path: abs, text: wrote };
  return view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
}

/**
 * Judges the script file `file` (a known word) as `how` runs it, with `args` its positional
 * parameters. Returns false where it is not a shell script guard reads (another interpreter's,
 * a binary, a file it cannot locate, no view): the caller judges the command as before.
 */
export function runScriptFile(inv: Invocation, file: string, args: Field[], rt: Runtime, how: How, errexit = false): boolean {
  const view = rt.ctx.view;
  const abs = resolvePath(file, inv.cwd);
  // A file this command line writes first: its bytes now are not what runs (readRunFile).
  const found = readRunFile(inv, file, rt);
  if (!view || abs === null) return false;
  if (found === undefined) return true; // collecting: read before the next pass
  if (found === 'missing') return true; // nothing runs
  const who = how === 'source' ? `${inv.argv[0]?.value ?? 'source'} ${file}` : how === 'shell' ? `${inv.argv[0]?.value ?? 'sh'} ${file}` : file;
  // A file guard cannot read (over the view's 1 MiB, unreadable) or a script over
  // SCRIPT_TEXT_LIMIT is judged as before script files were read (unread): most are generated
  // (autoconf's `./configure`, 0.5-2 MB in most C projects; bundled installers), which agents run
  // all day, and refusing them was new friction on what ran unread until 2026-12-05. What such a
  // script deletes of the ignored files, the session start's capture holds (docs/DECISIONS.md).
  if (found === null) return false;
  const text = found.text;
  // autoconf's config.status (`# Generated by configure.` on its second line), which the
  // configure run that wrote it left beside it: it rewrites the files configure made (Makefiles,
  // config.h, libtool) from their .in templates, as `./configure` does, and is judged as that
  // unread script is. automake's Makefiles run it whenever a Makefile.in is newer; read, its
  // `eval` of shell variables refused `make` for an agent (jq, 2026-12-07).
  if (path.posix.basename(found.path) === 'config.status' && /^#! ?\/[^\n]*\n# Generated by configure\.\n/.test(text)) return false;
  const runner = runnerOf(text);
  if (runner === 'binary') return how !== 'command'; // a program (as before), or a file the shell refuses
  // python, node, perl, ruby, php named by the `#!` line: its calls read as `python3 FILE` reads them (scripts.ts).
  if (runner === 'other' && how === 'command') {
    // `./manage flush`: a Django manage.py under another name, run by its `#!` line (scripts.ts djangoManageFile)
    if (/^python[0-9.]*$/.test(interpreterOf(text)) && path.posix.basename(found.path) !== 'manage.py' && djangoManageFile(text)) classifyMigrationTool(inv, 'manage.py', args, rt, file);
    return text.length <= SCRIPT_TEXT_LIMIT && judgeInterpreterFile(inv, interpreterOf(text), { path: found.path, text }, rt, file);
  }
  if (text.length > SCRIPT_TEXT_LIMIT) return false;
  if (text.includes('\0')) {
    reportOpaque(rt, `${who} runs the script ${abs}, which holds NUL bytes past its first line: guard cannot read it as text`, inv.source);
    return true;
  }
  const scope = view as object;
  let seen = running.get(scope);
  if (!seen) running.set(scope, (seen = { active: new Set(), count: 0 }));
  if (seen.active.has(abs)) return true; // a cycle: its text is being judged already
  if (++seen.count > MAX_SCRIPT_FILES) {
    if (seen.count === MAX_SCRIPT_FILES + 1) reportOpaque(rt, `the script files this runs run more than ${MAX_SCRIPT_FILES} others, more than guard follows`, inv.source);
    return true;
  }
  // read on the host, run in a container or pod: its paths are the container's (CommandContext.hostScript)
  const code = rt.ctx.hostScript ? rt.ctx.hostScript(text) : text;
  const origin = `${inv.source} (script ${abs})`;
  const via = `run by \`${who}\`: script ${found.path}`;
  // An unknown command name in the script (`$node test.js`, `${REDIS_SERVER} --port 0`,
  // `$CLANG_FORMAT -i`: set by the environment or a substitution) is a program of the repository's
  // build, as in a makefile's recipe (CommandContext.inRecipe), not opaque as typed: else the
  // projects' own test scripts were refused for an agent (babel's scripts/test.sh, hiredis' test.sh).
  const ctx = { ...rt.ctx, inRecipe: true };
  // `${BASH_SOURCE[0]}` is the file bash runs or sources, as given (`cd "$(dirname "${BASH_SOURCE[0]}")"`):
  // set where bash runs it (`bash FILE`, a `#!` naming bash, sourced from such a script); elsewhere unknown.
  const bash = how === 'shell' ? path.posix.basename(inv.argv[0]?.value ?? '') === 'bash' : how === 'command' ? interpreterOf(text) === 'bash' : inv.state.vars.has('BASH_SOURCE');
  // zsh runs it (`zsh FILE`, a `#!` naming zsh, sourced from a zsh script, which sets ZSH_ARGZERO):
  // read with zsh's parameter and glob forms (parse.ts Dialect), `$ZSH_ARGZERO` the file.
  const zsh = how === 'shell' ? path.posix.basename(inv.argv[0]?.value ?? '') === 'zsh' : how === 'command' ? interpreterOf(text) === 'zsh' : inv.state.vars.has('ZSH_ARGZERO');
  const dialect = zsh ? ('zsh' as const) : undefined;
  seen.active.add(abs);
  try {
    if (how === 'source') {
      const state = inv.state;
      const saved = state.positional;
      const savedSource = state.vars.get('BASH_SOURCE');
      if (args.length > 0) state.positional = args.some((a) => a.value === null && a.splittable) ? null : [saved?.[0] ?? null, ...args.map((a) => a.value)];
      if (bash) state.vars.set('BASH_SOURCE', { value: file, exported: false });
      try {
        rt.shell(code, { cwd: inv.cwd, state, via, ctx, ...(dialect ? { dialect } : {}) }, origin);
      } finally {
        if (args.length > 0) state.positional = saved;
        if (savedSource) state.vars.set('BASH_SOURCE', savedSource);
      }
    } else {
      const unknownCount = args.some((a) => a.value === null && a.splittable);
      const vars = bash ? new Map([['BASH_SOURCE', file]]) : zsh ? new Map([['ZSH_ARGZERO', file]]) : null;
      rt.shell(code, { cwd: inv.cwd, env: inv.env, positional: unknownCount ? null : [file, ...args.map((a) => a.value)], ...(vars ? { vars } : {}), ...(dialect ? { dialect } : {}), via, ctx, errexit: errexit || (how === 'command' && /^#![^\n]*[ \t]-[a-z]*e[a-z]*[ \t]*(\n|$)/.test(text)) }, origin);
    }
  } finally {
    seen.active.delete(abs);
  }
  return true;
}
