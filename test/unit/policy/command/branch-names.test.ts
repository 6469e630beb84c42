/**
 * The grep filters branch-names.ts reads, checked against GNU grep itself: for each filter the
 * lines `survives` lets through are the lines grep prints (C locale), or, where guard cannot
 * translate the patterns, a superset of them (the filter keeps every line).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { grepFilter, survives } from '../../../../src/policy/command/branch-names.js';
import { knownField } from '../../../../src/policy/command/expand.js';

const LINES = ['* feature', '  main', '  master', '  develop', '  mainline', '  fix/main-x', '+ wt-branch', '  release/1.0', '  MAIN2', '  a*b', '  x.y', '  dev'];

const FILTERS: Array<[string[], 'exact' | 'superset']> = [
  [['grep', '-v', 'main'], 'exact'],
  [['grep', '-v', '^\\*'], 'exact'],
  [['grep', '-v', '\\*'], 'exact'],
  [['grep', '-v', '*'], 'exact'],
  [['grep', '-vE', '(main|master|develop)'], 'exact'],
  [['egrep', '-v', '(^\\*|master|main)'], 'exact'],
  [['grep', '-Ev', '^\\*|main$'], 'exact'],
  [['grep', '-v', '-e', 'main', '-e', 'master'], 'exact'],
  [['grep', '-v', 'main\\|master'], 'exact'],
  [['grep', '-vx', '  main'], 'exact'],
  [['grep', '-vi', 'MAIN'], 'exact'],
  [['grep', '-vF', 'a*b'], 'exact'],
  [['grep', '-v', 'x.y'], 'exact'],
  [['grep', '-v', '[*+]'], 'exact'],
  [['grep', '-v', '[^ ] '], 'exact'],
  [['grep', 'release/'], 'exact'],
  [['grep', '-E', 'ma+in?'], 'exact'],
  [['grep', '-v', 'main$'], 'exact'],
  [['grep', '-v', '^  main$'], 'exact'],
  [['grep', '-vw', 'main'], 'superset'],
  [['grep', '-v', 'ma[a-z]n'], 'superset'],
  [['grep', '-v', '\\bmain\\b'], 'superset'],
  [['grep', '-vE', 'ma{1}in'], 'superset'],
  [['grep', '-v', 'ma\\{1\\}in'], 'superset'],
];

function grepPrints(argv: string[]): string[] {
  const result = spawnSync(argv[0] === 'egrep' ? 'grep' : argv[0]!, argv[0] === 'egrep' ? ['-E', ...argv.slice(1)] : argv.slice(1), { input: `${LINES.join('\n')}\n`, env: { ...process.env, LC_ALL: 'C' } });
  return result.stdout.toString('utf8').split('\n').filter((line) => line !== '');
}

describe('grep filters over `git branch` lines', () => {
  it.each(FILTERS)('%j keeps what grep keeps', (argv, kind) => {
    const filter = grepFilter(argv.map(knownField));
    expect(filter).not.toBeNull();
    const kept = LINES.filter((line) => survives(line, [filter!]));
    const printed = grepPrints(argv);
    if (kind === 'exact') {
      expect(filter!.patterns).not.toBeNull();
      expect(kept).toEqual(printed);
    } else {
      expect(filter!.patterns).toBeNull();
      expect(kept).toEqual(LINES);
    }
  });

  it('is no filter where grep prints anything but whole input lines, or reads a file', () => {
    for (const argv of [['grep', '-o', 'main'], ['grep', '-n', 'x'], ['grep', '-c', 'x'], ['grep', '-A1', '-v', 'main'], ['grep', '-v', 'main', 'file.txt'], ['grep', '--color=always', '-v', 'x'], ['grep', '-f', 'pats', '-v'], ['sed', 's/x//']]) {
      expect(grepFilter(argv.map(knownField)), argv.join(' ')).toBeNull();
    }
  });
});
