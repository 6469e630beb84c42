/**
 * On Node < 22.1 the agent hook, check-command, `guard snapshot` and `guard watch` (the starter and
 * the daemon) run their bundles through V8's code cache (bin/code-cache.js), and every other
 * command the whole CLI's (dist/cli.cjs). The cache must never
 * decide a verdict or what a snapshot records: with no cache, a valid one, a corrupt, truncated or
 * foreign one, or an unwritable cache directory, every answer is the same bytes and exit status
 * as with the cache switched off (GUARD_NO_CODE_CACHE=1, the ES module bundle), and every
 * snapshot the same trees. A damaged file is replaced by a whole one at the next run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript launcher code, no declarations
import { cacheName, checksum } from '../../../bin/code-cache.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { waitForWatcher } from '../watcher/helpers.js';

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const usesCodeCache = !(major > 22 || (major === 22 && minor >= 1));
const HEADER = 32;

function setup(t: TestRepo): void {
  t.write('.gitignore', 'dist/\n');
  t.write('README.md', 'first\n');
  t.write('db/migrations/001.sql', 'create table t (id int);\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'first']);
  t.write('README.md', 'second\n');
  t.git(['commit', '-q', '-am', 'second']);
  t.write('dist/bundle.js', 'built\n');
}

type Answer = { status: number | null; stdout: string; stderr: string };

/** Every call the cache could change: text and state verdicts, through both bundles. */
function answers(t: TestRepo, env: Record<string, string> = {}): Answer[] {
  const out: Answer[] = [];
  for (const command of ['git push --force origin main', 'rm -rf dist', 'rm -rf db', 'git reset --hard HEAD~1']) {
    const payload = JSON.stringify({ session_id: 'cc', cwd: t.dir, hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command } });
    for (const [args, input] of [
      [['agent-hook', 'claude', 'pre-tool'], payload],
      [['check-command', '--json', command], ''],
    ] as const) {
      const r = spawnSync(process.execPath, [GUARD_BIN, ...args], { cwd: t.dir, env: { ...t.env, ...env }, input, encoding: 'utf8' });
      out.push({ status: r.status, stdout: r.stdout, stderr: r.stderr });
    }
  }
  return out;
}

/**
 * Two snapshots (with a watcher running: taken by it), after edits and after they were undone
 * (--json, then the text output), each as what it records apart from the clock: the command's status and output
 * with object ids and times replaced, and the tree of the snapshot and of each of its parents.
 * The edits end where they started, so every call gives the same list.
 */
async function snapshots(t: TestRepo, env: Record<string, string>, watcher: boolean): Promise<string[]> {
  const guard = (...args: string[]) => spawnSync(process.execPath, [GUARD_BIN, ...args], { cwd: t.dir, env: { ...t.env, ...env }, encoding: 'utf8' });
  if (watcher) {
    expect(guard('watch').status).toBe(0);
    // Its start-up snapshot over: what the edits below change is then the served snapshots' alone.
    await waitForWatcher(t);
  }
  const out: string[] = [];
  const snapshot = (json: boolean): void => {
    const r = guard('snapshot', ...(json ? ['--json'] : []));
    const head = t.git(['rev-parse', 'refs/guard/main/head']).trim();
    const trees = t.git(['rev-list', '--no-walk', '--format=%T', ...t.git(['rev-list', '--parents', '-n', '1', head]).trim().split(' ')]);
    const text = `${r.status}\n${r.stdout}\n${r.stderr}`.replace(/[0-9a-f]{12,64}/g, '<id>').replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>');
    out.push(`${text}\n${trees.split('\n').filter((l) => !l.startsWith('commit ')).join(' ')}`);
  };
  t.write('notes.txt', 'one\n');
  t.write('more/new.txt', 'new\n');
  snapshot(true);
  t.write('notes.txt', 'zero\n');
  t.remove('more/new.txt');
  snapshot(false);
  if (watcher) expect(guard('watch', 'stop').status).toBe(0);
  return out;
}

function cacheFiles(t: TestRepo): Map<string, string> {
  const dir = path.join(t.env.XDG_CACHE_HOME as string, 'git-guard', 'v8');
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  // <bundle>-<hash>-<node version>-<arch>.bin
  for (const entry of fs.readdirSync(dir)) files.set(entry.replace(/-[0-9a-f]{16}-v.*$/s, ''), path.join(dir, entry));
  return files;
}

/**
 * The test's HOME holds no cache directory yet: not the run's shared one (git-repo.ts links it in
 * unless `ownCodeCache`), which other tests may have filled, so every case starts from no cache.
 */
function expectNoCacheYet(t: TestRepo): void {
  expect(fs.lstatSync(path.join(t.env.XDG_CACHE_HOME as string, 'git-guard', 'v8'), { throwIfNoEntry: false }), 'the test starts from no cache directory').toBeUndefined();
}

/** True when the file has the launcher's header and a payload matching its checksum. */
function whole(file: string): boolean {
  const bytes = fs.readFileSync(file);
  return bytes.length > HEADER && bytes.toString('latin1', 0, 4) === 'GGC1' && bytes.readUInt32LE(20) === bytes.length - HEADER && checksum(bytes.subarray(HEADER)) === bytes.readUInt32LE(24);
}

// Each case runs every verdict or snapshot five times over (no cache, valid, corrupt, foreign,
// unwritable): 48-50 s at load 10-15 on two cores, too near the suite's 60 s default.
describe('the code cache of the hook bundles', { timeout: 240_000 }, () => {
  it.skipIf(!usesCodeCache)('gives the same answers with no cache, a valid, corrupt, truncated or foreign one, and an unwritable cache directory', async () => {
    // A cache directory of its own (not the run's shared one, git-repo.ts): it starts empty and
    // is damaged on purpose below.
    await withTestRepo((t) => {
      expectNoCacheYet(t);
      setup(t);
      // The first call starts the agent session (snapshot, watcher): answers are compared after it.
      answers(t);
      const expected = answers(t, { GUARD_NO_CODE_CACHE: '1' });
      // Denies from the text and from the state are among them (the hook answers 0 with a deny on stdout).
      expect(expected.filter((a) => a.status === 3).length).toBeGreaterThanOrEqual(2);
      expect(expected.filter((a) => a.stdout.includes('"deny"')).length).toBeGreaterThanOrEqual(3);
      expect(expected.some((a) => a.stdout.includes('protected-path'))).toBe(true);

      const files = cacheFiles(t);
      const hook = files.get('hot-agent-hook');
      const check = files.get('hot-check-command');
      expect(hook && whole(hook)).toBe(true);
      expect(check && whole(check)).toBe(true);
      const hookFile = hook as string;
      const checkFile = check as string;
      const hookBytes = fs.readFileSync(hookFile);
      const checkBytes = fs.readFileSync(checkFile);

      // A valid cache: used; rewritten by its first 8 runs (each adds what it compiled), then left as it is.
      expect(answers(t)).toEqual(expected);
      expect(fs.readFileSync(hookFile).readUInt32LE(28)).toBe(8);
      const grown = fs.readFileSync(hookFile);
      expect(answers(t)).toEqual(expected);
      expect(fs.readFileSync(hookFile).equals(grown)).toBe(true);

      // Corrupt: bytes in the middle of the payload changed, header left as it was.
      for (const file of [hookFile, checkFile]) {
        const bytes = fs.readFileSync(file);
        for (let i = HEADER + 64; i < bytes.length; i += 997) bytes.writeUInt8(bytes.readUInt8(i) ^ 0x5a, i);
        fs.writeFileSync(file, bytes);
      }
      expect(answers(t)).toEqual(expected);
      expect(whole(hookFile) && whole(checkFile)).toBe(true);

      // Truncated to half.
      for (const file of [hookFile, checkFile]) fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
      expect(answers(t)).toEqual(expected);
      expect(whole(hookFile) && whole(checkFile)).toBe(true);

      // Foreign: each bundle's file holds the other bundle's cache, once as it was (wrong hash in
      // the header) and once relabelled with this bundle's hash and a valid checksum (V8 refuses it).
      fs.writeFileSync(hookFile, checkBytes);
      fs.writeFileSync(checkFile, hookBytes);
      expect(answers(t)).toEqual(expected);
      for (const [file, other] of [
        [hookFile, checkBytes],
        [checkFile, hookBytes],
      ] as const) {
        fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file).subarray(0, 20), other.subarray(20)]));
      }
      expect(answers(t)).toEqual(expected);
      expect(fs.readFileSync(hookFile).subarray(HEADER).equals(checkBytes.subarray(HEADER))).toBe(false);
      expect(whole(hookFile) && whole(checkFile)).toBe(true);

      // A cache directory that cannot be made (its parent is a file): run without a cache, quietly.
      const blocked = path.join(t.base, 'not-a-dir');
      fs.writeFileSync(blocked, 'x');
      expect(answers(t, { XDG_CACHE_HOME: blocked })).toEqual(expected);
    }, { ownCodeCache: true });
  });

  // Two tests, one without a watcher (guard snapshot's own bundle walks) and one with a watcher
  // (the snapshot is the daemon's: guard watch's bundle, and the daemon's cache under its V8 flags).
  for (const watcher of [false, true]) {
    const names = watcher ? ['hot-snapshot', 'hot-watch', 'hot-watch.f'] : ['hot-snapshot'];
    it.skipIf(!usesCodeCache)(`takes the same snapshots ${watcher ? 'through a running watcher' : 'by its own walk'} whatever the cache holds (${names.join(', ')})`, async () => {
      await withTestRepo(async (t) => {
        expectNoCacheYet(t);
        // The watcher takes no snapshot of its own while the test runs: only those it is asked for.
        t.write('.guard.yaml', 'version: 1\nwatch:\n  debounceMs: 60000\n  maxIntervalMs: 120000\n');
        setup(t);
        t.write('notes.txt', 'zero\n');
        const dir = path.join(t.env.XDG_CACHE_HOME as string, 'git-guard', 'v8');
        // Those of this test's bundles (the first run makes them; the daemon's when it stops).
        const files = () => (fs.existsSync(dir) ? fs.readdirSync(dir) : []).filter((f) => names.some((n) => f.startsWith(n))).map((f) => path.join(dir, f));
        const off = { GUARD_NO_CODE_CACHE: '1' };
        await snapshots(t, off, watcher);
        const expected = await snapshots(t, off, watcher);
        expect(expected.map((a) => /"takenBy": ?"(\w+)"/.exec(a)?.[1])).toEqual([watcher ? 'watcher' : 'walk', undefined]);
        expect(expected[1]).toMatch(/^0\nSnapshot <id> taken \(0 added, 1 modified, 1 deleted/);

        // No cache yet (made by this run; the daemon's when it stops), then a valid one.
        expect(await snapshots(t, {}, watcher)).toEqual(expected);
        expect(files().length).toBe(names.length);
        expect(files().every(whole)).toBe(true);
        expect(await snapshots(t, {}, watcher)).toEqual(expected);
        // Taken from the cache, not refused by V8 (a refused one is written anew, as by its first run).
        for (const file of files()) expect(fs.readFileSync(file).readUInt32LE(28)).toBeGreaterThan(1);

        // Corrupt: refused, compiled from source, replaced by a whole one.
        for (const file of files()) {
          const bytes = fs.readFileSync(file);
          for (let i = HEADER + 64; i < bytes.length; i += 997) bytes.writeUInt8(bytes.readUInt8(i) ^ 0x5a, i);
          fs.writeFileSync(file, bytes);
        }
        expect(await snapshots(t, {}, watcher)).toEqual(expected);
        expect(files().every(whole)).toBe(true);

        // Foreign: each file holds another bundle's payload under its own header with a valid
        // checksum (V8 refuses it); without a watcher, check-command's.
        const all = files();
        if (!watcher) expect(spawnSync(process.execPath, [GUARD_BIN, 'check-command', '--json', 'ls'], { cwd: t.dir, env: t.env }).status).toBe(0);
        const others = watcher ? [...all.slice(1), all[0]!] : fs.readdirSync(dir).filter((f) => f.startsWith('hot-check-command')).map((f) => path.join(dir, f));
        expect(others.length).toBe(all.length);
        const payloads = others.map((f) => fs.readFileSync(f).subarray(20));
        all.forEach((file, i) => fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file).subarray(0, 20), payloads[i]!])));
        expect(await snapshots(t, {}, watcher)).toEqual(expected);
        expect(files().every(whole)).toBe(true);
        all.forEach((file, i) => expect(fs.readFileSync(file).subarray(HEADER).equals(payloads[i]!.subarray(HEADER - 20))).toBe(false));

        // A cache directory that cannot be made: no cache, quietly.
        const blocked = path.join(t.base, 'not-a-dir');
        fs.writeFileSync(blocked, 'x');
        expect(await snapshots(t, { XDG_CACHE_HOME: blocked }, watcher)).toEqual(expected);
      }, { ownCodeCache: true });
    });
  }

  // Every other command runs the whole CLI through the cache (dist/cli.cjs): read commands, an
  // error and a usage error give the same bytes and exit status whatever the cache holds.
  it.skipIf(!usesCodeCache)('runs every other command the same with no cache, a valid, corrupt, truncated or foreign one, and an unwritable cache directory (cli)', async () => {
    // A cache directory of its own, as above.
    await withTestRepo((t) => {
      expectNoCacheYet(t);
      setup(t);
      const guard = (args: string[], env: Record<string, string> = {}) => {
        const r = spawnSync(process.execPath, [GUARD_BIN, ...args], { cwd: t.dir, env: { ...t.env, ...env }, encoding: 'utf8' });
        // Ages move between the runs compared; nothing else does.
        return { status: r.status, stdout: r.stdout.replace(/\b\d+[smhd] ago\b/g, '<age>'), stderr: r.stderr };
      };
      const off = { GUARD_NO_CODE_CACHE: '1' };
      expect(guard(['snapshot'], off).status).toBe(0);
      t.write('notes.txt', 'one\n');
      expect(guard(['snapshot'], off).status).toBe(0);
      const first = t.git(['rev-parse', 'refs/guard/main/head~1']).trim();
      const commands = [['list', '--json'], ['status', '--json'], ['show', first], ['diff', first], ['config', 'check'], ['rollback', 'no-such-snapshot'], ['frobnicate'], ['--version'], ['rollback', '--help']];
      const answers = (env: Record<string, string> = {}) => commands.map((args) => guard(args, env));
      const expected = answers(off);
      expect(expected.map((a) => a.status)).toEqual([0, 1, 0, 0, 0, expect.any(Number), expect.any(Number), 0, 0]);
      expect(expected[5]!.status).not.toBe(0);
      expect(expected[6]!.status).not.toBe(0);
      expect(expected[0]!.stdout).toContain(first);
      // Degraded (no git hooks installed here), which status says with its exit status.
      expect(expected[1]!.stdout).toContain('"hooks"');

      const cli = () => cacheFiles(t).get('cli');
      expect(cli()).toBeUndefined();
      // No cache, then a valid one: used, and grown by its first 8 runs, then left as it is.
      expect(answers()).toEqual(expected);
      const file = cli() as string;
      expect(file && whole(file)).toBe(true);
      expect(fs.readFileSync(file).readUInt32LE(28)).toBe(8);
      const grown = fs.readFileSync(file);
      expect(answers()).toEqual(expected);
      expect(fs.readFileSync(file).equals(grown)).toBe(true);

      // Corrupt, truncated, foreign (check-command's payload under the CLI's header): refused, replaced.
      const bytes = Buffer.from(grown);
      for (let i = HEADER + 64; i < bytes.length; i += 997) bytes.writeUInt8(bytes.readUInt8(i) ^ 0x5a, i);
      fs.writeFileSync(file, bytes);
      expect(answers()).toEqual(expected);
      expect(whole(file)).toBe(true);
      fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2));
      expect(answers()).toEqual(expected);
      expect(whole(file)).toBe(true);
      expect(guard(['check-command', '--json', 'ls']).status).toBe(0);
      const other = fs.readFileSync(cacheFiles(t).get('hot-check-command') as string);
      fs.writeFileSync(file, Buffer.concat([fs.readFileSync(file).subarray(0, 20), other.subarray(20)]));
      expect(answers()).toEqual(expected);
      expect(whole(file)).toBe(true);
      expect(fs.readFileSync(file).subarray(HEADER).equals(other.subarray(HEADER))).toBe(false);

      const blocked = path.join(t.base, 'not-a-dir');
      fs.writeFileSync(blocked, 'x');
      expect(answers({ XDG_CACHE_HOME: blocked })).toEqual(expected);
    }, { ownCodeCache: true });
  });

  it('keeps a cache per set of V8 flags, which V8 checks', () => {
    const plain = cacheName('hot-watch', [], undefined);
    expect(plain).toBe('hot-watch');
    const daemon = cacheName('hot-watch', ['--max-semi-space-size=1', '--max-old-space-size=512'], undefined);
    expect(daemon).toMatch(/^hot-watch\.f[0-9a-f]{8}$/);
    expect(cacheName('hot-watch', [], '--max-old-space-size=512')).not.toBe(plain);
    expect(cacheName('hot-watch', [], '--max-old-space-size=512')).not.toBe(daemon);
  });

  it('ships the CommonJS-style bundles stamped with their hash', () => {
    for (const name of ['hot-agent-hook', 'hot-check-command', 'hot-snapshot', 'hot-watch', 'hot-backup-pusher', 'cli']) {
      const text = fs.readFileSync(path.join(path.dirname(GUARD_BIN), '..', 'dist', `${name}.cjs`), 'latin1');
      expect(text).toMatch(/^\/\/guard-bundle [0-9a-f]{16}\n\(function \(exports, require, module, __guardMetaUrl\) \{/);
    }
  });
});
