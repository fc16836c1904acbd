import { ConfigError } from '../../core/errors';
/**
 * Opencast versions as the simulator compares them: `1.6`, `2.3`, `7.4`,
 * `15.0`, `17-SNAPSHOT` (develop). Only major.minor matter for wire formats
 * (reference/opencast-api.md §6).
 */
export interface OpencastVersion {
  major: number;
  minor: number;
}

/** The last version parsed: the router asks for the same one on every request. */
let lastParsed: { text: string; version: OpencastVersion } | undefined;

export function parseVersion(text: string): OpencastVersion {
  if (lastParsed?.text === text) return { ...lastParsed.version };
  const version = parseVersionText(text);
  lastParsed = { text, version: { ...version } };
  return version;
}

function parseVersionText(text: string): OpencastVersion {
  const match = /^(\d+)(?:\.(\d+))?/.exec(text.trim());
  if (!match) throw new ConfigError('opencast.version', `not a version such as 15.0 (got "${text}")`);
  return { major: Number(match[1]), minor: Number(match[2] ?? 0) };
}

export function atLeast(version: OpencastVersion, major: number, minor = 0): boolean {
  return version.major > major || (version.major === major && version.minor >= minor);
}
