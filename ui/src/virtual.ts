/** Fixed-height rows: which slice of a long list to render for the current scroll position. */
export const IMAGE_ROW_HEIGHT = 32;

export interface RowWindow {
  start: number;
  end: number;
  /** Blank space standing in for the rows above and below the rendered slice. */
  padTop: number;
  padBottom: number;
}

export function rowWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 10,
): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.min(total, Math.max(0, first - overscan));
  const end = Math.min(total, first + visible + overscan);
  return { start, end, padTop: start * rowHeight, padBottom: (total - end) * rowHeight };
}
