import { useState, type FormEvent, type ReactNode } from "react";
import { api, type ImageRow, type LadingError, type RegistryView } from "../ipc";
import { formatBytes } from "../format";
import { invalidTag, parseTags } from "../push";
import { Modal } from "./Modal";
import { TagsField, useEnqueue } from "./Transfer";
import { useDestinationCheck } from "../destination";
import type { JobSpec } from "../queue";

function Sheet({ label, onClose, children }: { label: string; onClose: () => void; children: ReactNode }) {
  return (
    <Modal label={label} className="push-dialog" onClose={onClose}>
      {children}
    </Modal>
  );
}

const label = (blob: number) => `Blob ${blob + 1}`;
const attachedWords = (n: number) => (n === 1 ? "1 attached manifest" : `${n} attached manifests`);
const reference = (row: ImageRow) => row.tags[0] ?? row.digest;
const shortReference = (row: ImageRow) => reference(row).replace("sha256:", "").slice(0, 19);

/** Export an image to a docker archive (one platform) or an OCI layout folder. */
export function ExportDialog({
  registry,
  repository,
  row,
  onClose,
}: {
  registry: RegistryView;
  repository: string;
  row: ImageRow;
  onClose: () => void;
}) {
  const enqueue = useEnqueue();
  const [format, setFormat] = useState("docker-archive");
  const [path, setPath] = useState("");
  const [platform, setPlatform] = useState(row.platforms[0] ?? "");
  const [preserveDigests, setPreserveDigests] = useState(false);
  const [withReferrers, setWithReferrers] = useState(true);
  const isIndex = row.kind === "index";
  const [chooseError, setChooseError] = useState<string | null>(null);
  // A layout takes every platform unless one is chosen; an archive holds exactly one.
  function changeFormat(next: string) {
    setFormat(next);
    setPlatform(next === "oci-layout" ? "" : (row.platforms[0] ?? ""));
  }
  async function choose() {
    setChooseError(null);
    const name = `${repository.split("/").pop()}-${shortReference(row)}`;
    try {
      const [picked] =
        format === "docker-archive"
          ? await api.pickPath("save_archive", "Export to a docker archive", `${name}.tar`)
          : await api.pickPath("folder", "Export to an OCI layout folder");
      if (picked) setPath(picked);
    } catch (err) {
      setChooseError((err as LadingError).message);
    }
  }
  const destination = useDestinationCheck(path, format);
  // A check that could not run blocks nothing: the backend checks again when the export starts.
  const problem = destination.view?.problem ?? null;
  /** The export to `target`; a failed one is retried to another path with the same settings. */
  const exportTo = (target: string): JobSpec => ({
    kind: "export",
    title: `Export ${repository}:${shortReference(row)} to ${target}`,
    blobLabel: label,
    run: (onEvent) =>
      api.exportImage(
        {
          registry_id: registry.id,
          repository,
          reference: reference(row),
          format,
          path: target,
          platform: isIndex && (format === "docker-archive" || platform) ? platform || null : null,
          preserve_digests: format === "oci-layout" && preserveDigests,
          referrers: format === "oci-layout" && withReferrers,
        },
        onEvent,
      ),
    describe: (done) =>
      `Exported ${done.manifest_digest.slice(0, 19)}… to ${target} (${formatBytes(done.bytes)} downloaded)` +
      (done.referrers ? `, with ${attachedWords(done.referrers)}` : "") +
      (done.registry_digest
        ? `; given OCI media types, so its digest is not the registry's ${done.registry_digest.slice(0, 19)}…`
        : ""),
    destination: { path: target, retarget: exportTo },
  });
  function run(e: FormEvent) {
    e.preventDefault();
    // The full path (a relative one is under the home folder), as the queue will show it.
    enqueue(exportTo(destination.view?.path ?? path.trim()));
    onClose();
  }
  return (
    <Sheet label="Export image" onClose={onClose}>
      <h2>
        Export {repository}:{shortReference(row)}
      </h2>
      <form onSubmit={run}>
        <label className="field">
          <span>Format</span>
          <select value={format} onChange={(e) => changeFormat(e.target.value)}>
            <option value="docker-archive">docker save archive (.tar, for docker load; one platform)</option>
            <option value="oci-layout">OCI layout folder (every platform)</option>
          </select>
        </label>
        <label className="field">
          <span>{format === "docker-archive" ? "File" : "Folder"}</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={format === "docker-archive" ? "app.tar (in your home folder) or a full path" : "app-layout (in your home folder) or a full path"}
            spellCheck={false}
            required
          />
        </label>
        {problem ? (
          <p className="form-error field-issue" role="alert">
            {problem}
          </p>
        ) : (
          destination.view && (
            <p className="hint" data-testid="destination">
              {destination.view.replaces ? "Replaces " : "Writes "}
              {destination.view.path}
              {destination.view.replaces && " (you will be asked first)"}
            </p>
          )
        )}
        <div className="path-choosers">
          <button type="button" onClick={() => void choose()}>
            Choose…
          </button>
        </div>
        {chooseError && (
          <p className="form-error" role="alert">
            {chooseError}
          </p>
        )}
        {isIndex && (
          <label className="field">
            <span>Platform</span>
            <select value={platform} onChange={(e) => setPlatform(e.target.value)}>
              {format === "oci-layout" && <option value="">all platforms</option>}
              {row.platforms.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
        )}
        {format === "oci-layout" && (
          <>
            <label className="choice">
              <input type="checkbox" checked={preserveDigests} onChange={(e) => setPreserveDigests(e.target.checked)} />
              Keep the registry's exact bytes and digests
            </label>
            <label className="choice">
              <input type="checkbox" checked={withReferrers} onChange={(e) => setWithReferrers(e.target.checked)} />
              With its signatures, SBOMs and attestations
            </label>
            <p className="hint">
              {preserveDigests
                ? "Docker-typed manifests stay Docker-typed: skopeo and umoci do not read those."
                : "Docker-typed manifests get OCI media types, as skopeo gives them: layers and config stay, the manifest digest changes."}
            </p>
          </>
        )}
        <p className="hint">Every byte is checked against its digest; an export that does not finish removes what it wrote.</p>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!path.trim() || problem !== null}>
            Export
          </button>
        </div>
      </form>
    </Sheet>
  );
}

/** Copy an image to another repository, registry, region or account. */
export function CopyDialog({
  registry,
  repository,
  row,
  targets,
  onClose,
}: {
  registry: RegistryView;
  repository: string;
  row: ImageRow;
  targets: RegistryView[];
  onClose: () => void;
}) {
  const enqueue = useEnqueue();
  const [targetId, setTargetId] = useState(registry.id);
  const [targetRepository, setTargetRepository] = useState(repository);
  const [tagsText, setTagsText] = useState(row.tags.join(" "));
  const [createRepository, setCreateRepository] = useState(true);
  const [withReferrers, setWithReferrers] = useState(true);
  const target = targets.find((t) => t.id === targetId) ?? (registry.id === targetId ? registry : undefined);
  const tags = parseTags(tagsText);
  const badTags = tags.filter(invalidTag);
  // Within its own repository a copy only adds tags (ECR: PutImage, no data moves).
  const retag = targetId === registry.id && targetRepository.trim() === repository;
  const sent = retag ? tags.filter((t) => !row.tags.includes(t)) : tags;
  const same = retag && sent.length === 0;
  const short = row.digest.replace("sha256:", "").slice(0, 12);
  function run(e: FormEvent) {
    e.preventDefault();
    const to = targetRepository.trim();
    enqueue({
      kind: "copy",
      title: retag
        ? `Tag ${repository}@${short} as :${sent.join(", :")}`
        : `Copy ${repository}@${short} to ${to}${sent.length ? `:${sent.join(", :")}` : ""} on ${target?.name ?? targetId}`,
      blobLabel: label,
      target: { registryId: targetId, repository: to },
      startedIn: registry.id,
      run: (onEvent) =>
        api.copyImage(
          {
            registry_id: registry.id,
            repository,
            reference: row.digest,
            target_registry_id: targetId,
            target_repository: to,
            tags: sent,
            create_repository: target?.kind === "ecr" && createRepository,
            referrers: !retag && withReferrers,
          },
          onEvent,
        ),
      describe: (done) =>
        retag
          ? `Tagged ${repository}@${short} as :${done.tags.join(", :")} (${formatBytes(done.bytes)} transferred)`
          : `Copied to ${to}${done.tags.length ? `:${done.tags.join(", :")}` : ""} on ${target?.name ?? targetId}` +
            `${done.referrers ? ` with ${attachedWords(done.referrers)}` : ""} (${formatBytes(done.bytes)} transferred)`,
    });
    onClose();
  }
  const choices = targets.some((t) => t.id === registry.id) ? targets : [registry, ...targets];
  return (
    <Sheet label="Copy image" onClose={onClose}>
      <h2>
        Copy {repository}@{short}
      </h2>
      <form onSubmit={run}>
        <label className="field">
          <span>To registry</span>
          <select value={targetId} onChange={(e) => setTargetId(e.target.value)}>
            {choices.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Repository</span>
          <input value={targetRepository} onChange={(e) => setTargetRepository(e.target.value)} spellCheck={false} required />
        </label>
        <TagsField label="Tags (space separated)" value={tagsText} onChange={setTagsText} />
        {same ? (
          <p className="hint">Add a new tag or choose another repository: this is where the image already is.</p>
        ) : (
          retag && <p className="hint">Same repository: the new tags ({sent.join(", ")}) are added to the image; no data is copied.</p>
        )}
        {!retag && (
          <label className="choice">
            <input type="checkbox" checked={withReferrers} onChange={(e) => setWithReferrers(e.target.checked)} />
            With its signatures, SBOMs and attestations
          </label>
        )}
        {target?.kind === "ecr" && (
          <label className="choice">
            <input type="checkbox" checked={createRepository} onChange={(e) => setCreateRepository(e.target.checked)} />
            Create the repository if it does not exist
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={!targetRepository.trim() || badTags.length > 0 || same}>
            {retag ? "Add tags" : "Copy"}
          </button>
        </div>
      </form>
    </Sheet>
  );
}
