// globScan and globMatch answer plain text and simple globs without picomatch (it costs the agent
// hook 10-30 ms to load): they must answer exactly what picomatch answers.
import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';
import { describe, expect, it } from 'vitest';
import { globMatch, globScan } from '../../../../src/policy/command/paths.js';
import { compileGlob } from '../../../../src/policy/match.js';

const picomatch = createRequire(import.meta.url)('picomatch') as typeof picomatchType;

const GLOBS = [
  '.guard.yaml', '.gitattributes', '.github/workflows/**', '**/migrations/**', 'db/migrate/**', 'keys/**', 'a/b*/c', '*.pem',
  'src/[ab]/x', 'a/?/b', '/abs/**', 'a//b/**', './a/**', './a', 'a/b/', '**', '*', 'dir/*.sql', 'release/*', '.guard/**',
  'node_modules', '*.pyc', '*.egg-info', '*', '*.',  '.yarn/cache', 'bin/Debug', 'a{b,c}', '!(x)', 'a\\*b', '@(a|b)', '+(a)', 'c++/x', 'x@y', 'a!b',
];
const INPUTS = ['.pyc', 'a.pyc', 'a/b.pyc', '..pyc', 'x.pyc.d', '\n.pyc', 'a\nb.pyc', 'pyc', 'x.egg-info', '.egg-info', '.', '..', '.guard', '.guard/', '.guard/x', '.guard/x/y', '.guard/.x', '.guardx', '.guard//x', 'x/.guard/y', '.guard/../x', '.guard/./x', '.guard/..', '.guard/x/.', '.guard/\nx', '.guard/x\ry', 'keys/a\\b', 'keys/\u2028', '.guard.yaml', 'node_modules', 'dist', './a', 'a', 'a/', 'a/b', 'a/b/', 'a//b', 'x.pyc', '.pyc', 'c++/x', 'x@y', 'a!b', 'A', 'a*b', '.yarn/cache', 'bin/Debug'];

describe('globScan / globMatch without picomatch', () => {
  it('gives picomatch.scan\'s isGlob and base', () => {
    for (const glob of GLOBS) {
      const scan = picomatch.scan(glob);
      expect({ glob, ...globScan(glob) }).toEqual({ glob, isGlob: scan.isGlob, base: scan.base });
    }
  });

  it('matches plain text exactly as picomatch does, with and without dot', () => {
    for (const glob of GLOBS) {
      for (const input of [...INPUTS, glob]) {
        for (const dot of [true, false]) {
          expect({ glob, input, dot, match: globMatch(glob, input, { dot }) }).toEqual({ glob, input, dot, match: picomatch(glob.replace(/\[!/g, '[^'), { dot })(input) });
        }
      }
    }
  });

  it('compiles plain text in the policy matcher to what picomatch\'s regular expression answers', () => {
    for (const glob of GLOBS) {
      const made = picomatch.makeRe(glob, { dot: true });
      const re = new RegExp(made.source, `${made.flags.replace('s', '')}s`);
      for (const input of [...INPUTS, glob]) expect({ glob, input, match: compileGlob(glob)(input) }).toEqual({ glob, input, match: re.test(input) });
    }
  });
});
