import { useCallback, useEffect, useRef, useState } from "react";
import {
  api,
  listenForDrops,
  type AppInfo,
  type ConnectionStatus,
  type LadingError,
  type LocalView,
  type RegistryList,
  type RegistryView,
} from "./ipc";
import { Sidebar } from "./components/Sidebar";
import { AddRegistryDialog } from "./components/AddRegistryDialog";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { RepositoryPane } from "./components/RepositoryPane";
import { ImageTable } from "./components/ImageTable";
import { lastRepository } from "./keyboard";
import { CreateRepositoryDialog, DeleteRepositoryDialog, RepositorySettingsDialog } from "./components/RepositoryDialogs";
import { RemoveRegistryDialog } from "./components/RemoveRegistryDialog";
import { LocalImages, OpenLocalDialog } from "./components/LocalPane";
import { PushDialog } from "./components/PushDialog";
import { ImageDetailView, localSource } from "./components/ImageDetailView";

type AddState = { address?: string } | null;

const STATE_TITLE: Record<string, string> = {
  auth_needed: "Sign-in needed",
  unreachable: "Unreachable",
  error: "Cannot connect",
};

export function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [list, setList] = useState<RegistryList | null>(null);
  const [statuses, setStatuses] = useState<Record<string, ConnectionStatus | undefined>>({});
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [adding, setAdding] = useState<AddState>(null);
  const [removing, setRemoving] = useState<RegistryView | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [ssoBusy, setSsoBusy] = useState(false);
  const [signingOut, setSigningOut] = useState<RegistryView | null>(null);
  const [creatingRepository, setCreatingRepository] = useState(false);
  const [deletingRepository, setDeletingRepository] = useState(false);
  const [editingRepository, setEditingRepository] = useState(false);
  const [repositoriesVersion, setRepositoriesVersion] = useState(0);
  const [locals, setLocals] = useState<LocalView[]>([]);
  const [openingLocal, setOpeningLocal] = useState(false);
  const [localImage, setLocalImage] = useState<number | null>(null);
  const [pushing, setPushing] = useState(false);
  const [dragging, setDragging] = useState(false);

  // Dropped archives and layout folders are opened (read from disk) and the first offered for push.
  const openDropped = useCallback(async (paths: string[]) => {
    const opened: LocalView[] = [];
    const failed: string[] = [];
    for (const path of paths) {
      try {
        opened.push(await api.openLocal(path));
      } catch (e) {
        failed.push(`${path} (${(e as LadingError).message})`);
      }
    }
    if (failed.length) setNotice(`Could not open ${failed.join("; ")}`);
    if (!opened.length) return;
    setLocals((all) => [...all, ...opened]);
    imageAfterSelect.current = 0;
    setSelectedId(opened[0]!.id);
    setPushing(true);
  }, []);

  useEffect(() => {
    let live = true;
    let stop = () => {};
    listenForDrops({
      hover: () => setDragging(true),
      leave: () => setDragging(false),
      drop: (paths) => {
        setDragging(false);
        void openDropped(paths);
      },
    }).then((unlisten) => {
      if (live) stop = unlisten;
      else unlisten();
    });
    return () => {
      live = false;
      stop();
    };
  }, [openDropped]);

  const check = useCallback((registry: RegistryView) => {
    setStatuses((s) => ({ ...s, [registry.id]: undefined }));
    api.checkRegistry(registry.id).then(
      (status) => setStatuses((s) => ({ ...s, [registry.id]: status })),
      (e: LadingError) => setStatuses((s) => ({ ...s, [registry.id]: { state: "error", reason: e.message, action: null } })),
    );
  }, []);

  const refresh = useCallback(() => {
    api.listRegistries().then((l) => {
      setList(l);
      if (l.notice) setNotice(l.notice);
      l.registries.forEach(check);
    }, setError);
  }, [check]);

  useEffect(() => {
    api.appInfo().then(setInfo, setError);
    refresh();
    // Sources opened before a reload of the page are still open in the backend.
    api.listLocal().then(setLocals, setError);
  }, [refresh]);

  const selected = list?.registries.find((r) => r.id === selectedId) ?? null;
  const local = locals.find((l) => l.id === selectedId) ?? null;
  const image = local && localImage !== null ? local.images[localImage] ?? null : null;
  // A newly selected source starts with no image chosen, unless a drop chose its first one.
  const imageAfterSelect = useRef<number | null>(null);
  useEffect(() => {
    setLocalImage(imageAfterSelect.current);
    imageAfterSelect.current = null;
  }, [selectedId]);
  const status = selected ? statuses[selected.id] : undefined;
  const [repository, setRepositoryState] = useState<string | null>(null);
  // Each registry reopens on the repository last looked at.
  useEffect(() => setRepositoryState(selectedId ? lastRepository.get(selectedId) : null), [selectedId]);
  const setRepository = (name: string) => {
    setRepositoryState(name);
    if (selectedId) lastRepository.set(selectedId, name);
  };

  return (
    <div className="app" data-testid="app-shell">
      {dragging && (
        <div className="drop-overlay" role="status">
          Drop to open: docker save archives (.tar, .tar.gz), OCI archives, OCI layout folders
        </div>
      )}
      <Sidebar
        info={info}
        backendError={error}
        registries={list?.registries ?? []}
        locals={locals}
        onOpenLocal={() => setOpeningLocal(true)}
        onCloseLocal={(l) =>
          api.closeLocal(l.id).then(() => {
            setLocals((all) => all.filter((x) => x.id !== l.id));
            if (selectedId === l.id) setSelectedId(null);
          }, setError)
        }
        dockerLogins={list?.docker_logins ?? []}
        statuses={statuses}
        selectedId={selectedId}
        onSelect={setSelectedId}
        onAdd={(address) => setAdding({ address })}
        onRemove={setRemoving}
      />
      <main className="pane list-pane" aria-label="Repositories and images">
        <div className="pane-header">
          <h2>{selected ? selected.name : local ? local.name : "Repositories"}</h2>
          {selected?.auth === "keychain" && (
            <button className="header-action" onClick={() => setSigningOut(selected)}>
              Sign out of {selected.username}
            </button>
          )}
        </div>
        {notice && (
          <div className="notice" role="status">
            {notice}
            <button className="link-button" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </div>
        )}
        {local ? (
          <LocalImages local={local} selected={localImage} onSelect={setLocalImage} />
        ) : !selected ? (
          <div className="empty-state">
            <p className="empty-title">Nothing selected</p>
            <p>Select a registry in the sidebar to browse its repositories, tags and images, or open a local image.</p>
          </div>
        ) : status?.state === "connected" ? (
          <RepositoryPane
            registry={selected}
            selected={repository}
            onSelect={setRepository}
            version={repositoriesVersion}
            onCreate={selected.kind === "ecr" ? () => setCreatingRepository(true) : undefined}
          />
        ) : (
          <div className="empty-state">
            <p className="empty-title">{status ? STATE_TITLE[status.state] ?? "Not connected" : "Connecting…"}</p>
            {status?.reason && <p>{status.reason}</p>}
            {status?.action === "sso_login" && (
              <button
                className="primary"
                disabled={ssoBusy}
                onClick={() => {
                  setSsoBusy(true);
                  api
                    .awsSsoLogin(selected.profile ?? "default")
                    .then(() => check(selected), setError)
                    .finally(() => setSsoBusy(false));
                }}
              >
                {ssoBusy ? "Waiting for the browser sign-in…" : "Sign in with AWS SSO"}
              </button>
            )}
            {status && status.state !== "connected" && (
              <button className="link-button" onClick={() => check(selected)}>
                Try again
              </button>
            )}
          </div>
        )}
      </main>
      <section className="pane detail-pane" aria-label="Details">
        <div className="pane-header">
          <h2>{local ? (image ? image.names[0] ?? `image ${image.index + 1}` : "Details") : repository ?? "Details"}</h2>
          {local && image && (
            <span className="header-actions">
              <button className="header-action" onClick={() => setPushing(true)}>
                Push…
              </button>
            </span>
          )}
          {selected?.kind === "ecr" && repository && (
            <span className="header-actions">
              <button className="header-action" onClick={() => setEditingRepository(true)}>
                Settings…
              </button>
              <button className="header-action" onClick={() => setDeletingRepository(true)}>
                Delete repository…
              </button>
            </span>
          )}
        </div>
        {local && image ? (
          <div className="detail-body">
            <ImageDetailView source={localSource(local, image)} digest={image.digest} tags={image.names} />
          </div>
        ) : local ? (
          <div className="empty-state">
            <p>Select an image to see its config, layers and files.</p>
          </div>
        ) : selected && repository ? (
          <div className="detail-body">
            <ImageTable
              registry={selected}
              repository={repository}
              targets={(list?.registries ?? []).filter((r) => statuses[r.id]?.state === "connected")}
            />
          </div>
        ) : (
          <div className="empty-state">
            <p>Select a repository to see its images.</p>
          </div>
        )}
      </section>
      {pushing && local && image && (
        <PushDialog
          local={local}
          image={image}
          registries={(list?.registries ?? []).filter((r) => statuses[r.id]?.state === "connected")}
          onClose={() => setPushing(false)}
          onShow={(registryId, name) => {
            setPushing(false);
            // The registry reopens on this repository, listed afresh (the push forgot the kept one).
            lastRepository.set(registryId, name);
            setSelectedId(registryId);
          }}
        />
      )}
      {openingLocal && (
        <OpenLocalDialog
          onClose={() => setOpeningLocal(false)}
          onOpened={(opened) => {
            setOpeningLocal(false);
            setLocals((all) => [...all, opened]);
            setSelectedId(opened.id);
          }}
        />
      )}
      {adding && (
        <AddRegistryDialog
          initialAddress={adding.address}
          initialMode={adding.address ? "docker_login" : "anonymous"}
          onClose={() => setAdding(null)}
          onAdded={(registry) => {
            setAdding(null);
            setSelectedId(registry.id);
            refresh();
          }}
        />
      )}
      {creatingRepository && selected && (
        <CreateRepositoryDialog
          registry={selected}
          onClose={() => setCreatingRepository(false)}
          onCreated={(name) => {
            setCreatingRepository(false);
            setRepositoriesVersion((v) => v + 1);
            setRepository(name);
          }}
        />
      )}
      {editingRepository && selected && repository && (
        <RepositorySettingsDialog registry={selected} name={repository} onClose={() => setEditingRepository(false)} />
      )}
      {deletingRepository && selected && repository && (
        <DeleteRepositoryDialog
          registry={selected}
          repository={repository}
          onClose={() => setDeletingRepository(false)}
          onDeleted={() => {
            setDeletingRepository(false);
            setRepositoryState(null);
            setRepositoriesVersion((v) => v + 1);
          }}
        />
      )}
      {signingOut && (
        <ConfirmDialog
          title={`Sign out of ${signingOut.name}?`}
          body={`The saved password for ${signingOut.username} is deleted from the system keychain; the registry stays in the list.`}
          confirmLabel="Sign out"
          onClose={() => setSigningOut(null)}
          onConfirm={() => {
            const registry = signingOut;
            setSigningOut(null);
            api
              .confirmDestructive("sign_out", registry.id)
              .then((token) => api.signOut(registry.id, token))
              .then(() => check(registry), setError);
          }}
        />
      )}
      {removing && (
        <RemoveRegistryDialog
          registry={removing}
          onClose={() => setRemoving(null)}
          onConfirm={(forget) => {
            const id = removing.id;
            setRemoving(null);
            const token = forget ? api.confirmDestructive("forget_credentials", id) : Promise.resolve(null);
            token
              .then((t) => api.removeRegistry(id, forget, t))
              .then(() => {
                if (selectedId === id) setSelectedId(null);
                refresh();
              }, setError);
          }}
        />
      )}
    </div>
  );
}
