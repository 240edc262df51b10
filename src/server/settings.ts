import { isRuleId } from '../lint/rules';

/** The `goroscope.lint` settings section, per document (resource scope). */
export interface LintSettings {
  enable: boolean;
  run: 'onSave' | 'onType';
  disabledRules: string[];
  /** `off` leaves findings in _test.go files out. */
  tests: 'on' | 'off';
}

export const DEFAULT_LINT_SETTINGS: Readonly<LintSettings> = Object.freeze({ enable: true, run: 'onSave', disabledRules: [], tests: 'on' });

export const LINT_SETTINGS_SECTION = 'goroscope.lint';

/**
 * Reads a settings object sent by a client, keeping what is well-formed and falling back to the
 * defaults for the rest: a typo in settings.json must not stop the analyzer.
 */
export function parseLintSettings(raw: unknown): LintSettings {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    enable: typeof value.enable === 'boolean' ? value.enable : DEFAULT_LINT_SETTINGS.enable,
    run: value.run === 'onType' || value.run === 'onSave' ? value.run : DEFAULT_LINT_SETTINGS.run,
    disabledRules: Array.isArray(value.disabledRules)
      ? value.disabledRules.filter((r): r is string => typeof r === 'string' && isRuleId(r))
      : [],
    tests: value.tests === 'off' ? 'off' : 'on',
  };
}

/** Digs `goroscope.lint` out of a pushed `workspace/didChangeConfiguration` payload, if present. */
export function lintSectionOf(settings: unknown): unknown {
  const goroscope = (settings as { goroscope?: { lint?: unknown } } | null | undefined)?.goroscope;
  return goroscope?.lint;
}

/**
 * Per-document settings. Pulled with workspace/configuration when the client supports it (cached
 * until the next didChangeConfiguration), else taken from what the client pushed.
 */
export class SettingsStore {
  private readonly cache = new Map<string, Promise<LintSettings>>();
  private pushed: LintSettings = { ...DEFAULT_LINT_SETTINGS };

  constructor(private readonly pull: ((uri: string) => Promise<unknown>) | undefined) {}

  get(uri: string): Promise<LintSettings> {
    if (!this.pull) return Promise.resolve(this.pushed);
    let settings = this.cache.get(uri);
    if (!settings) {
      settings = this.pull(uri).then(parseLintSettings, () => ({ ...DEFAULT_LINT_SETTINGS }));
      this.cache.set(uri, settings);
    }
    return settings;
  }

  /** After didChangeConfiguration: forget pulled values, remember pushed ones. */
  changed(pushedSettings: unknown): void {
    this.cache.clear();
    const section = lintSectionOf(pushedSettings);
    if (section !== undefined) this.pushed = parseLintSettings(section);
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }
}
