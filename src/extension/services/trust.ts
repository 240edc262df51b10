/**
 * Workspace trust for services: a workspace's own settings can name any URL (a service on the user's
 * network, a metadata endpoint). In an untrusted workspace such a service is contacted only after a
 * modal confirmation; services from user settings and URLs the user typed need none.
 */
import * as vscode from 'vscode';
import type { ServiceOrigin } from './settings';

const CONTACT = 'Contact Service';

/** True when Goroscope may send requests to the service. */
export async function mayContact(name: string, url: string, origin: ServiceOrigin): Promise<boolean> {
  if (origin !== 'workspace' || vscode.workspace.isTrusted) return true;
  const choice = await vscode.window.showWarningMessage(
    `Contact "${name}" at ${url}?`,
    {
      modal: true,
      detail:
        'This service is named in the settings of a workspace you have not trusted. Goroscope will send HTTP requests to it, with the headers those settings give (and your bearer token for this URL, if you stored one).',
    },
    CONTACT,
  );
  return choice === CONTACT;
}
