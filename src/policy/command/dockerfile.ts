/**
 * A Dockerfile, read one way for every rule that needs it (compose-tools.ts's tool image,
 * container-run.ts's working directory): its instructions as the Dockerfile reference describes
 * them (docs.docker.com/reference/dockerfile), a line ending in `\` continued on the next, comment
 * lines (`#`, after blanks too) dropped, inside a continued instruction as well, and the blank
 * lines there skipped; its stages (each `FROM`, named by `AS`); and the chain of stages the image
 * of one stage (`build.target`, else the last) is built through, an earlier stage named by a
 * `FROM` followed. Not read: the `# escape=` directive (a Windows Dockerfile's backtick), a `\`
 * with blanks after it as a continuation, `ARG` values (a `$VAR` in an image's name is dropped, in
 * a WORKDIR it makes it unknown), heredocs.
 */
import path from 'node:path';
import { splitWords } from './compose-tools.js';

interface Instruction {
  /** The keyword upper-cased. */
  key: string;
  rest: string;
}

interface Stage {
  /** The image or earlier stage it is built FROM, as written. */
  from: string;
  name: string | null;
  steps: Instruction[];
}

/** A Dockerfile's instructions: continuation lines joined, comment lines out (inside a continuation too), keyword upper-cased and its text. */
function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: string | null = null;
  const finish = (line: string): void => {
    const m = /^\s*([A-Za-z]+)\s+(.*?)\s*$/.exec(line);
    if (m) out.push({ key: (m[1] as string).toUpperCase(), rest: m[2] as string });
  };
  for (const raw of text.replace(/\r/g, '').split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    if (pending !== null && raw.trim() === '') continue;
    const line: string = pending === null ? raw : `${pending} ${raw}`;
    if (line.endsWith('\\')) pending = line.slice(0, -1);
    else {
      pending = null;
      finish(line);
    }
  }
  if (pending !== null) finish(pending);
  return out;
}

/** The stages, in order: each FROM's image (its flags left out) and `AS` name, with the instructions after it. */
function stagesOf(text: string): Stage[] {
  const stages: Stage[] = [];
  for (const step of instructions(text)) {
    if (step.key === 'FROM') {
      const words = step.rest.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toLowerCase() === 'as');
      stages.push({ from: words[0] ?? '', name: as !== -1 ? (words[as + 1] ?? null) : null, steps: [] });
    } else stages[stages.length - 1]?.steps.push(step);
  }
  return stages;
}

/**
 * The stages the image of `target` (else the last stage) is built through, that one first, each
 * next the earlier stage the one before is FROM; with the image the last is FROM (`''` where
 * guard cannot read it: a `$VAR` dropped); null where there is no such stage.
 */
function chainOf(text: string, target: string | null): { stages: Stage[]; image: string } | null {
  const stages = stagesOf(text);
  let at = target === null ? stages.length - 1 : stages.findIndex((s) => s.name === target);
  const chain: Stage[] = [];
  // an earlier stage only: each step goes back, so the walk ends
  while (at >= 0) {
    const stage = stages[at] as Stage;
    chain.push(stage);
    const from = stage.from.replace(/\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*/g, '');
    const earlier = stages.slice(0, at).map((s) => s.name).lastIndexOf(from);
    if (earlier === -1) return { stages: chain, image: from };
    at = earlier;
  }
  return null;
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
  const chain = chainOf(text, target);
  if (chain === null || chain.image === '') return null;
  const env = new Map<string, string>();
  let entrypoint: string[] | null | undefined;
  for (const stage of chain.stages) {
    let own: string[] | null | undefined;
    const stageEnv = new Map<string, string>();
    for (const { key, rest } of stage.steps) {
      if (key === 'ENTRYPOINT') own = entrypointWords(rest);
      else if (key === 'ENV') envPairs(rest, stageEnv);
    }
    entrypoint ??= own;
    for (const [k, v] of stageEnv) if (!env.has(k)) env.set(k, v);
  }
  return { image: chain.image, entrypoint, env };
}

/**
 * The directory a container of the image of `target` (else the last stage) starts in: the last
 * WORKDIR on the way from the first stage of its chain (a relative one under the one before, as
 * Docker resolves it); null where guard cannot tell (none set in the Dockerfile, which leaves the
 * base image's own; relative to that; a variable or a quote in it).
 */
export function dockerfileWorkdir(text: string, target: string | null): string | null {
  const chain = chainOf(text, target);
  if (chain === null) return null;
  let workdir: string | null = null;
  for (const stage of [...chain.stages].reverse()) {
    for (const { key, rest } of stage.steps) {
      if (key !== 'WORKDIR') continue;
      if (/["'$\\]/.test(rest)) workdir = null;
      else if (rest.startsWith('/')) workdir = path.posix.normalize(rest);
      else workdir = workdir === null ? null : path.posix.join(workdir, rest);
    }
  }
  return workdir;
}
