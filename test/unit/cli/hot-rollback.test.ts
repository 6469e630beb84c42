/**
 * `guard rollback` has a bundle of its own (src/cli/hot.ts rollbackArgs, dist/hot-rollback.*):
 * every form it handles must give the rollback command exactly the fields commander gives it
 * (main.ts), and every other form goes to commander. In process: commander's parse of the same
 * words with the rollback's action replaced by one that keeps what it receives.
 */
import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../../src/cli/main.js';
import { rollbackArgs } from '../../../src/cli/hot.js';

/** What commander hands the rollback action for `guard rollback ...words` (undefined fields left out), or 'error'. */
function commanderArgs(words: string[]): Record<string, unknown> | 'error' {
  const program = buildProgram();
  program.configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const rollback = program.commands.find((c) => c.name() === 'rollback') as Command;
  rollback.exitOverride();
  let got: Record<string, unknown> | 'error' = 'error';
  rollback.action((id: string | undefined, options: Record<string, unknown>) => {
    got = Object.fromEntries(Object.entries({ ...options, id }).filter(([, v]) => v !== undefined));
  });
  try {
    program.parse(['node', 'guard', 'rollback', ...words]);
  } catch {
    return 'error';
  }
  return got;
}

describe('guard rollback through its own bundle', () => {
  const handled = [
    [],
    ['--yes'],
    ['-y'],
    ['abc123', '--yes'],
    ['--yes', 'abc123'],
    ['latest~2', '-y', '--json'],
    ['--undo', '--yes'],
    ['--undo', '-y', '--json'],
    ['--resume', '--yes'],
    ['abc123', '--dry-run'],
    ['--dry-run', '--json'],
    ['abc123', '--files-only', '--yes'],
    ['abc123', '--lfs-pointers', '--yes', '--yes'],
  ];
  it.each(handled)('handles %j as commander reads it', (...words) => {
    const mine = rollbackArgs(words);
    expect(mine).not.toBeNull();
    expect(mine).toEqual(commanderArgs(words));
  });

  const handedBack = [
    ['--help'],
    ['-h'],
    ['abc123', '-h'],
    ['--paths', 'src/**', '--yes'],
    ['--paths=src/**'],
    ['--session', 's1', '--yes'],
    ['a', 'b', '--yes'],
    ['--', 'abc123'],
    ['-yq'],
    ['--yes=1'],
    ['--bogus'],
    ['--cwd', '/tmp'],
  ];
  it.each(handedBack)('hands %j to commander', (...words) => {
    expect(rollbackArgs(words)).toBeNull();
  });
});
