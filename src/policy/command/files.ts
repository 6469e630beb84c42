/**
 * Commands that delete or write files by name: rm and its relatives (unlink, shred, truncate,
 * rimraf), find -delete / -exec, the writers (cp, mv, ln, install, tee, sed -i, rsync, chmod,
 * dd) and the disk tools (mkfs, wipefs, fdisk ...). Each operand is judged by targets.ts; the
 * work here is knowing each tool's options well enough to find its operands (GNU tools accept
 * options after operands; `--` ends options).
 */
import path from 'node:path';
import { shownEscaped } from '../../util/escaped-text.js';
import { fileKeys, knownField, unknownField, type Field } from './expand.js';
import { containsGuardFiles, guardFile, isGitDirPath, isUnder, resolvePath } from './paths.js';
import { makeVerdict, opaqueKind } from './rules.js';
import { report, reportOpaque, type Invocation, type Runtime } from './runtime.js';
import { classifyFind } from './find.js';
import { checkOverlay } from './overlay.js';
import { checkTruncateTarget, checkWriteGlob } from './write-targets.js';
import { checkDeleteTarget, checkMoveSource, checkWriteTarget, movesOut, type WriteOptions } from './targets.js';
import type { CommandContext } from './types.js';
import { GLOB_EXPANSION_LIMIT } from './state.js';
import { scanGnuArgs } from './gnu-args.js';
import { classifyRemoteRsyncDelete } from './remote-shell.js';

export const FILE_COMMANDS = new Set([
  // Windows spellings agents emit (cmd.exe's del/erase/rmdir/rd, PowerShell's Remove-Item and its alias ri).
  'del', 'erase', 'rmdir', 'rd', 'remove-item', 'ri',
  'rm', 'unlink', 'rimraf', 'del-cli', 'premove', 'trash', 'trash-put', 'shred', 'srm', 'truncate', 'find', 'cp', 'mv', 'ln', 'install', 'tee', 'sed', 'gsed', 'rsync',
  'chmod', 'chown', 'chgrp', 'dd', 'mkswap', 'wipefs', 'fdisk', 'sfdisk', 'cfdisk', 'gdisk', 'sgdisk', 'parted', 'blkdiscard',
]);

interface Operands {
  /** Option words (with their arguments folded in as `--opt=value` or separate entries in `args`). */
  flags: string[];
  /** Values of options that take an argument, by option name (`-t`, `--target-directory`). */
  args: Map<string, Field>;
  operands: Field[];
}

/**
 * GNU-style argument split: options anywhere before `--`, operands everywhere else. `shortArgs`
 * lists letters whose option takes an argument, `longArgs` long names that do (without --).
 */
function splitArgs(args: Field[], shortArgs: string, longArgs: string[]): Operands {
  const { options, operands } = scanGnuArgs(args, { shortValues: shortArgs, longValues: longArgs, longFlags: [], inline: true, prefixes: false, missing: unknownField('') });
  const values = new Map<string, Field>();
  for (const option of options) if (option.value !== null) values.set(option.name, option.value);
  return { flags: options.map((o) => o.name), args: values, operands };
}

/**
 * A chmod mode that cannot take the owner's access away: symbolic clauses that only add (`+x`,
 * `u+rw,go+r`), or digits whose owner part is 7 (`755`, `0700`). Anything else (`000`, `644` on a
 * directory, `u-r`, `a=`) may, and `chmod` of guard's own files with it is refused for an agent.
 */
function chmodOnlyKeepsOwnerAccess(mode: string | null): boolean {
  if (mode === null) return false;
  const digits = /^0*([0-7]{1,4})$/.exec(mode);
  if (digits) {
    const d = digits[1]!.padStart(3, '0');
    return d[d.length - 3] === '7';
  }
  return mode.split(',').every((clause) => /^[ugoa]*\+[rwxXst]*$/.test(clause));
}

function has(parsed: Operands, ...names: string[]): boolean {
  return names.some((name) => parsed.flags.includes(name));
}

export function classifyFileCommand(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (args.some((a) => a.value === '--help' || a.value === '--version')) return;
  switch (name) {
    case 'rm':
    case 'srm':
      return deleteOperands(inv, rt, splitArgs(args, '', ['interactive']), (p) => has(p, '-r', '-R', '--recursive'), 'rm');
    case 'unlink':
      return deleteOperands(inv, rt, splitArgs(args, '', []), () => false, 'unlink');
    case 'rimraf':
    case 'del-cli':
    case 'premove': // package scripts' rimraf-alike (vite's `premove dist`)
    case 'trash': // trash-cli (sindresorhus): to the desktop's trash, which no rollback reaches; directories whole
    case 'trash-put':
      return deleteOperands(inv, rt, splitArgs(args, '', []), () => true, name);
    case 'shred': {
      const parsed = splitArgs(args, 'nsx', ['iterations', 'size', 'random-source', 'remove']);
      return deleteOperands(inv, rt, parsed, () => false, 'shred', 'shreds', true);
    }
    case 'truncate': {
      const parsed = splitArgs(args, 'sr', ['size', 'reference']);
      return deleteOperands(inv, rt, parsed, () => false, 'truncate', 'truncates', true);
    }
    case 'del':
    case 'erase':
    case 'rmdir':
    case 'rd':
      return classifyWindowsDelete(inv, name, args, rt);
    case 'remove-item':
    case 'ri':
      return classifyRemoveItem(inv, args, rt);
    case 'find':
      return classifyFind(inv, args, rt);
    case 'cp':
    case 'install':
    case 'ln':
    case 'mv':
      return classifyCopy(inv, name, args, rt);
    case 'tee': {
      const parsed = splitArgs(args, '', []);
      // `tee -a` appends: the old content stays.
      const append = has(parsed, '-a', '--append');
      for (const file of parsed.operands) writeCheck(inv, rt, file, `tee writes ${file.display}`, { append });
      return;
    }
    case 'sed':
    case 'gsed':
      return classifySed(inv, args, rt);
    case 'rsync':
      return classifyRsync(inv, args, rt);
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const parsed = splitArgs(args, '', ['reference']);
      // The mode may be written like an option (-x) or as the first operand: check every operand.
      const harmless = name === 'chmod' && !parsed.args.has('--reference') && chmodOnlyKeepsOwnerAccess(parsed.operands[0]?.value ?? null);
      for (const file of parsed.operands) {
        const abs = resolvePath(file.value, inv.cwd);
        if (abs && isGitDirPath(abs, rt.ctx)) {
          report(rt, 'deny', 'git-dir-write', `${name} changes ${file.display}, inside the git directory (it can switch hooks off)`, inv.source);
          continue;
        }
        // An agent's `chmod 000 .claude/settings.local.json` (or of .claude, or chown to someone
        // else) leaves the agent unable to read its hook settings: its next session runs unguarded.
        const own = abs && rt.ctx.isAgent && !harmless ? (guardFile(abs, rt.ctx) ?? containsGuardFiles(abs, rt.ctx)) : null;
        if (own) report(rt, 'deny', 'guard-self', `${name} ${file.display} changes who may read ${own}, which configures guard or an agent's hooks (unreadable, the agent's next session runs without guard)`, inv.source);
      }
      return;
    }
    case 'dd':
      for (const arg of args) {
        if (arg.value === null) {
          // `bs=$i`, `count=$((n/512))`: an operand of a known name other than of=, one word
          // (quoted, or a number): it changes how much is copied, not where to (jq's tests/shtest).
          if (!arg.splittable && /^(bs|ibs|obs|cbs|count|skip|seek|iseek|oseek|status|iflag|oflag|conv|if)=/.test(arg.display)) continue;
          reportOpaque(rt, `dd is given ${arg.display}, an operand guard cannot see`, inv.source);
          continue;
        }
        // dd truncates its output file first (unless conv=notrunc), then overwrites it.
        if (arg.value.startsWith('of=')) truncateCheck(inv, rt, knownField(arg.value.slice(3)), 'dd overwrites');
      }
      return;
    default:
      return classifyDiskTool(inv, name, args, rt);
  }
}

function truncateCheck(inv: Invocation, rt: Runtime, field: Field, verb: string): void {
  const verdict = checkTruncateTarget(field, inv.cwd, rt.ctx, inv.source, verb);
  if (verdict) rt.report(verdict);
}

function writeCheck(inv: Invocation, rt: Runtime, field: Field, what: string, options: WriteOptions = {}): void {
  const verdict = field.glob || (field.listed && !options.append) ? checkWriteGlob(field, inv.cwd, rt.ctx, inv.source, what) : checkWriteTarget(field, inv.cwd, rt.ctx, inv.source, what, options);
  if (verdict) rt.report(verdict);
}

function deleteOperands(inv: Invocation, rt: Runtime, parsed: Operands, recursive: (p: Operands) => boolean, tool: string, verb = 'deletes', follow = false): void {
  const isRecursive = recursive(parsed);
  for (const operand of parsed.operands) {
    rt.report(checkDeleteTarget(operand, inv.cwd, rt.ctx, inv.source, { recursive: isRecursive, verb: `${tool} ${verb}`, follow }));
  }
}

/**
 * cmd.exe's `del`/`erase` (files; `/s` also in subdirectories) and `rmdir`/`rd` (`/s`: the whole
 * tree; without it only an empty directory). Switches are `/x` words, never paths. On a POSIX
 * system `rmdir` is the empty-directory tool: without `/s` it deletes nothing of value.
 */
function classifyWindowsDelete(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const isSwitch = (f: Field): boolean => f.value !== null && /^\/[A-Za-z](:[A-Za-z-]*)?$/.test(f.value);
  const switches = args.filter(isSwitch).map((f) => (f.value as string).toLowerCase());
  const recursive = switches.some((s) => s === '/s');
  const operands = args.filter((f) => !isSwitch(f) && !(f.value !== null && f.value.startsWith('-')));
  if ((name === 'rmdir' || name === 'rd') && !recursive) return;
  for (const operand of operands) {
    rt.report(checkDeleteTarget(operand, inv.cwd, rt.ctx, inv.source, { recursive: recursive || name === 'del' || name === 'erase', verb: `${name} deletes` }));
  }
}

/**
 * PowerShell's Remove-Item (alias ri): parameters are case-insensitive and may be shortened
 * (`-r`, `-Rec`, `-fo`); `-Path`/`-LiteralPath` name what goes, as does every positional word;
 * a comma separates several paths.
 */
function classifyRemoveItem(inv: Invocation, args: Field[], rt: Runtime): void {
  const withValue = ['path', 'literalpath', 'filter', 'include', 'exclude', 'credential', 'stream'];
  let recursive = false;
  const paths: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value !== null && /^-[A-Za-z]/.test(value)) {
      const param = value.slice(1).replace(/:.*$/, '').toLowerCase();
      if ('recurse'.startsWith(param) && param.length >= 1) recursive = true;
      const takes = withValue.find((name) => name.startsWith(param) && param.length >= 2);
      if (takes && !value.includes(':')) {
        const next = args[++i];
        if (next && (takes === 'path' || takes === 'literalpath')) paths.push(next);
      }
      continue;
    }
    paths.push(field);
  }
  for (const field of paths) {
    const parts = field.value === null ? [field] : field.value.split(',').filter((p) => p !== '').map((p) => (p === field.value ? field : knownField(p)));
    for (const part of parts) {
      // A directory without -Recurse is not deleted without a confirmation prompt: judge it as if it were.
      rt.report(checkDeleteTarget(part, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: `Remove-Item${recursive ? ' -Recurse' : ''} deletes` }));
    }
  }
}

function classifyCopy(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const parsed = splitArgs(args, name === 'install' ? 'tSmogC' : 'tS', ['target-directory', 'suffix', 'backup', 'mode', 'owner', 'group', 'context', 'sparse', 'reflink', 'preserve', 'no-preserve']);
  if (name === 'install' && has(parsed, '-d', '--directory')) {
    for (const dir of parsed.operands) writeCheck(inv, rt, dir, `install creates ${dir.display}`);
    return;
  }
  const target = parsed.args.get('-t') ?? parsed.args.get('--target-directory');
  const dest = target ?? parsed.operands[parsed.operands.length - 1];
  if (!dest) return;
  const verb = name === 'mv' ? 'moves' : name === 'ln' ? 'links' : 'copies';
  const sources = expandSources(inv, rt, target ? parsed.operands : parsed.operands.slice(0, -1), dest, name, verb);
  if (name === 'mv') {
    // Out of the repository, a move deletes its source there (checkMoveSource).
    const out = movesOut(dest, inv.cwd, rt.ctx) ? dest.display : null;
    for (const source of sources) {
      const verdict = checkMoveSource(source, inv.cwd, rt.ctx, inv.source, out);
      if (verdict) rt.report(verdict);
    }
  }
  // The old file stays (`cp -n`, `--backup`, `ln` without -f, which fails on an existing name): replacing
  // a file outside the repository is refused otherwise (targets.ts replacesOutside). `install` is
  // left free there too: replacing what an earlier `make install` put in PREFIX/bin is its purpose.
  const keepsOld =
    has(parsed, '-n', '--no-clobber', '-b', '--backup') ||
    parsed.args.has('--backup') ||
    args.some((a) => a.value === '--update=none') ||
    (name === 'ln' && !has(parsed, '-f', '--force')) ||
    name === 'install';
  writeCheck(inv, rt, dest, `${name} ${verb} into ${dest.display}`, { keepsOld });
  // `cp /dev/null file` empties the file.
  if (name === 'cp' && !target && sources.length === 1 && sources[0]?.value === '/dev/null') truncateCheck(inv, rt, dest, 'cp /dev/null empties');
  // Into a directory: the file lands at dest/<name>, which may be a file guard protects.
  if (dest.value !== null && !dest.glob) {
    for (const source of sources.length > 0 ? sources : []) {
      if (source.value === null || source.glob) continue;
      const landing = path.posix.join(dest.value, path.posix.basename(source.value));
      const verdict = checkWriteTarget(knownField(landing), inv.cwd, rt.ctx, inv.source, `${name} ${verb} ${source.display} to ${shownEscaped(landing)}`, { keepsOld });
      // A refusal, or an ignored file there that the copy replaces (captured first).
      if (verdict && (verdict.verdict === 'deny' || verdict.rule === 'overwrite-ignored')) rt.report(verdict);
    }
  }
  if (name === 'cp' && has(parsed, '-r', '-R', '--recursive', '-a', '--archive')) copiedTrees(inv, rt, sources, target ?? dest, target === undefined && has(parsed, '-T', '--no-target-directory'), noClobber(parsed));
}

/**
 * The sources as bash hands them to the command: a source glob (`cp dist/* .`, `mv dist/a* ./`)
 * becomes the words it matches on disk (GlobExpansion, read before the landings are noted), each
 * then judged as a literal source (where it lands, what it replaces, a recursive copy's tree, a
 * move's source); one that matches nothing stays the word as written, as bash leaves it. Before,
 * every source glob was passed over: an ignored `./app.log` replaced by `cp dist/* .` was not
 * captured. Only where the copy can land in the repository (its destination is in it, or above
 * it) or a move takes from it. Expanded by the same expander as a `for` loop's glob
 * (StateView.loopGlob, src/util/shell-glob.ts). A glob it cannot expand (more than
 * GLOB_EXPANSION_LIMIT words, more than its directory bound, a form it does not read exactly) is a
 * path guard cannot know: refused for an agent, asked of a person (opaqueKind).
 */
function expandSources(inv: Invocation, rt: Runtime, sources: Field[], dest: Field, name: string, verb: string): Field[] {
  const { ctx } = rt;
  const root = ctx.repoRoot;
  if (!ctx.view || ctx.view.mode === 'text' || !root || inv.cwd === null || !sources.some((s) => s.glob && s.pattern !== null)) return sources;
  const reaches = (value: string | null): boolean => {
    const abs = resolvePath(value, inv.cwd);
    return abs !== null && (isUnder(abs, root) || isUnder(root, abs));
  };
  const landsHere = dest.value !== null && !dest.glob && reaches(dest.value);
  const out: Field[] = [];
  for (const source of sources) {
    if (!source.glob || source.pattern === null || !(landsHere || (name === 'mv' && reaches(source.pattern)))) {
      out.push(source);
      continue;
    }
    const words = ctx.view.globWords({ cwd: inv.cwd, pattern: source.pattern, limit: GLOB_EXPANSION_LIMIT });
    if (words === undefined) {
      out.push(source);
      continue;
    }
    if (words === null) {
      const why = `a pattern guard cannot expand before the command runs (it matches more than ${GLOB_EXPANSION_LIMIT.toLocaleString('en-US')} names, reads more directories than guard reads before a command, or uses a form guard does not expand exactly, such as [[:alpha:]]), so what it replaces is not known`;
      rt.report(makeVerdict(opaqueKind(ctx.isAgent), 'opaque-command', `${name} ${verb} ${source.display}, ${why}`, inv.source, `Name the files (or a narrower pattern), or copy the directory itself (cp -r dir/. ${dest.display}), so guard can see what lands where; or ask the person to run it.`));
      out.push(source);
      continue;
    }
    // Nothing matches: bash passes the word as written.
    if (words.length === 0) out.push({ ...knownField(source.value as string), display: source.display });
    else for (const word of words) out.push({ ...knownField(word), display: shownEscaped(word) });
  }
  return out;
}

/** `cp -n`, `--no-clobber`, `--update=none`: nothing that exists is replaced. */
function noClobber(parsed: Operands): boolean {
  return has(parsed, '-n', '--no-clobber') || parsed.args.get('--update')?.value === 'none' || parsed.args.get('--update')?.value === 'none-fail';
}

/**
 * A directory copied recursively over an existing one (`cp -r tpl/. .`): the ignored files it
 * replaces there are captured first (overlay.ts). `into` is where cp puts the tree: the
 * destination itself with -T, else a directory named after the source inside an existing one.
 */
function copiedTrees(inv: Invocation, rt: Runtime, sources: Field[], dest: Field, intoItself: boolean, keeps: boolean): void {
  overlaySources(inv, rt, sources, dest, 'cp', (source, from, contents) => ({ from, followFrom: contents, name: intoItself ? null : path.posix.basename(source), keeps }));
}

/**
 * Each source of a recursive copy (cp, rsync) judged by checkOverlay against the destination;
 * `place` says where the tool puts that source's tree (or, with from: null, that every ignored
 * file under the destination counts). Sources and destinations guard cannot see are skipped.
 */
function overlaySources(inv: Invocation, rt: Runtime, sources: Field[], dest: Field, tool: string, place: (source: string, from: string, contents: boolean) => { from: string | null; followFrom?: boolean; name: string | null; namedWhenNew?: boolean; keeps?: boolean }): void {
  if (dest.value === null || dest.glob) return;
  const destAbs = resolvePath(dest.value, inv.cwd);
  if (destAbs === null) return;
  prefetchLandings(rt.ctx, destAbs, sources);
  for (const source of sources) {
    if (source.value === null || source.glob) continue;
    const from = resolvePath(source.value, inv.cwd);
    if (from === null) continue;
    const verdict = checkOverlay({ ...place(source.value, from, /\/\.?$/.test(source.value)), dest: destAbs, what: `${tool} copies ${source.display} into ${dest.display}` }, rt.ctx, inv.source);
    if (verdict) rt.report(verdict);
  }
}

/**
 * Several directories copied into one (`cp -r dist/* .`, the words of a glob): the ignored files
 * under each directory they land on are listed in one go (StateProbe.ignoredUnderAll), not one
 * listing per directory, so the cost does not grow with the words. Only existing directories of
 * the repository, named after a source, are asked (where cp puts a directory copied into one).
 */
function prefetchLandings(ctx: CommandContext, destAbs: string, sources: Field[]): void {
  const view = ctx.view;
  const probe = view?.probe;
  if (!view || !probe?.ignoredUnderAll || sources.length < 2) return;
  const dirs: string[] = [];
  for (const source of sources) {
    if (source.value === null || source.glob) continue;
    const facts = view.path(path.posix.join(destAbs, path.posix.basename(source.value)), false);
    if (facts?.followedExists && facts.followedIsDir && !facts.emptyDir) dirs.push(facts.followed);
  }
  probe.ignoredUnderAll(dirs);
}

function classifySed(inv: Invocation, args: Field[], rt: Runtime): void {
  const parsed = splitArgs(args, 'efl', ['expression', 'file', 'line-length']);
  const inPlace = parsed.flags.some((f) => f === '-i' || f === '--in-place');
  // Every -e / --expression script (the parsed map keeps only the last one).
  const scripts: Field[] = [];
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value;
    if ((value === '-e' || value === '--expression') && args[i + 1]) scripts.push(args[i + 1] as Field);
    else if (value?.startsWith('--expression=')) scripts.push(knownField(value.slice('--expression='.length)));
    else if (value !== null && value !== undefined && /^-[^-]*e./.test(value)) scripts.push(knownField(value.slice(value.indexOf('e') + 1)));
  }
  let files = parsed.operands;
  if (scripts.length === 0 && !parsed.args.has('-f') && !parsed.args.has('--file') && files[0]) {
    scripts.push(files[0]);
    files = files.slice(1);
  }
  for (const script of scripts) {
    if (script.value !== null && sedExecutes(script.value)) reportOpaque(rt, 'the sed script runs shell commands (the e command or the s///e flag)', inv.source);
  }
  if (!inPlace) return;
  for (const file of files) writeCheck(inv, rt, file, `sed -i edits ${file.display}`, { edits: true });
}

/** GNU sed's `e` command and `s///e` flag run shell commands. */
export function sedExecutes(script: string): boolean {
  if (/(^|[;\n{}])\s*(\d+|\$|\/[^/]*\/)?\s*!?\s*e(\s|;|$)/.test(script)) return true;
  const substitution = /s([^\w\s\\])(?:\\.|(?!\1)[^\\])*\1(?:\\.|(?!\1)[^\\])*\1([a-zA-Z0-9]*)/g;
  for (const match of script.matchAll(substitution)) if ((match[2] ?? '').includes('e')) return true;
  return false;
}

function classifyRsync(inv: Invocation, args: Field[], rt: Runtime): void {
  const withArg = ['rsh', 'rsync-path', 'exclude', 'include', 'filter', 'files-from', 'exclude-from', 'include-from', 'temp-dir', 'backup-dir', 'suffix', 'chmod', 'log-file', 'password-file', 'compare-dest', 'link-dest', 'copy-dest', 'partial-dir', 'port', 'timeout', 'max-size', 'min-size', 'bwlimit', 'out-format', 'chown', 'usermap', 'groupmap'];
  const parsed = splitArgs(args, 'efTBM', withArg);
  const rsh = parsed.args.get('-e') ?? parsed.args.get('--rsh');
  if (rsh) {
    if (rsh.value === null) reportOpaque(rt, 'rsync -e runs a command guard cannot see', inv.source);
    else rt.shell(rsh.value, { cwd: inv.cwd, env: inv.env }, inv.source);
  }
  const operands = parsed.operands;
  if (operands.length < 2) return;
  const dest = operands[operands.length - 1] as Field;
  const sources = operands.slice(0, -1);
  const remote = (f: Field): boolean => f.value !== null && /^[^/]*:/.test(f.value) && !f.value.startsWith('./');
  // --del, --delete, --delete-before|during|delay|after|excluded|missing-args (not --delay-updates).
  const deletes = parsed.flags.some((f) => /^--del(ete(-[a-z-]+)?)?$/.test(f));
  const dryRun = has(parsed, '--dry-run', '-n', '--list-only');
  // into another machine: what --delete deletes there is outside every snapshot (remote-shell.ts)
  if (remote(dest) && deletes && !dryRun) classifyRemoteRsyncDelete(inv, dest.value as string, rt);
  // --files-from: only the listed paths below each source are sent (and deleted by --remove-source-files, kept
  // in step by --delete below the destination); the list read where guard can, else every source whole
  const removes = has(parsed, '--remove-source-files', '--remove-sent-files') && !dryRun;
  const listed = parsed.flags.includes('--files-from') && ((deletes && !dryRun) || removes) ? rsyncFilesFrom(inv, rt, parsed) : null;
  if (listed === 'collecting') return;
  const below = (f: Field): Field[] => (listed === null || f.value === null || f.glob ? [f] : listed.map((entry) => knownField(path.posix.join(f.value as string, entry))));
  if (!remote(dest)) {
    if (deletes && !dryRun) for (const target of below(dest)) rt.report(checkDeleteTarget(target, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: 'rsync --delete deletes files in' }));
    else writeCheck(inv, rt, dest, `rsync writes into ${dest.display}`);
    if (!has(parsed, '--dry-run', '-n', '--list-only', '--ignore-existing')) rsyncFileLandings(inv, rt, sources, dest, remote);
    // --existing updates only files that exist (it replaces them); --ignore-existing only adds new ones.
    if (has(parsed, '-r', '-a', '--recursive', '--archive') && !has(parsed, '--dry-run', '-n', '--list-only')) rsyncTrees(inv, rt, sources.filter((s) => !remote(s)), dest, has(parsed, '-R', '--relative'), has(parsed, '--ignore-existing'));
  }
  // --remove-sent-files: rsync 2's name for it, which rsync 3 still accepts.
  if (removes) {
    for (const source of sources) {
      if (!remote(source)) for (const target of below(source)) rt.report(checkDeleteTarget(target, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: 'rsync --remove-source-files deletes' }));
    }
  }
}

/** Entries of an rsync --files-from list guard judges one by one, at most; a longer list is judged as the sources whole. */
const RSYNC_LIST_LIMIT = 256;

/**
 * The paths an rsync `--files-from=FILE` list names (relative to each source, as rsync reads them:
 * one a line, or NUL-separated with `--from0`/`-0`; blank lines and lines starting with `#` or `;`
 * skipped, a leading `/` dropped), 'collecting' while the file is being read, or null where guard
 * cannot read it: stdin (`-`), a file on another machine (`host:list`), a name it cannot see, one
 * the line writes first, none there, too large, or more than RSYNC_LIST_LIMIT entries. Null judges
 * the sources (and the destination) whole, as before 2026-12-07: `rsync -a --remove-source-files
 * --files-from=- ./ /tmp/x` is still refused as deleting the repository.
 */
function rsyncFilesFrom(inv: Invocation, rt: Runtime, parsed: Operands): string[] | 'collecting' | null {
  const file = parsed.args.get('--files-from')?.value;
  const view = rt.ctx.view;
  if (file === null || file === undefined || file === '' || file === '-' || /^[^/]*:/.test(file) || !view || view.mode === 'text') return null;
  const abs = resolvePath(file, inv.cwd);
  if (abs === null || fileKeys(abs, [inv.cwd]).some((key) => inv.state.written.has(key))) return null;
  const found = view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
  if (found === undefined) return 'collecting';
  if (found === null || found === 'missing') return null;
  const nul = has(parsed, '--from0', '-0');
  const entries = found.text
    .split(nul ? '\0' : '\n')
    .filter((line) => line !== '' && (nul || !/^[#;]/.test(line)))
    .map((line) => line.replace(/^\/+/, ''))
    .filter((line) => line !== '');
  return entries.length > RSYNC_LIST_LIMIT ? null : entries;
}

/**
 * Files rsync copies into an existing directory (`rsync -av /tmp/x/.env .`, `rsync host:conf/.env
 * ./`): each lands at dest/<its name>, as cp's do, and an ignored file there is replaced. Judged as
 * cp judges that landing (checkWriteTarget: a refusal, or the ignored file captured first). Until
 * 2026-12-05 only the destination itself was looked at, so `.env` was replaced with no capture. A
 * source ending in `/` copies a directory's contents (rsyncTrees); a remote source lands under the
 * name after its `host:`. Where dest is no directory, dest/<name> does not exist and costs nothing
 * more than the destination's own facts (no git process: the landing joins the line's batch).
 */
function rsyncFileLandings(inv: Invocation, rt: Runtime, sources: Field[], dest: Field, remote: (f: Field) => boolean): void {
  if (dest.value === null || dest.glob) return;
  for (const source of sources) {
    if (source.value === null || source.glob) continue;
    const from = remote(source) ? source.value.slice(source.value.indexOf(':') + 1) : source.value;
    const name = path.posix.basename(from);
    if (from.endsWith('/') || name === '' || name === '.' || name === '..') continue;
    const landing = path.posix.join(dest.value, name);
    const verdict = checkWriteTarget(knownField(landing), inv.cwd, rt.ctx, inv.source, `rsync copies ${source.display} to ${shownEscaped(landing)}`);
    if (verdict && (verdict.verdict === 'deny' || verdict.rule === 'overwrite-ignored')) rt.report(verdict);
  }
}

/**
 * Directories rsync copies over an existing one (`rsync -a tpl/ ./`): the ignored files they
 * replace are captured first (overlay.ts). `src/` lands in the destination itself, `src` in a
 * directory of its name there; with --relative the whole path as written goes below the
 * destination, so every ignored file under it counts, as for an archive.
 */
function rsyncTrees(inv: Invocation, rt: Runtime, sources: Field[], dest: Field, relative: boolean, keeps: boolean): void {
  overlaySources(inv, rt, sources, dest, 'rsync', (source, from, contents) =>
    relative ? { from: null, name: null, keeps } : { from, followFrom: contents, name: contents ? null : path.posix.basename(source), namedWhenNew: true, keeps },
  );
}

function classifyDiskTool(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const parsed = splitArgs(args, 'tLbcCIOUmgN', []);
  const listing =
    (name === 'fdisk' && has(parsed, '-l', '--list')) ||
    (name === 'sfdisk' && has(parsed, '-l', '--list', '-d', '--dump', '-s', '--show-size')) ||
    (name === 'parted' && has(parsed, '-l', '--list')) ||
    (name === 'wipefs' && !has(parsed, '-a', '--all', '-o', '--offset'));
  if (listing) return;
  for (const operand of parsed.operands) {
    if (operand.value === null) {
      reportOpaque(rt, `${name} is given ${operand.display}, a device or file guard cannot see`, inv.source);
      continue;
    }
    const abs = resolvePath(operand.value, inv.cwd);
    if (abs && abs.startsWith('/dev/')) report(rt, 'deny', 'device-write', `${name} writes the device ${abs}`, inv.source);
    else if (abs && (abs.startsWith('/') || operand.value.includes('/') || operand.value.includes('.'))) writeCheck(inv, rt, operand, `${name} writes ${operand.display}`);
  }
}
