import { describe } from 'vitest';
import { incidents } from './incidents.js';
import { incidentTest } from './incident-suite.js';

// Split in two files so the two halves run in parallel.
const names = Object.keys(incidents);
describe('incident suite (part 1)', () => {
  for (const name of names.slice(0, Math.ceil(names.length / 2))) incidentTest(name, incidents[name]!);
  const reset = names.find((n) => n.startsWith('git reset --hard'))!;
  incidentTest(reset, incidents[reset]!, { withHooks: true });
});
