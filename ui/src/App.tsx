import { useEffect, useState } from "react";
import { api, type AppInfo, type LadingError } from "./ipc";
import { Sidebar } from "./components/Sidebar";

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<LadingError | null>(null);

  useEffect(() => {
    api.appInfo().then(setInfo, setError);
  }, []);

  return (
    <div className="app" data-testid="app-shell">
      <Sidebar info={info} backendError={error} />
      <main className="pane list-pane" aria-label="Repositories and images">
        <div className="pane-header">
          <h2>Repositories</h2>
        </div>
        <div className="empty-state">
          <p className="empty-title">Nothing selected</p>
          <p>Select a registry in the sidebar to browse its repositories, tags and images.</p>
        </div>
      </main>
      <section className="pane detail-pane" aria-label="Details">
        <div className="pane-header">
          <h2>Details</h2>
        </div>
        <div className="empty-state">
          <p>Select an image to see its manifest, config and layers.</p>
        </div>
      </section>
    </div>
  );
}
