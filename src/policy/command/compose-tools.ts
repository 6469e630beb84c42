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
 * are split into words as compose does (quotes, no expansion). The Dockerfile is read by
 * dockerfile.ts.
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
