/**
 * Counts the git processes a command starts, with git's own trace2 event stream: every git
 * process (also one a hook or another git process starts) appends a "start" event with its argv
 * to the file GIT_TRACE2_EVENT names. No wrapper on PATH, so nothing about how guard finds git
 * changes, and processes git starts itself (a hook's git, upload-pack under a fetch) count too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { backgroundPushDone } from './background-push.js';
import type { TestRepo } from './git-repo.js';

export interface GitProcessCount {
  /** Every git process started. */
  total: number;
  /** Processes per git subcommand ("cat-file", "hash-object", ...), most frequent first. */
  byCommand: Array<[string, number]>;
  /** Every process's argv, in order. */
  argv: string[][];
}

/** An environment addition that makes every git process log to `file` (absolute). */
export function traceEnv(file: string): Record<string, string> {
  return { GIT_TRACE2_EVENT: file, GIT_TRACE2_EVENT_NESTING: '1', GIT_TRACE2_CONFIG_PARAMS: '' };
}

/** The argv of every git process the trace file recorded, in order. */
export function tracedArgv(file: string): string[][] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return []; // no git process ran
  }
  return text
    .split('\n')
    .filter((line) => line.includes('"event":"start"'))
    .map((line) => (JSON.parse(line) as { argv?: string[] }).argv ?? []);
}

export function countGitProcesses(file: string): GitProcessCount {
  const by = new Map<string, number>();
  let total = 0;
  const all = tracedArgv(file);
  for (const argv of all) {
    // The subcommand: the first argument that is not an option (or the value of -C/-c).
    let name = path.basename(argv[0] ?? 'git');
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '-C' || arg === '-c') {
        i++;
        continue;
      }
      if (arg.startsWith('-')) continue;
      // git-receive-pack '<path>' and the like: the program is the command, not its path argument.
      if (!arg.startsWith('/')) name = arg;
      break;
    }
    total++;
    by.set(name, (by.get(name) ?? 0) + 1);
  }
  return { total, byCommand: [...by.entries()].sort((a, b) => b[1] - a[1]), argv: all };
}

/** Runs `fn` with a fresh trace file and returns what it counted. */
export function withGitCount<T>(dir: string, label: string, fn: (env: Record<string, string>) => T): { result: T; count: GitProcessCount } {
  const file = path.join(dir, `trace-${label}-${process.pid}-${Date.now()}.json`);
  const result = fn(traceEnv(file));
  const count = countGitProcesses(file);
  fs.rmSync(file, { force: true });
  return { result, count };
}

/**
 * One step of a process-count scenario (test/integration/perf/): `run` with a trace file of its own
 * under the test's base, counted once the background backup push it may have started is done
 * (that push's git processes are the step's too).
 */
export async function tracedStep(t: TestRepo, label: string, run: (env: Record<string, string>) => void): Promise<GitProcessCount> {
  const file = path.join(t.base, `trace-${label.replace(/\W+/g, '-')}.json`);
  run(traceEnv(file));
  await backgroundPushDone(t.dir);
  return countGitProcesses(file);
}

/** A count as a report line: the total, then each git command's share. */
export function shownCount(count: GitProcessCount | undefined): string {
  if (!count) return '(none)';
  return `${count.total} (${count.byCommand.map(([c, n]) => `${c} ${n}`).join(', ')})`;
}
