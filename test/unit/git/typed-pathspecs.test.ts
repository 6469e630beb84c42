/**
 * commandLinePathspecs: a command's pathspecs (escaped text, util/escaped-text.ts) as arguments
 * for git's command line. Text goes as it is; a name with a byte that is not UTF-8 is named
 * bytewise (`?` per byte, under `:(glob)`) and git's root-relative answer is cut back to it; a
 * pattern gets `?` for that byte; magic that cannot be carried is refused (null). The integration
 * side (real git, through the agent hook) is test/integration/names/non-utf8-pathspecs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { commandLinePathspecs } from '../../../src/git/path.js';
import { escapedText } from '../../../src/util/escaped-text.js';

const e = (latin1: string): string => escapedText(Buffer.from(latin1, 'latin1'));

describe('commandLinePathspecs', () => {
  it('leaves text as it is and keeps all of git\'s answer', () => {
    const asked = commandLinePathspecs('/r', '/r/sub', ['a b', ':(glob)*.env', 'caf\u00e9']);
    expect(asked?.pathspecs).toEqual(['a b', ':(glob)*.env', 'caf\u00e9']);
    expect(asked?.keep('d\xe8/x')).toBe(true);
  });

  it('names a Latin-1 name bytewise, relative to the directory git runs in, and keeps only what is at or under it (root-relative bytes)', () => {
    const asked = commandLinePathspecs('/r', '/r/sub', [e('../d\xe9/')]);
    expect(asked?.pathspecs).toEqual([':(glob)../d?', ':(glob)../d?/**']);
    expect(asked?.keep('d\xe9')).toBe(true);
    expect(asked?.keep('d\xe9/k.env')).toBe(true);
    expect(asked?.keep('d\xe8/k.env')).toBe(false);
    expect(asked?.keep('sub/d\xe9/k.env')).toBe(false);
  });

  it('escapes glob characters of a :(literal) name, and gives a pattern `?` for the byte (more, never less)', () => {
    expect(commandLinePathspecs('/r', '/r', [e(':(literal)k[\xff]*.env')])?.pathspecs).toEqual([':(glob)k\\[?\\]\\*.env', ':(glob)k\\[?\\]\\*.env/**']);
    const pattern = commandLinePathspecs('/r', '/r', [e('d\xe9/*.env')]);
    expect(pattern?.pathspecs).toEqual(['d?/*.env']);
    expect(pattern?.keep('d\xe8/k.env')).toBe(true);
  });

  it('refuses other magic, an absolute path or a path outside the worktree with such a byte (null: the caller answers as where git fails)', () => {
    expect(commandLinePathspecs('/r', '/r', [e(':(icase)d\xe9')])).toBeNull();
    expect(commandLinePathspecs('/r', '/r', [e(':/d\xe9')])).toBeNull();
    expect(commandLinePathspecs('/r', '/r', [e('/r/d\xe9')])).toBeNull();
    expect(commandLinePathspecs('/r', '/r', [e('../d\xe9')])).toBeNull();
  });
});
