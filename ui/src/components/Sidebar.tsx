import type { AppInfo, LadingError } from "../ipc";

interface SidebarProps {
  info: AppInfo | null;
  backendError: LadingError | null;
}

export function Sidebar({ info, backendError }: SidebarProps) {
  return (
    <nav className="pane sidebar" aria-label="Registries">
      <div className="brand">
        <img src="/icon.png" alt="" width={28} height={28} />
        <span className="brand-name">Lading</span>
      </div>
      <div className="sidebar-body">
        <h2 className="section-title">Registries</h2>
        <div className="empty-state sidebar-empty" data-testid="registries-empty">
          <p className="empty-title">No registries yet</p>
          <p>
            Add an Amazon ECR registry by choosing an AWS profile and region, or any OCI registry by
            its URL (for example <code>registry.example.com</code> or <code>localhost:5000</code>).
          </p>
          <p>Image archives you open or drop on this window are listed under Local and work offline.</p>
        </div>
      </div>
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
