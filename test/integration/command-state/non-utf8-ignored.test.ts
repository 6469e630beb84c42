/**
 * An ignored directory whose name is not valid UTF-8 is judged like any other (issue 9): its
 * files are listed (src/git/path-facts.ts names it to git by a glob that matches its bytes,
 * since ls-files takes no --pathspec-from-file), so regenerable output in it is allowed, other
 * ignored files in it are captured, and a protected path in it denies. Before, such a directory
 * could not be listed and `rm -rf` over it was denied as "may hold protected paths".
 * Decided through the agent hook's evaluation (evaluateCommand) in a real repository.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { evaluateCommand } from '../../../src/cli/command-state.js';
import { readPolicy } from '../../../src/config/compile.js';
import { openRepo } from '../../../src/git/repo.js';
import { PROJECT_ROOT, createTestRepo, type TestRepo } from '../../helpers/git-repo.js';

let t: TestRepo | undefined;
afterEach(() => {
  t?.cleanup();
  t = undefined;
});

/** `work/<0xff>/` as bytes, the directory git lists as ignored. */
const BAD = Buffer.from([0xff]);

function writeBytes(repo: TestRepo, parts: Array<string | Buffer>, content: string): void {
  const full = Buffer.concat([Buffer.from(`${repo.dir}/`), ...parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))]);
  const dir = full.subarray(0, full.lastIndexOf(0x2f));
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(full, content);
}

function setup(): TestRepo {
  const repo = createTestRepo();
  fs.copyFileSync(path.join(PROJECT_ROOT, 'templates', 'guard.default.yaml'), path.join(repo.dir, '.guard.yaml'));
  // Every directory under work/ is ignored; work/ itself holds nothing else.
  repo.write('.gitignore', '/work/*/\n');
  repo.write('src/a.ts', 'x\n');
  repo.git(['add', '-A']);
  repo.git(['commit', '-q', '-m', 'init']);
  return repo;
}

async function decide(repo: TestRepo, command: string) {
  const opened = await openRepo(repo.dir);
  const policy = await readPolicy(opened);
  return evaluateCommand(command, { cwd: opened.root, repo: opened, policy, actor: { kind: 'agent', agent: 'test', marker: null }, home: repo.home });
}

describe('an ignored directory named with byte 0xff', () => {
  it('holding only regenerable output: rm -rf over it is allowed', async () => {
    t = setup();
    writeBytes(t, ['work/', BAD, '/node_modules/pkg/index.js'], 'module.exports = 1;\n');
    expect(t.git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory'])).toContain('work/\uFFFD/');
    const verdict = await decide(t, 'rm -rf work');
    expect(verdict).toMatchObject({ verdict: 'allow', capture: [] });
  });

  it('holding other ignored files: they are captured (named by their bytes), then the command runs', async () => {
    t = setup();
    writeBytes(t, ['work/', BAD, '/notes.txt'], 'mine\n');
    const verdict = await decide(t, 'rm -rf work');
    expect(verdict).toMatchObject({ verdict: 'snapshot', rule: 'rm-in-repo' });
    expect(verdict.capture).toEqual([Buffer.concat([Buffer.from('work/'), BAD, Buffer.from('/notes.txt')]).toString('latin1')]);
  });

  it('holding a protected path: denied, and the reason names it', async () => {
    t = setup();
    writeBytes(t, ['work/', BAD, '/node_modules/pkg/index.js'], 'module.exports = 1;\n');
    writeBytes(t, ['work/', BAD, '/migrations/001.sql'], 'create table t (id int);\n');
    const verdict = await decide(t, 'rm -rf work');
    expect(verdict).toMatchObject({ verdict: 'deny', rule: 'protected-path' });
    expect(verdict.reason).toContain('/migrations/001.sql');
  });
});
