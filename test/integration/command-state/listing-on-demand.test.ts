/**
 * What lies under a deletion's target is listed kind by kind, when the verdict needs it
 * (src/git/path-facts.ts, ContentsListing; targets.ts judges tracked and untracked files first):
 * a tracked or untracked protected path denies after one `git ls-files`, and the ignored listing
 * still runs, and still decides, wherever the tracked and untracked files do not settle it. Each
 * case runs the real agent hook on a real repository and checks the verdict, the reason and which
 * listings git was asked for (git's trace2 events: process counts, no timing).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { traceEnv } from '../../helpers/git-trace.js';

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
  const payload = { session_id: 's1', transcript_path: '/t', cwd: t.dir, permission_mode: 'default', hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } };
  const r = spawnSync(process.execPath, [GUARD_BIN, 'agent-hook', 'claude', 'pre-tool'], { cwd: t.dir, env: { ...t.env, ...traceEnv(trace) }, input: JSON.stringify(payload), encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  const listings: string[] = [];
  const events = fs.existsSync(trace) ? fs.readFileSync(trace, 'utf8').split('\n') : [];
  for (const line of events) {
    if (!line.includes('"event":"start"')) continue;
    const argv = (JSON.parse(line) as { argv?: string[] }).argv ?? [];
    // Only the listings of the target (the session's first snapshot lists ignored files too).
    if (argv[1] === 'ls-files' && argv.some((arg) => arg === `:(literal)${target}` || arg.startsWith(`:(literal)${target}/`))) listings.push(listingKind(argv));
  }
  if (r.stdout.trim() === '') return { decision: 'allow', reason: '', listings };
  const out = JSON.parse(r.stdout) as { hookSpecificOutput?: { permissionDecision?: string; permissionDecisionReason?: string } };
  return { decision: out.hookSpecificOutput?.permissionDecision ?? 'allow', reason: out.hookSpecificOutput?.permissionDecisionReason ?? '', listings };
}

function setup(t: TestRepo): void {
  t.write('.guard.yaml', 'version: 1\nprotect:\n  paths:\n    - "**/migrations/**"\n');
  t.write('.gitignore', 'dist/\n*.local\nconf/migrations/\n');
  t.write('db/migrations/001.sql', 'create table a (id int);\n');
  t.write('conf/app.ts', 'export {};\n');
  t.write('src/a.ts', 'export {};\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  // Ignored, not regenerable: captured by a snapshot, so what decides is whether it is protected.
  t.write('db/cache.local', 'cache\n');
  t.write('src/x.local', 'local settings\n');
  t.write('conf/migrations/003.sql', 'create table c (id int);\n');
  // Untracked, not ignored.
  t.write('work/migrations/002.sql', 'create table b (id int);\n');
  t.write('work/notes.txt', 'notes\n');
  // Ignored regenerable output.
  t.write('dist/app.js', 'built\n');
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
