/**
 * Bearer tokens per service, kept in VS Code's SecretStorage (the OS keychain on desktop) and never in
 * settings files. Keyed by the service's pprof base URL: the token belongs to the endpoint it unlocks.
 */
import * as vscode from 'vscode';

const KEY_PREFIX = 'goroscope.bearerToken:';

export class BearerTokens {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  get(baseUrl: string): Thenable<string | undefined> {
    return this.secrets.get(KEY_PREFIX + baseUrl);
  }

  async set(baseUrl: string, token: string | undefined): Promise<void> {
    if (token) await this.secrets.store(KEY_PREFIX + baseUrl, token);
    else await this.secrets.delete(KEY_PREFIX + baseUrl);
  }
}
