import type React from "react";
import { Modal } from "./Modal";

interface Props {
  title: string;
  body: string;
  confirmLabel: string;
  cancelLabel?: string;
  onConfirm: () => void;
  onClose: () => void;
  /** Choices under the question (a checkbox for what else goes). */
  children?: React.ReactNode;
}

/** A yes/no question before something that cannot be undone; Escape and Cancel say no. */
export function ConfirmDialog({ title, body, confirmLabel, cancelLabel = "Cancel", onConfirm, onClose, children }: Props) {
  return (
    <Modal role="alertdialog" labelledBy="confirm-title" clickOutside onClose={onClose}>
        <h2 id="confirm-title">{title}</h2>
        <p>{body}</p>
        {children}
        <div className="dialog-actions">
          <button onClick={onClose} autoFocus>
            {cancelLabel}
          </button>
          <button className="danger" onClick={onConfirm}>
            {confirmLabel}
          </button>
        </div>
    </Modal>
  );
}
