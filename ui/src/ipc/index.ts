// The one module in the UI that talks to Tauri. Everything else imports `api` from here, so
// the rest of the UI is plain React that tests can drive with a mocked backend.
import { Channel, invoke } from "@tauri-apps/api/core";
import { getCurrentWebview } from "@tauri-apps/api/webview";
import { listen } from "@tauri-apps/api/event";
import type {
  ReferrerView,
  RowDetail,
  RowDetailRequest,
  DestinationView,
  AddEcrRegistry,
  AddOciRegistry,
  AppInfo,
  DeveloperEndpoints,
  AwsProfile,
  ConnectionStatus,
  IpcError,
  RegistryList,
  RegistryView,
  Located,
  RepositoryList,
  RepositoryView,
  ImageListEvent,
  ImageFilesEvent,
  ImageDetail,
  DeleteResult,
  RepositorySettings,
  LocalView,
  PushRequest,
  TransferEvent,
  ExportRequest,
  CopyRequest,
  LifecycleDryRun,
  ServerPreview,
  PolicyCheck,
  ScanView,
  ScanningConfigView,
  NewRepositoryRequest,
  ResourceTag,
  SignInHelp,
  ArchivedImage,
  StorageClassResult,
  ReplicationView,
  PullThroughRuleView,
  CreationTemplateView,
} from "./bindings";

export type * from "./bindings";

/** An error from the backend, with the stable `code` the Rust side chose. */
export class LadingError extends Error {
  readonly code: string;
  /** What the libraries said, behind the plain-words message (shown one click away). */
  readonly detail: string | null;
  constructor(code: string, message: string, detail: string | null = null) {
    super(message);
    this.name = "LadingError";
    this.code = code;
    this.detail = detail;
  }
}

function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).message === "string"
  );
}

/** Normalises whatever a rejected `invoke` gave us into a LadingError. */
export function toLadingError(error: unknown): LadingError {
  if (error instanceof LadingError) return error;
  if (isIpcError(error)) return new LadingError(error.code, error.message, error.detail ?? null);
  if (error instanceof Error) return new LadingError("ipc_failed", error.message);
  return new LadingError("ipc_failed", String(error));
}

declare global {
  interface Window {
    /** Set to an array by the end-to-end secret scan: every IPC answer is appended to it. */
    __LADING_RECORD_IPC__?: unknown[];
  }
}

function record(entry: unknown) {
  const log = window.__LADING_RECORD_IPC__;
  if (Array.isArray(log)) log.push(entry);
}

/** Told of each answer about a registry: the failure when it could not be reached, else null. */
type HealthWatcher = (registryId: string, failure: LadingError | null) => void;
const healthWatchers = new Set<HealthWatcher>();
/** Errors that say the registry itself cannot be reached (not that a request was refused). */
const CONNECTION_FAILURES = new Set(["unreachable", "plain_http", "certificate"]);

/** Follows whether registries answer, from every call about one (its `id`); returns the unsubscribe. */
export function watchRegistryHealth(watch: HealthWatcher): () => void {
  healthWatchers.add(watch);
  return () => healthWatchers.delete(watch);
}

function tellHealth(args: Record<string, unknown> | undefined, failure: LadingError | null) {
  const id = args?.id;
  if (typeof id !== "string" || healthWatchers.size === 0) return;
  if (failure && !CONNECTION_FAILURES.has(failure.code)) return;
  for (const watch of healthWatchers) watch(id, failure);
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    const response = await invoke<T>(command, args);
    record({ cmd: command, response });
    // Status checks say for themselves how the registry is.
    if (command !== "check_registry") tellHealth(args, null);
    return response;
  } catch (error) {
    record({ cmd: command, error });
    const failure = toLadingError(error);
    if (command !== "check_registry") tellHealth(args, failure);
    throw failure;
  }
}

let reads = 0;

/**
 * Starts a read the backend can stop: with a `signal`, the read gets an id, and aborting the
 * signal (the view that wanted it went away) tells the backend to drop it mid-flight.
 */
function cancellable<T>(signal: AbortSignal | undefined, start: (read: string | null) => Promise<T>): Promise<T> {
  if (!signal) return start(null);
  const read = `read-${++reads}`;
  const cancel = () => void invoke("cancel_read", { read }).catch(() => undefined);
  if (signal.aborted) cancel();
  else signal.addEventListener("abort", cancel, { once: true });
  return start(read).finally(() => signal.removeEventListener("abort", cancel));
}

function transfer(command: string, request: unknown, onEvent: (event: TransferEvent) => void): Promise<void> {
  const onEventChannel = new Channel<TransferEvent>((event) => {
    record({ cmd: command, event });
    onEvent(event);
  });
  return call<void>(command, { request, onEvent: onEventChannel });
}

export const api = {
  appInfo: (): Promise<AppInfo> => call<AppInfo>("app_info"),
  /** Whether LADING_REGISTRY_MAP is honoured, and what it redirects. */
  developerEndpoints: (): Promise<DeveloperEndpoints> => call<DeveloperEndpoints>("developer_endpoints"),
  /** Turning them on asks natively (code `declined` on a no). */
  setDeveloperEndpoints: (on: boolean): Promise<DeveloperEndpoints> => call<DeveloperEndpoints>("set_developer_endpoints", { on }),
  listRegistries: (): Promise<RegistryList> => call<RegistryList>("list_registries"),
  addOciRegistry: (request: AddOciRegistry): Promise<RegistryView> =>
    call<RegistryView>("add_oci_registry", { request }),
  addEcrRegistry: (request: AddEcrRegistry): Promise<RegistryView> =>
    call<RegistryView>("add_ecr_registry", { request }),
  /** The backend asks the user natively first (code `declined` when they say no). */
  removeRegistry: (id: string, forgetCredentials: boolean): Promise<void> =>
    call<void>("remove_registry", { id, forgetCredentials }),
  signOut: (id: string): Promise<void> => call<void>("sign_out", { id }),
  checkRegistry: (id: string): Promise<ConnectionStatus> => call<ConnectionStatus>("check_registry", { id }),
  awsProfiles: (): Promise<AwsProfile[]> => call<AwsProfile[]>("aws_profiles"),
  awsSsoLogin: (profile: string): Promise<void> => call<void>("aws_sso_login", { profile }),
  /** The catalog's (or ECR's) repositories with those opened by name; says when the catalog is unreadable. */
  listRepositories: (id: string, signal?: AbortSignal): Promise<RepositoryList> =>
    cancellable(signal, (read) => call<RepositoryList>("list_repositories", { id, read })),
  /** Reads a pasted reference into a registry of the list (or the one to add), repository, tag or digest. */
  locateReference: (text: string): Promise<Located> => call<Located>("locate_reference", { text }),
  /** Opens a repository by name (checked by listing its tags) and remembers it for the registry. */
  openRepository: (id: string, name: string): Promise<RepositoryView> => call<RepositoryView>("open_repository", { id, name }),
  listTags: (id: string, repository: string): Promise<string[]> => call<string[]>("list_tags", { id, repository }),
  /**
   * Streams a repository's images to `onEvent` (tags, then rows in batches, then `done`); from the
   * backend's last listing unless `refresh`. Resolves once the listing is complete; `signal`
   * stops it.
   */
  streamImages: (
    id: string,
    repository: string,
    refresh: boolean,
    onEvent: (event: ImageListEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> => {
    const onEventChannel = new Channel<ImageListEvent>((event) => {
      record({ cmd: "stream_images", event });
      onEvent(event);
    });
    return cancellable(signal, (read) =>
      call<void>("stream_images", { id, repository, refresh, read, onEvent: onEventChannel }),
    );
  },
  /** The rows the window shows (their tags, in order): read before the rest. False when no listing is under way. */
  prioritizeImages: (id: string, repository: string, tags: string[]): Promise<boolean> =>
    call<boolean>("prioritize_images", { id, repository, tags }),
  /** Reads every manifest of the listing under way, on a registry that meters pulls too. */
  readAllImages: (id: string, repository: string): Promise<boolean> => call<boolean>("read_all_images", { id, repository }),
  /** Created times (from configs) and per-platform sizes of the rows in view, at most 200 at once. */
  rowDetails: (id: string, repository: string, rows: RowDetailRequest[], signal?: AbortSignal): Promise<RowDetail[]> =>
    cancellable(signal, (read) => call<RowDetail[]>("row_details", { id, repository, rows, read })),
  /** Signatures, SBOMs and attestations attached to an image (OCI referrers, cosign tags). */
  imageReferrers: (id: string, repository: string, digest: string, signal?: AbortSignal): Promise<ReferrerView[]> =>
    cancellable(signal, (read) => call<ReferrerView[]>("image_referrers", { id, repository, digest, read })),
  imageDetail: (id: string, repository: string, digest: string, signal?: AbortSignal): Promise<ImageDetail> =>
    cancellable(signal, (read) => call<ImageDetail>("image_detail", { id, repository, digest, read })),
  /** Streams each layer's files as the layer is read from the registry, then the wasted bytes. */
  imageFiles: (
    id: string,
    repository: string,
    digest: string,
    onEvent: (event: ImageFilesEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> => {
    const onEventChannel = new Channel<ImageFilesEvent>((event) => {
      record({ cmd: "image_files", event });
      onEvent(event);
    });
    return cancellable(signal, (read) =>
      call<void>("image_files", { id, repository, digest, read, onEvent: onEventChannel }),
    );
  },
  createRepository: (id: string, request: NewRepositoryRequest): Promise<RepositoryView> =>
    call<RepositoryView>("create_repository", { id, request }),
  repositoryTags: (id: string, name: string): Promise<ResourceTag[]> => call<ResourceTag[]>("repository_tags", { id, name }),
  /** Makes the tags exactly these; the backend checks them first and never half-applies. */
  setRepositoryTags: (id: string, name: string, tags: ResourceTag[]): Promise<ResourceTag[]> =>
    call<ResourceTag[]>("set_repository_tags", { id, name, tags }),
  repositorySettings: (id: string, name: string): Promise<RepositorySettings> =>
    call<RepositorySettings>("repository_settings", { id, name }),
  updateRepositorySettings: (
    id: string,
    name: string,
    mutability: string,
    exclusions: string[],
    scanOnPush: boolean,
  ): Promise<RepositorySettings> =>
    call<RepositorySettings>("update_repository_settings", { id, name, mutability, exclusions, scanOnPush }),
  /** Opens an image archive or OCI layout folder from disk. */
  openLocal: (path: string): Promise<LocalView> => call<LocalView>("open_local", { path }),
  listLocal: (): Promise<LocalView[]> => call<LocalView[]>("list_local"),
  closeLocal: (id: string): Promise<void> => call<void>("close_local", { id }),
  localImageDetail: (id: string, image: number, digest: string | null): Promise<ImageDetail> =>
    call<ImageDetail>("local_image_detail", { id, image, digest }),
  /** Each layer's files read from disk; aborting `signal` stops the read at its next block. */
  localImageFiles: (
    id: string,
    image: number,
    digest: string | null,
    onEvent: (event: ImageFilesEvent) => void,
    signal?: AbortSignal,
  ): Promise<void> => {
    const onEventChannel = new Channel<ImageFilesEvent>((event) => {
      record({ cmd: "local_image_files", event });
      onEvent(event);
    });
    return cancellable(signal, (read) => call<void>("local_image_files", { id, image, digest, read, onEvent: onEventChannel }));
  },
  /** Pushes an image of an opened local source; progress on `onEvent` (≤ 20 messages/s). */
  pushLocal: (request: PushRequest, onEvent: (event: TransferEvent) => void): Promise<void> =>
    transfer("push_local", request, onEvent),
  /** Exports an image to a docker archive or an OCI layout folder. */
  exportImage: (request: ExportRequest, onEvent: (event: TransferEvent) => void): Promise<void> =>
    transfer("export_image", request, onEvent),
  /** Copies an image to another repository or registry. */
  copyImage: (request: CopyRequest, onEvent: (event: TransferEvent) => void): Promise<void> =>
    transfer("copy_image", request, onEvent),
  cancelTransfer: (transferId: string): Promise<void> => call<void>("cancel_transfer", { transferId }),
  /** The repository's lifecycle policy text (null: none). */
  lifecyclePolicy: (id: string, repository: string): Promise<string | null> =>
    call<string | null>("lifecycle_policy", { id, repository }),
  /**
   * Validates `text` and judges the repository's current images with it; `protectedTags` are
   * patterns to warn about. Images are read once and reused for 5 minutes unless `refresh`.
   */
  lifecycleDryRun: (id: string, repository: string, text: string, protectedTags: string[], refresh: boolean): Promise<LifecycleDryRun> =>
    call<LifecycleDryRun>("lifecycle_dry_run", { id, repository, text, protected: protectedTags, refresh }),
  /** ECR's own preview beside ours (unavailable on some endpoints, which it says). */
  lifecycleServerPreview: (id: string, repository: string, text: string): Promise<ServerPreview> =>
    call<ServerPreview>("lifecycle_server_preview", { id, repository, text }),
  /** Saves a policy whose dry run was shown (the backend refuses any other). */
  saveLifecyclePolicy: (id: string, repository: string, text: string): Promise<void> =>
    call<void>("save_lifecycle_policy", { id, repository, text }),
  deleteLifecyclePolicy: (id: string, repository: string): Promise<void> =>
    call<void>("delete_lifecycle_policy", { id, repository }),
  /** The repository policy text (null: none). */
  repositoryPolicy: (id: string, repository: string): Promise<string | null> =>
    call<string | null>("repository_policy", { id, repository }),
  /** ECR's constraints (issues at their field) and the risks in plain words. */
  checkRepositoryPolicy: (id: string, text: string): Promise<PolicyCheck> => call<PolicyCheck>("check_repository_policy", { id, text }),
  /** A policy the linter flags is saved only after the user's native yes (else `declined`). */
  saveRepositoryPolicy: (id: string, repository: string, text: string): Promise<void> =>
    call<void>("save_repository_policy", { id, repository, text }),
  deleteRepositoryPolicy: (id: string, repository: string): Promise<void> =>
    call<void>("delete_repository_policy", { id, repository }),
  /** The answer to "quit while transfers run?": quit cancels them (each cleans up) and exits. */
  answerClose: (quit: boolean): Promise<void> => call<void>("answer_close", { quit }),
  /**
   * A native file dialog; resolves to the chosen paths (none if cancelled). `archives` picks one
   * or more image archives, `folder` a folder, `save_archive` where to write a docker archive.
   */
  /** Where an export would go (a relative path under the home folder), and what stops it. */
  checkDestination: (path: string, format: string): Promise<DestinationView> => call<DestinationView>("check_destination", { path, format }),
  pickPath: (kind: "archives" | "folder" | "save_archive", title: string, suggestedName: string | null = null): Promise<string[]> =>
    call<string[]>("pick_path", { kind, title, suggestedName }),
  deleteRepository: (id: string, name: string, force: boolean): Promise<void> =>
    call<void>("delete_repository", { id, name, force }),
  /** With `withAttached`, what is attached to them goes too (the native question lists it). */
  deleteImages: (id: string, repository: string, digests: string[], withAttached = false): Promise<DeleteResult> =>
    call<DeleteResult>("delete_images", { id, repository, digests, withAttached }),
  /** ECR: the image's last scan, read again (polled while a scan runs). */
  imageScan: (id: string, repository: string, digest: string): Promise<ScanView> =>
    call<ScanView>("image_scan", { id, repository, digest }),
  /** ECR basic scanning: Scan now (one a day per image). */
  startScan: (id: string, repository: string, digest: string): Promise<ScanView> =>
    call<ScanView>("start_scan", { id, repository, digest }),
  /** Opens an https address (an advisory) in the user's browser; the backend refuses anything else. */
  openLink: (url: string): Promise<void> => call<void>("open_link", { url }),
  /** The terminal command that signs docker in (never the password). */
  signInHelp: (id: string): Promise<SignInHelp> => call<SignInHelp>("sign_in_help", { id }),
  scanningConfiguration: (id: string): Promise<ScanningConfigView> =>
    call<ScanningConfigView>("scanning_configuration", { id }),
  /** The backend asks the user natively before it changes anything. */
  setScanningConfiguration: (id: string, config: ScanningConfigView): Promise<ScanningConfigView> =>
    call<ScanningConfigView>("set_scanning_configuration", { id, config }),
  /** ECR: the repository's archived images (and those being restored). */
  archivedImages: (id: string, repository: string): Promise<ArchivedImage[]> =>
    call<ArchivedImage[]>("archived_images", { id, repository }),
  /** ECR: to the archive class (`archive`) or back; the backend asks the user natively first. */
  setStorageClass: (id: string, repository: string, digests: string[], archive: boolean): Promise<StorageClassResult> =>
    call<StorageClassResult>("set_storage_class", { id, repository, digests, archive }),
  /** ECR registry settings: the registry policy (checked with checkRepositoryPolicy's linter). */
  registryPolicy: (id: string): Promise<string | null> => call<string | null>("registry_policy", { id }),
  /** A flagged policy is saved only after the user's native yes (else `declined`). */
  saveRegistryPolicy: (id: string, text: string): Promise<void> => call<void>("save_registry_policy", { id, text }),
  deleteRegistryPolicy: (id: string): Promise<void> => call<void>("delete_registry_policy", { id }),
  replication: (id: string): Promise<ReplicationView> => call<ReplicationView>("replication", { id }),
  /** The backend checks it, then asks natively (before and after) before replacing it. */
  setReplication: (id: string, replication: ReplicationView): Promise<ReplicationView> =>
    call<ReplicationView>("set_replication", { id, replication }),
  pullThroughRules: (id: string): Promise<PullThroughRuleView[]> => call<PullThroughRuleView[]>("pull_through_rules", { id }),
  createPullThroughRule: (id: string, rule: PullThroughRuleView): Promise<PullThroughRuleView> =>
    call<PullThroughRuleView>("create_pull_through_rule", { id, rule }),
  deletePullThroughRule: (id: string, prefix: string): Promise<void> => call<void>("delete_pull_through_rule", { id, prefix }),
  creationTemplates: (id: string): Promise<CreationTemplateView[]> => call<CreationTemplateView[]>("creation_templates", { id }),
  createCreationTemplate: (id: string, template: CreationTemplateView): Promise<void> =>
    call<void>("create_creation_template", { id, template }),
  deleteCreationTemplate: (id: string, prefix: string): Promise<void> => call<void>("delete_creation_template", { id, prefix }),
  /** Removes tags; the images they name stay. */
  untagImages: (id: string, repository: string, tags: string[]): Promise<DeleteResult> =>
    call<DeleteResult>("untag_images", { id, repository, tags }),
};

export interface DropHandlers {
  /** Something is being dragged over the window. */
  hover: () => void;
  /** It left without being dropped. */
  leave: () => void;
  /** OS paths of what was dropped (files or folders). The web view never reads the files. */
  drop: (paths: string[]) => void;
}

/**
 * Listens for things dropped on the window. Resolves to a function that stops listening; where
 * drag-and-drop is not available (a browser with mocked IPC), to a no-op.
 */
export async function listenForDrops(handlers: DropHandlers): Promise<() => void> {
  try {
    return await getCurrentWebview().onDragDropEvent((event) => {
      const payload = event.payload;
      if (payload.type === "enter" || payload.type === "over") handlers.hover();
      else if (payload.type === "leave") handlers.leave();
      else handlers.drop(payload.paths);
    });
  } catch {
    return () => {};
  }
}

/**
 * Hears the window's close button while transfers run (the backend holds the close and asks);
 * `ask` gets how many are running. Resolves to a function that stops listening.
 */
export async function listenForCloseRequests(ask: (running: number) => void): Promise<() => void> {
  try {
    return await listen<number>("close-requested", (event) => ask(event.payload));
  } catch {
    return () => {};
  }
}

/** The user said no to the backend's native question: nothing changed, nothing to report. */
export function declined(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "declined";
}
