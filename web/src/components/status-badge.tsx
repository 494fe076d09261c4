/** A run or step status as a coloured badge with a glyph (colour is never the only signal). */

/** The one table of words for statuses: badges, filters, the editor's node marks and its run badge. */
export const STATUS_LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  success: "Succeeded",
  error: "Failed",
  skipped: "Skipped",
  canceled: "Canceled",
};
/** One glyph per status, shared with the editor's node status marks. */
export const STATUS_GLYPHS: Record<string, string> = {
  queued: "•",
  running: "◌",
  waiting: "‖",
  success: "✓",
  error: "!",
  skipped: "↷",
  canceled: "✕",
};

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`badge status-badge status-${status}`} data-status={status}>
      <span aria-hidden="true">{STATUS_GLYPHS[status] ?? "•"}</span> {STATUS_LABELS[status] ?? status}
    </span>
  );
}
