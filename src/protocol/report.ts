/**
 * What `goroscope report` writes into report.html and the page reads: a small JSON block
 * (`<script type="application/json" id="goroscope-report">`, before the page's script) with one entry per
 * profile — its title and, when the writer decoded it, its first view (the page paints from that at once)
 * — and after the page's script, one `<script type="application/octet-stream">` element per profile
 * holding its bytes as captured, base64: the page reads them once its graph is on screen.
 */
import type { FirstView } from '../pprof/firstView';

export interface ReportData {
  version: 3;
  generatedAt: string;
  /** The size limit a profile may unpack to in the page (default: sizeLimit.ts's). */
  maxBytes?: number;
  profiles: ReportProfile[];
}

export interface ReportProfile {
  title: string;
  /** The id of the element whose text is the profile.proto bytes (gzipped or not), base64. */
  bytesElement: string;
  /** The default view, as the page's store would build it. */
  first?: FirstView;
}

/** The id of profile i's bytes element. */
export function profileBytesElement(index: number): string {
  return `goroscope-profile-${index}`;
}
