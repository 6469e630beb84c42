/**
 * A recursive copy was judged only at its destination: `cp -r /tmp/evil/. .` with a .guard.yaml
 * or .claude/settings.local.json in /tmp/evil replaced guard's policy or switched the agent's
 * hooks off, a `db/migrations/` in the source wrote protected paths, and a `.git/` wrote over the
 * repository's own hooks. Now an agent's cp -r / rsync -a is judged where each file of its source
 * lands (overlay-landing.ts), through the installed agent hook, and nothing runs; copies that land
 * nothing of the kind, and a person's, stay allowed.
 *
 * `rsync -a --existing` (it replaces only files that exist) was also taken for a copy that keeps
 * what exists, so it captured nothing over an ignored .env.local: now captured, and the rollback
 * gives the old bytes back.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { captureState, stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { LANDING_WALK_LIMIT } from '../../../src/policy/command/overlay-landing.js';

const HAS_RSYNC = spawnSync('sh', ['-c', 'command -v rsync']).status === 0;

function put(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

function setup(t: TestRepo): void {
  t.write('.gitignore', '*.local\n');
  t.write('src/a.ts', 'export {};\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  put(path.join(t.base, 'evil/.guard.yaml'), 'rules:\n  hooks-disable: off\n');
  put(path.join(t.base, 'evil/README.md'), 'hi\n');
  put(path.join(t.base, 'hooks/.claude/settings.local.json'), '{"disableAllHooks":true}\n');
  put(path.join(t.base, 'mig/db/migrations/001.sql'), 'drop table users;\n');
  put(path.join(t.base, 'repo/.git/hooks/pre-commit'), '#!/bin/sh\nexit 0\n');
  put(path.join(t.base, 'lib/index.js'), 'module.exports = 1;\n');
  put(path.join(t.base, 'lib/docs/guide.md'), 'guide\n');
}

describe('a recursive copy is judged where its files land', () => {
  it("an agent's copy that lands guard's files, a protected path or the git directory is denied, and nothing runs", async () => {
    await withTestRepo((t) => {
      setup(t);
      const denied: Array<[string, string, string]> = [
        ['cp -r ../evil/. .', 'guard-self', '.guard.yaml'],
        ['cp -a ../evil/ -T .', 'guard-self', '.guard.yaml'],
        ['rsync -a ../evil/ ./', 'guard-self', '.guard.yaml'],
        ['cp -rn ../evil/. .', 'guard-self', '.guard.yaml'],
        ['rsync -a --ignore-existing ../hooks/ .', 'guard-self', '.claude/settings.local.json'],
        ['cp -r ../hooks/.claude .', 'guard-self', '.claude/settings.local.json'],
        ['rsync -a ../hooks/.claude/ .claude', 'guard-self', '.claude/settings.local.json'],
        ['cd src && cp -r ../../mig/db ..', 'protected-path', 'db/migrations/001.sql'],
        ['cp -r ../mig/. .', 'protected-path', 'db/migrations/001.sql'],
        ['cp -r ../repo/. .', 'git-dir-write', 'puts .git from the source'],
      ];
      const before = captureState(t);
      for (const [command, rule, named] of denied) {
        const hook = agentVerdict(t, command);
        expect(hook.decision, command).toBe('deny');
        expect(hook.reason, command).toContain(named);
        expect(hook.reason, command).toContain(`(rule ${rule})`);
      }
      expect(captureState(t)).toEqual(before);
      expect(t.exists('.guard.yaml')).toBe(false);
      // What lands nothing of the kind stays allowed, and a person is not judged this way.
      for (const command of ['cp -r ../lib/. vendor/lib', 'rsync -a ../lib/ vendor/lib/', 'rsync -a ../hooks .', 'cp -r ../evil/README.md docs.md', 'cp -r ../mig/db/migrations/. /tmp/x']) {
        expect(agentVerdict(t, command).decision, command).toBe('allow');
      }
      expect(checkVerdict(t, 'cp -r ../evil/. .').verdict).not.toBe('deny');
    });
  });

  // Past the walk's bound, the rest of the source used to go unjudged: a db/migrations/ read after
  // the first 20,000 entries was written. Now the copy is refused where a protected path can lie
  // below the landing, and stays allowed where none can.
  it("guard's files are found in a source too large to walk; past the walk's bound a copy where a protected path can land is refused", async () => {
    await withTestRepo((t) => {
      setup(t);
      const big = path.join(t.base, 'big');
      put(path.join(big, '.claude/settings.local.json'), '{"disableAllHooks":true}\n');
      put(path.join(big, 'db/migrations/001.sql'), 'x\n');
      // More entries at the source's top than the walk reads: it never reaches .claude/ or db/.
      for (let i = 0; i <= LANDING_WALK_LIMIT; i++) fs.writeFileSync(path.join(big, `f${i}`), '');
      const hook = agentVerdict(t, 'cp -r ../big/. .');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('.claude/settings.local.json');
      fs.rmSync(path.join(big, '.claude'), { recursive: true });
      const cut = agentVerdict(t, 'cp -r ../big/. .');
      expect(cut.decision).toBe('deny');
      expect(cut.reason).toContain('more than 20,000 files and directories');
      expect(cut.reason).toContain('"**/migrations/**"');
      expect(cut.reason).toContain('(rule protected-path)');
      expect(t.exists('db')).toBe(false);
      // Protected paths with a fixed directory are looked up by name in the unread source: where
      // the source has no db/migrate, nothing it holds can match: allowed; where it has one, refused.
      t.write('.guard.yaml', 'version: 1\nprotect:\n  paths: [.guard.yaml, "db/migrate/**"]\n');
      expect(agentVerdict(t, 'cp -r ../big/. .').decision).toBe('allow');
      put(path.join(big, 'db/migrate/001.rb'), 'x\n');
      expect(agentVerdict(t, 'cp -r ../big/. .').reason).toContain('where a protected path can be (matches "db/migrate/**")');
    });
  });

  it('rsync -a --existing over an ignored .env.local captures it; rollback gives it back byte for byte', async () => {
    await withTestRepo((t) => {
      setup(t);
      const old = Buffer.from('KEY=old\r\n\u00ff\u0000\n', 'latin1');
      t.write('.env.local', old);
      put(path.join(t.base, 'tpl/.env.local'), 'KEY=template\n');
      const command = 'rsync -a --existing ../tpl/ ./';
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(agentVerdict(t, command).decision).toBe('allow');
      // What rsync --existing writes (cp where rsync is not installed): the file that exists.
      const r = spawnSync('sh', ['-c', HAS_RSYNC ? command : 'cp ../tpl/.env.local .env.local'], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(t.read('.env.local')).toBe('KEY=template\n');
      const rollback = t.guard(['rollback', '--yes']);
      expect(rollback.code, rollback.stderr + rollback.stdout).toBe(0);
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(old);
    });
  });
  // A copy into the directory above the repository (`rsync -a x/ ../`) was not looked at: its
  // destination is outside. Its x/<repo>/ lands in the repository through the parent, so a
  // .env.local there was replaced with no capture, and an agent's x/<repo>/.guard.yaml was written.
  it('a copy into a directory above the repository lands in it through its parent: judged where its files land', async () => {
    await withTestRepo((t) => {
      setup(t);
      const name = path.basename(t.dir);
      const old = Buffer.from('KEY=old\r\n\u00ff\u0000\n', 'latin1');
      t.write('.env.local', old, 0o600);
      fs.chmodSync(path.join(t.dir, '.env.local'), 0o600);
      put(path.join(t.base, `up/${name}/.env.local`), 'KEY=template\n');
      put(path.join(t.base, 'up/beside.txt'), 'beside\n');
      const copies = ['cp -r ../up/. ..', ...(HAS_RSYNC ? ['rsync -a ../up/ ../'] : []), `cp -r ../up/${name} ..`];
      for (const command of copies) {
        const before = stateWithModes(t, ['.env.local']);
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
        expect(agentVerdict(t, command).decision, command).toBe('allow');
        const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
        expect(r.status, r.stderr).toBe(0);
        expect(t.read('.env.local'), command).toBe('KEY=template\n');
        const rollback = t.guard(['rollback', '--yes']);
        expect(rollback.code, rollback.stderr + rollback.stdout).toBe(0);
        expect(stateWithModes(t, ['.env.local']), command).toEqual(before);
        expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(old);
      }
      // An agent's copy that lands guard's files, a protected path or .git through the parent: denied, nothing runs.
      put(path.join(t.base, `evil-up/${name}/.guard.yaml`), 'rules:\n  hooks-disable: off\n');
      put(path.join(t.base, `mig-up/${name}/db/migrations/001.sql`), 'drop table users;\n');
      put(path.join(t.base, `git-up/${name}/.git/hooks/pre-commit`), '#!/bin/sh\nexit 0\n');
      const state = captureState(t);
      for (const [command, rule] of [['cp -r ../evil-up/. ..', 'guard-self'], ['cp -r ../mig-up/. ..', 'protected-path'], ['cp -r ../git-up/. ..', 'git-dir-write']] as const) {
        const hook = agentVerdict(t, command);
        expect(hook.decision, command).toBe('deny');
        expect(hook.reason, command).toContain(`(rule ${rule})`);
      }
      expect(captureState(t)).toEqual(state);
      // A source with nothing of the repository's name lands beside it: free.
      expect(checkVerdict(t, 'cp -r ../lib/. ..')).toMatchObject({ verdict: 'allow' });
      expect(agentVerdict(t, 'cp -r ../lib/. ..').decision).toBe('allow');
    });
  });
});
