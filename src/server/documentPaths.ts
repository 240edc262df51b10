import { fileURLToPath } from 'node:url';

/** The file path the analyzer knows a document by; non-file URIs keep their URI as a name. */
export function filePathOf(uri: string): string {
  if (uri.startsWith('file:')) {
    try {
      return fileURLToPath(uri);
    } catch {
      return uri;
    }
  }
  return uri;
}
