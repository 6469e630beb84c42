/**
 * The session-start snapshot captures the ignored files that are not regenerable output
 * (snapshot.ignoredAtSessionStart, src/session/start-capture.ts). What runs in a session may
 * delete them in ways the command guard cannot read (a package script, a make target, a script
 * file, a tool resetting its database); before this, no snapshot held them and no rollback could
 * give them back. Real git, real CLI, bytes and permission bits compared.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { fileTemplate } from '../../helpers/repo-template.js';
import { guardOk, loggedEvents, rollbackOk, undoOk } from '../../helpers/guard-steps.js';
import { countGitProcesses, traceEnv, type GitProcessCount } from '../../helpers/git-trace.js';
import { shellOk } from '../../helpers/repo-steps.js';
import { waitForBackgroundPush } from '../watcher/helpers.js';
import { byteState } from '../../helpers/state.js';
import { realBackupPushInFile } from '../../helpers/env.js';

// The process counts here are of guard as users run it, the automatic backup push included (test/helpers/env.ts).
realBackupPushInFile();

const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');
/** A name that is not UTF-8: `k\xff.key`. */
const ODD = Buffer.from('k\xff.key', 'latin1');

function seed(t: TestRepo, config = ''): void {
  t.write('.gitignore', '.env\n*.key\nlocal.db\n.idea/\ndist/\nnode_modules/\n');
  t.write('src/app.js', 'app\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  t.write('.env', SECRET, 0o600);
  t.write('local.db', Buffer.alloc(3000, 7));
  t.write('.idea/workspace.xml', '<w/>\n');
  t.write('dist/out.js', 'built\n');
  t.write('node_modules/p/index.js', 'dep\n');
  fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), ODD]), 'odd key\n', { mode: 0o600 });
  guardOk(t, ['init', '--yes', '--agents', 'claude']);
  if (config) t.write('.guard.yaml', config);
}

/**
 * seed (files, `guard init --agents claude` and its backup push) built once for the file, each test
 * on a copy (repo-template.ts); a test's .guard.yaml written after the copy, as seed writes it
 * after init. The process-count test builds its own (it counts from a repository as init left it).
 */
const seeded = fileTemplate((t) => seed(t));
function seededCopy<T>(config: string, fn: (t: TestRepo) => T | Promise<T>): Promise<T> {
  return seeded.withCopy((t) => {
    if (config) t.write('.guard.yaml', config);
    return fn(t);
  });
}

function startSession(t: TestRepo): { id: string; snapshot: string } {
  const r = guardOk(t, ['session', 'start', '--agent', 'claude', '--json']);
  const { session } = JSON.parse(r.stdout) as { session: { id: string; startSnapshot: string } };
  return { id: session.id, snapshot: session.startSnapshot };
}

/** The snapshot's file names as git prints them (a name that is not UTF-8 quoted: `"k\\377.key"`). */
function treeNames(t: TestRepo, snapshot: string): string[] {
  return t.git(['ls-tree', '-r', '--name-only', snapshot]).split('\n').filter(Boolean);
}

describe('session start captures ignored files that are not regenerable', () => {
  it('what a script guard cannot read deletes comes back with guard rollback, bytes and bits; --undo goes back', async () => {
    await seededCopy('', (t) => {
      const start = startSession(t);
      const atStart = byteState(t);
      guardOk(t, ['watch', 'stop']);
      // Held by the start snapshot: the ignored files that are not output, and no output.
      const names = treeNames(t, start.snapshot);
      expect(names).toEqual(expect.arrayContaining(['.env', 'local.db', '.idea/workspace.xml', '"k\\377.key"']));
      expect(names.some((n) => n.startsWith('dist/') || n.startsWith('node_modules/'))).toBe(false);
      const [event] = loggedEvents<{ rule: string; capturedIgnored: string[]; snapshot: string }>(t, 'ignored-captured');
      expect(event).toMatchObject({ rule: 'session-start', snapshot: start.snapshot });
      expect(event!.capturedIgnored).toEqual(expect.arrayContaining(['.env', 'local.db', '.idea/workspace.xml', '"k\\377.key"']));

      // A reset script: nothing in its command line names the files.
      t.write('reset.sh', 'rm -f .env local.db k*.key && rm -rf .idea\n');
      shellOk(t, 'sh reset.sh && rm reset.sh');
      const after = byteState(t);
      expect(after['.env']).toBeUndefined();

      rollbackOk(t, '--session', start.id);
      const back = byteState(t);
      expect(back).toEqual(atStart);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(back['.env']).toMatch(/^file 600 /);
      expect(back[`k${'\xff'}.key`]).toMatch(/^file 600 /);

      // The undo gives back every byte of the state after the script. The ignored files the
      // rollback wrote stay (an undo deletes no ignored file: the state before it is in no
      // snapshot; the same for a hook's capture brought back). Nothing is lost either way.
      undoOk(t);
      const restored = ['.env', '.idea', '.idea/workspace.xml', 'local.db', 'k\xff.key', ':status'];
      const without = (state: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(state).filter(([key]) => !restored.includes(key)));
      expect(without(byteState(t))).toEqual(without(after));
      expect(byteState(t)['.env']).toBe(atStart['.env']);
    });
  });

  it('a rollback brings back those that are gone and leaves those on disk, edited or not; --paths takes the snapshot\'s bytes', async () => {
    await seededCopy('', (t) => {
      const start = startSession(t);
      guardOk(t, ['watch', 'stop']);
      t.write('local.db', 'new rows\n');
      shellOk(t, 'rm .env');
      const out = rollbackOk(t, '--session', start.id);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect((fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toString(8)).toBe('600');
      // An ignored file on disk is not the rollback's to revert (a person's edit during the
      // session), nor listed in its plan.
      expect(t.read('local.db')).toBe('new rows\n');
      expect(out).not.toMatch(/local\.db|workspace\.xml|k.*\.key/);

      rollbackOk(t, start.snapshot, '--paths', 'local.db');
      expect(fs.readFileSync(path.join(t.dir, 'local.db'))).toEqual(Buffer.alloc(3000, 7));
      // The edit it replaced is in the pre-rollback snapshot: --undo gives it back.
      undoOk(t);
      expect(t.read('local.db')).toBe('new rows\n');
    });
  });

  it('smallest first within the budget; the rest is journaled as left out; 0 turns it off', async () => {
    await seededCopy('version: 1\nsnapshot:\n  ignoredAtSessionStart: 1KB\n', (t) => {
      const start = startSession(t);
      guardOk(t, ['watch', 'stop']);
      const names = treeNames(t, start.snapshot);
      expect(names).toEqual(expect.arrayContaining(['.env', '.idea/workspace.xml']));
      expect(names).not.toContain('local.db');
      const [event] = loggedEvents<{ leftOut: { files: number; bytes: number; examples: string[] } }>(t, 'ignored-captured');
      // guard init keeps Claude Code's settings.local.json out of git (info/exclude): ignored, and over 1KB too.
      const settings = fs.statSync(path.join(t.dir, '.claude/settings.local.json')).size;
      expect(event!.leftOut).toEqual({ files: 2, bytes: 3000 + settings, examples: expect.arrayContaining(['local.db', '.claude/settings.local.json']) });
      expect(event!.leftOut.examples).toHaveLength(2);
      guardOk(t, ['session', 'end']);

      t.write('.guard.yaml', 'version: 1\nsnapshot:\n  ignoredAtSessionStart: 0\n');
      const off = startSession(t);
      guardOk(t, ['watch', 'stop']);
      expect(treeNames(t, off.snapshot).filter((n) => n === '.env' || n === 'local.db')).toEqual([]);
    });
  });

  it('nothing captured while backup.remote is set, and guard status says so', async () => {
    await seeded.withCopy((t) => {
      const remote = path.join(t.base, 'remote.git');
      t.git(['init', '-q', '--bare', remote]);
      t.write('.guard.yaml', `version: 1\nbackup:\n  remote: ${remote}\n`);
      const start = startSession(t);
      guardOk(t, ['watch', 'stop']);
      expect(treeNames(t, start.snapshot).filter((n) => n === '.env' || n === 'local.db')).toEqual([]);
      expect(loggedEvents(t, 'ignored-captured')).toEqual([]);
      const status = JSON.parse(t.guard(['status', '--json']).stdout) as { notes: string[] };
      expect(status.notes.join('\n')).toContain('does not capture the ignored files that are not regenerable (.env, a local database) while backup.remote is set');
    });
  });

  it('a rollback to a later snapshot of the session brings back what is gone since, and leaves what is on disk', async () => {
    await seededCopy('', async (t) => {
      // A capture is carried to later snapshots only for a file unchanged for two seconds before
      // it was read (RACY_MS): one written in the same clock tick could change again unseen.
      const written = Date.now();
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, written + 2100 - Date.now())));
      startSession(t);
      guardOk(t, ['watch', 'stop']);
      t.write('src/app.js', 'app 2\n');
      const later = (JSON.parse(guardOk(t, ['snapshot', '--json']).stdout) as { id: string }).id;
      t.write('src/app.js', 'app 3\n');
      t.write('local.db', 'edited\n');
      shellOk(t, 'sh -c "rm .env"');
      rollbackOk(t, later);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect((fs.statSync(path.join(t.dir, '.env')).mode & 0o777).toString(8)).toBe('600');
      expect(t.read('src/app.js')).toBe('app 2\n');
      expect(t.read('local.db')).toBe('edited\n');
    });
  });

  it('lists the ignored files beside the snapshot\'s walk, not before it, and still captures them', async () => {
    await seededCopy('', (t) => {
      // A git on PATH that holds the worktree's ignored listing until the same process has started
      // git status (the walk), for at most 30 s: in series the listing would wait in vain.
      const marks = path.join(t.base, 'marks');
      const bin = path.join(t.base, 'bin');
      fs.mkdirSync(marks);
      fs.mkdirSync(bin);
      const realGit = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
      fs.writeFileSync(
        path.join(bin, 'git'),
        [
          '#!/bin/sh',
          'case " $* " in',
          `  " status --porcelain=v2 "*) : >"${marks}/walk-$PPID" ;;`,
          '  " ls-files -z --others --ignored --exclude-standard --directory ")',
          '    i=0',
          `    while [ ! -e "${marks}/walk-$PPID" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done`,
          `    if [ -e "${marks}/walk-$PPID" ]; then : >"${marks}/beside"; else : >"${marks}/before"; fi`,
          '    ;;',
          'esac',
          `exec ${realGit} "$@"`,
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
      const r = t.guard(['session', 'start', '--agent', 'claude', '--json'], { env: { PATH: `${bin}:${process.env.PATH}` } });
      expect(r.code, r.stderr).toBe(0);
      guardOk(t, ['watch', 'stop']);
      expect(fs.readdirSync(marks).filter((m) => !m.startsWith('walk-'))).toEqual(['beside']);
      const start = (JSON.parse(r.stdout) as { session: { startSnapshot: string } }).session.startSnapshot;
      expect(treeNames(t, start)).toEqual(expect.arrayContaining(['.env', 'local.db', '.idea/workspace.xml', '"k\\377.key"']));
    });
  });

  it('costs the same git processes with 4 or 600 more ignored files', async () => {
    const count = async (more: number): Promise<GitProcessCount> => {
      let result: GitProcessCount = { total: 0, byCommand: [], argv: [] };
      await withTestRepo(async (t) => {
        seed(t);
        for (let i = 0; i < more; i++) t.write(`.idea/f${i}.xml`, `${i}\n`);
        for (let i = 0; i < more; i++) t.write(`node_modules/q${i}/i.js`, `${i}\n`);
        // Every capture signed in both sizes (a file changed within RACY_MS of its read is not):
        // then the watcher's start-up walk writes no snapshot of its own in either (only the
        // session start's captures differ, snapshot/baseline-reuse.test.ts), not in one of them.
        const written = Date.now();
        // The background backup push init started, finished before counting; the session start's
        // own push, finished before the count is read (on a loaded machine either ran into the
        // window or out of it).
        await waitForBackgroundPush(t);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, written + 2100 - Date.now())));
        const trace = path.join(t.base, 'trace-start.json');
        const r = t.guard(['session', 'start', '--agent', 'claude', '--json'], { env: traceEnv(trace) });
        expect(r.code, r.stderr).toBe(0);
        const start = (JSON.parse(r.stdout) as { session: { startSnapshot: string } }).session.startSnapshot;
        expect(t.guard(['watch', 'stop'], { env: traceEnv(trace) }).code).toBe(0);
        await waitForBackgroundPush(t);
        result = countGitProcesses(trace);
        // Smallest first, at most 200 files (each later snapshot carries a record of each).
        expect(treeNames(t, start).filter((n) => n.startsWith('.idea/'))).toHaveLength(Math.min(more + 1, 200));
      });
      return result;
    };
    const few = await count(0);
    const many = await count(300);
    // The session start's own listings of ignored files (a watcher that got to its first snapshot
    // before `watch stop` on a loaded machine lists files too, with other flags).
    const listings = (c: typeof few): number => c.argv.filter((argv) => argv.includes('ls-files') && argv.includes('--ignored') && argv.includes('--directory')).length;
    expect(listings(few)).toBeGreaterThan(0);
    expect(listings(many), JSON.stringify(many.byCommand)).toBe(listings(few));
    // (A watcher snapshot more or less on a loaded machine: the same slack as perf/process-count.)
    expect(many.total, `${JSON.stringify(few.byCommand)}\n${JSON.stringify(many.byCommand)}`).toBeLessThanOrEqual(few.total + 3);
  });

  it('lists the files of a directory git already went into from its first listing: one ls-files; two where git did not go in', async () => {
    await withTestRepo(async (t) => {
      t.write('.gitignore', '.env\n');
      t.write('src/app.js', 'app\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      t.write('.env', SECRET, 0o600);
      // Claude Code's hooks in .claude/settings.local.json, which init keeps out of git: .claude/
      // then holds only ignored files, and git lists it collapsed and then every file in it.
      guardOk(t, ['init', '--yes', '--agents', 'claude']);
      t.write('.claude/notes.local.md', 'mine\n');
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), '.claude/notes.local.md\n');
      await waitForBackgroundPush(t);
      const ignoredListings = (trace: string): string[][] => countGitProcesses(trace).argv.filter((argv) => argv.includes('ls-files') && argv.includes('--ignored'));
      const startWith = (label: string): { listings: string[][]; names: string[] } => {
        const trace = path.join(t.base, `trace-${label}.json`);
        const r = t.guard(['session', 'start', '--agent', 'claude', '--json'], { env: traceEnv(trace) });
        expect(r.code, r.stderr).toBe(0);
        const start = (JSON.parse(r.stdout) as { session: { startSnapshot: string } }).session.startSnapshot;
        expect(t.guard(['watch', 'stop']).code).toBe(0);
        guardOk(t, ['session', 'end']);
        // The session start's own listings (its watcher, stopped, lists with other flags).
        return { listings: ignoredListings(trace).filter((argv) => !argv.includes('-t')), names: treeNames(t, start) };
      };

      const went = startWith('went-in');
      expect(went.listings.map((argv) => argv.slice(1).join(' '))).toEqual(['ls-files -z --others --ignored --exclude-standard --directory']);
      expect(went.names).toEqual(expect.arrayContaining(['.env', '.claude/settings.local.json', '.claude/notes.local.md']));

      // A directory ignored by a pattern of its own: git lists it collapsed and does not go in, so
      // its files are listed by a second ls-files, as before.
      t.write('.claude/cache/state.json', '{}\n');
      fs.appendFileSync(path.join(t.dir, '.git', 'info', 'exclude'), '.claude/cache/\n');
      const not = startWith('not-in');
      expect(not.listings).toHaveLength(2);
      expect(not.names).toEqual(expect.arrayContaining(['.env', '.claude/settings.local.json', '.claude/notes.local.md', '.claude/cache/state.json']));
    });
  });
});
