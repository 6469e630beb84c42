/**
 * The fuzzer's fixed corpus: commands earlier runs (and the hand probe before them) found losing
 * bytes, each fixed since; they run in CI with the seed set. And KNOWN: findings that are the
 * intended design, or a recorded hole not yet fixed, each with why.
 */
import type { CaseResult } from './oracle.js';

export const CORPUS: string[] = [
  // The hand probe of 2026-12-04: moves out of the repository, glob sources, output files, git mv -f, loops.
  'mv src/app.js ../out',
  'mv .env ../out',
  'cp src/*.js ../outdir/ && rm src/*.js',
  'sort README.md -o .env',
  'git mv -f notes.txt src/util.js',
  'for f in src/*.js; do mv "$f" ../out; done',
  // The Gemini CLI incident's shape: edits no snapshot holds yet, moved out of the repository.
  'mv src/util.js ../out',
  'mv notes.txt scratch/since.txt ../outdir',
  // Found by this fuzzer, 2026-12-05: a move inside the repository of an ignored file (fixed in
  // targets.ts checkMoveSource, test command-state/move-within-ignored.test.ts).
  'for f in .e*; do mv "$f" "$f.bak"; done',
  'mv local.db data.db',
  // A .gitignore rewritten: the rollback left .env and sub/.env at 0644 (fixed in rollback.ts,
  // test rollback/ignore-rules-changed.test.ts).
  'curl -s -o .gitignore file://$(cd .. && pwd)/payload.txt',
  // A rename in a one-liner was not looked at (fixed in scripts.ts, test
  // command-state/one-liner-rename.test.ts).
  `node -e "require('fs').renameSync('docs/crlf.txt', '../out')"`,
  // A hard link between working-tree files stopped the rollback at its index step (fixed in
  // rollback.ts, read-tree -i; test rollback/hard-link.test.ts).
  'ln -f src/app.js src/config.local.js',
  'ln -f src/util.js ./-dash.md',
  // Writers that replaced an ignored file with no capture (fixed 2026-12-05, test
  // command-state/writers.test.ts); rsync runs where it is installed.
  'git diff HEAD --output=.env',
  'git log -1 -p --output local.db',
  'git format-patch -1 -o sub && git format-patch -1 --output=src/config.local.js',
  'rsync -a sub/.env .',
];

export interface Known {
  why: string;
  matches(r: CaseResult): boolean;
}

export const KNOWN: Known[] = [];

/*
 * Found and not fixed (the oracle rolls back to the hook's own snapshot, so it does not report it):
 * the hook snapshots `rm -f src/*` capturing the ignored src/config.local.js; the session's watcher
 * (started by that hook) takes a snapshot of the same tree a moment later, before the command runs,
 * without the capture. `guard rollback <that watcher snapshot>` (the newest one before the damage
 * in `guard list`) does not bring src/config.local.js back: captured ignored files come back only
 * from snapshots at or after the target (src/restore/captured-ignored.ts). The default target (the
 * session's start) and the hook's snapshot do bring it back.
 */
