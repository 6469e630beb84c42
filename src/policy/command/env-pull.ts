/**
 * `vercel env pull [FILE]` writes the project's environment variables from Vercel into FILE
 * (`.env.local` by default), replacing the file: the developer's own lines in an ignored
 * `.env.local` (a local database URL, a key of their own) are gone. The sweep of 2026-12-05
 * evening (docs/FRICTION.md, "Infrastructure as code and JavaScript monorepos") found it "allow:
 * no destructive command found" on create-t3-turbo. Now judged as a write of that file, as `cp
 * .env.example .env.local` is: an ignored one is captured into the snapshot first.
 */
import path from 'node:path';
import { knownField, type Field } from './expand.js';
import { judgeOutputFile } from './output-files.js';
import type { Invocation, Runtime } from './runtime.js';
import { resolvePath } from './paths.js';

/** Programs this module judges (commands.ts sends them here). */
export const ENV_PULL_PROGRAMS = new Set(['vercel', 'vc']);

/** The Vercel CLI's options that take their value as the next word. */
const VALUE_OPTIONS = new Set(['--environment', '--git-branch', '--cwd', '--scope', '-S', '--token', '-t', '--local-config', '-A', '--global-config', '-Q', '--team', '-T']);

export function classifyEnvPull(inv: Invocation, args: Field[], rt: Runtime): void {
  const operands: Field[] = [];
  let cwd = inv.cwd;
  for (let i = 0; i < args.length; i++) {
    const value = args[i]?.value ?? null;
    if (value !== null && value.startsWith('-') && value !== '-') {
      if (value === '--help' || value === '-h') return;
      const eq = value.indexOf('=');
      const name = eq === -1 ? value : value.slice(0, eq);
      const given = eq === -1 ? (VALUE_OPTIONS.has(name) ? args[++i] : undefined) : knownField(value.slice(eq + 1));
      // `--cwd DIR`: the file is written there
      if (name === '--cwd' && given) cwd = resolvePath(given.value, cwd);
      continue;
    }
    operands.push(args[i] as Field);
  }
  if (operands[0]?.value !== 'env' || operands[1]?.value !== 'pull') return;
  const file = operands[2] ?? knownField('.env.local');
  judgeOutputFile(file, cwd, rt, inv.source, `vercel env pull writes ${file.value ?? 'a file'} anew${cwd !== inv.cwd && cwd !== null ? ` (in ${path.posix.basename(cwd)})` : ''}`);
}
