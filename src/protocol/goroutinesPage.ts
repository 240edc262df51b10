/**
 * The Goroutines page's channel: the page asks for its view and opens frames' sources; the host pushes
 * the view again when the static findings on its frames arrive. The view's types are goroutinesView.ts.
 */
import { request, type RequestHandlers, type SideSpec } from './rpc';
import { none, trusted } from './shape';
import type { GoroutinesView } from './goroutinesView';
import { openSourceRequest } from './webview';

export type { FrameFinding, GoroutinesView, GroupView } from './goroutinesView';

/** What the host answers. */
export const goroutinesHost = {
  requests: {
    /** The page is listening: the view (the dump may still be parsing: the page waits long). */
    ready: request(none, trusted<GoroutinesView>()),
    openSource: openSourceRequest,
  },
  events: {},
} satisfies SideSpec;

/** What the page listens to. */
export const goroutinesPage = {
  requests: {},
  events: {
    /** A newer view: the findings on the frames arrived. */
    view: trusted<GoroutinesView>(),
  },
} satisfies SideSpec;

export type GoroutinesHostHandlers = RequestHandlers<typeof goroutinesHost>;
