/**
 * AGENTS_WITH_POST_TOOL (policy/actor.ts) says which agents run guard's post-tool hook after every
 * tool call: for them a `git clean` that deletes guard's own files is a snapshot, because that
 * hook puts the files back (restore/own-files.ts). It must be exactly the agents whose installed
 * hooks include the post-tool event, or a clean would be allowed where nothing puts them back.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGENTS } from '../../../src/agents/index.js';
import { installAgents } from '../../../src/agents/install.js';
import { openRepo } from '../../../src/git/repo.js';
import { AGENTS_WITH_POST_TOOL } from '../../../src/policy/actor.js';
import { withTestRepo } from '../../helpers/git-repo.js';

describe('AGENTS_WITH_POST_TOOL', () => {
  it('is the set of agents whose installed hooks run the post-tool event', () =>
    withTestRepo(async (t) => {
      t.write('a.txt', 'a\n');
      t.git(['add', '-A']);
      t.git(['commit', '-q', '-m', 'base']);
      const result = await installAgents(await openRepo(t.dir), { agents: 'all', env: t.env });
      const withPostTool = new Set<string>();
      for (const installed of result.installed) {
        const text = installed.files.filter((f) => fs.existsSync(path.resolve(t.dir, f.path)) && fs.statSync(path.resolve(t.dir, f.path)).isFile()).map((f) => fs.readFileSync(path.resolve(t.dir, f.path), 'utf8')).join('\n');
        if (/\bpost-tool\b/.test(text)) withPostTool.add(installed.agent);
      }
      expect(result.installed.map((i) => i.agent).sort()).toEqual(AGENTS.map((a) => a.id).sort());
      expect([...withPostTool].sort()).toEqual([...AGENTS_WITH_POST_TOOL].sort());
    }));
});
