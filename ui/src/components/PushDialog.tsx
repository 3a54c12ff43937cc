import { useEffect, useRef, useState, type FormEvent } from "react";
import { api, type BlobProgress, type LadingError, type LocalImageView, type LocalView, type RegistryView } from "../ipc";
import { formatBytes } from "../format";
import { defaultTarget, invalidTag, parseTags, totals } from "../push";

const STATE_LABEL: Record<string, string> = {
  checking: "checking",
  exists: "exists — skipped",
  mounted: "mounted",
  uploading: "uploading",
  downloading: "reading",
  done: "done",
};

type Phase = "form" | "pushing" | "done" | "failed";

/** Push an image of a local source: choose where, then per-layer progress with cancel. */
export function PushDialog({
  local,
  image,
  registries,
  onClose,
}: {
  local: LocalView;
  image: LocalImageView;
  registries: RegistryView[];
  onClose: () => void;
}) {
  const initial = defaultTarget(image.names);
  const [registryId, setRegistryId] = useState(registries[0]?.id ?? "");
  const [repository, setRepository] = useState(initial.repository);
  const [tagsText, setTagsText] = useState(initial.tags.join(" "));
  const [compression, setCompression] = useState("gzip");
  const [createRepository, setCreateRepository] = useState(true);
  const [phase, setPhase] = useState<Phase>("form");
  const [blobs, setBlobs] = useState<Record<number, BlobProgress>>({});
  const [error, setError] = useState<LadingError | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const pushId = useRef<string | null>(null);
  const started = useRef(0);
  const [now, setNow] = useState(0);
  const registry = registries.find((r) => r.id === registryId);
  const tags = parseTags(tagsText);
  const badTags = tags.filter(invalidTag);

  useEffect(() => {
    if (phase !== "pushing") return;
    const timer = setInterval(() => setNow(Date.now()), 250);
    return () => clearInterval(timer);
  }, [phase]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && phase !== "pushing" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose, phase]);

  function push(e?: FormEvent) {
    e?.preventDefault();
    setPhase("pushing");
    setError(null);
    setBlobs({});
    started.current = Date.now();
    setNow(Date.now());
    api
      .pushLocal(
        {
          source_id: local.id,
          image: image.index,
          registry_id: registryId,
          repository: repository.trim(),
          tags,
          compression,
          create_repository: registry?.kind === "ecr" && createRepository,
        },
        (event) => {
          if (event.event === "started") pushId.current = event.transfer_id;
          else if (event.event === "progress")
            setBlobs((b) => {
              const next = { ...b };
              for (const p of event.blobs) next[p.blob] = p;
              return next;
            });
          else
            setResult(
              `Pushed ${repository.trim()}${event.tags.length ? `:${event.tags.join(", :")}` : ""} as ${event.manifest_digest.slice(0, 19)}… (${formatBytes(event.bytes)} uploaded)`,
            );
        },
      )
      .then(
        () => setPhase("done"),
        (err: LadingError) => {
          setError(err);
          setPhase("failed");
        },
      )
      .finally(() => {
        pushId.current = null;
      });
  }

  const list = Object.values(blobs).sort((a, b) => a.blob - b.blob);
  const sum = totals(list, now - started.current);

  return (
    <div className="dialog-backdrop">
      <div className="dialog push-dialog" role="dialog" aria-modal="true" aria-label="Push image">
        <h2>Push {image.names[0] ?? `image ${image.index + 1}`}</h2>
        <p className="hint">
          From {local.name} · {image.layers} {image.layers === 1 ? "layer" : "layers"} · {formatBytes(image.size)}
        </p>
        {phase === "form" ? (
          <form onSubmit={push}>
            {registries.length === 0 ? (
              <p className="form-error" role="alert">
                Add a registry first (+ Add): there is nowhere to push to.
              </p>
            ) : (
              <label className="field">
                <span>Registry</span>
                <select value={registryId} onChange={(e) => setRegistryId(e.target.value)}>
                  {registries.map((r) => (
                    <option key={r.id} value={r.id}>
                      {r.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            <label className="field">
              <span>Repository</span>
              <input value={repository} onChange={(e) => setRepository(e.target.value)} spellCheck={false} required />
            </label>
            <label className="field">
              <span>Tags (space separated; none pushes by digest only)</span>
              <input value={tagsText} onChange={(e) => setTagsText(e.target.value)} spellCheck={false} />
            </label>
            {badTags.length > 0 && (
              <p className="form-error" role="alert">
                Not a valid tag: {badTags.join(", ")} (letters, digits, _ . -; up to 128; not starting with . or -)
              </p>
            )}
            <label className="field">
              <span>Compression of uncompressed layers</span>
              <select value={compression} onChange={(e) => setCompression(e.target.value)}>
                <option value="gzip">gzip (every registry and runtime)</option>
                <option value="zstd">zstd (smaller, faster; needs a recent runtime)</option>
              </select>
            </label>
            {registry?.kind === "ecr" && (
              <label className="choice">
                <input type="checkbox" checked={createRepository} onChange={(e) => setCreateRepository(e.target.checked)} />
                Create the repository if it does not exist
              </label>
            )}
            <div className="dialog-actions">
              <button type="button" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="primary" disabled={!registry || !repository.trim() || badTags.length > 0}>
                Push
              </button>
            </div>
          </form>
        ) : (
          <>
            <p data-testid="push-total">
              {formatBytes(sum.done)} of {formatBytes(sum.total)}
              {phase === "pushing" && sum.rate > 0 && ` · ${formatBytes(sum.rate)}/s`}
              {phase === "pushing" && sum.eta !== null && sum.eta > 0 && ` · ${Math.ceil(sum.eta)} s left`}
            </p>
            <progress className="push-total" max={sum.total || 1} value={sum.done} aria-label="Total progress" />
            <ul className="push-blobs">
              {list.map((b) => (
                <li key={b.blob}>
                  <span className="blob-name">{b.blob < image.layers ? `Layer ${b.blob + 1}` : "Config"}</span>
                  <progress
                    max={b.total || 1}
                    value={b.state === "exists" || b.state === "mounted" ? b.total : b.done}
                    aria-label={`${b.blob < image.layers ? `Layer ${b.blob + 1}` : "Config"} progress`}
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
              {phase === "pushing" ? (
                <button
                  type="button"
                  className="danger"
                  onClick={() => pushId.current && api.cancelTransfer(pushId.current).catch(setError)}
                >
                  Cancel push
                </button>
              ) : (
                <>
                  {phase === "failed" && (
                    <button type="button" onClick={() => push()}>
                      Retry
                    </button>
                  )}
                  <button type="button" className="primary" onClick={onClose}>
                    Close
                  </button>
                </>
              )}
            </div>
          </>
        )}
      </div>
    </div>
  );
}
