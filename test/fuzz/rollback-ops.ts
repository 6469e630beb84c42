/**
 * The rollback fuzzer's wider states (test/fuzz/README.md, "Wider states"): git operations stopped
 * half way (a rebase on a conflict or at an `edit`, `git am`, a revert or a range of picks on a
 * conflict, a bisect, `git merge --autostash`), a submodule with local changes, and what an agent
 * does to them afterwards (`git rebase --abort`, `git am --abort`, `git bisect reset`,
 * `rm -rf .git/rebase-merge`, `git submodule update --force`, ...). Drawn from a stream of their
 * own (`wide`), so the seeds found before keep their cases when run without it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestRepo } from '../helpers/git-repo.js';
import { gitDirOf, gitOk, gitRaw, listEntries, refNames, removeAny, type Rng } from './rollback-gen.js';

const b = (s: string): Buffer => Buffer.from(s, 'utf8');

function write(repo: TestRepo, rel: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(repo.dir, rel)), { recursive: true });
  fs.writeFileSync(path.join(repo.dir, rel), text);
}

function commit(repo: TestRepo, files: Record<string, string>, message: string): void {
  for (const [rel, text] of Object.entries(files)) write(repo, rel, text);
  gitRaw(repo, ['add', '--', ...Object.keys(files)]);
  gitRaw(repo, ['commit', '-q', '--no-verify', '-m', message]);
}

const run = (repo: TestRepo, args: string[], env: Record<string, string> = {}): string => {
  const r = gitRaw({ ...repo, env: { ...repo.env, ...env } }, args);
  return `git ${args.join(' ')} -> ${r.code}`;
};

/** The submodule's path in the superproject, when the generator added one. */
export const SUBMODULE = 'sub';

/**
 * A submodule at `sub` (its own repository beside the test's, two commits), committed here, with
 * local changes in it: an edited tracked file, an untracked file, sometimes a commit made in the
 * submodule and not `git add`ed here (its HEAD differs from the gitlink).
 */
export function addSubmodule(repo: TestRepo, wide: Rng, log: string[]): void {
  const src = path.join(repo.base, 'subsrc');
  fs.mkdirSync(src, { recursive: true });
  const inSrc = { ...repo, dir: src };
  gitRaw(inSrc, ['init', '-q', '-b', 'main']);
  commit(inSrc, { 'lib.c': 'int one;\n', 'README': 'submodule\n' }, 'sub one');
  commit(inSrc, { 'lib.c': 'int one;\nint two;\n' }, 'sub two');
  const added = gitRaw(repo, ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', src, SUBMODULE]);
  if (added.code !== 0) {
    log.push(`submodule add failed: ${added.stderr.trim()}`);
    return;
  }
  gitRaw(repo, ['commit', '-q', '--no-verify', '-m', 'add submodule']);
  const inSub = { ...repo, dir: path.join(repo.dir, SUBMODULE) };
  if (wide.chance(0.4)) {
    commit(inSub, { 'lib.c': 'int one;\nint two;\nint three;\n' }, 'sub three (not added in the superproject)');
    log.push('submodule: a commit not staged here');
  }
  write(inSub, 'lib.c', `local edit ${wide.int(1000)}\n`);
  write(inSub, 'notes.txt', `untracked in the submodule ${wide.int(1000)}\n`);
  if (wide.chance(0.3)) gitRaw(inSub, ['add', 'notes.txt']);
  log.push('submodule sub with local changes');
}

/** Makes HEAD~k exist on the current branch: k commits touching `op-*.txt`. */
function ensureDepth(repo: TestRepo, k: number, tag: string): void {
  for (let i = 0; i < k; i++) commit(repo, { [`op-${tag}-${i}.txt`]: `${tag} ${i}\n` }, `${tag} ${i}`);
}

/**
 * A git operation stopped half way, on the current branch (the work tree clean of tracked changes
 * first: every one of them refuses otherwise). Returns the log line.
 */
export function stoppedOperation(repo: TestRepo, wide: Rng): string {
  const head = gitRaw(repo, ['symbolic-ref', '-q', '--short', 'HEAD']).stdout.toString().trim();
  if (gitRaw(repo, ['rev-parse', '-q', '--verify', 'HEAD']).code !== 0) return 'operation: none (unborn)';
  const conflictEnv = { GIT_EDITOR: 'true' };
  // Where to come back to: the branch, or the detached commit.
  const here = head || gitOk(repo, ['rev-parse', 'HEAD']).toString().trim();
  switch (wide.int(10)) {
    case 0: {
      // A rebase stopped on a conflict: HEAD's own change to op.txt over another branch's.
      gitRaw(repo, ['checkout', '-q', '-b', 'rebase-onto']);
      commit(repo, { 'op.txt': 'onto\n' }, 'onto');
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'mine\n' }, 'mine');
      commit(repo, { 'op-after.txt': 'after\n' }, 'after mine');
      const auto = wide.chance(0.3);
      if (auto) write(repo, 'conflict.txt', `dirty for --autostash ${wide.int(100)}\n`);
      return run(repo, ['rebase', ...(auto ? ['--autostash'] : []), ...(wide.chance(0.3) ? ['--apply'] : []), 'rebase-onto'], conflictEnv) + ' (rebase stopped on a conflict)';
    }
    case 1: {
      // rebase -i stopped at an edit (no conflict; HEAD detached at the picked commit).
      ensureDepth(repo, 3, 'edit');
      const script = wide.chance(0.5) ? "sed -i '1s/^pick/edit/'" : "sed -i '2s/^pick/edit/;3s/^pick/squash/'";
      return run(repo, ['-c', `sequence.editor=${script}`, 'rebase', '-i', 'HEAD~3'], conflictEnv) + ' (rebase -i stopped at an edit)';
    }
    case 2: {
      // rebase -r (labels: refs/rewritten/*) stopped on a conflict.
      gitRaw(repo, ['checkout', '-q', '-b', 'rebase-onto-r']);
      commit(repo, { 'op.txt': 'onto r\n' }, 'onto r');
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'mine r\n' }, 'mine r');
      return run(repo, ['rebase', '-r', 'rebase-onto-r'], conflictEnv) + ' (rebase -r stopped)';
    }
    case 3: {
      // git am stopped: a patch that does not apply (with -3: a conflicted index).
      const three = wide.chance(0.5);
      gitRaw(repo, ['checkout', '-q', '-b', 'am-source']);
      commit(repo, { 'op.txt': 'patched\n' }, 'patch one');
      commit(repo, { 'op-am.txt': 'second patch\n' }, 'patch two');
      const patches = gitOk(repo, ['format-patch', '--stdout', 'HEAD~2']);
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'here\n' }, 'here');
      const r = gitRaw(repo, ['am', ...(three ? ['-3'] : []), '-q'], patches);
      return `git am${three ? ' -3' : ''} -> ${r.code} (stopped)`;
    }
    case 4: {
      // A single revert on a conflict (REVERT_HEAD).
      commit(repo, { 'op.txt': 'r1\n' }, 'r1');
      commit(repo, { 'op.txt': 'r2\n' }, 'r2');
      return run(repo, ['revert', '--no-edit', 'HEAD~1'], conflictEnv) + ' (revert stopped)';
    }
    case 5: {
      // A range revert (sequencer/) stopped on its second commit.
      commit(repo, { 'op.txt': 'r1\n' }, 'r1');
      commit(repo, { 'op.txt': 'r2\n' }, 'r2');
      commit(repo, { 'op-r3.txt': 'r3\n' }, 'r3');
      return run(repo, ['revert', '--no-edit', 'HEAD', 'HEAD~2'], conflictEnv) + ' (range revert stopped)';
    }
    case 6: {
      // A range of picks (sequencer/) stopped on a conflict, picks left in the todo list.
      gitRaw(repo, ['checkout', '-q', '-b', 'picks']);
      commit(repo, { 'op-p1.txt': 'p1\n' }, 'p1');
      commit(repo, { 'op.txt': 'picked\n' }, 'p2');
      commit(repo, { 'op-p3.txt': 'p3\n' }, 'p3');
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'ours here\n' }, 'ours here');
      return run(repo, ['cherry-pick', 'picks~3..picks'], conflictEnv) + ' (range pick stopped)';
    }
    case 7: {
      // A bisect in progress (HEAD detached at the commit to test), marked once or twice.
      ensureDepth(repo, 4, 'bisect');
      const out = [run(repo, ['bisect', 'start', 'HEAD', 'HEAD~4'])];
      if (wide.chance(0.6)) out.push(run(repo, ['bisect', wide.pick(['good', 'bad', 'skip'])]));
      return `${out.join('; ')} (bisect)`;
    }
    case 8: {
      // git merge --autostash stopped on a conflict: the local changes in MERGE_AUTOSTASH.
      gitRaw(repo, ['checkout', '-q', '-b', 'merge-other']);
      commit(repo, { 'op.txt': 'theirs m\n' }, 'theirs m');
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'ours m\n', 'op-local.txt': 'committed\n' }, 'ours m');
      write(repo, 'op-local.txt', `local change kept by --autostash ${wide.int(1000)}\n`);
      return run(repo, ['merge', '--autostash', '--no-edit', 'merge-other'], conflictEnv) + ' (merge --autostash stopped)';
    }
    default: {
      // A cherry-pick of one commit without committing on a conflict, with rerere on.
      gitRaw(repo, ['config', 'rerere.enabled', 'true']);
      gitRaw(repo, ['checkout', '-q', '-b', 'pick-one']);
      commit(repo, { 'op.txt': 'one pick\n' }, 'one pick');
      gitRaw(repo, ['checkout', '-q', here]);
      commit(repo, { 'op.txt': 'other\n' }, 'other');
      return run(repo, ['cherry-pick', 'pick-one'], conflictEnv) + ' (pick stopped, rerere on)';
    }
  }
}

/**
 * What an agent does to a stopped operation or a submodule: abort, quit, skip or continue it,
 * remove git's state by hand, end a bisect, reset, and a submodule's changes discarded or the
 * submodule removed.
 */
export function wideDestroyStep(repo: TestRepo, wide: Rng): string {
  const gitDir = gitDirOf(repo);
  const sub = fs.existsSync(path.join(repo.dir, SUBMODULE, '.git'));
  const env = { GIT_EDITOR: 'true' };
  switch (wide.int(sub ? 16 : 12)) {
    case 0:
      return run(repo, ['rebase', wide.pick(['--abort', '--quit', '--skip'])], env);
    case 1:
      return run(repo, ['am', wide.pick(['--abort', '--quit', '--skip'])], env);
    case 2:
      return run(repo, [wide.pick(['cherry-pick', 'revert']), wide.pick(['--abort', '--quit', '--skip'])], env);
    case 3:
      return run(repo, ['merge', '--abort']);
    case 4:
      return run(repo, ['bisect', wide.pick(['reset', 'good', 'bad', 'skip'])]);
    case 5: {
      const name = wide.pick(['rebase-merge', 'rebase-apply', 'sequencer', 'MERGE_HEAD', 'MERGE_AUTOSTASH', 'REBASE_HEAD', 'BISECT_LOG', 'BISECT_START']);
      removeAny(b(path.join(gitDir, name)));
      return `rm -rf .git/${name}`;
    }
    case 6: {
      // Resolve by taking the work tree as it is and go on.
      gitRaw(repo, ['add', '-A']);
      return run(repo, [wide.pick(['rebase', 'am', 'cherry-pick', 'revert']), '--continue'], env);
    }
    case 7:
      return run(repo, ['commit', '-q', '--no-verify', '-a', '--no-edit'], env);
    case 8:
      return run(repo, ['reset', '-q', wide.pick(['--hard', '--merge', '--keep']), wide.pick(['HEAD', 'ORIG_HEAD', 'HEAD~1'])]);
    case 9:
      return run(repo, ['stash', wide.pick(['list', 'pop', 'drop'])]);
    case 10: {
      // The todo list edited by hand (an agent "fixing" the rebase).
      const todo = path.join(gitDir, 'rebase-merge', 'git-rebase-todo');
      if (!fs.existsSync(todo)) return 'no todo';
      fs.writeFileSync(todo, '');
      return 'emptied rebase-merge/git-rebase-todo';
    }
    case 11: {
      const { files } = listEntries(repo);
      return files.length > 0 ? run(repo, ['checkout', '-q', '--ours', '--', '.']) : 'none';
    }
    case 12:
      return run(repo, ['submodule', 'update', '--force', '--', SUBMODULE]);
    case 13:
      return run(repo, ['submodule', 'deinit', '-f', '-q', '--', SUBMODULE]);
    case 14:
      return run({ ...repo, dir: path.join(repo.dir, SUBMODULE) }, wide.pick([['reset', '-q', '--hard', 'HEAD~1'], ['clean', '-fdxq'], ['checkout', '-q', '--detach', 'HEAD~1']]));
    default:
      removeAny(b(path.join(repo.dir, SUBMODULE)));
      return `rm -rf ${SUBMODULE}`;
  }
}

/** A top-level name of the work tree made only of plain characters, for `--paths` (none: null). */
export function pathsTarget(repo: TestRepo, wide: Rng, extra: string[]): string | null {
  const { files, links, dirs } = listEntries(repo);
  const names = new Set<string>(extra);
  for (const p of [...files, ...links, ...dirs]) {
    const top = p.toString('latin1').split('/')[0]!;
    if (/^[A-Za-z0-9._-]+$/.test(top) && top !== '.gitignore' && top !== '.gitmodules' && top !== SUBMODULE) names.add(top);
  }
  return names.size > 0 ? wide.pick([...names].sort()) : null;
}

export { refNames };
