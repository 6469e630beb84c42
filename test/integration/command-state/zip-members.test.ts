/**
 * `unzip` over the repository was judged without its members (listing them was thought to cost a
 * read of the whole archive): every non-regenerable ignored file where it extracted was captured
 * (a large ignored dataset made any `unzip -o` a big snapshot or a capture-too-large denial), and
 * an agent's archive holding .guard.yaml or hook settings was extracted over the root unjudged. A
 * zip names its members in the central directory at its end, so they are read there, with no
 * process and nothing decompressed (src/util/zip-members.ts): only the ignored files a member
 * replaces are captured, and an agent's members are judged where each lands, as a copy's files are.
 * Through the installed agent hook; the real unzip runs, then `guard rollback` gives back the
 * bytes, modes, index and refs of before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { captureState, stateWithModes } from '../../helpers/state.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

const HAS_ZIP = spawnSync('sh', ['-c', 'command -v zip && command -v unzip']).status === 0;
const SECRET = Buffer.from('KEY=old\r\n\u00ff\u0000\n', 'latin1');

/** A zip at ../NAME.zip of `files` (relative name -> content), made by zip itself. */
function zip(t: TestRepo, name: string, files: Record<string, string>): string {
  const dir = path.join(t.base, `${name}-src`);
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  const out = path.join(t.base, `${name}.zip`);
  const r = spawnSync('zip', ['-q', '-r', out, ...Object.keys(files)], { cwd: dir, encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return out;
}

describe.skipIf(!HAS_ZIP)('unzip judged by the members its central directory names', () => {
  it('only the ignored file a member replaces is captured; rollback gives everything back; an archive replacing nothing takes no snapshot', async () => {
    await withTestRepo((t) => {
      t.write('.gitignore', '.env.local\ndata/\n');
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      t.write('.env.local', SECRET, 0o600);
      fs.chmodSync(path.join(t.dir, '.env.local'), 0o600);
      t.write('data/set.bin', 'a large ignored dataset\n');
      const one = zip(t, 'one', { '.env.local': 'KEY=new\n', 'src/x.ts': 'x\n' });
      const command = `unzip -o ${one}`;
      const verdict = checkVerdict(t, command);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'overwrite-ignored' });
      expect(verdict.reason).toContain('.env.local');
      // data/set.bin is not in the archive: not captured (it was before, with every ignored file there).
      expect(verdict.reason).not.toContain('data/set.bin');
      const before = stateWithModes(t, ['.env.local']);
      expect(agentVerdict(t, command).decision).toBe('allow');
      const r = spawnSync('sh', ['-c', command], { cwd: t.dir, env: t.env, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(t.read('.env.local')).toBe('KEY=new\n');
      const back = t.guard(['rollback', '--yes']);
      expect(back.code, back.stderr + back.stdout).toBe(0);
      expect(stateWithModes(t, ['.env.local'])).toEqual(before);
      expect(fs.readFileSync(path.join(t.dir, '.env.local'))).toEqual(SECRET);
      // An archive whose members replace no ignored file: nothing to capture.
      const two = zip(t, 'two', { 'src/y.ts': 'y\n' });
      expect(checkVerdict(t, `unzip -o ${two}`)).toMatchObject({ verdict: 'allow' });
      // -j junks the members' directories: judged as before, every ignored file there captured.
      expect(checkVerdict(t, `unzip -oj ${two}`).reason).toContain('whose members guard does not list');
    });
  });

  it("an agent's archive holding guard's files, a protected path or .git is refused, and nothing is extracted", async () => {
    await withTestRepo((t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'init']);
      const cases: Array<[string, string, string]> = [
        [zip(t, 'policy', { '.guard.yaml': 'rules:\n  hooks-disable: off\n', 'README.md': 'r\n' }), 'guard-self', '.guard.yaml'],
        [zip(t, 'hooks', { '.claude/settings.local.json': '{"disableAllHooks":true}\n' }), 'guard-self', '.claude/settings.local.json'],
        [zip(t, 'mig', { 'db/migrations/001.sql': 'drop table users;\n' }), 'protected-path', 'db/migrations/001.sql'],
        [zip(t, 'git', { '.git/hooks/pre-commit': '#!/bin/sh\nexit 0\n' }), 'git-dir-write', '.git'],
      ];
      const state = captureState(t);
      for (const [archive, rule, named] of cases) {
        const hook = agentVerdict(t, `unzip -o ${archive}`);
        expect(hook.decision, archive).toBe('deny');
        expect(hook.reason, archive).toContain(named);
        expect(hook.reason, archive).toContain(`(rule ${rule})`);
      }
      expect(captureState(t)).toEqual(state);
      // A person may extract guard's files; an agent's archive of ordinary files is allowed.
      expect(checkVerdict(t, `unzip -o ${cases[0]![0]}`).verdict).toBe('allow');
      expect(agentVerdict(t, `unzip -o ${zip(t, 'plain', { 'docs/x.md': 'x\n' })}`).decision).toBe('allow');
    });
  });
});
