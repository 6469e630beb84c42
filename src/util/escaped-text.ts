/**
 * Text that carries any bytes: the command guard works on a command line as text, but a shell word
 * can name a file whose name is not UTF-8 (`$'wt\xff'`, `$'\377'`, `printf '\377'`), and a path it
 * reads from git or the file system may hold such bytes too. Here every run of valid UTF-8 is its
 * characters and every other byte is the lone surrogate U+DC80 + byte (Python's "surrogateescape"),
 * so escapedText and escapedBytes are inverse: two names are equal as text exactly when their bytes
 * are, and the exact name goes back to an fs call. A lone surrogate is never valid UTF-8, so an
 * escaped byte cannot be confused with a typed character (`ÿ` stays the two bytes c3 bf).
 */
import { isUtf8 } from 'node:buffer';

const ESCAPE_BASE = 0xdc00;

/** The bytes as text, each byte that is not part of a valid UTF-8 sequence escaped. */
export function escapedText(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    const sequence = length > 0 ? bytes.subarray(i, i + length) : null;
    if (sequence && sequence.length === length && isUtf8(sequence)) {
      out += sequence.toString('utf8');
      i += length;
    } else {
      out += String.fromCharCode(ESCAPE_BASE + lead);
      i += 1;
    }
  }
  return out;
}

/** Whether `text` holds an escaped byte: the name it stands for is not UTF-8. */
export function holdsEscapedBytes(text: string): boolean {
  return ESCAPED_BYTE.test(text);
}

const ESCAPED_BYTE = /[\udc80-\udcff]/;

/** The bytes escapedText made `text` from (plain text is its UTF-8). */
export function escapedBytes(text: string): Buffer {
  if (!ESCAPED_BYTE.test(text)) return Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (const char of text) {
    const code = char.charCodeAt(0);
    // A lone low surrogate is its own code point in for..of; a paired one belongs to an astral char.
    parts.push(char.length === 1 && code >= 0xdc80 && code <= 0xdcff ? Buffer.of(code - ESCAPE_BASE) : Buffer.from(char, 'utf8'));
  }
  return Buffer.concat(parts);
}

/** Control characters bash's `$'...'` writes as escapes. */
const CONTROL_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Escaped text for a message: as is when it holds no escaped byte and no control character, else
 * as bash's `$'...'` with `\xHH` for those bytes (`\t`, `\n`, `\r`, `\xHH` for control
 * characters), which names the file exactly when typed into a shell, and keeps a name with a line
 * break on one line of the message (since 2026-12-07, helper bytes3).
 */
export function shownEscaped(text: string): string {
  if (!/[\udc80-\udcff\u0000-\u001f\u007f]/.test(text)) return text;
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char.length === 1 && code >= 0xdc80 && code <= 0xdcff) out += `\\x${(code - ESCAPE_BASE).toString(16)}`;
    else if (char === "'" || char === '\\') out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += CONTROL_ESCAPES[char] ?? `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `$'${out}'`;
}

/** A name git gave as bytes (a latin1 string, as git's -z output is read) for a message (shownEscaped). */
export function shownGitName(latin1: string): string {
  return shownEscaped(escapedText(Buffer.from(latin1, 'latin1')));
}
