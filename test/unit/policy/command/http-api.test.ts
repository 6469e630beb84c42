/**
 * http-api.ts reads a request body from a file only inside the repository: `curl -X PATCH
 * .../git/refs/heads/main -d @body.json` is a forced ref update when body.json sets force, a
 * fast-forward when it does not, and a body guard cannot read (outside the repository, stdin)
 * counts as forced. Real files in a temp directory; no git needed (the classifier reads files).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyCommand, type CommandContext } from '../../../../src/policy/command/index.js';

const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'http-api-')));
const root = path.join(base, 'project');
fs.mkdirSync(path.join(root, 'api'), { recursive: true });
fs.writeFileSync(path.join(root, 'api', 'force.json'), '{"sha": "abc123",\n  "force": true}\n');
fs.writeFileSync(path.join(root, 'api', 'ff.json'), '{"sha": "abc123", "force": false}\n');
fs.writeFileSync(path.join(root, 'mutation.json'), '{"query": "mutation { deleteRef(input: {refId: \\"R\\"}) { clientMutationId } }"}\n');
fs.writeFileSync(path.join(base, 'outside.json'), '{"sha": "abc123"}\n');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const context: CommandContext = { cwd: root, repoRoot: root, gitDir: path.join(root, '.git'), home: path.join(base, 'home'), isAgent: true, protectedBranches: ['main'], protectedPaths: [] };
const REF = 'https://api.github.com/repos/o/r/git/refs/heads/main';

describe('http-api: request bodies read from files', () => {
  it.each([
    [`curl -X PATCH ${REF} -d @api/force.json`, 'deny', 'git-push-force'],
    [`curl -X PATCH ${REF} -d @api/ff.json`, 'allow', 'no-risk'],
    [`cd api && curl -X PATCH ${REF} --json @ff.json`, 'allow', 'no-risk'],
    [`curl -X PATCH ${REF} --data-binary @${path.join(base, 'outside.json')}`, 'deny', 'git-push-force'],
    [`curl -X PATCH ${REF} -d @api/missing.json`, 'deny', 'git-push-force'],
    [`cat api/ff.json | curl -X PATCH ${REF} -d @-`, 'deny', 'git-push-force'],
    [`curl -X PATCH ${REF} --data-raw @api/force.json`, 'allow', 'no-risk'],
    [`http PATCH ${REF} < api/ff.json`, 'allow', 'no-risk'],
    [`http PATCH ${REF} < api/force.json`, 'deny', 'git-push-force'],
    [`xh patch ${REF} @api/force.json`, 'deny', 'git-push-force'],
    [`wget --method=PATCH --body-file=api/force.json -qO- ${REF}`, 'deny', 'git-push-force'],
    [`wget --method=PATCH --body-file=api/ff.json -qO- ${REF}`, 'allow', 'no-risk'],
    ['curl -H "Authorization: bearer $T" -d @mutation.json https://api.github.com/graphql', 'deny', 'git-push-delete'],
    ['curl -d @mutation.json https://example.com/graphql', 'allow', 'no-risk'],
  ])('%s', (command, verdict, rule) => {
    const result = classifyCommand(command, context);
    expect({ verdict: result.verdict, rule: result.rule }).toEqual({ verdict, rule });
    if (verdict !== 'allow') expect(result.instead).toBeTruthy();
  });
});
