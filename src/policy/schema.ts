/**
 * The single source of truth for .guard.yaml: the config types, every key with its default and
 * description (CONFIG_SPEC), the protection rules with their default modes (RULES), and the JSON
 * schema editors use (buildJsonSchema; templates/guard.schema.json is generated from it and a
 * test fails when the committed file is out of date). Validation (src/config/validate.ts), the
 * presets, `guard config show` and docs/configuration.md all follow this file. Pure: no I/O.
 *
 * Invariants kept here:
 *  - an agent's mode for a rule is never looser than the human mode (markers only tighten);
 *  - `.guard.yaml` itself is always a protected path, whatever the file lists;
 *  - a policy compiled from a broken file fails closed (failClosedConfig): every branch and path
 *    counts as protected and every rule that protects data is enforced for everyone.
 */
import { SIZE_HELP, SIZE_PATTERN, formatSize } from './size.js';

export const CONFIG_FILE_NAME = '.guard.yaml';
export const CONFIG_VERSION = 1;

export const MODES = ['off', 'warn', 'enforce'] as const;
export type Mode = (typeof MODES)[number];
export type ActorKind = 'human' | 'agent';

/** off < warn < enforce: an agent's mode must rank at least as high as the human one. */
export function modeRank(mode: Mode): number {
  return MODES.indexOf(mode);
}

export interface RuleModes {
  human: Mode;
  agent: Mode;
}

export interface RuleSpec {
  id: string;
  /** One sentence: what the rule refuses or warns about. */
  description: string;
  defaults: RuleModes;
  /**
   * True for rules whose violation destroys data guard cannot bring back (or guard's ability
   * to bring it back). With a broken .guard.yaml these are enforced for everyone.
   */
  protectsData: boolean;
  /** True when the rule only ever sees agents (the human mode is ignored). */
  agentOnly?: boolean;
}

export const RULES = [
  {
    id: 'protected-branch-delete',
    description: 'Deleting a protected branch, locally (`git branch -D main`) or on a remote (`git push origin :main`, `--delete`, `--mirror`).',
    defaults: { human: 'enforce', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'protected-branch-force-push',
    description:
      'A push that rewrites a protected branch on a remote: the remote tip is not an ancestor of what is pushed (a remote commit we do not have counts); `--force-with-lease` gets no exemption.',
    defaults: { human: 'enforce', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'protected-branch-rewrite',
    description:
      'A local non-fast-forward move of a protected branch (`commit --amend`, `reset`, a rebase). Recoverable: the old tip is journaled and kept reachable, so by default people are only warned.',
    defaults: { human: 'warn', agent: 'enforce' },
    protectsData: false,
  },
  {
    id: 'protected-path-delete',
    description: 'A commit that deletes a protected path, or renames/moves it out of its protected location.',
    defaults: { human: 'enforce', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'protected-path-modify',
    description: 'A commit that modifies a protected path.',
    defaults: { human: 'warn', agent: 'warn' },
    protectsData: false,
  },
  {
    id: 'guard-refs',
    description: "Deleting or rewriting guard's recovery data (`refs/guard/*`) by anything but guard itself.",
    defaults: { human: 'enforce', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'guard-refs-push',
    description: 'Pushing `refs/guard/*` to any remote except `backup.remote` (a `push --mirror` must not leak snapshots).',
    defaults: { human: 'enforce', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'hooks-disable',
    description: "Turning guard's hooks off: `--no-verify`, changing `core.hooksPath`, deleting or editing installed hook files.",
    defaults: { human: 'warn', agent: 'enforce' },
    protectsData: true,
  },
  {
    id: 'agent-file-edit-protected',
    description: "An agent's file tool (Write, Edit, Delete and their equivalents) changing a protected path or guard's own files.",
    defaults: { human: 'off', agent: 'enforce' },
    protectsData: false,
    agentOnly: true,
  },
] as const satisfies readonly RuleSpec[];

export type RuleId = (typeof RULES)[number]['id'];
export const RULE_IDS: readonly RuleId[] = RULES.map((rule) => rule.id);

export function ruleSpec(id: RuleId): RuleSpec {
  const spec = RULES.find((rule) => rule.id === id);
  if (!spec) throw new Error(`unknown rule id ${id}`);
  return spec;
}

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

/** The effective configuration: defaults <- .guard.yaml <- command-line flags. */
export interface GuardConfig {
  version: 1;
  protect: {
    /** Branch-name globs (without `refs/heads/`); `*` stops at `/`, `**` does not. */
    branches: string[];
    /** Path globs relative to the repository root; always includes `.guard.yaml`. */
    paths: string[];
  };
  snapshot: {
    /** New untracked files larger than this many bytes are skipped and listed; 0 = no limit. */
    maxFileSize: number;
    /** Globs of ignored files to capture anyway (e.g. `.env`). */
    includeIgnored: string[];
    /**
     * Bytes of ignored, non-regenerable files (`.env`, a local database) each session-start
     * snapshot captures, smallest first; 0 = none. Not while backup.remote is set.
     */
    ignoredAtSessionStart: number;
    /**
     * Seconds an agent hook may spend on the snapshot before a destructive command; past it the
     * command is refused. Below every agent's hook timeout (120 s as guard installs them), because
     * an agent runs the tool when its hook times out.
     */
    hookBudgetSeconds: number;
    retention: {
      keepDays: number;
      keepSessions: number;
      /** Bytes; `guard gc` runs when the store grows past it; 0 = no limit. */
      maxStoreSize: number;
    };
  };
  backup: {
    /** Absolute or `~/` path of the backup store; null = the default under the user's data dir. */
    dir: string | null;
    /** The one git remote that may receive `refs/guard/*`; null = none. */
    remote: string | null;
  };
  commands: {
    /** Deleting inside the system temp directory (/tmp, $TMPDIR) is allowed: the agent's scratch space. */
    tempIsScratch: boolean;
    /** Ignored output that is rebuilt (names or path globs): deleting it is allowed and it is never captured. */
    regenerable: string[];
    /** Bytes of ignored files a command may delete after guard captured them; over it, deny. */
    maxIgnoredCapture: number;
  };
  watch: {
    debounceMs: number;
    maxIntervalMs: number;
    /** 0 = never stop on idle. */
    idleTimeoutMinutes: number;
  };
  rules: Record<RuleId, RuleModes>;
}

/** Paths that are protected whatever .guard.yaml lists: the policy itself. */
export const ALWAYS_PROTECTED_PATHS: readonly string[] = [CONFIG_FILE_NAME];

export const DEFAULT_PROTECTED_BRANCHES: readonly string[] = ['main', 'master', 'release/*'];

/**
 * guard writes no `.git*` file into the worktree (its git hooks live in the hooks directory),
 * so the defaults protect: the policy, the agent hook settings guard writes (deleting them
 * silently switches the agent hooks off), the two `.git*` files whose loss silently changes how
 * the repository is stored (`.gitattributes`: LFS, filters, line endings; `.gitmodules`), CI
 * workflows (where `guard verify` runs), and database migrations (applied history).
 */
export const DEFAULT_PROTECTED_PATHS: readonly string[] = [
  '.guard.yaml',
  '.gitattributes',
  '.gitmodules',
  '.github/workflows/**',
  '.github/hooks/git-guard.json',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.codex/hooks.json',
  '.cursor/hooks.json',
  '.gemini/settings.json',
  '.opencode/plugins/git-guard.js',
  '**/migrations/**',
  'db/migrate/**',
];

/**
 * Ignored output that build tools and package managers recreate: deleting it is not a reason to
 * stop, and the command guard does not capture it. A name matches any path segment (so
 * `packages/a/node_modules` counts); a pattern with `/` matches repo-relative paths. Only
 * ignored files count: a tracked `build/` is snapshotted like anything else.
 *
 * All but `*.pyc` and `.DS_Store` name output DIRECTORIES (namesDirectories): they match a
 * segment that is a directory (`obj/x.o`, `build/`), never an ignored regular file or symlink
 * that merely has the name (a file `obj`, `out` or `deps` holding data is captured before a
 * deletion like any other ignored file). `*.pyc` and `.DS_Store` name files. In .guard.yaml a
 * pattern ending in `/` names directories; any other pattern a person adds matches both.
 */
export const DEFAULT_REGENERABLE: readonly string[] = [
  'node_modules', 'bower_components', 'jspm_packages', '.pnpm-store', '.yarn/cache',
  'dist', 'build', 'out', 'target', '.next', '.nuxt', '.svelte-kit', '.angular', '.turbo', '.nx/cache', '.nx/workspace-data', '.parcel-cache', '.vite', '.cache',
  'coverage', '.nyc_output',
  '__pycache__', '*.pyc', '.pytest_cache', '.mypy_cache', '.ruff_cache', '.tox', '.nox', '.venv', 'venv', '*.egg-info', '.eggs',
  // Symfony's var/cache (its var/log beside it is not rebuilt). `vendor` (Composer, `go mod vendor`,
  // Bundler's vendor/bundle): a `--prefer-source` clone in it (vendor/acme/lib/.git) holding local
  // commits or edits is still refused (src/git/nested-work.ts); only a clean, published one goes.
  '.gradle', '.dart_tool', '.build', 'DerivedData', 'Pods', 'vendor', 'vendor/bundle', 'var/cache', 'zig-cache', 'zig-out', '_build', 'deps', 'obj', '**/bin/Debug', '**/bin/Release',
  '.terraform', '.DS_Store',
  // A JavaScript monorepo's built packages (babel, lerna layouts: src/ compiled to lib/). Only
  // where git ignores it: a tracked packages/x/lib is source and snapshotted as such.
  'packages/*/lib',
];

/** The built-in regenerable patterns that name files, not directories. */
const REGENERABLE_FILE_PATTERNS: ReadonlySet<string> = new Set(['*.pyc', '.DS_Store']);
/** The built-in ones that name directories (the list .guard.yaml's default preset spells out). */
const REGENERABLE_DIR_PATTERNS: ReadonlySet<string> = new Set(DEFAULT_REGENERABLE.filter((p) => !REGENERABLE_FILE_PATTERNS.has(p)));

/**
 * Does a commands.regenerable pattern name directories only (DEFAULT_REGENERABLE's comment)? A
 * built-in directory name, wherever it is listed (the default preset writes them into
 * .guard.yaml), or any pattern ending in `/`, as in .gitignore.
 */
export function namesDirectories(pattern: string): boolean {
  return pattern.endsWith('/') || REGENERABLE_DIR_PATTERNS.has(pattern);
}

function defaultRules(): Record<RuleId, RuleModes> {
  const rules = {} as Record<RuleId, RuleModes>;
  for (const rule of RULES) rules[rule.id] = { ...rule.defaults };
  return rules;
}

/** What guard uses when there is no .guard.yaml (and what the default preset spells out). */
export function defaultConfig(): GuardConfig {
  return {
    version: CONFIG_VERSION,
    protect: {
      branches: [...DEFAULT_PROTECTED_BRANCHES],
      paths: [...DEFAULT_PROTECTED_PATHS],
    },
    snapshot: {
      maxFileSize: 50 * 1024 ** 2,
      includeIgnored: [],
      ignoredAtSessionStart: 10 * 1024 ** 2,
      hookBudgetSeconds: 60,
      retention: {
        keepDays: 30,
        keepSessions: 20,
        maxStoreSize: 2 * 1024 ** 3,
      },
    },
    backup: { dir: null, remote: null },
    commands: {
      tempIsScratch: true,
      regenerable: [...DEFAULT_REGENERABLE],
      maxIgnoredCapture: 100 * 1024 ** 2,
    },
    watch: { debounceMs: 1500, maxIntervalMs: 10_000, idleTimeoutMinutes: 30 },
    rules: defaultRules(),
  };
}

/**
 * The config a broken .guard.yaml compiles to: guard cannot know what the file meant to
 * protect, so it protects everything. Every branch and path counts as protected, every rule
 * that protects data is enforced for people and agents alike, and the other rules only warn
 * (so nothing is refused that does not protect data). Snapshot, backup and watch settings are
 * the defaults.
 */
export function failClosedConfig(): GuardConfig {
  const config = defaultConfig();
  config.protect = { branches: ['**'], paths: ['**'] };
  for (const rule of RULES) {
    config.rules[rule.id] = rule.protectsData ? { human: 'enforce', agent: 'enforce' } : { human: 'warn', agent: 'warn' };
  }
  return config;
}

/** One problem in a config file, with a 1-based position. */
export interface ConfigProblem {
  file: string;
  line: number;
  column: number;
  message: string;
  /** The key path the problem is about, e.g. `protect.branches[1]`, when there is one. */
  key?: string;
}

export const POLICY_FORMAT = 1;

/**
 * The compiled policy the hook path reads from `<commonDir>/guard/policy.json`: the effective
 * config (top level, as in GuardConfig) plus where it came from and whether it is valid.
 */
export interface Policy extends GuardConfig {
  policyFormat: typeof POLICY_FORMAT;
  /** Fingerprint of this guard's defaults and rules: a cache from another version recompiles. */
  schemaStamp: string;
  /** Absolute path of the .guard.yaml this policy was compiled from (it may not exist). */
  source: string;
  sourceExists: boolean;
  /** sha256 (hex) of the file's bytes; null when the file does not exist. */
  sourceHash: string | null;
  /** Size and mtime of the file when compiled: a cheap staleness check before hashing. */
  sourceSize: number | null;
  sourceMtimeMs: number | null;
  compiledAt: string;
  /** null, or the config error that made this a fail-closed policy (see failClosedConfig). */
  error: string | null;
  problems: ConfigProblem[];
  /** Where each key set in the file is (`rules.guard-refs` -> line 40), for refusal messages. */
  locations: Record<string, { line: number; column: number }>;
}

// ---------------------------------------------------------------------------------------------
// CONFIG_SPEC: every key, its kind, default and description. Validation, the JSON schema,
// `guard config show` and the docs test walk this tree.

export type GlobKind = 'branch' | 'path';

export type Spec =
  | { kind: 'section'; description: string; fields: Record<string, Spec> }
  | { kind: 'version'; description: string }
  | { kind: 'globs'; glob: GlobKind; description: string; default: readonly string[] }
  | { kind: 'size'; description: string; default: number }
  | { kind: 'boolean'; description: string; default: boolean }
  | { kind: 'integer'; description: string; default: number; min: number; max: number; unit: string }
  | { kind: 'optional-string'; check: 'dir' | 'remote'; description: string; default: null }
  | { kind: 'rules'; description: string };

const DEFAULTS = defaultConfig();

export const CONFIG_SPEC: Extract<Spec, { kind: 'section' }> = {
  kind: 'section',
  description: 'git-guard policy for this repository (.guard.yaml at the root of the main worktree).',
  fields: {
    version: { kind: 'version', description: 'Format version of this file. Always 1.' },
    protect: {
      kind: 'section',
      description: 'What the git hooks protect.',
      fields: {
        branches: {
          kind: 'globs',
          glob: 'branch',
          default: DEFAULTS.protect.branches,
          description:
            'Protected branches, as branch-name globs without refs/heads/ (`*` does not cross `/`, `**` does). They cannot be deleted or force-pushed; local rewrites follow the protected-branch-rewrite rule. The list replaces the default.',
        },
        paths: {
          kind: 'globs',
          glob: 'path',
          default: DEFAULTS.protect.paths,
          description:
            'Protected paths, as globs relative to the repository root (`**/x` matches x at any depth, `dir/**` everything under dir; dotfiles match). Commits cannot delete them or move them away; changes follow protected-path-modify; agents cannot edit them. .guard.yaml is always protected. The list replaces the default.',
        },
      },
    },
    snapshot: {
      kind: 'section',
      description: 'What snapshots capture and how long they are kept.',
      fields: {
        maxFileSize: {
          kind: 'size',
          default: DEFAULTS.snapshot.maxFileSize,
          description: 'New untracked files larger than this are skipped (and listed as skipped). 0 = no limit.',
        },
        includeIgnored: {
          kind: 'globs',
          glob: 'path',
          default: DEFAULTS.snapshot.includeIgnored,
          description:
            'Ignored files to capture anyway, as path globs (e.g. `.env`), so that `git clean -x` or `rm` cannot lose them. They may hold secrets: they go wherever snapshots go (the backup, backup.remote).',
        },
        ignoredAtSessionStart: {
          kind: 'size',
          default: DEFAULTS.snapshot.ignoredAtSessionStart,
          description:
            "Each session's start snapshot captures the ignored files that are not regenerable output (`.env`, a local database, editor settings), smallest first, at most 200 files and this many bytes in all, so that what guard cannot look into (`make clean`, `npm run db:reset`, a script) cannot lose them for good: `guard rollback <start> --paths .env` gives one back. 0 = none. Not while backup.remote is set (they may hold secrets, and would leave the machine): list such files in includeIgnored to capture them anyway.",
        },
        hookBudgetSeconds: {
          kind: 'integer',
          default: DEFAULTS.snapshot.hookBudgetSeconds,
          min: 1,
          max: 110,
          unit: 'seconds',
          description:
            "How long an agent hook may spend on the snapshot it takes before a destructive command. If the snapshot is not done by then, the command is refused with a reason (never left to the agent's hook timeout, after which every agent runs the command). Keep it below the agents' hook timeouts (120 s as guard installs them).",
        },
        retention: {
          kind: 'section',
          description:
            'How long snapshots are kept (`guard gc`). A snapshot is kept while it is younger than keepDays or belongs to one of the last keepSessions sessions; the newest snapshot of each chain and the latest session are never dropped (`guard gc --keep 12h` applies a shorter retention once).',
          fields: {
            keepDays: {
              kind: 'integer',
              default: DEFAULTS.snapshot.retention.keepDays,
              min: 1,
              max: 36500,
              unit: 'days',
              description: 'Keep snapshots younger than this many days.',
            },
            keepSessions: {
              kind: 'integer',
              default: DEFAULTS.snapshot.retention.keepSessions,
              min: 1,
              max: 1_000_000,
              unit: 'sessions',
              description: 'Keep the snapshots of this many most recent agent sessions.',
            },
            maxStoreSize: {
              kind: 'size',
              default: DEFAULTS.snapshot.retention.maxStoreSize,
              description: 'Run `guard gc` automatically when the snapshot store grows past this size. 0 = no limit.',
            },
          },
        },
      },
    },
    backup: {
      kind: 'section',
      description: 'Copies of the snapshots outside the working tree.',
      fields: {
        dir: {
          kind: 'optional-string',
          check: 'dir',
          default: null,
          description:
            "Where the self-contained backup repository lives: an absolute path or one starting with ~/ (outside the working tree). null = guard's default under the user's data directory.",
        },
        remote: {
          kind: 'optional-string',
          check: 'remote',
          default: null,
          description:
            'A git remote (name or URL) that receives the snapshots; the only remote refs/guard/* may be pushed to. null = snapshots never leave the machine.',
        },
      },
    },
    commands: {
      kind: 'section',
      description: "What the command guard (the agent hooks, `guard check-command`) lets an agent's shell commands delete.",
      fields: {
        tempIsScratch: {
          kind: 'boolean',
          default: DEFAULTS.commands.tempIsScratch,
          description:
            'Deleting inside the system temp directory (/tmp, $TMPDIR) is allowed: it is the scratch space agents use. false: deleting there is denied like anywhere outside the repository.',
        },
        regenerable: {
          kind: 'globs',
          glob: 'path',
          default: DEFAULTS.commands.regenerable,
          description:
            'Ignored output that is rebuilt (node_modules, dist, .venv ...): deleting it is allowed and guard does not capture it. A name matches a directory of that name at any depth, and a file of that name too unless it names a directory (every built-in name but *.pyc and .DS_Store, or one ending in /: an ignored file named obj or out holding data is captured like any other); a glob with / matches paths from the repository root. Other ignored files a command deletes (.env, local config) are captured into the snapshot first. The list replaces the default.',
        },
        maxIgnoredCapture: {
          kind: 'size',
          default: DEFAULTS.commands.maxIgnoredCapture,
          description:
            'The most ignored files (in bytes) guard captures into the snapshot before a command that deletes them (rm, git clean -x); a command that would delete more is denied, naming the largest. At most 10000 files either way.',
        },
      },
    },
    watch: {
      kind: 'section',
      description: 'The watcher that snapshots changes during agent sessions.',
      fields: {
        debounceMs: {
          kind: 'integer',
          default: DEFAULTS.watch.debounceMs,
          min: 50,
          max: 600_000,
          unit: 'ms',
          description: 'Take a snapshot once changes have settled for this long.',
        },
        maxIntervalMs: {
          kind: 'integer',
          default: DEFAULTS.watch.maxIntervalMs,
          min: 100,
          max: 3_600_000,
          unit: 'ms',
          description: 'During continuous changes, snapshot at least this often. Not less than debounceMs.',
        },
        idleTimeoutMinutes: {
          kind: 'integer',
          default: DEFAULTS.watch.idleTimeoutMinutes,
          min: 0,
          max: 10_080,
          unit: 'minutes',
          description: 'Stop the watcher after this long without changes or a session. 0 = never.',
        },
      },
    },
    rules: {
      kind: 'rules',
      description:
        'Per-rule mode: off (no check), warn (allow, print a warning and journal it) or enforce (refuse). Either one mode for everyone or { human: MODE, agent: MODE }; the agent mode may only be the same or stricter. Rules not listed keep their defaults.',
    },
  },
};

/** Every leaf key path of CONFIG_SPEC (`snapshot.retention.keepDays`, ...) plus `rules.<id>`. */
export function configKeyPaths(spec: Spec = CONFIG_SPEC, prefix = ''): string[] {
  if (spec.kind === 'section') {
    return Object.entries(spec.fields).flatMap(([key, child]) => configKeyPaths(child, prefix ? `${prefix}.${key}` : key));
  }
  if (spec.kind === 'rules') return RULE_IDS.map((id) => `${prefix}.${id}`);
  return [prefix];
}

/** The spec node at a key path (`snapshot.retention`), or undefined. */
export function specAt(keyPath: string): Spec | undefined {
  let node: Spec | undefined = CONFIG_SPEC;
  for (const part of keyPath.split('.')) {
    if (!node || node.kind !== 'section') return undefined;
    node = node.fields[part];
  }
  return node;
}

// ---------------------------------------------------------------------------------------------
// JSON schema (draft-07: what editors' YAML plugins understand best). No $ref, so that every
// property keeps its own description and default in editor tooltips.

type JsonSchema = Record<string, unknown>;

const MODE_SCHEMA = (description: string): JsonSchema => ({ type: 'string', enum: [...MODES], description });

function ruleSchema(rule: RuleSpec): JsonSchema {
  const sameModes = rule.defaults.human === rule.defaults.agent;
  return {
    description: `${rule.description} Default: ${sameModes ? rule.defaults.human : `human ${rule.defaults.human}, agent ${rule.defaults.agent}`}.${rule.agentOnly ? ' Only agents are checked by this rule.' : ''}`,
    default: sameModes ? rule.defaults.human : { ...rule.defaults },
    oneOf: [
      MODE_SCHEMA('One mode for people and agents.'),
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          human: MODE_SCHEMA('Mode for people (no agent marker in the environment).'),
          agent: MODE_SCHEMA('Mode for agents; the same as or stricter than the human mode.'),
        },
      },
    ],
  };
}

function globItemSchema(kind: GlobKind): JsonSchema {
  return kind === 'branch'
    ? {
        type: 'string',
        minLength: 1,
        // No whitespace or characters git forbids in ref names; no refs/ prefix; no negation.
        pattern: '^(?!refs/)(?![-/!])[^\\s~^:\\\\]+$',
        description: 'A branch-name glob, e.g. main or release/*.',
      }
    : {
        type: 'string',
        minLength: 1,
        pattern: '^(?![/!])(?!\\./)[^\\t\\n\\r]+$',
        description: 'A path glob relative to the repository root, e.g. migrations/** or **/*.pem.',
      };
}

function specSchema(spec: Spec): JsonSchema {
  switch (spec.kind) {
    case 'section':
      return {
        type: ['object', 'null'],
        description: spec.description,
        additionalProperties: false,
        properties: Object.fromEntries(Object.entries(spec.fields).map(([key, child]) => [key, specSchema(child)])),
      };
    case 'version':
      return { description: spec.description, const: CONFIG_VERSION, default: CONFIG_VERSION };
    case 'globs':
      return { type: 'array', description: spec.description, default: [...spec.default], items: globItemSchema(spec.glob) };
    case 'size':
      return {
        description: `${spec.description} Sizes: ${SIZE_HELP}.`,
        default: formatSize(spec.default),
        oneOf: [
          { type: 'string', pattern: SIZE_PATTERN },
          { type: 'integer', minimum: 0, description: 'Bytes.' },
        ],
      };
    case 'boolean':
      return { type: 'boolean', description: spec.description, default: spec.default };
    case 'integer':
      return { type: 'integer', description: `${spec.description} (${spec.unit})`, default: spec.default, minimum: spec.min, maximum: spec.max };
    case 'optional-string':
      return {
        type: ['string', 'null'],
        description: spec.description,
        default: null,
        ...(spec.check === 'dir' ? { pattern: '^(/|~/)' } : { pattern: '^[^-\\s][^\\s]*$' }),
      };
    case 'rules':
      return {
        type: ['object', 'null'],
        description: spec.description,
        additionalProperties: false,
        properties: Object.fromEntries(RULES.map((rule) => [rule.id, ruleSchema(rule)])),
      };
  }
}

/** The JSON schema of .guard.yaml (templates/guard.schema.json is this, pretty-printed). */
export function buildJsonSchema(): JsonSchema {
  const root = specSchema(CONFIG_SPEC);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'git-guard configuration (.guard.yaml)',
    ...root,
    type: ['object', 'null'],
  };
}

/** The schema as the committed file holds it. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}
