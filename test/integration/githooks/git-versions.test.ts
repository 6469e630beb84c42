/**
 * Behaviour that depends on the git version (src/git/compat.ts), emulated: the `ref:<target>`
 * values git >= 2.46 writes to reference-transaction for symbolic-ref updates are fed to the
 * installed hook and to its Node handler; an older git is a wrapper first on PATH that reports an
 * older `git --version` and rejects the options that git did not have yet, the way it did.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENT_ENV, guarded } from './setup.js';
import type { Guarded } from './setup.js';

/** Runs the installed reference-transaction hook the way git does (cwd: worktree root, $0: its path). */
function runHook(repo: Guarded, state: string, input: string, env: Record<string, string> = {}) {
  const hook = path.join(repo.dir, '.git', 'hooks', 'reference-transaction');
  const r = spawnSync(hook, [state], { cwd: repo.dir, env: { ...repo.env, ...env }, input, encoding: 'utf8' });
  return { code: r.status ?? 128, stderr: r.stderr };
}

/** A directory holding a `git` that pretends to be `version` and lacks what git before it lacked. */
function fakeGit(repo: Guarded, version: string): Record<string, string> {
  const real = spawnSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).stdout.trim();
  const dir = path.join(repo.base, `git-${version}`);
  fs.mkdirSync(dir, { recursive: true });
  const [, minor] = version.split('.').map(Number) as [number, number];
  fs.writeFileSync(
    path.join(dir, 'git'),
    `#!/bin/sh
[ "$1" = --version ] && { echo "git version ${version}"; exit 0; }
for a in "$@"; do
  case $a in
    --disk-usage) [ ${minor} -lt 38 ] && { echo "fatal: unrecognized argument: --disk-usage" >&2; exit 128; } ;;
    -z) [ "$1" = worktree ] && [ ${minor} -lt 36 ] && { echo "error: unknown switch \\\`z'" >&2; exit 129; } ;;
  esac
done
if [ "$1" = rev-parse ] && [ ${minor} -lt 31 ]; then
  # git 2.30 echoes an option it does not know and prints paths relative to the cwd.
  shift
  for a in "$@"; do [ "$a" = --path-format=absolute ] && echo "$a"; done
  exec ${real} rev-parse $(for a in "$@"; do [ "$a" = --path-format=absolute ] || printf '%s ' "$a"; done)
fi
exec ${real} "$@"
`,
    { mode: 0o755 },
  );
  return { PATH: `${dir}:${repo.env.PATH}` };
}

describe('git >= 2.46: symbolic-ref values in reference-transaction', () => {
  it('lets HEAD symref updates through and still guards branches and refs/guard', () => {
    const repo = guarded({ remote: false });
    try {
      const main = repo.rev('main')!;
      const zero = '0'.repeat(40);
      // `git checkout topic` / `git symbolic-ref HEAD ...` on git 2.46.
      for (const state of ['prepared', 'committed']) {
        const r = runHook(repo, state, 'ref:refs/heads/main ref:refs/heads/topic HEAD\n');
        expect(r.code, r.stderr).toBe(0);
      }
      // The Node handler reads them too (the shim hands over mixed transactions).
      const node = repo.guard(['hook', 'reference-transaction', 'prepared'], { input: `ref:refs/heads/main ref:refs/heads/topic HEAD\n${zero} ${main} refs/heads/topic\n` });
      expect(node.code, node.stderr).toBe(0);
      expect(node.stderr).not.toContain('unexpected');

      // A guard ref turned into a symbolic ref is refused, as any write to refs/guard is.
      const guardRef = runHook(repo, 'prepared', `${zero} ref:refs/heads/main refs/guard/main/head\n`);
      expect(guardRef.code).not.toBe(0);
      expect(guardRef.stderr).toContain('rule guard-refs');

      // main made a symbolic ref to another branch, by an agent: a rewrite of a protected branch.
      const alias = runHook(repo, 'prepared', `${main} ref:refs/heads/topic refs/heads/main\n`, AGENT_ENV);
      expect(alias.code).not.toBe(0);
      expect(alias.stderr).toContain('rule protected-branch-rewrite');
      expect(repo.rev('main')).toBe(main);
    } finally {
      repo.cleanup();
    }
  });
});

describe('git >= 2.45: AUTO_MERGE removed in a transaction of its own after every commit', () => {
  it('leaves at once on deletions of pseudorefs (no journal line, no check), runs the chained hook, and still looks at a real ref', () => {
    const repo = guarded({ remote: false });
    try {
      const zero = '0'.repeat(40);
      const hooks = path.join(repo.dir, '.git', 'hooks');
      const journal = path.join(repo.dir, '.git', 'guard', 'journal.jsonl');
      // A hook manager wrote over guard's pre-commit: a committed run that looks says so.
      fs.writeFileSync(path.join(hooks, 'pre-commit'), "#!/bin/sh\n# the manager's own hook\nexit 0\n", { mode: 0o755 });
      fs.rmSync(path.join(repo.dir, '.git', 'guard', 'hooks-replaced'), { force: true });
      const before = fs.readFileSync(journal, 'utf8');
      for (const state of ['aborted', 'prepared', 'committed']) {
        for (const input of [`${zero} ${zero} AUTO_MERGE\n`, `${zero} ${zero} CHERRY_PICK_HEAD\n${zero} ${zero} REBASE_HEAD`]) {
          const r = runHook(repo, state, input);
          expect(r.code, r.stderr).toBe(0);
          expect(r.stderr, `${state}: ${input}`).toBe('');
        }
      }
      expect(fs.readFileSync(journal, 'utf8')).toBe(before);
      expect(fs.existsSync(path.join(repo.dir, '.git', 'guard', 'hooks-replaced'))).toBe(false);

      // The chained hook (the one guard init found there) still gets the input, and while
      // prepared its refusal still aborts the transaction.
      const log = path.join(repo.base, 'chained.log');
      fs.writeFileSync(path.join(hooks, 'reference-transaction.guard-chained'), `#!/bin/sh\necho "$1: $(cat)" >> ${log}\n[ "$1" != prepared ]\n`, { mode: 0o755 });
      expect(runHook(repo, 'prepared', `${zero} ${zero} AUTO_MERGE\n`).code).not.toBe(0);
      expect(runHook(repo, 'committed', `${zero} ${zero} AUTO_MERGE\n`).code).toBe(0);
      expect(fs.readFileSync(log, 'utf8')).toBe(`prepared: ${zero} ${zero} AUTO_MERGE\ncommitted: ${zero} ${zero} AUTO_MERGE\n`);
      fs.rmSync(path.join(hooks, 'reference-transaction.guard-chained'));

      // Not such a transaction: a branch deleted without an old value, or a pseudoref given a value.
      const main = repo.rev('main')!;
      for (const input of [`${zero} ${zero} refs/heads/gone\n`, `${zero} ${main} ORIG_HEAD\n`, `${zero} ${zero} AUTO_MERGE\n${zero} ${main} refs/heads/topic\n`]) {
        fs.rmSync(path.join(repo.dir, '.git', 'guard', 'hooks-replaced'), { force: true });
        const r = runHook(repo, 'committed', input);
        expect(r.code).toBe(0);
        expect(r.stderr, input).toContain("guard's pre-commit hook(s) in");
      }
    } finally {
      repo.cleanup();
    }
  });
});

describe('older git (a fake `git --version` and the options it lacked)', () => {
  it('git 2.30: every command says plainly that git is too old', () => {
    const repo = guarded({ remote: false });
    try {
      const env = fakeGit(repo, '2.30.2');
      for (const args of [['status'], ['list'], ['snapshot']]) {
        const r = repo.guard(args, { env });
        expect(r.code, args.join(' ')).toBe(1);
        expect(r.stderr).toContain('git 2.30.2 is too old: guard needs git 2.31 or newer');
        expect(r.stderr).not.toContain('internal error');
      }
    } finally {
      repo.cleanup();
    }
  });

  it('git 2.35: rollback works without `worktree list -z`, status says the store size needs 2.38', () => {
    const repo = guarded({ remote: false });
    try {
      const env = fakeGit(repo, '2.35.1');
      repo.write('src/app.js', 'changed\n');
      expect(repo.guard(['snapshot'], { env }).code).toBe(0);
      repo.write('src/app.js', 'lost\n');
      const r = repo.guard(['rollback', '--yes'], { env });
      expect(r.code, r.stderr).toBe(0);
      expect(repo.read('src/app.js')).toBe('changed\n');
      const status = repo.guard(['status'], { env });
      expect(status.stdout).toContain('size unknown (needs git 2.38)');
    } finally {
      repo.cleanup();
    }
  });
});
