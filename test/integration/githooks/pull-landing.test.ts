/**
 * `git pull` wrote a teammate's committed `.env` over the ignored local one without a word (git
 * 2.39, hermetic: ff, merge and rebase pulls, and `git fetch` + `git merge`), and no snapshot
 * held ignored files. The fetch a pull runs first moves the remote-tracking ref, and git runs the
 * reference-transaction hook for it while the working tree is untouched (pull waits for its
 * fetch): the shim takes the tip FETCH_HEAD marks for merging, and where it lands on ignored files
 * on disk, `guard hook fetch-landing` captures them into a snapshot (src/githooks/fetch-landing.ts).
 * Here, with a bare upstream and a clone with guard's hooks installed: after each kind of pull,
 * the command the hook prints (`guard rollback ID --paths NAME`) gives the file's bytes and its
 * 0600 back; regenerable output (dist/) and pulls that land on nothing ignored take no snapshot
 * and start no Node; the fetch's cost does not grow with the remote-tracking refs it moves.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GUARD_BIN, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv, tracedArgv } from '../../helpers/git-trace.js';
import { loggedEvents } from '../../helpers/guard-steps.js';
import { buildTeammateClone, givesBackOnlyEnv, teammateCloneIn } from '../../helpers/teammate-clone.js';
import { fileTemplate } from '../../helpers/repo-template.js';

const SECRET = Buffer.from('SECRET=local\r\n\u00e9\u0000tail\n', 'latin1');
const THEIRS = 'SECRET=teammate\n';
const ODD = Buffer.from([0x6b, 0xff, 0x2e, 0x65, 0x6e, 0x76]); // k\377.env: not UTF-8

interface Pulled {
  t: TestRepo;
  seed: string;
  /** Runs git in the seed (the teammate's clone), `input` on its stdin. */
  seedGit(args: string[], input?: string): string;
}

/** The clone ignores .env, *.env (so k\377.env) and dist/, and has .env (0600) on disk. Built once, copied per test. */
const template = fileTemplate((t) => buildTeammateClone(t, '.env\n*.env\ndist/\n', SECRET), { init: false });

function setup(): Pulled {
  const { t, seed, seedGit } = teammateCloneIn(template.copy());
  return { t, seed, seedGit };
}

/** The teammate commits `files` with `git add -f` (ignored in their clone too) and pushes. */
function teammatePushes(p: Pulled, files: Record<string, string>, message = 'add files'): void {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(p.seed, name)), { recursive: true });
    fs.writeFileSync(path.join(p.seed, name), content);
  }
  p.seedGit(['add', '-f', '--', ...Object.keys(files)]);
  p.seedGit(['commit', '-q', '-m', message]);
  p.seedGit(['push', '-q', 'origin', 'main']);
}

function ok(t: TestRepo, args: string[], env: Record<string, string> = {}): { stderr: string; stdout: string } {
  const r = t.gitResult(args, { env });
  expect(r.code, `git ${args.join(' ')}: ${r.stderr}`).toBe(0);
  return r;
}

/** The command the hook printed to give the files back (`guard rollback ID --paths ...`). */
function giveBackCommand(stderr: string): string[] {
  const m = /to get (?:it|them) back after the merge: guard (rollback \S+ --paths .+)$/m.exec(stderr);
  expect(m, stderr).not.toBeNull();
  return m![1]!.split(' ');
}

function hookSnapshots(t: TestRepo): number {
  const r = t.guard(['list', '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as Array<{ trigger: string }>).filter((s) => s.trigger === 'hook').length;
}

function mode(t: TestRepo, name: string | Buffer): string {
  const full = typeof name === 'string' ? path.join(t.dir, name) : Buffer.concat([Buffer.from(`${t.dir}/`), name]);
  return (fs.lstatSync(full).mode & 0o777).toString(8);
}

/**
 * Each pull: what it runs, and the ref the capture names. A pull is checked once, when it is about
 * to write the tree (its merge's ORIG_HEAD, its rebase's pre-rebase), against what FETCH_HEAD marks
 * for merging; `git fetch` alone is checked at fetch time, against the remote-tracking ref it moves.
 */
const PULLS: Array<[string, (p: Pulled) => string, string]> = [
  ['git pull (fast-forward)', (p) => ok(p.t, ['pull', '-q', '--ff-only']).stderr, 'FETCH_HEAD'],
  [
    'git pull (merge)',
    (p) => {
      p.t.write('local.txt', 'local work\n');
      ok(p.t, ['add', 'local.txt']);
      ok(p.t, ['commit', '-q', '-m', 'local']);
      return ok(p.t, ['pull', '-q', '--no-rebase', '--no-edit']).stderr;
    },
    'FETCH_HEAD',
  ],
  [
    'git pull --rebase',
    (p) => {
      p.t.write('local.txt', 'local work\n');
      ok(p.t, ['add', 'local.txt']);
      ok(p.t, ['commit', '-q', '-m', 'local']);
      return ok(p.t, ['pull', '-q', '--rebase']).stderr;
    },
    'FETCH_HEAD',
  ],
  ['git fetch, then git merge origin/main', (p) => ok(p.t, ['fetch', '-q']).stderr + ok(p.t, ['merge', '-q', '--ff-only', 'origin/main']).stderr, 'refs/remotes/origin/main'],
  // FETCH_HEAD is written after --atomic's one transaction: the upstream's line is checked instead.
  ['git fetch --atomic, then git merge origin/main', (p) => ok(p.t, ['fetch', '-q', '--atomic']).stderr + ok(p.t, ['merge', '-q', '--ff-only', 'origin/main']).stderr, 'refs/remotes/origin/main'],
  ['git pull origin main (tracking branch set)', (p) => ok(p.t, ['pull', '-q', '--ff-only', 'origin', 'main']).stderr, 'FETCH_HEAD'],
  [
    'git pull origin main (no tracking branch)',
    (p) => {
      ok(p.t, ['branch', '--unset-upstream']);
      return ok(p.t, ['pull', '-q', '--ff-only', 'origin', 'main']).stderr;
    },
    'FETCH_HEAD',
  ],
  // The tip was fetched before .env was there (or in another worktree, or with hooks off): the
  // pull's own fetch moves nothing; its merge is checked all the same.
  [
    'git pull of a tip fetched earlier',
    (p) => {
      const saved = path.join(p.t.base, 'env.saved');
      fs.renameSync(path.join(p.t.dir, '.env'), saved);
      const fetched = ok(p.t, ['fetch', '-q']).stderr;
      expect(fetched).not.toContain('guard:');
      fs.renameSync(saved, path.join(p.t.dir, '.env'));
      return ok(p.t, ['pull', '-q', '--ff-only']).stderr;
    },
    'FETCH_HEAD',
  ],
  [
    'git pull --rebase of a tip fetched earlier',
    (p) => {
      p.t.write('local.txt', 'local work\n');
      ok(p.t, ['add', 'local.txt']);
      ok(p.t, ['commit', '-q', '-m', 'local']);
      const saved = path.join(p.t.base, 'env.saved');
      fs.renameSync(path.join(p.t.dir, '.env'), saved);
      ok(p.t, ['fetch', '-q']);
      fs.renameSync(saved, path.join(p.t.dir, '.env'));
      return ok(p.t, ['pull', '-q', '--rebase']).stderr;
    },
    'FETCH_HEAD',
  ],
  // From a path (a URL alike): no remote-tracking ref moves; the merge's ORIG_HEAD transaction does it.
  ['git pull <path> main (fast-forward)', (p) => ok(p.t, ['pull', '-q', '--ff-only', path.join(p.t.base, 'up.git'), 'main']).stderr, 'FETCH_HEAD'],
  [
    'git pull <path> main (merge)',
    (p) => {
      p.t.write('local.txt', 'local work\n');
      ok(p.t, ['add', 'local.txt']);
      ok(p.t, ['commit', '-q', '-m', 'local']);
      return ok(p.t, ['pull', '-q', '--no-rebase', '--no-edit', path.join(p.t.base, 'up.git'), 'main']).stderr;
    },
    'FETCH_HEAD',
  ],
  // A rebase writes the tree before its first ref transaction: pre-rebase checks it.
  [
    'git pull --rebase <path> main',
    (p) => {
      p.t.write('local.txt', 'local work\n');
      ok(p.t, ['add', 'local.txt']);
      ok(p.t, ['commit', '-q', '-m', 'local']);
      return ok(p.t, ['pull', '-q', '--rebase', path.join(p.t.base, 'up.git'), 'main']).stderr;
    },
    'FETCH_HEAD',
  ],
];

describe('a pull captures the ignored files it writes over, at fetch time', () => {
  it.each(PULLS)('%s: .env captured before the merge, the printed command gives its bytes and 0600 back', (_name, pull, ref) => {
    const p = setup();
    const { t } = p;
    try {
      teammatePushes(p, { '.env': THEIRS, 'more.txt': 'more\n' });
      const stderr = pull(p);
      // The pull went through and wrote the teammate's .env, as git does.
      expect(t.read('.env')).toBe(THEIRS);
      expect(stderr).toContain(`guard: ${ref === 'FETCH_HEAD' ? 'what git pull fetched (FETCH_HEAD)' : 'origin/main'} tracks .env, ignored and on disk here`);
      const captured = loggedEvents<{ capturedIgnored: string[]; ref: string }>(t, 'ignored-captured');
      expect(captured).toHaveLength(1);
      expect(captured[0]).toMatchObject({ capturedIgnored: ['.env'], ref });
      // Only the file: the pull's commits stay.
      givesBackOnlyEnv(t, giveBackCommand(stderr), SECRET);
    } finally {
      t.cleanup();
    }
  });

  it('a name that is not UTF-8 is captured and given back byte for byte', () => {
    const p = setup();
    const { t } = p;
    try {
      const odd = Buffer.concat([Buffer.from(`${t.dir}/`), ODD]);
      fs.writeFileSync(odd, SECRET, { mode: 0o600 });
      fs.chmodSync(odd, 0o600);
      fs.writeFileSync(Buffer.concat([Buffer.from(`${p.seed}/`), ODD]), THEIRS);
      // Node passes argv as UTF-8: the odd name is added through git's own pathspec globbing.
      p.seedGit(['add', '-f', '--', 'k*.env']);
      p.seedGit(['commit', '-q', '-m', 'odd']);
      p.seedGit(['push', '-q', 'origin', 'main']);
      const stderr = ok(t, ['pull', '-q', '--ff-only']).stderr;
      expect(fs.readFileSync(odd, 'utf8')).toBe(THEIRS);
      expect(stderr).toContain('"k\\377.env"');
      expect(stderr).toContain(`--paths '"k\\377.env"'`);
      const id = /Captured into snapshot (\S+);/.exec(stderr)![1]!;
      // The command as printed, through the shell: '"k\377.env"' is one exact name.
      const r = spawnSync('sh', ['-c', `"$0" "$1" rollback ${id} --yes --paths '"k\\377.env"'`, process.execPath, GUARD_BIN], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(fs.readFileSync(odd)).toEqual(SECRET);
      expect(mode(t, ODD)).toBe('600');
    } finally {
      t.cleanup();
    }
  });

  it("an agent's git pull: the agent hook's verdict stays allow, the fetch captures into a snapshot of the agent's session", () => {
    const p = setup();
    const { t } = p;
    try {
      const started = t.guard(['session', 'start', '--agent', 'claude']);
      expect(started.code, started.stderr).toBe(0);
      const check = t.guard(['check-command', '--json', 'git pull']);
      expect(JSON.parse(check.stdout)).toMatchObject({ verdict: 'allow' });
      teammatePushes(p, { '.env': THEIRS });
      const stderr = ok(t, ['pull', '-q', '--ff-only'], { CLAUDECODE: '1' }).stderr;
      expect(t.read('.env')).toBe(THEIRS);
      const id = /Captured into snapshot (\S+);/.exec(stderr)?.[1];
      expect(id, stderr).toBeDefined();
      const list = t.guard(['list', '--json']);
      const snap = (JSON.parse(list.stdout) as Array<{ id: string; session: string | null; agent: string | null }>).find((s) => s.id === id);
      expect(snap?.session).toMatch(/^claude-/);
      expect(snap?.agent).toBe('claude');
      // (The session's start captured `.env` too: snapshot.ignoredAtSessionStart, its own line.)
      const events = loggedEvents<{ session: string; actor: string; rule: string }>(t, 'ignored-captured').filter((e) => e.rule === 'overwrite-ignored');
      expect(events[0]).toMatchObject({ session: snap!.session, actor: 'agent' });
      const r = t.guard(['rollback', id!, '--paths', '.env', '--yes']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(mode(t, '.env')).toBe('600');
    } finally {
      t.cleanup();
    }
  });

  it('over commands.maxIgnoredCapture: no snapshot, a warning that says to move the files aside, the pull goes on', () => {
    const p = setup();
    const { t } = p;
    try {
      t.write('.guard.yaml', 'commands:\n  maxIgnoredCapture: 10\n');
      teammatePushes(p, { '.env': THEIRS });
      const before = hookSnapshots(t);
      const stderr = ok(t, ['pull', '-q', '--ff-only']).stderr;
      expect(stderr).toContain('guard: warning: merging what git pull fetched (FETCH_HEAD) writes its tracked files over the ignored .env');
      expect(stderr).toContain('move them aside');
      expect(t.read('.env')).toBe(THEIRS);
      expect(hookSnapshots(t)).toBe(before);
      expect(loggedEvents(t, 'ignored-captured')).toHaveLength(0);
      expect(loggedEvents<{ rule: string }>(t, 'warned').map((e) => e.rule)).toContain('capture-too-large');
    } finally {
      t.cleanup();
    }
  });

  it('regenerable output (dist/) and a pull landing on nothing ignored: no snapshot, no Node, one diff-tree', () => {
    const p = setup();
    const { t } = p;
    try {
      t.write('dist/app.js', 'built here\n');
      teammatePushes(p, { 'dist/app.js': 'built there\n' });
      const before = hookSnapshots(t);
      const dist = ok(t, ['pull', '-q', '--ff-only']);
      expect(dist.stderr).not.toContain('guard:');
      expect(t.read('dist/app.js')).toBe('built there\n');
      expect(hookSnapshots(t)).toBe(before);
      expect(loggedEvents(t, 'ignored-captured')).toHaveLength(0);

      // New files only: nothing on disk where they land. The hook's whole cost is one diff-tree:
      // no ls-files, and no Node (which would open the repository with git rev-parse).
      teammatePushes(p, { 'src/new.ts': 'export {};\n', 'docs/new.md': 'new\n' });
      const file = path.join(t.base, 'trace-free.json');
      ok(t, ['pull', '-q', '--ff-only'], traceEnv(file));
      const argv = tracedArgv(file);
      const sub = (name: string): number => argv.filter((a) => a.includes(name)).length;
      expect(sub('diff-tree'), JSON.stringify(argv)).toBe(1);
      expect(sub('ls-files'), JSON.stringify(argv)).toBe(0);
      expect(sub('rev-parse'), JSON.stringify(argv)).toBe(0);
      expect(hookSnapshots(t)).toBe(before);
      // Already up to date: its merge still writes ORIG_HEAD, but the tip is HEAD: no git process.
      const file3 = path.join(t.base, 'trace-up-to-date.json');
      ok(t, ['pull', '-q', '--ff-only'], traceEnv(file3));
      const argv3 = tracedArgv(file3);
      expect(argv3.filter((a) => a.includes('diff-tree')).length, JSON.stringify(argv3)).toBe(0);

      // Something untracked but not ignored in the way: git refuses the pull itself; one ls-files, no Node.
      teammatePushes(p, { 'notes.txt': 'theirs\n' });
      t.write('notes.txt', 'mine\n');
      const file2 = path.join(t.base, 'trace-untracked.json');
      const refused = t.gitResult(['pull', '-q', '--ff-only'], { env: traceEnv(file2) });
      expect(refused.code).not.toBe(0);
      expect(t.read('notes.txt')).toBe('mine\n');
      const argv2 = tracedArgv(file2);
      expect(argv2.filter((a) => a.includes('ls-files')).length, JSON.stringify(argv2)).toBe(1);
      expect(argv2.filter((a) => a.includes('rev-parse')).length, JSON.stringify(argv2)).toBe(0);
      expect(hookSnapshots(t)).toBe(before);
    } finally {
      t.cleanup();
    }
  });

  it('an unborn HEAD (git checkout --orphan): the fetch compares with nothing, so every file of the tip counts; .env comes back', () => {
    const p = setup();
    const { t } = p;
    try {
      // An orphan branch with nothing on disk but the ignored .env (ignored by info/exclude).
      ok(t, ['checkout', '-q', '--orphan', 'fresh']);
      ok(t, ['rm', '-rq', '--cached', '.']);
      fs.rmSync(path.join(t.dir, 'app.txt'));
      fs.rmSync(path.join(t.dir, '.gitignore'));
      fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), '.env\n');
      teammatePushes(p, { '.env': THEIRS });
      // The fetch (FETCH_HEAD marks main, named) captures it.
      const fetched = ok(t, ['fetch', '-q', 'origin', 'main']).stderr;
      expect(fetched).toContain('guard: origin/main tracks .env');
      ok(t, ['merge', '-q', 'origin/main']);
      expect(t.read('.env')).toBe(THEIRS);
      const r = t.guard([...giveBackCommand(fetched), '--yes']);
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);
      expect(mode(t, '.env')).toBe('600');
    } finally {
      t.cleanup();
    }
  });

  it('a fetch moving 150 remote-tracking refs checks one tip; a commit pays nothing', () => {
    const p = setup();
    const { t } = p;
    try {
      const branches = Array.from({ length: 150 }, (_, i) => `b${i}`);
      // The refs in one git process each way (update-ref --stdin, fast-import), not 300: the fetch is what is counted.
      p.seedGit(['update-ref', '--stdin'], branches.map((b) => `create refs/heads/${b} main\n`).join(''));
      p.seedGit(['push', '-q', 'origin', ...branches]);
      ok(t, ['fetch', '-q']);
      // Every branch and main move; main's new tip brings .env, and so does every branch's.
      teammatePushes(p, { '.env': THEIRS });
      // Each branch to a commit of its own: 150 different tips, of which FETCH_HEAD marks main's for merging.
      const main = p.seedGit(['rev-parse', 'main']).trim();
      p.seedGit(['fast-import', '--quiet', '--force'], branches.map((b) => `commit refs/heads/${b}\ncommitter Test Committer <committer@example.com> 1700000000 +0000\ndata ${b.length + 1}\n${b}\n\nfrom ${main}\n\n`).join(''));
      p.seedGit(['push', '-q', '-f', 'origin', ...branches]);
      const file = path.join(t.base, 'trace-fetch.json');
      const fetched = ok(t, ['fetch', '-q'], traceEnv(file));
      // One tip checked: the shim's diff-tree, and Node's exact query (tree-landing.ts) for it.
      const argv = tracedArgv(file);
      const landing = argv.filter((a) => a.includes('diff-tree') && a.includes('--diff-filter=AT'));
      expect(landing.length, `diff-trees HEAD -> a tip: ${landing.length}`).toBe(2);
      expect(fetched.stderr).toContain('guard: origin/main tracks .env');
      expect(loggedEvents(t, 'ignored-captured')).toHaveLength(1);
      // The working tree is untouched by a fetch; the merge would write over .env, and the snapshot holds it.
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(SECRET);

      // A commit (no refs/remotes/ line): no git process for this at all.
      t.write('local.txt', 'x\n');
      ok(t, ['add', 'local.txt']);
      const file2 = path.join(t.base, 'trace-commit.json');
      ok(t, ['commit', '-q', '-m', 'local'], traceEnv(file2));
      const count = countGitProcesses(file2);
      expect(count.byCommand.map(([name]) => name)).not.toContain('diff-tree');
    } finally {
      t.cleanup();
    }
  });
});
