/**
 * Shared set-up for the git hook tests: a repository with a first commit, a committed
 * .guard.yaml, `guard init` done, and a real bare remote in the same temp dir.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import type { RunResult, TestRepo } from '../../helpers/git-repo.js';
import { repoTemplate, type RepoTemplate } from '../../helpers/repo-template.js';

export interface Guarded extends TestRepo {
  remote: string;
  /** Runs git and returns the whole result (never throws). */
  run(args: string[], options?: { cwd?: string; env?: Record<string, string>; input?: string }): RunResult;
  rev(ref: string, options?: { cwd?: string }): string | null;
  journal(): Array<Record<string, unknown>>;
}

export const AGENT_ENV = { CLAUDECODE: '1' };

/**
 * Each set of options builds its repository once per test file (lazily, in the first test that
 * asks) and every call gets a copy of it (test/helpers/repo-template.ts: the build as made at the
 * copy's own place; issue 8, the suite's time). The build: the files, a first commit, the bare
 * remote, `guard init`, the policy committed, the push.
 */
const templates = new Map<string, RepoTemplate>();
afterAll(() => {
  for (const template of templates.values()) template.cleanup();
  templates.clear();
});

export function guarded(options: { init?: boolean; config?: string; remote?: boolean } = {}): Guarded {
  const key = JSON.stringify([options.init !== false, options.config ?? null, options.remote !== false]);
  let template = templates.get(key);
  if (!template) {
    template = repoTemplate((t) => buildGuarded(t, options));
    templates.set(key, template);
  }
  const repo = template.copy() as Guarded;
  repo.run = (args, opts = {}) => repo.gitResult(args, opts);
  repo.rev = (ref, opts = {}) => {
    const r = repo.gitResult(['rev-parse', '-q', '--verify', ref], opts);
    return r.code === 0 ? r.stdout.trim() : null;
  };
  repo.journal = () => {
    const file = path.join(repo.dir, '.git', 'guard', 'journal.jsonl');
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  repo.remote = path.join(repo.base, 'remote.git');
  return repo;
}

function buildGuarded(repo: TestRepo, options: { init?: boolean; config?: string; remote?: boolean }): void {
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log(1);\n');
  repo.write('migrations/001_init.sql', 'create table t (id int);\n');
  repo.write('.github/workflows/ci.yml', 'name: ci\n');
  if (options.config !== undefined) repo.write('.guard.yaml', options.config);
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'base']);
  const remote = path.join(repo.base, 'remote.git');
  if (options.remote !== false) {
    repo.git(['init', '-q', '--bare', '-b', 'main', remote]);
    repo.git(['remote', 'add', 'origin', remote]);
  }
  if (options.init !== false) {
    const r = repo.guard(['init', '--yes', '--agents', 'none']);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    if (options.config === undefined) {
      repo.git(['add', '.guard.yaml']);
      repo.git(['commit', '-q', '-m', 'guard policy']);
    }
  }
  if (options.remote !== false) repo.git(['push', '-q', 'origin', 'main']);
}

/** Commits a change to one file. */
export function commitFile(repo: TestRepo, file: string, content: string, message = `change ${file}`, env?: Record<string, string>): RunResult {
  repo.write(file, content);
  repo.git(['add', '--', file]);
  return repo.gitResult(['commit', '-q', '-m', message], { env });
}

/** The remote's value of a ref, or null. */
export function remoteRev(repo: Guarded, ref: string): string | null {
  const r = repo.gitResult(['--git-dir', repo.remote, 'rev-parse', '-q', '--verify', ref]);
  return r.code === 0 ? r.stdout.trim() : null;
}

/**
 * Every file in a directory (recursively) with mode, kind and content, for byte-exact comparisons.
 * `skip` leaves out an entry and what is under it (such as .git, where a running watcher writes).
 */
export function dirState(dir: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const walk = (sub: string): void => {
    for (const name of fs.readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      if (skip(rel)) continue;
      const full = path.join(dir, rel);
      const stat = fs.lstatSync(full);
      if (stat.isSymbolicLink()) out[rel] = `symlink ${(stat.mode & 0o7777).toString(8)} -> ${fs.readlinkSync(full)}`;
      else if (stat.isDirectory()) {
        out[rel] = `dir ${(stat.mode & 0o7777).toString(8)}`;
        walk(rel);
      } else out[rel] = `file ${(stat.mode & 0o7777).toString(8)} ${fs.readFileSync(full).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

/**
 * The tips the keep chain (refs/guard/keep/head) holds: every keep commit's parents but the
 * chain's own links (the chain: commits whose message starts "guard keep"). Empty without a chain.
 */
export function keptTips(repo: Guarded): string[] {
  const log = repo.run(['log', '--first-parent', '--format=%H %P%x01%s', 'refs/guard/keep/head']);
  if (log.code !== 0) return [];
  const lines = log.stdout.split('\n').filter(Boolean).map((line) => line.split('\x01')).filter(([, subject]) => subject!.startsWith('guard keep')).map(([ids]) => ids!.split(' '));
  const chain = lines.map((l) => l[0]);
  return lines.flatMap((l) => l.slice(1)).filter((p) => !chain.includes(p));
}
