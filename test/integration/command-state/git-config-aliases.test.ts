/**
 * A git alias defined in git's configuration (the repository's here; the global and system ones
 * are read the same way, by git): `git nuke` where `alias.nuke = reset --hard` was "no
 * destructive command found" and ran with no snapshot, losing the uncommitted work. The command
 * guard knew only aliases given on the command line. Now a subcommand that is not one of git's
 * own is looked up in git's configuration (one `git config`; git's own commands cost nothing
 * more) and judged as what it expands to.
 */
import { describe, expect, it } from 'vitest';
import { checkVerdict } from '../../helpers/verdicts.js';
import { allowedCheckGitArgv, commitGuardFiles, installedClaudeHook, loggedEvents, rollbackOk } from '../../helpers/guard-steps.js';
import { withTestRepo, type TestRepo } from '../../helpers/git-repo.js';

function setup(t: TestRepo): void {
  t.write('src/a.ts', 'committed\n');
  t.git(['add', '-A']);
  t.git(['commit', '-q', '-m', 'a']);
  t.git(['config', 'alias.nuke', 'reset --hard']);
  t.git(['config', 'alias.fp', 'push --force origin main']);
  t.git(['config', 'alias.st', 'status --short']);
  t.git(['config', 'alias.zap', '!rm -rf src']);
}

const configReads = (argv: string[][]): number => argv.filter((a) => a.includes('config') && a.includes('--get-regexp')).length;

describe("aliases in git's configuration", () => {
  it('are judged as what they run; git own commands and unknown ones cost what they did', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(checkVerdict(t, 'git nuke', { asAgent: true })).toMatchObject({ verdict: 'snapshot', rule: 'git-reset-hard' });
      expect(checkVerdict(t, 'git fp', { asAgent: true })).toMatchObject({ verdict: 'deny', rule: 'git-push-force' });
      // A shell alias is judged as the same alias given on the command line is.
      const zap = checkVerdict(t, 'git zap', { asAgent: true });
      expect(zap.verdict).not.toBe('allow');
      expect(zap).toMatchObject({ verdict: checkVerdict(t, "git -c alias.zap='!rm -rf src' zap", { asAgent: true }).verdict });
      // An alias cannot shadow git's own command: `git status` asks no configuration.
      expect(configReads(allowedCheckGitArgv(t, 'git status'))).toBe(0);
      expect(configReads(allowedCheckGitArgv(t, 'git st'))).toBe(1);
      expect(configReads(allowedCheckGitArgv(t, 'git no-such-thing'))).toBe(1);
    });
  });

  it('through the installed hook, `git nuke` takes a snapshot first, and the rollback gives the uncommitted work back', async () => {
    await withTestRepo((t) => {
      setup(t);
      expect(t.guard(['init', '--yes', '--agents', 'claude']).code).toBe(0);
      commitGuardFiles(t);
      t.write('src/a.ts', 'uncommitted work\n');
      expect(installedClaudeHook(t, 'git nuke').decision).toBe('allow');
      expect(loggedEvents<{ command: string; rule: string }>(t, 'allowed-after-snapshot')).toMatchObject([{ command: 'git nuke', rule: 'git-reset-hard' }]);
      t.git(['nuke']);
      expect(t.read('src/a.ts')).toBe('committed\n');
      rollbackOk(t);
      expect(t.read('src/a.ts')).toBe('uncommitted work\n');
      t.guard(['watch', 'stop']);
    });
  });
});
