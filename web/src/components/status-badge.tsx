/** A run or step status as a coloured badge with a glyph (colour is never the only signal). */
const LABELS: Record<string, string> = {
  queued: "Queued",
  running: "Running",
  waiting: "Waiting",
  success: "Success",
  error: "Error",
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
      <span aria-hidden="true">{STATUS_GLYPHS[status] ?? "•"}</span> {LABELS[status] ?? status}
    </span>
  );
}
