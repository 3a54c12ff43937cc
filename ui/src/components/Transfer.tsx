import { useEffect, useRef, useState } from "react";
import { api, type BlobProgress, type LadingError, type TransferEvent } from "../ipc";
import { formatBytes } from "../format";
import { invalidTag, parseTags, totals } from "../push";

const STATE_LABEL: Record<string, string> = {
  checking: "checking",
  exists: "exists — skipped",
  mounted: "mounted",
  uploading: "uploading",
  downloading: "downloading",
  done: "done",
};

export type Phase = "form" | "running" | "done" | "failed";

type Finished = Extract<TransferEvent, { event: "finished" }>;

/** One transfer's state (push, export, copy): progress per blob, cancel, result or error. */
export function useTransfer() {
  const [phase, setPhase] = useState<Phase>("form");
  const [blobs, setBlobs] = useState<Record<number, BlobProgress>>({});
  const [error, setError] = useState<LadingError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const transferId = useRef<string | null>(null);
  const started = useRef(0);
  const [now, setNow] = useState(0);

  useEffect(() => {
    if (phase !== "running") return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [phase]);

  function start(run: (onEvent: (event: TransferEvent) => void) => Promise<void>, describe: (done: Finished) => string) {
    setPhase("running");
    setError(null);
    setResult(null);
    setBlobs({});
    started.current = Date.now();
    setNow(Date.now());
    run((event) => {
      if (event.event === "started") transferId.current = event.transfer_id;
      else if (event.event === "progress")
        setBlobs((b) => {
          const next = { ...b };
          for (const p of event.blobs) next[p.blob] = p;
          return next;
        });
      else setResult(describe(event));
    })
      .then(
        () => setPhase("done"),
        (err: LadingError) => {
          setError(err);
          setPhase("failed");
        },
      )
      .finally(() => {
        transferId.current = null;
      });
  }

  function cancel() {
    if (transferId.current) api.cancelTransfer(transferId.current).catch(setError);
  }

  const list = Object.values(blobs).sort((a, b) => a.blob - b.blob);
  const sum = totals(list, now - started.current);
  return { phase, start, cancel, list, sum, error, result };
}

/** Bars per blob and for the total, the result or error, and Cancel / Retry / Close. */
export function TransferProgress({
  transfer,
  label,
  onRetry,
  onClose,
  done,
}: {
  transfer: ReturnType<typeof useTransfer>;
  label: (blob: number) => string;
  onRetry: () => void;
  onClose: () => void;
  /** An extra action once the transfer succeeded (e.g. show the pushed image). */
  done?: { label: string; action: () => void };
}) {
  const { phase, list, sum, error, result } = transfer;
  return (
    <>
      <p data-testid="push-total">
        {formatBytes(sum.done)} of {formatBytes(sum.total)}
        {phase === "running" && sum.rate > 0 && ` · ${formatBytes(sum.rate)}/s`}
        {phase === "running" && sum.eta !== null && sum.eta > 0 && ` · ${Math.ceil(sum.eta)} s left`}
      </p>
      <progress className="push-total" max={sum.total || 1} value={sum.done} aria-label="Total progress" />
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
      {result && (
        <p className="notice" role="status">
          {result}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <div className="dialog-actions">
        {phase === "running" ? (
          <button type="button" className="danger" onClick={transfer.cancel}>
            Cancel
          </button>
        ) : (
          <>
            {phase === "failed" && (
              <button type="button" onClick={onRetry}>
                Retry
              </button>
            )}
            {phase === "done" && done && (
              <button type="button" onClick={done.action}>
                {done.label}
              </button>
            )}
            <button type="button" className="primary" onClick={onClose}>
              Close
            </button>
          </>
        )}
      </div>
    </>
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
