// An ECR registry's own settings: replication, pull-through cache rules, repository creation
// templates, and (in their own dialogs) the scanning configuration and the registry policy. The backend checks every change against
// ECR's rules and asks natively before what reaches other accounts or removes a rule.
import { useState, type KeyboardEvent } from "react";
import { createPortal } from "react-dom";
import type { RegistryView } from "../ipc";
import { ConfirmDialog } from "./ConfirmDialog";
import { Modal } from "./Modal";
import { RepositoryPolicyEditor } from "./RepositoryPolicyEditor";
import { ScanningDialog } from "./ScanningDialog";
import { ReplicationEditor } from "./ReplicationEditor";
import { CreationTemplates, PullThroughRules } from "./RegistryRules";

const VIEWS = [
  ["replication", "Replication"],
  ["pull-through", "Pull-through cache"],
  ["templates", "Creation templates"],
] as const;
type View = (typeof VIEWS)[number][0];

export function RegistrySettingsDialog({ registry, onClose }: { registry: RegistryView; onClose: () => void }) {
  const [view, setView] = useState<View>("replication");
  const [editingPolicy, setEditingPolicy] = useState(false);
  const [editingScanning, setEditingScanning] = useState(false);
  const [dirty, setDirty] = useState(false);
  const [leaving, setLeaving] = useState(false);
  // Closing with replication edits that are not saved asks first.
  const close = () => (dirty ? setLeaving(true) : onClose());

  // One tab stop; arrows, Home and End move between the views.
  function onTabKey(e: KeyboardEvent<HTMLButtonElement>, at: number) {
    const to = e.key === "ArrowRight" ? at + 1 : e.key === "ArrowLeft" ? at - 1 : e.key === "Home" ? 0 : e.key === "End" ? VIEWS.length - 1 : null;
    if (to === null) return;
    e.preventDefault();
    const next = VIEWS[(to + VIEWS.length) % VIEWS.length]![0];
    setView(next);
    (e.currentTarget.parentElement?.querySelector(`[data-view="${next}"]`) as HTMLElement | null)?.focus();
  }

  return (
    <>
    <Modal label="Registry settings" className="registry-settings" escape={!leaving && !editingPolicy && !editingScanning} onClose={close}>
      <div className="lifecycle-head">
        <h2>Registry settings · {registry.name}</h2>
        <button className="header-action" onClick={() => setEditingScanning(true)} title="The registry's image scanning: basic or enhanced, and which repositories are scanned">
          Scanning…
        </button>
        <button className="header-action" onClick={() => setEditingPolicy(true)} title="Which other accounts may replicate into this registry, create repositories or pull through its cache">
          Registry policy…
        </button>
      </div>
      <div className="tabs" role="tablist" aria-label="Registry settings views">
        {VIEWS.map(([v, label], i) => (
          <button key={v} type="button" role="tab" data-view={v} aria-selected={view === v} tabIndex={view === v ? 0 : -1} onClick={() => setView(v)} onKeyDown={(e) => onTabKey(e, i)}>
            {label}
          </button>
        ))}
      </div>
      <div className="registry-settings-body" role="tabpanel" aria-label={VIEWS.find(([v]) => v === view)![1]}>
        {/* Kept mounted while hidden, so an edit survives switching views. */}
        <div hidden={view !== "replication"}>
          <ReplicationEditor registry={registry} onDirty={setDirty} />
        </div>
        {view === "pull-through" && <PullThroughRules registry={registry} />}
        {view === "templates" && <CreationTemplates registry={registry} />}
      </div>
      <div className="dialog-actions">
        <button onClick={close}>Close</button>
      </div>
    </Modal>
    {/* Above the settings, which stay as they are (an unsaved replication edit too). */}
    {editingPolicy && <RepositoryPolicyEditor registry={registry} onClose={() => setEditingPolicy(false)} />}
    {editingScanning && <ScanningDialog registry={registry} onClose={() => setEditingScanning(false)} />}
    {leaving && (
      <ConfirmDialog
        title="Discard your changes?"
        body="The replication in the editor is not the one stored in ECR; closing loses your changes."
        confirmLabel="Discard"
        cancelLabel="Keep editing"
        onClose={() => setLeaving(false)}
        onConfirm={onClose}
      />
    )}
    </>
  );
}

export function RegistrySettingsButton({ registry }: { registry: RegistryView }) {
  const [open, setOpen] = useState(false);
  if (registry.kind !== "ecr") return null;
  return (
    <>
      <button className="header-action" onClick={() => setOpen(true)} title="The registry's replication, pull-through cache rules, creation templates, scanning and policy">
        Registry…
      </button>
      {/* Above the window, not inside the pane header that opens it. */}
      {open && createPortal(<RegistrySettingsDialog registry={registry} onClose={() => setOpen(false)} />, document.body)}
    </>
  );
}
