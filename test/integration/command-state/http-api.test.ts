/**
 * http-api.ts reads a request body from a file only inside the repository, through the state
 * view's file reads (as every file a command names): `curl -X PATCH .../git/refs/heads/main -d
 * @body.json` is a forced ref update when body.json sets force, a fast-forward when it does not,
 * and a body guard cannot read (outside the repository, missing, stdin) counts as forced. Real
 * files in a hermetic repository, judged by check-command's evaluation in this process as the agent
 * hook judges (test/helpers/evaluated.ts; the first row through `guard check-command` itself).
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { evaluatedVerdict, expectEvaluatedVerdicts } from '../../helpers/evaluated.js';
import { checkVerdict, type VerdictCase } from '../../helpers/verdicts.js';
import fs from 'node:fs';

const REF = 'https://api.github.com/repos/o/r/git/refs/heads/main';

describe('http-api: request bodies read from files', () => {
  it('reads bodies in the repository, and counts one it cannot read as forcing', async () => {
    await withTestRepo(async (t) => {
      t.write('api/force.json', '{"sha": "abc123",\n  "force": true}\n');
      t.write('api/ff.json', '{"sha": "abc123", "force": false}\n');
      t.write('mutation.json', '{"query": "mutation { deleteRef(input: {refId: \\"R\\"}) { clientMutationId } }"}\n');
      const outside = path.join(t.base, 'outside.json');
      fs.writeFileSync(outside, '{"sha": "abc123"}\n');
      const cases: VerdictCase[] = [
        [`curl -X PATCH ${REF} -d @api/force.json`, 'deny', 'git-push-force'],
        [`curl -X PATCH ${REF} -d @api/ff.json`, 'allow', 'no-risk'],
        [`cd api && curl -X PATCH ${REF} --json @ff.json`, 'allow', 'no-risk'],
        [`curl -X PATCH ${REF} --data-binary @${outside}`, 'deny', 'git-push-force'],
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
      ];
      // check-command's own path for the first row; the table through the same evaluation in this process.
      expect(checkVerdict(t, cases[0]![0], { asAgent: true })).toEqual(await evaluatedVerdict(t, cases[0]![0], { asAgent: true }));
      await expectEvaluatedVerdicts(t, cases);
    });
  });
});
