// Mocked `stream_images`: the rows go to the listing's channel as the backend would send them.
import type { ImageListEvent, ImageRow } from "../../src/ipc";

type StreamArgs = { onEvent: { onmessage: (event: ImageListEvent) => void } };

/** Sends `events` on the call's channel, in order. */
export function sendEvents(args: unknown, events: ImageListEvent[]): null {
  for (const event of events) (args as StreamArgs).onEvent.onmessage(event);
  return null;
}

/** A complete listing of `rows` in one batch. */
export function streamRows(args: unknown, rows: ImageRow[]): null {
  return sendEvents(args, [
    { event: "rows", rows },
    { event: "done", images: rows.length, failed: 0, cached: false, elapsed_ms: 1 },
  ]);
}
