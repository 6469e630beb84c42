/**
 * `<commonDir>/guard/clock`: "<boot id> <boot time in epoch centiseconds>", which lets the sh
 * shims tell the time from /proc/uptime without starting `date` (hooks/lib.sh, guard_clock).
 * Linux only; elsewhere the shims use `date`. Rewritten whenever guard's Node side runs a hook or
 * `guard init`, which also corrects drift from wall-clock changes since the machine booted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export async function writeClock(guardDir: string): Promise<void> {
  let bootId: string;
  let uptime: string;
  try {
    [bootId, uptime] = await Promise.all([fs.readFile('/proc/sys/kernel/random/boot_id', 'utf8'), fs.readFile('/proc/uptime', 'utf8')]);
  } catch {
    return; // not Linux: the shims use `date`
  }
  const now = Date.now();
  const upCentiseconds = Math.round(Number(uptime.split(' ')[0]) * 100);
  if (!Number.isFinite(upCentiseconds)) return;
  const content = `${bootId.trim()} ${Math.round(now / 10) - upCentiseconds}\n`;
  const file = path.join(guardDir, 'clock');
  if ((await fs.readFile(file, 'utf8').catch(() => '')) === content) return;
  await fs.mkdir(guardDir, { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  await fs.writeFile(temp, content);
  await fs.rename(temp, file);
}
