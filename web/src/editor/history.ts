/**
 * Undo/redo as a list of document snapshots. Each entry has a serial number, so "unsaved changes" is
 * simply "the present entry is not the one that was saved". Quick successive edits of one field are
 * merged into one entry (typing a word is one undo step, not one per letter).
 */
export interface HistoryEntry<T> {
  serial: number;
  value: T;
  /** Edits with the same key in quick succession replace this entry instead of adding one. */
  mergeKey?: string;
  at: number;
}

export interface History<T> {
  past: HistoryEntry<T>[];
  present: HistoryEntry<T>;
  future: HistoryEntry<T>[];
  nextSerial: number;
}

export const HISTORY_LIMIT = 100;
const MERGE_WINDOW_MS = 1500;

export function createHistory<T>(value: T, now = Date.now()): History<T> {
  return { past: [], present: { serial: 0, value, at: now }, future: [], nextSerial: 1 };
}

export function pushHistory<T>(
  history: History<T>,
  value: T,
  mergeKey?: string,
  now = Date.now(),
): History<T> {
  const { present } = history;
  if (
    mergeKey &&
    present.mergeKey === mergeKey &&
    now - present.at < MERGE_WINDOW_MS &&
    history.past.length > 0
  ) {
    return {
      ...history,
      present: { serial: history.nextSerial, value, mergeKey, at: now },
      future: [],
      nextSerial: history.nextSerial + 1,
    };
  }
  return {
    past: [...history.past, present].slice(-HISTORY_LIMIT),
    present: { serial: history.nextSerial, value, mergeKey, at: now },
    future: [],
    nextSerial: history.nextSerial + 1,
  };
}

export function undo<T>(history: History<T>): History<T> {
  const previous = history.past.at(-1);
  if (!previous) return history;
  return {
    ...history,
    past: history.past.slice(0, -1),
    present: { ...previous, mergeKey: undefined },
    future: [history.present, ...history.future],
  };
}

export function redo<T>(history: History<T>): History<T> {
  const [next, ...rest] = history.future;
  if (!next) return history;
  return { ...history, past: [...history.past, history.present], present: next, future: rest };
}

export const canUndo = (history: History<unknown>) => history.past.length > 0;
export const canRedo = (history: History<unknown>) => history.future.length > 0;
