/**
 * A remote's config (`remote.<name>.*`: url, pushurl, fetch refspecs, any other key) goes back
 * with a rollback, and its `--undo` gives the incident's back. Found auditing rollback on a clone
 * of pallets/flask (2026-12-07, helpers rbaudit and rbaudit2): `git remote remove origin`, `git
 * remote rename origin up` and `git remote set-url origin ...` are allowed for an agent, and a
 * rollback brought the branches' upstreams back but not the remote they name.
 *
 * A URL may hold a token, and a snapshot's metadata is pushed to `backup.remote`: the sections are
 * kept on this machine (`.git/guard/remotes/`), never in a snapshot's message, which holds an
 * HMAC key of them. Each section is compare-and-swap against one read of the config: a remote
 * changed between the pre-rollback snapshot and the restore is left as it is.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { byteState } from '../../helpers/state.js';
import { shellOk } from '../../helpers/repo-steps.js';
import { openRepo } from '../../../src/git/repo.js';
import { rollback } from '../../../src/restore/rollback.js';

const TOKEN = 'ghp_secrettoken0123456789';

/** Every local remote and branch key, sorted (the order of sections in the file is git's business). */
const configKeys = (t: TestRepo): string => t.gitResult(['config', '--local', '-z', '--get-regexp', '^(remote|branch)\\.']).stdout.split('\0').sort().join('\n');

function base(t: TestRepo): string {
  t.write('a.txt', 'a\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  t.git(['remote', 'add', 'origin', `https://me:${TOKEN}@example.com/pallets/flask.git`]);
  t.git(['remote', 'set-url', '--push', 'origin', 'git@example.com:me/flask.git']);
  t.git(['config', '--add', 'remote.origin.fetch', '+refs/pull/*/head:refs/remotes/origin/pr/*']);
  t.git(['config', 'remote.origin.tagOpt', '--no-tags']);
  t.git(['remote', 'add', 'fork', 'https://example.com/me/flask.git']);
  t.git(['update-ref', 'refs/remotes/origin/main', 'HEAD']);
  t.git(['branch', '-q', '--track', 'feature', 'origin/main']);
  const snap = t.guard(['snapshot', '--json']);
  expect(snap.code, snap.stderr).toBe(0);
  return JSON.parse(snap.stdout).id as string;
}

describe('rollback and remotes', () => {
  it('puts back a removed, a renamed and a re-pointed remote, every key; --undo gives the incident\'s remotes back; no URL in any snapshot', async () => {
    await withTestRepo((t) => {
      const id = base(t);
      const before = { ...byteState(t), config: configKeys(t) };
      t.git(['remote', 'remove', 'origin']);
      t.git(['remote', 'rename', 'fork', 'up']);
      t.git(['remote', 'set-url', 'up', 'https://example.com/someone-else/flask.git']);
      const incident = { ...byteState(t), config: configKeys(t) };
      expect(incident.config).not.toContain('remote.origin');

      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('remote origin: config url, fetch, pushurl, tagopt (was none); its remote-tracking refs come back with: git fetch origin && git remote set-head origin --auto');
      expect(r.stdout).toContain('remote up: removed (was url, fetch)');
      expect({ ...byteState(t), config: configKeys(t) }).toEqual(before);
      expect(t.git(['config', '--get-all', 'remote.origin.fetch'])).toBe('+refs/heads/*:refs/remotes/origin/*\n+refs/pull/*/head:refs/remotes/origin/pr/*\n');

      const u = t.guard(['rollback', '--undo', '--yes']);
      expect(u.code, u.stderr).toBe(0);
      expect({ ...byteState(t), config: configKeys(t) }).toEqual(incident);

      // The token is in no snapshot's message (they travel to backup.remote), only in this machine's record.
      expect(t.git(['log', '--format=%B', '--all'])).not.toContain(TOKEN);
      const store = path.join(t.dir, '.git', 'guard', 'remotes');
      const held = fs.readdirSync(store).filter((f) => f.endsWith('.json'));
      expect(held.some((f) => fs.readFileSync(path.join(store, f), 'utf8').includes(TOKEN))).toBe(true);
      for (const f of [...held, 'secret']) expect(fs.statSync(path.join(store, f)).mode & 0o077).toBe(0);
    });
  });

  it('after `git remote remove origin`, the commands the rollback names give back every remote-tracking ref, origin/HEAD too', async () => {
    // A clone has refs/remotes/origin/HEAD; `git remote remove` deletes it with the rest, and
    // `git fetch origin` alone does not write it again (tried on a vite clone, 2026-12-07, helper recdata).
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'a']);
      const origin = path.join(t.base, 'origin.git');
      t.git(['init', '-q', '--bare', '-b', 'main', origin]);
      t.git(['push', '-q', origin, 'main', 'main:feature']);
      t.git(['remote', 'add', 'origin', origin]);
      t.git(['fetch', '-q', 'origin']);
      t.git(['remote', 'set-head', 'origin', '--auto']);
      const remoteRefs = (): string => t.git(['for-each-ref', '--format=%(refname) %(objectname) %(symref)', 'refs/remotes']);
      const before = remoteRefs();
      expect(before).toContain('refs/remotes/origin/HEAD');
      expect(before).toContain('refs/remotes/origin/feature');
      const snap = t.guard(['snapshot', '--json']);
      expect(snap.code, snap.stderr).toBe(0);
      t.git(['remote', 'remove', 'origin']);
      expect(remoteRefs()).toBe('');
      const r = t.guard(['rollback', JSON.parse(snap.stdout).id as string, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      const named = /come back with: (.*)$/m.exec(r.stdout)?.[1];
      expect(named, r.stdout).toBeDefined();
      shellOk(t, named!);
      expect(remoteRefs()).toBe(before);
    });
  });

  it('leaves the remotes as they are when the snapshot\'s record is not on this machine, and says so', async () => {
    await withTestRepo((t) => {
      const id = base(t);
      t.git(['remote', 'remove', 'origin']);
      const incident = configKeys(t);
      fs.rmSync(path.join(t.dir, '.git', 'guard', 'remotes'), { recursive: true });
      const r = t.guard(['rollback', id, '--yes']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('remotes: left as they are');
      // The branch's upstream comes back (it is in the metadata), the remote does not.
      expect(t.git(['config', 'branch.feature.remote'])).toBe('origin\n');
      expect(configKeys(t)).not.toContain('remote.origin.');
      expect(configKeys(t)).toContain(incident.split('\n').filter((l) => l.startsWith('remote.fork.url'))[0]);
    });
  });

  it('does not clobber a remote changed between the pre-rollback snapshot and the restore (compare-and-swap)', () =>
    withTestRepo(async (t) => {
      const id = base(t);
      t.git(['remote', 'set-url', 'origin', 'https://example.com/agent/flask.git']);
      t.git(['remote', 'remove', 'fork']);
      for (const key of Object.keys(process.env)) if (key.startsWith('GIT_') || key.startsWith('GUARD_')) delete process.env[key];
      Object.assign(process.env, t.env);
      const repo = await openRepo(t.dir);
      await rollback(repo, {
        id,
        confirm: async () => {
          // After the pre-rollback snapshot and the plan: the person points origin elsewhere.
          t.git(['remote', 'set-url', 'origin', 'https://example.com/person/flask.git']);
          return true;
        },
      });
      // origin changed meanwhile: left as the person set it; fork, untouched since, comes back.
      expect(t.git(['config', '--get-all', 'remote.origin.url'])).toBe('https://example.com/person/flask.git\n');
      expect(t.git(['config', 'remote.fork.url'])).toBe('https://example.com/me/flask.git\n');
    }));
});
