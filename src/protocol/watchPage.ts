/**
 * The leak-watch page's channel: the page asks for the watch's state, stops it or continues a stored one,
 * and opens sources; the host pushes the state after every snapshot. The view's types are goroutinesView.ts.
 */
import { request, type RequestHandlers, type SideSpec } from './rpc';
import { none, trusted } from './shape';
import type { WatchView } from './goroutinesView';
import { openSourceRequest, type Done } from './webview';

export type { WatchView } from './goroutinesView';

/** What the host answers. */
export const watchHost = {
  requests: {
    /** The page is listening: the watch as it is now. */
    ready: request(none, trusted<WatchView>()),
    /** Stop taking snapshots; those taken stay. */
    stop: request(none, trusted<Done>()),
    /** Go on with the stored watch this page shows: the host opens the running watch's page and closes this one. */
    continue: request(none, trusted<Done>()),
    openSource: openSourceRequest,
  },
  events: {},
} satisfies SideSpec;

/** What the page listens to. */
export const watchPage = {
  requests: {},
  events: {
    /** The watch after a snapshot, or when it stopped. */
    watch: trusted<WatchView>(),
  },
} satisfies SideSpec;

export type WatchHostHandlers = RequestHandlers<typeof watchHost>;
