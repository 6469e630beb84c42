/**
 * What lies under a deletion's target is listed kind by kind, when the verdict needs it
 * (src/git/path-facts.ts, ContentsListing; targets.ts judges tracked and untracked files first):
 * a tracked or untracked protected path denies after one `git ls-files`, and the ignored listing
 * still runs, and still decides, wherever the tracked and untracked files do not settle it. Each
 * case runs the real agent hook on a real repository and checks the verdict, the reason and which
 * listings git was asked for (git's trace2 events: process counts, no timing).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { commitFiles, writeFiles } from '../../helpers/repo-steps.js';

interface Answer {
  decision: string;
  reason: string;
  /** The `git ls-files` processes the hook started, by kind. */
  listings: string[];
}

/** The kind of an `ls-files` argv: what it lists. */
function listingKind(argv: string[]): string {
  if (argv.includes('--cached')) return 'tracked+untracked';
  if (argv.includes('--directory')) return 'ignored';
  return 'ignored files';
}

/** The agent hook's answer to `rm -rf TARGET`, and the listings of TARGET it asked git for. */
function rmrf(t: TestRepo, target: string): Answer {
  const command = `rm -rf ${target}`;
  const trace = path.join(t.base, `trace-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const { decision, reason } = preToolHook(t, { tool: 'Bash', command }, traceEnv(trace));
  // Only the listings of the target (the session's first snapshot lists ignored files too).
  const ofTarget = (argv: string[]): boolean => argv[1] === 'ls-files' && argv.some((arg) => arg === `:(literal)${target}` || arg.startsWith(`:(literal)${target}/`));
  return { decision, reason, listings: tracedArgv(trace).filter(ofTarget).map(listingKind) };
}

function setup(t: TestRepo): void {
  commitFiles(t, {
    '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n',
    '.gitignore': 'dist/\n*.local\nconf/migrations/\n',
    'db/migrations/001.sql': 'create table a (id int);\n',
    'conf/app.ts': 'export {};\n',
    'src/a.ts': 'export {};\n',
  });
  writeFiles(t, {
    // Ignored, not regenerable: captured by a snapshot, so what decides is whether it is protected.
    'db/cache.local': 'cache\n',
    'src/x.local': 'local settings\n',
    'conf/migrations/003.sql': 'create table c (id int);\n',
    // Untracked, not ignored.
    'work/migrations/002.sql': 'create table b (id int);\n',
    'work/notes.txt': 'notes\n',
    // Ignored regenerable output.
    'dist/app.js': 'built\n',
  });
}

describe('what lies under a deletion target is listed as the verdict needs it', () => {
  it('a tracked or untracked protected path denies after one listing; ignored files still decide where the rest does not', async () => {
    await withTestRepo((t) => {
      setup(t);
      // A tracked migration: denied on the tracked files alone.
      expect(rmrf(t, 'db')).toEqual({
        decision: 'deny',
        reason: expect.stringContaining('rm deletes db, which holds the protected path db/migrations/001.sql (matches "**/migrations/**")'),
        listings: ['tracked+untracked'],
      });
      // An untracked migration: the same listing shows it.
      expect(rmrf(t, 'work')).toEqual({
        decision: 'deny',
        reason: expect.stringContaining('rm deletes work, which holds the protected path work/migrations/002.sql (matches "**/migrations/**")'),
        listings: ['tracked+untracked'],
      });
      // Only an ignored migration, beside a tracked file: the ignored listing (and the listing of
      // the ignored directory's files) is what finds it.
      expect(rmrf(t, 'conf')).toEqual({
        decision: 'deny',
        reason: expect.stringContaining('rm deletes conf, which holds the protected path conf/migrations/003.sql (matches "**/migrations/**")'),
        listings: ['tracked+untracked', 'ignored', 'ignored files'],
      });
      // Nothing protected: both listings, and the ignored file is captured before the command.
      const src = rmrf(t, 'src');
      expect(src).toEqual({ decision: 'allow', reason: '', listings: ['tracked+untracked', 'ignored'] });
      expect(fs.readFileSync(path.join(t.dir, '.git', 'guard', 'journal.jsonl'), 'utf8')).toContain('"capturedIgnored":["src/x.local"]');
      // Wholly ignored regenerable output: the ignored listing alone says there is nothing else.
      expect(rmrf(t, 'dist')).toEqual({ decision: 'allow', reason: '', listings: ['ignored'] });
    });
  });
});
