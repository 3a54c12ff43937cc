import { useState, type FormEvent } from "react";
import { api, type LadingError, type RegistryView, type RepositoryView } from "../ipc";
import { Modal } from "./Modal";

/** Opens a repository by its name: what browsing a registry without a readable catalog needs. */
export function OpenRepositoryDialog({
  registry,
  onOpened,
  onClose,
}: {
  registry: RegistryView;
  onOpened: (repository: RepositoryView) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onOpened(await api.openRepository(registry.id, name));
    } catch (err) {
      setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal labelledBy="open-repository-title" clickOutside onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="open-repository-title">Open repository</h2>
        <label className="field">
          <span>Repository in {registry.name}</span>
          <input
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="team/app"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !name.trim()}>
            {busy ? "Opening…" : "Open"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
