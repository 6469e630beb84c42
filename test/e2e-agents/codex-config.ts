/**
 * The test's own Codex config.toml (in `<HOME>/.codex`, passed as CODEX_HOME): the scripted
 * provider, the trusted project, and guard's hooks trusted by the hashes guard computes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codexEventLabel, codexHookHash } from '../../src/agents/trust/codex.js';
import type { TestRepo } from '../helpers/git-repo.js';

export function writeCodexConfig(t: TestRepo, url: string, model = 'e2e-model'): void {
  const hooksFile = path.join(t.dir, '.codex', 'hooks.json');
  const hooks = JSON.parse(fs.readFileSync(hooksFile, 'utf8')).hooks as Record<string, Array<{ hooks: Array<Record<string, unknown>> }>>;
  const states = Object.entries(hooks).map(([event, groups]) => {
    const group = groups[0] as { hooks: Array<Record<string, unknown>> };
    return `[hooks.state."${hooksFile}:${codexEventLabel(event)}:0:0"]\ntrusted_hash = "${codexHookHash(event, group, group.hooks[0] as Record<string, unknown>)}"\n`;
  });
  const config = [
    `model = "${model}"`,
    'model_provider = "e2e"',
    '',
    '[model_providers.e2e]',
    'name = "e2e"',
    `base_url = "${url}"`,
    'wire_api = "responses"',
    '',
    `[projects."${t.dir}"]`,
    'trust_level = "trusted"',
    '',
    ...states,
  ].join('\n');
  fs.mkdirSync(path.join(t.home, '.codex'), { recursive: true });
  fs.writeFileSync(path.join(t.home, '.codex', 'config.toml'), config);
}
