/**
 * What a `terraform apply` reads of a configuration file to decide what it destroys, as far as
 * guard needs it (terraform-apply.ts): the managed resources a module declares (`resource "TYPE"
 * "NAME" {`), its module calls with their `source`, `moved { from to }` and `removed { from
 * lifecycle { destroy } }` blocks, and the root's `terraform { backend "TYPE" { path
 * workspace_dir } }` or `cloud {}`. HCL native syntax (`*.tf`, `*.tofu`) is read block header by
 * block header, comments first taken out (code-comments.ts), strings (with `${...}` inside them)
 * and heredocs skipped whole so a brace in them is not one of the file's; JSON syntax (`*.tf.json`)
 * through JSON.parse. Expressions are not evaluated: an attribute's value is kept only where it is
 * a literal string, or a traversal (`aws_db_instance.main`, `module.db`) for moved and removed.
 * A file guard cannot read this way gives null: what depends on it is not judged.
 *
 * Since 2026-12-07 a resource block's `count` / `for_each` is kept as its expression's text, and
 * the module's `locals` likewise; countOf / keysOf evaluate only what is certain from the text:
 * a number (`count = 2`, `count = "2"`), a literal `for_each` set or map (`toset(["a", "b"])`,
 * `{ a = ..., "b" = ... }`, `tomap({...})`), or a `local.NAME` whose value is one of those. A
 * variable, a conditional, a function it does not know, a `for` expression: null (not known).
 */
import { withoutComments } from './code-comments.js';

/** What one module's files declare, as far as terraform-apply.ts judges them. */
export interface ModuleConfig {
  /** `TYPE.NAME` of each managed resource block. */
  resources: Set<string>;
  /** Module calls by name: their `source` (null where it is not a literal string). */
  modules: Map<string, string | null>;
  /** `moved` blocks' `from` addresses (as written, instance keys kept). */
  movedFrom: string[];
  /** `moved` blocks' `to` addresses (as written, instance keys kept). */
  movedTo: string[];
  /** How each resource block (`TYPE.NAME`) repeats: `count` or `for_each` with its expression's text; absent: neither. */
  repetition: Map<string, Repetition>;
  /** How each module call (by name) repeats, as `repetition` for resources. */
  moduleRepetition: Map<string, Repetition>;
  /** `locals { NAME = EXPR }`: each local's expression text (native syntax only). */
  locals: Map<string, string>;
  /** `removed` blocks: `from`, and `lifecycle { destroy }` where given as a literal (true/false). */
  removed: Array<{ from: string; destroy: boolean | null }>;
  /** The backend the `terraform` block names (`local`, `s3`, `cloud` for a `cloud {}` block), with the local backend's settings; null: none named. */
  backend: { type: string; path: string | null; workspaceDir: string | null } | null;
}

/** A resource block's `count` or `for_each`, as its expression's text (native syntax). */
export interface Repetition {
  kind: 'count' | 'for_each';
  expr: string;
}

export function emptyModuleConfig(): ModuleConfig {
  return { resources: new Set(), modules: new Map(), movedFrom: [], movedTo: [], repetition: new Map(), moduleRepetition: new Map(), locals: new Map(), removed: [], backend: null };
}

/** One item of a body: an attribute with its value's text, or a block with its labels and body. */
type Item = { kind: 'attr'; name: string; value: string } | { kind: 'block'; type: string; labels: string[]; body: string };

const IDENT = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** The index past a double-quoted string starting at `i` (its `${...}` and `%{...}` skipped whole). */
function skipString(text: string, i: number): number {
  let j = i + 1;
  while (j < text.length && text[j] !== '"') {
    if (text[j] === '\\') j += 2;
    else if ((text[j] === '$' || text[j] === '%') && text[j + 1] === '{') j = skipBracketed(text, j + 1);
    else j++;
  }
  return j + 1;
}

/** The index past a heredoc whose `<<` is at `i`, or -1 where it is not one. */
function skipHeredoc(text: string, i: number): number {
  const m = /^<<-?([A-Za-z_][A-Za-z0-9_-]*)[ \t]*\n/.exec(text.slice(i, i + 200));
  if (!m) return -1;
  const marker = new RegExp(`^[ \\t]*${m[1]}[ \\t]*$`, 'm');
  const rest = text.slice(i + m[0].length);
  const end = marker.exec(rest);
  return end ? i + m[0].length + end.index + end[0].length : text.length;
}

/** The index past the bracket (`{`, `[`, `(`) at `i` and what it holds, up to its closing one. */
function skipBracketed(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '"') j = skipString(text, j) - 1;
    else if (c === '<' && text[j + 1] === '<') {
      const end = skipHeredoc(text, j);
      if (end !== -1) j = end - 1;
    } else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return text.length;
}

/** The items of a body (a file, or a block's text between its braces). */
function items(text: string): Item[] {
  const out: Item[] = [];
  let i = 0;
  while (i < text.length) {
    IDENT.lastIndex = i;
    const ident = IDENT.exec(text);
    if (!ident) {
      const c = text[i] as string;
      // something guard does not read here: skipped whole where it opens a string or brackets
      i = c === '"' ? skipString(text, i) : '{[('.includes(c) ? skipBracketed(text, i) : i + 1;
      continue;
    }
    let j = i + ident[0].length;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] === '=' && text[j + 1] !== '=') {
      // an attribute: its value runs to the end of the line, brackets, strings and heredocs whole
      let k = j + 1;
      while (k < text.length && text[k] !== '\n') {
        const c = text[k] as string;
        if (c === '"') k = skipString(text, k);
        else if ('{[('.includes(c)) k = skipBracketed(text, k);
        else if (c === '<' && text[k + 1] === '<' && skipHeredoc(text, k) !== -1) k = skipHeredoc(text, k);
        else k++;
      }
      out.push({ kind: 'attr', name: ident[0], value: text.slice(j + 1, k).trim() });
      i = k;
      continue;
    }
    const labels: string[] = [];
    for (;;) {
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (text[j] === '"') {
        const end = skipString(text, j);
        labels.push(text.slice(j + 1, end - 1));
        j = end;
        continue;
      }
      IDENT.lastIndex = j;
      const label = IDENT.exec(text);
      if (label) {
        labels.push(label[0]);
        j += label[0].length;
        continue;
      }
      break;
    }
    if (text[j] === '{') {
      const end = skipBracketed(text, j);
      out.push({ kind: 'block', type: ident[0], labels, body: text.slice(j + 1, end - 1) });
      i = end;
    } else i = j > i ? j : i + 1;
  }
  return out;
}

/** A literal string value (`"./modules/db"`), or null. */
function literal(value: string): string | null {
  const m = /^"((?:[^"\\$%]|\\.|\$(?!\{)|%(?!\{))*)"$/.exec(value);
  return m ? (m[1] as string).replace(/\\(.)/g, '$1') : null;
}

/** A traversal (`module.db.aws_db_instance.main["a"]`), spaces taken out, or null. */
function traversal(value: string): string | null {
  const v = value.replace(/\s+/g, '');
  return /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*|\[(?:\d+|"[^"]*")\])*$/.test(v) ? v : null;
}

/** A literal bool, or null. */
function bool(value: string | undefined): boolean | null {
  return value === 'true' ? true : value === 'false' ? false : null;
}

function attrs(body: Item[]): Map<string, string> {
  return new Map(body.flatMap((item) => (item.kind === 'attr' ? [[item.name, item.value] as [string, string]] : [])));
}

/** Adds what one `*.tf` file's text declares to `into`. */
function readNative(text: string, into: ModuleConfig): void {
  for (const item of items(withoutComments(text, { hash: true }))) {
    if (item.kind !== 'block') continue;
    const [first, second] = item.labels;
    if (item.type === 'resource' && first !== undefined && second !== undefined) {
      into.resources.add(`${first}.${second}`);
      const repeats = repetitionOf(attrs(items(item.body)), (v) => v);
      if (repeats) into.repetition.set(`${first}.${second}`, repeats);
    } else if (item.type === 'module' && first !== undefined) {
      const body = attrs(items(item.body));
      into.modules.set(first, literal(body.get('source') ?? ''));
      const repeats = repetitionOf(body, (v) => v);
      if (repeats) into.moduleRepetition.set(first, repeats);
    }
    else if (item.type === 'locals') for (const [name, value] of attrs(items(item.body))) into.locals.set(name, value);
    else if (item.type === 'moved') {
      const body = attrs(items(item.body));
      const from = traversal(body.get('from') ?? '');
      const to = traversal(body.get('to') ?? '');
      if (from) into.movedFrom.push(from);
      if (to) into.movedTo.push(to);
    } else if (item.type === 'removed') {
      const body = items(item.body);
      const from = traversal(attrs(body).get('from') ?? '');
      const lifecycle = body.find((b): b is Extract<Item, { kind: 'block' }> => b.kind === 'block' && b.type === 'lifecycle');
      if (from) into.removed.push({ from, destroy: lifecycle ? bool(attrs(items(lifecycle.body)).get('destroy')) : null });
    } else if (item.type === 'terraform') {
      for (const inner of items(item.body)) {
        if (inner.kind !== 'block') continue;
        if (inner.type === 'cloud') into.backend = { type: 'cloud', path: null, workspaceDir: null };
        else if (inner.type === 'backend' && inner.labels[0] !== undefined) {
          const settings = attrs(items(inner.body));
          into.backend = { type: inner.labels[0], path: literal(settings.get('path') ?? ''), workspaceDir: literal(settings.get('workspace_dir') ?? '') };
        }
      }
    }
  }
}

/** JSON syntax's blocks: an object, or an array of objects (each a block of the same labels). */
function objects(value: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v));
}

/** Adds what one `*.tf.json` file declares to `into`; false where it is not JSON guard can read. */
function readJson(text: string, into: ModuleConfig): boolean {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return false;
  }
  for (const top of objects(doc)) {
    for (const byType of objects(top.resource)) {
      for (const [type, byName] of Object.entries(byType)) {
        for (const named of objects(byName)) {
          for (const [name, body] of Object.entries(named)) {
            into.resources.add(`${type}.${name}`);
            const repeats = repetitionOf(new Map(Object.entries(objects(body)[0] ?? {})), jsonExpression);
            if (repeats) into.repetition.set(`${type}.${name}`, repeats);
          }
        }
      }
    }
    for (const byName of objects(top.module)) {
      for (const [name, calls] of Object.entries(byName)) {
        for (const call of objects(calls)) {
          into.modules.set(name, typeof call.source === 'string' ? call.source : null);
          const repeats = repetitionOf(new Map(Object.entries(call)), jsonExpression);
          if (repeats) into.moduleRepetition.set(name, repeats);
        }
      }
    }
    for (const moved of objects(top.moved)) {
      if (typeof moved.from === 'string' && traversal(moved.from)) into.movedFrom.push(traversal(moved.from) as string);
      if (typeof moved.to === 'string' && traversal(moved.to)) into.movedTo.push(traversal(moved.to) as string);
    }
    for (const removed of objects(top.removed)) {
      const lifecycle = objects(removed.lifecycle)[0];
      const destroy = typeof lifecycle?.destroy === 'boolean' ? lifecycle.destroy : null;
      if (typeof removed.from === 'string' && traversal(removed.from)) into.removed.push({ from: traversal(removed.from) as string, destroy });
    }
    for (const terraform of objects(top.terraform)) {
      if (terraform.cloud !== undefined) into.backend = { type: 'cloud', path: null, workspaceDir: null };
      for (const backend of objects(terraform.backend)) {
        for (const [type, settings] of Object.entries(backend)) {
          const s = objects(settings)[0] ?? {};
          into.backend = { type, path: typeof s.path === 'string' ? s.path : null, workspaceDir: typeof s.workspace_dir === 'string' ? s.workspace_dir : null };
        }
      }
    }
  }
  return true;
}

/** Adds what a configuration file (by its name: JSON syntax for `.json`) declares to `into`; false where guard cannot read it. */
export function readConfigFile(name: string, text: string, into: ModuleConfig): boolean {
  if (name.endsWith('.json')) return readJson(text, into);
  readNative(text, into);
  return true;
}

/** A block's `count` or, without one, its `for_each`, as expression text (`text` turns an attribute's value into it); undefined: neither. */
function repetitionOf<T>(body: ReadonlyMap<string, T>, text: (value: T) => string): Repetition | undefined {
  const count = body.get('count');
  if (count !== undefined) return { kind: 'count', expr: text(count) };
  const forEach = body.get('for_each');
  return forEach !== undefined ? { kind: 'for_each', expr: text(forEach) } : undefined;
}

/**
 * A JSON-syntax argument as native expression text, as far as countOf / keysOf read it: a number
 * as itself, a string `"${EXPR}"` as EXPR (a template of one interpolation is its value), an
 * object of plain keys as a map of those keys; anything else as text no evaluator knows.
 */
function jsonExpression(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const whole = /^\$\{([\s\S]*)\}$/.exec(value);
    return whole && !/\$\{/.test(whole[1] as string) ? (whole[1] as string) : value.includes('${') ? 'unknown()' : JSON.stringify(value);
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    return keys.some((k) => k.includes('${') || k.includes('%{')) ? 'unknown()' : `{\n${keys.map((k) => `${JSON.stringify(k)} = null`).join('\n')}\n}`;
  }
  return 'unknown()';
}

/** Text split at `seps` outside strings, brackets and heredocs, each part trimmed, empty parts left out. */
function topLevel(text: string, seps: string): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === '"') i = skipString(text, i);
    else if ('{[('.includes(c)) i = skipBracketed(text, i);
    else if (c === '<' && text[i + 1] === '<' && skipHeredoc(text, i) !== -1) i = skipHeredoc(text, i);
    else if (seps.includes(c)) {
      parts.push(text.slice(start, i));
      start = ++i;
    } else i++;
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/** `NAME(ARGS)` spanning the whole text: ARGS' text; else null. */
function call(text: string, name: string): string | null {
  const m = new RegExp(`^${name}\\s*\\(`).exec(text);
  if (!m) return null;
  const open = m[0].length - 1;
  return skipBracketed(text, open) === text.length ? text.slice(open + 1, -1) : null;
}

/** Brackets `open`...`close` spanning the whole text: what they hold; else null. */
function bracketed(text: string, open: string, close: string): string | null {
  return text.startsWith(open) && text.endsWith(close) && skipBracketed(text, 0) === text.length ? text.slice(1, -1) : null;
}

/** `local.NAME`'s expression, `depth` locals deep at most; null where it is not one or not declared literally here. */
function localValue(text: string, locals: ReadonlyMap<string, string>): string | null {
  const m = /^local\.([A-Za-z_][\w-]*)$/.exec(text);
  return m ? (locals.get(m[1] as string) ?? null) : null;
}

const MAX_LOCAL_DEPTH = 4;

/** The number a `count` expression certainly is (a number, a quoted number, a local holding one); null where guard cannot know it. */
export function countOf(expr: string, locals: ReadonlyMap<string, string>, depth = 0): number | null {
  const text = expr.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const quoted = literal(text);
  if (quoted !== null) return /^\d+$/.test(quoted) ? Number(quoted) : null;
  const local = localValue(text, locals);
  return local !== null && depth < MAX_LOCAL_DEPTH ? countOf(local, locals, depth + 1) : null;
}

/** The strings of a list literal of string literals (`["a", "b"]`, or a local holding one); null otherwise. */
function stringList(expr: string, locals: ReadonlyMap<string, string>, depth: number): string[] | null {
  const text = expr.trim();
  const local = localValue(text, locals);
  if (local !== null) return depth < MAX_LOCAL_DEPTH ? stringList(local, locals, depth + 1) : null;
  const inner = bracketed(text, '[', ']') ?? call(text, 'toset') ?? call(text, 'tolist');
  if (inner === null) return null;
  if (inner.trim().startsWith('[') || /^\s*local\./.test(inner)) return stringList(inner, locals, depth + 1);
  const items = topLevel(inner, ',').map(literal);
  return items.every((i): i is string => i !== null) ? items : null;
}

/** The keys of a map literal (`{ a = ..., "b" = ... }`); null where one is computed (`(var.k) = ...`, `"${x}" = ...`) or it is a `for` expression. */
function mapKeys(body: string): string[] | null {
  const keys: string[] = [];
  for (const item of topLevel(body, ',\n')) {
    const m = /^(?:([A-Za-z_][\w-]*)|("(?:[^"\\]|\\.)*"))\s*(?:=(?!=)|:)/.exec(item);
    if (!m || (m[1] === 'for' && /=>/.test(item))) return null;
    const key = m[1] ?? literal(m[2] as string);
    if (key === null || key === undefined) return null;
    keys.push(key);
  }
  return keys;
}

/**
 * The instance keys a `for_each` expression certainly makes: `toset([...])` of string literals, a
 * map literal's keys (`{...}`, `tomap({...})`), or a local holding one; null where guard cannot
 * know them (a variable, a `for` expression, a function other than toset/tomap). A bare list
 * (`for_each = ["a"]`) is not one terraform takes (it stops before applying): null as well.
 */
export function keysOf(expr: string, locals: ReadonlyMap<string, string>, depth = 0): Set<string> | null {
  const text = expr.trim();
  const local = localValue(text, locals);
  if (local !== null) return depth < MAX_LOCAL_DEPTH ? keysOf(local, locals, depth + 1) : null;
  const set = call(text, 'toset');
  if (set !== null) {
    const list = stringList(set, locals, depth + 1);
    return list === null ? null : new Set(list);
  }
  const map = call(text, 'tomap');
  if (map !== null) return keysOf(map, locals, depth + 1);
  const body = bracketed(text, '{', '}');
  if (body === null) return null;
  const keys = mapKeys(body);
  return keys === null ? null : new Set(keys);
}

/**
 * The `terraform { source = "..." }` of a terragrunt.hcl, where it is a literal string (native
 * syntax); null where there is none or it is an expression (`"${local.base}//x"`,
 * `find_in_parent_folders(...)`).
 */
export function terragruntSource(text: string): string | null {
  for (const item of items(withoutComments(text, { hash: true }))) {
    if (item.kind !== 'block' || item.type !== 'terraform') continue;
    const source = attrs(items(item.body)).get('source');
    if (source !== undefined) return literal(source);
  }
  return null;
}
