import { useEffect, useState, type FormEvent } from "react";
import { api, declined, type LadingError, type RegistryView, type RepositorySettings, type ResourceTag } from "../ipc";
import { Modal } from "./Modal";
import { ConfirmDialog } from "./ConfirmDialog";
import { ResourceTagsEditor, TagRows, tagsToSend, tagsValid } from "./ResourceTags";


export function CreateRepositoryDialog({
  registry,
  onCreated,
  onClose,
}: {
  registry: RegistryView;
  onCreated: (name: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState("");
  const [mutability, setMutability] = useState("MUTABLE");
  const [exclusions, setExclusions] = useState("");
  const [scanOnPush, setScanOnPush] = useState(true);
  const [encryption, setEncryption] = useState("AES256");
  const [kmsKey, setKmsKey] = useState("");
  const [tags, setTags] = useState<ResourceTag[]>([]);
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  const withExclusions = mutability.endsWith("_WITH_EXCLUSION");
  const filters = exclusions.split(/[\s,]+/).filter(Boolean);
  const needsFilters = withExclusions && filters.length === 0;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api.createRepository(registry.id, {
        name: name.trim(),
        mutability,
        exclusions: withExclusions ? filters : [],
        scan_on_push: scanOnPush,
        encryption,
        kms_key: encryption === "KMS" && kmsKey.trim() ? kmsKey.trim() : null,
        tags: tagsToSend(tags),
      });
      onCreated(created.name);
    } catch (err) {
      setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal label="New repository" clickOutside onClose={onClose}>
      <form onSubmit={submit} className="new-repository">
        <h2>New repository in {registry.name}</h2>
        <label className="field">
          <span>Name (namespaces with /, e.g. team-a/web-app)</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} spellCheck={false} required />
        </label>
        <label className="field">
          <span>Tags</span>
          <select value={mutability} onChange={(e) => setMutability(e.target.value)}>
            {MUTABILITY.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {withExclusions && (
          <label className="field">
            <span>Exclusion filters (latest, dev-*)</span>
            <input value={exclusions} aria-invalid={needsFilters} onChange={(e) => setExclusions(e.target.value)} spellCheck={false} />
            {needsFilters && <span className="form-error">Name at least one tag filter.</span>}
          </label>
        )}
        <label className="choice">
          <input type="checkbox" checked={scanOnPush} onChange={(e) => setScanOnPush(e.target.checked)} />
          Scan images on push
        </label>
        <label className="field">
          <span>Encryption (fixed once created)</span>
          <select value={encryption} onChange={(e) => setEncryption(e.target.value)}>
            <option value="AES256">AES-256 (ECR's own keys)</option>
            <option value="KMS">AWS KMS</option>
          </select>
        </label>
        {encryption === "KMS" && (
          <label className="field">
            <span>KMS key: ID, ARN or alias/NAME (empty for the AWS managed key)</span>
            <input value={kmsKey} onChange={(e) => setKmsKey(e.target.value)} spellCheck={false} placeholder="alias/ecr-images" />
          </label>
        )}
        <fieldset className="field">
          <legend>Resource tags</legend>
          <TagRows tags={tags} onChange={setTags} />
        </fieldset>
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || needsFilters || !tagsValid(tags)}>
            Create
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Deleting a repository: the name must be typed, and a non-empty one needs "delete its images" too. */
export function DeleteRepositoryDialog({
  registry,
  repository,
  onDeleted,
  onClose,
}: {
  registry: RegistryView;
  repository: string;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const [typed, setTyped] = useState("");
  const [force, setForce] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // The backend asks the final yes natively; "no" keeps this dialog open, unchanged.
      await api.deleteRepository(registry.id, repository, force);
      onDeleted();
    } catch (err) {
      if (!declined(err)) setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal label="Delete repository" clickOutside onClose={onClose}>
      <form onSubmit={submit}>
        <h2>Delete {repository}?</h2>
        <p>This deletes the repository from {registry.name}. It cannot be undone.</p>
        <label className="field">
          <span>Type the repository name to confirm</span>
          <input autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} spellCheck={false} />
        </label>
        <label className="choice">
          <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
          Also delete every image in it
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
          <button type="submit" className="danger" disabled={busy || typed !== repository}>
            Delete repository
          </button>
        </div>
      </form>
    </Modal>
  );
}

const MUTABILITY: Array<[string, string]> = [
  ["MUTABLE", "Mutable (a tag can move to a new image)"],
  ["IMMUTABLE", "Immutable (a tag, once pushed, stays)"],
  ["MUTABLE_WITH_EXCLUSION", "Mutable, except tags matching the filters below"],
  ["IMMUTABLE_WITH_EXCLUSION", "Immutable, except tags matching the filters below"],
];

/** An ECR repository's settings, read from ECR, changed and read back. */
export function RepositorySettingsDialog({
  registry,
  name,
  onClose,
}: {
  registry: RegistryView;
  name: string;
  onClose: () => void;
}) {
  const [settings, setSettings] = useState<RepositorySettings | null>(null);
  const [mutability, setMutability] = useState("MUTABLE");
  const [exclusions, setExclusions] = useState("");
  const [scanOnPush, setScanOnPush] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const show = (s: RepositorySettings) => {
    setSettings(s);
    setMutability(s.tag_mutability);
    setExclusions(s.mutability_exclusions.join("\n"));
    setScanOnPush(s.scan_on_push);
  };
  useEffect(() => {
    api.repositorySettings(registry.id, name).then(show, setError);
  }, [registry.id, name]);
  const withExclusions = mutability.endsWith("_WITH_EXCLUSION");
  const [leaving, setLeaving] = useState(false);
  const [view, setView] = useState<"settings" | "tags">("settings");
  const [tagsDirty, setTagsDirty] = useState(false);
  // Closing with choices ECR does not have yet asks first.
  const unsaved =
    tagsDirty ||
    (!!settings &&
    (mutability !== settings.tag_mutability ||
      scanOnPush !== settings.scan_on_push ||
      (withExclusions && exclusions.split(/[\s,]+/).filter(Boolean).join("\n") !== settings.mutability_exclusions.join("\n"))));
  const close = () => (unsaved ? setLeaving(true) : onClose());
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const filters = withExclusions ? exclusions.split(/[\s,]+/).filter(Boolean) : [];
      show(await api.updateRepositorySettings(registry.id, name, mutability, filters, scanOnPush));
      setSaved(true);
    } catch (err) {
      // A mutability change asks natively first; "no" leaves the settings as they are.
      if (!declined(err)) setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <>
    <Modal label="Repository settings" clickOutside escape={!leaving} onClose={close}>
      <h2>Settings of {name}</h2>
      <div className="tabs" role="tablist" aria-label="Repository settings views">
        {(["settings", "tags"] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={view === v}
            tabIndex={view === v ? 0 : -1}
            onClick={() => setView(v)}
            onKeyDown={(e) => {
              if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
              const other = v === "settings" ? "tags" : "settings";
              setView(other);
              (e.currentTarget.parentElement?.querySelector(`[data-view="${other}"]`) as HTMLElement | null)?.focus();
            }}
            data-view={v}
          >
            {v === "settings" ? "Settings" : "Resource tags"}
          </button>
        ))}
      </div>
      {/* Kept mounted while hidden, so edits survive switching views. */}
      <div hidden={view !== "tags"}>
        <ResourceTagsEditor registry={registry} name={name} onDirty={setTagsDirty} onClose={close} />
      </div>
      <form onSubmit={submit} hidden={view !== "settings"}>
        {!settings && !error && <p className="hint">Reading the settings from ECR…</p>}
        {settings && (
          <>
            <p className="hint" data-testid="repository-facts">
              {settings.uri} · encryption {settings.encryption}
              {settings.kms_key ? ` (${settings.kms_key})` : ""}
              {settings.created_at ? ` · created ${new Date(settings.created_at * 1000).toLocaleDateString()}` : ""}
            </p>
            <label className="field">
              <span>Tags</span>
              <select value={mutability} onChange={(e) => setMutability(e.target.value)}>
                {MUTABILITY.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            {withExclusions && (
              <label className="field">
                <span>Exclusion filters, one per line (latest, dev-*)</span>
                <textarea rows={3} value={exclusions} onChange={(e) => setExclusions(e.target.value)} spellCheck={false} />
              </label>
            )}
            <label className="choice">
              <input type="checkbox" checked={scanOnPush} onChange={(e) => setScanOnPush(e.target.checked)} />
              Scan images on push
            </label>
          </>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error.message}
          </p>
        )}
        {saved && (
          <p className="notice" role="status">
            Saved; ECR now reports these settings.
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={close}>
            Close
          </button>
          <button type="submit" className="primary" disabled={busy || !settings}>
            Save
          </button>
        </div>
      </form>
    </Modal>
    {leaving && (
      <ConfirmDialog
        title="Discard your changes?"
        body="These changes are not saved in ECR; closing loses them."
        confirmLabel="Discard"
        cancelLabel="Keep editing"
        onClose={() => setLeaving(false)}
        onConfirm={onClose}
      />
    )}
    </>
  );
}
