/**
 * A repository with every kind of file and state a snapshot must capture: staged, unstaged and
 * untracked changes; an exec bit, a symlink, binary and empty files; names with spaces, unicode
 * and a newline; an ignored file; several branches, a lightweight and an annotated tag; a stash
 * entry.
 */
import fs from 'node:fs';
import path from 'node:path';
import { quietRepoConfig, type TestRepo } from './git-repo.js';

export function buildRichRepo(repo: TestRepo): void {
  repo.write('README.md', '# project\n');
  repo.write('src/app.js', 'console.log("v1");\n');
  repo.write('src/lib/util.js', 'export const x = 1;\n');
  repo.write('bin/run.sh', '#!/bin/sh\necho run\n', 0o755);
  repo.write('assets/logo.bin', Buffer.from([0, 1, 2, 255, 254, 0, 10, 13]));
  repo.write('empty.txt', '');
  repo.write('.gitignore', 'ignored.log\nbuild/\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'first']);
  repo.write('src/app.js', 'console.log("v2");\n');
  repo.git(['commit', '-q', '-am', 'second']);
  repo.git(['branch', 'feature']);
  repo.git(['tag', 'v1']);
  repo.git(['tag', '-a', 'v1-annotated', '-m', 'release v1']);
  repo.write('src/app.js', 'console.log("v3");\n');
  repo.git(['commit', '-q', '-am', 'third']);
  // a commit only reachable from a side branch
  repo.git(['checkout', '-q', '-b', 'side']);
  repo.write('side.txt', 'side work\n');
  repo.git(['add', 'side.txt']);
  repo.git(['commit', '-q', '-m', 'side work']);
  repo.git(['checkout', '-q', 'main']);
  // a stash entry
  repo.write('README.md', '# project\nstashed line\n');
  repo.git(['stash', 'push', '-q', '-m', 'my stash']);
  // the uncommitted state
  repo.symlink('link-to-readme', 'README.md');
  repo.write('src/app.js', 'console.log("staged");\n');
  repo.git(['add', 'src/app.js', 'link-to-readme']);
  repo.write('src/app.js', 'console.log("staged then edited");\n');
  repo.write('src/lib/util.js', 'export const x = 2; // unstaged\n');
  repo.write('notes/new file.txt', 'untracked with a space\n');
  repo.write('notes/ünïcødé.txt', 'unicode name\n');
  repo.write('notes/line\nbreak.txt', 'newline in the name\n');
  repo.write('tools/new-tool.sh', '#!/bin/sh\necho tool\n', 0o755);
  repo.write('assets/new.bin', Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)));
  repo.write('ignored.log', 'ignored, not captured, never touched\n');
}

/**
 * From main, with `file` committed: commits `file` as "BRANCH\n" on a new branch `branch` and as
 * "main\n" on main, two changes git cannot merge without a conflict. Leaves main checked out.
 */
export function commitConflictingChanges(repo: TestRepo, file: string, branch: string): void {
  repo.git(['checkout', '-q', '-b', branch]);
  repo.write(file, `${branch}\n`);
  repo.git(['commit', '-q', '-am', branch]);
  repo.git(['checkout', '-q', 'main']);
  repo.write(file, 'main\n');
  repo.git(['commit', '-q', '-am', 'main']);
}

/** Leaves `repo` on branch `topic` in a rebase onto `main` that stopped on a conflict in a.txt. */
export function startConflictedRebase(repo: TestRepo): void {
  commitConflictingChanges(repo, 'a.txt', 'topic');
  repo.git(['checkout', '-q', 'topic']);
  if (repo.gitResult(['rebase', 'main']).code === 0) throw new Error('expected the rebase to stop on a conflict');
}

/** Leaves `repo` in a merge of branch `other` into `main` that stopped on a conflict in a.txt. */
export function startConflictedMerge(repo: TestRepo): void {
  commitConflictingChanges(repo, 'a.txt', 'other');
  const merge = repo.gitResult(['merge', 'other']);
  if (merge.code === 0) throw new Error('expected the merge to stop on a conflict');
}

/**
 * A library repository `<base>/lib-origin` (one commit: lib.txt) added to the repository as the
 * submodule `at`, committed. Returns the library's path.
 */
export function addSubmodule(repo: TestRepo, at: string): string {
  const origin = path.join(repo.base, 'lib-origin');
  repo.git(['init', '-q', '-b', 'main', origin]);
  fs.writeFileSync(path.join(origin, 'lib.txt'), 'library\n');
  repo.git(['add', '-A'], { cwd: origin });
  repo.git(['commit', '-q', '-m', 'lib'], { cwd: origin });
  repo.git(['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', origin, at]);
  repo.git(['commit', '-q', '-m', `add ${at}`]);
  return origin;
}

/**
 * Clones `<base>/upstream` (made here: `commits` commits, each rewriting a.txt, so older versions'
 * blobs exist only there) into the repository directory with `cloneArgs` (`--depth 1`,
 * `--filter=blob:none`), the way CI and agents' sandboxes clone: the repository must have been
 * created with `{ init: false }`. Returns upstream's path.
 */
export function cloneFromUpstream(repo: TestRepo, commits: number, cloneArgs: string[]): string {
  const upstream = path.join(repo.base, 'upstream');
  fs.mkdirSync(upstream);
  repo.git(['init', '-q', '-b', 'main'], { cwd: upstream });
  // A partial clone needs the server side to filter.
  repo.git(['config', 'uploadpack.allowFilter', 'true'], { cwd: upstream });
  for (let n = 1; n <= commits; n++) {
    fs.writeFileSync(path.join(upstream, 'a.txt'), `version ${n}\n`);
    repo.git(['add', '-A'], { cwd: upstream });
    repo.git(['commit', '-q', '-m', `upstream ${n}`], { cwd: upstream });
  }
  repo.git(['clone', '-q', ...cloneArgs, `file://${upstream}`, repo.dir]);
  quietRepoConfig(repo.dir);
  return upstream;
}
