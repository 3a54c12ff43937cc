import { useCallback, useEffect, useRef, useState } from "react";
import {
  api,
  declined,
  listenForCloseRequests,
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
import { GoToDialog } from "./components/GoToDialog";
import { ConfirmDialog } from "./components/ConfirmDialog";
import { RepositoryPane } from "./components/RepositoryPane";
import { RegistrySettingsButton } from "./components/RegistrySettings";
import { SignInHelpButton } from "./components/SignInHelp";
import { ImageTable } from "./components/ImageTable";
import { lastRepository, lastSelection, useAppShortcuts } from "./keyboard";
import { useRegistryHealth } from "./registryHealth";
import { CreateRepositoryDialog } from "./components/RepositoryDialogs";
import { EcrRepositoryActions } from "./components/EcrRepositoryActions";
import { RemoveRegistryDialog } from "./components/RemoveRegistryDialog";
import { LocalImages, OpenLocalDialog } from "./components/LocalPane";
import { PushDialog, type PushItem } from "./components/PushDialog";
import { TransferPanel, TransferQueueProvider, useTransferQueue } from "./components/Transfer";
import { unfinished, type Finished, type Job } from "./queue";
import { ImageDetailView, localSource } from "./components/ImageDetailView";

type AddState = { address?: string } | null;

/** The push sheet's images and which of them start ticked. */
type PushState = { items: PushItem[]; checked: (item: PushItem) => boolean; browsed: Browsed | null } | null;
type Browsed = { registryId: string; repository: string | null };

/** An image a push or copy just put in a registry: shown (and selected) in its repository's list. */
export interface Landed {
  registryId: string;
  repository: string;
  /** The image to select: by digest, or (from "Go to") by a tag on it. */
  digest: string;
  tag?: string;
  message: string;
  /** Where the transfer was started (a source or registry): the notice shows there too. */
  origin?: string;
  /** Tells a second landing of the same image from the first. */
  nonce: number;
}

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
  const [creatingRepository, setCreatingRepository] = useState(false);
  const [repositoriesVersion, setRepositoriesVersion] = useState(0);
  const [locals, setLocals] = useState<LocalView[]>([]);
  // Remembered sources being read, or why they could not be: id → "opening" | the error.
  const [localReading, setLocalReading] = useState<Record<string, string>>({});
  const readingNow = useRef(new Set<string>());
  const [openingLocal, setOpeningLocal] = useState(false);
  const [localImage, setLocalImage] = useState<number | null>(null);
  const [pushing, setPushing] = useState<PushState>(null);
  const [dragging, setDragging] = useState(false);
  const [landed, setLanded] = useState<Landed | null>(null);
  const [closing, setClosing] = useState(false);
  const [goingTo, setGoingTo] = useState(false);
  // What the browser shows, for callbacks that outlive a render.
  const where = useRef<{ selectedId: string | null; browsed: Browsed | null }>({ selectedId: null, browsed: null });

  const show = useCallback((target: Omit<Landed, "nonce">) => {
    lastRepository.set(target.registryId, target.repository);
    setRepositoriesVersion((v) => v + 1);
    setSelectedId(target.registryId);
    setRepositoryState(target.repository);
    setLanded({ ...target, nonce: Date.now() });
  }, []);

  useAppShortcuts(() => setGoingTo(true));

  // A finished push or copy is announced; if the user is still where it was started, or looking at
  // the repository it went to, the list shows it selected.
  const queue = useTransferQueue((job: Job, finished: Finished | null) => {
    const target = job.spec.target;
    if (!target || !finished) return;
    // A push or copy may have made a repository: the registry's list is read again (kept on
    // screen meanwhile), so the new one is there without switching away and back.
    if (where.current.selectedId === target.registryId) setRepositoriesVersion((v) => v + 1);
    const landing = { ...target, digest: finished.manifest_digest, message: job.spec.describe(finished) };
    const here = where.current;
    const viewing = here.browsed?.registryId === target.registryId && here.browsed.repository === target.repository;
    if ((job.spec.origin !== undefined && here.selectedId === job.spec.origin) || viewing) show(landing);
    else setLanded({ ...landing, origin: job.spec.origin ?? job.spec.startedIn, nonce: 0 });
  });

  // Dropped archives and layout folders are opened (read from disk) and their images offered for push.
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
    const browsed = where.current.browsed;
    imageAfterSelect.current = 0;
    setSelectedId(opened[0]!.id);
    const items = opened.flatMap((local) => local.images.map((image) => ({ local, image })));
    // Images without a name need a repository typed: they start unticked unless alone.
    setPushing({ items, checked: (item) => item.image.names.length > 0 || items.length === 1, browsed });
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

  // The window's close button while transfers run: the backend holds the close until answered.
  useEffect(() => {
    let live = true;
    let stop = () => {};
    listenForCloseRequests(() => setClosing(true)).then((unlisten) => {
      if (live) stop = unlisten;
      else unlisten();
    });
    return () => {
      live = false;
      stop();
    };
  }, []);

  const check = useCallback((registry: RegistryView) => {
    setStatuses((s) => ({ ...s, [registry.id]: undefined }));
    api.checkRegistry(registry.id).then(
      (status) => setStatuses((s) => ({ ...s, [registry.id]: status })),
      (e: LadingError) => setStatuses((s) => ({ ...s, [registry.id]: { state: "error", reason: e.message, action: null, token_expires_at: null } })),
    );
  }, []);

  useRegistryHealth(statuses, setStatuses, list?.registries ?? null, check);

  /** Checks a registry again and, if it is the one shown, reads its lists again. */
  const retry = (registry: RegistryView) => {
    check(registry);
    if (registry.id === selectedId) setRepositoriesVersion((v) => v + 1);
  };

  const restored = useRef(false);
  const refresh = useCallback(() => {
    api.listRegistries().then((l) => {
      setList(l);
      // The first list reopens the registry last looked at, if it is still there.
      if (!restored.current) {
        restored.current = true;
        const last = lastSelection.get();
        if (last && l.registries.some((r) => r.id === last)) setSelectedId((now) => now ?? last);
      }
      if (l.notice) setNotice(l.notice);
      l.registries.forEach(check);
    }, setError);
  }, [check]);

  // The backend asks natively before it deletes the saved password.
  const signOut = useCallback(
    (registry: RegistryView) => {
      api.signOut(registry.id).then(
        () => check(registry),
        (e) => declined(e) || setError(e),
      );
    },
    [check],
  );

  // A remembered source is read when needed: plain ones in the background at start,
  // compressed ones (decompressed first) only when the user opens them.
  const readLocal = useCallback((l: LocalView) => {
    if (l.opened || readingNow.current.has(l.id)) return;
    readingNow.current.add(l.id);
    setLocalReading((r) => ({ ...r, [l.id]: "opening" }));
    api.openLocal(l.path).then(
      (read) => {
        setLocals((all) => all.map((x) => (x.id === read.id ? read : x)));
        setLocalReading(({ [l.id]: _done, ...rest }) => rest);
      },
      (e) => setLocalReading((r) => ({ ...r, [l.id]: (e as LadingError).message })),
    ).finally(() => readingNow.current.delete(l.id));
  }, []);

  useEffect(() => {
    api.appInfo().then(setInfo, setError);
    refresh();
    // Sources opened before a reload of the page are still open in the backend.
    api.listLocal().then((listed) => {
      setLocals(listed);
      listed.filter((l) => !l.compressed).forEach(readLocal);
    }, setError);
  }, [refresh, readLocal]);

  const selected = list?.registries.find((r) => r.id === selectedId) ?? null;
  const local = locals.find((l) => l.id === selectedId) ?? null;
  const localFailure = local && localReading[local.id] !== "opening" ? localReading[local.id] ?? null : null;
  useEffect(() => {
    if (local && !local.opened && localReading[local.id] === undefined) readLocal(local);
  }, [local, localReading, readLocal]);
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
  useEffect(() => {
    setRepositoryState(selectedId ? lastRepository.get(selectedId) : null);
    lastSelection.set(selectedId);
  }, [selectedId]);
  const setRepository = (name: string) => {
    setRepositoryState(name);
    if (selectedId) lastRepository.set(selectedId, name);
  };
  where.current = { selectedId, browsed: selected ? { registryId: selected.id, repository } : null };
  const connected = (list?.registries ?? []).filter((r) => statuses[r.id]?.state === "connected");

  return (
    <TransferQueueProvider value={queue.enqueue}>
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
        onPushFiles={() =>
          api.pickPath("archives", "Push image archives").then(
            (paths) => void (paths.length > 0 && openDropped(paths)),
            (e: LadingError) => setNotice(`Cannot show the file dialog: ${e.message}. Drop the archive on the window, or use Open….`),
          )
        }
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
        onRetry={retry}
      />
      <main className="pane list-pane" aria-label="Repositories and images">
        <div className="pane-header">
          <h2 title={selected?.name ?? local?.name}>{selected ? selected.name : local ? local.name : "Repositories"}</h2>
          {selected && !local && (
            <div className="header-actions">
              <RegistrySettingsButton registry={selected} />
              <SignInHelpButton registry={selected} />
              {selected.auth === "keychain" && (
                <button className="header-action" onClick={() => signOut(selected)}>
                  Sign out of {selected.username}
                </button>
              )}
            </div>
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
          <LocalImages
            local={local}
            failure={localFailure}
            onRetry={() => {
              setLocalReading(({ [local.id]: _failed, ...rest }) => rest);
            }}
            selected={localImage}
            onSelect={setLocalImage}
          />
        ) : !selected ? (
          <div className="empty-state">
            <p className="empty-title">Nothing selected</p>
            <p>Select a registry in the sidebar to browse its repositories, tags and images, or open a local image.</p>
            <p className="hint">To push an image, drop its archive (docker save, OCI archive or layout folder) anywhere on the window, or use Local → Push image….</p>
            <p className="hint">
              <kbd>Ctrl</kbd>+<kbd>K</kbd> goes straight to an image reference you paste (<code>nginx:1.27</code>, <code>ghcr.io/org/app:v1</code>, an ECR URI).
            </p>
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
              <button className="link-button" onClick={() => retry(selected)}>
                Try again
              </button>
            )}
          </div>
        )}
      </main>
      <section className="pane detail-pane" aria-label="Details">
        <div className="pane-header">
          {(() => {
            const title = local ? (image ? image.names[0] ?? `image ${image.index + 1}` : "Details") : repository ?? "Details";
            return <h2 title={title}>{title}</h2>;
          })()}
          {local && image && (
            <span className="header-actions">
              <button
                className="header-action"
                onClick={() =>
                  setPushing({
                    items: local.images.map((i) => ({ local, image: i })),
                    checked: (item) => item.image.index === image.index,
                    browsed: null,
                  })
                }
              >
                Push…
              </button>
            </span>
          )}
          {selected?.kind === "ecr" && repository && (
            <EcrRepositoryActions
              registry={selected}
              repository={repository}
              onDeleted={() => {
                setRepositoryState(null);
                setRepositoriesVersion((v) => v + 1);
              }}
            />
          )}
        </div>
        {/* About the registry it went to, or where it was started: elsewhere it would be no news. */}
        {landed && landed.message && (selectedId === landed.registryId || selectedId === landed.origin) && (
          <div className="notice landed" role="status">
            {landed.message}
            {landed.nonce === 0 && (
              <button className="link-button" onClick={() => show(landed)}>
                Show
              </button>
            )}
            <button className="link-button" onClick={() => setLanded(null)}>
              Dismiss
            </button>
          </div>
        )}
        {local && image ? (
          <div className="detail-body">
            <ImageDetailView source={localSource(local, image)} digest={image.digest} tags={image.names} />
          </div>
        ) : local ? (
          <div className="empty-state">
            <p>Select an image to see its config, layers and files.</p>
          </div>
        ) : selected && repository ? (
          <div className="detail-body browse">
            <ImageTable
              registry={selected}
              repository={repository}
              targets={connected}
              version={repositoriesVersion}
              reveal={landed && landed.nonce !== 0 && landed.registryId === selected.id && landed.repository === repository ? landed : null}
            />
          </div>
        ) : (
          <div className="empty-state">
            <p>Select a repository to see its images.</p>
          </div>
        )}
      </section>
      {pushing && (
        <PushDialog
          items={pushing.items}
          checked={pushing.checked}
          registries={connected}
          browsed={pushing.browsed}
          origin={pushing.items[0]!.local.id}
          onClose={() => setPushing(null)}
        />
      )}
      <TransferPanel
        queue={queue}
        onShow={(job) =>
          job.spec.target &&
          job.finished &&
          show({ ...job.spec.target, digest: job.finished.manifest_digest, message: job.result ?? "" })
        }
      />
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
      {goingTo && (
        <GoToDialog
          onClose={() => setGoingTo(false)}
          onAdded={refresh}
          onGo={(target) => {
            setGoingTo(false);
            show({ ...target, message: "" });
          }}
        />
      )}
      {closing && (
        <ConfirmDialog
          title="Quit while transfers run?"
          body={`${describeUnfinished(queue.jobs)} Quitting cancels them: a push or copy writes no manifest or tag, and an unfinished export leaves what was there as it was. Blobs already uploaded stay, so a later push skips them.`}
          confirmLabel="Quit"
          cancelLabel="Keep running"
          onClose={() => {
            setClosing(false);
            void api.answerClose(false).catch(setError);
          }}
          onConfirm={() => {
            setClosing(false);
            void api.answerClose(true).catch(setError);
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
            // The backend asks the final yes natively, saying whether the password goes.
            api.removeRegistry(id, forget).then(
              () => {
                if (selectedId === id) setSelectedId(null);
                refresh();
              },
              (e) => declined(e) || setError(e),
            );
          }}
        />
      )}
    </div>
    </TransferQueueProvider>
  );
}

function describeUnfinished(jobs: Job[]): string {
  const running = jobs.filter((j) => j.state === "running").length;
  const queued = unfinished(jobs) - running;
  const parts = [running > 0 && `${running} running`, queued > 0 && `${queued} queued`].filter(Boolean).join(", ");
  return parts ? `Transfers not finished: ${parts}.` : "A transfer is finishing.";
}
