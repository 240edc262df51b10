/**
 * The data block `goroscope report` writes into report.html (`<script type="application/json"
 * id="goroscope-report">`) and the page reads: one entry per profile, its bytes as captured.
 */
export interface ReportData {
  version: 2;
  generatedAt: string;
  /** The size limit a profile may unpack to in the page (default: sizeLimit.ts's). */
  maxBytes?: number;
  profiles: ReportProfile[];
}

export interface ReportProfile {
  title: string;
  /** The profile.proto bytes (gzipped or not), base64. */
  base64: string;
}
