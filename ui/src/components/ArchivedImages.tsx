// An ECR repository's archived images — which ECR leaves out of its usual listing — with when each
// was archived or last restored, and Restore for the chosen ones (the backend asks natively).
import { useEffect, useMemo, useState } from "react";
import { api, declined, type ArchivedImage, type LadingError, type RegistryView } from "../ipc";
import { formatBytes, relativeTime, tagMatcher } from "../format";
// ECR's minimum archive duration: an image restored or deleted sooner is still billed for it.
import { MIN_ARCHIVE_DAYS } from "../lifecycle";
import { ErrorText } from "./ErrorText";
import { Modal } from "./Modal";

const DAY = 86_400;

const name = (image: ArchivedImage) => (image.tags.length ? image.tags.join(", ") : `untagged ${image.digest.slice(7, 19)}`);

function minimumWords(image: ArchivedImage, now: number): string | null {
  if (image.status !== "ARCHIVED" || image.archived_at === null) return null;
  const left = Math.ceil((image.archived_at + MIN_ARCHIVE_DAYS * DAY - now) / DAY);
  return left > 0 ? `billed ${left} more ${left === 1 ? "day" : "days"} if restored now` : null;
}

export function ArchivedImages({ registry, repository, onClose }: { registry: RegistryView; repository: string; onClose: () => void }) {
  const [images, setImages] = useState<ArchivedImage[] | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [filter, setFilter] = useState("");
  const [working, setWorking] = useState(false);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.archivedImages(registry.id, repository).then(
      (list) => {
        if (!live) return;
        setImages(list);
        setChosen((c) => new Set([...c].filter((d) => list.some((i) => i.digest === d && i.status === "ARCHIVED"))));
      },
      (e: LadingError) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [registry.id, repository, reload]);

  const shown = useMemo(() => {
    const matches = tagMatcher(filter);
    return (images ?? []).filter((i) => !filter.trim() || i.tags.some(matches) || i.digest.includes(filter.trim()));
  }, [images, filter]);
  const restorable = shown.filter((i) => i.status === "ARCHIVED");
  // What a restore now still costs of the minimum, for each image still under it.
  const billed = useMemo(() => {
    const now = Date.now() / 1000;
    const words = new Map<string, string>();
    for (const image of shown) {
      const said = minimumWords(image, now);
      if (said) words.set(image.digest, said);
    }
    return words;
  }, [shown]);

  function toggle(digest: string) {
    setChosen((c) => {
      const next = new Set(c);
      if (next.has(digest)) next.delete(digest);
      else next.add(digest);
      return next;
    });
  }

  function restore() {
    const digests = [...chosen];
    setWorking(true);
    setOutcome(null);
    api.setStorageClass(registry.id, repository, digests, false).then(
      (result) => {
        const failed = result.failures.map((f) => `${f.reference.slice(7, 19)}: ${f.reason}`);
        setOutcome({
          text:
            `Restoring ${result.changed.length} ${result.changed.length === 1 ? "image" : "images"}: pullable once ECR lists ${result.changed.length === 1 ? "it" : "them"} as active again.` +
            (failed.length ? ` Not restored: ${failed.join("; ")}` : ""),
          failed: failed.length > 0,
        });
        setChosen(new Set());
        setReload((n) => n + 1);
      },
      (e: LadingError) => (declined(e) ? setOutcome({ text: "Nothing was restored.", failed: false }) : setError(e)),
    ).finally(() => setWorking(false));
  }

  return (
    <Modal label={`Archived images of ${repository}`} className="archived-images" onClose={onClose}>
      <h2>Archived images · {repository}</h2>
      <p className="hint">
        ECR does not list archived images with the others, and they cannot be pulled until restored. It bills each for at least {MIN_ARCHIVE_DAYS} days in the archive.
      </p>
      <div className="filter-row">
        <input type="search" className="filter" placeholder="Filter by tag or digest" aria-label="Filter archived images" value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button className="refresh compact" onClick={() => setReload((n) => n + 1)} aria-label="Read archived images again" title="Read the archived images from ECR again">
          ↻
        </button>
        <span className="count">{images === null ? "" : `${images.length} archived`}</span>
      </div>
      {error && (
        <div className="form-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}
      {images === null && !error && <p className="hint">Reading archived images…</p>}
      {images !== null && images.length === 0 && <p className="empty-state">No archived image in {repository}. Archive images from the list (select, then Archive…) or with a lifecycle rule.</p>}
      {images !== null && images.length > 0 && (
        <div className="archived-table" tabIndex={0} aria-label="Archived images list">
          <table>
            <thead>
              <tr>
                <th>
                  <input
                    type="checkbox"
                    aria-label="Choose every archived image shown"
                    checked={restorable.length > 0 && restorable.every((i) => chosen.has(i.digest))}
                    onChange={(e) => setChosen(e.target.checked ? new Set(restorable.map((i) => i.digest)) : new Set())}
                  />
                </th>
                <th>Tags</th>
                <th>Size</th>
                <th>Pushed</th>
                <th>Archived</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((image) => (
                <tr key={image.digest} title={image.digest}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Choose ${name(image)}`}
                      disabled={image.status !== "ARCHIVED"}
                      checked={chosen.has(image.digest)}
                      onChange={() => toggle(image.digest)}
                    />
                  </td>
                  <td>{name(image)}</td>
                  <td className="number">{formatBytes(image.size)}</td>
                  <td>{relativeTime(image.pushed_at)}</td>
                  <td>{relativeTime(image.archived_at)}</td>
                  <td>
                    {image.status === "ACTIVATING" ? "restoring…" : "archived"}
                    {image.activated_at !== null && image.status === "ARCHIVED" && <span className="hint"> · last restored {relativeTime(image.activated_at)}</span>}
                    {billed.get(image.digest) && <span className="hint"> · {billed.get(image.digest)}</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {outcome && (
        <p className={outcome.failed ? "form-error" : "notice"} role={outcome.failed ? "alert" : "status"}>
          {outcome.text}
        </p>
      )}
      <div className="dialog-actions">
        <button onClick={onClose}>Close</button>
        <button className="primary" onClick={restore} disabled={chosen.size === 0 || working} title="UpdateImageStorageClass to standard; ECR charges the retrieval per GB">
          {working ? "Restoring…" : chosen.size > 0 ? `Restore ${chosen.size}…` : "Restore…"}
        </button>
      </div>
    </Modal>
  );
}
