/**
 * Friction and catch with the repository's state (issue 9): the figures corpus (everyday.ts),
 * classified as the agent hook does (classifyWithState and the real reader) in a real repository
 * laid out like the one the corpus imagines at /home/dev/app (sources tracked; node_modules, dist,
 * build and the other outputs ignored; protected migrations and workflows tracked; .env ignored;
 * a home directory with dotfiles; a sibling project). Paths under /home/dev in the commands point
 * into that layout. The text-only figures are in figures.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPathFacts } from '../../../src/git/path-facts.js';
import { openRepo } from '../../../src/git/repo.js';
import { classifyWithState, type StateVerdict } from '../../../src/policy/command/index.js';
import { DEFAULT_PROTECTED_PATHS, DEFAULT_REGENERABLE } from '../../../src/policy/schema.js';
import { EVERYDAY, FIGURES_CONTEXT, UNRECOVERABLE } from '../../unit/policy/command/everyday.js';
import { createTestRepo } from '../../helpers/git-repo.js';

const stopped = (v: StateVerdict): boolean => v.verdict === 'deny' || v.verdict === 'ask';

/**
 * Rows this sandbox cannot stand for: /etc/nginx does not exist here (deleting nothing is
 * allowed), and the test's home lies under /tmp, which write-targets.ts treats as scratch for
 * `: >` and `cp /dev/null` (a real home is not under /tmp). They are left out of the catch figure.
 */
const SANDBOX_ARTIFACTS = ['rm -rf /etc/nginx', ': > ~/.bashrc', 'cp /dev/null ~/.gitconfig'];

describe('friction and catch with the repository as it is', () => {
  it('stays under the targets (friction <= 0.5%, catch >= 99%)', async () => {
    const t = createTestRepo();
    try {
      const home = path.join(fs.realpathSync(t.base), 'home', 'dev');
      const root = path.join(home, 'app');
      fs.mkdirSync(root, { recursive: true });
      t.git(['init', '-q', root]);
      const put = (rel: string, content = 'x\n'): void => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), content);
      };
      put('.gitignore', ['node_modules/', 'dist/', 'build/', 'out/', 'target/', '.next/', 'coverage/', '__pycache__/', '.pytest_cache/', '.mypy_cache/', '.ruff_cache/', '.venv/', 'venv/', '.turbo/', '.parcel-cache/', '.cache/', 'tmp/', 'logs/', '*.egg-info/', 'ios/Pods/', '.env', '*.log', ''].join('\n'));
      for (const rel of ['src/app.ts', 'src/utils.js', 'src/deep/a.ts', 'old-name.ts', 'a.txt', 'README', 'components/Button.tsx', 'package.json', 'requirements.txt', 'db/migrate/001_init.rb', 'prisma/migrations/001/migration.sql', 'migrations/0001.sql', '.github/workflows/ci.yml', '.gitattributes', '.claude/settings.json', 'fixtures/a.json', 'android/app/src/Main.kt']) put(rel);
      t.git(['add', '-A'], { cwd: root });
      t.git(['commit', '-q', '-m', 'init'], { cwd: root });
      for (const rel of ['node_modules/pkg/index.js', 'node_modules/orm/migrations/1.js', 'dist/index.js', 'build/out.o', 'out/a', 'target/debug/app', '.next/cache/x', 'coverage/lcov.info', '__pycache__/m.pyc', 'src/__pycache__/m.pyc', '.pytest_cache/v', '.mypy_cache/v', '.ruff_cache/v', '.venv/bin/python', 'venv/bin/python', '.turbo/x', '.parcel-cache/x', '.cache/x', 'tmp/x', 'logs/app.log', 'pkg.egg-info/PKG-INFO', 'android/app/build/x', 'ios/Pods/x', 'packages/a/dist/x', '.env']) put(rel);
      for (const rel of ['Documents/a.txt', '.ssh/id_ed25519', '.bashrc', '.zsh_history', '.gitconfig', 'other-project/x', 'other/x']) {
        fs.mkdirSync(path.dirname(path.join(home, rel)), { recursive: true });
        fs.writeFileSync(path.join(home, rel), 'mine\n');
      }
      const repo = await openRepo(root);
      const context = { ...FIGURES_CONTEXT, cwd: root, repoRoot: repo.root, gitDir: repo.gitDir, commonDir: repo.commonDir, home, protectedPaths: [...DEFAULT_PROTECTED_PATHS], scratchDirs: ['/tmp'] };
      const reader = (queries: Parameters<typeof readPathFacts>[1]) => readPathFacts(repo, queries, { regenerable: DEFAULT_REGENERABLE });
      const judge = async (command: string): Promise<StateVerdict> => (await classifyWithState(command.split('/home/dev').join(home), context, { reader })).verdict;
      const friction: string[] = [];
      for (const command of EVERYDAY) {
        const verdict = await judge(command);
        if (stopped(verdict)) friction.push(`${command}: ${verdict.verdict} (${verdict.rule})`);
      }
      const missed: string[] = [];
      const unrecoverable = UNRECOVERABLE.filter((c) => !SANDBOX_ARTIFACTS.includes(c));
      for (const command of unrecoverable) {
        const verdict = await judge(command);
        if (!stopped(verdict)) missed.push(`${command}: ${verdict.verdict} (${verdict.rule}) ${verdict.reason}`);
      }
      console.log(`friction ${friction.length}/${EVERYDAY.length}\n${friction.join('\n')}\nmissed ${missed.length}/${unrecoverable.length}\n${missed.join('\n')}`);
      expect(friction.length / EVERYDAY.length).toBeLessThanOrEqual(0.005);
      expect((unrecoverable.length - missed.length) / unrecoverable.length).toBeGreaterThanOrEqual(0.99);
    } finally {
      t.cleanup();
    }
  }, 300_000);
});
