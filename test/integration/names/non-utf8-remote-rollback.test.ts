/**
 * A remote whose URL (or name) is not UTF-8: a local path in Latin-1 (`git clone /srv/caf\xe9.git`).
 * Its keys were not recorded (the JSON record of the remotes held text only), so a rollback after
 * `git remote set-url` wrote the section back without a url (the remote had none at all after
 * it), and one after `git remote remove` of a Latin-1 remote did not bring it back. Now recorded
 * as escaped text and written back as its bytes. Real git, guard snapshot and rollback; the
 * config's remote records compared byte for byte with `git config -z`.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { rollbackOk, snapshotId } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';
import { spawnSync } from 'node:child_process';

/** `git` with arguments given as bytes (latin1 strings: bash's printf rebuilds them). */
function gitBytes(t: TestRepo, ...args: string[]): Buffer {
  const quoted = args.map((a) => `"$(printf '${[...Buffer.from(a, 'latin1')].map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('')}')"`);
  const r = spawnSync('bash', ['-c', `git ${quoted.join(' ')}`], { cwd: t.dir, env: t.env });
  expect(r.status, r.stderr.toString()).toBe(0);
  return r.stdout;
}

/** The local remote records (latin1 byte strings), in order within each remote; remotes by name (a rollback writes a changed remote's section anew, at the end). */
const remotes = (t: TestRepo): string[][] => {
  const byRemote = new Map<string, string[]>();
  for (const record of gitBytes(t, 'config', '--local', '-z', '--get-regexp', '^remote\\.').toString('latin1').split('\0').filter(Boolean)) {
    const key = record.slice(0, record.indexOf('\n'));
    const name = key.slice('remote.'.length, key.lastIndexOf('.'));
    byRemote.set(name, [...(byRemote.get(name) ?? []), record]);
  }
  return [...byRemote.keys()].sort().map((name) => byRemote.get(name)!);
};

describe('a remote whose url or name is not UTF-8', () => {
  it('comes back byte for byte after set-url, remove and add', async () => {
    await withTestRepo((t) => {
      commitFiles(t, { 'a.txt': 'a\n' });
      gitBytes(t, 'remote', 'add', 'origin', '/srv/caf\xe9.git');
      gitBytes(t, 'remote', 'add', 'l\xe9', '/srv/l\xe9\\x');
      const before = remotes(t);
      expect(before.flat()).toContain('remote.origin.url\n/srv/caf\xe9.git');
      expect(before.flat()).toContain('remote.l\xe9.url\n/srv/l\xe9\\x');
      snapshotId(t);
      gitBytes(t, 'remote', 'set-url', 'origin', 'https://example.com/x.git');
      gitBytes(t, 'remote', 'remove', 'l\xe9');
      gitBytes(t, 'remote', 'add', 'other', '/srv/d\xe8');
      const shown = rollbackOk(t);
      expect(remotes(t)).toEqual(before);
      // The way forward names the remote as typed into bash (its bytes), not as U+FFFD.
      expect(shown).toContain("git fetch $'l\\xe9' && git remote set-head $'l\\xe9' --auto");
    });
  });
});
