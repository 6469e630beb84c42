/**
 * `guard config check|show|schema|compile`: validate .guard.yaml, print the effective policy,
 * print the JSON schema, refresh the compiled policy the hooks read.
 */
import path from 'node:path';
import { compilePolicy, policyFiles } from '../../config/compile.js';
import { displayPath, formatProblem, loadConfig, readConfig, readRegularFile } from '../../config/load.js';
import { openRepo, type Repo } from '../../git/repo.js';
import { CONFIG_FILE_NAME, CONFIG_SPEC, RULES, type Spec, renderJsonSchema } from '../../policy/schema.js';
import { formatSize } from '../../policy/size.js';
import type { CommandContext } from '../main.js';

interface JsonArgs {
  json?: boolean;
}

/** A linked worktree's own .guard.yaml is not the one in effect; say so when they differ. */
async function noteLocalCopy(repo: Repo, source: string, ctx: CommandContext): Promise<void> {
  const local = path.join(repo.root, CONFIG_FILE_NAME);
  if (local === source) return;
  const [mine, theirs] = await Promise.all([readRegularFile(local).catch(() => null), readRegularFile(source).catch(() => null)]);
  if (mine && (!theirs || !mine.equals(theirs))) {
    ctx.out.warn(
      `note: this linked worktree's ${CONFIG_FILE_NAME} differs from the one in effect (${source}); the policy of a repository is the main worktree's file, so changes here take effect once they reach it.`,
    );
  }
}

export async function check(args: JsonArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const read = await readConfig(repo);
  const file = read.source.file;
  const shown = displayPath(file, ctx.cwd);
  if (ctx.out.json) {
    ctx.out.data({ ok: read.problems.length === 0, file, exists: read.source.exists, problems: read.problems });
  }
  if (read.problems.length > 0) {
    for (const problem of read.problems) ctx.out.line(formatProblem(problem, ctx.cwd));
    const count = read.problems.length === 1 ? '1 problem' : `${read.problems.length} problems`;
    ctx.out.line(`${shown}: ${count}. Until it is fixed, guard's hooks fail closed (every branch and path counts as protected).`);
    return 1;
  }
  if (!read.source.exists) {
    ctx.out.line(`no ${CONFIG_FILE_NAME} in ${path.dirname(file)}: the built-in defaults apply (\`guard init\` writes a commented one).`);
  } else if (read.config) {
    const c = read.config;
    ctx.out.line(
      `${shown} is valid: ${c.protect.branches.length} protected branch globs, ${c.protect.paths.length} protected path globs, ${read.fromFile.length} settings from the file (the rest are defaults).`,
    );
  }
  if (repo.isLinkedWorktree) await noteLocalCopy(repo, file, ctx);
  return 0;
}

/** A YAML scalar for display: plain when unambiguous, else JSON-quoted (valid YAML either way). */
function yamlScalar(value: unknown): string {
  if (typeof value === 'string') {
    const plain = /^[A-Za-z0-9_./~-][A-Za-z0-9_./~ -]*$/.test(value) && !/^(null|true|false|~|[-+]?\d[\d.]*)$/i.test(value) && !value.endsWith(' ');
    return plain ? value : JSON.stringify(value);
  }
  if (value === null) return 'null';
  return String(value);
}

function renderConfig(config: Record<string, unknown>, fromFile: Set<string>, locations: Record<string, { line: number }>, sourceName: string): string[] {
  const lines: Array<[string, string]> = [];
  const origin = (keyPath: string): string =>
    fromFile.has(keyPath) ? `${sourceName}${locations[keyPath] ? `:${locations[keyPath]!.line}` : ''}` : 'default';

  const walk = (spec: Spec, value: unknown, keyPath: string, key: string, indent: string): void => {
    switch (spec.kind) {
      case 'section': {
        if (keyPath) lines.push([`${indent}${key}:`, '']);
        const childIndent = keyPath ? `${indent}  ` : indent;
        for (const [name, child] of Object.entries(spec.fields)) {
          walk(child, (value as Record<string, unknown>)[name], keyPath ? `${keyPath}.${name}` : name, name, childIndent);
        }
        return;
      }
      case 'rules': {
        lines.push([`${indent}${key}:`, '']);
        const rules = value as Record<string, { human: string; agent: string }>;
        for (const rule of RULES) {
          const modes = rules[rule.id]!;
          const text = modes.human === modes.agent ? modes.human : `{ human: ${modes.human}, agent: ${modes.agent} }`;
          lines.push([`${indent}  ${rule.id}: ${text}`, origin(`${keyPath}.${rule.id}`)]);
        }
        return;
      }
      case 'globs': {
        const globs = value as string[];
        if (globs.length === 0) {
          lines.push([`${indent}${key}: []`, origin(keyPath)]);
          return;
        }
        lines.push([`${indent}${key}:`, origin(keyPath)]);
        for (const glob of globs) lines.push([`${indent}  - ${yamlScalar(glob)}`, '']);
        return;
      }
      case 'size':
        lines.push([`${indent}${key}: ${formatSize(value as number)}`, origin(keyPath)]);
        return;
      default:
        lines.push([`${indent}${key}: ${yamlScalar(value)}`, origin(keyPath)]);
    }
  };
  walk(CONFIG_SPEC, config, '', '', '');
  const width = Math.min(60, Math.max(...lines.map(([text]) => text.length)));
  return lines.map(([text, note]) => (note ? `${text.padEnd(width)}  # ${note}` : text));
}

export async function show(args: JsonArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const loaded = await loadConfig(repo, { displayFrom: ctx.cwd });
  const file = loaded.source.file;
  if (ctx.out.json) {
    ctx.out.data({ file, exists: loaded.source.exists, fromFile: loaded.fromFile, config: loaded.config });
    return 0;
  }
  const shown = displayPath(file, ctx.cwd);
  ctx.out.line(
    loaded.source.exists
      ? `# effective git-guard policy: built-in defaults <- ${shown}`
      : `# effective git-guard policy: built-in defaults (no ${CONFIG_FILE_NAME} in ${path.dirname(file)})`,
  );
  for (const line of renderConfig(loaded.config as unknown as Record<string, unknown>, new Set(loaded.fromFile), loaded.locations, CONFIG_FILE_NAME)) {
    ctx.out.line(line);
  }
  if (repo.isLinkedWorktree) await noteLocalCopy(repo, file, ctx);
  return 0;
}

export async function schema(_args: unknown, ctx: CommandContext): Promise<number> {
  ctx.out.line(renderJsonSchema().trimEnd());
  return 0;
}

export async function compile(args: JsonArgs, ctx: CommandContext): Promise<number> {
  const repo = await openRepo(ctx.cwd);
  const policy = await compilePolicy(repo);
  const files = policyFiles(repo);
  if (ctx.out.json) {
    ctx.out.data({ ok: policy.error === null, source: policy.source, policy: files.json, sh: files.sh, error: policy.error, problems: policy.problems });
  }
  if (policy.error) {
    for (const problem of policy.problems) ctx.out.line(formatProblem(problem, ctx.cwd));
    ctx.out.line(`compiled a fail-closed policy into ${files.json}: hooks refuse what could destroy data until ${displayPath(policy.source, ctx.cwd)} is fixed.`);
    return 1;
  }
  ctx.out.line(`compiled ${displayPath(policy.source, ctx.cwd)}${policy.sourceExists ? '' : ' (missing: defaults)'} into ${files.json} and ${path.basename(files.sh)}`);
  return 0;
}
