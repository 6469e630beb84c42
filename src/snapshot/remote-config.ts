/**
 * The repository's remotes (`remote.<name>.*` in its own config: url, pushurl, fetch refspecs,
 * any other key), recorded so that a rollback after `git remote remove`, `rename` or `set-url`
 * (which the command guard lets an agent run) puts them back, and its `--undo` the incident's.
 *
 * A URL may hold a token (`https://user:ghp_...@github.com/...`), and a snapshot's metadata is a
 * commit message that the backup push carries to `backup.remote`. So the sections never go into
 * the metadata: they are kept on this machine only, in `<commonDir>/guard/remotes/<key>.json`
 * (mode 0600; the backup pushes refs, never this directory), and the metadata holds the key
 * (`SnapshotMeta.remoteConfig`). The key is an HMAC-SHA256 of the sections under a random secret
 * kept in the same directory, so a key that travels tells nothing about a URL, not even to someone
 * who guesses a weak password and hashes it. Equal sections get equal keys (one file for all the
 * snapshots that share them).
 *
 * Cost: the sections come from the `git config` call mode-rules.ts already makes (no process of
 * their own, whatever the number of remotes); their key is kept with the config files' stat data
 * in the scan memo. Only when the config was read again: one read of the secret and one write of
 * the sections' file when it is not there yet.
 *
 * A snapshot recorded on another machine, or before `rm -rf .git` and a `guard recover`, has a
 * key whose file is not here: a rollback to it leaves the remotes as they are and says so
 * (recover takes the remotes from the backup's config copy instead).
 */
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { guardCommonPath, type Repo } from '../git/repo.js';

/** One key of a remote's section: the variable as git lists it (lower case) and its value, null for none. */
export type RemoteConfigPair = [string, string | null];

/** Remote name -> its keys in git's order. */
export type RemoteSections = Record<string, RemoteConfigPair[]>;

function storeDir(repo: Repo): string {
  return guardCommonPath(repo, 'remotes');
}

const secrets = new Map<string, Buffer>();

/** The directory's secret, made on first use (32 random bytes, mode 0600). */
function secret(repo: Repo): Buffer {
  const dir = storeDir(repo);
  const known = secrets.get(dir);
  if (known) return known;
  const file = path.join(dir, 'secret');
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
    if (bytes.length < 32) throw new Error('short');
  } catch {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const fresh = randomBytes(32);
    // wx: two snapshots racing both read back the one that landed first.
    try {
      fs.writeFileSync(file, fresh, { flag: 'wx', mode: 0o600 });
    } catch {
      /* written by another process meanwhile */
    }
    bytes = fs.readFileSync(file);
  }
  secrets.set(dir, bytes);
  return bytes;
}

/** The sections in one canonical text: remotes by name, each one's keys in git's order. */
function canonical(sections: RemoteSections): string {
  const sorted: RemoteSections = {};
  for (const name of Object.keys(sections).sort()) sorted[name] = sections[name]!;
  return JSON.stringify(sorted);
}

/** Records the sections on this machine and returns their key (SnapshotMeta.remoteConfig). */
export function recordRemoteSections(repo: Repo, sections: RemoteSections): string {
  const text = canonical(sections);
  const key = createHmac('sha256', secret(repo)).update(text).digest('hex');
  const file = path.join(storeDir(repo), `${key}.json`);
  if (!fs.existsSync(file)) {
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, text, { mode: 0o600 });
    fs.renameSync(temp, file);
  }
  return key;
}

/** The sections a key names, or null when they are not recorded on this machine. */
export function readRemoteSections(repo: Repo, key: string): RemoteSections | null {
  if (!/^[0-9a-f]{64}$/.test(key)) return null;
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(storeDir(repo), `${key}.json`), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as RemoteSections) : null;
  } catch {
    return null;
  }
}
