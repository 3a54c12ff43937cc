import { createContext, useCallback, useContext, useEffect, useReducer, useRef, useState } from "react";
import { api, type BlobProgress, type LadingError } from "../ipc";
import { formatBytes } from "../format";
import { invalidTag, parseTags, totals } from "../push";
import { nextToRun, queueReducer, queueSummary, type Finished, type Job, type JobSpec } from "../queue";
import { ErrorText } from "./ErrorText";

const STATE_LABEL: Record<string, string> = {
  checking: "checking",
  exists: "exists — skipped",
  mounted: "mounted",
  uploading: "uploading",
  downloading: "downloading",
  done: "done",
};

/** How often the queue redraws a running transfer's progress. */
const PAINT_MS = 200;

const JOB_STATE_LABEL: Record<Job["state"], string> = {
  queued: "queued",
  running: "running",
  done: "done",
  failed: "failed",
  cancelled: "cancelled",
};

/**
 * The app's transfer queue: one transfer at a time, in order. `onSucceeded` hears of each one that
 * finished well.
 */
export function useTransferQueue(onSucceeded?: (job: Job, finished: Finished | null) => void) {
  const [jobs, dispatch] = useReducer(queueReducer, []);
  const nextId = useRef(1);
  // A cancel that comes before the backend named the transfer is carried out when it does.
  const cancelOnStart = useRef(new Set<number>());
  const succeeded = useRef(onSucceeded);
  succeeded.current = onSucceeded;
  // The job being started: an effect that runs again before the start is in the state (strict
  // mode) must not start it twice.
  const launching = useRef<number | null>(null);

  const enqueue = useCallback((spec: JobSpec) => {
    const id = nextId.current++;
    dispatch({ type: "add", id, spec });
    return id;
  }, []);

  useEffect(() => {
    const job = nextToRun(jobs);
    if (!job || launching.current !== null) return;
    launching.current = job.id;
    dispatch({ type: "start", id: job.id, at: Date.now() });
    let finished: Finished | null = null;
    // Progress is drawn at most every PAINT_MS: on two cores, WebKit repainting bars competes
    // with the compression it reports on (bench/push_window.mjs measures the CPU).
    let pending: BlobProgress[] = [];
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (pending.length) dispatch({ type: "event", id: job.id, event: { event: "progress", blobs: pending } });
      pending = [];
    };
    job.spec
      .run((event) => {
        if (event.event === "progress") {
          pending.push(...event.blobs);
          timer ??= setTimeout(flush, PAINT_MS);
          return;
        }
        flush();
        if (event.event === "started" && cancelOnStart.current.delete(job.id)) void api.cancelTransfer(event.transfer_id).catch(() => {});
        if (event.event === "finished") finished = event;
        dispatch({ type: "event", id: job.id, event });
      })
      .finally(flush)
      .then(
        () => {
          launching.current = null;
          cancelOnStart.current.delete(job.id);
          dispatch({ type: "succeeded", id: job.id, at: Date.now() });
          succeeded.current?.({ ...job, state: "done" }, finished);
        },
        (error: LadingError) => {
          launching.current = null;
          cancelOnStart.current.delete(job.id);
          dispatch({ type: "failed", id: job.id, at: Date.now(), error });
        },
      );
  }, [jobs]);

  const cancel = useCallback(
    (job: Job) => {
      if (job.state === "queued") dispatch({ type: "unqueue", id: job.id });
      else if (job.state === "running" && job.transferId) void api.cancelTransfer(job.transferId).catch(() => {});
      else if (job.state === "running") cancelOnStart.current.add(job.id);
    },
    [],
  );

  return {
    jobs,
    enqueue,
    cancel,
    /** Again as it was, or (an export) to another destination. */
    retry: (job: Job, path?: string) =>
      dispatch({
        type: "retry",
        id: job.id,
        spec: path !== undefined && job.spec.destination ? job.spec.destination.retarget(path) : undefined,
      }),
    remove: (job: Job) => dispatch({ type: "remove", id: job.id }),
    clear: () => dispatch({ type: "clear" }),
  };
}

export type TransferQueue = ReturnType<typeof useTransferQueue>;

const QueueContext = createContext<((spec: JobSpec) => number) | null>(null);
export const TransferQueueProvider = QueueContext.Provider;

/** Adds a transfer to the app's queue (from any sheet). */
export function useEnqueue(): (spec: JobSpec) => number {
  const enqueue = useContext(QueueContext);
  if (!enqueue) throw new Error("useEnqueue outside a TransferQueueProvider");
  return enqueue;
}

/**
 * The queue, across the bottom of the window while there is anything in it: a total bar per transfer,
 * bars per blob for the running one (and any the user opens), Cancel / Retry / Show / Remove.
 */
export function TransferPanel({ queue, onShow }: { queue: TransferQueue; onShow: (job: Job) => void }) {
  const [collapsed, setCollapsed] = useState(false);
  const [opened, setOpened] = useState<Set<number>>(new Set());
  const [now, setNow] = useState(Date.now());
  const running = queue.jobs.some((job) => job.state === "running");
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [running]);
  if (queue.jobs.length === 0) return null;
  const finished = queue.jobs.some((job) => job.state !== "running" && job.state !== "queued");
  return (
    <aside className="transfer-panel" aria-label="Transfers">
      <div className="transfer-panel-header">
        <button
          className="link-button transfer-panel-toggle"
          aria-expanded={!collapsed}
          onClick={() => setCollapsed((c) => !c)}
          title={collapsed ? "Show the transfers" : "Hide the transfers"}
        >
          Transfers · {queueSummary(queue.jobs)}
        </button>
        {finished && (
          <button className="link-button" onClick={queue.clear}>
            Clear finished
          </button>
        )}
      </div>
      {!collapsed && (
        <ol className="transfer-jobs">
          {queue.jobs.map((job) => (
            <JobView
              key={job.id}
              job={job}
              now={now}
              open={job.state === "running" || opened.has(job.id)}
              onToggle={() =>
                setOpened((o) => {
                  const next = new Set(o);
                  if (!next.delete(job.id)) next.add(job.id);
                  return next;
                })
              }
              queue={queue}
              onShow={onShow}
            />
          ))}
        </ol>
      )}
    </aside>
  );
}

function JobView({
  job,
  now,
  open,
  onToggle,
  queue,
  onShow,
}: {
  job: Job;
  now: number;
  open: boolean;
  onToggle: () => void;
  queue: TransferQueue;
  onShow: (job: Job) => void;
}) {
  const list = Object.values(job.blobs).sort((a, b) => a.blob - b.blob);
  const elapsed = job.startedAt === null ? 0 : (job.finishedAt ?? now) - job.startedAt;
  const sum = totals(list, elapsed);
  const label = job.spec.blobLabel;
  // After a failure, the blobs that were still moving: where it stopped.
  const unfinished = job.error ? list.filter((b) => b.state !== "done" && b.state !== "exists" && b.state !== "mounted") : [];
  return (
    <li className={`transfer-job ${job.state}`} aria-label={job.spec.title}>
      <div className="transfer-job-head">
        <span className="transfer-job-title" title={job.spec.title}>
          {job.spec.title}
        </span>
        <span className="transfer-job-state">{JOB_STATE_LABEL[job.state]}</span>
        <span className="transfer-job-actions">
          {job.state !== "running" && job.state !== "queued" && list.length > 0 && (
            <button className="link-button" aria-expanded={open} onClick={onToggle}>
              {open ? "Hide layers" : "Layers"}
            </button>
          )}
          {(job.state === "running" || job.state === "queued") && (
            <button className="danger" onClick={() => queue.cancel(job)}>
              Cancel
            </button>
          )}
          {(job.state === "failed" || job.state === "cancelled") && !job.spec.destination && (
            <button onClick={() => queue.retry(job)}>Retry</button>
          )}
          {job.state === "done" && job.spec.target && <button onClick={() => onShow(job)}>Show</button>}
          {job.state !== "running" && job.state !== "queued" && (
            <button className="link-button" onClick={() => queue.remove(job)} aria-label={`Remove ${job.spec.title} from the list`}>
              Remove
            </button>
          )}
        </span>
      </div>
      {(job.state === "failed" || job.state === "cancelled") && job.spec.destination && (
        <RetryTo key={job.spec.destination.path} path={job.spec.destination.path} onRetry={(path) => queue.retry(job, path)} />
      )}
      {(job.state === "running" || open) && (
        <>
          <progress className="push-total" max={sum.total || 1} value={sum.done} aria-label={`${job.spec.title}: total progress`} />
          <p className="hint" data-testid="transfer-total">
            {formatBytes(sum.done)} of {formatBytes(sum.total)}
            {job.state === "running" && sum.rate > 0 && ` · ${formatBytes(sum.rate)}/s`}
            {job.state === "running" && sum.eta !== null && sum.eta > 0 && ` · ${Math.ceil(sum.eta)} s left`}
          </p>
        </>
      )}
      {open && list.length > 0 && (
        <ul className="push-blobs">
          {list.map((b) => (
            <li key={b.blob}>
              <span className="blob-name">{label(b.blob)}</span>
              <progress
                max={b.total || 1}
                value={b.state === "exists" || b.state === "mounted" ? b.total : b.done}
                aria-label={`${label(b.blob)} progress`}
              />
              <span className="hint">
                {STATE_LABEL[b.state] ?? b.state} · {formatBytes(b.total)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {job.result && job.state === "done" && (
        <p className="transfer-result hint" role="status">
          {job.result}
        </p>
      )}
      {job.error && (
        <div className="form-error" role="alert">
          <ErrorText error={job.error} />
          {unfinished.length > 0 && (
            <span className="hint unfinished-blobs">
              {" "}
              Unfinished: {unfinished.map((b) => `${label(b.blob)} (${STATE_LABEL[b.state] ?? b.state})`).join(", ")}.
            </span>
          )}
        </div>
      )}
    </li>
  );
}

/** The tags to apply, typed space separated, with the ones a registry would refuse named. */
export function TagsField({ label, value, onChange }: { label: string; value: string; onChange: (text: string) => void }) {
  const bad = parseTags(value).filter(invalidTag);
  return (
    <>
      <label className="field">
        <span>{label}</span>
        <input value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false} />
      </label>
      {bad.length > 0 && (
        <p className="form-error" role="alert">
          Not a valid tag: {bad.join(", ")} (letters, digits, _ . -; up to 128; not starting with . or -)
        </p>
      )}
    </>
  );
}

/** A failed export's destination, editable: Retry goes to what the field says. */
function RetryTo({ path, onRetry }: { path: string; onRetry: (path: string) => void }) {
  const [to, setTo] = useState(path);
  return (
    <form
      className="retry-to"
      onSubmit={(e) => {
        e.preventDefault();
        onRetry(to.trim());
      }}
    >
      <label>
        <span className="hint">Retry to</span>
        <input value={to} onChange={(e) => setTo(e.target.value)} spellCheck={false} aria-label="Retry to" />
      </label>
      <button type="submit" disabled={!to.trim()}>
        Retry
      </button>
    </form>
  );
}
