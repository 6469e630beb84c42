/**
 * A file written whole or not at all: the bytes go to a temp name beside it and are renamed over
 * it, so a reader (git reading a pattern file, a hook reading the compiled policy) never sees half
 * of them, and a failed write leaves the old file and no temp file behind.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

export async function writeFileAtomic(file: string, content: string | Buffer, mode = 0o644): Promise<void> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.writeFile(temp, content, { mode });
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}
