import { useEffect, useMemo, useRef, useState } from "react";
import {
  api,
  type ImageDetail,
  type ImageFilesEvent,
  type LadingError,
  type LocalImageView,
  type LocalView,
  type ReferrerView,
  type RegistryView,
  type ScanView,
} from "../ipc";
import { formatBytes } from "../format";
import { LayerFiles } from "./LayerFiles";
import { Attached } from "./Attached";
import { TagChips } from "./TagChips";
import { ScanFindings } from "./ScanFindings";
import { countsInWords, statusWords } from "../scan";
import { historyWithLayers, layerCommands, readableCommand } from "../layers";

/** Where an image's detail and layer files come from: a registry's repository, or a local file. */
export interface DetailSource {
  /** Changes when the source does (the detail is read again). */
  key: string;
  /** `registry/repository` for the copy buttons; null for a local image, which has no address. */
  base: string | null;
  /** `signal` aborts when the view leaves the image: the backend stops reading it. */
  detail: (digest: string, signal: AbortSignal) => Promise<ImageDetail>;
  files: (digest: string, onEvent: (event: ImageFilesEvent) => void, signal: AbortSignal) => Promise<void>;
  /** What is attached to an image; a local file has no referrers. */
  referrers?: (digest: string, signal: AbortSignal) => Promise<ReferrerView[]>;
  /** ECR: the image's scan read again, and Scan now. */
  scan?: { reload: (digest: string) => Promise<ScanView>; scanNow: (digest: string) => Promise<ScanView> };
}

export function registrySource(registry: RegistryView, repository: string): DetailSource {
  return {
    key: `${registry.id}\n${repository}`,
    base: `${registry.address ?? registry.name}/${repository}`,
    detail: (digest, signal) => api.imageDetail(registry.id, repository, digest, signal),
    files: (digest, onEvent, signal) => api.imageFiles(registry.id, repository, digest, onEvent, signal),
    referrers: (digest, signal) => api.imageReferrers(registry.id, repository, digest, signal),
    scan:
      registry.kind === "ecr"
        ? {
            reload: (digest) => api.imageScan(registry.id, repository, digest),
            scanNow: (digest) => api.startScan(registry.id, repository, digest),
          }
        : undefined,
  };
}

export function localSource(local: LocalView, image: LocalImageView): DetailSource {
  return {
    key: `${local.id}\n${image.index}`,
    base: null,
    detail: (digest) => api.localImageDetail(local.id, image.index, digest),
    files: (digest, onEvent, signal) => api.localImageFiles(local.id, image.index, digest, onEvent, signal),
  };
}

interface Props {
  source: DetailSource;
  digest: string;
  tags: string[];
  /** An artifact's image (its `subject`). */
  subject?: string | null;
  /** Closes the detail (its × and Escape); none where the detail is the whole pane. */
  onClose?: () => void;
}

type Tab = "overview" | "layers" | "files" | "history" | "scan" | "json";
const ALL_TABS: Tab[] = ["overview", "layers", "files", "history", "scan", "json"];

/** Only ECR images have a scan. */
const TABS = ALL_TABS.filter((t) => t !== "scan");

/** The tab an arrow key (or Home/End) moves to, as WAI-ARIA tabs do; null for other keys. */
export function tabAfterKey(key: string, current: Tab, tabs: Tab[] = TABS): Tab | null {
  const at = tabs.indexOf(current);
  const to =
    key === "ArrowRight" ? (at + 1) % tabs.length
    : key === "ArrowLeft" ? (at + tabs.length - 1) % tabs.length
    : key === "Home" ? 0
    : key === "End" ? tabs.length - 1
    : null;
  return to === null ? null : tabs[to]!;
}

function CopyButton({ label, text }: { label: string; text: string }) {
  const [done, setDone] = useState(false);
  return (
    <button
      className="copy-button"
      title={text}
      onClick={() =>
        navigator.clipboard?.writeText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1200);
        })
      }
    >
      {done ? "Copied" : label}
    </button>
  );
}

export function ImageDetailView({ source, digest, tags, subject, onClose }: Props) {
  const [shown, setShown] = useState(digest);
  const [detail, setDetail] = useState<ImageDetail | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [tab, setTabState] = useState<Tab>("overview");
  const tabList = useRef<HTMLDivElement>(null);
  // A chosen tab's content starts under the tabs: in a short split the tabs go to its top, so
  // what was asked for is on screen rather than below the fold.
  const setTab = (to: Tab) => {
    setTabState(to);
    requestAnimationFrame(() => {
      const list = tabList.current;
      const scroller = list?.closest(".detail-split");
      if (list && scroller) scroller.scrollTop += list.getBoundingClientRect().top - scroller.getBoundingClientRect().top;
    });
  };

  const tabs = detail?.scan ? ALL_TABS : TABS;
  const showing: Tab = tabs.includes(tab) ? tab : "overview";

  // What "back" returns to: the index a platform was opened from, the image of an attached
  // manifest, the artifact whose image was opened.
  const [from, setFrom] = useState("index");
  const go = (to: string, back: string) => {
    setFrom(back);
    setShown(to);
  };
  useEffect(() => setShown(digest), [digest]);
  useEffect(() => {
    setDetail(null);
    setError(null);
    let current = true;
    const leaving = new AbortController();
    source.detail(shown, leaving.signal).then(
      (d) => current && setDetail(d),
      (e: LadingError) => current && setError(e),
    );
    return () => {
      current = false;
      leaving.abort();
    };
    // The source object is rebuilt on every render; its key says when it really changed.
  }, [source.key, shown]);

  const base = source.base;
  const total = detail?.layers.reduce((n, l) => n + l.size, 0) ?? 0;
  const steps = useMemo(() => (detail ? historyWithLayers(detail.history, detail.layers) : []), [detail]);
  const commands = useMemo(() => (detail ? layerCommands(detail.history, detail.layers) : []), [detail]);

  return (
    <section
      className="image-detail"
      aria-label="Image"
      onKeyDown={(e) => {
        // Escape leaves the detail, unless a field or a dialog inside it takes Escape first.
        if (e.key === "Escape" && onClose && !e.defaultPrevented && !(e.target as HTMLElement).closest("input, textarea, [role=dialog]")) {
          e.preventDefault();
          onClose();
        }
      }}
    >
      <div className="detail-title">
        {onClose && (
          <button className="detail-close" onClick={onClose} aria-label="Close the image detail" title="Close (Esc)">
            ×
          </button>
        )}
        <code title={shown}>{shown.replace("sha256:", "").slice(0, 16)}</code>
        {shown === digest && tags.length > 0 && (
          <span className="chips detail-tags" data-testid="detail-tags">
            <TagChips tags={tags} limit={12} expandable />
          </span>
        )}
        {shown !== digest && (
          <button className="link-button" onClick={() => setShown(digest)}>
            ← back to the {from}
          </button>
        )}
        {base && (
          <span className="copy-row">
            {tags[0] && shown === digest && <CopyButton label="Copy tag URI" text={`${base}:${tags[0]}`} />}
            <CopyButton label="Copy digest URI" text={`${base}@${shown}`} />
            <CopyButton label="Copy docker pull" text={`docker pull ${base}@${shown}`} />
          </span>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {!detail && !error && <p className="hint">Loading…</p>}
      {shown === digest && subject && (
        <p className="hint">
          Attached to{" "}
          <button className="link-button" onClick={() => go(subject, "artifact")} title={subject}>
            {subject.replace("sha256:", "").slice(0, 16)}
          </button>
        </p>
      )}
      {shown === digest && source.referrers && <Attached key={`${source.key}\n${digest}`} load={source.referrers} digest={digest} open={(d) => go(d, "image")} />}
      {detail && detail.kind === "index" && (
        <div>
          <p className="hint">An index of {detail.platforms.length} images:</p>
          <ul className="platforms">
            {detail.platforms.map((p) => (
              <li key={p.digest}>
                <button className="link-button" onClick={() => go(p.digest, "index")}>
                  {p.platform}
                </button>{" "}
                {p.size !== null && <span className="platform-size">{formatBytes(p.size)}</span>}{" "}
                <code className="hint">{p.digest.replace("sha256:", "").slice(0, 12)}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      {detail && detail.kind !== "index" && (
        <>
          <div
            className="tabs"
            role="tablist"
            ref={tabList}
            aria-label="Image views"
            onKeyDown={(e) => {
              const to = tabAfterKey(e.key, showing, tabs);
              if (!to) return;
              e.preventDefault();
              setTab(to);
              e.currentTarget.querySelector<HTMLElement>(`[data-tab="${to}"]`)?.focus();
            }}
          >
            {tabs.map((t) => (
              <button key={t} role="tab" data-tab={t} aria-selected={showing === t} tabIndex={showing === t ? 0 : -1} onClick={() => setTab(t)}>
                {t === "json" ? "JSON" : t[0]!.toUpperCase() + t.slice(1)}
                {t === "layers" ? ` (${detail.layers.length})` : ""}
                {t === "scan" && detail.scan && detail.scan.findings.length > 0 ? ` (${detail.scan.findings.length})` : ""}
              </button>
            ))}
          </div>
          {showing === "overview" && detail.config_error && (
            <p className="notice" role="status">
              The image config could not be read ({detail.config_error}); the layers and the manifest are shown.
            </p>
          )}
          {showing === "overview" && (
            <dl className="facts">
              <dt>Platform</dt>
              <dd>{[detail.os, detail.architecture].filter(Boolean).join("/") || "—"}</dd>
              <dt>Created</dt>
              <dd>{detail.created ?? "—"}</dd>
              <dt>Size</dt>
              <dd>
                {formatBytes(total)} in {detail.layers.length} {detail.layers.length === 1 ? "layer" : "layers"}
              </dd>
              <dt>Entrypoint</dt>
              <dd>
                <code>{detail.entrypoint.join(" ") || "—"}</code>
              </dd>
              <dt>Command</dt>
              <dd>
                <code>{detail.cmd.join(" ") || "—"}</code>
              </dd>
              <dt>Working dir</dt>
              <dd>{detail.working_dir ?? "—"}</dd>
              <dt>User</dt>
              <dd>{detail.user ?? "—"}</dd>
              <dt>Ports</dt>
              <dd>{detail.exposed_ports.join(", ") || "—"}</dd>
              <dt>Environment</dt>
              <dd>
                {detail.env.length ? detail.env.map((e) => <code key={e} className="line">{e}</code>) : "—"}
              </dd>
              {detail.scan && (
                <>
                  <dt>Scan</dt>
                  <dd data-testid="scan">
                    {detail.scan.error ? (
                      <span className="hint">{detail.scan.error}</span>
                    ) : detail.scan.status === null ? (
                      "Not scanned yet"
                    ) : (
                      `${statusWords(detail.scan.status)}${
                        detail.scan.findings.length === 0
                          ? ", nothing found"
                          : `: ${countsInWords(detail.scan.counts) || `${detail.scan.findings.length} findings`}`
                      }`
                    )}{" "}
                    <button className="link-button" onClick={() => setTab("scan")}>
                      {detail.scan.findings.length ? "Show the findings" : "Open the scan"}
                    </button>
                  </dd>
                </>
              )}
              <dt>Labels</dt>
              <dd>
                {detail.labels.length
                  ? detail.labels.map(([k, v]) => (
                      <code key={k} className="line">
                        {k}={v}
                      </code>
                    ))
                  : "—"}
              </dd>
            </dl>
          )}
          {showing === "layers" && (
            <table className="layers">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Digest</th>
                  <th className="number">Size</th>
                  <th>Share</th>
                  <th>Made by</th>
                </tr>
              </thead>
              <tbody>
                {detail.layers.map((l, i) => (
                  <tr key={`${l.digest}-${i}`}>
                    <td className="number" title={l.media_type}>
                      {i + 1}
                    </td>
                    <td className="digest" title={l.digest}>
                      {l.digest.replace("sha256:", "").slice(0, 12)}
                    </td>
                    <td className="number size" title={`${l.size.toLocaleString()} bytes`}>
                      {formatBytes(l.size)}
                    </td>
                    <td className="share">
                      <progress max={total || 1} value={l.size} aria-label={`layer ${i + 1}: share of the image`} />
                    </td>
                    <td className="command" title={commands[i] || undefined}>
                      {commands[i] ? <code>{readableCommand(commands[i]!)}</code> : <span className="hint">not recorded</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {showing === "files" && (
            <LayerFiles source={source} digest={shown} layers={detail.layers} commands={commands} />
          )}
          {showing === "history" && (
            <ol className="history">
              {steps.map((h, i) => (
                <li key={i} className={h.layer === null ? "empty-layer" : undefined}>
                  <code title={h.command || undefined}>{readableCommand(h.command) || "(no command recorded)"}</code>
                  <span className="hint">
                    {h.layer === null ? " · no layer" : ` · layer ${h.layer + 1}, ${formatBytes(h.size)}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
          {showing === "scan" && detail.scan && (
            <ScanFindings
              initial={detail.scan}
              reload={() => source.scan?.reload(shown) ?? Promise.resolve(detail.scan!)}
              scanNow={source.scan ? () => source.scan!.scanNow(shown) : undefined}
            />
          )}
          {showing === "json" && (
            <>
              <h3>Manifest</h3>
              <pre className="json">{detail.manifest_json}</pre>
              {detail.config_json && (
                <>
                  <h3>Config</h3>
                  <pre className="json">{detail.config_json}</pre>
                </>
              )}
            </>
          )}
        </>
      )}
    </section>
  );
}
