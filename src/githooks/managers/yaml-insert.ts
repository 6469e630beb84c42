/**
 * Adds guard's entry to a YAML hook configuration (lefthook.yml, .pre-commit-config.yaml) as a
 * text insertion, so every other byte of the file (comments, quoting, blank lines, key order)
 * stays exactly as the user wrote it. The yaml package's Document API finds where the entry goes
 * (the source ranges of the nodes) and the indentation the file already uses; the result is
 * parsed again and must equal the original data plus the entry, or nothing is written and the
 * caller says what to add by hand.
 */
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, parseDocument, stringify, type Pair, type YAMLMap } from 'yaml';

export type InsertResult = { text: string; snippet: string } | { problem: string };

/** A scalar as YAML text for `key: value` (quoted when YAML needs it). */
export function yamlScalar(value: string): string {
  // Several lines: a JSON string, which is a YAML double-quoted scalar with \n escapes, keeps them
  // on the key's line (a block scalar would need the indentation of wherever it is inserted, and
  // the library's double quotes fold the lines).
  if (value.includes('\n')) return JSON.stringify(value);
  return stringify(value, { lineWidth: 0 }).replace(/\n$/, '');
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** Position just after the line holding `pos` (the file gets a final newline if it had none). */
function afterLine(text: string, pos: number): number {
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

function column(text: string, pos: number): number {
  return pos - lineStart(text, pos);
}

/** Leading spaces of the line holding `pos`. */
function lineIndent(text: string, pos: number): string {
  const start = lineStart(text, pos);
  return /^ */.exec(text.slice(start))![0];
}

/** The indentation step the file uses (the first indented line), else two spaces. */
function indentUnit(text: string): string {
  const m = /^( +)[^ \n#]/m.exec(text);
  return m ? m[1]! : '  ';
}

function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function keyStart(pair: Pair): number {
  return (pair.key as { range?: [number, number, number] }).range![0];
}

function keyEnd(pair: Pair): number {
  return (pair.key as { range?: [number, number, number] }).range![1];
}

function spaces(n: number): string {
  return ' '.repeat(n);
}

function splice(text: string, at: number, snippet: string): { text: string; snippet: string } {
  // Inserting after the last line of a file without a final newline: that line gets one first.
  const lead = at === text.length && text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  return { text: text.slice(0, at) + lead + snippet + text.slice(at), snippet: lead + snippet };
}

/** Parses `text` (which must be a block mapping at the top, or empty). */
function topMap(text: string, file: string): { map: YAMLMap | null; data: Record<string, unknown> } | { problem: string } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return { problem: `${file} is not valid YAML (${doc.errors[0]!.message.split('\n')[0]})` };
  if (doc.contents === null) return { map: null, data: {} };
  if (!isMap(doc.contents) || doc.contents.flow) return { problem: `${file} does not hold a block mapping at the top` };
  return { map: doc.contents, data: doc.toJS() as Record<string, unknown> };
}

function verify(file: string, result: { text: string; snippet: string }, expected: unknown): InsertResult {
  const doc = parseDocument(result.text);
  if (doc.errors.length > 0 || !isDeepStrictEqual(doc.toJS(), expected)) return { problem: `guard could not add its entry to ${file} without changing anything else` };
  return result;
}

export interface LefthookEntry {
  hook: string;
  run: string;
  useStdin: boolean;
}

/**
 * lefthook: a `git-guard` command under `<hook>.commands` (or a `git-guard` job first in
 * `<hook>.jobs` when the hook uses jobs), creating the hook section at the end when it is missing.
 */
export function insertLefthook(text: string, file: string, entry: LefthookEntry): InsertResult {
  const parsed = topMap(text, file);
  if ('problem' in parsed) return parsed;
  const unit = indentUnit(text).length;
  const run = yamlScalar(entry.run);
  const fields = (ind: number): string => `${spaces(ind)}run: ${run}\n${entry.useStdin ? `${spaces(ind)}use_stdin: true\n` : ''}`;
  const command = (ind: number): string => `${spaces(ind)}git-guard:\n${fields(ind + unit)}`;
  const job = (ind: string): string => `${ind}- name: git-guard\n${fields(ind.length + 2)}`;
  const value = { run: entry.run, ...(entry.useStdin ? { use_stdin: true } : {}) };
  const data = structuredClone(parsed.data);
  const hookData = data[entry.hook] as Record<string, unknown> | null | undefined;

  const pair = parsed.map ? findPair(parsed.map, entry.hook) : undefined;
  if (!parsed.map || !pair) {
    const base = parsed.map && parsed.map.items[0] ? column(text, keyStart(parsed.map.items[0] as Pair)) : 0;
    const snippet = `${spaces(base)}${entry.hook}:\n${spaces(base + unit)}commands:\n${command(base + 2 * unit)}`;
    data[entry.hook] = { commands: { 'git-guard': value } };
    return verify(file, splice(text, text.length, snippet), data);
  }
  const hookCol = column(text, keyStart(pair));
  // `pre-push:` with nothing after it (an empty value, not `~` or `null` written out).
  if (pair.value === null || (isScalar(pair.value) && pair.value.value === null && pair.value.range![0] === pair.value.range![1])) {
    data[entry.hook] = { commands: { 'git-guard': value } };
    return verify(file, splice(text, afterLine(text, keyEnd(pair)), `${spaces(hookCol + unit)}commands:\n${command(hookCol + 2 * unit)}`), data);
  }
  if (!isMap(pair.value) || pair.value.flow || typeof hookData !== 'object' || hookData === null) return { problem: `${file}: "${entry.hook}" is not a block mapping` };
  const hookMap = pair.value;
  const innerCol = column(text, keyStart(hookMap.items[0] as Pair));
  const commands = findPair(hookMap, 'commands');
  const jobs = findPair(hookMap, 'jobs');
  if (commands && isMap(commands.value) && !commands.value.flow && commands.value.items.length > 0) {
    const existing = hookData.commands as Record<string, unknown>;
    if ('git-guard' in existing) return { problem: `${file}: "${entry.hook}" already has a command named git-guard that does not run guard's launcher` };
    existing['git-guard'] = value;
    const ind = column(text, keyStart(commands.value.items[0] as Pair));
    return verify(file, splice(text, afterLine(text, keyEnd(commands)), command(ind)), data);
  }
  if (jobs && isSeq(jobs.value) && !jobs.value.flow && jobs.value.items.length > 0) {
    (hookData.jobs as unknown[]).unshift({ name: 'git-guard', ...value });
    const first = jobs.value.items[0] as { range?: [number, number, number] };
    return verify(file, splice(text, afterLine(text, keyEnd(jobs)), job(lineIndent(text, first.range![0]))), data);
  }
  if (commands || jobs) return { problem: `${file}: "${entry.hook}" has ${commands ? 'commands' : 'jobs'} in a form guard does not edit` };
  hookData.commands = { 'git-guard': value };
  return verify(file, splice(text, afterLine(text, keyEnd(pair)), `${spaces(innerCol)}commands:\n${command(innerCol + unit)}`), data);
}

export interface PreCommitEntry {
  id: string;
  name: string;
  entry: string;
  stage: string;
}

/** pre-commit (the framework): a `repo: local` item first in `repos`, with guard's hook. */
export function insertPreCommit(text: string, file: string, hook: PreCommitEntry): InsertResult {
  const parsed = topMap(text, file);
  if ('problem' in parsed) return parsed;
  const item = (ind: string): string =>
    [
      `${ind}- repo: local`,
      `${ind}  hooks:`,
      `${ind}  - id: ${hook.id}`,
      `${ind}    name: ${yamlScalar(hook.name)}`,
      `${ind}    entry: ${yamlScalar(hook.entry)}`,
      `${ind}    language: system`,
      `${ind}    pass_filenames: false`,
      `${ind}    always_run: true`,
      `${ind}    stages: [${hook.stage}]`,
      '',
    ].join('\n');
  const value = { repo: 'local', hooks: [{ id: hook.id, name: hook.name, entry: hook.entry, language: 'system', pass_filenames: false, always_run: true, stages: [hook.stage] }] };
  const data = structuredClone(parsed.data);
  const pair = parsed.map ? findPair(parsed.map, 'repos') : undefined;
  if (!parsed.map || !pair) {
    data.repos = [value];
    return verify(file, splice(text, text.length, `repos:\n${item('')}`), data);
  }
  if (!isSeq(pair.value) || pair.value.flow || pair.value.items.length === 0 || !Array.isArray(data.repos)) return { problem: `${file}: "repos" is not a block list guard can add to` };
  (data.repos as unknown[]).unshift(value);
  const first = pair.value.items[0] as { range?: [number, number, number] };
  return verify(file, splice(text, afterLine(text, keyEnd(pair)), item(lineIndent(text, first.range![0]))), data);
}

/** Removes a snippet guard inserted, when it is there exactly once; null otherwise. */
export function removeSnippet(text: string, snippet: string): string | null {
  const at = text.indexOf(snippet);
  if (at < 0 || text.indexOf(snippet, at + 1) >= 0) return null;
  return text.slice(0, at) + text.slice(at + snippet.length);
}
