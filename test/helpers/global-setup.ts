// Builds dist/ (the product) and dist-test/ (with test-only fault injection, run under
// GUARD_TEST_BUNDLE=1) once before any test spawns bin/guard.js, so tests always run the current source.
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from './git-repo.js';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build.mjs', '--test'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
}
