/**
 * The kinds of Kubernetes objects a `kubectl delete -f X` / `-k DIR` (or `replace --force`) would
 * take, read from the manifests it reads (cluster.ts): `-f FILE`, `-f DIR` (its `.yaml`, `.yml`
 * and `.json` files; `-R` below it), `-f -` (stdin, where the line gives its text), `-k DIR`
 * (kustomization.yaml's `resources`, `bases` and `components`, files or further kustomizations).
 * Kinds are found by text: each document's top-level `kind:` (and its items' in a `List`), each
 * JSON object's `kind` (and `items`). A URL, a remote kustomize base, a file guard cannot read,
 * more than MAX_SOURCES files: unknown.
 */
import path from 'node:path';
import type { Invocation, Runtime } from './runtime.js';
import { resolvePath } from './paths.js';
import { readYaml, get, type Y } from './taskfile-yaml.js';

/** Manifest files and kustomizations read for one command. */
const MAX_SOURCES = 200;
/** `-R`: directory levels below `-f DIR` looked at; a directory deeper than that makes it unknown. */
const RECURSE_DEPTH = 4;

/** What the manifests hold: their kinds (as written), or null where some could not be read; undefined while files are being read. */
export type ManifestKinds = Set<string> | null | undefined;

/** The kinds of one manifest file's text. */
export function kindsOfText(text: string, name: string): Set<string> {
  const kinds = new Set<string>();
  if (/\.json$/i.test(name) || /^\s*[{[]/.test(text)) {
    try {
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(visit);
        if (node === null || typeof node !== 'object') return;
        const { kind, items } = node as { kind?: unknown; items?: unknown };
        if (typeof kind === 'string') kinds.add(kind);
        if (Array.isArray(items)) items.forEach(visit);
      };
      visit(JSON.parse(text));
      return kinds;
    } catch {
      // YAML that starts like JSON (a flow mapping): read as YAML below
    }
  }
  for (const doc of text.split(/^---[^\n]*$/m)) {
    const top = /^kind:[ \t]*["']?([A-Za-z0-9]+)/m.exec(doc)?.[1];
    if (top === undefined) continue;
    kinds.add(top);
    // a List's items are indented: every `kind:` in it
    if (top.endsWith('List')) for (const m of doc.matchAll(/^[ \t-]*kind:[ \t]*["']?([A-Za-z0-9]+)/gm)) kinds.add(m[1] as string);
  }
  return kinds;
}

/** The kinds the manifests of `-f` values and `-k` directories hold. */
export function manifestKinds(inv: Invocation, rt: Runtime, files: string[], kustomizations: string[], recursive: boolean): ManifestKinds {
  const view = rt.ctx.view;
  if (!view || view.mode === 'text') return null;
  const kinds = new Set<string>();
  let pending = false;
  let unknown = false;
  let sources = 0;
  const readText = (abs: string): string | 'missing' | null | undefined => {
    if (++sources > MAX_SOURCES) return null;
    const found = view.file({ dir: path.posix.dirname(abs), name: path.posix.basename(abs), up: false });
    if (found === undefined) return undefined;
    if (found === null || found === 'missing') return found;
    return found.text;
  };
  const addFile = (abs: string, name: string, missingOk: boolean): void => {
    const text = readText(abs);
    if (text === undefined) pending = true;
    else if (text === null || (text === 'missing' && !missingOk)) unknown = true;
    else if (text !== 'missing') for (const kind of kindsOfText(text, name)) kinds.add(kind);
  };
  const glob = (dir: string, pattern: string): string[] | null | undefined => view.globWords({ cwd: dir, pattern });
  const addDir = (dir: string): void => {
    // Nothing in it: an empty directory (kubectl refuses: no objects) or a file the reader would not read (over its bound).
    const any = glob(dir, '*');
    if (any === undefined) pending = true;
    else if (any === null || any.length === 0) unknown = true;
    const patterns = ['*.yaml', '*.yml', '*.json'];
    if (recursive) for (let depth = 1; depth <= RECURSE_DEPTH; depth++) patterns.push(...['yaml', 'yml', 'json'].map((ext) => `${'*/'.repeat(depth)}*.${ext}`));
    const deeper = recursive ? glob(dir, `${'*/'.repeat(RECURSE_DEPTH + 1)}`) : [];
    if (deeper === undefined) pending = true;
    else if (deeper === null || deeper.length > 0) unknown = true;
    for (const pattern of patterns) {
      const words = glob(dir, pattern);
      if (words === undefined) pending = true;
      else if (words === null) unknown = true;
      else for (const word of words) addFile(`${dir}/${word}`, word, true);
    }
  };
  for (const value of files) {
    if (value === '-') {
      const stdin = inv.stdin;
      if (stdin.kind === 'text' && stdin.text !== null) for (const kind of kindsOfText(stdin.text, '-')) kinds.add(kind);
      else unknown = true;
      continue;
    }
    const abs = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? null : resolvePath(value, inv.cwd);
    if (abs === null) {
      unknown = true;
      continue;
    }
    // A directory is what the file reader cannot read as a file (null): then its manifests.
    const text = readText(abs);
    if (text === undefined) pending = true;
    else if (text === 'missing') continue; // kubectl refuses a path that does not exist, before it deletes anything
    else if (text !== null) for (const kind of kindsOfText(text, value)) kinds.add(kind);
    else addDir(abs);
  }
  const seen = new Set<string>();
  const addKustomization = (dir: string, depth: number): void => {
    if (seen.has(dir)) return;
    seen.add(dir);
    if (depth > 8) {
      unknown = true;
      return;
    }
    const texts = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => readText(`${dir}/${name}`));
    if (texts.includes(undefined)) {
      pending = true;
      return;
    }
    const text = texts.find((t): t is string => typeof t === 'string' && t !== 'missing');
    if (text === undefined) {
      unknown = true;
      return;
    }
    let doc: Y | null;
    try {
      doc = readYaml(text);
    } catch {
      doc = null;
    }
    if (doc === null) {
      unknown = true;
      return;
    }
    for (const key of ['resources', 'bases', 'components']) {
      const list = get(doc, key);
      if (list === undefined) continue;
      if (list.kind !== 'seq') {
        unknown = true;
        continue;
      }
      for (const item of list.items) {
        const entry = item.kind === 'scalar' ? item.value : null;
        // a remote base (`github.com/x/y//dir?ref=v1`, `https://...`): not read
        if (entry === null || /:\/\/|^(github\.com|gitlab\.com|bitbucket\.org)\/|\?ref=/.test(entry)) {
          unknown = true;
          continue;
        }
        const abs = path.posix.resolve(dir, entry);
        if (/\.(ya?ml|json)$/i.test(entry)) addFile(abs, entry, false);
        else addKustomization(abs, depth + 1);
      }
    }
  };
  for (const value of kustomizations) {
    const abs = resolvePath(value, inv.cwd);
    if (abs === null || /:\/\//.test(value)) unknown = true;
    else addKustomization(abs, 0);
  }
  if (unknown) return null;
  if (pending) return undefined;
  return kinds;
}
