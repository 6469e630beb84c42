/**
 * `expo prebuild --clean` deletes the native projects, `android/` and `ios/` (or the one
 * `--platform` names), and generates them again from app.json. In a managed project they are
 * ignored (create-t3-turbo: `apps/expo/ios`, `apps/expo/android` in .gitignore), and an edit made
 * there by hand (a Podfile tweak, a signing setting, AppDelegate code) is gone for good: the sweep
 * of 2026-12-05 evening found `npx expo prebuild --clean` "allow: no destructive command found".
 * Now judged as `rm -rf android ios` in the directory it runs in (the project's root): an
 * ignored one is captured first; regenerable output is not.
 */
import { knownField, type Field } from './expand.js';
import type { Invocation, Runtime } from './runtime.js';
import { checkDeleteTarget } from './targets.js';

export function classifyExpo(inv: Invocation, args: Field[], rt: Runtime): void {
  const words = args.map((a) => a.value);
  if (words[0] !== 'prebuild' || !words.includes('--clean')) return;
  const at = words.findIndex((w) => w === '--platform' || w === '-p');
  const platform = at >= 0 ? words[at + 1] : words.find((w) => w?.startsWith('--platform='))?.slice('--platform='.length);
  const dirs = platform === 'ios' || platform === 'android' ? [platform] : ['android', 'ios'];
  for (const dir of dirs) rt.report(checkDeleteTarget(knownField(dir), inv.cwd, rt.ctx, inv.source, { recursive: true, verb: 'expo prebuild --clean deletes' }));
}
