/**
 * Commands that delete or write files by name: rm and its relatives (unlink, shred, truncate,
 * rimraf), find -delete / -exec, the writers (cp, mv, ln, install, tee, sed -i, rsync, chmod,
 * dd) and the disk tools (mkfs, wipefs, fdisk ...). Each operand is judged by targets.ts; the
 * work here is knowing each tool's options well enough to find its operands (GNU tools accept
 * options after operands; `--` ends options).
 */
import path from 'node:path';
import { knownField, unknownField, type Field } from './expand.js';
import { classifyPath, globMatch, isGitDirPath, picomatch, resolvePath } from './paths.js';
import { makeVerdict } from './rules.js';
import { report, reportOpaque, sub, type Invocation, type Runtime } from './runtime.js';
import { checkTruncateTarget, checkWriteGlob } from './write-targets.js';
import { checkDeleteAbs, checkDeleteTarget, checkMoveSource, checkWriteTarget, deleteLocation, GIT_INTERNAL_NAMES } from './targets.js';
import type { CommandContext } from './types.js';

export const FILE_COMMANDS = new Set([
  // Windows spellings agents emit (cmd.exe's del/erase/rmdir/rd, PowerShell's Remove-Item and its alias ri).
  'del', 'erase', 'rmdir', 'rd', 'remove-item', 'ri',
  'rm', 'unlink', 'rimraf', 'del-cli', 'shred', 'srm', 'truncate', 'find', 'cp', 'mv', 'ln', 'install', 'tee', 'sed', 'gsed', 'rsync',
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
  const flags: string[] = [];
  const values = new Map<string, Field>();
  const operands: Field[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const field = args[i] as Field;
    const value = field.value;
    if (value === '--') {
      operands.push(...args.slice(i + 1));
      break;
    }
    if (value === null || !value.startsWith('-') || value === '-') {
      operands.push(field);
      continue;
    }
    if (value.startsWith('--')) {
      const eq = value.indexOf('=');
      const name = eq === -1 ? value : value.slice(0, eq);
      flags.push(name);
      if (eq !== -1) values.set(name, knownField(value.slice(eq + 1)));
      else if (longArgs.includes(name.slice(2))) {
        values.set(name, args[i + 1] ?? unknownField(''));
        i++;
      }
      continue;
    }
    const letters = value.slice(1);
    for (let j = 0; j < letters.length; j++) {
      const letter = letters[j] as string;
      flags.push(`-${letter}`);
      if (shortArgs.includes(letter)) {
        const rest = letters.slice(j + 1);
        if (rest !== '') values.set(`-${letter}`, knownField(rest));
        else {
          values.set(`-${letter}`, args[i + 1] ?? unknownField(''));
          i++;
        }
        break;
      }
    }
  }
  return { flags, args: values, operands };
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
      for (const file of parsed.operands) writeCheck(inv, rt, file, `tee writes ${file.display}`);
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
      for (const file of parsed.operands) {
        const abs = resolvePath(file.value, inv.cwd);
        if (abs && isGitDirPath(abs, rt.ctx)) {
          report(rt, 'deny', 'git-dir-write', `${name} changes ${file.display}, inside the git directory (it can switch hooks off)`, inv.source);
        }
      }
      return;
    }
    case 'dd':
      for (const arg of args) {
        if (arg.value === null) {
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

function writeCheck(inv: Invocation, rt: Runtime, field: Field, what: string): void {
  const verdict = field.glob ? checkWriteGlob(field, inv.cwd, rt.ctx, inv.source, what) : checkWriteTarget(field, inv.cwd, rt.ctx, inv.source, what);
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
  const sources = target ? parsed.operands : parsed.operands.slice(0, -1);
  const dest = target ?? parsed.operands[parsed.operands.length - 1];
  if (!dest) return;
  const verb = name === 'mv' ? 'moves' : name === 'ln' ? 'links' : 'copies';
  if (name === 'mv') {
    for (const source of sources) {
      const verdict = checkMoveSource(source, inv.cwd, rt.ctx, inv.source);
      if (verdict) rt.report(verdict);
    }
  }
  writeCheck(inv, rt, dest, `${name} ${verb} into ${dest.display}`);
  // `cp /dev/null file` empties the file.
  if (name === 'cp' && !target && sources.length === 1 && sources[0]?.value === '/dev/null') truncateCheck(inv, rt, dest, 'cp /dev/null empties');
  // Into a directory: the file lands at dest/<name>, which may be a file guard protects.
  if (dest.value !== null && !dest.glob) {
    for (const source of sources.length > 0 ? sources : []) {
      if (source.value === null || source.glob) continue;
      const landing = path.posix.join(dest.value, path.posix.basename(source.value));
      const verdict = checkWriteTarget(knownField(landing), inv.cwd, rt.ctx, inv.source, `${name} ${verb} ${source.display} to ${landing}`);
      if (verdict && verdict.verdict === 'deny') rt.report(verdict);
    }
  }
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
  for (const file of files) writeCheck(inv, rt, file, `sed -i edits ${file.display}`);
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
  const deletes = parsed.flags.some((f) => f.startsWith('--del'));
  if (!remote(dest)) {
    if (deletes) rt.report(checkDeleteTarget(dest, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: 'rsync --delete deletes files in' }));
    else writeCheck(inv, rt, dest, `rsync writes into ${dest.display}`);
  }
  if (has(parsed, '--remove-source-files')) {
    for (const source of sources) {
      if (!remote(source)) rt.report(checkDeleteTarget(source, inv.cwd, rt.ctx, inv.source, { recursive: true, verb: 'rsync --remove-source-files deletes' }));
    }
  }
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

// ---------------------------------------------------------------- find

interface FindPlan {
  starts: Field[];
  deletes: boolean;
  execs: Field[][];
  writes: Field[];
  /** Positive name filters (-name/-iname: basenames) and path filters (-path/-wholename/-regex). */
  names: string[];
  /** The option each of `names` came with (`-name`, `-iname`, `-lname` ...). */
  nameOptions: string[];
  paths: string[];
  // .git is pruned or excluded (-path ./.git -prune, or -not -path matching .git).
  skipsGit: boolean;
  /**
   * The expression is more than tests joined by "and": it has -o/-or, `,`, a negation or
   * parentheses, so an action may run for entries that no name filter selected
   * (`find . -name __pycache__ -o -exec rm -rf {} +` runs rm on everything else).
   */
  branches: boolean;
  /**
   * A top-level -o/-or or `,`: the action may stand in a branch of its own, which the name
   * filters of the other branches do not narrow (`find . -name '*.pyc' -o -delete` deletes
   * everything else, .git included).
   */
  alternatives: boolean;
  unknown: boolean;
}

function planFind(args: Field[]): FindPlan {
  const plan: FindPlan = { starts: [], deletes: false, execs: [], writes: [], names: [], nameOptions: [], paths: [], skipsGit: false, branches: false, alternatives: false, unknown: false };
  let i = 0;
  while (i < args.length && args[i]?.value !== null && /^-(H|L|P|D|O\d?)$/.test(args[i]?.value as string)) i += args[i]?.value === '-D' ? 2 : 1;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value !== null && value !== undefined && (value.startsWith('-') || value === '(' || value === '!' || value === ',')) break;
    plan.starts.push(args[i] as Field);
  }
  if (plan.starts.length === 0) plan.starts.push(knownField('.'));
  let negated = false;
  let depth = 0;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      plan.unknown = true;
      continue;
    }
    if (value === '!' || value === '-not') {
      negated = true;
      plan.branches = true;
      continue;
    }
    if (value === '-o' || value === '-or' || value === ',' || value === '(' || value === ')') plan.branches = true;
    if (value === '(') depth++;
    else if (value === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && (value === '-o' || value === '-or' || value === ',')) plan.alternatives = true;
    const operand = args[i + 1]?.value ?? null;
    switch (value) {
      case '-delete':
        plan.deletes = true;
        break;
      case '-exec':
      case '-execdir':
      case '-ok':
      case '-okdir': {
        const end = args.findIndex((a, index) => index > i && (a.value === ';' || a.value === '+'));
        const stop = end === -1 ? args.length : end;
        plan.execs.push(args.slice(i + 1, stop));
        i = stop;
        break;
      }
      case '-fprint':
      case '-fprint0':
      case '-fls':
      case '-fprintf':
        plan.writes.push(args[i + 1] ?? unknownField(''));
        i += value === '-fprintf' ? 2 : 1;
        break;
      case '-name':
      case '-iname':
      case '-lname':
      case '-ilname':
      case '-path':
      case '-ipath':
      case '-wholename':
      case '-iwholename':
      case '-regex':
      case '-iregex': {
        i++;
        if (operand === null) {
          plan.unknown = true;
          break;
        }
        const mentionsGit = /(^|[/*])\.git($|[/*])|^\.git$/.test(operand);
        // `-path ./.git -prune -o ...` excludes; `-name x -prune -exec ...` selects x.
        const excludes = negated || (args[i + 1]?.value === '-prune' && ['-o', '-or'].includes(args[i + 2]?.value ?? ''));
        if (mentionsGit && excludes) plan.skipsGit = true;
        else if (!excludes && value.includes('name') && !value.includes('whole')) {
          plan.names.push(operand);
          plan.nameOptions.push(value);
        } else if (!excludes) plan.paths.push(value.includes('regex') ? `regex:${operand}` : operand);
        break;
      }
      default:
        break;
    }
    negated = false;
  }
  return plan;
}

/** Could the find expression select a file at `rel` (relative to a start shown as `startText`)? */
function filtersMatch(plan: FindPlan, startText: string, rel: string): boolean {
  if (plan.names.length === 0 && plan.paths.length === 0) return true;
  const base = path.posix.basename(rel);
  const shown = `${startText.replace(/\/$/, '')}/${rel}`;
  for (const name of plan.names) if (globMatch(name, base, { dot: true })) return true;
  for (const pattern of plan.paths) {
    if (pattern.startsWith('regex:')) {
      try {
        if (new RegExp(`^${pattern.slice(6)}$`).test(shown)) return true;
      } catch {
        return true;
      }
    } else if (picomatch().isMatch(shown, pattern, { dot: true, bash: true })) return true;
  }
  return false;
}

function classifyFind(inv: Invocation, args: Field[], rt: Runtime): void {
  const plan = planFind(args);
  for (const file of plan.writes) writeCheck(inv, rt, file, `find writes ${file.display}`);
  if (!plan.deletes && plan.execs.length === 0) return;
  const followsStarts = args.slice(0, args.findIndex((a) => a === plan.starts[0]) + 1).some((a) => a.value === '-L' || a.value === '-H');
  for (const start of plan.starts) {
    const abs = start.value === null || start.glob ? null : resolvePath(start.value, inv.cwd);
    // find descends through a start point that is a link when told to (-H, -L) or written `lnk/`.
    const follow = followsStarts || (start.value !== null && /\/\.?$/.test(start.value));
    const startText = start.value ?? start.display;
    const gitSamples = ['.git/HEAD', '.git/config', '.git/index', '.git/refs/heads/main', '.git/objects/01/23456789abcdef0123456789abcdef01234567', '.git/hooks/pre-commit', '.git/packed-refs', ...GIT_INTERNAL_NAMES.map((n) => `.git/${n}`)];
    const reachesGit = abs !== null && !plan.skipsGit && (plan.unknown || plan.alternatives || gitSamples.some((rel) => filtersMatch(plan, startText, rel)));
    const gitInside = abs !== null && rt.ctx.repoRoot !== null && (abs === rt.ctx.repoRoot || isGitDirPath(abs, rt.ctx) || rt.ctx.repoRoot.startsWith(`${abs}/`));
    if (plan.deletes) {
      if (abs === null) {
        report(rt, 'ask', 'rm-unknown-target', `find -delete under ${start.display}, a path guard cannot know before the command runs`, inv.source);
      } else {
        rt.report(findDeleteVerdict(abs, plan, startText, reachesGit && gitInside, follow, inv, rt));
      }
    }
    const regenerable = abs === null || follow ? null : regenerableFinds(plan, abs, startText, rt.ctx);
    for (const exec of plan.execs) {
      const representatives: Array<Field> = [];
      if (abs === null) representatives.push(unknownField('{}'));
      else if (regenerable) representatives.push(...regenerable);
      else {
        // A made-up name standing for whatever find finds: judged by its text, never looked up.
        rt.ctx.view?.placeholder(path.posix.join(abs, 'found-file'));
        representatives.push(knownField(path.posix.join(abs, 'found-file')));
        // A start above the repository (`find ..`) finds in the repository too, wherever the start is.
        const root = rt.ctx.repoRoot;
        if (root && abs !== root && (abs === '/' || root.startsWith(`${abs}/`))) {
          rt.ctx.view?.placeholder(path.posix.join(root, 'found-file'));
          representatives.push(knownField(path.posix.join(root, 'found-file')));
        }
        if (reachesGit && gitInside) representatives.push(knownField(path.posix.join(abs === rt.ctx.repoRoot || rt.ctx.repoRoot?.startsWith(`${abs}/`) ? path.posix.join(rt.ctx.repoRoot ?? abs, '.git') : abs, 'HEAD')));
      }
      for (const found of representatives) {
        const argv = exec.map((field): Field => {
          if (field.value === null || !field.value.includes('{}')) return field;
          if (found.value === null) return unknownField(field.display);
          const value = field.value.split('{}').join(found.value);
          // A glob standing for what find finds stays a glob (judged by what git lists for it).
          return found.glob ? { ...found, value, pattern: value, display: field.value.split('{}').join(found.display) } : knownField(value);
        });
        if (argv.length > 0) rt.exec(sub(inv, argv, { stdin: { kind: 'terminal' } }));
      }
    }
  }
}

/** Does a `-name` operand only match names of regenerable output (`__pycache__`, `*.pyc`)? */
function onlyRegenerableNames(name: string, patterns: readonly string[]): boolean {
  const names = patterns.filter((pattern) => !pattern.includes('/'));
  // A glob operand counts only when it is itself one of the patterns; a literal when a pattern matches it.
  if (/[*?[\]\\]/.test(name)) return names.includes(name);
  return name !== '' && name !== '.' && name !== '..' && names.some((pattern) => globMatch(pattern, name, { dot: true }));
}

/**
 * What `find START -name NAME -exec ... {}` hands its command, when every name filter names
 * regenerable output, the tests are joined by "and" only (plan.branches) and START lies in the repository: the entries git lists under that name
 * (`START/**\/NAME`, a glob the state view looks up), judged like any deletion of them: ignored
 * output is nothing to keep, tracked or untracked files are snapshotted, protected paths denied.
 * Only with a view of the repository (otherwise, and for every other find, the made-up name of
 * classifyFind). `-iname` is left out: it also matches names in other cases, which are no
 * regenerable output.
 */
function regenerableFinds(plan: FindPlan, abs: string, startText: string, ctx: CommandContext): Field[] | null {
  const view = ctx.view;
  if (!ctx.regenerable || !view || view.mode === 'text' || plan.unknown || plan.branches || plan.paths.length > 0 || plan.names.length === 0) return null;
  if (plan.nameOptions.some((option) => option !== '-name')) return null;
  if (!plan.names.every((name) => onlyRegenerableNames(name, ctx.regenerable ?? []))) return null;
  const kind = classifyPath(abs, ctx).kind;
  if (kind !== 'inside' && kind !== 'repo-root') return null;
  const fields: Field[] = [];
  for (const name of plan.names) {
    const pattern = `${abs === '/' ? '' : abs}/**/${name}`;
    view.markFound(pattern);
    fields.push({ value: pattern, display: `${startText.replace(/\/$/, '')}/**/${name}`, glob: true, pattern, splittable: false });
    // find tests its start point too: `find __pycache__ -name __pycache__`.
    if (globMatch(name, path.posix.basename(abs), { dot: true })) fields.push(knownField(abs));
  }
  return fields;
}

function findDeleteVerdict(abs: string, plan: FindPlan, startText: string, reachesGit: boolean, follow: boolean, inv: Invocation, rt: Runtime) {
  const ctx = rt.ctx;
  if (reachesGit) return makeVerdict('deny', 'git-dir-write', `find -delete under ${startText} can reach files in .git (add -path ./.git -prune, or filter by name)`, inv.source);
  // Where the start really is (symlinks, whether it exists) decides first; the filters only
  // narrow what it deletes inside the repository.
  const where = deleteLocation(abs, ctx, follow);
  if (where === 'noted') return makeVerdict('allow', 'no-risk', 'judged once guard has looked at the file system', inv.source);
  if (where && (!where.exists || !['inside', 'repo-root'].includes(classifyPath(where.target, ctx).kind))) {
    return checkDeleteAbs(abs, ctx, inv.source, { recursive: true, verb: 'find -delete deletes files under', follow });
  }
  if (where) abs = where.target;
  const kind = classifyPath(abs, ctx);
  if (kind.kind === 'repo-root' || kind.kind === 'inside') {
    const rel = kind.kind === 'inside' ? kind.rel : '';
    // Only the protected paths the filters could select count.
    for (const glob of ctx.protectedPaths.includes('.guard.yaml') ? ctx.protectedPaths : [...ctx.protectedPaths, '.guard.yaml']) {
      const sample = glob.replace(/\*\*\//g, '').replace(/\*/g, 'x').replace(/\?/g, 'x');
      const relSample = rel === '' ? sample : path.posix.relative(rel, sample);
      if (relSample.startsWith('..')) continue;
      if (filtersMatch(plan, startText, relSample)) {
        return makeVerdict('deny', 'protected-path', `find -delete under ${startText} may delete protected paths (matches "${glob}")`, inv.source);
      }
    }
    return makeVerdict('snapshot', 'rm-in-repo', `find -delete deletes files under ${startText} inside the repository`, inv.source);
  }
  return checkDeleteAbs(abs, ctx, inv.source, { recursive: true, verb: 'find -delete deletes files under' });
}
