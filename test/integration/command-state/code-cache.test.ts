/**
 * On Node < 22.1 the agent hook and check-command run their bundles through V8's code cache
 * (bin/code-cache.js). The cache must never decide a verdict: with no cache, a valid one, a corrupt,
 * truncated or foreign one, or an unwritable cache directory, every answer is the same bytes and
 * exit status as with the cache switched off (GUARD_NO_CODE_CACHE=1, the ES module bundle).
 * A damaged file is replaced by a whole one at the next run.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript launcher code, no declarations
import { checksum } from '../../../bin/code-cache.js';
import { GUARD_BIN, withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

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

function cacheFiles(t: TestRepo): Map<string, string> {
  const dir = path.join(t.env.XDG_CACHE_HOME as string, 'git-guard', 'v8');
  const files = new Map<string, string>();
  if (!fs.existsSync(dir)) return files;
  // <bundle>-<hash>-<node version>-<arch>.bin
  for (const entry of fs.readdirSync(dir)) files.set(entry.replace(/-[0-9a-f]{16}-v.*$/s, ''), path.join(dir, entry));
  return files;
}

/** True when the file has the launcher's header and a payload matching its checksum. */
function whole(file: string): boolean {
  const bytes = fs.readFileSync(file);
  return bytes.length > HEADER && bytes.toString('latin1', 0, 4) === 'GGC1' && bytes.readUInt32LE(20) === bytes.length - HEADER && checksum(bytes.subarray(HEADER)) === bytes.readUInt32LE(24);
}

describe('the code cache of the hook bundles', () => {
  it.skipIf(!usesCodeCache)('gives the same answers with no cache, a valid, corrupt, truncated or foreign one, and an unwritable cache directory', async () => {
    await withTestRepo((t) => {
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
    });
  });

  it('ships the CommonJS-style bundles stamped with their hash', () => {
    for (const name of ['hot-agent-hook', 'hot-check-command']) {
      const text = fs.readFileSync(path.join(path.dirname(GUARD_BIN), '..', 'dist', `${name}.cjs`), 'latin1');
      expect(text).toMatch(/^\/\/guard-bundle [0-9a-f]{16}\n\(function \(exports, require, module, __guardMetaUrl\) \{/);
    }
  });
});
