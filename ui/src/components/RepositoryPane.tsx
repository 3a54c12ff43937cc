import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { api, type LadingError, type RegistryView, type RepositoryView } from "../ipc";
import { focusFirst, moveFocus } from "../keyboard";
import { OpenRepositoryDialog } from "./OpenRepositoryDialog";
import { ErrorText } from "./ErrorText";

interface Props {
  registry: RegistryView;
  selected: string | null;
  onSelect: (repository: string) => void;
  /** Bumped by the parent to list again (after a create or delete). */
  version?: number;
  onCreate?: () => void;
}

/** `team-a/web-app` → namespace `team-a`; top-level repositories have none. */
function namespaceOf(name: string): string {
  const at = name.lastIndexOf("/");
  return at < 0 ? "" : name.slice(0, at);
}

export function RepositoryPane({ registry, selected, onSelect, version = 0, onCreate }: Props) {
  const [repositories, setRepositories] = useState<RepositoryView[] | null>(null);
  const [catalogUnreadable, setCatalogUnreadable] = useState<string | null>(null);
  const [opening, setOpening] = useState(false);
  const [error, setError] = useState<LadingError | null>(null);
  const [filter, setFilter] = useState("");
  const [attempt, setAttempt] = useState(0);
  const filterBox = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLDivElement>(null);

  const listedFor = useRef<string | null>(null);
  useEffect(() => {
    // Another registry starts afresh; the same one read again keeps its list until the new one.
    if (listedFor.current !== registry.id) {
      setRepositories(null);
      setCatalogUnreadable(null);
      setFilter("");
    }
    listedFor.current = registry.id;
    setError(null);
    let current = true;
    const leaving = new AbortController();
    api.listRepositories(registry.id, leaving.signal).then(
      (list) => {
        if (!current) return;
        setRepositories(list.repositories);
        setCatalogUnreadable(list.catalog_unreadable);
      },
      (e: LadingError) => current && setError(e),
    );
    return () => {
      current = false;
      leaving.abort();
    };
  }, [registry.id, version, attempt]);

  // "/" focuses the filter from anywhere but a text field.
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === "/" && !["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) {
        e.preventDefault();
        filterBox.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const groups = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const byNamespace = new Map<string, RepositoryView[]>();
    for (const repo of repositories ?? []) {
      if (needle && !repo.name.toLowerCase().includes(needle)) continue;
      const ns = namespaceOf(repo.name);
      byNamespace.set(ns, [...(byNamespace.get(ns) ?? []), repo]);
    }
    return [...byNamespace.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [repositories, filter]);
  const shown = groups.reduce((n, [, repos]) => n + repos.length, 0);

  // Up/Down between repositories; Right (or Enter) opens one and moves into its images; Left back
  // to the registries.
  function onListKey(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (list.current && moveFocus(list.current, "button.repository", e.key === "ArrowDown" ? 1 : -1)) e.preventDefault();
    } else if (e.key === "ArrowLeft") {
      if (focusFirst(".registry.selected .registry-button")) e.preventDefault();
    } else if (e.key === "ArrowRight") {
      const focused = document.activeElement as HTMLButtonElement | null;
      if (focused?.classList.contains("repository")) {
        focused.click();
        // The images load asynchronously; focus the first row once it is there.
        const started = Date.now();
        const tryFocus = () => {
          if (!focusFirst(".image-table tr.image-row") && Date.now() - started < 5000) setTimeout(tryFocus, 50);
        };
        tryFocus();
        e.preventDefault();
      }
    }
  }

  // Registries without a readable catalog (Docker Hub, GHCR, Harbor for non-admins) are browsed by
  // name; ECR always lists its repositories.
  const canOpen = registry.kind === "oci";
  const openDialog = opening && (
    <OpenRepositoryDialog
      registry={registry}
      onClose={() => setOpening(false)}
      onOpened={(repo) => {
        setOpening(false);
        setRepositories((list) => [...(list ?? []).filter((r) => r.name !== repo.name), repo].sort((a, b) => a.name.localeCompare(b.name)));
        onSelect(repo.name);
      }}
    />
  );

  if (error) {
    return (
      <div className="empty-state" role="alert">
        <p className="empty-title">Cannot list repositories</p>
        <div>
          <ErrorText error={error} />
        </div>
        <p>
          <button onClick={() => setAttempt((n) => n + 1)}>Try again</button>
        </p>
      </div>
    );
  }
  if (!repositories) {
    return (
      <div className="empty-state">
        <p>Loading repositories…</p>
      </div>
    );
  }
  return (
    <div className="repository-pane">
      <div className="filter-row">
        <input
          ref={filterBox}
          className="filter"
          type="search"
          placeholder="Filter  ( / )"
          aria-label="Filter repositories"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        {onCreate && (
          <button onClick={onCreate} title="Create a repository">
            + New
          </button>
        )}
        {canOpen && (
          <button onClick={() => setOpening(true)} title="Open a repository by its name">
            Open…
          </button>
        )}
        <button
          className="refresh compact"
          onClick={() => setAttempt((n) => n + 1)}
          aria-label="Refresh repositories"
          title="List this registry's repositories again (F5 or Ctrl+R)"
        >
          ↻
        </button>
        <span className="count" data-testid="repository-count">
          {filter ? `${shown} of ${repositories.length}` : repositories.length}{" "}
          {repositories.length === 1 ? "repository" : "repositories"}
        </span>
      </div>
      {catalogUnreadable && (
        <div className="notice catalog-unreadable" role="status">
          <p>No list of repositories here: {catalogUnreadable}. Open one by name and it stays listed.</p>
          <button onClick={() => setOpening(true)}>Open repository…</button>
        </div>
      )}
      {openDialog}
      {repositories.length === 0 ? (
        !catalogUnreadable && (
          <div className="empty-state">
            <p>This registry has no repositories yet. Push an image to create one{canOpen ? ", or open one by name" : ""}.</p>
          </div>
        )
      ) : (
        <div className="repository-tree" ref={list} onKeyDown={onListKey} role="tree" aria-label="Repositories">
          {groups.map(([ns, repos]) => (
            <div key={ns || "(top level)"} role="group" aria-label={ns || "top level"}>
              {ns && <div className="namespace">{ns}/</div>}
              {repos.map((repo) => (
                <button
                  key={repo.name}
                  role="treeitem"
                  aria-selected={repo.name === selected}
                  className={repo.name === selected ? "repository selected" : "repository"}
                  onClick={() => onSelect(repo.name)}
                  title={repo.uri ?? repo.name}
                  data-depth={ns ? 1 : 0}
                >
                  {ns ? repo.name.slice(ns.length + 1) : repo.name}
                </button>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
