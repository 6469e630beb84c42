/**
 * iOS simulators (`xcrun simctl`): an app's data there (its container under
 * ~/Library/Developer/CoreSimulator/Devices/UDID/data) is what a developer set up by hand to test
 * with, outside the repository and every snapshot, as an Android emulator's is (android.ts, rule
 * `device-app-data-delete`). Until 2026-12-07 (holes7) every simctl line was "no destructive
 * command found" while `adb uninstall PKG` was refused:
 *  - `simctl uninstall DEVICE BUNDLE_ID` deletes the app and its data container;
 *  - `simctl erase DEVICE...|all` resets devices' content and settings (every app and its data);
 *  - `simctl delete DEVICE...|all` deletes devices with their data;
 *  - `simctl keychain DEVICE reset` deletes every keychain item there: the logins and tokens the
 *    apps saved, what a developer signed in by hand to test with (since 2026-12-08, holes8).
 * Free: `list`, `boot`, `shutdown`, `install` (a reinstall keeps the data), `launch`, `terminate`,
 * `openurl`, `io`, `get_app_container`, `create`, `clone`, `privacy` (`reset` too: it forgets
 * permission answers, no data, and `privacy DEVICE grant SERVICE BUNDLE_ID` gives them back),
 * `keychain DEVICE add-root-cert|add-cert`, `push`, `status_bar`,
 * `delete unavailable` (devices of runtimes no longer installed, which cannot boot: routine
 * clean-up) and `erase`/`delete`/`uninstall` with nothing named (simctl refuses them). `simctl
 * spawn DEVICE CMD` is not judged (Known limits).
 */
import type { Field } from './expand.js';
import type { Invocation, Runtime } from './runtime.js';
import { appDataVerdict } from './android.js';

/** The programs this module judges (commands.ts sends them here). */
export const SIMULATOR_PROGRAMS = new Set(['xcrun', 'simctl']);

/** xcrun's options that take a value (`man xcrun`). */
const XCRUN_VALUES = new Set(['-sdk', '--sdk', '-toolchain', '--toolchain']);

/** The way forward: copy the app's data container first, or keep it by reinstalling. */
const INSTEAD =
  'Keep the data: `xcrun simctl install DEVICE App.app` replaces the app and keeps its data; copy it first (`cp -R "$(xcrun simctl get_app_container booted BUNDLE_ID data)" ./app-data`, `xcrun simctl clone DEVICE NAME` before an erase); or ask the person to run it.';

/** The way forward for a keychain reset: simctl exports no keychain, but a clone copies the device whole. */
const KEYCHAIN_INSTEAD = 'Keep the keychain: `xcrun simctl clone DEVICE NAME` first copies the simulator with its keychain; or ask the person to run it.';

/** Judges `xcrun simctl ...` (and `simctl ...` run by its path). */
export function classifySimulator(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  let i = 0;
  if (name === 'xcrun') {
    for (; i < args.length; i++) {
      const w = args[i]!.value;
      if (w === null) return;
      if (XCRUN_VALUES.has(w)) {
        i++;
        continue;
      }
      // `xcrun -f simctl` only prints the tool's path
      if (w === '-f' || w === '--find' || w === '--show-sdk-path' || w === '--show-sdk-version') return;
      if (!w.startsWith('-')) break;
    }
    if (args[i]?.value !== 'simctl') return;
    i++;
  }
  // simctl's own option before the subcommand: `--set PATH` (a device set elsewhere)
  while (args[i]?.value === '--set' || args[i]?.value === '--noxpc') i += args[i]!.value === '--set' ? 2 : 1;
  const sub = args[i]?.value;
  const named = args.slice(i + 1).filter((a) => a.value === null || !a.value.startsWith('-'));
  const shown = named.map((a) => a.display).join(' ');
  if (sub === 'uninstall' && named.length >= 2) {
    rt.report(appDataVerdict(inv, rt, `xcrun simctl uninstall deletes the app ${named[1]!.display} and its data container on the simulator ${named[0]!.display}`, INSTEAD));
  } else if (sub === 'erase' && named.length > 0) {
    const which = named[0]!.value === 'all' ? 'every simulator' : `the simulator ${shown}`;
    rt.report(appDataVerdict(inv, rt, `xcrun simctl erase resets the content and settings of ${which} (every app installed there and its data)`, INSTEAD));
  } else if (sub === 'delete' && named.length > 0 && !(named.length === 1 && named[0]!.value === 'unavailable')) {
    const which = named[0]!.value === 'all' ? 'every simulator' : `the simulator ${shown}`;
    rt.report(appDataVerdict(inv, rt, `xcrun simctl delete deletes ${which} with its apps and their data (~/Library/Developer/CoreSimulator)`, INSTEAD));
  } else if (sub === 'keychain' && named.length >= 2 && named[1]!.value === 'reset') {
    rt.report(appDataVerdict(inv, rt, `xcrun simctl keychain reset deletes every keychain item on the simulator ${named[0]!.display} (the logins and tokens its apps saved)`, KEYCHAIN_INSTEAD));
  }
}
