/**
 * The detached backup push a snapshot starts (src/backup/auto-push.ts) runs on after the command
 * returns, and inherits its environment (a trace file, the test's HOME). Tests that count a
 * command's git processes, or read the backup, wait for it: until its pid file is gone or names a
 * process that is no longer alive (a pusher killed by a test's cleanup leaves its pid file).
 */
import fs from 'node:fs';
import path from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function backgroundPushDone(repoDir: string, timeoutMs = 120_000): Promise<void> {
  const file = path.join(repoDir, '.git', 'guard', 'backup-push.pid');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let pid = 0;
    try {
      pid = Number(fs.readFileSync(file, 'utf8').trim().split(' ')[0]);
    } catch {
      return;
    }
    if (!(pid > 0) || !alive(pid)) return;
    if (Date.now() > deadline) throw new Error(`the background backup push (pid ${pid}) did not end within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
