/**
 * Validates a parsed .guard.yaml document against CONFIG_SPEC (src/policy/schema.ts) and
 * collects EVERY problem, each with the line and column of the node it is about, instead of
 * stopping at the first. Produces the values the file sets, keyed by dotted path
 * (`snapshot.retention.keepDays`), and where each key is, for messages that point at the file.
 * The `yaml` module is passed in: it is imported lazily by load.ts and never on the hook path.
 */
import path from 'node:path';
import type { Document, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import {
  CONFIG_SPEC,
  CONFIG_VERSION,
  MODES,
  RULE_IDS,
  type ConfigProblem,
  type GlobKind,
  type Mode,
  type RuleModes,
  type Spec,
  configKeyPaths,
  defaultConfig,
  isRuleId,
  modeRank,
  ruleSpec,
} from '../policy/schema.js';
import { compileGlob } from '../policy/match.js';
import { SIZE_HELP, formatSize, parseSize } from '../policy/size.js';
import { closest } from './did-you-mean.js';

type YamlModule = typeof import('yaml');

export interface ValidateContext {
  /** Directory of the config file (the worktree root): backup.dir must lie outside it. */
  configDir: string;
  /** Home directory, to expand `~/` in backup.dir. */
  home: string | undefined;
}

export interface Position {
  line: number;
  column: number;
}

export interface ValidationResult {
  /** Values the file sets, by dotted key path (leaves only; rules as full RuleModes). */
  values: Map<string, unknown>;
  problems: ConfigProblem[];
  /** Where each key the file sets is (sections too). */
  locations: Record<string, Position>;
}

// Parse errors after which the tree is still what the author wrote; after any other syntax
// error the tree is a guess, and messages about it would mislead.
const TREE_INTACT_ERRORS = new Set(['DUPLICATE_KEY', 'MULTIPLE_DOCS', 'TAG_RESOLVE_FAILED', 'KEY_OVER_1024_CHARS', 'MULTIPLE_ANCHORS', 'MULTIPLE_TAGS']);

const ALL_KEY_PATHS = configKeyPaths();

export function validateDocument(
  yaml: YamlModule,
  doc: Document.Parsed,
  lineCounter: LineCounter,
  file: string,
  context: ValidateContext,
): ValidationResult {
  const problems: ConfigProblem[] = [];
  const values = new Map<string, unknown>();
  const locations: Record<string, Position> = {};

  const at = (offset: number | undefined): Position => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { line: pos.line, column: pos.col };
  };
  const report = (pos: Position, message: string, key?: string): void => {
    problems.push({ file, line: pos.line, column: pos.column, message, ...(key ? { key } : {}) });
  };

  // Warnings (an unknown tag, ...) are problems too: a file is either understood or rejected.
  for (const error of [...doc.errors, ...doc.warnings]) {
    const pos = error.linePos?.[0];
    // yaml appends " at line N, column M:" and a code frame; we print the position ourselves.
    const text = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    report(pos ? { line: pos.line, column: pos.col } : { line: 1, column: 1 }, `YAML: ${text}`);
  }
  if (!doc.errors.every((error) => TREE_INTACT_ERRORS.has(error.code))) return { values, problems, locations };

  /** The node a value stands for: aliases resolved, empty values as null. */
  const resolve = (node: unknown): YamlNode | null => {
    if (node === null || node === undefined) return null;
    if (yaml.isAlias(node)) return (node.resolve(doc) as YamlNode | undefined) ?? null;
    return node as YamlNode;
  };
  const positionOf = (node: YamlNode | null, fallback: Position): Position => {
    if (!node || !node.range) return fallback;
    // An empty value (`key:`) has a zero-width range that points past the line: use the key.
    if (yaml.isScalar(node) && node.value === null && node.range[0] === node.range[1]) return fallback;
    return at(node.range[0]);
  };
  const isNull = (node: YamlNode | null): boolean => node === null || (yaml.isScalar(node) && node.value === null);

  const describe = (node: YamlNode | null): string => {
    if (isNull(node)) return 'nothing';
    if (yaml.isMap(node)) return 'a mapping';
    if (yaml.isSeq(node)) return 'a list';
    if (yaml.isScalar(node)) {
      const v = node.value;
      if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
      if (typeof v === 'number') return `the number ${v}`;
      if (typeof v === 'boolean') return `${v}`;
      return String(v);
    }
    return 'an unsupported value';
  };

  const keyName = (pair: Pair): { name: string | null; pos: Position } => {
    const key = resolve(pair.key);
    const pos = key?.range ? at(key.range[0]) : { line: 1, column: 1 };
    if (key && yaml.isScalar(key) && (typeof key.value === 'string' || typeof key.value === 'number' || typeof key.value === 'boolean')) {
      return { name: String(key.value), pos };
    }
    return { name: null, pos };
  };

  const unknownKey = (name: string, pos: Position, parentPath: string, known: string[]): void => {
    const where = parentPath ? `in ${parentPath}` : 'at the top level';
    const near = closest(name, known);
    if (near) {
      report(pos, `unknown key ${JSON.stringify(name)} ${where}; did you mean ${JSON.stringify(near)}?`, joinKey(parentPath, name));
      return;
    }
    // The right key in the wrong place: `maxFileSize` at the top level, a rule id under protect.
    const elsewhere = ALL_KEY_PATHS.filter((keyPath) => {
      const last = keyPath.slice(keyPath.lastIndexOf('.') + 1);
      return closest(name, [last]) !== null && keyPath !== joinKey(parentPath, last);
    });
    if (elsewhere.length > 0) {
      report(pos, `unknown key ${JSON.stringify(name)} ${where}; did you mean ${elsewhere.slice(0, 2).join(' or ')}?`, joinKey(parentPath, name));
      return;
    }
    report(pos, `unknown key ${JSON.stringify(name)} ${where}; expected one of: ${known.join(', ')}`, joinKey(parentPath, name));
  };

  // --- leaves -------------------------------------------------------------------------------

  const checkGlob = (glob: string, kind: GlobKind): string | null => {
    if (glob.trim() === '') return 'is empty';
    if (/[\u0000-\u001f\u007f]/.test(glob)) return 'contains a control character (tab, newline, ...)';
    if (glob.startsWith('!')) return 'starts with "!": negated globs are not supported; list only what to protect';
    if (kind === 'branch') {
      if (glob.startsWith('refs/heads/')) return `is a ref name; write the branch name without refs/heads/: ${JSON.stringify(glob.slice('refs/heads/'.length))}`;
      if (glob.startsWith('refs/')) return 'is a ref, not a branch name; protect.branches holds branch names such as main or release/*';
      if (/\s/.test(glob)) return 'contains whitespace, which branch names cannot';
      const bad = [...glob].find((ch) => '~^:\\'.includes(ch));
      if (bad) return `contains ${JSON.stringify(bad)}, which git does not allow in branch names`;
      if (glob.includes('..') || glob.includes('@{')) return 'contains ".." or "@{", which git does not allow in branch names';
      if (glob.startsWith('-') || glob.startsWith('/') || glob.endsWith('/') || glob.endsWith('.') || glob.endsWith('.lock')) {
        return 'is not a valid branch name (it may not start with "-" or "/", or end with "/", "." or ".lock")';
      }
    } else {
      if (glob.startsWith('/')) return `is absolute; paths are relative to the repository root: write ${JSON.stringify(glob.replace(/^\/+/, ''))}`;
      if (glob.startsWith('./')) return `starts with "./"; paths are relative to the repository root: write ${JSON.stringify(glob.replace(/^(\.\/)+/, ''))}`;
      if (glob.split('/').includes('..')) return 'contains "..": paths must stay inside the repository';
      if (glob.endsWith('/')) return `ends with "/" and so matches nothing (paths never end in "/"): write ${JSON.stringify(`${glob}**`)} to cover everything under it`;
      if (glob === '.git' || glob.startsWith('.git/')) return "points inside .git, which is never committed; guard's own data is protected by the guard-refs rule";
      if (/\\(?![*?[\]{}()!+@|\\])/.test(glob)) return 'contains "\\", which is not a path separator here: use "/" (or "\\" only before a glob character to match it literally)';
    }
    try {
      compileGlob(glob);
    } catch (error) {
      return `is not a valid glob: ${(error as Error).message}`;
    }
    return null;
  };

  const leaf = (node: YamlNode | null, spec: Exclude<Spec, { kind: 'section' } | { kind: 'rules' }>, keyPath: string, pos: Position): unknown => {
    const vpos = positionOf(node, pos);
    const bad = (message: string): undefined => {
      report(vpos, `${keyPath}: ${message}`, keyPath);
      return undefined;
    };
    const scalar = node && yaml.isScalar(node) ? (node as Scalar).value : undefined;

    switch (spec.kind) {
      case 'version': {
        if (scalar === CONFIG_VERSION) return CONFIG_VERSION;
        if (typeof scalar === 'number') return bad(`unsupported version ${scalar}: this git-guard reads version ${CONFIG_VERSION} (is git-guard up to date?)`);
        return bad(`expected ${CONFIG_VERSION}, got ${describe(node)}`);
      }
      case 'globs': {
        const example = spec.glob === 'branch' ? '[main, "release/*"]' : '[migrations/**, "**/*.pem"]';
        if (isNull(node)) return bad(`no value: write a list such as ${example}, or [] for none`);
        if (!yaml.isSeq(node)) return bad(`expected a list of ${spec.glob} globs such as ${example}, got ${describe(node)}`);
        const globs: string[] = [];
        let ok = true;
        (node as YAMLSeq).items.forEach((raw, index) => {
          const item = resolve(raw);
          const itemPath = `${keyPath}[${index}]`;
          const ipos = positionOf(item, vpos);
          if (!item || !yaml.isScalar(item) || typeof item.value !== 'string') {
            // A bare number or boolean is almost certainly meant as text; say how to write it.
            const hint = item && yaml.isScalar(item) && item.value !== null ? ` (quote it: "${String(item.value)}")` : '';
            report(ipos, `${itemPath}: expected a ${spec.glob} glob (text), got ${describe(item)}${hint}`, itemPath);
            ok = false;
            return;
          }
          const problem = checkGlob(item.value, spec.glob);
          if (problem) {
            report(ipos, `${itemPath}: ${JSON.stringify(item.value)} ${problem}`, itemPath);
            ok = false;
            return;
          }
          globs.push(item.value);
        });
        return ok ? globs : undefined;
      }
      case 'size': {
        if (typeof scalar === 'string' || typeof scalar === 'number') {
          const bytes = parseSize(scalar);
          if (bytes !== null) return bytes;
          return bad(`${typeof scalar === 'string' ? JSON.stringify(scalar) : scalar} is not a size: ${SIZE_HELP}`);
        }
        return bad(`expected a size such as ${formatSize(spec.default)}, got ${describe(node)} (${SIZE_HELP})`);
      }
      case 'boolean': {
        if (typeof scalar === 'boolean') return scalar;
        return bad(`expected true or false, got ${describe(node)}`);
      }
      case 'integer': {
        if (typeof scalar === 'number') {
          if (!Number.isInteger(scalar)) return bad(`expected a whole number of ${spec.unit}, got ${scalar}`);
          if (scalar < spec.min || scalar > spec.max) return bad(`${scalar} is out of range: use ${spec.min} to ${spec.max} (${spec.unit})`);
          return scalar;
        }
        if (typeof scalar === 'string' && /^\s*\d+\s*$/.test(scalar)) {
          return bad(`expected a number of ${spec.unit}, got the text ${JSON.stringify(scalar)}: remove the quotes`);
        }
        return bad(`expected a number of ${spec.unit} (default ${spec.default}), got ${describe(node)}`);
      }
      case 'optional-string': {
        if (isNull(node)) return null;
        if (typeof scalar !== 'string' || scalar.trim() === '') return bad(`expected text or null, got ${describe(node)}`);
        if (/[\u0000-\u001f\u007f]/.test(scalar)) return bad('contains a control character (tab, newline, ...)');
        if (spec.check === 'dir') {
          if (!scalar.startsWith('/') && !scalar.startsWith('~/')) {
            return bad(`${JSON.stringify(scalar)} must be an absolute path or start with ~/ (a backup must live outside the working tree)`);
          }
          const expanded = scalar.startsWith('~/') ? (context.home ? path.join(context.home, scalar.slice(2)) : null) : scalar;
          if (expanded !== null) {
            const rel = path.relative(context.configDir, path.resolve(expanded));
            if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) {
              return bad(`${JSON.stringify(scalar)} is inside the working tree; a backup there is lost with it: choose a directory outside ${context.configDir}`);
            }
          }
          return scalar;
        }
        if (/\s/.test(scalar)) return bad(`${JSON.stringify(scalar)} contains whitespace; write a remote name or URL`);
        if (scalar.startsWith('-')) return bad(`${JSON.stringify(scalar)} starts with "-", which git would read as an option`);
        return scalar;
      }
    }
  };

  // --- rules ----------------------------------------------------------------------------------

  const parseMode = (node: YamlNode | null, keyPath: string, pos: Position): Mode | undefined => {
    const value = node && yaml.isScalar(node) ? node.value : undefined;
    if (typeof value === 'string' && (MODES as readonly string[]).includes(value)) return value as Mode;
    const vpos = positionOf(node, pos);
    const text = typeof value === 'string' ? JSON.stringify(value) : describe(node);
    const near = typeof value === 'string' ? closest(value, MODES) : null;
    const hint = near ? `did you mean ${JSON.stringify(near)}?` : value === false ? 'write off' : value === true ? 'write enforce' : 'use off, warn or enforce';
    report(vpos, `${keyPath}: ${text} is not a mode (off, warn or enforce); ${hint}`, keyPath);
    return undefined;
  };

  const rules = (node: YamlNode | null, pos: Position): void => {
    if (isNull(node)) return;
    if (!yaml.isMap(node)) {
      report(positionOf(node, pos), `rules: expected a mapping of rule ids to modes (e.g. guard-refs: enforce), got ${describe(node)}`, 'rules');
      return;
    }
    for (const pair of (node as YAMLMap).items) {
      const { name, pos: kpos } = keyName(pair);
      if (name === null) {
        report(kpos, 'rules: keys must be rule ids such as protected-branch-delete', 'rules');
        continue;
      }
      if (!isRuleId(name)) {
        const near = closest(name, RULE_IDS);
        report(
          kpos,
          near ? `unknown rule ${JSON.stringify(name)}; did you mean ${JSON.stringify(near)}?` : `unknown rule ${JSON.stringify(name)}; rules are: ${RULE_IDS.join(', ')}`,
          `rules.${name}`,
        );
        continue;
      }
      const keyPath = `rules.${name}`;
      locations[keyPath] = kpos;
      const value = resolve(pair.value);
      const defaults = ruleSpec(name).defaults;
      let modes: RuleModes | undefined;
      if (value && yaml.isMap(value)) {
        const partial: Partial<RuleModes> = {};
        let ok = true;
        for (const sub of (value as YAMLMap).items) {
          const { name: side, pos: spos } = keyName(sub);
          if (side !== 'human' && side !== 'agent') {
            const near = side ? closest(side, ['human', 'agent']) : null;
            report(
              spos,
              `${keyPath}: unknown key ${JSON.stringify(side ?? '')}${near ? `; did you mean ${JSON.stringify(near)}?` : '; use human and agent'}`,
              `${keyPath}.${side ?? ''}`,
            );
            ok = false;
            continue;
          }
          const mode = parseMode(resolve(sub.value), `${keyPath}.${side}`, spos);
          if (mode === undefined) ok = false;
          else partial[side] = mode;
        }
        if (!ok) continue;
        // A side left out keeps the rule's default for that side.
        modes = { human: partial.human ?? defaults.human, agent: partial.agent ?? defaults.agent };
      } else {
        const mode = parseMode(value, keyPath, kpos);
        if (mode === undefined) continue;
        modes = { human: mode, agent: mode };
      }
      if (modeRank(modes.agent) < modeRank(modes.human)) {
        report(
          positionOf(value, kpos),
          `${keyPath}: the agent mode (${modes.agent}) is looser than the human mode (${modes.human}); agents may only be held to the same or a stricter mode`,
          keyPath,
        );
        continue;
      }
      values.set(keyPath, modes);
    }
  };

  // --- sections -------------------------------------------------------------------------------

  const section = (node: YamlNode | null, spec: Extract<Spec, { kind: 'section' }>, keyPath: string, pos: Position): void => {
    // An empty section (`protect:` with every line below commented out) sets nothing.
    if (isNull(node)) return;
    const known = Object.keys(spec.fields);
    if (!yaml.isMap(node)) {
      const what = keyPath ? `${keyPath}: expected a mapping with ${known.join(', ')}` : `expected a mapping of settings (${known.join(', ')}) at the top level`;
      report(positionOf(node, pos), `${what}, got ${describe(node)}`, keyPath || undefined);
      return;
    }
    for (const pair of (node as YAMLMap).items) {
      const { name, pos: kpos } = keyName(pair);
      if (name === null) {
        report(kpos, `${keyPath || 'top level'}: keys must be plain names (${known.join(', ')})`, keyPath || undefined);
        continue;
      }
      const child = spec.fields[name];
      if (!child) {
        unknownKey(name, kpos, keyPath, known);
        continue;
      }
      const childPath = joinKey(keyPath, name);
      locations[childPath] = kpos;
      const value = resolve(pair.value);
      if (child.kind === 'section') section(value, child, childPath, kpos);
      else if (child.kind === 'rules') rules(value, kpos);
      else {
        const parsed = leaf(value, child, childPath, kpos);
        if (parsed !== undefined) values.set(childPath, parsed);
      }
    }
  };

  section(resolve(doc.contents), CONFIG_SPEC, '', { line: 1, column: 1 });

  // --- checks across keys -----------------------------------------------------------------------
  const defaults = defaultConfig();
  const debounce = (values.get('watch.debounceMs') as number | undefined) ?? defaults.watch.debounceMs;
  const interval = (values.get('watch.maxIntervalMs') as number | undefined) ?? defaults.watch.maxIntervalMs;
  if (interval < debounce) {
    const blame = values.has('watch.maxIntervalMs') ? 'watch.maxIntervalMs' : 'watch.debounceMs';
    report(
      locations[blame] ?? { line: 1, column: 1 },
      `watch.maxIntervalMs (${interval}) is shorter than watch.debounceMs (${debounce}); the interval must be at least the debounce`,
      blame,
    );
  }

  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { values, problems, locations };
}

function joinKey(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}
