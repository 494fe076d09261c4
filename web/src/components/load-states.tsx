/** The failure and "more to load" pieces every data page shows the same way. */

/** A load that failed: what failed, the server's message, and a retry. `h1` on full pages, `h2` in lists. */
export function LoadError({
  title,
  message,
  onRetry,
  heading: Heading = "h2",
}: {
  title: string;
  message: string;
  onRetry: () => void;
  heading?: "h1" | "h2";
}) {
  return (
    <div className="state state-error" role="alert">
      <Heading className="state-title">{title}</Heading>
      <p>{message}</p>
      <button type="button" className="btn btn-secondary" onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

/** The "Load more" button under a cursor-paginated list; shown only while the server has more. */
export function LoadMoreFooter({
  hasMore,
  loading,
  onLoadMore,
}: {
  hasMore: boolean;
  loading: boolean;
  onLoadMore: () => void;
}) {
  if (!hasMore) return null;
  return (
    <div className="list-footer">
      <button type="button" className="btn btn-secondary" onClick={onLoadMore} disabled={loading}>
        {loading ? "Loading…" : "Load more"}
      </button>
    </div>
  );
}
