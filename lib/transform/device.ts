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
  const key = os.trim().toUpperCase();
  return Object.hasOwn(OS_NAMES, key) ? OS_NAMES[key]! : os.trim();
}

/** Branch OS names and the `$os` value each becomes, for the mapping reference. */
export function listOsNames(): ReadonlyArray<readonly [string, string]> {
  return Object.entries(OS_NAMES);
}
