/**
 * The one error the pprof core throws for input it cannot use: empty files, HTML pages, truncated
 * gzip, bytes that are not a profile, a sample type the profile lacks, a bad regular expression.
 * The message is one line a person can act on; callers print it as is.
 */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** True for a ProfileError, also one that crossed a worker boundary as a plain `{name, message}`. */
export function isProfileError(err: unknown): err is ProfileError {
  return err instanceof ProfileError || (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'ProfileError');
}
