/**
 * In-place editors (`sed -i`, `perl -pi`) over files guard knows only as a set: a glob
 * (`sed -i ... src/*.js`), what a find selects (`find src -name '*.js' -exec sed -i ... {} +`).
 * Before 2026-12-05 both were allowed with nothing captured, while `sed -i ... .env` was a
 * snapshot capturing .env first: an ignored src/config.local.js (or .env) matched by the
 * pattern lost its old bytes for good. Now the ignored files the set holds that are not
 * regenerable output are captured first (rule overwrite-ignored), and `guard rollback` gives
 * them back byte for byte. Run for real through Claude Code's hook, the command itself, then
 * rollback; names are bytes (an ignored name that is not UTF-8).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';
import { commitFiles, shellOk, writeFiles } from '../../helpers/repo-steps.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { stateWithModes } from '../../helpers/state.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

const LOCAL = Buffer.from('const a = "secret";\r\n\u00e9\u0000a\n', 'latin1');
const ENV = Buffer.from('a=1\nKEY=s3cr3t\n', 'latin1');
/** `src/<0xe9>.local.js`: an ignored file whose name is not UTF-8. */
const LATIN1 = Buffer.from('src/\xe9.local.js', 'latin1');

function setup(t: TestRepo, latin1 = false): void {
  commitFiles(t, { '.gitignore': '.env\n*.log\ndist/\n*.local.js\n', 'src/a.js': 'const a = 1;\n' });
  t.git(['config', 'core.excludesFile', '/dev/null']);
  fs.appendFileSync(path.join(t.dir, '.git/info/exclude'), 'src/config.local.js\n');
  writeFiles(t, { 'src/config.local.js': [LOCAL, 0o600], '.env': ENV, 'dist/out.js': 'a\n' });
  // captureState reads names as UTF-8: the one test with this name compares its bytes itself.
  if (latin1) fs.writeFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), LATIN1]), LOCAL);
}

const readLatin1 = (t: TestRepo): Buffer => fs.readFileSync(Buffer.concat([Buffer.from(`${t.dir}/`), LATIN1]));

const EDITS: Array<[string, string[]]> = [
  ['sed -i s/a/b/ src/*.js', ['src/config.local.js']],
  ['perl -pi -e s/a/b/ src/*', ['src/config.local.js']],
  ["find src -name '*.js' -exec sed -i s/a/b/ {} +", ['src/config.local.js']],
  ["find . -name .env -exec sed -i s/a/b/ {} \\;", ['.env']],
  ["find src -name '*.js' -exec perl -pi -e s/a/b/ {} +", ['src/config.local.js']],
  // A filter git cannot list exactly (-regex, -o): judged by everything under START.
  ["find src -regex '.*\\.js' -exec sed -i s/a/b/ {} +", ['src/config.local.js']],
  ['find src -name a.js -o -name config.local.js -exec sed -i s/a/b/ {} +', ['src/config.local.js']],
];

describe('an in-place edit of a glob or of what find selects captures the ignored files in it first', () => {
  it.each(EDITS)('%s: overwrite-ignored naming the file, run for real, rollback gives the bytes back', async (command, named) => {
    await withTestRepo((t) => {
      setup(t);
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      for (const name of named) expect(verdict.reason).toContain(name);
      const before = stateWithModes(t, ['src/config.local.js', '.env']);
      expect(agentVerdict(t, command).decision).toBe('allow');
      shellOk(t, command);
      const edited = named[0] === '.env' ? '.env' : 'src/config.local.js';
      expect(fs.readFileSync(path.join(t.dir, edited))).not.toEqual(edited === '.env' ? ENV : LOCAL);
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, 'src/config.local.js'))).toEqual(LOCAL);
      expect(fs.readFileSync(path.join(t.dir, '.env'))).toEqual(ENV);
      expect(stateWithModes(t, ['src/config.local.js', '.env'])).toEqual(before);
    });
  });

  it('an ignored name that is not UTF-8 matched by the glob is captured by its bytes', async () => {
    await withTestRepo((t) => {
      setup(t, true);
      const command = 'sed -i s/a/b/ src/*.js';
      expect(checkVerdict(t, command).reason).toContain('.local.js');
      expect(agentVerdict(t, command).decision).toBe('allow');
      shellOk(t, command);
      expect(readLatin1(t)).not.toEqual(LOCAL);
      rollbackOk(t);
      expect(readLatin1(t)).toEqual(LOCAL);
    });
  });

  it('a set with no ignored file to keep (tracked files, regenerable output, nothing) stays a plain write', async () => {
    await withTestRepo((t) => {
      setup(t);
      for (const command of ['sed -i s/a/b/ src/a.js', "find src -name 'a.js' -exec sed -i s/a/b/ {} +", 'sed -i s/a/b/ dist/*.js', 'sed -i s/a/b/ src/*.ts']) {
        expect(checkVerdict(t, command), command).toMatchObject({ verdict: 'allow' });
      }
    });
  });

  it('for an agent, a protected path find may select is refused, naming it and the way forward', async () => {
    await withTestRepo((t) => {
      setup(t);
      commitFiles(t, { '.guard.yaml': 'version: 1\nprotect:\n  paths:\n    - src/keys.js\n', 'src/keys.js': 'k\n' }, 'policy');
      const verdict = checkVerdict(t, "find src -name '*.js' -exec sed -i s/a/b/ {} +", { asAgent: true });
      expect(verdict).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
      expect(verdict.reason).toContain('src/keys.js');
      expect(verdict.instead).toContain('leaving src/keys.js out');
      expect(agentVerdict(t, "find src -name '*.js' -exec sed -i s/a/b/ {} +").decision).toBe('deny');
      expect(fs.readFileSync(path.join(t.dir, 'src/keys.js'), 'utf8')).toBe('k\n');
    });
  });
});
