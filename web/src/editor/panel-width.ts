/**
 * The node panel's width, which a person sets by dragging its left edge (or with the arrow keys on the
 * edge) and which is kept for the next node and the next visit. Wide enough, the panel shows input |
 * parameters | output side by side, as n8n's node view does.
 */
import { useCallback, useState, type KeyboardEvent, type PointerEvent } from "react";

export const NARROW_WIDTH = 380;
const MIN_WIDTH = 340;
/** From this width on, the panel lays input, parameters and output out as three columns. */
export const THREE_COLUMNS_FROM = 860;
const STORAGE_KEY = "nodebase.panelWidth";
const KEY_STEP = 40;

/** The widest the panel may be: leave some canvas visible beside it. */
export function maxPanelWidth(viewport = typeof window === "undefined" ? 1280 : window.innerWidth): number {
  return Math.max(MIN_WIDTH, Math.min(1400, viewport - 160));
}

export function clampWidth(width: number, max = maxPanelWidth()): number {
  return Math.round(Math.min(Math.max(width, MIN_WIDTH), max));
}

function stored(): number {
  try {
    const value = Number(localStorage.getItem(STORAGE_KEY));
    return Number.isFinite(value) && value > 0 ? clampWidth(value) : NARROW_WIDTH;
  } catch {
    return NARROW_WIDTH;
  }
}

export function usePanelWidth() {
  const [width, setWidthState] = useState(stored);
  const setWidth = useCallback((next: number) => {
    const clamped = clampWidth(next);
    setWidthState(clamped);
    try {
      localStorage.setItem(STORAGE_KEY, String(clamped));
    } catch {
      // Private mode: the width simply is not remembered.
    }
  }, []);

  const onResizeStart = useCallback(
    (event: PointerEvent<HTMLElement>) => {
      event.preventDefault();
      const startX = event.clientX;
      const startWidth = width;
      const target = event.currentTarget;
      target.setPointerCapture(event.pointerId);
      const move = (e: globalThis.PointerEvent) => setWidth(startWidth + (startX - e.clientX));
      const up = () => {
        target.removeEventListener("pointermove", move);
        target.removeEventListener("pointerup", up);
      };
      target.addEventListener("pointermove", move);
      target.addEventListener("pointerup", up);
    },
    [width, setWidth],
  );

  const onResizeKey = useCallback(
    (event: KeyboardEvent<HTMLElement>) => {
      if (event.key === "ArrowLeft") setWidth(width + KEY_STEP);
      else if (event.key === "ArrowRight") setWidth(width - KEY_STEP);
      else return;
      event.preventDefault();
    },
    [width, setWidth],
  );

  const wide = width >= THREE_COLUMNS_FROM;
  const toggleWide = useCallback(() => setWidth(wide ? NARROW_WIDTH : maxPanelWidth()), [wide, setWidth]);

  return { width, wide, setWidth, toggleWide, onResizeStart, onResizeKey };
}
