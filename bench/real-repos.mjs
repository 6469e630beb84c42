// Issue 8 benchmarks: repositories shaped like real ones (many tags, most annotated; many
// branches; tens of thousands of files), where any cost per ref or per tag shows at once.
//  - a generated repository: 20k files, 1,000 tags (600 annotated), 150 branches;
//  - working clones of real public projects (vite, babel, express), made from bare mirrors on
//    this machine (GUARD_BENCH_MIRRORS, default /work/.mirror/<owner>+<name>/repo); a project
//    whose mirror is absent is skipped with a line saying how to get it. The clones live in
//    bench/.work (gitignored), never in the package or in git.
// Rows, each a ratio against plain git timed in the same run, on the same repository:
//  - `guard snapshot` after a commit (without a watcher, and with one running, which then takes
//    the snapshot), and a session start (the agent hook, through its sh shim as Claude Code runs
//    it: hooks/agent-hook.sh) after `git branch`, vs `git status`
//    (target <= 1.5x);
//  - the watcher's first scan (`guard watch` returns once it is ready: every watch in place, its
//    start-up snapshot may still run) vs `git status` (<= 2x);
//  - the agent hook (pre-tool) on `rm -rf` of an ignored directory that is not regenerable output
//    (20 files, ignored through .git/info/exclude), in a session, with the watcher running: it
//    takes the snapshot with those files captured (serve.ts) vs `git status`;
//  - `guard recover --into` after the directory was deleted vs `git clone --mirror` of the
//    backup (<= 3x);
//  - `guard init` vs `git status` plus the backup's first copy (a push of every ref into a fresh
//    bare repository) (<= 5x).
// Usage: npm run bench -- real-repos [--quick]   (--quick: the generated repo and express, 1 round)
import fs from 'node:fs';
import path from 'node:path';
import { benchEnv, git, GUARD, median, ROOT, run as exec, time, WORK } from './lib.mjs';

const MIRRORS = process.env.GUARD_BENCH_MIRRORS ?? '/work/.mirror';
const PROJECTS = [
  { name: 'express', repo: 'expressjs/express' },
  { name: 'vite', repo: 'vitejs/vite' },
  { name: 'babel', repo: 'babel/babel' },
];

/**
 * Stops the worktree's watcher; one still busy (its first backup push copies the whole history)
 * past `guard watch stop`'s wait is ended with its process group, so the next step starts clean.
 */
export function stopWatcher(dir) {
  exec(process.execPath, [GUARD, 'watch', 'stop'], { cwd: dir, allowFail: true });
  let pid = 0;
  try {
    pid = Number(fs.readFileSync(path.join(dir, '.git', 'guard', 'watcher.pid'), 'utf8').trim());
  } catch {
    return;
  }
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      break;
    } catch {
      // gone already
    }
  }
}

function guard(dir, args, options = {}) {
  return time(process.execPath, [GUARD, ...args], { cwd: dir, ...options });
}

/** The fast-import stream of the generated repository (one process writes it all). */
function generatedStream({ files, tags, annotated, branches }) {
  const out = [];
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}\n`;
  const when = '1767225600 +0000';
  out.push(`commit refs/heads/main\nmark :1\ncommitter bench <bench@example.com> ${when}\n`, data(`generated ${files} files`));
  for (let i = 0; i < files; i++) out.push(`M 100644 inline d${Math.floor(i / 10000)}/s${Math.floor(i / 100) % 100}/f${i}.txt\n`, data(`file ${i}\n${'x'.repeat(i % 200)}\n`));
  const commits = Math.max(tags, branches);
  for (let c = 0; c < commits; c++) {
    out.push(`commit refs/heads/main\nmark :${c + 2}\ncommitter bench <bench@example.com> ${when}\n`, data(`step ${c}`));
    out.push('M 100644 inline history.txt\n', data(`step ${c}\n`));
  }
  for (let t = 0; t < tags; t++) {
    if (t < annotated) out.push(`tag v${t}\nfrom :${t + 2}\ntagger bench <bench@example.com> ${when}\n`, data(`release ${t}`));
    else out.push(`reset refs/tags/light-${t}\nfrom :${t + 2}\n\n`);
  }
  for (let b = 0; b < branches; b++) out.push(`reset refs/heads/branch-${b}\nfrom :${b + 2}\n\n`);
  return `${out.join('')}done\n`;
}

function generated(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  exec('git', ['fast-import', '--quiet', '--done'], { cwd: dir, input: generatedStream({ files: 20000, tags: 1000, annotated: 600, branches: 150 }) });
  git(dir, 'read-tree', '-u', '--reset', 'main');
  // As a clone leaves them (fast-import writes one file per ref).
  git(dir, 'pack-refs', '--all');
}

/** A working clone of a project's mirror: its branches (as local branches) and tags. */
export function cloneProject(mirror, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  exec('git', ['clone', '--quiet', '--no-tags', mirror, dir]);
  // Tags and every branch of the project, as a developer's clone after some work would have.
  git(dir, 'fetch', '--quiet', mirror, '+refs/tags/*:refs/tags/*', '+refs/heads/*:refs/remotes/origin/*');
  const branches = git(dir, 'for-each-ref', '--format=create refs/heads/%(refname:lstrip=3) %(objectname)', 'refs/remotes/origin').split('\n').filter((l) => l && !/ refs\/heads\/(HEAD|main|master) /.test(l));
  exec('git', ['update-ref', '--stdin'], { cwd: dir, input: `${branches.join('\n')}\n` });
}

function shape(dir) {
  const refs = git(dir, 'for-each-ref', '--format=%(objecttype) %(refname)', 'refs/heads', 'refs/tags').split('\n').filter(Boolean);
  const tags = refs.filter((r) => r.includes(' refs/tags/'));
  const files = git(dir, 'ls-files', '-z').split('\0').filter(Boolean).length;
  return `${files} files, ${tags.length} tags (${tags.filter((t) => t.startsWith('tag ')).length} annotated), ${refs.length - tags.length} branches`;
}

function row(rows, name, guardMs, gitMs, baseline, target) {
  rows.push({ name, guard: guardMs, git: gitMs, baseline, ratio: guardMs / gitMs, target });
}

function measure(name, dir, rounds, rows) {
  const env = benchEnv();
  const statusTimes = () => time('git', ['status'], { cwd: dir });
  git(dir, 'config', 'gc.auto', '0');
  git(dir, 'config', 'maintenance.auto', 'false');
  git(dir, 'status'); // a fresh, stat-valid index, as a working clone has

  // guard init vs git status + the backup's first copy (every ref pushed into a fresh bare repo).
  const statusBefore = statusTimes();
  const firstCopy = path.join(WORK, `real-${name}-firstcopy.git`);
  fs.rmSync(firstCopy, { recursive: true, force: true });
  git(WORK, 'init', '-q', '--bare', firstCopy);
  const started = process.hrtime.bigint();
  const pushed = exec('git', ['push', '--quiet', firstCopy, 'refs/heads/*:refs/heads/*', 'refs/tags/*:refs/tags/*'], { cwd: dir, allowFail: true });
  // A mirror made as a partial clone may miss old objects: then no copy of the whole history (a
  // backup) can be made from it, and the rows that need one are left out.
  const partial = pushed.status !== 0;
  const copy = partial ? null : Number(process.hrtime.bigint() - started) / 1e6;
  fs.rmSync(firstCopy, { recursive: true, force: true });
  const init = guard(dir, ['init', '--yes', '--agents', 'none']);
  if (copy !== null) row(rows, `${name}: guard init`, init, statusBefore + copy, 'git status + first copy', 5);
  else row(rows, `${name}: guard init (no first copy: the mirror misses objects)`, init, statusBefore, 'git status');

  const status = [];
  const snapshot = [];
  const session = [];
  const watcher = [];
  const served = [];
  const hook = [];
  // Ignored local data an agent's `rm -rf` would delete: guard captures it into the snapshot first.
  fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), '\nbench-local/\n');
  for (let i = 0; i < 20; i++) {
    fs.mkdirSync(path.join(dir, 'bench-local', `d${i % 4}`), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bench-local', `d${i % 4}`, `f${i}.txt`), `local data ${i}\n`.repeat(50));
  }
  for (let round = 0; round < rounds; round++) {
    fs.appendFileSync(path.join(dir, 'bench-change.txt'), `round ${round}\n`);
    git(dir, 'add', 'bench-change.txt');
    exec('git', ['commit', '-q', '-m', `bench round ${round}`], { cwd: dir, env });
    status.push(statusTimes());
    snapshot.push(guard(dir, ['snapshot', '--quiet']));

    git(dir, 'branch', `bench-branch-${round}`);
    status.push(statusTimes());
    const payload = JSON.stringify({ session_id: `bench-${Date.now()}-${round}`, cwd: dir, hook_event_name: 'SessionStart', source: 'startup' });
    // Through the agent hook's shim, as Claude Code runs it (it starts the watcher itself).
    session.push(time('sh', [path.join(ROOT, 'hooks', 'agent-hook.sh'), 'claude', 'session-start'], { cwd: dir, input: payload }));
    stopWatcher(dir);
    exec(process.execPath, [GUARD, 'session', 'end'], { cwd: dir, allowFail: true });

    status.push(statusTimes());
    watcher.push(guard(dir, ['watch']));

    // The same snapshot after a commit while that watcher runs: it takes the snapshot (serve.ts).
    fs.appendFileSync(path.join(dir, 'bench-change.txt'), `round ${round} watched\n`);
    git(dir, 'add', 'bench-change.txt');
    exec('git', ['commit', '-q', '-m', `bench round ${round} watched`], { cwd: dir, env });
    status.push(statusTimes());
    served.push(guard(dir, ['snapshot', '--quiet']));

    // The agent hook before `rm -rf bench-local`, in a session, after an edit: that watcher takes
    // the snapshot, reading the captured ignored files.
    const agentSession = `bench-hook-${Date.now()}-${round}`;
    exec(process.execPath, [GUARD, 'agent-hook', 'claude', 'session-start'], { cwd: dir, input: JSON.stringify({ session_id: agentSession, cwd: dir, hook_event_name: 'SessionStart', source: 'startup' }) });
    fs.appendFileSync(path.join(dir, 'bench-change.txt'), `round ${round} before rm\n`);
    status.push(statusTimes());
    const preTool = JSON.stringify({ session_id: agentSession, cwd: dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf bench-local' } });
    const hookStart = process.hrtime.bigint();
    // Through the shim as well, as Claude Code runs it.
    const answer = exec('sh', [path.join(ROOT, 'hooks', 'agent-hook.sh'), 'claude', 'pre-tool'], { cwd: dir, input: preTool });
    hook.push(Number(process.hrtime.bigint() - hookStart) / 1e6);
    if (/"permissionDecision":"(deny|ask)"/.test(answer.stdout)) throw new Error(`the hook did not allow rm -rf bench-local: ${answer.stdout}`);
    exec(process.execPath, [GUARD, 'session', 'end'], { cwd: dir, allowFail: true });
    stopWatcher(dir);
  }
  const gitStatus = median(status);
  row(rows, `${name}: snapshot after a commit`, median(snapshot), gitStatus, 'git status', 1.5);
  row(rows, `${name}: session start after a branch (watcher ready)`, median(session), gitStatus, 'git status', 1.5);
  row(rows, `${name}: watcher first scan (guard watch until ready)`, median(watcher), gitStatus, 'git status', 2);
  row(rows, `${name}: snapshot after a commit, watcher running`, median(served), gitStatus, 'git status', 1.5);
  row(rows, `${name}: agent hook before rm -rf of ignored files it captures, watcher running`, median(hook), gitStatus, 'git status');

  if (partial) {
    console.log(`${name}: recover rows skipped: the mirror is a partial clone that misses objects of its history, so no backup can hold it whole (a full \`git clone --mirror\` gives them)`);
    return;
  }
  // recover --into after the directory was deleted vs a mirror clone of the same backup.
  exec(process.execPath, [GUARD, 'snapshot', '--quiet'], { cwd: dir });
  exec(process.execPath, [GUARD, 'backup', 'push', '--local-only'], { cwd: dir });
  const backup = JSON.parse(exec(process.execPath, [GUARD, 'backup', 'status', '--json'], { cwd: dir }).stdout).path;
  const tree = git(dir, 'rev-parse', 'refs/guard/main/head^{tree}').trim();
  // The directory is deleted first, and the baseline's own checkout is deleted before recover
  // runs, so each timed step follows the deletion of a whole tree: on a file system mounted with
  // `discard` (this machine), creating files right after a mass delete is several times slower
  // (measured: 20k files in 0.8 s on a fresh disk, 6-16 s right after deleting 20k), and a
  // baseline timed on a quiet disk against a recover timed after the delete measured that, not guard.
  fs.rmSync(dir, { recursive: true, force: true });
  const mirror = path.join(WORK, `real-${name}-mirror.git`);
  fs.rmSync(mirror, { recursive: true, force: true });
  const clone = time('git', ['clone', '--quiet', '--mirror', backup, mirror]);
  // ... plus a checkout of the snapshot's tree into an empty directory: what recover also does.
  const checkoutDir = path.join(WORK, `real-${name}-checkout`);
  fs.rmSync(checkoutDir, { recursive: true, force: true });
  fs.mkdirSync(checkoutDir);
  const checkout = time('git', ['--git-dir', mirror, '--work-tree', checkoutDir, 'read-tree', '-u', '--reset', tree], { env: benchEnv({ GIT_INDEX_FILE: path.join(WORK, `real-${name}-checkout.index`) }) });
  for (const leftover of [mirror, checkoutDir, path.join(WORK, `real-${name}-checkout.index`)]) fs.rmSync(leftover, { recursive: true, force: true });
  const recover = time(process.execPath, [GUARD, 'recover', '--into', dir, '--yes'], { cwd: WORK });
  row(rows, `${name}: recover --into a deleted directory`, recover, clone, 'git clone --mirror of backup', 3);
  row(rows, `${name}: recover --into, against clone + checkout`, recover, clone + checkout, 'clone --mirror + checkout');
  stopWatcher(dir);
}

export async function run({ quick = false, rounds } = {}) {
  const rows = [];
  const n = rounds ?? (quick ? 1 : 3);
  fs.mkdirSync(WORK, { recursive: true });
  // Backups of earlier runs of the same paths would hold other chains: start from none.
  fs.rmSync(path.join(benchEnv().XDG_DATA_HOME, 'git-guard'), { recursive: true, force: true });
  const repos = [{ name: 'generated', make: (dir) => generated(dir) }];
  for (const project of quick ? PROJECTS.slice(0, 1) : PROJECTS) {
    const mirror = path.join(MIRRORS, `${project.repo.replace('/', '+')}`, 'repo');
    if (!fs.existsSync(path.join(mirror, 'HEAD'))) {
      console.log(`${project.name}: skipped, no mirror at ${mirror} (make one with: git clone --mirror https://github.com/${project.repo} ${mirror}, or set GUARD_BENCH_MIRRORS)`);
      continue;
    }
    repos.push({ name: project.name, make: (dir) => cloneProject(mirror, dir) });
  }
  for (const repo of repos) {
    const dir = path.join(WORK, `real-${repo.name}`);
    try {
      repo.make(dir);
      console.log(`${repo.name}: ${shape(dir)}`);
      measure(repo.name, dir, n, rows);
    } catch (error) {
      // One project failing must not lose the rows of the others.
      console.log(`${repo.name}: failed: ${String(error.message).split('\n').slice(0, 3).join(' / ')}`);
    } finally {
      if (fs.existsSync(path.join(dir, '.git'))) stopWatcher(dir);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
    }
  }
  return rows;
}
