/** One fleet the user connected to: where, which instances, over which range. Kept for Refresh and the recent list. */
import type { FleetSource } from '../../fleet/sources';
import type { ServiceOrigin } from '../services/settings';

export interface FleetConnection {
  source: FleetSource;
  origin: ServiceOrigin;
  selector: string;
  /** `6h`, `1h@24h`, `START..END`: re-read against the clock on every refresh. */
  range: string;
}

/** What the recent list remembers (never a token). */
export interface RecentFleet {
  prometheusUrl: string;
  selector: string;
  range: string;
}

export const RECENT_KEY = 'goroscope.fleet.recent';
export const MAX_RECENT = 10;

export function addRecent(list: readonly RecentFleet[], entry: RecentFleet): RecentFleet[] {
  return [entry, ...list.filter((r) => !(r.prometheusUrl === entry.prometheusUrl && r.selector === entry.selector))].slice(0, MAX_RECENT);
}
