/**
 * The one dotenv reader compose's env files (container-env.ts) and Laravel's and Symfony's
 * loaders (server-frameworks-php.ts) go through (src/policy/command/dotenv.ts): pure text in,
 * values out.
 */
import { describe, expect, it } from 'vitest';
import { dotenvEntries, interpolate, parseDotenv, UNKNOWN, whole } from '../../../../src/policy/command/dotenv.js';

describe('dotenv', () => {
  it('reads export, quotes, comments and values that span lines', () => {
    const text = '# comment\nexport APP_ENV=local\nDB_CONNECTION=mysql # the server\nQ="a \\"b\\" #c"\nS=\'$HOME\'\nM="one\ntwo"\nBROKEN="never closed\n';
    expect(dotenvEntries(text)).toEqual([
      { name: 'APP_ENV', value: 'local', literal: false },
      { name: 'DB_CONNECTION', value: 'mysql', literal: false },
      { name: 'Q', value: 'a "b" #c', literal: false },
      { name: 'S', value: '$HOME', literal: true },
      { name: 'M', value: 'one\ntwo', literal: false },
    ]);
  });

  it('keeps a URL scheme readable where only a part is unknown', () => {
    const vars = parseDotenv('USER=app\nDATABASE_URL="postgresql://${USER}:${DB_PASSWORD}@db/app"\nCMD=$(cat key)\nLIT=\'${X}\'\n');
    expect(vars.get('DATABASE_URL')).toBe(`postgresql://app:${UNKNOWN}@db/app`);
    expect(whole(vars.get('DATABASE_URL'))).toBeNull();
    expect(whole(vars.get('CMD'))).toBeNull();
    expect(vars.get('LIT')).toBe('${X}');
    expect(parseDotenv('A=${B}', new Map([['B', 'x']])).get('A')).toBe('x');
  });

  it("interpolates as compose does, null where a variable is unknown unless marked", () => {
    const lookup = (name: string): string | null | undefined => ({ SET: 'v', EMPTY: '', UNKNOWN_VAR: null } as Record<string, string | null>)[name];
    expect(interpolate('${UNSET:-development}', lookup)).toBe('development');
    expect(interpolate('${EMPTY:-d}/${EMPTY-d}', lookup)).toBe('d/');
    expect(interpolate('${SET:+yes}$$x', lookup)).toBe('yes$x');
    expect(interpolate('a${UNKNOWN_VAR}b', lookup)).toBeNull();
    expect(interpolate('a${UNKNOWN_VAR}b', lookup, true)).toBe(`a${UNKNOWN}b`);
  });
});
