/**
 * guard's messages for the person where the agent's non-interactive mode shows no hook output
 * (`codex exec`, `copilot -p`; AgentIntegration.headlessOutput): appended to the stderr of the
 * agent's own process, found among the hook's ancestors, which is where that mode prints its
 * transcript (Codex) or where a person running it reads diagnostics (Copilot). The hook's own
 * stdout and stderr are read by the agent and not shown; Codex runs hooks without a controlling
 * terminal, so /dev/tty is no way either. Only when that stderr is a terminal or a pipe; Linux
 * only (/proc). Elsewhere, and whenever anything is unclear (no such ancestor, an interactive
 * run, a file or a socket, no access), it says nothing: the session and what guard did stay in
 * `guard log` / `guard session list`.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AgentIntegration } from '../agents/types.js';

/** How far up the process tree the agent is looked for (agent, sh -c, the launcher's sh, node). */
const MAX_DEPTH = 8;

interface ProcessInfo {
  ppid: number;
  argv: string[];
}

function processInfo(pid: number): ProcessInfo | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (argv[argv.length - 1] === '') argv.pop();
    return Number.isInteger(ppid) ? { ppid, argv } : null;
  } catch {
    return null;
  }
}

/** A program name as the process shows it: `codex`, or `node .../codex.js` (an npm wrapper). */
function programOf(argv: string[], programs: string[]): boolean {
  const names = argv.slice(0, 2).map((a) => path.basename(a).replace(/\.(c|m)?js$/, ''));
  return names.some((n) => programs.includes(n));
}

/** The pid of the agent's process running non-interactively, or null. */
export function headlessAgentPid(agent: AgentIntegration, start: number = process.ppid): number | null {
  const spec = agent.headlessOutput;
  if (!spec || process.platform !== 'linux') return null;
  let pid = start;
  for (let depth = 0; depth < MAX_DEPTH && pid > 1; depth++) {
    const info = processInfo(pid);
    if (!info) return null;
    if (programOf(info.argv, spec.programs)) return spec.headless(info.argv.slice(1)) ? pid : null;
    pid = info.ppid;
  }
  return null;
}

/** Appends `message` to the stderr of the agent's non-interactive process; best effort, never throws. */
export function tellHeadlessUser(agent: AgentIntegration, message: string): boolean {
  const pid = headlessAgentPid(agent);
  if (pid === null) return false;
  let fd: number | null = null;
  try {
    // Non-blocking, and never creating: a pipe whose reader is gone would block an open for
    // writing until one came (here ENXIO ends it), and a full pipe must not hold the hook up
    // (EAGAIN: the message is dropped). The flag is this open's own, not the agent's descriptor's.
    fd = fs.openSync(`/proc/${pid}/fd/2`, fs.constants.O_WRONLY | fs.constants.O_APPEND | fs.constants.O_NONBLOCK);
    // A terminal or a pipe only: into a file the agent writes at its own offset (`2> log`), guard's
    // lines would be overwritten by its next ones. (A socket cannot be opened this way at all.)
    const kind = fs.fstatSync(fd);
    if (!kind.isCharacterDevice() && !kind.isFIFO()) return false;
    fs.writeSync(fd, `${message.replace(/\n+$/, '')}\n`);
    return true;
  } catch {
    return false;
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}
