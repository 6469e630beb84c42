/**
 * The repository the tests of captured ignored files start from: a committed a.txt, an ignored
 * `.env` at 0600 holding bytes that are not UTF-8 text (CRLF, NUL), and guard set up. And a
 * snapshot's metadata, to read what it records about such files (`heldIgnored`).
 */
import { decodeMessage, type SnapshotMeta } from '../../src/snapshot/format.js';
import { guardOk } from './guard-steps.js';
import type { TestRepo } from './git-repo.js';

export const SECRET = Buffer.from('API_KEY=s3cr3t\r\n\u00e9\u0000tail\n', 'latin1');

/** Sets the repository up with guard (`--agents`); returns when .env was written (a capture is signed only two seconds after). */
export function seedWithEnv(t: TestRepo, agents: string): number {
  t.write('.gitignore', '.env\n');
  t.write('a.txt', 'a0\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'base']);
  t.write('.env', SECRET, 0o600);
  const written = Date.now();
  guardOk(t, ['init', '--yes', '--agents', agents]);
  return written;
}

/** A snapshot's metadata (format.ts). */
export function snapshotMeta(t: TestRepo, id: string): SnapshotMeta {
  return decodeMessage(t.git(['log', '-1', '--format=%B', id]))!;
}
