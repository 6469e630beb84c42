/**
 * A Taskfile's YAML as the tasks of taskfile-tasks.ts and the includes of taskfile-includes.ts
 * read it: maps, lists and scalars with their lines, aliases and merge keys resolved. The `yaml`
 * package is loaded (synchronously) on the first `task` line judged: it is not in the hook
 * bundles, and loading it costs ~35 ms of CPU.
 */
import { createRequire } from 'node:module';
import type * as YamlModule from 'yaml';

/** YAML nodes one Taskfile may hold once its aliases are resolved (an alias bomb doubles at every level). */
const MAX_NODES = 100_000;

let loadedYaml: typeof YamlModule | undefined;

/** The `yaml` package, loaded on the first `task` line judged (not bundled into the hooks: ~35 ms). */
function yaml(): typeof YamlModule {
  loadedYaml ??= createRequire(import.meta.url)('yaml') as typeof YamlModule;
  return loadedYaml;
}

/** A YAML node with its line: a map, a list, or a scalar (its text; null for null). */
export type Y = { kind: 'map'; entries: Map<string, Y>; line: number } | { kind: 'seq'; items: Y[]; line: number } | { kind: 'scalar'; value: string | null; line: number };

export class TooBig extends Error {}

export function readYaml(text: string): Y | null {
  const y = yaml();
  const lineCounter = new y.LineCounter();
  const doc = y.parseDocument(text, { lineCounter, uniqueKeys: false, merge: true });
  if (doc.errors.length > 0) return null;
  let nodes = 0;
  const lineOf = (node: { range?: [number, number, number] | null }): number => (node.range ? lineCounter.linePos(node.range[0]).line : 0);
  const convert = (node: unknown, depth: number): Y => {
    if (++nodes > MAX_NODES || depth > 64) throw new TooBig();
    if (y.isAlias(node)) return convert(node.resolve(doc), depth + 1);
    if (y.isMap(node)) {
      const entries = new Map<string, Y>();
      for (const pair of node.items) {
        // with `merge: true` the parser may give a merge key as a Symbol (a map nested under an anchored one)
        const key = y.isScalar(pair.key) ? (typeof pair.key.value === 'symbol' ? '<<' : String(pair.key.value)) : null;
        if (key === '<<') {
          // A merge key: the entries of the map (or maps) it names, where this map has none of its own.
          const merged = convert(pair.value, depth + 1);
          for (const source of merged.kind === 'seq' ? merged.items : [merged]) if (source.kind === 'map') for (const [k, v] of source.entries) if (!entries.has(k)) entries.set(k, v);
          continue;
        }
        if (key !== null) entries.set(key, convert(pair.value, depth + 1));
      }
      return { kind: 'map', entries, line: lineOf(node) };
    }
    if (y.isSeq(node)) return { kind: 'seq', items: node.items.map((item) => convert(item, depth + 1)), line: lineOf(node) };
    if (y.isScalar(node)) return { kind: 'scalar', value: node.value === null || node.value === undefined ? null : String(node.value), line: lineOf(node) };
    return { kind: 'scalar', value: null, line: 0 };
  };
  return convert(doc.contents, 0);
}

export function get(node: Y | undefined, key: string): Y | undefined {
  return node?.kind === 'map' ? node.entries.get(key) : undefined;
}

export function str(node: Y | undefined): string | null {
  return node?.kind === 'scalar' ? node.value : null;
}
