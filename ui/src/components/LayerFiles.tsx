import { useEffect, useMemo, useState } from "react";
import type { FileView, LadingError, LayerEntry, WastedView } from "../ipc";
import type { DetailSource } from "./ImageDetailView";
import { formatBytes } from "../format";
import { fileRows, filterRows, mergedRows, type FileRow, type MergedRow } from "../files";
import { rowWindow } from "../virtual";
import { ErrorText } from "./ErrorText";
import { readableCommand } from "../layers";

const FILE_ROW_HEIGHT = 24;

interface Props {
  source: DetailSource;
  digest: string;
  layers: LayerEntry[];
  /** Each layer's command, from the history ("" where it does not say). */
  commands?: string[];
}

/** Each layer's files, read from the registry layer by layer, and the bytes later layers hide. */
export function LayerFiles({ source, digest, layers, commands = [] }: Props) {
  const [read, setRead] = useState<Array<FileView[] | undefined>>([]);
  const [wasted, setWasted] = useState<{ bytes: number; files: WastedView[] } | null>(null);
  const [error, setError] = useState<LadingError | null>(null);
  const [selected, setSelected] = useState(0);
  const [scroll, setScroll] = useState({ top: 0, height: 0 });
  // "layer": what the chosen layer's tar holds; "merged": the filesystem with it and every layer
  // below applied (dive's aggregated view).
  const [view, setView] = useState<"layer" | "merged">("layer");
  const [query, setQuery] = useState("");

  useEffect(() => {
    setRead([]);
    setWasted(null);
    setError(null);
    let current = true;
    const leaving = new AbortController();
    source
      .files(digest, (event) => {
        if (!current) return;
        if (event.event === "layer")
          setRead((r) => {
            const next = [...r];
            next[event.index] = event.files;
            return next;
          });
        else if (event.event === "done") setWasted({ bytes: event.wasted_bytes, files: event.wasted });
      }, leaving.signal)
      .catch((e: LadingError) => current && setError(e));
    return () => {
      current = false;
      leaving.abort();
    };
  }, [source.key, digest]);

  const wastedIn = (layer: number) => (wasted?.files ?? []).filter((w) => w.layer === layer);
  const files = read[selected];
  const all: Array<FileRow | MergedRow> | null = useMemo(
    () => (view === "merged" ? mergedRows(read, selected) : files ? fileRows(files, selected, wasted?.files ?? null) : null),
    [view, read, files, selected, wasted],
  );
  const rows = useMemo(() => (all ? filterRows(all, query) : []), [all, query]);
  const slice = rowWindow(scroll.top, scroll.height || 400, FILE_ROW_HEIGHT, rows.length);
  const toTop = () => setScroll((s) => ({ ...s, top: 0 }));

  return (
    <div className="layer-files">
      {error && (
        <div className="form-error" role="alert">
          <ErrorText error={error} />
        </div>
      )}
      <p className="wasted-summary" data-testid="wasted-summary">
        {wasted
          ? wasted.files.length
            ? `Wasted: ${formatBytes(wasted.bytes)} in ${wasted.files.length.toLocaleString()} ${wasted.files.length === 1 ? "file" : "files"} that later layers overwrite or delete.`
            : "No wasted bytes: no layer overwrites or deletes a file of an earlier one."
          : `Reading layers from the registry… ${read.filter(Boolean).length} of ${layers.length}`}
      </p>
      {wasted && wasted.files.length > 0 && (
        <ol className="wasted-list">
          {wasted.files.slice(0, 5).map((w) => (
            <li key={`${w.layer}:${w.path}`}>
              <code>{w.path}</code> {formatBytes(w.size)} · layer {w.layer + 1}, {w.deleted ? "deleted" : "overwritten"} in layer{" "}
              {w.hidden_by + 1}
            </li>
          ))}
        </ol>
      )}
      {/* A compact list (scrolling within a few rows) rather than a wall of buttons: 40 layers fit. */}
      <div
        className="layer-picker"
        role="tablist"
        aria-label="Layers"
        aria-orientation="vertical"
        onKeyDown={(e) => {
          if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
          e.preventDefault();
          const next = Math.min(layers.length - 1, Math.max(0, selected + (e.key === "ArrowDown" ? 1 : -1)));
          setSelected(next);
          e.currentTarget.querySelectorAll<HTMLElement>("[role=tab]")[next]?.focus();
        }}
      >
        {layers.map((l, i) => {
          const waste = wastedIn(i).reduce((n, w) => n + w.size, 0);
          return (
            <button
              key={`${l.digest}-${i}`}
              role="tab"
              aria-selected={selected === i}
              onClick={() => {
                setSelected(i);
                setScroll((s) => ({ ...s, top: 0 }));
              }}
              title={[l.digest, commands[i]].filter(Boolean).join("\n")}
            >
              <span className="layer-label">
                Layer {i + 1} · {formatBytes(l.size)}
                {read[i] ? ` · ${read[i]!.length.toLocaleString()} ${read[i]!.length === 1 ? "entry" : "entries"}` : " · reading…"}
                {waste > 0 && <span className="waste"> · {formatBytes(waste)} wasted</span>}
              </span>
              {commands[i] && <code className="layer-command">{readableCommand(commands[i]!)}</code>}
            </button>
          );
        })}
      </div>
      <div className="files-toolbar">
        <span role="radiogroup" aria-label="Show" className="choices">
          <label className="choice">
            <input type="radio" name="files-view" checked={view === "layer"} onChange={() => { setView("layer"); toTop(); }} />
            Layer {selected + 1}'s entries
          </label>
          <label className="choice">
            <input type="radio" name="files-view" checked={view === "merged"} onChange={() => { setView("merged"); toTop(); }} />
            Filesystem up to layer {selected + 1}
          </label>
        </span>
        <input
          type="search"
          className="filter"
          aria-label="Filter paths"
          placeholder="Filter paths (bin/, *.so)"
          value={query}
          onChange={(e) => { setQuery(e.target.value); toTop(); }}
        />
        {all && (
          <span className="hint" data-testid="files-count">
            {query.trim() ? `${rows.length.toLocaleString()} of ${all.length.toLocaleString()}` : all.length.toLocaleString()}{" "}
            {all.length === 1 ? "entry" : "entries"}
          </span>
        )}
      </div>
      {all && rows.length === 0 ? (
        <p className="hint">{query.trim() ? `No path matches “${query.trim()}”.` : "This layer has no entries."}</p>
      ) : all ? (
        <div
          className="files-viewport"
          onScroll={(e) => setScroll({ top: e.currentTarget.scrollTop, height: e.currentTarget.clientHeight })}
        >
          <table className="files">
            <tbody>
              <Pad height={slice.padTop} />
              {rows.slice(slice.start, slice.end).map((f) => (
                <tr
                  key={f.path + f.kind}
                  className={`file ${f.kind}${f.wasted ? " wasted" : ""}${"change" in f && f.change ? ` change-${f.change}` : ""}`}
                >
                  <td className="mode">{f.mode}</td>
                  <td className="name" style={{ paddingLeft: 6 + f.depth * 14 }} title={f.path}>
                    {f.name}
                    {f.kind === "dir" && "/"}
                    {f.target && <span className="hint"> → {f.target}</span>}
                  </td>
                  <td className="number">{f.kind === "file" ? formatBytes(f.size) : ""}</td>
                  <td className="note">{f.note}</td>
                </tr>
              ))}
              <Pad height={slice.padBottom} />
            </tbody>
          </table>
        </div>
      ) : (
        <p className="hint">
          {view === "merged"
            ? `Reading layers… ${read.slice(0, selected + 1).filter(Boolean).length} of ${selected + 1}`
            : `Reading layer ${selected + 1}…`}
        </p>
      )}
    </div>
  );
}

/** Blank space for the rows out of view. */
function Pad({ height }: { height: number }) {
  if (height <= 0) return null;
  return (
    <tr aria-hidden>
      <td colSpan={4} style={{ height }} />
    </tr>
  );
}
