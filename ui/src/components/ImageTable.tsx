import { useEffect, useMemo, useRef, useState, type CSSProperties, type KeyboardEvent } from "react";
import { Splitter, useSplit } from "./Splitter";
import { api, declined, type DeleteResult, type ImageRow, type LadingError, type RegistryView } from "../ipc";
import { ConfirmDialog } from "./ConfirmDialog";
import { focusFirst } from "../keyboard";
import { formatBytes, tagMatcher } from "../format";
import { columnsFor, compareRows, descendingFirst, RowCells, type SortKey } from "./ImageRowCells";
import { useAskRowDetails, useRowDetails } from "../rowDetails";
import { ImageDetailView, registrySource } from "./ImageDetailView";
import { CopyDialog, ExportDialog } from "./TransferDialogs";
import { IMAGE_ROW_HEIGHT, rowWindow } from "../virtual";
import { ReadAllNotice, useReadInView } from "./ReadInView";
import { DeleteAttached } from "./Attached";
import { applyListingEvent, EMPTY_LISTING, isWaiting, rowKey, tagOrder, tagRanks, type Listing } from "../listing";
import { describeDeletion, describeUntag, keyTarget, rangeOf, scrollToShow, toggled, visibleSelection } from "../selection";

export { describeUntag } from "../selection";
import { ErrorText } from "./ErrorText";
import { cannotUntag } from "../registryMemory";
import { childrenUnderParents, parentsOf } from "../indexChildren";

export function ImageTable({
  registry,
  repository,
  targets = [],
  reveal = null,
  version = 0,
}: {
  registry: RegistryView;
  repository: string;
  /** Where "Copy to…" can copy (the connected registries). */
  targets?: RegistryView[];
  /** Bumped when the registry's lists are read again (Try again, Refresh): a failed listing retries. */
  version?: number;
  /** An image just pushed or copied here: listed afresh, then selected and scrolled to. */
  reveal?: { digest: string; tag?: string; nonce: number } | null;
}) {
  const [listing, setListing] = useState<Listing | null>(null);
  const rows = listing?.rows ?? null;
  const [error, setError] = useState<LadingError | null>(null);
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "tags", descending: false });
  const [open, setOpen] = useState<ImageRow | null>(null);
  const [split, setSplit] = useSplit();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [anchor, setAnchor] = useState<number | null>(null);
  // The row the keyboard moved to: focused once it is rendered (the list is virtualised).
  const [focusAt, setFocusAt] = useState<number | null>(null);
  const [confirming, setConfirming] = useState<"delete" | "untag" | null>(null);
  const [deleteAttached, setDeleteAttached] = useState(true);
  const [attachedCount, setAttachedCount] = useState(0);
  const [transferring, setTransferring] = useState<"export" | "copy" | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; failed: boolean } | null>(null);
  const [reload, setReload] = useState(0);
  // Refresh asks the registry again; opening a repository uses the backend's last listing.
  const askRegistry = useRef(false);
  const refresh = () => {
    askRegistry.current = true;
    setReload((n) => n + 1);
  };
  // Only the rows in view are in the DOM, so 100,000 tags scroll like 100.
  const viewport = useRef<HTMLDivElement>(null);
  const [scroll, setScroll] = useState({ top: 0, height: 0 });

  const [refreshing, setRefreshing] = useState(false);
  const listed = useRef("");
  const marked = useRef(new Set<string>());
  const revealing = useRef<{ digest: string; tag?: string; nonce: number } | null>(null);

  useEffect(() => {
    // A refresh of the same repository keeps the old rows on screen until the new ones arrive.
    const key = `${registry.id}\n${repository}`;
    if (listed.current !== key) {
      setListing(null);
      // A filter is about one repository's tags: the next one opens unfiltered.
      setFilter("");
      // What was done in another repository is no news here.
      setOutcome(null);
    }
    listed.current = key;
    setError(null);
    setOpen(null);
    setPicked(new Set());
    setRefreshing(true);
    const fresh = askRegistry.current;
    askRegistry.current = false;
    marked.current = new Set();
    performance.mark("images:requested");
    let current = true;
    let first = true;
    // Leaving the repository (or asking again) stops this listing in the backend.
    const leaving = new AbortController();
    api
      .streamImages(
        registry.id,
        repository,
        fresh,
        (event) => {
          if (!current) return;
          // For the browse bench: when the first read rows reached the page (before it drew them).
          if (event.event === "rows" && !marked.current.has("images:first-batch")) {
            marked.current.add("images:first-batch");
            performance.mark("images:first-batch");
          }
          const from = first;
          first = false;
          setListing((previous) => applyListingEvent(from || !previous ? EMPTY_LISTING : previous, event));
        },
        leaving.signal,
      )
      .then(
        () => {
          if (current) setRefreshing(false);
        },
        (e: LadingError) => {
          if (!current) return;
          setError(e);
          setRefreshing(false);
        },
      );
    return () => {
      current = false;
      leaving.abort();
    };
  }, [registry.id, repository, reload]);

  useEffect(() => {
    if (error) refresh();
  }, [version]);

  useEffect(() => {
    if (!reveal || revealing.current?.nonce === reveal.nonce) return;
    revealing.current = reveal;
    // Mounted just now, the listing is on its way; already showing, it is out of date.
    if (listing) refresh();
  }, [reveal?.nonce]);

  // Marks for the browse benchmark (bench/browse.mjs reads them through WebDriver): first rows and
  // every row on screen, and the listing complete, each after the frame that shows it.
  useEffect(() => {
    if (!listing) return;
    const mark = (name: string) => {
      if (marked.current.has(name)) return;
      marked.current.add(name);
      requestAnimationFrame(() => performance.mark(name));
    };
    if (listing.rows.length > 0 || listing.done) mark("images:first-rows");
    if (listing.waiting > 0 || listing.done) mark("images:all-rows");
    if (listing.done) mark("images:complete");
  }, [listing]);

  const ecr = registry.kind === "ecr";
  const detailStore = useRowDetails(registry.id, repository);
  const details = detailStore.details;
  // Details change the order only when sorting by what they hold.
  const sortDetails = sort.key === "created" || sort.key === "size" ? details : null;
  // ECR lists an index's images as rows: they go under their index, and are not "untagged".
  const parents = useMemo(() => parentsOf(rows ?? []), [rows]);
  const shown = useMemo(() => {
    const matches = tagMatcher(filter);
    // An index the filter keeps keeps its images too.
    const kept = (rows ?? []).filter(
      (r) => !filter.trim() || r.tags.some(matches) || !!parents.get(r.digest)?.index.tags.some(matches),
    );
    const rank = listing?.tags ? tagRanks(listing.tags) : null;
    const order = (a: ImageRow, b: ImageRow) => compareRows(a, b, sort.key, rank, details);
    // A listing keeps its rows in tag order: checking that is a tenth of sorting them again.
    const sorted = inOrder(kept, order) ? kept : kept.sort(order);
    return childrenUnderParents(sort.descending ? sorted.reverse() : sorted, parents);
  }, [rows, filter, sort, sortDetails, parents]);

  // Actions take the selected rows the filter leaves in view, never hidden ones.
  const { visible: selected, hidden: hiddenSelected } = useMemo(() => visibleSelection(shown, picked), [shown, picked]);

  // Once the revealed image is listed: select it, open it, scroll to it (a filter hiding it goes).
  useEffect(() => {
    const wanted = revealing.current;
    if (!wanted || refreshing || !rows) return;
    const row = rows.find((r) => (r.digest === wanted.digest || (!!wanted.tag && r.tags.includes(wanted.tag))) && !isWaiting(r));
    if (!row) return;
    if (!shown.includes(row)) {
      setFilter("");
      return;
    }
    revealing.current = { digest: "", nonce: wanted.nonce };
    setPicked(new Set([row.digest]));
    setOpen(row);
    const index = shown.indexOf(row);
    if (viewport.current) viewport.current.scrollTop = Math.max(0, (index - 2) * IMAGE_ROW_HEIGHT);
  }, [rows, shown, refreshing]);

  // Untag takes the selected images' tags, only those matching the filter when there is one.
  const tagsToRemove = useMemo(() => {
    const matches = tagMatcher(filter);
    return (rows ?? [])
      .filter((r) => selected.has(r.digest))
      .flatMap((r) => r.tags)
      .filter((t) => !filter.trim() || matches(t))
      .sort(tagOrder.compare);
  }, [rows, selected, filter]);

  const report = (result: DeleteResult, verb: string, noun: (n: number) => string) => {
    const failed = result.failures.map((f) => `${f.reference.replace("sha256:", "").slice(0, 12)}: ${f.reason}`);
    setOutcome({
      text:
        `${verb} ${result.deleted.length} ${noun(result.deleted.length)}` +
        (failed.length ? `; not ${verb.toLowerCase()}: ${failed.join("; ")}` : "."),
      failed: failed.length > 0,
    });
    // Said once by the registry: Untag is not offered again there, in this run or the next.
    if (result.failures.some((f) => f.code === "untag_unsupported")) cannotUntag.add(registry);
  };

  // The backend names the images and asks natively; archived ones leave the list (see Archived…).
  const [archiving, setArchiving] = useState(false);
  const archiveSelected = () => {
    setArchiving(true);
    api.setStorageClass(registry.id, repository, [...selected], true).then(
      (result) => {
        report({ deleted: result.changed.map((c) => c.digest), failures: result.failures }, "Archived", (n) => (n === 1 ? "image" : "images"));
        refresh();
      },
      (e) => declined(e) || setError(e),
    ).finally(() => setArchiving(false));
  };

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const measure = () => setScroll({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(measure);
    observer?.observe(element);
    return () => observer?.disconnect();
  }, [rows !== null]);

  // jsdom and a not-yet-laid-out viewport report 0: render a screenful rather than nothing.
  const slice = rowWindow(scroll.top, scroll.height || 800, IMAGE_ROW_HEIGHT, shown.length);
  const inView = shown.slice(slice.start, slice.end);
  useReadInView(registry.id, repository, listing, inView);
  useAskRowDetails(detailStore, registry.id, repository, inView, !ecr);
  // For the browse benchmark: the rows on screen (no overscan) all read.
  const onScreen = rowWindow(scroll.top, scroll.height || 800, IMAGE_ROW_HEIGHT, shown.length, 0);
  const screenRead = shown.length > 0 && !shown.slice(onScreen.start, onScreen.end).some(isWaiting);
  useEffect(() => {
    if (screenRead && !marked.current.has("images:view-complete")) {
      marked.current.add("images:view-complete");
      requestAnimationFrame(() => performance.mark("images:view-complete"));
    }
  }, [screenRead, listing]);

  // Focus follows the keyboard into rows rendered only once scrolled to.
  useEffect(() => {
    if (focusAt === null) return;
    viewport.current?.querySelector<HTMLElement>(`tr[data-index="${focusAt}"]`)?.focus();
  }, [focusAt, slice.start, slice.end]);

  /** Back to the list, on the row the detail was of. */
  function closeDetail() {
    const index = open ? shown.findIndex((r) => r.digest === open.digest) : -1;
    setOpen(null);
    if (index >= 0) requestAnimationFrame(() => viewport.current?.querySelector<HTMLElement>(`tr[data-index="${index}"]`)?.focus());
  }

  /** Arrows, PgUp/PgDn, Home/End move and select (Shift extends, Ctrl only moves); Space toggles. */
  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, index: number, row: ImageRow) {
    const page = Math.max(1, Math.floor((scroll.height || 800) / IMAGE_ROW_HEIGHT) - 1);
    const to = keyTarget(e.key, index, shown.length, page);
    if (to !== null) {
      e.preventDefault();
      const target = shown[to]!;
      if (e.shiftKey) setPicked(rangeOf(shown, anchor ?? index, to));
      else if (!e.ctrlKey && !e.metaKey && !isWaiting(target)) {
        setPicked(new Set([target.digest]));
        setAnchor(to);
        // An open detail follows the selection.
        if (open) setOpen(target);
      }
      const element = viewport.current;
      if (element) {
        const header = element.querySelector("thead")?.getBoundingClientRect().height ?? 0;
        element.scrollTop = scrollToShow(to, IMAGE_ROW_HEIGHT, element.scrollTop, element.clientHeight, header);
        setScroll({ top: element.scrollTop, height: element.clientHeight });
      }
      setFocusAt(to);
    } else if (e.key === " " && !isWaiting(row)) {
      e.preventDefault();
      setPicked((p) => toggled(p, row.digest));
      setAnchor(index);
    } else if (e.key === "Enter" && !isWaiting(row)) {
      setPicked(new Set([row.digest]));
      setOpen(row);
    } else if (e.key === "Delete" && selected.size > 0) {
      setConfirming("delete");
    } else if (e.key === "ArrowLeft") {
      if (focusFirst(".repository.selected")) e.preventDefault();
    }
  }

  if (error)
    return (
      <div className="form-error" role="alert">
        <ErrorText error={error} />{" "}
        <button onClick={refresh} disabled={refreshing}>
          Try again
        </button>
      </div>
    );
  if (!rows || !listing) return <p className="hint">Loading images…</p>;
  const untagged = rows.filter((r) => r.tags.length === 0 && !parents.has(r.digest)).length;
  const images = rows.length - listing.waiting;
  const totalSize = rows.reduce((sum, r) => sum + (r.size ?? 0), 0);
  const pickedRow = selected.size === 1 ? rows.find((r) => selected.has(r.digest)) : undefined;
  // ECR says how each image's scan went; other registries have no scans.
  const hasScan = rows.some((r) => r.scan_status !== null);
  const columns = columnsFor(ecr, hasScan);
  return (
    <div
      className={`image-table${hasScan ? " with-scan" : ""}${open ? " split" : ""}`}
      style={open ? ({ "--list-share": `${split}%` } as CSSProperties) : undefined}
    >
      <div className="filter-row">
        <input
          className="filter"
          type="search"
          placeholder="Filter tags (release-* and v1.?.0 work)"
          aria-label="Filter tags"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="count" data-testid="image-count">
          {shown.length === rows.length
            ? images.toLocaleString()
            : `${shown.length.toLocaleString()} of ${rows.length.toLocaleString()}`}{" "}
          {images === 1 ? "image" : "images"}
          {untagged > 0 && ` · ${untagged.toLocaleString()} untagged`}
          {listing.done && totalSize > 0 && shown.length === rows.length && (
            <span title="The sum of the images' sizes as the registry reports them; layers shared between images count once per image">
              {` · ${formatBytes(totalSize)} in all`}
            </span>
          )}
          {listing.waiting > 0 &&
            ` · reading ${listing.waiting.toLocaleString()} more ${listing.waiting === 1 ? "tag" : "tags"}…`}
        </span>
        <button
          className="refresh"
          onClick={refresh}
          disabled={refreshing}
          title="List this repository's images again"
        >
          {refreshing ? "Refreshing…" : "Refresh"}
        </button>
      </div>
      {selected.size > 0 && (
        <div className="selection-bar" role="toolbar" aria-label="Selection">
          <span>
            {selected.size} selected
            {hiddenSelected > 0 && (
              <span title="Actions take only the selected images in view">, {hiddenSelected.toLocaleString()} more hidden by the filter</span>
            )}{" "}
            <span className="hint" title="Ctrl-click adds an image, Shift-click a range. Keys: arrows move, Shift+arrows extend, Space adds or drops the row, Home/End/PgUp/PgDn jump, Enter opens, Delete deletes">
              (Ctrl/Shift-click for more)
            </span>
          </span>
          {selected.size === 1 && (
            <>
              <button onClick={() => setTransferring("export")} title="Save this image to a docker archive or an OCI layout folder">
                Export…
              </button>
              <button onClick={() => setTransferring("copy")} title="Copy this image to another repository or registry">
                Copy to…
              </button>
            </>
          )}
          <button
            onClick={() => setConfirming("untag")}
            disabled={tagsToRemove.length === 0 || cannotUntag.has(registry)}
            title={
              cannotUntag.has(registry)
                ? "This registry cannot remove a tag on its own (it said so when asked): delete the image instead, which removes every tag on it"
                : filter.trim()
                  ? "Remove the selected images' tags that match the filter; the images stay"
                  : "Remove every tag of the selected images; the images stay"
            }
          >
            Untag…
          </button>
          {ecr && (
            <button onClick={archiveSelected} disabled={archiving} title="Move the selected images to ECR's archive storage class: not pullable until restored, billed at least 90 days (you confirm natively)">
              {archiving ? "Archiving…" : "Archive…"}
            </button>
          )}
          <button className="danger" onClick={() => setConfirming("delete")}>
            Delete…
          </button>
        </div>
      )}
      {outcome && (
        <p className={outcome.failed ? "form-error" : "notice"} role={outcome.failed ? "alert" : "status"}>
          {outcome.text}
        </p>
      )}
      <ReadAllNotice registryId={registry.id} repository={repository} listing={listing} />
      {listing.failed.length > 0 && (
        <p className="notice" role="status">
          {listing.failed.length === 1 ? "1 tag" : `${listing.failed.length.toLocaleString()} tags`} could not be read:{" "}
          {listing.failed
            .slice(0, 3)
            .map((f) => `${f.tag} (${f.message})`)
            .join("; ")}
          {listing.failed.length > 3 && "; …"}
        </p>
      )}
      <div
        className="rows-viewport"
        ref={viewport}
        onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
      >
      <table>
        <thead>
          <tr>
            {columns.map(([key, label]) => (
              <th
                key={key}
                aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}
              >
                <button
                  className="sort-button"
                  onClick={() =>
                    setSort((s: { key: SortKey; descending: boolean }) => ({ key, descending: s.key === key ? !s.descending : descendingFirst(key) }))
                  }
                >
                  {label}
                  {sort.key === key ? (sort.descending ? " ↓" : " ↑") : ""}
                </button>
              </th>
            ))}
            <th>Digest</th>
          </tr>
        </thead>
        <tbody>
          <Spacer height={slice.padTop} columns={columns.length + 1} />
          {shown.slice(slice.start, slice.end).map((row, offset) => (
            <tr
              key={rowKey(row)}
              className={
                (isWaiting(row) ? "image-row waiting" : picked.has(row.digest) ? "image-row selected" : "image-row") +
                (parents.has(row.digest) ? " index-child" : "")
              }
              onClick={(e) => {
                if (isWaiting(row)) return;
                const index = slice.start + offset;
                if (e.shiftKey && anchor !== null) {
                  setPicked(rangeOf(shown, anchor, index));
                } else if (e.ctrlKey || e.metaKey) {
                  setPicked((p) => toggled(p, row.digest));
                  setAnchor(index);
                } else {
                  setPicked(new Set([row.digest]));
                  setAnchor(index);
                  setOpen(row);
                }
              }}
              onKeyDown={(e) => onRowKey(e, slice.start + offset, row)}
              data-index={slice.start + offset}
              tabIndex={0}
              aria-selected={picked.has(row.digest)}
            >
              <RowCells row={row} details={details} ecr={ecr} hasScan={hasScan} parent={parents.get(row.digest)} />
            </tr>
          ))}
          <Spacer height={slice.padBottom} columns={columns.length + 1} />
          {shown.length === 0 && rows.length > 0 && (
            <tr className="no-match">
              <td colSpan={columns.length + 1}>
                No tag matches “{filter.trim()}”.{" "}
                <button onClick={() => setFilter("")}>Clear the filter</button>
              </td>
            </tr>
          )}
        </tbody>
      </table>
      </div>
      {open && (
        <>
          <Splitter share={split} onChange={setSplit} />
          <div className="detail-split">
            <ImageDetailView source={registrySource(registry, repository)} digest={open.digest} tags={open.tags} subject={open.subject} onClose={closeDetail} />
          </div>
        </>
      )}
      {transferring === "export" && pickedRow && (
        <ExportDialog registry={registry} repository={repository} row={pickedRow} onClose={() => setTransferring(null)} />
      )}
      {transferring === "copy" && pickedRow && (
        <CopyDialog
          registry={registry}
          repository={repository}
          row={pickedRow}
          targets={targets}
          onClose={() => setTransferring(null)}
        />
      )}
      {confirming === "delete" && (
        <ConfirmDialog
          title={`Delete ${selected.size} ${selected.size === 1 ? "image" : "images"} from ${repository}?`}
          body={describeDeletion(rows, selected)}
          confirmLabel="Delete"
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            const digests = [...selected];
            setConfirming(null);
            // The backend asks the final yes in a native dialog; "no" changes nothing.
            api.deleteImages(registry.id, repository, digests, deleteAttached && attachedCount > 0).then(
              (result) => {
                report(result, "Deleted", (n) => (n === 1 ? "image" : "images"));
                refresh();
              },
              (e) => declined(e) || setError(e),
            );
          }}
        >
          <DeleteAttached
            registryId={registry.id}
            repository={repository}
            digests={[...selected]}
            checked={deleteAttached}
            onChange={setDeleteAttached}
            onCount={setAttachedCount}
          />
        </ConfirmDialog>
      )}
      {confirming === "untag" && (
        <ConfirmDialog
          title={`Remove ${tagsToRemove.length} ${tagsToRemove.length === 1 ? "tag" : "tags"} from ${repository}?`}
          body={describeUntag(rows, selected, tagsToRemove, registry.kind === "ecr")}
          confirmLabel="Untag"
          onClose={() => setConfirming(null)}
          onConfirm={() => {
            const tags = tagsToRemove;
            setConfirming(null);
            api.untagImages(registry.id, repository, tags).then(
              (result) => {
                report(result, "Removed", (n) => (n === 1 ? "tag" : "tags"));
                refresh();
              },
              (e) => declined(e) || setError(e),
            );
          }}
        />
      )}
    </div>
  );
}

/** Blank space standing in for the rows that are scrolled out of view. */
function Spacer({ height, columns }: { height: number; columns: number }) {
  if (height <= 0) return null;
  return (
    <tr className="spacer" aria-hidden>
      <td colSpan={columns} style={{ height }} />
    </tr>
  );
}

function inOrder<T>(items: T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return false;
  return true;
}
