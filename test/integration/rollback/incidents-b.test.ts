import { describe } from 'vitest';
import { incidents } from './incidents.js';
import { incidentTest } from './incident-suite.js';

// Split in two files so the two halves run in parallel.
const names = Object.keys(incidents);
describe('incident suite (part 2)', () => {
  for (const name of names.slice(Math.ceil(names.length / 2))) incidentTest(name, incidents[name]!);
  const chain = names.find((n) => n.startsWith('a chain'))!;
  incidentTest(chain, incidents[chain]!, { withHooks: true });
});
