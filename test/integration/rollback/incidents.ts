/**
 * Destructive things agents do, each as a function over a test repo. Shared by the incident
 * suite (rollback restores the state before, --undo restores the state after).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TestRepo } from '../../helpers/git-repo.js';

export type Incident = (repo: TestRepo) => void;

function deleteEveryFile(repo: TestRepo): void {
  for (const name of fs.readdirSync(repo.dir)) {
    if (name !== '.git') fs.rmSync(path.join(repo.dir, name), { recursive: true, force: true });
  }
}

export const incidents: Record<string, Incident> = {
  'delete every file in the worktree': deleteEveryFile,
  'git reset --hard to an older commit with uncommitted work': (repo) => {
    repo.git(['reset', '-q', '--hard', 'HEAD~2']);
  },
  'git checkout -- .': (repo) => {
    repo.git(['checkout', '--', '.']);
  },
  'git clean -fd': (repo) => {
    repo.git(['clean', '-q', '-fd']);
  },
  'git branch -D then reflog expire and gc --prune=now': (repo) => {
    repo.git(['branch', '-D', 'side']);
    repo.git(['tag', '-d', 'v1-annotated']);
    repo.git(['reflog', 'expire', '--expire=now', '--all']);
    repo.git(['gc', '-q', '--prune=now']);
  },
  'a rebase that drops commits': (repo) => {
    // Drops the two newest commits of main; --autostash puts the work back unstaged.
    repo.git(['rebase', '-q', '--autostash', '--onto', 'HEAD~2', 'HEAD'], { env: { GIT_EDITOR: 'true' } });
  },
  'git commit --amend over a commit': (repo) => {
    repo.git(['commit', '-q', '--amend', '-a', '-m', 'amended by an agent']);
  },
  'git stash drop': (repo) => {
    repo.git(['stash', 'drop', '-q']);
  },
  'overwriting files with garbage': (repo) => {
    for (const file of ['README.md', 'src/app.js', 'bin/run.sh', 'notes/new file.txt', 'assets/logo.bin']) {
      repo.write(file, Buffer.from('garbage\0garbage'));
    }
    fs.chmodSync(path.join(repo.dir, 'bin/run.sh'), 0o644);
  },
  'a chain: stash drop, checkout a branch, reset --hard, clean, delete files, gc': (repo) => {
    repo.git(['stash', 'drop', '-q']);
    repo.git(['add', '-A']);
    repo.git(['commit', '-q', '-m', 'agent commits everything']);
    repo.git(['checkout', '-q', 'feature']);
    repo.git(['reset', '-q', '--hard', 'HEAD~1']);
    repo.write('agent-junk.txt', 'junk\n');
    repo.git(['clean', '-q', '-fdx']);
    repo.git(['branch', '-D', 'side']);
    fs.rmSync(path.join(repo.dir, 'src'), { recursive: true, force: true });
    repo.git(['reflog', 'expire', '--expire=now', '--all']);
    repo.git(['gc', '-q', '--prune=now']);
  },
};
