/**
 * The command guard as the agent hook and `guard check-command` run it: with the repository as
 * it is at the moment of the call (src/policy/command/state.ts), the `commands` settings of the
 * compiled policy, and the system temp directory as scratch space.
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Repo } from '../git/repo.js';
import { readPathFacts } from '../git/path-facts.js';
import { classifyWithState, DEFAULT_CAPTURE_LIMITS, type CommandContext, type StateClassification, type StateVerdict } from '../policy/command/index.js';
import { DEFAULT_REGENERABLE } from '../policy/schema.js';

export interface CommandSettings {
  tempIsScratch: boolean;
  regenerable: readonly string[];
  maxIgnoredCapture: number;
}

/** `commands` from a compiled policy (the Policy object or its raw JSON); defaults for what is missing. */
export function commandSettings(policy: unknown): CommandSettings {
  const section = (policy as { commands?: Record<string, unknown> } | null)?.commands ?? {};
  const regenerable = Array.isArray(section.regenerable) && section.regenerable.every((r) => typeof r === 'string') ? (section.regenerable as string[]) : DEFAULT_REGENERABLE;
  return {
    tempIsScratch: typeof section.tempIsScratch === 'boolean' ? section.tempIsScratch : true,
    regenerable,
    maxIgnoredCapture: typeof section.maxIgnoredCapture === 'number' ? section.maxIgnoredCapture : DEFAULT_CAPTURE_LIMITS.maxBytes,
  };
}

/** The system temp directory as every spelling an agent may use reaches it (real paths, /tmp included). */
export function tempDirs(): string[] {
  const dirs = new Set<string>();
  // os.tmpdir() reads these same variables on POSIX; calling it would load node:os on the hook path.
  const systemTemp = process.platform === 'win32' ? os.tmpdir() : process.env.TMPDIR || process.env.TMP || process.env.TEMP;
  for (const dir of [systemTemp, '/tmp']) {
    if (!dir) continue;
    dirs.add(dir.replace(/(.)\/+$/, '$1'));
    try {
      dirs.add(fs.realpathSync(dir));
    } catch {
      // not there: nothing to allow in it
    }
  }
  dirs.delete('/');
  return [...dirs];
}

export function classifyInRepository(command: string, context: CommandContext, repo: Repo | null, settings: CommandSettings): Promise<StateClassification> {
  const full: CommandContext = settings.tempIsScratch ? { ...context, scratchDirs: tempDirs() } : context;
  return classifyWithState(command, full, {
    reader: (queries) => readPathFacts(repo, queries, { regenerable: settings.regenerable }),
    limits: { maxBytes: settings.maxIgnoredCapture, maxFiles: DEFAULT_CAPTURE_LIMITS.maxFiles },
  });
}

/** The captured ignored files as text, for messages and the journal. */
export function captureNames(verdict: StateVerdict): string[] {
  return verdict.capture.map((p) => Buffer.from(p, 'latin1').toString('utf8'));
}
