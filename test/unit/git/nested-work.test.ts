/**
 * Where nestedRepositories (src/git/nested-work.ts) looks for a nested repository inside
 * regenerable output: the directory itself, each entry, npm scopes, and directories of directories
 * (Composer's vendor/VENDOR/NAME, Bundler's ruby/VERSION/bundler/gems/NAME); not inside a package
 * (a directory holding a file), not past an npm package but into its own node_modules. File system only: no git runs here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nestedRepositories } from '../../../src/git/nested-work.js';

describe('nestedRepositories', () => {
  it('finds a .git at the shallow places of regenerable output, and only there', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-nested-'));
    try {
      const dotGit = (rel: string, file = false): void => {
        fs.mkdirSync(path.join(root, file ? rel : path.join(rel, '.git')), { recursive: true });
        if (file) fs.writeFileSync(path.join(root, rel, '.git'), 'gitdir: elsewhere\n');
      };
      const write = (rel: string): void => {
        fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        fs.writeFileSync(path.join(root, rel), 'x\n');
      };
      write('node_modules/plain/package.json');
      dotGit('node_modules/foo');
      dotGit('node_modules/@scope/pub', true);
      // Inside a package, and an npm package's own directories: not looked at.
      write('node_modules/pkg/package.json');
      dotGit('node_modules/pkg/sub');
      dotGit('node_modules/notscope/deep');
      // npm's nested layout: a package's own node_modules (a dependency whose version conflicts with the hoisted one).
      dotGit('node_modules/pkg/node_modules/inner');
      write('vendor/autoload.php');
      dotGit('vendor/acme/lib');
      dotGit('vendor/bundle/ruby/3.2.0/bundler/gems/g-1a2b');
      write('vendor/composer/installed.json');
      dotGit('vendor/composer/inner');
      dotGit('build');
      fs.symlinkSync(path.join(root, 'node_modules/foo'), path.join(root, 'node_modules/link'));
      expect(nestedRepositories(root, ['node_modules/']).found.sort()).toEqual(['node_modules/@scope/pub', 'node_modules/foo', 'node_modules/pkg/node_modules/inner']);
      expect(nestedRepositories(root, ['vendor']).found.sort()).toEqual(['vendor/acme/lib', 'vendor/bundle/ruby/3.2.0/bundler/gems/g-1a2b']);
      expect(nestedRepositories(root, ['build/', 'vendor/autoload.php', 'missing/'])).toEqual({ found: ['build'], complete: true });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
