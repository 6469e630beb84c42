/**
 * The package as a user gets it: `npm pack`, installed into a private prefix, used in a fresh
 * repository for a real commit through the installed hooks, a snapshot and a rollback.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT, withTestRepo } from '../helpers/git-repo.js';

// npm pack and npm install take seconds each, and once took the whole default minute on a loaded
// machine: a generous bound (a hang still fails), never a measure of speed.
it('installs from npm pack and protects a real repository', { timeout: 300_000 }, () =>
  withTestRepo((repo) => {
    const packDir = path.join(repo.base, 'pack');
    const prefix = path.join(repo.base, 'prefix');
    fs.mkdirSync(packDir);
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packDir], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim().split('\n').pop()!;
    execFileSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', path.join(packDir, tarball)], {
      cwd: repo.base,
      env: { ...process.env, npm_config_loglevel: 'error' },
      stdio: 'pipe',
    });
    const guardBin = path.join(prefix, 'bin', 'guard');
    expect(fs.existsSync(guardBin)).toBe(true);
    const guard = (...args: string[]) => spawnSync(guardBin, args, { cwd: repo.dir, env: repo.env, encoding: 'utf8' });

    repo.write('README.md', 'hello\n');
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'first']);
    const init = guard('init', '--yes', '--agents', 'none');
    expect(init.status, init.stderr).toBe(0);
    repo.write('src/work.txt', 'precious uncommitted work\n');
    repo.write('README.md', 'hello again\n');
    repo.git(['commit', '-q', '-am', 'a commit through the installed hooks']);
    const snap = guard('snapshot', '--json');
    expect(snap.status, snap.stderr).toBe(0);
    repo.git(['reset', '-q', '--hard', 'HEAD~1']);
    repo.git(['clean', '-q', '-fd']);
    const rollback = guard('rollback', '--yes');
    expect(rollback.status, rollback.stderr).toBe(0);
    expect(repo.read('src/work.txt')).toBe('precious uncommitted work\n');
    expect(repo.git(['log', '-1', '--format=%s'])).toBe('a commit through the installed hooks\n');
    // check-command and agent-hook have bundles of their own (and, on Node < 22.1, CommonJS-style
    // copies run through V8's code cache, bin/code-cache.js): a deny, twice, the second from the cache.
    for (let i = 0; i < 2; i++) {
      const deny = guard('check-command', '--json', 'git push --force origin main');
      expect(deny.status, deny.stderr).toBe(3);
      expect(deny.stdout).toContain('git-push-force');
    }
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    if (major < 22 || (major === 22 && minor < 1)) {
      expect(fs.readdirSync(path.join(repo.env.XDG_CACHE_HOME as string, 'git-guard', 'v8')).some((f) => f.startsWith('hot-check-command-'))).toBe(true);
    }
    // git guard ... works too (the git-guard bin on PATH)
    const viaGit = spawnSync('git', ['guard', 'list', '--json'], { cwd: repo.dir, env: { ...repo.env, PATH: `${path.join(prefix, 'bin')}:${repo.env.PATH}` }, encoding: 'utf8' });
    expect(viaGit.status, viaGit.stderr).toBe(0);
    expect(JSON.parse(viaGit.stdout).length).toBeGreaterThanOrEqual(2);
    // A cache directory of its own, not the run's shared one (git-repo.ts): the check above is
    // that this install wrote one.
  }, { ownCodeCache: true }));
