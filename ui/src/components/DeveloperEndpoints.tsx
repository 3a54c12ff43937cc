import { useEffect, useState } from "react";
import { api, declined, type DeveloperEndpoints as Endpoints } from "../ipc";

/**
 * LADING_REGISTRY_MAP redirects registries (credentials included), so it is honoured only once the
 * user turns it on; while on, this says so beside the window title's own note.
 */
export function DeveloperEndpoints() {
  const [endpoints, setEndpoints] = useState<Endpoints | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  useEffect(() => {
    api.developerEndpoints().then(setEndpoints, () => setEndpoints(null));
  }, []);

  if (!endpoints || (!endpoints.on && endpoints.redirects.length === 0)) return null;
  const switchTo = (on: boolean) => {
    setFailure(null);
    api.setDeveloperEndpoints(on).then(setEndpoints, (e) => {
      if (!declined(e)) setFailure((e as Error).message);
    });
  };
  const redirects = endpoints.redirects.join("\n");
  return (
    <div className={endpoints.on ? "developer-endpoints on" : "developer-endpoints"} data-testid="developer-endpoints">
      {endpoints.on ? (
        <span role="status" title={redirects || "LADING_REGISTRY_MAP is not set"}>
          Developer endpoints on{endpoints.redirects.length ? `: ${endpoints.redirects.length} redirected` : ""}
        </span>
      ) : (
        <span title={redirects}>LADING_REGISTRY_MAP is set and ignored</span>
      )}
      <button className="link-button" onClick={() => switchTo(!endpoints.on)}>
        {endpoints.on ? "Turn off" : "Turn on…"}
      </button>
      {failure && (
        <span className="status-error" role="alert">
          {failure}
        </span>
      )}
    </div>
  );
}
