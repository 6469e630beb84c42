import fs from 'node:fs';

// node:os and node:crypto are taken when first needed, not imported: this module is on the agent
// hook's path (the watcher's pid file), where a deny loads no built-in module beyond an empty ES
// module (test/integration/session/agent-hook-builtins.test.ts).
const builtin = <T>(name: string): T => (process as unknown as { getBuiltinModule(id: string): T }).getBuiltinModule(name);

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

let pidSpace: string | undefined;

/** os.hostname(); on Linux read from /proc (the same UTS name) so that node:os is not loaded on the hook path. */
function hostName(): string {
  try {
    const name = fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim();
    if (name) return name;
  } catch {
    // not Linux
  }
  return builtin<typeof import('node:os')>('node:os').hostname();
}

/**
 * Where this process's pids mean something: its host name and, where /proc shows it, the inode of
 * its pid namespace (`host=<name>;pidns=<inode>`). A pid written by a process with the same string
 * names the same process here; one written by a process in another namespace (a container that
 * shares a bind-mounted repository, as agents' sandboxes do) may name no process here, or another
 * one, while its writer is alive. Without /proc (macOS) the host name alone.
 */
export function pidSpaceId(): string {
  if (pidSpace !== undefined) return pidSpace;
  let ns = 'none';
  try {
    // "pid:[4026531836]"
    ns = /\[(\d+)\]/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[1] ?? 'none';
  } catch {
    // no /proc: the host name decides
  }
  pidSpace = `host=${encodeURIComponent(hostName())};pidns=${ns}`;
  return pidSpace;
}

/**
 * pidSpaceId() in 8 hex digits, for file names that carry a pid (`index-<pid>.<tag>-…`): a file
 * whose tag is ours was written where its pid means what it means here.
 */
export function pidSpaceTag(): string {
  return builtin<typeof import('node:crypto')>('node:crypto').createHash('sha256').update(pidSpaceId()).digest('hex').slice(0, 8);
}
