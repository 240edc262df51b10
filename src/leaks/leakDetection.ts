/**
 * When Goroscope asks a service for its goroutineleak profile. Fetching it makes the runtime run a GC
 * pass that proves which goroutines leaked (Go 1.27; Go 1.26 with GOEXPERIMENT=goroutineleakprofile),
 * and that pass costs GC time (worst case quadratic in the goroutines): with the setting `auto` a
 * service gets at most one pass a minute, whoever asks (Show Goroutines, every leak watch); `off`
 * never. Between passes an ordinary goroutine?debug=2 dump still marks what the last pass proved, so
 * nothing is lost by waiting. Pure: one instance per window (extension) or per run (CLI).
 */

/** `goroscope.leaks.goroutineLeakProfile` (and `goroscope watch --leak-profile`). */
export type GoroutineLeakSetting = 'auto' | 'off';

export const GOROUTINE_LEAK_SETTINGS: readonly GoroutineLeakSetting[] = ['auto', 'off'];

/** The least time between two detection passes asked of one service. */
export const LEAK_PASS_INTERVAL_MS = 60_000;

/**
 * What a snapshot of goroutines says about Go's leak detection:
 * - `ran`: read from goroutineleak?debug=2, just after the pass: every `(leaked)` mark is current;
 * - `earlier`: read from goroutine?debug=2, a pass ran less than a minute ago: its marks are still there;
 * - `off`: the setting forbids the pass (marks from passes someone else asked for still show);
 * - `not offered`: the service's Go has no goroutineleak profile.
 */
export type LeakDetection = 'ran' | 'earlier' | 'off' | 'not offered';

export class GoroutineLeakPolicy {
  private readonly lastPass = new Map<string, number>();

  constructor(
    private setting: GoroutineLeakSetting = 'auto',
    private readonly intervalMs = LEAK_PASS_INTERVAL_MS,
  ) {}

  setSetting(setting: GoroutineLeakSetting): void {
    this.setting = setting;
  }

  /**
   * Whether a pass may run now for the service at `base` (its pprof base URL); when it may, this call
   * claims it, so the next caller within the interval is told `earlier`.
   */
  claim(base: string, now: number = Date.now()): 'ran' | 'earlier' | 'off' {
    if (this.setting === 'off') return 'off';
    const last = this.lastPass.get(base);
    if (last !== undefined && now - last < this.intervalMs && now >= last) return 'earlier';
    this.lastPass.set(base, now);
    return 'ran';
  }
}

export function isGoroutineLeakSetting(value: unknown): value is GoroutineLeakSetting {
  return value === 'auto' || value === 'off';
}
