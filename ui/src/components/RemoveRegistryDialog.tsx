import { useState } from "react";
import type { RegistryView } from "../ipc";
import { Modal } from "./Modal";

interface Props {
  registry: RegistryView;
  onConfirm: (forgetCredentials: boolean) => void;
  onClose: () => void;
}

export function RemoveRegistryDialog({ registry, onConfirm, onClose }: Props) {
  const [forget, setForget] = useState(true);
  const hasSavedLogin = registry.auth === "keychain";
  return (
    <Modal role="alertdialog" labelledBy="remove-title" clickOutside onClose={onClose}>
        <h2 id="remove-title">Remove {registry.name}?</h2>
        <p>It leaves Lading's list; nothing in the registry is touched.</p>
        {hasSavedLogin && (
          <label className="choice">
            <input type="checkbox" checked={forget} onChange={(e) => setForget(e.target.checked)} />
            Also forget the saved password for {registry.username}
          </label>
        )}
        <div className="dialog-actions">
          <button onClick={onClose} autoFocus>
            Cancel
          </button>
          <button className="danger" onClick={() => onConfirm(hasSavedLogin && forget)}>
            Remove
          </button>
        </div>
    </Modal>
  );
}
