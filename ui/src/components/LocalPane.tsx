import { useState, type FormEvent } from "react";
import { api, type LadingError, type LocalView } from "../ipc";
import { formatBytes } from "../format";
import { moveFocus } from "../keyboard";
import { Modal } from "./Modal";
import { ErrorText } from "./ErrorText";

const KIND_LABEL: Record<string, string> = {
  "docker-archive": "docker save archive",
  "oci-archive": "OCI archive",
  "oci-layout": "OCI layout folder",
};

/** The images of an opened archive or layout folder. */
export function LocalImages({
  local,
  failure,
  onRetry,
  selected,
  onSelect,
}: {
  local: LocalView;
  /** Why a remembered source could not be read, if it could not. */
  failure: string | null;
  onRetry: () => void;
  selected: number | null;
  onSelect: (index: number) => void;
}) {
  if (!local.opened) {
    return (
      <div className="local-images">
        <p className="hint local-path" title={local.path}>
          {local.path}
        </p>
        {failure ? (
          <div className="empty-state" role="alert">
            <p className="empty-title">Cannot open {local.name}</p>
            <p>{failure}</p>
            <button onClick={onRetry}>Try again</button>
          </div>
        ) : (
          <p className="empty-state" role="status" aria-live="polite">
            {local.compressed ? `Decompressing ${local.name} into Lading's data folder…` : `Reading ${local.name}…`}
          </p>
        )}
      </div>
    );
  }
  return (
    <div className="local-images">
      <p className="hint local-path" title={local.path}>
        {KIND_LABEL[local.kind] ?? local.kind} · {local.path}
      </p>
      <ul
        className="local-image-list"
        role="listbox"
        aria-label="Images"
        onKeyDown={(e) => {
          if ((e.key === "ArrowDown" || e.key === "ArrowUp") && moveFocus(e.currentTarget, "[role=option]", e.key === "ArrowDown" ? 1 : -1))
            e.preventDefault();
        }}
      >
        {local.images.map((image) => (
          <li key={image.index} role="none">
            <button
              role="option"
              aria-selected={selected === image.index}
              className={selected === image.index ? "local-image selected" : "local-image"}
              onClick={() => onSelect(image.index)}
              title={image.digest}
            >
              <span className="local-image-name">{image.names.join(", ") || `image ${image.index + 1} (no name)`}</span>
              <span className="hint">
                {image.kind === "index"
                  ? `index of ${image.layers} images`
                  : `${image.platform ? `${image.platform} · ` : ""}${image.layers} ${image.layers === 1 ? "layer" : "layers"} · ${formatBytes(image.size)}`}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Asks for the path of an archive or layout folder and opens it. */
export function OpenLocalDialog({ onOpened, onClose }: { onOpened: (local: LocalView) => void; onClose: () => void }) {
  const [path, setPath] = useState("");
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  async function choose(kind: "archives" | "folder") {
    setError(null);
    try {
      const [picked] = await api.pickPath(kind, kind === "folder" ? "Open an OCI layout folder" : "Open an image archive");
      if (picked) setPath(picked);
    } catch (err) {
      setError(err as LadingError);
    }
  }
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.openLocal(path));
    } catch (err) {
      setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal label="Open a local image" clickOutside onClose={onClose}>
        <form onSubmit={submit}>
          <h2>Open a local image</h2>
          <label className="field">
            <span>Path of a docker save archive (.tar, .tar.gz), an OCI archive, or an OCI layout folder</span>
            <input
              autoFocus
              value={path}
              onChange={(e) => setPath(e.target.value)}
              placeholder="/home/me/images/app.tar"
              spellCheck={false}
              required
            />
          </label>
          <div className="path-choosers">
            <button type="button" onClick={() => void choose("archives")}>
              Choose archive…
            </button>
            <button type="button" onClick={() => void choose("folder")}>
              Choose folder…
            </button>
          </div>
          <p className="hint">Read from disk only: nothing is uploaded, and no network is needed.</p>
          {error && (
            <div className="form-error" role="alert">
              <ErrorText error={error} />
            </div>
          )}
          <div className="dialog-actions">
            <button type="button" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {busy ? "Opening…" : "Open"}
            </button>
          </div>
        </form>
    </Modal>
  );
}
