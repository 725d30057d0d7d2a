import type { BranchDevice } from '../branch/event';

// Branch's upper-case OS names and the spelling Mixpanel's SDKs use for `$os`.
const OS_NAMES: Readonly<Record<string, string>> = {
  IOS: 'iOS',
  IPADOS: 'iPadOS',
  ANDROID: 'Android',
  MAC_OS: 'Mac OS X',
  MACOS: 'Mac OS X',
  'MAC OS X': 'Mac OS X',
  WINDOWS: 'Windows',
  WINDOWS_PHONE: 'Windows Phone',
  LINUX: 'Linux',
  CHROME_OS: 'Chrome OS',
  TV_OS: 'tvOS',
  TVOS: 'tvOS',
  ROKU_OS: 'Roku OS',
  FIRE_OS: 'Fire OS',
};

/** Normalises Branch's OS name (`IOS`, `ANDROID`, `MAC_OS`) to Mixpanel's (`iOS`, `Android`, `Mac OS X`). */
export function normalizeOsName(os: string): string {
  return OS_NAMES[os.trim().toUpperCase()] ?? os.trim();
}

/** Maps device facts to Mixpanel's default property names. */
export function mapDeviceProperties(device: BranchDevice): Record<string, string | undefined> {
  return {
    $os: device.os === undefined ? undefined : normalizeOsName(device.os),
    $os_version: device.osVersion,
    $model: device.model,
    $brand: device.brand,
    $app_version_string: device.appVersion,
    $browser: device.browser,
    $carrier: device.carrier,
    $referrer: device.referrer,
  };
}
