/**
 * Ref names as git hands them to hooks are bytes, and need not be UTF-8 (`release/bad\377` is a
 * valid branch name). Node would decode them lossily (U+FFFD), so a name could no longer be
 * looked up, and two names could look alike. guard keeps a ref name as text: the UTF-8 text
 * when the bytes are UTF-8, otherwise every byte >= 0x80 written as a backslash and three octal
 * digits (`release/bad\377`, as git quotes such bytes). A backslash cannot occur in a ref name
 * (git-check-ref-format), so the text names exactly one ref; globs (`release/*`) match it, people
 * can read it, JSON can hold it, and refNameBytes gives back the bytes for git.
 */
import { isUtf8 } from 'node:buffer';

/** The text of a ref name given as bytes (or a line holding one, such as a hook's input line). */
export function refNameOf(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let out = '';
  for (const byte of bytes) out += byte >= 0x80 ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte);
  return out;
}

/** Each line of a hook's input as text, ref names as refNameOf writes them. */
export function hookInputText(input: Buffer): string {
  if (isUtf8(input)) return input.toString('utf8');
  const lines: string[] = [];
  let start = 0;
  for (let at = input.indexOf(0x0a); ; at = input.indexOf(0x0a, start)) {
    lines.push(refNameOf(input.subarray(start, at < 0 ? input.length : at)));
    if (at < 0) break;
    start = at + 1;
  }
  return lines.join('\n');
}

/** True when the name had bytes that are not UTF-8 (it cannot go on git's command line as is). */
export function hasEscapedBytes(name: string): boolean {
  return name.includes('\\');
}

/** The bytes of a ref name from its text (refNameOf's inverse). */
export function refNameBytes(name: string): Buffer {
  if (!hasEscapedBytes(name)) return Buffer.from(name, 'utf8');
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const m = name[i] === '\\' ? /^[0-7]{3}/.exec(name.slice(i + 1)) : null;
    if (m) {
      bytes.push(parseInt(m[0], 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(name[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}
