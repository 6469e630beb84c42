/**
 * runGitBytes: arguments reach git as their exact bytes, also those that are not UTF-8 (Node
 * gives a child its argv as UTF-8 text only), and also bytes printf or the shell would read
 * (backslashes, `\c`, `%`, quotes, `$`, a trailing newline, an empty argument). Real git echoes
 * them back with `rev-parse --sq-quote`.
 */
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { GuardError } from '../../../src/errors.js';
import { runGitBytes } from '../../../src/git/run.js';

/** What `git rev-parse --sq-quote ARGS` prints for these bytes. */
function sqQuoted(args: Buffer[]): Buffer {
  const parts = args.map((a) => Buffer.concat([Buffer.from(" '"), Buffer.from(a.toString('latin1').split("'").join("'\\''"), 'latin1'), Buffer.from("'")]));
  return Buffer.concat([...parts, Buffer.from('\n')]);
}

describe('runGitBytes', () => {
  it('hands git every argument byte for byte', async () => {
    const args = [
      Buffer.from([0x72, 0x65, 0x6c, 0x2f, 0x62, 0x61, 0x64, 0xff]),
      Buffer.from([0x72, 0x65, 0x6c, 0x2f, 0x62, 0x61, 0x64, 0xfe]),
      Buffer.from('back\\slash \\c \\0377 %s %b $HOME "q" \'s\''),
      Buffer.from('ends with newlines\n\n'),
      Buffer.from(''),
      Buffer.from([0x80, 0xc3, 0x28, 0x01, 0x7f, 0x78]),
      Buffer.from('caf\u00e9'),
    ];
    const r = await runGitBytes(['rev-parse', '--sq-quote', ...args], { cwd: os.tmpdir() });
    expect(r.stdout.toString('hex')).toBe(sqQuoted(args).toString('hex'));
  });

  it('gives git its exit code, and names a non-UTF-8 argument as ref-name.ts writes it', async () => {
    const bad = Buffer.from([0x62, 0x61, 0x64, 0xff]);
    const r = await runGitBytes(['rev-parse', '--verify', '--quiet', bad], { cwd: os.tmpdir(), okCodes: [128] });
    expect(r.code).toBe(128);
    const error = await runGitBytes(['rev-parse', '--verify', '--quiet', bad], { cwd: os.tmpdir() }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuardError);
    expect((error as GuardError).details?.args).toEqual(['rev-parse', '--verify', '--quiet', 'bad\\377']);
  });
});
