/**
 * A copy of the installed package (what `npm install -g` lays down) in a test's directory, for
 * tests that upgrade or remove the package under a clone (the launcher's and the git hook shims'
 * stamp checks). node_modules is linked, not copied.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, type TestRepo } from './git-repo.js';

export function copyPackage(t: TestRepo): string {
  const pkg = path.join(t.base, 'pkg');
  fs.mkdirSync(pkg);
  for (const entry of ['bin', 'dist', 'hooks', 'templates', 'package.json']) fs.cpSync(path.join(PROJECT_ROOT, entry), path.join(pkg, entry), { recursive: true });
  fs.symlinkSync(path.join(PROJECT_ROOT, 'node_modules'), path.join(pkg, 'node_modules'));
  return pkg;
}
