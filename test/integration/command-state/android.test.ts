/**
 * An Android device or emulator (src/policy/command/android.ts): an app's data there (its
 * databases, preferences, files) is outside the repository and every snapshot, as a development
 * database is. Until 2026-12-07 every line here was "allow: no destructive command found"
 * (realproj6, on android/sunflower's workflow). No device is needed: guard reads the words.
 */
import { describe, expect, it } from 'vitest';
import { withTestRepo } from '../../helpers/git-repo.js';
import { expectEvaluatedTable } from '../../helpers/evaluated.js';
import { installedClaudeHook } from '../../helpers/guard-steps.js';
import { commitFiles } from '../../helpers/repo-steps.js';

describe('Android devices and emulators', () => {
  it("refuses what deletes an app's data on the device; installs, logs, the device's /data/local/tmp stay free", async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'settings.gradle.kts': 'rootProject.name = "app"\n', 'app/build.gradle.kts': 'plugins { id("com.android.application") }\n', '.gitignore': '/build\n/local.properties\n' });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      await expectEvaluatedTable(t, [
        ['adb uninstall com.google.samples.apps.sunflower', 'deny', 'device-app-data-delete', ['com.google.samples.apps.sunflower', 'its data']],
        ['adb -s emulator-5554 uninstall com.example.app', 'deny', 'device-app-data-delete', ['emulator-5554']],
        ['adb shell pm clear com.example.app', 'deny', 'device-app-data-delete', ['pm clear', 'com.example.app']],
        ['adb -s emulator-5554 shell "pm clear com.example.app && am start -n com.example.app/.MainActivity"', 'deny', 'device-app-data-delete', ['pm clear']],
        ['adb shell pm uninstall com.example.app', 'deny', 'device-app-data-delete'],
        ['adb shell cmd package clear com.example.app', 'deny', 'device-app-data-delete'],
        ['emulator -avd Pixel_6_API_34 -wipe-data', 'deny', 'device-app-data-delete', ['Pixel_6_API_34']],
        ['avdmanager delete avd -n Pixel_6_API_34', 'deny', 'device-app-data-delete', ['Pixel_6_API_34']],
        // files on the device: as ssh's remote command (remote-shell.ts), `run-as` in the app's data directory
        ['adb shell rm -rf /sdcard/Pictures/Sunflower', 'deny', 'remote-host-delete', ['/sdcard/Pictures/Sunflower', 'Android device']],
        ['adb shell run-as com.example.app rm databases/app.db', 'deny', 'remote-host-delete', ['/data/data/com.example.app/databases/app.db']],
        ['adb shell "$CMD"', 'deny', 'remote-host-delete'],
        // free: what keeps the data, reads, the device's scratch directory
        ['adb install -r app/build/outputs/apk/debug/app-debug.apk', 'allow', 'no-risk'],
        ['adb uninstall -k com.example.app', 'allow', 'no-risk'],
        ['adb shell pm uninstall -k com.example.app', 'allow', 'no-risk'],
        ['adb shell pm list packages', 'allow', 'no-risk'],
        ['adb shell am start -n com.example.app/.MainActivity', 'allow', 'no-risk'],
        ['adb logcat -d | grep app', 'allow', 'no-risk'],
        ['adb push build/x.json /data/local/tmp/x.json && adb shell rm -f /data/local/tmp/x.json', 'allow', 'no-risk'],
        ['adb shell run-as com.example.app ls databases', 'allow', 'no-risk'],
        ['adb shell', 'allow', 'no-risk'],
        ['emulator -avd Pixel_6_API_34 -no-snapshot', 'allow', 'no-risk'],
        ['avdmanager list avd', 'allow', 'no-risk'],
      ]);
      // Through the installed Claude hook, with the way forward that keeps the data.
      const hook = installedClaudeHook(t, 'adb shell pm clear com.google.samples.apps.sunflower');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('adb install -r');
      expect(installedClaudeHook(t, 'adb install -r app/build/outputs/apk/debug/app-debug.apk').decision).toBe('allow');
      // A person is asked.
      expect(t.guard(['check-command', '--json', 'adb uninstall com.example.app']).stdout).toContain('"ask"');
    });
  });
});

describe('iOS simulators (xcrun simctl)', () => {
  it("refuses what deletes a simulator's apps and their data, as adb uninstall is; list, boot, install, launch stay free", async () => {
    await withTestRepo(async (t) => {
      commitFiles(t, { 'App.xcodeproj/project.pbxproj': '// !$*UTF8*$!\n', '.gitignore': '/build\n' });
      const init = t.guard(['init', '--yes', '--agents', 'claude']);
      expect(init.code, init.stderr).toBe(0);
      // holes7 (2026-12-07): each deny row below was "allow: no destructive command found"
      await expectEvaluatedTable(t, [
        ['xcrun simctl uninstall booted com.example.app', 'deny', 'device-app-data-delete', ['com.example.app', 'data container']],
        ['xcrun --sdk iphonesimulator simctl uninstall booted com.example.app', 'deny', 'device-app-data-delete', ['com.example.app']],
        ['xcrun simctl erase all', 'deny', 'device-app-data-delete', ['every simulator']],
        ['xcrun simctl erase 8A1B2C3D-1111-2222-3333-444455556666', 'deny', 'device-app-data-delete', ['8A1B2C3D-1111-2222-3333-444455556666']],
        ['xcrun simctl delete all', 'deny', 'device-app-data-delete', ['every simulator']],
        ['xcrun simctl delete "iPhone 15"', 'deny', 'device-app-data-delete', ['iPhone 15']],
        ['xcrun simctl list devices', 'allow', 'no-risk'],
        ['xcrun simctl boot "iPhone 15"', 'allow', 'no-risk'],
        ['xcrun simctl install booted build/App.app', 'allow', 'no-risk'],
        ['xcrun simctl launch booted com.example.app', 'allow', 'no-risk'],
        ['xcrun simctl shutdown all', 'allow', 'no-risk'],
        ['xcrun simctl delete unavailable', 'allow', 'no-risk'],
        ['xcrun simctl erase', 'allow', 'no-risk'],
        ['xcrun simctl get_app_container booted com.example.app data', 'allow', 'no-risk'],
        ['xcrun -f simctl', 'allow', 'no-risk'],
      ]);
      // Through the installed Claude hook (its sh fast path must send the line to Node), with the way forward.
      const hook = installedClaudeHook(t, 'xcrun simctl uninstall booted com.example.app');
      expect(hook.decision).toBe('deny');
      expect(hook.reason).toContain('get_app_container');
      expect(installedClaudeHook(t, 'xcrun simctl delete all').decision).toBe('deny');
      expect(installedClaudeHook(t, 'xcrun simctl install booted build/App.app').decision).toBe('allow');
      // holes8 (2026-12-08): a keychain reset was free; the hook's sh fast path sends `reset` beside simctl to Node
      const keychain = installedClaudeHook(t, 'xcrun simctl keychain booted reset');
      expect(keychain.decision).toBe('deny');
      expect(keychain.reason).toContain('xcrun simctl clone DEVICE NAME');
      await expectEvaluatedTable(t, [
        ['xcrun simctl keychain booted reset', 'deny', 'device-app-data-delete', ['every keychain item on the simulator booted']],
        ['xcrun simctl keychain "iPhone 15" reset', 'deny', 'device-app-data-delete', ['iPhone 15']],
        // permission answers come back with `privacy DEVICE grant`; a certificate added is no loss
        ['xcrun simctl privacy booted reset all com.example.app', 'allow', 'no-risk'],
        ['xcrun simctl keychain booted add-root-cert certs/dev.pem', 'allow', 'no-risk'],
        ['xcrun simctl clone booted Backup', 'allow', 'no-risk'],
      ]);
      // A person is asked.
      expect(t.guard(['check-command', '--json', 'xcrun simctl erase all']).stdout).toContain('"ask"');
    });
  });
});
