import type { AppInfo, ConnectionStatus, LadingError, LocalView, RegistryView } from "../ipc";
import { focusFirst, moveFocus } from "../keyboard";
import { untilWords } from "../format";
import { DeveloperEndpoints } from "./DeveloperEndpoints";

interface SidebarProps {
  info: AppInfo | null;
  backendError: LadingError | null;
  registries: RegistryView[];
  dockerLogins: string[];
  statuses: Record<string, ConnectionStatus | undefined>;
  selectedId: string | null;
  onSelect: (id: string) => void;
  onAdd: (address?: string) => void;
  onRemove: (registry: RegistryView) => void;
  /** Checks a registry that failed again (its pane's lists retry themselves). */
  onRetry?: (registry: RegistryView) => void;
  locals: LocalView[];
  onOpenLocal: () => void;
  /** Push image… : choose archives in the native dialog, then the push sheet. */
  onPushFiles: () => void;
  onCloseLocal: (local: LocalView) => void;
}

const STATE_LABEL: Record<string, string> = {
  connected: "Connected",
  auth_needed: "Sign-in needed",
  unreachable: "Unreachable",
  error: "Error",
};

function StatusDot({ status }: { status: ConnectionStatus | undefined }) {
  const state = status?.state ?? "checking";
  const label = STATE_LABEL[state] ?? "Checking…";
  const token = status?.token_expires_at ? `; its token expires ${untilWords(status.token_expires_at)}` : "";
  const title = (status?.reason ? `${label}: ${status.reason}` : label) + token;
  return <span className={`status-dot status-${state}`} title={title} aria-label={label} role="img" />;
}

function Group({ title, children, action }: { title: string; children: React.ReactNode; action?: React.ReactNode }) {
  return (
    <section className="sidebar-group">
      <h2 className={action ? "section-title with-actions" : "section-title"}>
        {title}
        {action}
      </h2>
      <ul className="registry-list">{children}</ul>
    </section>
  );
}

export function Sidebar(props: SidebarProps) {
  const { info, backendError, registries, dockerLogins, statuses, selectedId, onSelect, onAdd, onRemove, onRetry } = props;
  const { locals, onOpenLocal, onPushFiles, onCloseLocal } = props;
  const ecr = registries.filter((r) => r.kind === "ecr");
  const oci = registries.filter((r) => r.kind === "oci");

  const item = (r: RegistryView) => (
    <li key={r.id} className={r.id === selectedId ? "registry selected" : "registry"}>
      <button
        className="registry-button"
        onClick={() => onSelect(r.id)}
        aria-current={r.id === selectedId ? "true" : undefined}
        title={r.address ?? r.name}
      >
        <StatusDot status={statuses[r.id]} />
        <span className="registry-name">{r.name}</span>
        {r.kind === "ecr" && r.account && <span className="registry-meta">{r.account}</span>}
        {r.kind === "oci" && r.username && <span className="registry-meta">{r.username}</span>}
      </button>
      {(statuses[r.id]?.state === "unreachable" || statuses[r.id]?.state === "error") && onRetry && (
        <button className="link-button retry" onClick={() => onRetry(r)} title={statuses[r.id]?.reason ?? undefined}>
          Try again
        </button>
      )}
      <button className="icon-button" onClick={() => onRemove(r)} aria-label={`Remove ${r.name}`} title="Remove…">
        ×
      </button>
    </li>
  );

  return (
    <nav
      className="pane sidebar"
      aria-label="Registries"
      onKeyDown={(e) => {
        // Up/Down between registries, Right into the repositories.
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
          if (moveFocus(e.currentTarget, ".registry-button", e.key === "ArrowDown" ? 1 : -1)) e.preventDefault();
        } else if (e.key === "ArrowRight" && focusFirst(".repository.selected", ".repository")) {
          e.preventDefault();
        }
      }}
    >
      <div className="brand">
        <img src="/icon.png" alt="" width={28} height={28} />
        <span className="brand-name">Lading</span>
        <button className="add-button" onClick={() => onAdd()} title="Add a registry">
          + Add
        </button>
      </div>
      <div className="sidebar-body">
        {registries.length === 0 && (
          <div className="empty-state sidebar-empty" data-testid="registries-empty">
            <p className="empty-title">No registries yet</p>
            <p>
              Use <strong>+ Add</strong> to connect Amazon ECR with an AWS profile and region, or any OCI registry by
              its address (for example <code>registry.example.com</code> or <code>localhost:5000</code>).
            </p>
          </div>
        )}
        {ecr.length > 0 && <Group title="Amazon ECR">{ecr.map(item)}</Group>}
        {oci.length > 0 && <Group title="OCI registries">{oci.map(item)}</Group>}
        <Group
          title="Local"
          action={
            <span className="group-actions">
              <button className="link-button group-action" onClick={onPushFiles} title="Choose image archives to push (or drop them on the window)">
                Push image…
              </button>
              <button className="link-button group-action" onClick={onOpenLocal} title="Open an image archive or OCI layout folder">
                Open…
              </button>
            </span>
          }
        >
          {locals.length === 0 && <li className="hint local-empty">Image archives and OCI layouts, read from disk.</li>}
          {locals.map((l) => (
            <li key={l.id} className={l.id === selectedId ? "registry selected" : "registry"}>
              <button
                className="registry-button"
                onClick={() => onSelect(l.id)}
                aria-current={l.id === selectedId ? "true" : undefined}
                title={l.opened || !l.compressed ? l.path : `${l.path} (compressed: decompressed when selected)`}
              >
                <span className="registry-name">{l.name}</span>
                <span className="registry-meta">
                  {l.opened
                    ? `${l.images.length} ${l.images.length === 1 ? "image" : "images"}`
                    : l.compressed
                      ? "compressed"
                      : "not read"}
                </span>
              </button>
              <button className="icon-button" onClick={() => onCloseLocal(l)} aria-label={`Close ${l.name}`} title="Close">
                ×
              </button>
            </li>
          ))}
        </Group>
        {dockerLogins.length > 0 && (
          <Group title="Docker logins">
            {dockerLogins.map((host) => (
              <li key={host} className="registry suggestion">
                <span className="registry-name" title="Found in ~/.docker/config.json">
                  {host}
                </span>
                <button className="link-button" onClick={() => onAdd(host)}>
                  Add
                </button>
              </li>
            ))}
          </Group>
        )}
      </div>
      <DeveloperEndpoints />
      <footer className="sidebar-footer" data-testid="backend-status">
        {backendError ? (
          <span className="status-error" role="alert">
            Backend unavailable: {backendError.message}
          </span>
        ) : info ? (
          <span>
            v{info.version} · {info.os}/{info.arch}
          </span>
        ) : (
          <span>Connecting…</span>
        )}
      </footer>
    </nav>
  );
}
