/**
 * The command-guard fuzzer's template repository, made once per run and copied (`cp -a`) for each
 * case: everything a command may destroy is there in one small repository. Tracked files in several
 * directories (an executable script, a symbolic link, a CRLF file, a name that is not UTF-8, names
 * with a space and a leading dash), a staged change that differs from the worktree and a staged new
 * file, untracked files, ignored files that are not regenerable (`.env` 0600, `local.db`,
 * `src/config.local.js`, `sub/.env`) and ignored regenerable output (`dist/`, `node_modules/`),
 * protected paths (db/migrations/001.sql, .github/workflows/ci.yml), a second branch, an annotated
 * tag and a stash entry. guard is installed with `guard init -y --agents claude` and its files are
 * committed as teams do; then the session starts as Claude Code starts it (the installed
 * SessionStart hook), so a session-start snapshot holds exactly this state, and the watcher that
 * start launched is stopped: each case's hook takes its own snapshot by walking, and no watcher
 * snapshot lands between the hook's answer and the rollback. Last, changes no snapshot holds: a
 * tracked files edited, an untracked one appended to, a new untracked file (SINCE_SNAPSHOT).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { hookCommandFor } from '../../../src/agents/launcher.js';
import { copyRepoSettled, createTestRepo, stopWatchers, type TestRepo } from '../../helpers/git-repo.js';

/** A name that is not UTF-8 (latin-1 "café.md"), as bytes, relative to the repository. */
export const NON_UTF8 = Buffer.from('docs/caf\xe9.md', 'latin1');

/** The files changed after the session's snapshot (no snapshot holds their bytes at a case's start). */
export const SINCE_SNAPSHOT = ['src/util.js', 'notes.txt', 'scratch/since.txt', 'docs/crlf.txt'];

export interface Template {
  repo: TestRepo;
  /** Paths of each kind as shell words relative to the repository root (already quoted where needed). */
  paths: PathPool;
}

export interface PathPool {
  tracked: string[];
  untracked: string[];
  ignored: string[];
  regenerable: string[];
  protectedPaths: string[];
  guardFiles: string[];
  dirs: string[];
  globs: string[];
  missing: string[];
  outside: string[];
}

function write(t: TestRepo, file: string | Buffer, content: string | Buffer, mode?: number): void {
  const full = Buffer.concat([Buffer.from(`${t.dir}/`), Buffer.isBuffer(file) ? file : Buffer.from(file)]);
  // Every directory of the template has an ASCII name: only a file name may not be UTF-8.
  fs.mkdirSync(path.join(t.dir, path.dirname(Buffer.isBuffer(file) ? file.toString('latin1') : file)), { recursive: true });
  fs.writeFileSync(full, content);
  if (mode !== undefined) fs.chmodSync(full, mode);
}

/** Builds the template under its own temp dir (TestRepo: hermetic HOME and git config). */
export function makeTemplate(): Template {
  const t = createTestRepo();
  try {
    write(t, '.gitignore', '.env\n*.local.js\nlocal.db\nnode_modules/\ndist/\n');
    write(t, 'README.md', '# project\n\nsome words to edit\n');
    write(t, 'src/app.js', 'export const app = 1;\n');
    write(t, 'src/util.js', 'export function util() { return "a"; }\n');
    write(t, 'src/lib/deep.js', 'export const deep = true;\n');
    write(t, 'scripts/run.sh', '#!/bin/sh\necho run\n', 0o755);
    write(t, 'docs/crlf.txt', 'line one\r\nline two\r\n');
    write(t, NON_UTF8, 'latin-1 name\n');
    write(t, 'docs/with space.md', 'a name with a space\n');
    write(t, '-dash.md', 'a name with a leading dash\n');
    write(t, 'db/migrations/001.sql', 'create table a (id int);\n');
    write(t, '.github/workflows/ci.yml', 'on: push\njobs: {}\n');
    write(t, 'sub/readme.txt', 'sub project\n');
    fs.symlinkSync('../src/app.js', path.join(t.dir, 'docs', 'app-link.js'));
    // A tracked link to an ignored secret: a write through it is a write of .env.
    fs.symlinkSync('../.env', path.join(t.dir, 'docs', 'env-link'));
    t.git(['add', '-A']);
    t.git(['commit', '-q', '-m', 'init']);
    // A second branch and an annotated tag.
    t.git(['tag', '-a', '-m', 'v1', 'v1']);
    t.git(['checkout', '-q', '-b', 'feature']);
    write(t, 'src/util.js', 'export function util() { return "feature"; }\n');
    write(t, 'feature.txt', 'only on feature\n');
    // The feature branch tracks a file main ignores: switching there writes over the ignored one.
    write(t, 'src/config.local.js', 'module.exports = { feature: true };\n');
    t.git(['add', '-A']);
    t.git(['add', '-f', 'src/config.local.js']);
    t.git(['commit', '-q', '-m', 'feature work']);
    t.git(['checkout', '-q', 'main']);
    // guard, installed and committed as a team does.
    const init = t.guard(['init', '-y', '--agents', 'claude']);
    if (init.code !== 0) throw new Error(`guard init failed: ${init.stderr}`);
    t.git(['add', '-A']);
    t.git(['commit', '-q', '-m', 'guard']);
    // A stash entry (README edited, stashed away).
    write(t, 'README.md', '# project\n\nstashed words\n');
    t.git(['stash', 'push', '-q', '-m', 'wip readme']);
    // HEAD, index and worktree all differ for src/app.js; a staged new file.
    write(t, 'src/app.js', 'export const app = 2; // staged\n');
    write(t, 'src/staged-new.js', 'export const added = 1;\n');
    t.git(['add', 'src/app.js', 'src/staged-new.js']);
    write(t, 'src/app.js', 'export const app = 3; // worktree\n');
    // Untracked files.
    write(t, 'notes.txt', 'untracked notes\n');
    write(t, 'src/untracked.js', 'export const draft = 1;\n');
    write(t, 'scratch/todo.txt', 'todo\n');
    // Ignored files that are not regenerable (a 0600 secret, a binary db, local config, a nested secret).
    write(t, '.env', Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1'), 0o600);
    write(t, 'local.db', Buffer.from([0, 1, 2, 255, 254, 10, 13]));
    write(t, 'src/config.local.js', 'module.exports = { local: true };\n');
    write(t, 'sub/.env', 'SUB_SECRET=1\n', 0o600);
    // Ignored regenerable output.
    write(t, 'dist/app.js', 'built\n');
    write(t, 'node_modules/pkg/index.js', 'module.exports = 1;\n');
    // A file outside the repository, inside the sandbox: what curl file:// and cp read.
    fs.writeFileSync(path.join(t.base, 'payload.txt'), 'payload from outside\n');
    // The session starts as Claude Code starts it: its snapshot holds all of the above.
    const payload = { session_id: 'fuzz', cwd: t.dir, hook_event_name: 'SessionStart', source: 'startup' };
    const r = spawnSync('sh', ['-c', hookCommandFor('claude', 'session-start')], { cwd: t.dir, env: t.env, input: JSON.stringify(payload), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`session-start hook failed: ${r.stderr}`);
    const stop = t.guard(['watch', 'stop']);
    if (stop.code !== 0) throw new Error(`guard watch stop failed: ${stop.stderr}`);
    stopWatchers(t.base);
    // Then work no snapshot holds yet (the watcher is stopped, as when it timed out idle or was
    // never started): tracked files edited, an untracked one appended to, a new untracked file
    // (SINCE_SNAPSHOT). A command that destroys these must be snapshotted first.
    write(t, 'src/util.js', 'export function util() { return "edited since the snapshot"; }\n');
    fs.appendFileSync(path.join(t.dir, 'notes.txt'), 'more notes since the snapshot\n');
    write(t, 'scratch/since.txt', 'written since the snapshot\n');
    write(t, 'docs/crlf.txt', 'line one\r\nline two, edited since\r\n');
    return { repo: t, paths: pathPool() };
  } catch (error) {
    t.cleanup();
    throw error;
  }
}

function pathPool(): PathPool {
  return {
    tracked: ['README.md', 'src/app.js', 'src/util.js', 'src/lib/deep.js', 'scripts/run.sh', 'docs/crlf.txt', "$'docs/caf\\xe9.md'", "'docs/with space.md'", './-dash.md', 'sub/readme.txt', 'docs/app-link.js', 'docs/env-link', '.gitignore', 'src/staged-new.js'],
    untracked: ['notes.txt', 'src/untracked.js', 'scratch/todo.txt', 'scratch', 'scratch/since.txt'],
    ignored: ['.env', 'local.db', 'src/config.local.js', 'sub/.env'],
    regenerable: ['dist', 'dist/app.js', 'node_modules', 'node_modules/pkg/index.js'],
    protectedPaths: ['db/migrations/001.sql', '.github/workflows/ci.yml', 'db/migrations', 'db'],
    guardFiles: ['.guard.yaml', '.claude/settings.local.json'],
    dirs: ['src', 'src/lib', 'docs', 'scripts', 'sub', '.', 'scratch'],
    globs: ['src/*.js', '*.md', 'docs/*', 'src/*', '*', 'sub/*', '.e*', 'src/*.local.js', '*/.env', 'src/[au]*.js', 'docs/*.md', 's*'],
    missing: ['nope.txt', 'src/nope.js', 'gone/'],
    outside: ['../out', '../out/', '../outdir/x.js', '../payload.txt', '../out.txt'],
  };
}

/** A fresh copy of the template for one case: its own temp dir (home/, repo/), so `../` stays inside it. */
export function copyTemplate(template: Template): TestRepo {
  const t = createTestRepo({ init: false });
  fs.rmSync(t.dir, { recursive: true, force: true });
  copyRepoSettled(template.repo.dir, t.dir);
  fs.copyFileSync(path.join(template.repo.base, 'payload.txt'), path.join(t.base, 'payload.txt'));
  fs.mkdirSync(path.join(t.base, 'outdir'));
  return t;
}
