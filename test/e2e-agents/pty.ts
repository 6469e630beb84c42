/**
 * Runs an agent's interactive CLI under a pseudo-terminal (util-linux `script`), for the tests of
 * workspace trust: interactive sessions are where the agents ask for trust, and their headless
 * modes often skip it. The session is ended (its whole process group killed) as soon as the
 * caller has seen enough, so a case costs seconds. GUARD_PTY_RAW=<file> appends the raw output
 * there (to see which terminal query a TUI waits for).
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { processesWithHomeUnder, stopWatchers, type TestRepo } from '../helpers/git-repo.js';
import { fileTemplate } from '../helpers/repo-template.js';

/**
 * What a terminal answers to the queries TUIs send at startup (cursor position, device
 * attributes, mode reports, colours); some wait for the answer before drawing anything.
 */
function answers(raw: string): string {
  let out = '';
  for (const m of raw.matchAll(/\x1b\[(\??)(\d*)(\$p|n|c)|\x1b\](1[01]);\?(\x07|\x1b\\)/g)) {
    if (m[4]) out += `\x1b]${m[4]};rgb:${m[4] === '10' ? 'ffff/ffff/ffff' : '0000/0000/0000'}\x1b\\`;
    else if (m[3] === '$p') out += `\x1b[${m[1]}${m[2]};2$y`;
    else if (m[3] === 'n' && m[2] === '6') out += '\x1b[1;1R';
    else if (m[3] === 'n' && m[2] === '5') out += '\x1b[0n';
    else if (m[3] === 'c' && m[1] === '' && (m[2] === '' || m[2] === '0')) out += '\x1b[?62;22c';
  }
  if (raw.includes('\x1b[>0q')) out += '\x1bP>|xterm(390)\x1b\\';
  if (raw.includes('\x1b[14t')) out += '\x1b[4;1000;2000t';
  if (raw.includes('\x1b]4;0;?')) out += '\x1b]4;0;rgb:0000/0000/0000\x1b\\';
  return out;
}

/** Why a pty cannot be had here, or null. */
export const noPty: string | null =
  process.platform === 'linux' && spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0 ? null : 'util-linux `script` (a pseudo-terminal) is not installed';

/**
 * Runs `command` (a shell command line) under a pty until `done(screen)` holds or `ms` pass;
 * the pty is 50 rows by 200 columns (left at 0 by 0, some TUIs draw nothing). Returns the screen text without escape sequences and without white space (TUIs move the cursor
 * instead of printing spaces). `keys` are typed in order, each once `when(screen)` holds.
 */
export function underPty(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  done: (screen: string) => boolean,
  ms: number,
  keys: Array<{ when: (screen: string) => boolean; send: string }> = [],
): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn('script', ['-qfec', `stty rows 50 cols 200; ${command}`, '/dev/null'], { cwd, env: { ...env, PWD: cwd }, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let screen = '';
    let pending = [...keys];
    let typing = false;
    const stop = (): void => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    function onData(chunk: Buffer): void {
      if (process.env.GUARD_PTY_RAW) appendFileSync(process.env.GUARD_PTY_RAW, chunk);
      const replies = answers(chunk.toString('latin1'));
      if (replies) child.stdin.write(replies);
      screen += chunk.toString('utf8').replace(/\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b\[[0-9;?<>=]*[a-zA-Z~]|\x1b[=>()][0-9A-Za-z]?/g, '').replace(/\s+/g, '');
      if (!typing && pending.length > 0 && pending[0]!.when(screen)) {
        // One key at a time, a moment apart: a TUI reads a burst as pasted text.
        typing = true;
        setTimeout(() => {
          child.stdin.write(pending[0]!.send);
          pending = pending.slice(1);
          typing = false;
          onData(Buffer.alloc(0));
        }, 400);
      }
      if (done(screen)) stop();
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(stop, ms);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(screen);
    });
  });
}

/**
 * Ends every process the killed session left behind (shells an agent started in their own
 * session, hooks, a watcher a hook started), until none with the test's HOME shows up twice in a
 * row: one still starting would otherwise write into the test's directory while it is removed.
 */
export async function settle(base: string): Promise<void> {
  let quiet = 0;
  for (let round = 0; round < 50 && quiet < 2; round++) {
    stopWatchers(base);
    quiet = processesWithHomeUnder(base).length === 0 ? quiet + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The repository every trust case starts from: one commit, guard set up for `agent`, and with
 * `linked` a linked worktree (guard's files committed first, so it has them too). Returns the
 * directory the agent is started in and a reader of guard's journal (one for all worktrees, in
 * the common git dir), where hooks that ran leave their lines.
 */
export function trustRepo(t: TestRepo, agent: string, linked: boolean, extraFiles: Record<string, string> = {}): { dir: string; journal: () => string } {
  t.write('a.txt', 'committed\n');
  for (const [file, content] of Object.entries(extraFiles)) t.write(file, content);
  t.git(['add', '.']);
  t.git(['commit', '-q', '-m', 'base']);
  const init = t.guard(['init', '--yes', '--agents', agent]);
  if (init.code !== 0) throw new Error(`guard init failed: ${init.stderr}`);
  if (linked) {
    t.git(['add', '-A']);
    t.git(['commit', '-q', '-m', 'guard']);
    t.git(['worktree', 'add', '-q', path.join(t.base, 'wt')]);
  }
  return trustRepoAt(t, linked);
}

/**
 * trustRepo's two repositories for `agent` (the main checkout, and with a linked worktree), each
 * built once per file and copied for each case (repo-template.ts; issue 8: a `guard init` per
 * case was some 2.5 s of CPU): a case gets the directory, HOME and processes of its own copy, as
 * trustRepo would have given it. Call it inside the file's describe, whose skip its hooks follow.
 */
export function trustRepos(agent: string, extraFiles: Record<string, string> = {}): <T>(linked: boolean, fn: (t: TestRepo, repo: { dir: string; journal: () => string }) => Promise<T>) => Promise<T> {
  const templates = [false, true].map((linked) => fileTemplate((t) => void trustRepo(t, agent, linked, extraFiles)));
  return (linked, fn) => templates[linked ? 1 : 0]!.withCopy((t) => fn(t, trustRepoAt(t, linked)));
}

/** The directory and journal reader of a repository trustRepo built (or a copy of one). */
function trustRepoAt(t: TestRepo, linked: boolean): { dir: string; journal: () => string } {
  const file = path.join(t.dir, '.git', 'guard', 'journal.jsonl');
  return { dir: linked ? path.join(t.base, 'wt') : t.dir, journal: () => (existsSync(file) ? readFileSync(file, 'utf8') : '') };
}
