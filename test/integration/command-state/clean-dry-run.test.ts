/**
 * What guard captures before a `git clean` is exactly the ignored files that clean deletes (not
 * regenerable output): git's own dry run (`git clean -n` with the same -d, -x/-X, -e and
 * pathspecs, src/git/clean-dry-run.ts) chooses them. Before, every ignored file in the clean's
 * scope was captured: `git clean -fdx -e .env` captured the .env it keeps, `git clean -fdx` the
 * ignored files of a nested repository it skips, and over the capture bound such a clean was
 * refused for files it never touches.
 *
 * Each case runs on a fresh copy of one fixture (nested and ignored directories, nested
 * repositories, a directory holding ignored and untracked files, names with a newline, a quote,
 * non-UTF-8 bytes): guard's capture set, then the real `git clean`, then what left the disk,
 * compared as git's bytes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../../src/cli/command-state.js';
import { readPolicy } from '../../../src/config/compile.js';
import { isRegenerable } from '../../../src/git/path-facts.js';
import { openRepo } from '../../../src/git/repo.js';
import { DEFAULT_REGENERABLE } from '../../../src/policy/schema.js';
import { traceEnv, countGitProcesses } from '../../helpers/git-trace.js';
import { createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const B = (s: string): Buffer => Buffer.from(s, 'latin1');

/** The fixture: names are latin1 strings of git's bytes. */
function build(t: TestRepo): void {
  t.write('.gitignore', '*.log\n.env\nnode_modules/\nlocal/\nign/\n/top-only\n');
  t.write('src/keep/t.c', 'tracked\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  const files = [
    '.env', 'x.log', 'top-only', 'src/y.log', 'src/.env', 'src/top-only', 'src/gen/g.c', 'src/gen/g.log', 'src/keep/new.c',
    'untr/deep/f', 'untr/z.log', 'local/a', 'local/sub/b', 'local/keep.txt', 'node_modules/p/i.js', 'node_modules/p/.env',
    'nl\nname.log', 'bad\xff.log', 'quo"te.log', 'sp ace.log', 'back\\slash.log', '\xc3\xa9.log', 'dir\xff/x.log', 'dir\xff/y', 'ign/o', 'untracked.txt',
  ];
  for (const file of files) {
    const parent = path.posix.dirname(file);
    if (parent !== '.') fs.mkdirSync(Buffer.concat([B(`${t.dir}/`), B(parent)]), { recursive: true });
    fs.writeFileSync(Buffer.concat([B(`${t.dir}/`), B(file)]), `${file}\n`);
  }
  fs.mkdirSync(path.join(t.dir, 'emptydir', 'e2'), { recursive: true });
  // Nested repositories: one untracked, one in an ignored directory; `git clean -f` skips both.
  for (const repo of ['nested', 'ign/repo']) {
    t.git(['init', '-q', repo]);
    t.write(`${repo}/inner.log`, 'inner\n');
    t.write(`${repo}/.env`, 'inner\n');
  }
}

/** Every file under dir (not in a `.git`), root-relative latin1. */
function filesUnder(dir: Buffer, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })) {
    const name = entry.name.toString('latin1');
    if (name === '.git') continue;
    const full = Buffer.concat([dir, B('/'), entry.name]);
    if (entry.isDirectory()) out.push(...filesUnder(full, `${rel}${name}/`));
    else out.push(`${rel}${name}`);
  }
  return out;
}

let fixture: TestRepo;
let copies: string;
beforeAll(() => {
  fixture = createTestRepo();
  build(fixture);
  copies = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-clean-copies-'));
});
afterAll(() => {
  fixture.cleanup();
  fs.rmSync(copies, { recursive: true, force: true });
});

let n = 0;
function copy(): string {
  const dir = path.join(copies, `c${n++}`);
  const r = spawnSync('cp', ['-a', fixture.dir, dir]);
  expect(r.status, r.stderr?.toString()).toBe(0);
  return dir;
}

async function judged(dir: string, cwd: string, command: string) {
  const repo = await openRepo(dir);
  const policy = await readPolicy(repo);
  return evaluateCommand(command, { cwd, repo, policy, actor: { kind: 'agent', agent: 'test', marker: null }, home: fixture.home });
}

/** guard's capture for COMMAND run in SUB, and the ignored, non-regenerable files the real command deleted. */
async function captureAgainstClean(sub: string, command: string): Promise<{ verdict: string; captured: string[]; deleted: string[] }> {
  const dir = copy();
  const cwd = path.join(dir, sub);
  const v = await judged(dir, cwd, command);
  const ignored = new Set(spawnSync('git', ['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: dir, env: fixture.env }).stdout.toString('latin1').split('\0'));
  const before = filesUnder(B(dir));
  const r = spawnSync('bash', ['-c', command], { cwd, env: fixture.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  const after = new Set(filesUnder(B(dir)));
  const deleted = before.filter((f) => !after.has(f) && ignored.has(f) && !isRegenerable(f, DEFAULT_REGENERABLE));
  return { verdict: v.verdict, captured: [...v.capture].sort(), deleted: deleted.sort() };
}

const CASES: Array<[sub: string, command: string]> = [
  ['.', 'git clean -fdx'],
  ['.', 'git clean -fdx -e .env'],
  ['.', 'git clean -fdx -e local/sub/'],
  ['.', "git clean -fdx -e 'src/*.log' -e '*.env'"],
  ['.', 'git clean -fdx -- local/'],
  ['.', 'git clean -fdx -- build/ untr'],
  ['.', 'git clean -fX -- src/'],
  ['.', 'git clean -fX'],
  ['.', 'git clean -fdX'],
  ['.', 'git clean -fx'],
  ['.', "git clean -fdX -e 'untr/'"],
  ['.', "git clean -fd -e '!.env' -e '!local/'"],
  ['.', "git clean -fdx -- $'dir\\xff'"],
  ['.', "git clean -fdx -e $'bad\\xff.log' -e $'nl\\nname.log'"],
  ['src', 'git clean -fdx'],
  ['src', 'git clean -fdx -e .env -- ../local ../x.log .'],
  ['src', 'git clean -fX'],
  ['untr', 'git clean -fdx'],
];

describe('git clean: the capture set is what git clean deletes', () => {
  it.each(CASES)('in %s: %s', async (sub, command) => {
    const { verdict, captured, deleted } = await captureAgainstClean(sub, command);
    expect(verdict, command).toBe('snapshot');
    expect(captured, command).toEqual(deleted);
  });

  it('the common git clean -fdx costs a bounded number of git processes; one that deletes nothing no listing', async () => {
    const dir = copy();
    const count = async (command: string) => {
      const file = path.join(copies, `trace-${n++}`);
      const saved = { ...process.env };
      Object.assign(process.env, traceEnv(file));
      try {
        await judged(dir, dir, command);
      } finally {
        for (const key of Object.keys(traceEnv(file))) if (saved[key] === undefined) delete process.env[key];
      }
      // openRepo's rev-parse is the caller's (the hook's), not the clean's.
      const counted = countGitProcesses(file);
      argv.push(...counted.argv);
      return counted.byCommand.filter(([name]) => name !== 'rev-parse');
    };
    const argv: string[][] = [];
    // The ignored listing (which regenerable directories to leave out), the dry run, the
    // untracked listing, and the files of the ignored directories it takes (local/, dir\xff/).
    expect(Object.fromEntries(await count('git clean -fdx'))).toEqual({ 'ls-files': 3, clean: 1 });
    // Regenerable output stays out of the dry run's walk (a dry run with -d walks every directory it takes).
    expect(argv.find((a) => a.includes('clean'))).toContain(':(top,exclude,literal)node_modules');
    // A plain clean takes no ignored file: the untracked listing alone, as before.
    expect(Object.fromEntries(await count('git clean -fd'))).toEqual({ 'ls-files': 1 });
    // Nothing to delete there: the dry run says so, and nothing more is listed.
    expect(Object.fromEntries(await count('git clean -fdx -- src/keep/t.c'))).toEqual({ 'ls-files': 1, clean: 1 });
  });
});
