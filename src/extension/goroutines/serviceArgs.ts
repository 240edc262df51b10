/**
 * What the goroutines commands take as arguments: a node of the Services view, `{ service: name }` (tests,
 * links) or nothing (the current service), resolved to an attached service and its fetch options.
 */
import type { FetchOptions } from '../../pprof/fetch';
import { fetchOptionsFor } from '../../services/config';
import type { AttachedService } from '../services/attachedServices';
import type { ServicesFeature } from '../services/feature';
import { withTransportDefaults } from '../services/settings';

/** The named service (it must be attached), else the current one, else the user attaches one. */
export async function resolveService(services: ServicesFeature, name: string | undefined): Promise<AttachedService | undefined> {
  if (name !== undefined) {
    const service = services.services.get(name);
    if (!service) throw new Error(`${name} is not attached; attach to it first`);
    return service;
  }
  return services.services.current() ?? services.attach();
}

/** Timeouts, TLS and the bearer token (from secret storage) for requests to `service`. */
export async function fetchOptionsOf(services: ServicesFeature, service: AttachedService): Promise<FetchOptions> {
  const token = await services.tokens.get(service.config.url);
  return fetchOptionsFor(withTransportDefaults(service.config), token ? { bearerToken: token } : {});
}

/** A string or number field of an argument object, as a string. */
export function field(arg: unknown, key: string): string | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const value = (arg as Record<string, unknown>)[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
