/**
 * Escaped text carries any bytes (util/escaped-text.ts), and bash's `$'...'` decodes its escapes
 * to bytes (policy/command/parse.ts): a name that is not UTF-8 round-trips, and a typed character
 * is never mistaken for the byte of the same number.
 */
import { describe, expect, it } from 'vitest';
import { decodeAnsiC } from '../../../src/policy/command/parse.js';
import { escapedBytes, escapedText, shownEscaped } from '../../../src/util/escaped-text.js';

describe('escaped text', () => {
  it('round-trips every byte string', () => {
    const samples = [
      Buffer.from('plain/ascii'),
      Buffer.from('é/ü/日本/🙂'),
      Buffer.of(0x77, 0x74, 0xff),
      Buffer.of(0xc3), // a cut sequence
      Buffer.of(0xe6, 0x97, 0x41), // a broken three-byte sequence
      Buffer.of(0xed, 0xa0, 0x80), // an encoded surrogate, not valid UTF-8
      Buffer.of(0xc0, 0xaf), // overlong '/'
      Buffer.from([...Array(256).keys()]),
    ];
    for (const bytes of samples) expect(escapedBytes(escapedText(bytes)).equals(bytes)).toBe(true);
  });

  it('keeps a byte apart from the character of the same number', () => {
    expect(escapedBytes(escapedText(Buffer.of(0xff)))).toEqual(Buffer.of(0xff));
    expect(escapedText(Buffer.of(0xff))).not.toBe('ÿ');
    expect(escapedBytes('ÿ')).toEqual(Buffer.of(0xc3, 0xbf));
  });

  it('shows a name with escaped bytes as bash types it', () => {
    expect(shownEscaped('/tmp/plain')).toBe('/tmp/plain');
    expect(shownEscaped(escapedText(Buffer.from([...Buffer.from("/tmp/it's/wt"), 0xff])))).toBe("$'/tmp/it\\'s/wt\\xff'");
    // A control character keeps the name on one line of a message, typed back as the same bytes.
    expect(shownEscaped('a\tb\nc\rd\x01\\')).toBe("$'a\\tb\\nc\\rd\\x01\\\\'");
    expect(escapedBytes(decodeAnsiC(shownEscaped('a\tb\nc\rd\x01\\').slice(2, -1)))).toEqual(Buffer.from('a\tb\nc\rd\x01\\'));
    expect(shownEscaped('"quoted')).toBe('"quoted');
  });
});

describe("bash's $'...' decoding", () => {
  it('makes bytes of \\x and octal escapes', () => {
    expect(escapedBytes(decodeAnsiC('wt\\xff'))).toEqual(Buffer.from([...Buffer.from('wt'), 0xff]));
    expect(escapedBytes(decodeAnsiC('wt\\377'))).toEqual(Buffer.from([...Buffer.from('wt'), 0xff]));
    // A run of escapes that is UTF-8 is its character, as bash prints it.
    expect(decodeAnsiC('\\xc3\\xa9')).toBe('é');
    expect(decodeAnsiC('\\303\\251')).toBe('é');
    expect(decodeAnsiC('\\u00e9')).toBe('é');
    expect(decodeAnsiC('a\\tb\\n')).toBe('a\tb\n');
    expect(decodeAnsiC('🙂\\x41')).toBe('🙂A');
  });
});
