/**
 * Android devices and emulators: an app's data there (its databases, shared preferences and
 * files, what a developer set up by hand to test with) lives on another machine, outside the
 * repository and every snapshot, as a development database does. Until 2026-12-07 every line
 * here was "no destructive command found" (realproj6, on android/sunflower's workflow):
 *  - `adb uninstall PKG` deletes the app and its data (`-k` keeps the data: free);
 *  - `pm clear PKG`, `pm uninstall PKG` (without `-k`), `cmd package clear|uninstall PKG`, run by
 *    `adb shell` (the device's package manager; no such program exists on a development machine);
 *  - `adb shell CMD` (also `adb exec-out CMD`): the command runs on the device, judged as `ssh
 *    HOST CMD` is (remote-shell.ts): `adb shell rm -rf /sdcard/Pictures/x` deletes files there;
 *    `adb shell run-as PKG CMD` runs CMD in the app's data directory (`rm databases/app.db`);
 *    the device's /data/local/tmp is scratch, as /tmp;
 *  - `emulator -avd NAME -wipe-data` resets the emulator's user data (every app and its data);
 *  - `avdmanager delete avd -n NAME` deletes the emulator itself (`~/.android/avd/NAME.avd`).
 * Free: `adb install [-r]` (keeps the data), `adb uninstall -k`, `adb logcat`, `adb pull`,
 * `adb shell am start ...`, `adb shell pm list packages`, `emulator -avd NAME`, `./gradlew
 * installDebug` (an install keeps the data). `./gradlew uninstallAll` / `uninstall<Variant>` (the
 * Android Gradle plugin's tasks, adb uninstall on every connected device) are judged in
 * build-tools.ts with this rule.
 */
import type { Field } from './expand.js';
import { makeVerdict, unrecoverableKind } from './rules.js';
import { type Invocation, type Runtime, sub } from './runtime.js';
import { judgeRemote } from './remote-shell.js';
import { CONTAINER_FS } from './container-run.js';

/** The programs this module judges (commands.ts sends them here). */
export const ANDROID_PROGRAMS = new Set(['adb', 'emulator', 'avdmanager']);

/** adb's global options that take a value (`adb help`): the device's serial, transport id, server host, port, socket. */
const ADB_VALUES = new Set(['-s', '-t', '-H', '-P', '-L']);

/** adb shell's own options before the command (`-e ESCAPE` takes a value). */
const ADB_SHELL_FLAGS = /^-[nTtx]+$/;

/** Judges `adb`, `emulator` and `avdmanager` lines. */
export function classifyAndroid(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  if (name === 'emulator') return classifyEmulator(inv, args, rt);
  if (name === 'avdmanager') return classifyAvdmanager(inv, args, rt);
  let i = 0;
  let device = 'the device';
  for (; i < args.length; i++) {
    const w = args[i]!.value;
    if (w !== null && ADB_VALUES.has(w)) {
      if (w === '-s') device = args[i + 1]?.value ?? device;
      i++;
      continue;
    }
    if (w === null || !w.startsWith('-')) break;
  }
  const sub = args[i]?.value;
  const rest = args.slice(i + 1);
  if (sub === 'uninstall') {
    if (rest.some((a) => a.value === '-k')) return;
    const pkg = rest.find((a) => a.value === null || !a.value.startsWith('-'));
    rt.report(appDataVerdict(inv, rt, `adb uninstall deletes the app ${pkg?.display ?? 'PKG'} and its data (databases, preferences, files) on ${device}`));
    return;
  }
  if (sub !== 'shell' && sub !== 'exec-out') return;
  let j = 0;
  for (; j < rest.length; j++) {
    const w = rest[j]!.value;
    if (w === '-e') j++;
    else if (w === null || !ADB_SHELL_FLAGS.test(w)) break;
  }
  const words = rest.slice(j);
  if (words.length === 0) return; // an interactive shell: what is typed there is the person's
  const where = device === 'the device' ? 'the Android device' : `the Android device ${device}`;
  if (words.some((f) => f.value === null)) return judgeRemote(inv, 'adb', 'unknown', rt);
  // adb sends the words joined by spaces to the device's shell, which parses them again (as ssh);
  // `run-as PKG CMD` runs CMD as the app, in its data directory (a debug build's)
  let script = words.map((f) => f.value as string).join(' ');
  const runAs = /^run-as\s+(\S+)\s+(?:--user\s+\S+\s+)?(.+)$/s.exec(script);
  if (runAs) script = `cd /data/data/${runAs[1]} && ${runAs[2]}`;
  // the device's own scratch directory (where `adb push` puts test files) stays free, as a host's /tmp
  judgeRemote(inv, 'adb', { script, where, host: device, files: true, stdin: sub === 'shell', env: new Map(), configDir: null, scratch: ['/data/local/tmp'] }, rt);
}

/**
 * The device's package manager (`pm`, `cmd package`), as `adb shell` runs it: `clear PKG` deletes
 * the app's data, `uninstall PKG` the app with it (`-k` keeps the data).
 */
export function classifyDevicePackageManager(inv: Invocation, name: string, args: Field[], rt: Runtime): void {
  const words = name === 'cmd' ? args.slice(1) : args;
  const sub = words[0]?.value;
  if (sub !== 'clear' && sub !== 'uninstall') return;
  const rest = words.slice(1);
  if (sub === 'uninstall' && rest.some((a) => a.value === '-k')) return;
  const pkg = rest.find((a) => a.value === null || !a.value.startsWith('-'));
  const what = sub === 'clear' ? `deletes the data of the app ${pkg?.display ?? 'PKG'} (databases, preferences, files)` : `deletes the app ${pkg?.display ?? 'PKG'} and its data`;
  rt.report(appDataVerdict(inv, rt, `${name === 'cmd' ? 'cmd package' : 'pm'} ${sub} ${what} on the Android device`));
}

/** `emulator -avd NAME -wipe-data`: the emulator's user data reset. */
function classifyEmulator(inv: Invocation, args: Field[], rt: Runtime): void {
  if (!args.some((a) => a.value === '-wipe-data' || a.value === '--wipe-data')) return;
  const at = args.findIndex((a) => a.value === '-avd' || a.value === '@');
  const avd = at >= 0 ? args[at + 1]?.display : args.find((a) => a.value?.startsWith('@'))?.display?.slice(1);
  rt.report(appDataVerdict(inv, rt, `emulator -wipe-data resets the user data of the emulator ${avd ?? 'AVD'} (every app installed there and its data, in ~/.android/avd)`));
}

/** `avdmanager delete avd -n NAME`: the emulator and its data gone. */
function classifyAvdmanager(inv: Invocation, args: Field[], rt: Runtime): void {
  const words = args.filter((a) => a.value === null || !a.value.startsWith('-'));
  if (words[0]?.value !== 'delete' || words[1]?.value !== 'avd') return;
  const at = args.findIndex((a) => a.value === '-n' || a.value === '--name');
  rt.report(appDataVerdict(inv, rt, `avdmanager delete avd deletes the emulator ${at >= 0 ? (args[at + 1]?.display ?? 'AVD') : 'AVD'} with its apps and their data (~/.android/avd)`));
}

export function appDataVerdict(inv: Invocation, rt: Runtime, what: string, instead?: string) {
  return makeVerdict(unrecoverableKind(rt.ctx.isAgent), 'device-app-data-delete', `${what}, outside the repository, where no snapshot holds it`, inv.source, instead);
}

/**
 * `run-as PKG [--user UID] CMD ...` where it is not the first word of what `adb shell` runs (`adb
 * shell "cd /x && run-as com.app rm -rf databases"`, `adb shell 'run-as com.app ls; run-as
 * com.app rm -rf files'`): CMD runs as the app in its data directory, /data/data/PKG. Called in
 * the file pass of a machine guard cannot see (CommandContext.unseenFiles: every path there
 * mapped under CONTAINER_FS), where a deletion is `remote-host-delete`. Until 2026-12-07 (holes6)
 * only a leading run-as was read (classifyAndroid) and this was a program guard did not know: free.
 */
export function classifyRunAs(inv: Invocation, args: Field[], rt: Runtime): void {
  const pkg = args[0];
  if (pkg === undefined || pkg.value?.startsWith('-')) return;
  const rest = args.slice(args[1]?.value === '--user' ? 3 : 1);
  if (rest.length === 0) return;
  // a package guard cannot see: its data directory is not known (a relative path there is an unknown target)
  rt.exec(sub(inv, rest, { cwd: pkg.value === null || pkg.value.includes('/') ? null : `${CONTAINER_FS}/data/data/${pkg.value}` }));
}
