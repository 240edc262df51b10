/**
 * examples/leaky-service as a real process for integration tests (see exampleService.ts): built with
 * Go 1.27.3, started on a free loopback port, stopped when the test ends or the test process exits.
 */
import { createServer } from 'node:net';
import { buildExample, startExample, type ExampleService } from './exampleService';

export type LeakyService = ExampleService;

/** Build the service; fails with one clear message when Go is missing or the build breaks. */
export function buildLeakyService(): Promise<{ binary: string; cleanup(): void }> {
  return buildExample('leaky-service');
}

/** Start the service on 127.0.0.1:0 and wait for its `listening on http://…` line (10 s at most). */
export function startLeakyService(binary: string, args: string[] = []): Promise<LeakyService> {
  return startExample('leaky-service', binary, args);
}

/** A loopback port free now: for a service that must come back on the same address after a restart. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}
