/**
 * A cursor-paginated list from the API (`{ items, nextCursor }`): first page on mount and whenever
 * `fetchPage` changes (memoise it on its filters), "Load more" appending the next page, and a reload for
 * the error state's "Try again".
 */
import { useCallback, useEffect, useState } from "react";
import { describeError, toast } from "../components/toaster";

export type ListState<T> =
  | { status: "loading" }
  | { status: "error"; message: string }
  | { status: "ready"; items: T[]; nextCursor: string | null };

export type FetchPage<T> = (
  cursor: string | undefined,
  signal?: AbortSignal,
) => Promise<{ items: T[]; nextCursor: string | null }>;

/** `what` names the items in the failure toast of "Load more" ("workflows"). */
export function usePagedList<T>(fetchPage: FetchPage<T>, what: string) {
  const [list, setList] = useState<ListState<T>>({ status: "loading" });
  const [loadingMore, setLoadingMore] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setList({ status: "loading" });
      try {
        const page = await fetchPage(undefined, signal);
        setList({ status: "ready", items: page.items, nextCursor: page.nextCursor });
      } catch (error) {
        if (!signal?.aborted) setList({ status: "error", message: describeError(error) });
      }
    },
    [fetchPage],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  async function loadMore() {
    if (list.status !== "ready" || !list.nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await fetchPage(list.nextCursor);
      setList({ status: "ready", items: [...list.items, ...page.items], nextCursor: page.nextCursor });
    } catch (error) {
      toast.error(`Could not load more ${what}`, error);
    } finally {
      setLoadingMore(false);
    }
  }

  /**
   * Re-reads the first page without a loading state and puts it on top: new items appear, changed ones
   * (a status that moved on) are replaced, pages loaded with "Load more" stay below.
   */
  const refresh = useCallback(
    async (keyOf: (item: T) => string, signal?: AbortSignal) => {
      try {
        const page = await fetchPage(undefined, signal);
        if (signal?.aborted) return;
        setList((current) => {
          if (current.status !== "ready") return { status: "ready", ...page };
          const fresh = new Set(page.items.map(keyOf));
          const older = current.items.filter((item) => !fresh.has(keyOf(item)));
          const loadedMore = current.items.length > page.items.length;
          return {
            status: "ready",
            items: loadedMore ? [...page.items, ...older] : page.items,
            nextCursor: loadedMore ? current.nextCursor : page.nextCursor,
          };
        });
      } catch {
        // A failed background refresh changes nothing; the next one tries again.
      }
    },
    [fetchPage],
  );

  return { list, setList, load, loadMore, loadingMore, refresh };
}
