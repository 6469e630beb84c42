import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/git-repo.js';

/** Runs a snippet with hooks/lib.sh loaded, under the POSIX shell git uses for hooks. */
function sh(snippet: string, env: Record<string, string> = {}): string {
  const script = `GUARD_HOOK=test\nGUARD_PKG=/nonexistent\nGUARD_NODE=/nonexistent\n. '${path.join(PROJECT_ROOT, 'hooks', 'lib.sh')}'\n${snippet}\n`;
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env } });
  if (r.status !== 0) throw new Error(`sh failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

describe('hooks/lib.sh', () => {
  it('converts epoch seconds to ISO 8601 UTC without forking, like Date does', () => {
    const epochs = [0, 951782400, 1709164800, 1735689599, 4102444800, 1234567890, 1767225600, 253402300799];
    const out = sh(epochs.map((e) => `guard_iso ${e}; echo "$guard_now"`).join('\n')).trim().split('\n');
    expect(out).toEqual(epochs.map((e) => `${new Date(e * 1000).toISOString().slice(0, 19)}Z`));
  });

  it('tells the time from /proc/uptime and a cached boot time, close to the real clock', () => {
    if (!fs.existsSync('/proc/uptime')) return;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-clock-'));
    try {
      const first = sh(`GUARD_DIR='${dir}'; guard_clock; echo "$guard_now"`).trim();
      expect(fs.readFileSync(path.join(dir, 'clock'), 'utf8')).toMatch(/^[0-9a-f-]{36} \d+\n$/);
      const cached = sh(`GUARD_DIR='${dir}'; guard_clock; echo "$guard_now"`).trim();
      for (const value of [first, cached]) {
        expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(Math.abs(Date.parse(value) - Date.now())).toBeLessThan(5_000);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('escapes JSON strings and matches branch patterns with set -f', () => {
    const out = sh(
      [
        `guard_json_escape 'a"b\\c'; printf "%s\\n" "$guard_json"`,
        `guard_json_escape "$(printf 'tab\\there')"; printf "%s\\n" "$guard_json"`,
        `guard_json_escape plain; printf "%s\\n" "$guard_json"`,
        `GUARD_PROTECTED_BRANCHES='main release/*'`,
        `for b in main release/1 release/a/b feature '*'; do if guard_branch_maybe_protected "$b"; then echo "$b yes"; else echo "$b no"; fi; done`,
      ].join('\n'),
    );
    expect(out.split('\n')).toEqual(['a\\"b\\\\c', 'tab?here', 'plain', 'main yes', 'release/1 yes', 'release/a/b yes', 'feature no', '* no', '']);
  });

  it('answers the status probe and nothing else, with a non-zero exit', () => {
    const r = spawnSync('/bin/sh', ['-c', `GUARD_HOOK=pre-push\nGUARD_PKG=${PROJECT_ROOT}\nGUARD_NODE=${process.execPath}\n. '${path.join(PROJECT_ROOT, 'hooks', 'lib.sh')}'\necho not reached`], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', GUARD_HOOK_PROBE: 'abc123' },
    });
    expect(r.status).toBe(97);
    expect(r.stderr).toBe('guard-hook-alive hook=pre-push probe=abc123 node=ok pkg=ok\n');
    expect(r.stdout).toBe('');
  });
});
