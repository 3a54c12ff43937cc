import { useState, type FormEvent } from "react";
import { api, type LadingError, type Located } from "../ipc";
import { Modal } from "./Modal";
import { ErrorText } from "./ErrorText";

export interface GoToTarget {
  registryId: string;
  repository: string;
  digest: string;
  tag?: string;
}

/**
 * Ctrl+K: a reference as people paste it (`nginx`, `ghcr.io/org/app:v1`, an ECR URI, `…@sha256:…`)
 * opens its repository and selects the image. A registry not in the list is contacted only once
 * the user chooses to add it.
 */
export function GoToDialog({ onGo, onAdded, onClose }: { onGo: (target: GoToTarget) => void; onAdded: () => void; onClose: () => void }) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const [missing, setMissing] = useState<Located | null>(null);

  async function go(located: Located, registryId: string) {
    // Also what lists it in a registry without a catalog; a repository that is not there says so.
    await api.openRepository(registryId, located.repository);
    onGo({ registryId, repository: located.repository, digest: located.digest ?? "", tag: located.tag ?? undefined });
  }

  async function run(step: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (err) {
      setError(err as LadingError);
    } finally {
      setBusy(false);
    }
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    setMissing(null);
    void run(async () => {
      const located = await api.locateReference(text);
      if (located.registry_id) await go(located, located.registry_id);
      else setMissing(located);
    });
  }

  function addAndGo(located: Located) {
    void run(async () => {
      const added = await api.addOciRegistry({
        address: located.registry,
        auth: { mode: "anonymous", username: null, password: null },
        insecure: false,
        ca_file: null,
      });
      onAdded();
      await go(located, added.id);
    });
  }

  return (
    <Modal labelledBy="go-to-title" clickOutside onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id="go-to-title">Go to</h2>
        <label className="field">
          <span>Image reference</span>
          <input
            autoFocus
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setMissing(null);
            }}
            placeholder="nginx:1.27, ghcr.io/org/app@sha256:…, 1234….dkr.ecr.…/team/app:1.4"
            spellCheck={false}
            autoCapitalize="off"
          />
        </label>
        {missing && (
          <div className="notice" role="status">
            {missing.is_ecr ? (
              <p>{missing.registry} is not in your list: add it with + Add → Amazon ECR, by the AWS profile that reaches it.</p>
            ) : (
              <>
                <p>{missing.registry} is not in your list. Nothing has been sent to it.</p>
                <button type="button" disabled={busy} onClick={() => addAndGo(missing)}>
                  Add it (anonymous) and go
                </button>
              </>
            )}
          </div>
        )}
        {error && (
          <div className="form-error" role="alert">
            <ErrorText error={error} />
          </div>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy || !text.trim()}>
            {busy ? "Going…" : "Go"}
          </button>
        </div>
      </form>
    </Modal>
  );
}
