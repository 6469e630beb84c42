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
  /** `removed` blocks: `from`, and `lifecycle { destroy }` where given as a literal (true/false). */
  removed: Array<{ from: string; destroy: boolean | null }>;
  /** The backend the `terraform` block names (`local`, `s3`, `cloud` for a `cloud {}` block), with the local backend's settings; null: none named. */
  backend: { type: string; path: string | null; workspaceDir: string | null } | null;
}

export function emptyModuleConfig(): ModuleConfig {
  return { resources: new Set(), modules: new Map(), movedFrom: [], removed: [], backend: null };
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
    if (item.type === 'resource' && first !== undefined && second !== undefined) into.resources.add(`${first}.${second}`);
    else if (item.type === 'module' && first !== undefined) into.modules.set(first, literal(attrs(items(item.body)).get('source') ?? ''));
    else if (item.type === 'moved') {
      const from = traversal(attrs(items(item.body)).get('from') ?? '');
      if (from) into.movedFrom.push(from);
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
    for (const byType of objects(top.resource)) for (const [type, byName] of Object.entries(byType)) for (const named of objects(byName)) for (const name of Object.keys(named)) into.resources.add(`${type}.${name}`);
    for (const byName of objects(top.module)) for (const [name, calls] of Object.entries(byName)) for (const call of objects(calls)) into.modules.set(name, typeof call.source === 'string' ? call.source : null);
    for (const moved of objects(top.moved)) if (typeof moved.from === 'string' && traversal(moved.from)) into.movedFrom.push(traversal(moved.from) as string);
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
