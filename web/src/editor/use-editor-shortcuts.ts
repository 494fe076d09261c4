/**
 * Keyboard shortcuts and the clipboard. Save and Run work everywhere (even while typing in a field);
 * undo, redo and help only when focus is not in a text field, where the browser's own undo belongs.
 * Copy/cut/paste use the DOM clipboard events, so they need no permission and JSON copied from anywhere
 * (another workflow, an export file, a chat) pastes as nodes.
 */
import { useEffect, useRef, type RefObject } from "react";
import type { WorkflowEdge, WorkflowNode } from "../api/types";
import { toast } from "../components/toaster";
import { extractFragment, parseFragment, prepareFragment } from "./document";
import { documentOf, type EditorState } from "./editor-state";

export interface ShortcutHandlers {
  save(): void;
  run(): void;
  undo(): void;
  redo(): void;
  toggleHelp(): void;
  escape(): void;
  /** Ctrl/⌘+A on the canvas selects every node, not the page's text. */
  selectAll(): void;
}

export function isEditableTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName);
}

export function useEditorShortcuts(handlers: ShortcutHandlers) {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const inField = isEditableTarget(event.target);
      const inDialog = (event.target as HTMLElement | null)?.closest?.("dialog");
      if (mod && key === "s") {
        event.preventDefault();
        ref.current.save();
      } else if (mod && key === "enter") {
        if (inDialog) return;
        event.preventDefault();
        ref.current.run();
      } else if (inField || inDialog) {
        return;
      } else if (mod && key === "z") {
        event.preventDefault();
        if (event.shiftKey) ref.current.redo();
        else ref.current.undo();
      } else if (mod && key === "a") {
        event.preventDefault();
        ref.current.selectAll();
      } else if (mod && key === "y") {
        event.preventDefault();
        ref.current.redo();
      } else if (event.key === "?") {
        event.preventDefault();
        ref.current.toggleHelp();
      } else if (event.key === "Escape") {
        ref.current.escape();
      }
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, []);
}

const PASTE_OFFSET = { x: 40, y: 40 };

export function useClipboard(
  stateRef: RefObject<EditorState>,
  addFragment: (nodes: WorkflowNode[], edges: WorkflowEdge[]) => void,
  removeSelected?: () => void,
) {
  const addRef = useRef(addFragment);
  addRef.current = addFragment;
  const removeRef = useRef(removeSelected);
  removeRef.current = removeSelected;
  useEffect(() => {
    const selectedFragment = () => {
      const state = stateRef.current;
      const ids = new Set(state.nodes.filter((n) => n.selected).map((n) => n.id));
      return ids.size ? extractFragment(documentOf(state), ids) : null;
    };
    const onCopy = (event: ClipboardEvent) => {
      if (isEditableTarget(event.target) || hasTextSelection()) return;
      const fragment = selectedFragment();
      if (!fragment || !event.clipboardData) return;
      event.preventDefault();
      event.clipboardData.setData("text/plain", JSON.stringify(fragment, null, 2));
      toast.info(`Copied ${fragment.nodes.length} node${fragment.nodes.length === 1 ? "" : "s"}`);
      if (event.type === "cut") removeRef.current?.();
    };
    const onPaste = (event: ClipboardEvent) => {
      if (isEditableTarget(event.target)) return;
      const text = event.clipboardData?.getData("text/plain") ?? "";
      const fragment = parseFragment(text);
      if (!fragment) {
        if (text.trim()) toast.error("Nothing to paste: the clipboard does not hold workflow JSON");
        return;
      }
      event.preventDefault();
      const prepared = prepareFragment(fragment, documentOf(stateRef.current), PASTE_OFFSET);
      addRef.current(prepared.nodes, prepared.edges);
    };
    document.addEventListener("copy", onCopy);
    document.addEventListener("cut", onCopy);
    document.addEventListener("paste", onPaste);
    return () => {
      document.removeEventListener("copy", onCopy);
      document.removeEventListener("cut", onCopy);
      document.removeEventListener("paste", onPaste);
    };
  }, [stateRef]);
}

function hasTextSelection(): boolean {
  const selection = window.getSelection();
  return Boolean(selection && !selection.isCollapsed && selection.toString().trim());
}
