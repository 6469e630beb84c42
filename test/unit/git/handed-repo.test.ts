/**
 * repoFromRevParse: the paths of a `git rev-parse` a shim or the watcher's starter hands over in
 * the environment. Node decodes the environment as UTF-8, so a path that is not UTF-8 arrives with
 * U+FFFD, a name no directory has: taken as the repository, guard created a tree of that name
 * beside the real one and wrote its journal, policy and a watcher's state into it. Such a value is
 * not used; the caller asks git itself (openRepo), which refuses there and says why.
 */
import { describe, expect, it } from 'vitest';
import { repoFromRevParse } from '../../../src/git/repo.js';

describe('repoFromRevParse', () => {
  it('takes the four paths of a rev-parse', () => {
    const repo = repoFromRevParse('/w/caf\u00e9\n/w/caf\u00e9/.git\n/w/caf\u00e9/.git\n/w/caf\u00e9/.git/index\n');
    expect(repo?.root).toBe('/w/caf\u00e9');
  });

  it('refuses paths Node decoded with U+FFFD (not UTF-8 on disk)', () => {
    // What `Buffer.from('/w/caf\xe9', 'latin1')` reads back as when decoded as UTF-8.
    const decoded = Buffer.from('/w/caf\xe9', 'latin1').toString('utf8');
    expect(decoded).toContain('\ufffd');
    expect(repoFromRevParse(`${decoded}\n${decoded}/.git\n${decoded}/.git\n${decoded}/.git/index\n`)).toBeNull();
  });
});
