/**
 * What a compose service whose image is a migration tool's (container-run.ts TOOL_IMAGES) runs:
 * `docker compose run --rm flyway clean`, `docker compose run migrate down -all`. Until the
 * evening of 2026-12-06 only `docker run IMAGE ...` was read as the tool; a compose service named
 * the image in compose.yaml, so the inner words (`clean`) were judged as a program of their own
 * and the line was "no destructive command found".
 *
 * As compose runs it (compose-spec, services.entrypoint / command; `docker compose run SERVICE
 * [COMMAND] [ARGS...]`): the service's `entrypoint:` (else the image's ENTRYPOINT, the tool),
 * then the line's COMMAND and ARGS, which replace the service's `command:` (kept where the line
 * names none). The image: the service's `image:`, or, for a service with `build:`, the FROM of
 * its Dockerfile's last stage (or `build.target`'s), an earlier stage's name followed; an
 * ENTRYPOINT a stage sets on the way replaces the tool's, and the stages' `ENV` are the
 * container's under the service's `environment:`. The string forms of `entrypoint:`/`command:`
 * are split into words as compose does (quotes, no expansion).
 */
import type { Y } from './taskfile-yaml.js';
import { get, str } from './taskfile-yaml.js';

/** A compose `entrypoint:`/`command:` (a list, or a string split as compose splits it); null where not readable, undefined where absent. */
export function composeWords(node: Y | undefined): string[] | null | undefined {
  if (node === undefined) return undefined;
  if (node.kind === 'seq') {
    const items = node.items.map((i) => (i.kind === 'scalar' ? i.value : null));
    return items.includes(null) ? null : (items as string[]);
  }
  if (node.kind !== 'scalar' || node.value === null) return node.kind === 'scalar' ? [] : null;
  return splitWords(node.value);
}

/** Words of a string as compose (go-shellwords, no expansion) splits it: blanks apart, quotes grouping; null on an open quote. */
export function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && i + 1 < text.length) word += text[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) return null;
  if (inWord) words.push(word);
  return words;
}

/** A Dockerfile's instructions (continuation lines joined, comments out): keyword upper-cased and its text. */
function instructions(text: string): Array<{ key: string; rest: string }> {
  const out: Array<{ key: string; rest: string }> = [];
  const joined = text.replace(/\r/g, '').replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) out.push({ key: (m[1] as string).toUpperCase(), rest: m[2] as string });
  }
  return out;
}

/** `ENV K=V K2="v 2"` and the older `ENV K V`. */
function envPairs(rest: string, into: Map<string, string>): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(rest)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(.*)$/.exec(rest);
    if (m) into.set(m[1] as string, m[2] as string);
    return;
  }
  for (const word of splitWords(rest) ?? []) {
    const eq = word.indexOf('=');
    if (eq > 0) into.set(word.slice(0, eq), word.slice(eq + 1));
  }
}

/** The exec form `["a","b"]` or the shell form (`/bin/sh -c TEXT`) of an ENTRYPOINT. */
function entrypointWords(rest: string): string[] | null {
  if (rest.startsWith('[')) {
    try {
      const parsed = JSON.parse(rest) as unknown;
      return Array.isArray(parsed) && parsed.every((w) => typeof w === 'string') ? (parsed as string[]) : null;
    } catch {
      return null;
    }
  }
  return ['/bin/sh', '-c', rest];
}

/**
 * The image the Dockerfile's final stage (or `target`) is built FROM, following earlier stages by
 * name, with the ENTRYPOINT and ENV the stages on the way set (nearest last); null where there
 * is no FROM guard can read (an ARG in the image's name is dropped with the tag it usually is).
 */
export function dockerfileBase(text: string, target: string | null): { image: string; entrypoint: string[] | null | undefined; env: Map<string, string> } | null {
  const stages: Array<{ from: string; name: string | null; entrypoint: string[] | null | undefined; env: Map<string, string> }> = [];
  for (const { key, rest } of instructions(text)) {
    if (key === 'FROM') {
      const words = rest.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({ from: words[0] ?? '', name: as !== -1 ? (words[as + 1] ?? null) : null, entrypoint: undefined, env: new Map() });
      continue;
    }
    const stage = stages[stages.length - 1];
    if (stage === undefined) continue;
    if (key === 'ENTRYPOINT') stage.entrypoint = entrypointWords(rest);
    else if (key === 'ENV') envPairs(rest, stage.env);
  }
  let at = target === null ? stages.length - 1 : stages.findIndex((s) => s.name === target);
  const env = new Map<string, string>();
  let entrypoint: string[] | null | undefined;
  for (let hops = 0; at >= 0 && hops < stages.length; hops++) {
    const stage = stages[at] as (typeof stages)[number];
    entrypoint ??= stage.entrypoint;
    for (const [k, v] of stage.env) if (!env.has(k)) env.set(k, v);
    const from = stage.from.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
    const earlier = stages.slice(0, at).map((s) => s.name).lastIndexOf(from);
    if (earlier === -1) return from === '' ? null : { image: from, entrypoint, env };
    at = earlier;
  }
  return null;
}

/** A compose service's `build:` as compose reads it: the Dockerfile's path (absolute) and target stage; null where none is readable. */
export function buildOf(service: Y, dir: string, resolve: (from: string, to: string) => string): { dockerfile: string; target: string | null } | null {
  const build = get(service, 'build');
  const context = build?.kind === 'scalar' ? build.value : str(get(build, 'context'));
  if (build === undefined || context === null || context.includes('://') || context.includes('$')) return null;
  const contextDir = resolve(dir, context);
  const named = str(get(build, 'dockerfile'));
  if (named !== null && named.includes('$')) return null;
  return { dockerfile: named !== null ? resolve(contextDir, named) : `${contextDir}/Dockerfile`, target: str(get(build, 'target')) };
}
