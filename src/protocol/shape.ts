/**
 * Shapes of message parameters: one declaration gives both the TypeScript type (`Infer<typeof s>`) and
 * the check a receiver runs on what arrives from a side it does not trust (a webview is a browser page).
 * Deliberately small: strings and arrays have length limits, objects refuse keys they do not declare.
 * No vscode, Node or DOM use: every bundle imports it.
 */

export interface Shape<T> {
  /** Why `value` is not a T (a short phrase naming the path), or undefined when it is. */
  check(value: unknown, path: string): string | undefined;
  /** Set for shapes that may be absent from an object. */
  readonly optional?: boolean;
  /** Never set: carries T for `Infer`. */
  readonly __type?: T;
}

export type Infer<S> = S extends Shape<infer T> ? T : never;

/** Longest string a message field may carry unless it says otherwise: regexps and titles, not documents. */
export const MAX_TEXT = 4096;
/** File paths and Go function names can be long, but not unboundedly. */
export const MAX_PATH = 16_384;

export function str(maxLength = MAX_TEXT): Shape<string> {
  return { check: (v, p) => (typeof v === 'string' && v.length <= maxLength ? undefined : `bad field "${p}"`) };
}

/** A safe integer ≥ 0 (ids, indexes, widths, line numbers). */
export function int(): Shape<number> {
  return { check: (v, p) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? undefined : `bad field "${p}"`) };
}

/** Any finite number. */
export function num(): Shape<number> {
  return { check: (v, p) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `bad field "${p}"`) };
}

export function bool(): Shape<boolean> {
  return { check: (v, p) => (typeof v === 'boolean' ? undefined : `bad field "${p}"`) };
}

export function literal<const T extends string>(...values: T[]): Shape<T> {
  return { check: (v, p) => ((values as unknown[]).includes(v) ? undefined : `bad field "${p}"`) };
}

export function nullable<T>(shape: Shape<T>): Shape<T | null> {
  return { check: (v, p) => (v === null ? undefined : shape.check(v, p)) };
}

/** A field that may be missing (or undefined). */
export function optional<T>(shape: Shape<T>): Shape<T | undefined> & { readonly optional: true } {
  return { optional: true, check: (v, p) => (v === undefined ? undefined : shape.check(v, p)) };
}

export function arr<T>(item: Shape<T>, maxLength: number): Shape<T[]> {
  return {
    check(v, p) {
      if (!Array.isArray(v) || v.length > maxLength) return `bad field "${p}"`;
      for (let i = 0; i < v.length; i++) {
        const problem = item.check(v[i], `${p}[${i}]`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}

/** String keys to values of one shape (headers, label values). */
export function dict<T>(value: Shape<T>, maxKeys: number): Shape<Record<string, T>> {
  return {
    check(v, p) {
      if (!isRecord(v)) return `bad field "${p}"`;
      const keys = Object.keys(v);
      if (keys.length > maxKeys) return `bad field "${p}"`;
      for (const k of keys) {
        const problem = value.check(v[k], `${p}.${k.slice(0, 60)}`);
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}

type Fields = Record<string, Shape<unknown>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends { readonly optional: true } ? K : never }[keyof F];
type RequiredKeys<F extends Fields> = Exclude<keyof F, OptionalKeys<F>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
export type ObjectOf<F extends Fields> = Simplify<{ [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }>;

/** An object with exactly these fields (optional ones may be missing); any other key is refused. */
export function obj<F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  return {
    check(v, p) {
      if (!isRecord(v)) return p === '' ? 'not an object' : `bad field "${p}"`;
      for (const key of Object.keys(v)) {
        if (!Object.hasOwn(fields, key)) return `unexpected field "${join(p, key.slice(0, 60))}"`;
      }
      for (const [key, shape] of Object.entries(fields)) {
        const value = v[key];
        if (value === undefined) {
          if (!shape.optional) return `missing field "${join(p, key)}"`;
          continue;
        }
        const problem = shape.check(value, join(p, key));
        if (problem !== undefined) return problem;
      }
      return undefined;
    },
  };
}

/**
 * Not checked: data from a side this one trusts (the extension host's replies to its page, a worker
 * this process started). Only the type is declared.
 */
export function trusted<T>(): Shape<T> {
  return { check: () => undefined };
}

/** Nothing: the parameters of a request that takes none, or the result of one that returns none. */
export const none: Shape<Record<string, never>> = obj({});

export function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
