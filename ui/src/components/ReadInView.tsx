// Rows in view first: the table says which waiting rows it shows, so their manifests are read
// before the rest (and, on a registry that meters pulls, only those until "Read all").
import { useEffect, useRef, useState } from "react";
import { api, type ImageRow } from "../ipc";
import { isWaiting, type Listing } from "../listing";
import { formatDuration } from "../format";

/** How long the view must rest before it is sent: scrolling past rows does not ask for them. */
const SETTLE_MS = 40;

export function useReadInView(
  registryId: string,
  repository: string,
  listing: Listing | null,
  inView: ImageRow[],
): void {
  const sent = useRef("");
  const waiting = inView.filter(isWaiting).map((r) => r.tags[0] ?? "");
  const key = listing && !listing.done ? waiting.join("\n") : "";
  useEffect(() => {
    sent.current = "";
  }, [registryId, repository]);
  useEffect(() => {
    if (!key || key === sent.current) return;
    const timer = setTimeout(() => {
      sent.current = key;
      // A listing that ended meanwhile answers false: nothing to do.
      api.prioritizeImages(registryId, repository, key.split("\n")).catch(() => {});
    }, SETTLE_MS);
    return () => clearTimeout(timer);
  }, [key, registryId, repository]);
}

/** The registry's pull limit, and the tags a metered registry has not read. */
export function ReadAllNotice({ registryId, repository, listing }: { registryId: string; repository: string; listing: Listing }) {
  const [asked, setAsked] = useState(false);
  useEffect(() => setAsked(false), [registryId, repository]);
  const limit = listing.rateLimit;
  const unread = listing.paused;
  if (!limit && unread === null) return null;
  const window = limit?.window_seconds ? ` per ${formatDuration(limit.window_seconds)}` : "";
  return (
    <p className="notice read-all" role="status">
      {limit && (
        <span title="As the registry reported it on its last answer">
          Pull limit: {limit.remaining.toLocaleString()} of {limit.limit.toLocaleString()} left{window}.{" "}
        </span>
      )}
      {unread !== null && unread > 0 && !asked && (
        <>
          This registry counts each manifest read as a pull, so only the rows in view are read;{" "}
          {unread.toLocaleString()} {unread === 1 ? "tag waits" : "tags wait"}.{" "}
          <button
            onClick={() => {
              setAsked(true);
              void api.readAllImages(registryId, repository);
            }}
          >
            Read all {unread.toLocaleString()}
          </button>
        </>
      )}
    </p>
  );
}
