/**
 * pathText (how every path is given as text: as is, or git-quoted when it is not UTF-8 or holds
 * control characters) and pathFromText, its inverse: a name stored as text comes back to its
 * exact bytes.
 */
import { describe, expect, it } from 'vitest';
import { gitPath, gitPathOf, pathBytes, pathFromText, pathText } from '../../../src/git/path.js';

const NAMES: Buffer[] = [
  Buffer.from('plain/name.txt'),
  Buffer.from('caf\u00e9 \u{1f600}.md'),
  Buffer.from([0x62, 0x61, 0x64, 0xff, 0x2e, 0x65, 0x6e, 0x76]),
  Buffer.from('a\nb\tc\rd'),
  Buffer.from('"starts with a quote"'),
  Buffer.from('back\\slash and "quote'),
  Buffer.from([0x01, 0x7f, 0x80, 0xc3, 0x28]),
];

describe('pathFromText', () => {
  it('gives back the exact bytes of every name pathText wrote', () => {
    for (const bytes of NAMES) {
      const text = pathText(gitPathOf(bytes));
      expect(pathBytes(pathFromText(text)), text).toEqual(bytes);
    }
  });

  it('reads git\'s quoting and plain UTF-8 text', () => {
    expect(pathText(gitPathOf(NAMES[2]!))).toBe('"bad\\377.env"');
    expect(pathFromText('"bad\\377.env"')).toBe(gitPathOf(NAMES[2]!));
    expect(pathFromText('caf\u00e9.md')).toBe(gitPath('caf\u00e9.md'));
  });
});
