/**
 * find with -delete or -exec: what it deletes is whatever its filters select under each start
 * point. By text alone that is approximated (the filters are tested against typical `.git`
 * contents and the protected paths; `{}` stands for a made-up name under START). With a view of
 * the repository, a filter that translates exactly (findFilter: one `-name`/`-iname`/`-path`/
 * `-ipath` test, tests joined by "and", no -L) is looked up as what git lists under START
 * (FindQuery, answered by src/git/path-facts.ts) and judged like any deletion of those files.
 * Operands built from `{}` are read as find builds them: START as written, then the found path.
 */
import path from 'node:path';
import { knownField, unknownField, type Field } from './expand.js';
import { fnmatchRegExp } from './fnmatch.js';
import { classifyPath, isGitDirPath, resolvePath } from './paths.js';
import { makeVerdict } from './rules.js';
import { report, sub, type Invocation, type Runtime } from './runtime.js';
import type { FindFilter, FindQuery, FoundOperand, Listing } from './state.js';
import type { CommandContext } from './types.js';
import { checkDeleteAbs, checkFound, checkWriteTarget, deleteLocation, GIT_INTERNAL_NAMES } from './targets.js';
import { checkWriteGlob } from './write-targets.js';

interface FindPlan {
  starts: Field[];
  deletes: boolean;
  execs: Field[][];
  writes: Field[];
  /** Positive name tests (-name/-iname/-lname/-ilname: basenames), with the option each came with. */
  names: string[];
  nameOptions: string[];
  /** Positive path tests (-path/-wholename/-ipath/-iwholename; -regex as `regex:...`), with their options. */
  paths: string[];
  pathOptions: string[];
  // .git is pruned or excluded (-path ./.git -prune, or -not -path matching .git).
  skipsGit: boolean;
  /**
   * The expression is more than tests joined by "and": it has -o/-or, `,`, a negated group or
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
  /** -mindepth N with N >= 1: START itself is never selected. */
  skipsStart: boolean;
  /** -L, -H or -follow: find goes through symbolic links, where git's listing does not. */
  follows: boolean;
  unknown: boolean;
  /**
   * Where the expression has branches (`\( -name a -o -name b \)`, `-path ./.venv -prune -o
   * -name '*.pyc' -delete`): the filters whose union holds every entry an action (or the implicit
   * -print) runs on, each one git can list; null where that cannot be told (an action in a branch
   * no test narrows, a test git cannot list, a primary guard does not know).
   */
  union: FindFilter[] | null;
}

function planFind(args: Field[]): FindPlan {
  const plan: FindPlan = { starts: [], deletes: false, execs: [], writes: [], names: [], nameOptions: [], paths: [], pathOptions: [], skipsGit: false, branches: false, alternatives: false, skipsStart: false, follows: false, unknown: false, union: null };
  let i = 0;
  while (i < args.length && args[i]?.value !== null && /^-(H|L|P|D|O\d?)$/.test(args[i]?.value as string)) {
    if (args[i]?.value === '-L' || args[i]?.value === '-H') plan.follows = true;
    i += args[i]?.value === '-D' ? 2 : 1;
  }
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value !== null && value !== undefined && (value.startsWith('-') || value === '(' || value === '!' || value === ',')) break;
    plan.starts.push(args[i] as Field);
  }
  if (plan.starts.length === 0) plan.starts.push(knownField('.'));
  const expression = i;
  let negated = false;
  let depth = 0;
  // find evaluates left to right: a test after an action does not narrow what that action does
  // (`find . -delete -name '*.pyc'` deletes everything), so only tests before the first count.
  let acted = false;
  for (; i < args.length; i++) {
    const value = args[i]?.value;
    if (value === null || value === undefined) {
      plan.unknown = true;
      continue;
    }
    if (value === '!' || value === '-not') {
      negated = true;
      // `-not -path './node_modules/*'`: one test negated, joined by "and" like the others, only
      // narrows; leaving it out lists a superset, as for any test not translated. A negated
      // group, `! ( ... )`, is read as branches.
      if (args[i + 1]?.value === '(') plan.branches = true;
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
        acted = true;
        break;
      case '-follow':
        plan.follows = true;
        break;
      case '-mindepth':
        if (operand !== null && /^\d+$/.test(operand) && Number(operand) >= 1) plan.skipsStart = true;
        i++;
        break;
      case '-exec':
      case '-execdir':
      case '-ok':
      case '-okdir': {
        const end = args.findIndex((a, index) => index > i && (a.value === ';' || a.value === '+'));
        const stop = end === -1 ? args.length : end;
        plan.execs.push(args.slice(i + 1, stop));
        i = stop;
        acted = true;
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
        if (mentionsGit && excludes) plan.skipsGit = !acted || plan.skipsGit;
        else if (acted) break;
        else if (!excludes && value.includes('name') && !value.includes('whole')) {
          plan.names.push(operand);
          plan.nameOptions.push(value);
        } else if (!excludes) {
          plan.paths.push(value.includes('regex') ? `regex:${operand}` : operand);
          plan.pathOptions.push(value);
        }
        break;
      }
      default:
        break;
    }
    negated = false;
  }
  if (plan.branches && !plan.unknown && !plan.follows) plan.union = branchUnion(args.slice(expression));
  return plan;
}

// ---------------------------------------------------------------- branches

/** Primaries that take one argument (GNU find), besides the name and path tests. */
const ONE_ARGUMENT = new Set(['-type', '-xtype', '-mtime', '-atime', '-ctime', '-mmin', '-amin', '-cmin', '-newer', '-anewer', '-cnewer', '-size', '-perm', '-user', '-group', '-uid', '-gid', '-links', '-inum', '-samefile', '-maxdepth', '-mindepth', '-regextype', '-fstype', '-used', '-context', '-printf', '-fprint', '-fprint0', '-fls', '-files0-from']);
/** Primaries that take none and only test or set options (true or false, no effect on files). */
const NO_ARGUMENT = new Set(['-true', '-false', '-empty', '-executable', '-readable', '-writable', '-depth', '-d', '-mount', '-xdev', '-noleaf', '-nouser', '-nogroup', '-ignore_readdir_race', '-noignore_readdir_race', '-daystart', '-warn', '-nowarn', '-prune', '-quit', '-ls', '-print', '-print0', '-delete']);
const ACTIONS = new Set(['-print', '-print0', '-delete', '-ls', '-printf', '-fprint', '-fprint0', '-fls', '-fprintf', '-exec', '-execdir', '-ok', '-okdir']);

/** A set of entries as filters git can list (their union), or every entry. */
type Selection = FindFilter[] | 'all';

interface Node {
  /** A superset of the entries the node is true for. */
  whenTrue: Selection;
  /** A superset of the entries an action inside the node runs on (none: an empty list). */
  acts: Selection;
  /** The node holds an action (-print, -delete, -exec ...), so find prints nothing by itself. */
  hasAction: boolean;
}

function union(a: Selection, b: Selection): Selection {
  return a === 'all' || b === 'all' ? 'all' : [...a, ...b];
}

/** Both hold: any one of the two supersets is one of their intersection; the narrower known one. */
function both(a: Selection, b: Selection): Selection {
  if (a === 'all') return b;
  if (b === 'all') return a;
  return a.length <= b.length ? a : b;
}

/**
 * find's expression read as find evaluates it (`!` over `-a` over `-o` over `,`, parentheses),
 * each node with a superset of the entries it is true for and of those its actions run on. An
 * action runs on what the tests before it in its "and" chain select; the branches of an "or"
 * add up (the second runs only where the first is false: leaving that out is a superset); a
 * negation selects everything (its complement cannot be listed). Null where a word is not known.
 */
function branchUnion(words: Field[]): FindFilter[] | null {
  let i = 0;
  const value = (): string | null | undefined => words[i]?.value;
  const parseList = (): Node | null => {
    let left = parseOr();
    while (left && value() === ',') {
      i++;
      const right = parseOr();
      if (!right) return null;
      left = { whenTrue: right.whenTrue, acts: union(left.acts, right.acts), hasAction: left.hasAction || right.hasAction };
    }
    return left;
  };
  const parseOr = (): Node | null => {
    let left = parseAnd();
    while (left && (value() === '-o' || value() === '-or')) {
      i++;
      const right = parseAnd();
      if (!right) return null;
      left = { whenTrue: union(left.whenTrue, right.whenTrue), acts: union(left.acts, right.acts), hasAction: left.hasAction || right.hasAction };
    }
    return left;
  };
  const parseAnd = (): Node | null => {
    let left = parseNot();
    for (;;) {
      if (!left) return null;
      const next = value();
      if (next === undefined || next === ')' || next === '-o' || next === '-or' || next === ',') return left;
      if (next === '-a' || next === '-and') i++;
      const right = parseNot();
      if (!right) return null;
      const rightActs = right.acts !== 'all' && right.acts.length === 0 ? [] : both(left.whenTrue, right.acts);
      left = { whenTrue: both(left.whenTrue, right.whenTrue), acts: union(left.acts, rightActs), hasAction: left.hasAction || right.hasAction };
    }
  };
  const parseNot = (): Node | null => {
    const word = value();
    if (word === '!' || word === '-not') {
      i++;
      const inner = parseNot();
      return inner ? { whenTrue: 'all', acts: inner.acts, hasAction: inner.hasAction } : null;
    }
    if (word === '(') {
      i++;
      const inner = parseList();
      if (!inner || value() !== ')') return null;
      i++;
      return inner;
    }
    return parsePrimary();
  };
  const parsePrimary = (): Node | null => {
    const word = value();
    if (word === null || word === undefined || !word.startsWith('-')) return null;
    i++;
    if (word === '-exec' || word === '-execdir' || word === '-ok' || word === '-okdir') {
      while (i < words.length && words[i]?.value !== ';' && words[i]?.value !== '+') i++;
      if (i >= words.length) return null;
      i++;
      return { whenTrue: 'all', acts: 'all', hasAction: true };
    }
    if (word === '-fprintf') {
      i += 2;
      return { whenTrue: 'all', acts: 'all', hasAction: true };
    }
    if (['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname'].includes(word)) {
      const operand = value();
      if (operand === null || operand === undefined) return null;
      i++;
      return { whenTrue: testFilter(word, operand), acts: [], hasAction: false };
    }
    if (ONE_ARGUMENT.has(word)) {
      if (i >= words.length || words[i]?.value === null) return null;
      i++;
      return { whenTrue: 'all', acts: ACTIONS.has(word) ? 'all' : [], hasAction: ACTIONS.has(word) };
    }
    if (NO_ARGUMENT.has(word)) return { whenTrue: 'all', acts: ACTIONS.has(word) ? 'all' : [], hasAction: ACTIONS.has(word) };
    // -newerXY takes a reference; anything else is not known.
    if (/^-newer[aBcmt][aBcmt]$/.test(word)) {
      i++;
      return i <= words.length ? { whenTrue: 'all', acts: [], hasAction: false } : null;
    }
    return null;
  };
  const root = parseList();
  if (!root || i !== words.length) return null;
  const acts = root.hasAction ? root.acts : root.whenTrue;
  return acts === 'all' || acts.length === 0 ? null : acts;
}

/** One name or path test as a filter git lists exactly (findFilter's rules), or every entry. */
function testFilter(option: string, operand: string): Selection {
  const icase = option.startsWith('-i');
  if (option === '-name' || option === '-iname') {
    if (operand.includes('/') || (icase && /[^\x00-\x7f]/.test(operand)) || !sameGlobInGit(operand)) return 'all';
    return [{ kind: 'name', pattern: operand, icase }];
  }
  if (['-path', '-ipath', '-wholename', '-iwholename'].includes(option)) {
    return fnmatchRegExp(operand, icase) === null ? 'all' : [{ kind: 'path', pattern: operand, icase }];
  }
  return 'all';
}

/** Could one filter select the entry at `rel` under START (shown as `startText`)? */
function filterMatches(filter: FindFilter, startText: string, rel: string): boolean {
  if (filter.kind === 'all') return true;
  if (filter.kind === 'name') return testMatches(filter.pattern, filter.icase, path.posix.basename(rel));
  return testMatches(filter.pattern, filter.icase, rel === '' ? startText : `${startText.replace(/\/$/, '')}/${rel}`);
}

/** The filters git lists for the find: one (findFilter), the branches' union, or none (null). */
function findFilters(plan: FindPlan): FindFilter[] | null {
  if (plan.branches) return plan.union;
  const filter = findFilter(plan);
  return filter ? [filter] : null;
}

/** find's -name/-path test of one entry (fnmatch.ts); an untranslatable pattern may match. */
function testMatches(pattern: string, icase: boolean, text: string): boolean {
  const regex = fnmatchRegExp(pattern, icase);
  return regex === null || regex.test(text);
}

/** Could the find expression select a file at `rel` (relative to a start shown as `startText`)? */
function filtersMatch(plan: FindPlan, startText: string, rel: string): boolean {
  if (plan.names.length === 0 && plan.paths.length === 0) return true;
  const base = path.posix.basename(rel);
  const shown = `${startText.replace(/\/$/, '')}/${rel}`;
  for (const [i, name] of plan.names.entries()) if (testMatches(name, (plan.nameOptions[i] ?? '').startsWith('-i'), base)) return true;
  for (const [i, pattern] of plan.paths.entries()) {
    const icase = (plan.pathOptions[i] ?? '').startsWith('-i');
    if (pattern.startsWith('regex:')) {
      try {
        if (new RegExp(`^${pattern.slice(6)}$`, icase ? 'i' : '').test(shown)) return true;
      } catch {
        return true;
      }
    } else if (testMatches(pattern, icase, shown)) return true;
  }
  return false;
}

/**
 * The filter as git can list it exactly (a superset of what find selects: one test of several
 * joined by "and" is enough; a negated test is one left out), or null: -o, `,`, a negated group,
 * parentheses, -regex, -lname, -L or
 * -follow, a name with a `/` (find never matches it), case folding outside ASCII, character
 * classes in -path. Then the command is judged by text.
 */
function findFilter(plan: FindPlan): FindFilter | null {
  if (plan.unknown || plan.branches || plan.follows) return null;
  if (plan.names.length === 0 && plan.paths.length === 0) return { kind: 'all' };
  const name = plan.names[0];
  if (name !== undefined) {
    const option = plan.nameOptions[0] as string;
    const icase = option === '-iname';
    if (option !== '-name' && option !== '-iname') return null;
    if (name.includes('/') || (icase && /[^\x00-\x7f]/.test(name))) return null;
    // git reads the name as a wildmatch glob, which matches nothing where find's fnmatch reads a
    // character as itself: a `[` with no closing `]`, a trailing lone `\`.
    if (!sameGlobInGit(name)) return null;
    return { kind: 'name', pattern: name, icase };
  }
  const pattern = plan.paths[0] as string;
  const icase = (plan.pathOptions[0] as string).startsWith('-i');
  if (pattern.startsWith('regex:') || fnmatchRegExp(pattern, icase) === null) return null;
  return { kind: 'path', pattern, icase };
}

/** Whether git's wildmatch reads `pattern` as find's fnmatch does (no unclosed `[`, no trailing lone `\\`). */
function sameGlobInGit(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      if (i === pattern.length - 1) return false;
      i++;
    } else if (c === '[') {
      const end = bracketEnd(pattern, i);
      if (end < 0) return false;
      i = end;
    }
  }
  return true;
}

/** Where the bracket expression opened at `pattern[start]` closes (fnmatch's reading), or -1. */
function bracketEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  // A `]` right after the opening (or its negation) is a member, not the end.
  if (pattern[i] === ']') i++;
  for (; i < pattern.length; i++) {
    if (pattern[i] === '\\') i++;
    else if (pattern[i] === ']') return i;
  }
  return -1;
}

/** Can find select START itself (which `-exec rm -rf {}` then deletes whole)? */
function startSelectable(plan: FindPlan, startText: string): boolean {
  if (plan.skipsStart) return false;
  if (plan.branches && plan.union && !plan.unknown) return plan.union.some((filter) => filterMatches(filter, startText, '') || (filter.kind === 'name' && testMatches(filter.pattern, filter.icase, path.posix.basename(startText.replace(/(.)\/+$/, '$1')))));
  if (plan.branches || plan.unknown) return true;
  const shown = startText;
  const base = path.posix.basename(startText.replace(/(.)\/+$/, '$1'));
  for (const [i, name] of plan.names.entries()) if (!testMatches(name, (plan.nameOptions[i] ?? '').startsWith('-i'), base)) return false;
  for (const [i, pattern] of plan.paths.entries()) {
    if (!pattern.startsWith('regex:') && !testMatches(pattern, (plan.pathOptions[i] ?? '').startsWith('-i'), shown)) return false;
  }
  return true;
}

/** START as written followed by a path under it, as find prints it. */
function under(startText: string, rel: string): string {
  if (rel === '') return startText;
  return startText.endsWith('/') ? `${startText}${rel}` : `${startText}/${rel}`;
}

/**
 * One operand of an -exec command with `{}` in it, for a found path `rel` under START ('' for
 * START itself): the text find hands over (`{}` replaced by START/rel as find prints it), and,
 * for the made-up name, what a deletion of it takes (FoundOperand):
 *  - `{}` alone: what the find selects (the query), when there is one;
 *  - an operand that leaves the found path (`{}/..`, `{}/../x`): anything under the directory it
 *    reaches from START itself, so `{}/..` reaches START's parent;
 *  - text before `{}` (`../{}`, `/backup/{}`): the made-up name moves with it, judged by text.
 */
function execOperand(field: Field, rel: string, startText: string, cwd: string | null, query: FindQuery | null, superset = false): Field {
  const value = field.value as string;
  const text = value.split('{}').join(under(startText, rel));
  const at = value.indexOf('{}');
  const prefix = value.slice(0, at);
  const suffix = value.slice(at + 2);
  let found: FoundOperand | undefined;
  if (rel === 'found-file') {
    const normal = path.posix.normalize(`found-file${suffix}`);
    const leaves = suffix.includes('{}') || !normal.startsWith('found-file');
    const base = resolvePath(`${prefix}${startText}`, cwd);
    if (leaves && base !== null) {
      // From START itself (the shallowest found path) the operand reaches furthest up.
      const reached = resolvePath(`${prefix}${startText}${suffix.split('{}').join(startText)}`, cwd) ?? '/';
      found = { kind: 'subtree', abs: commonAncestor(reached, base) };
    } else if (prefix === '' && suffix === '' && query) found = superset ? { kind: 'find', query, superset } : { kind: 'find', query };
  }
  const shown = rel === '' ? `${field.display} (${startText} itself)` : `${field.display} (for what find ${startText} finds)`;
  return { ...knownField(text), display: shown, ...(found ? { found } : {}) };
}

function commonAncestor(a: string, b: string): string {
  const x = a.split('/');
  const y = b.split('/');
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return x.slice(0, n).join('/') || '/';
}

export function classifyFind(inv: Invocation, args: Field[], rt: Runtime): void {
  const plan = planFind(args);
  const ctx = rt.ctx;
  for (const file of plan.writes) {
    const what = `find writes ${file.display}`;
    const verdict = file.glob ? checkWriteGlob(file, inv.cwd, ctx, inv.source, what) : checkWriteTarget(file, inv.cwd, ctx, inv.source, what);
    if (verdict) rt.report(verdict);
  }
  if (!plan.deletes && plan.execs.length === 0) return;
  const filters = findFilters(plan);
  for (const start of plan.starts) {
    const abs = start.value === null || start.glob ? null : resolvePath(start.value, inv.cwd);
    // find descends through a start point that is a link when told to (-H, -L) or written `lnk/`.
    const follow = plan.follows || (start.value !== null && /\/\.?$/.test(start.value));
    const startText = start.value ?? start.display;
    // `.git` itself too: a filter that selects the directory (find . -name .git -exec rm -rf {} +)
    // deletes all of it, and git's listing never names it, so the query alone would find nothing.
    const gitSamples = ['.git', '.git/HEAD', '.git/config', '.git/index', '.git/refs/heads/main', '.git/objects/01/23456789abcdef0123456789abcdef01234567', '.git/hooks/pre-commit', '.git/packed-refs', ...GIT_INTERNAL_NAMES.map((n) => `.git/${n}`)];
    const reachesGit = abs !== null && !plan.skipsGit && samplesReached(plan, startText, gitSamples);
    const gitInside = abs !== null && ctx.repoRoot !== null && (abs === ctx.repoRoot || isGitDirPath(abs, ctx) || ctx.repoRoot.startsWith(`${abs}/`));
    const kind = abs === null ? null : classifyPath(abs, ctx).kind;
    // What git can list for it: only with a view, filters that translate, START in the repository
    // and not followed through links; one query per filter of a union of branches.
    const listable = abs !== null && !follow && ctx.view !== undefined && ctx.view.mode !== 'text' && (kind === 'inside' || kind === 'repo-root');
    const queries: FindQuery[] = listable && filters ? filters.map((filter) => ({ start: abs as string, shown: startText, filter })) : [];
    // What `{}` of an -exec stands for where git cannot list the filter exactly (-regex, an
    // action no test narrows, a name in a variable): everything under START, a superset, for an
    // edit only (`find src -regex '.*\.js' -exec sed -i ... {} +` over an ignored
    // src/config.local.js captured nothing); a deletion is judged by the made-up name as before.
    const execQueries: Array<FindQuery | null> = queries.length > 0 ? queries : [listable && !plan.follows ? { start: abs as string, shown: startText, filter: { kind: 'all' } } : null];
    if (plan.deletes) {
      if (abs === null) {
        report(rt, 'ask', 'rm-unknown-target', `find -delete under ${start.display}, a path guard cannot know before the command runs`, inv.source);
      } else {
        for (const query of queries.length > 0 ? queries : [null]) rt.report(findDeleteVerdict(abs, plan, startText, reachesGit && gitInside, follow, query, inv, rt));
      }
    }
    for (const exec of plan.execs) {
      if (abs === null) {
        const argv = exec.map((field) => (field.value !== null && field.value.includes('{}') ? unknownField(field.display) : field));
        if (argv.length > 0) rt.exec(sub(inv, argv, { stdin: { kind: 'terminal' } }));
        continue;
      }
      // What `{}` stands for: a made-up name under START (judged by its text, or by the query),
      // START itself when find can select it, the repository when START is above it, .git when the filters reach it.
      const found: string[] = ['found-file'];
      if (startSelectable(plan, startText)) found.push('');
      const root = ctx.repoRoot;
      if (root && abs !== root && (abs === '/' || root.startsWith(`${abs}/`))) found.push(path.posix.relative(abs, path.posix.join(root, 'found-file')));
      if (reachesGit && gitInside && root) found.push(path.posix.relative(abs, abs === root || root.startsWith(`${abs}/`) ? path.posix.join(root, '.git', 'HEAD') : path.posix.join(abs, 'HEAD')));
      for (const rel of found) {
        // The made-up name stands for what each query selects (each filter of a union in turn).
        for (const execQuery of rel === 'found-file' ? execQueries : execQueries.slice(0, 1)) {
          const argv = exec.map((field): Field => {
            if (field.value === null || !field.value.includes('{}')) return field;
            // Made-up names are judged by their text, never looked up (they do not exist).
            if (rel !== '' && !rel.endsWith('HEAD')) {
              const named = resolvePath(field.value.split('{}').join(under(startText, rel)), inv.cwd);
              const stem = named === null ? null : named.slice(0, named.lastIndexOf('found-file') + 'found-file'.length);
              if (stem && stem.endsWith('found-file')) ctx.view?.placeholder(stem);
            }
            return execOperand(field, rel, startText, inv.cwd, execQuery, queries.length === 0);
          });
          // rm refuses an operand whose last part is `.` or `..`: START itself written `.` is not deleted that way.
          if (rel === '' && argv.some((field, i) => field !== exec[i] && field.value !== null && /(^|\/)\.\.?$/.test(field.value))) continue;
          if (argv.length > 0) rt.exec(sub(inv, argv, { stdin: { kind: 'terminal' } }));
        }
      }
    }
  }
}

/** Whether the find's filters may select one of the sample paths of `.git` under START. */
function samplesReached(plan: FindPlan, startText: string, samples: string[]): boolean {
  const union = plan.union;
  if (union) return samples.some((rel) => union.some((filter) => filterMatches(filter, startText, rel)));
  // Branches whose selection cannot be told (a negated group, `-size +1M` as an alternative, a
  // -regex): the name tests in them do not narrow it (`find . -not \( -name '*.py' \) -delete`
  // deletes .git's files, and was a snapshot).
  if (plan.branches) return true;
  return plan.unknown || plan.alternatives || samples.some((rel) => filtersMatch(plan, startText, rel));
}

function findDeleteVerdict(abs: string, plan: FindPlan, startText: string, reachesGit: boolean, follow: boolean, query: FindQuery | null, inv: Invocation, rt: Runtime) {
  const ctx = rt.ctx;
  if (reachesGit) return makeVerdict('deny', 'git-dir-write', `find -delete under ${startText} can reach files in .git (add -path ./.git -prune, or filter by name)`, inv.source);
  // Where the start really is (symlinks, whether it exists) decides first; the filters only
  // narrow what it deletes inside the repository.
  const where = deleteLocation(abs, ctx, follow);
  const options = { recursive: true, verb: 'find -delete deletes' };
  if (where === 'noted') {
    if (query) checkFound(query, startText, ctx, inv.source, options);
    return makeVerdict('allow', 'no-risk', 'judged once guard has looked at the file system', inv.source);
  }
  // With git's listing of what the filter selects under START (START there, in the repository).
  if (query && where && where.exists && ['inside', 'repo-root'].includes(classifyPath(where.target, ctx).kind)) {
    const byListing = checkFound(query, `what find ${startText} selects`, ctx, inv.source, options);
    if (byListing) return byListing;
  }
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

/**
 * `find DIR ...` printing what it finds (-print, -print0), as a set guard can list: per start in
 * the repository, what git lists for its filter (a filter git cannot translate: everything under
 * it, a superset). Null where find does more than print, prints something else (-printf, -ls),
 * goes through symbolic links, or starts outside the repository or where guard cannot see.
 */
export function findListing(args: Field[], cwd: string | null, ctx: CommandContext, shown: string): Listing | null {
  if (cwd === null || args.some((a) => a.value === null || a.glob)) return null;
  const words = args.map((a) => a.value as string);
  if (words.some((w) => /^-(f?printf|f?ls|fprint0?|exec(dir)?|ok(dir)?|delete|quit)$/.test(w))) return null;
  const plan = planFind(args);
  if (plan.follows || plan.unknown) return null;
  const filters: FindFilter[] = findFilters(plan) ?? [{ kind: 'all' }];
  const finds: FindQuery[] = [];
  let reachesGit = false;
  const gitSamples = ['.git', '.git/HEAD', '.git/config', '.git/index', '.git/refs/heads/main', '.git/hooks/pre-commit', '.git/packed-refs', ...GIT_INTERNAL_NAMES.map((n) => `.git/${n}`)];
  for (const start of plan.starts) {
    const abs = resolvePath(start.value as string, cwd);
    if (abs === null || ctx.repoRoot === null) return null;
    const kind = classifyPath(abs, ctx).kind;
    if (kind !== 'inside' && kind !== 'repo-root') return null;
    const startText = start.value as string;
    if (kind === 'repo-root' && !plan.skipsGit && samplesReached(plan, startText, gitSamples)) reachesGit = true;
    for (const filter of filters) finds.push({ start: abs, shown: startText, filter });
  }
  return { kind: 'tree', finds, reachesGit, cwd, shown, nul: words.includes('-print0') };
}
