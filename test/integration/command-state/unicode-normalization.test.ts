/**
 * A file system that folds Unicode normalization (APFS, case-sensitive APFS included, and HFS+;
 * `git init` probes it and sets core.precomposeUnicode): there `rm café.env` typed precomposed
 * (NFC, as agents type) deletes the `café.env` a zip, an rsync from Linux or an HFS+ volume left
 * decomposed (NFD, `e` + U+0301). Until 2026-12-05 guard looked the name up as typed (lstat and
 * literal pathspecs, byte for byte) and judged it "no destructive command found": no capture,
 * the ignored file lost. Now each part of a path is looked up as its directory holds it, folding
 * the normalization (path-facts.ts spelledOnDisk, name-folding.ts).
 *
 * CI has no such file system: these tests set core.precomposeUnicode on ext4 and check guard's
 * judgement, then make the deletion the way macOS would (the decomposed file goes) and roll back,
 * comparing bytes and modes. git on macOS also hands every name over composed (it precomposes
 * readdir and its command line); that half is checked on the spelling itself (`platform`).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { spelledOnDisk } from '../../../src/git/path-facts.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';
import { countGitProcesses, traceEnv } from '../../helpers/git-trace.js';
import { preToolHook } from '../../helpers/claude-hook.js';
import { rollbackOk } from '../../helpers/guard-steps.js';
import { agentVerdict, checkVerdict } from '../../helpers/verdicts.js';

const NFC = 'caf\u00e9.env';
const NFD = 'cafe\u0301.env';
const DIR_NFC = 'donn\u00e9es';
const DIR_NFD = 'donne\u0301es';
const SECRET = Buffer.from('TOKEN=n\u00e9\r\n\u0000end\n', 'latin1');
const DB = Buffer.from([0x53, 0x51, 0x4c, 0x00, 0xff, 0x10]);

function setup(t: TestRepo, precompose: boolean | null = true): void {
  t.write('.gitignore', '*.env\ndonn*/\n');
  t.write('README.md', '# readme\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'init']);
  t.write(NFD, SECRET, 0o600);
  t.write(`${DIR_NFD}/local.db`, DB, 0o640);
  if (precompose !== null) t.git(['config', 'core.precomposeUnicode', String(precompose)]);
}

function mode(t: TestRepo, file: string): number {
  return fs.statSync(path.join(t.dir, file)).mode & 0o777;
}

describe('core.precomposeUnicode: a name typed in one normalization reaches the file the directory holds in the other', () => {
  it('rm café.env (typed NFC) captures the decomposed café.env; after the deletion macOS makes, the rollback gives its bytes, name and mode back', async () => {
    await withTestRepo((t) => {
      setup(t);
      const verdict = checkVerdict(t, `rm ${NFC}`);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(verdict.reason).toContain(`the ignored file ${NFD}`);
      expect(agentVerdict(t, `rm ${NFC}`).decision).toBe('allow');
      // What `rm café.env` does where the file system folds normalization.
      fs.rmSync(path.join(t.dir, NFD));
      rollbackOk(t);
      expect(fs.readdirSync(t.dir)).toContain(NFD);
      expect(fs.readdirSync(t.dir)).not.toContain(NFC);
      expect(fs.readFileSync(path.join(t.dir, NFD))).toEqual(SECRET);
      expect(mode(t, NFD)).toBe(0o600);
    });
  });

  it('rm -rf données (typed NFC) captures the ignored local.db under the decomposed directory; with core.ignoreCase too, rm -rf DONNÉES does', async () => {
    await withTestRepo((t) => {
      setup(t);
      const verdict = checkVerdict(t, `rm -rf ${DIR_NFC}`);
      expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
      expect(verdict.reason).toContain(`${DIR_NFD}/local.db`);
      // Case alone does not fold here: DONNÉES is another name on case-sensitive APFS.
      expect(checkVerdict(t, `rm -rf ${DIR_NFC.toUpperCase()}`)).toMatchObject({ verdict: 'allow' });
      t.git(['config', 'core.ignoreCase', 'true']);
      expect(checkVerdict(t, `rm -rf ${DIR_NFC.toUpperCase()}`)).toMatchObject({ verdict: 'snapshot', reason: expect.stringContaining(`${DIR_NFD}/local.db`) });
      expect(agentVerdict(t, `rm -rf ${DIR_NFC.toUpperCase()}`).decision).toBe('allow');
      fs.rmSync(path.join(t.dir, DIR_NFD), { recursive: true });
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, DIR_NFD, 'local.db'))).toEqual(DB);
      expect(mode(t, `${DIR_NFD}/local.db`)).toBe(0o640);
    });
  });

  it("an agent's Write of café.env (NFC) captures the decomposed file, which the rollback gives back", async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(preToolHook(t, { tool: 'Write', file: NFC }).decision).toBe('allow');
      // The write macOS makes through the composed name.
      fs.writeFileSync(path.join(t.dir, NFD), 'NEW=1\n');
      rollbackOk(t);
      expect(fs.readFileSync(path.join(t.dir, NFD))).toEqual(SECRET);
      expect(mode(t, NFD)).toBe(0o600);
    });
  });

  it('core.precomposeUnicode false or unset: rm café.env deletes nothing there and is allowed; unset, no git process reads the setting; set, one, then none while the config is the same', async () => {
    await withTestRepo((t) => {
      setup(t, null);
      const trace = path.join(t.base, 'trace-unset.json');
      const r = t.guard(['check-command', '--json', `rm ${NFC}`], { env: traceEnv(trace) });
      expect(JSON.parse(r.stdout)).toMatchObject({ verdict: 'allow' });
      expect(countGitProcesses(trace).byCommand.find(([name]) => name === 'config')).toBeUndefined();
      t.git(['config', 'core.precomposeUnicode', 'false']);
      expect(checkVerdict(t, `rm ${NFC}`)).toMatchObject({ verdict: 'allow' });
      t.git(['config', 'core.precomposeUnicode', 'true']);
      expect(t.guard(['init', '--yes', '--agents', 'none']).code).toBe(0);
      const traceOn = path.join(t.base, 'trace-on.json');
      expect(JSON.parse(t.guard(['check-command', '--json', `rm ${NFC}`], { env: traceEnv(traceOn) }).stdout)).toMatchObject({ verdict: 'snapshot' });
      expect(countGitProcesses(traceOn).byCommand.find(([name]) => name === 'config')?.[1]).toBe(1);
      const traceAgain = path.join(t.base, 'trace-again.json');
      expect(JSON.parse(t.guard(['check-command', '--json', `rm ${NFC}`], { env: traceEnv(traceAgain) }).stdout)).toMatchObject({ verdict: 'snapshot' });
      expect(countGitProcesses(traceAgain).byCommand.find(([name]) => name === 'config')).toBeUndefined();
      // Both settings kept apart: ignoreCase alone does not fold normalization.
      t.git(['config', 'core.precomposeUnicode', 'false']);
      t.git(['config', 'core.ignoreCase', 'true']);
      expect(checkVerdict(t, `rm ${NFC}`)).toMatchObject({ verdict: 'allow' });
    });
  });

  it("the spelling: where git precomposes (macOS) the found name is given back composed, git's own name for it; elsewhere as the directory holds it", async () => {
    await withTestRepo((t) => {
      setup(t);
      const unicode = { case: false, unicode: true };
      expect(spelledOnDisk(t.dir, path.join(t.dir, NFC), unicode, 'linux')).toBe(path.join(t.dir, NFD));
      expect(spelledOnDisk(t.dir, path.join(t.dir, NFC), unicode, 'darwin')).toBe(path.join(t.dir, NFC));
      expect(spelledOnDisk(t.dir, path.join(t.dir, NFD), unicode, 'darwin')).toBe(path.join(t.dir, NFC));
      expect(spelledOnDisk(t.dir, path.join(t.dir, DIR_NFC, 'local.db'), unicode, 'linux')).toBe(path.join(t.dir, DIR_NFD, 'local.db'));
      // Nothing folds: as typed.
      expect(spelledOnDisk(t.dir, path.join(t.dir, NFC), { case: false, unicode: false }, 'darwin')).toBe(path.join(t.dir, NFC));
    });
  });
});
