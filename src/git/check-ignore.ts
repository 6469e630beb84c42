/**
 * Which paths git's ignore rules exclude, asked of one long-lived `git check-ignore` process: a
 * walk asks about each directory level as it finds it, and git answers while the walk goes on,
 * so there is no separate walk by git (`ls-files --others --ignored --directory` cost 0.3-0.4 s
 * on babel's 13k directories; this conversation ~0.15 s of git's CPU, beside our own walk).
 *
 * What git decides, not us: nested .gitignore files, info/exclude, core.excludesFile, negated
 * patterns (`!keep/`: answered with the pattern, which `-v` shows with its `!`), patterns that
 * only match directories (`build/`: git looks at the path on disk), and a path under an ignored
 * directory (ignored too: git cannot re-include inside an excluded directory).
 *
 * `--no-index` because without it git scans the whole index for every path it is asked about
 * (to leave tracked paths out): 7.7 s for babel's directories against 0.15 s. So an answer here
 * means "the rules exclude it"; whether a directory holds tracked files is the caller's question.
 *
 * Paths are bytes both ways (`-z`: no quoting). Each is sent as `./<path>`: a path that begins
 * with `:` would otherwise be read as pathspec magic, which check-ignore refuses and dies on.
 */
import fs from 'node:fs';
import { TEST_FAULTS, testFault } from '../util/test-faults.js';
import { gitPathsOf, type GitPath } from './path.js';
import { openGitPipe, runGit } from './run.js';

export interface IgnoreOracle {
  /** For each path (relative to the worktree root, as bytes, no trailing slash), whether the ignore rules exclude it. */
  ask(paths: readonly GitPath[]): Promise<boolean[]>;
  /** Ends the conversation. */
  close(): Promise<void>;
}

export function openIgnoreOracle(root: string): IgnoreOracle {
  // check-ignore dies on any pathspec magic, and these variables turn it on for every path.
  const env: Record<string, string | undefined> = { GIT_LITERAL_PATHSPECS: undefined, GIT_GLOB_PATHSPECS: undefined, GIT_NOGLOB_PATHSPECS: undefined, GIT_ICASE_PATHSPECS: undefined };
  // Test-only (compiled out of the product, util/test-faults.ts): git really dies at its first
  // question, as a check-ignore killed in the middle of a walk would, by that very magic.
  if (TEST_FAULTS) {
    const file = testFault('GUARD_TEST_CHECK_IGNORE_DIES_WHILE');
    if (file && fs.existsSync(file)) env.GIT_ICASE_PATHSPECS = '1';
  }
  // Started at the first question: a walk of a worktree whose directories are all in HEAD's
  // tree (the common case) asks none, and a process start costs the watcher's start-up 5-40 ms.
  let started: ReturnType<typeof openGitPipe> | null = null;
  const open = (): ReturnType<typeof openGitPipe> =>
    (started ??= openGitPipe(['check-ignore', '--no-index', '--stdin', '-z', '-v', '--non-matching'], {
      cwd: root,
      env,
      separator: 0,
      // exit 1: nothing asked about was ignored
      okCodes: [1],
    }));
  // Answers come in the order of the questions: each ask reads its own after the previous ask's.
  let reading: Promise<unknown> = Promise.resolve();
  return {
    ask(paths) {
      if (paths.length === 0) return Promise.resolve([]);
      const pipe = open();
      // One write per batch; a GitPath is a byte string, so latin1 gives its bytes back.
      pipe.write(Buffer.from(`./${paths.join('\0./')}\0`, 'latin1'));
      const answers = reading.then(async () => {
        // Per path: <source> NUL <line number> NUL <pattern> NUL <path> NUL; all empty but the
        // path when no pattern matched.
        const records = await pipe.readRecords(4 * paths.length, (index) => index % 4 === 2);
        const out: boolean[] = [];
        for (let i = 0; i < paths.length; i++) {
          const pattern = records[4 * i + 2]!;
          out.push(pattern !== '' && !pattern.startsWith('!'));
        }
        return out;
      });
      reading = answers.catch(() => undefined);
      return answers;
    },
    close: () => started?.close() ?? Promise.resolve(),
  };
}

/**
 * The directories of HEAD's tree (`ls-tree -r -d`, which reads trees, not the worktree: 0.04-0.1
 * s for babel's 13k against 0.4-0.5 s for git's walk of the untracked and ignored ones). A
 * directory that holds committed files is watched whatever the ignore rules say, so a walk
 * needs to ask git only about the others. Empty when there is no HEAD yet (then every directory
 * is asked about). Names come back as bytes, as the walk reads them.
 */
export async function headDirectories(root: string): Promise<Set<GitPath>> {
  // exit 128: no HEAD yet (an unborn branch), or HEAD unreadable: asking about everything is still right
  const result = await runGit(['ls-tree', '-r', '-d', '--name-only', '-z', 'HEAD'], { cwd: root, okCodes: [128] });
  return new Set(result.code === 0 ? gitPathsOf(result.stdout) : []);
}
