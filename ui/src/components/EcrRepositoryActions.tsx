// An ECR repository's own actions in the pane header — settings, permissions, lifecycle, the
// archive, deletion — and the dialogs they open.
import { useState } from "react";
import { createPortal } from "react-dom";
import type { RegistryView } from "../ipc";
import { ArchivedImages } from "./ArchivedImages";
import { LifecycleEditor } from "./LifecycleEditor";
import { DeleteRepositoryDialog, RepositorySettingsDialog } from "./RepositoryDialogs";
import { RepositoryPolicyEditor } from "./RepositoryPolicyEditor";

type Open = "settings" | "policy" | "lifecycle" | "archived" | "delete" | null;

export function EcrRepositoryActions({ registry, repository, onDeleted }: { registry: RegistryView; repository: string; onDeleted: () => void }) {
  const [open, setOpen] = useState<Open>(null);
  const close = () => setOpen(null);
  const dialog =
    open === "policy" ? (
      <RepositoryPolicyEditor registry={registry} repository={repository} onClose={close} />
    ) : open === "lifecycle" ? (
      <LifecycleEditor registry={registry} repository={repository} onClose={close} />
    ) : open === "settings" ? (
      <RepositorySettingsDialog registry={registry} name={repository} onClose={close} />
    ) : open === "archived" ? (
      <ArchivedImages registry={registry} repository={repository} onClose={close} />
    ) : open === "delete" ? (
      <DeleteRepositoryDialog
        registry={registry}
        repository={repository}
        onClose={close}
        onDeleted={() => {
          close();
          onDeleted();
        }}
      />
    ) : null;
  return (
    <>
      <span className="header-actions">
        <button className="header-action" onClick={() => setOpen("settings")}>
          Settings…
        </button>
        <button className="header-action" onClick={() => setOpen("policy")} title="Who may pull, push or manage this repository (repository policy)">
          Permissions…
        </button>
        <button className="header-action" onClick={() => setOpen("lifecycle")} title="Rules that expire or archive images, with a dry run">
          Lifecycle…
        </button>
        <button className="header-action" onClick={() => setOpen("archived")} title="Images in the archive storage class, which ECR does not list with the others; restore them from here">
          Archived…
        </button>
        <button className="header-action" onClick={() => setOpen("delete")}>
          Delete repository…
        </button>
      </span>
      {/* Dialogs belong to the window, not to the pane header these buttons sit in. */}
      {dialog && createPortal(dialog, document.body)}
    </>
  );
}
