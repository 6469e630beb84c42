/**
 * A build wrapper script (Maven's `./mvnw`, the shape rebuilt here) downloads into a temp
 * directory under a name it computes from a properties file, writes a marker file into what it
 * unpacked, and moves it into the user's cache. Read by guard since 2026-12-05, every such write
 * was "a path guard cannot know" and `./mvnw test` was refused for an agent in every Maven
 * project. Inside a script file guard read, a path the script computes is the build's own output,
 * as its unknown programs are: a snapshot first (rule script-unknown-write). Typed by the agent,
 * the same write is still refused; an unknown deletion in a script is still asked about.
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const WRAPPER = [
  '#!/bin/sh',
  'set -euf',
  'while IFS="=" read -r key value; do',
  '  case "$key" in distributionUrl) distributionUrl="$value" ;; esac',
  'done < wrapper.properties',
  'name="${distributionUrl##*/}"',
  'main="${name%.zip}"',
  'CACHE="${HOME}/.cache/wrapper/$main"',
  'if [ -d "$CACHE" ]; then exec "$CACHE/bin/tool" "$@"; fi',
  'if TMP_DIR="$(mktemp -d)" && [ -d "$TMP_DIR" ]; then',
  '  clean() { rm -rf -- "$TMP_DIR"; }',
  '  trap clean EXIT',
  'fi',
  'mkdir -p -- "${CACHE%/*}"',
  'curl -f -L -o "$TMP_DIR/$name" "$distributionUrl"',
  'unzip -q "$TMP_DIR/$name" -d "$TMP_DIR"',
  'printf %s\\\\n "$distributionUrl" >"$TMP_DIR/$main/wrapper.url"',
  'mv -- "$TMP_DIR/$main" "$CACHE"',
  'exec "$CACHE/bin/tool" "$@"',
  '',
].join('\n');

function setup(t: TestRepo): void {
  t.write('wrapper.properties', 'distributionUrl=https://example.invalid/tool-1.0.zip\n');
  t.write('toolw', WRAPPER, 0o755);
  t.write('.gitignore', '.env\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'wrapper']);
}

describe('paths a script computes when it runs', () => {
  it('a build wrapper that downloads under a computed name runs after a snapshot; typed, the same write is refused', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['./toolw test', 'sh toolw test']) {
        const verdict = checkVerdict(t, command, { asAgent: true });
        expect(verdict, command).toMatchObject({ verdict: 'snapshot', rule: 'script-unknown-write' });
        expect(verdict.reason, command).toContain('a path the script computes when it runs');
        expect(verdict.reason, command).toContain('run by');
      }
      expect(checkVerdict(t, 'T=$(mktemp -d); curl -o "$T/$x" https://example.invalid/a', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'opaque-command' });
      // What the script deletes under a name it computes is still asked about.
      t.write('cleanw', '#!/bin/sh\nd=$(cat dir.txt)\nrm -rf "$d"\n', 0o755);
      expect(checkVerdict(t, './cleanw', { asAgent: true })).toMatchObject({ verdict: 'ask', rule: 'rm-unknown-target' });
    });
  });
});
