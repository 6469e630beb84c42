// Builds dist/ (the product) and dist-test/ (with test-only fault injection, run under
// GUARD_TEST_BUNDLE=1) once before any test spawns bin/guard.js, so tests always run the current source.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { PROJECT_ROOT, SHARED_CODE_CACHE } from './git-repo.js';

export default function setup(): void {
  // Each run's tests start from no code cache, as a user's first run does, and grow it from there.
  fs.rmSync(SHARED_CODE_CACHE, { recursive: true, force: true });
  execFileSync(process.execPath, ['scripts/build.mjs', '--test'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
