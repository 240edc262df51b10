/**
 * The size limit every path that reads a profile or a page applies (goroscope.transport.maxSizeMB, the
 * CLI's --max-size): to the bytes a service sends and to what they unpack to, so a small gzip bomb
 * stops at the limit instead of filling memory. No Node-only import: report.html's page uses it too.
 */
import { ProfileError } from './errors';

/** 256 MiB, goroscope.transport.maxSizeMB's default. */
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;

export interface SizeLimit {
  /** Most bytes a profile may take once unpacked (default DEFAULT_MAX_BYTES). */
  maxBytes?: number;
  /** Where the user raises it, for the message: "--max-size", "goroscope.transport.maxSizeMB". */
  limitName?: string;
}

/** Where a profile passed the limit: as it came, once unpacked, or once decoded (its arrays took over twice the limit). */
export type TooLargeWhen = 'packed' | 'unpacked' | 'decoded';

const WHEN: Record<TooLargeWhen, string> = {
  packed: '',
  unpacked: ' once unpacked (unpacking stopped there)',
  decoded: ' once decoded (decoding stopped at twice the limit)',
};

/** A profile larger than the size limit. */
export class ProfileTooLargeError extends ProfileError {
  constructor(
    readonly maxBytes: number,
    when: TooLargeWhen,
    limitName?: string,
  ) {
    super(`the profile is larger than the size limit of ${formatBytes(maxBytes)}${WHEN[when]}; raise the limit${limitName ? ` (${limitName})` : ''} to open it`);
  }
}

/** Byte counts for messages (1.5 MiB). */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 || Number.isInteger(value) ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}
