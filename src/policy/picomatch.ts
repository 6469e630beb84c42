/**
 * picomatch, loaded on its first use (createRequire keeps the call synchronous), so a command
 * that matches no glob does not pay for it. The hook bundles (scripts/build.mjs) replace this
 * file with one that takes picomatch from inside the bundle, also on first use: loading it from
 * node_modules through the CommonJS loader (six files, package.json lookups) cost the agent hook
 * 10-30 ms on these machines, more than the matching itself.
 */
import { createRequire } from 'node:module';
import type picomatchType from 'picomatch';

let loaded: typeof picomatchType | undefined;

export function picomatch(): typeof picomatchType {
  loaded ??= createRequire(import.meta.url)('picomatch') as typeof picomatchType;
  return loaded;
}
