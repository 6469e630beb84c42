/**
 * The only reader of .guard.yaml. The effective config is defaults <- file <- flags:
 *  - no file: the defaults, and the result says so (`exists: false`);
 *  - a file that exists is either understood completely or rejected with EVERY problem
 *    (`file:line:col: message`); it never falls back to defaults, not even in part;
 *  - flags (overrides) win over the file; an undefined flag changes nothing.
 *
 * Which file: the repository's policy is the .guard.yaml at the root of the MAIN worktree,
 * also for linked worktrees. Refs (and so the branch and guard-ref rules) are shared by all
 * worktrees, the compiled policy lives in the common git dir, and an agent working in a linked
 * worktree cannot loosen the policy by editing its own checkout's copy. When the main worktree
 * is bare or gone, the first other worktree `git worktree list` shows stands in for it, so that
 * all worktrees still agree on one file.
 *
 * `yaml` (~50-150 ms to import) is loaded only inside the functions that parse, so importing
 * this module costs nothing on the hook path.
 */
import { worktreeListRecords } from '../git/compat.js';
import { createHash } from 'node:crypto';
import { constants as fsConstants, existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { GuardError } from '../errors.js';
import type { Repo } from '../git/repo.js';
import {
  ALWAYS_PROTECTED_PATHS,
  CONFIG_FILE_NAME,
  type ConfigProblem,
  type GuardConfig,
  type RuleId,
  type RuleModes,
  defaultConfig,
  modeRank,
} from '../policy/schema.js';
import type { Position } from './validate.js';

/** Flags that override the file; undefined values are ignored. */
export interface ConfigOverrides {
  protect?: Partial<GuardConfig['protect']>;
  snapshot?: Partial<Omit<GuardConfig['snapshot'], 'retention'>> & { retention?: Partial<GuardConfig['snapshot']['retention']> };
  backup?: Partial<GuardConfig['backup']>;
  watch?: Partial<GuardConfig['watch']>;
  rules?: Partial<Record<RuleId, Partial<RuleModes>>>;
}

/** The file a config came from, as read (for the compiled policy's staleness check). */
export interface ConfigSource {
  file: string;
  exists: boolean;
  /** sha256 (hex) of the bytes; null when the file does not exist. */
  hash: string | null;
  size: number | null;
  mtimeMs: number | null;
}

export interface LoadedConfig {
  config: GuardConfig;
  source: ConfigSource;
  /** Dotted key paths the file sets (leaves and rules), for `guard config show`. */
  fromFile: string[];
  locations: Record<string, Position>;
}

export interface ParsedConfig {
  /** The file's config with defaults applied; null when there are problems. */
  config: GuardConfig | null;
  problems: ConfigProblem[];
  fromFile: string[];
  locations: Record<string, Position>;
}

/** Absolute path of the .guard.yaml that governs this repository (see the header). */
export async function configSourcePath(repo: Repo): Promise<string> {
  if (!repo.isLinkedWorktree) return path.join(repo.root, CONFIG_FILE_NAME);
  const main = await mainWorktreeRoot(repo);
  return path.join(main ?? repo.root, CONFIG_FILE_NAME);
}

/**
 * Root of the worktree whose .guard.yaml governs the repository: the main worktree, or, when it
 * is bare or gone, the first other worktree git lists (so every worktree picks the same file).
 */
async function mainWorktreeRoot(repo: Repo): Promise<string | null> {
  // The main worktree is always the first entry.
  const records = await worktreeListRecords(repo);
  // Entries are groups of records separated by an empty record.
  const entries: string[][] = [[]];
  for (const record of records) {
    if (record === '') entries.push([]);
    else entries[entries.length - 1]!.push(record);
  }
  for (const entry of entries) {
    const worktree = entry.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    if (worktree && !entry.includes('bare') && existsSync(worktree)) return worktree;
  }
  return null;
}

/**
 * A file's bytes, only if it is a regular file (or a symlink to one). A FIFO, a socket or a device
 * named .guard.yaml would block a plain read forever (every hook and `guard status` would hang):
 * the file is opened without blocking and checked with fstat before anything is read.
 */
export async function readRegularFile(file: string): Promise<Buffer> {
  const handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isFIFO() ? 'a FIFO (named pipe)' : stat.isDirectory() ? 'a directory' : stat.isSocket() ? 'a socket' : 'a device or other special file';
      throw new GuardError('config', `${file} is ${kind}, not a regular file: guard reads its policy only from a regular file`, {
        hints: [`Replace it with a regular file (\`rm ${path.basename(file)}\`, then \`guard init\` writes a commented one), or remove it to use the built-in defaults.`],
      });
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** Reads a file's bytes together with a stat that matches them (retries if it changes meanwhile). */
export async function readSource(file: string): Promise<{ source: ConfigSource; bytes: Buffer | null }> {
  for (let attempt = 0; ; attempt++) {
    let before;
    try {
      before = await fs.stat(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return { source: { file, exists: false, hash: null, size: null, mtimeMs: null }, bytes: null };
      }
      throw error;
    }
    const bytes = await readRegularFile(file);
    const after = await fs.stat(file);
    if ((after.size === before.size && after.mtimeMs === before.mtimeMs) || attempt >= 3) {
      return {
        source: { file, exists: true, hash: sha256(bytes), size: after.size, mtimeMs: after.mtimeMs },
        bytes,
      };
    }
  }
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Parses and validates config text (from the file, a preset, or a blob in a bare repository).
 * Never throws for a bad config: problems are returned, all of them.
 */
export async function parseConfigText(text: string, file: string, context: { configDir?: string; home?: string } = {}): Promise<ParsedConfig> {
  const yaml = await import('yaml');
  const { validateDocument } = await import('./validate.js');
  const lineCounter = new yaml.LineCounter();
  // YAML 1.2 core schema: `off`, `yes`, `no` stay text (in YAML 1.1 `off` would be false).
  const doc = yaml.parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, prettyErrors: true, uniqueKeys: true, version: '1.2' });
  const result = validateDocument(yaml, doc, lineCounter, file, {
    configDir: context.configDir ?? path.dirname(file),
    home: context.home ?? process.env.HOME,
  });
  const fromFile = [...result.values.keys()];
  if (result.problems.length > 0) return { config: null, problems: result.problems, fromFile, locations: result.locations };
  const config = defaultConfig();
  for (const [keyPath, value] of result.values) setPath(config, keyPath, value);
  return { config: withInvariants(config), problems: [], fromFile, locations: result.locations };
}

/** The file's full outcome, without throwing on problems (compile.ts turns problems into a fail-closed policy). */
export async function readConfig(repo: Repo, options: { file?: string } = {}): Promise<ParsedConfig & { source: ConfigSource }> {
  const file = options.file ?? (await configSourcePath(repo));
  let read;
  try {
    read = await readSource(file);
  } catch (error) {
    // An unreadable file is a problem with the file, never a reason to use the defaults.
    const problem = { file, line: 1, column: 1, message: `cannot read the file: ${(error as Error).message}` };
    return { config: null, problems: [problem], fromFile: [], locations: {}, source: { file, exists: true, hash: null, size: null, mtimeMs: null } };
  }
  if (!read.bytes) return { config: defaultConfig(), problems: [], fromFile: [], locations: {}, source: read.source };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    const problem = { file, line: 1, column: 1, message: 'the file is not valid UTF-8 text' };
    return { config: null, problems: [problem], fromFile: [], locations: {}, source: read.source };
  }
  return { ...(await parseConfigText(text, file, { configDir: path.dirname(file) })), source: read.source };
}

/**
 * The effective config: defaults <- .guard.yaml <- overrides. Throws GuardError('config') with
 * every problem in `details.problems` when the file exists and is invalid.
 */
export async function loadConfig(repo: Repo, options: { file?: string; overrides?: ConfigOverrides; displayFrom?: string } = {}): Promise<LoadedConfig> {
  const read = await readConfig(repo, options);
  if (!read.config) throw configError(read.problems, read.source.file, options.displayFrom ?? repo.root);
  return {
    config: applyOverrides(read.config, options.overrides),
    source: read.source,
    fromFile: read.fromFile,
    locations: read.locations,
  };
}

/** `file` relative to `from` when it lies inside it, else absolute: what people can click. */
export function displayPath(file: string, from: string): string {
  const rel = path.relative(from, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

export function formatProblem(problem: ConfigProblem, from: string): string {
  return `${displayPath(problem.file, from)}:${problem.line}:${problem.column}: ${problem.message}`;
}

/** One GuardError listing every problem, one per line. */
export function configError(problems: ConfigProblem[], file: string, displayFrom: string): GuardError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((problem) => `  ${formatProblem(problem, displayFrom)}`);
  return new GuardError('config', `${displayPath(file, displayFrom)} is invalid (${count}):\n${lines.join('\n')}`, {
    hints: [
      'Fix the file, then run `guard config check`.',
      "Until it is fixed, guard's hooks fail closed: every branch and path counts as protected and the rules that protect data are enforced for everyone.",
    ],
    details: { file, problems },
  });
}

/** Applies flags over a config; undefined values change nothing, lists replace. */
export function applyOverrides(config: GuardConfig, overrides: ConfigOverrides | undefined): GuardConfig {
  if (!overrides) return config;
  const out = structuredClone(config);
  const assign = (target: Record<string, unknown>, source: Record<string, unknown> | undefined): void => {
    for (const [key, value] of Object.entries(source ?? {})) {
      if (value === undefined) continue;
      const current = target[key];
      if (value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current)) {
        assign(current as Record<string, unknown>, value as Record<string, unknown>);
      } else {
        target[key] = Array.isArray(value) ? [...value] : value;
      }
    }
  };
  assign(out as unknown as Record<string, unknown>, overrides as Record<string, unknown>);
  for (const [id, modes] of Object.entries(out.rules)) {
    if (modeRank(modes.agent) < modeRank(modes.human)) {
      throw new GuardError('user', `rule ${id}: the agent mode (${modes.agent}) would be looser than the human mode (${modes.human})`, {
        hints: ['Agents may only be held to the same or a stricter mode.'],
      });
    }
  }
  return withInvariants(out);
}

/** .guard.yaml is always protected, whatever the list says. */
function withInvariants(config: GuardConfig): GuardConfig {
  const paths = config.protect.paths;
  const missing = ALWAYS_PROTECTED_PATHS.filter((p) => !paths.includes(p));
  if (missing.length > 0) config.protect.paths = [...missing, ...paths];
  return config;
}

function setPath(target: object, keyPath: string, value: unknown): void {
  // Rule ids contain "-" but never ".", so a dotted path splits cleanly.
  const parts = keyPath.split('.');
  let node = target as Record<string, unknown>;
  for (const part of parts.slice(0, -1)) node = node[part] as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}
