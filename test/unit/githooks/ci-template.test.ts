import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { PROJECT_ROOT } from '../../helpers/git-repo.js';

describe('templates/ci/github-workflow.yml', () => {
  it('is a workflow that runs guard verify on pull requests and pushes, with event values kept out of the script', () => {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, 'templates', 'ci', 'github-workflow.yml'), 'utf8');
    const workflow = YAML.parse(text);
    expect(Object.keys(workflow.on)).toEqual(['pull_request', 'push']);
    const steps = workflow.jobs.verify.steps as Array<Record<string, any>>;
    expect(steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with['fetch-depth']).toBe(0);
    const runs = steps.filter((s) => typeof s.run === 'string' && s.run.startsWith('guard verify'));
    expect(runs.map((s) => s.run)).toEqual(['guard verify "origin/${BASE_REF}...HEAD"', 'guard verify "${BEFORE}..${AFTER}" --branch "${BRANCH}"']);
    for (const step of steps) expect(String(step.run ?? '')).not.toContain('${{');
  });
});
