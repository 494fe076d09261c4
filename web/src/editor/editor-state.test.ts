import { describe, expect, it } from "vitest";
import type { WorkflowDocument } from "../api/types";
import { documentOf, editorReducer, initialEditorState, isDirty } from "./editor-state";

const doc: WorkflowDocument = {
  name: "W",
  nodes: [{ id: "m", type: "manualTrigger", name: "Manual", position: { x: 0, y: 0 }, parameters: {} }],
  edges: [],
  settings: { maxConcurrency: 2 },
};
const setNode = { id: "s", type: "set", name: "Set", position: { x: 260, y: 0 }, parameters: {} };

describe("editor state", () => {
  it("starts saved; an edit is unsaved; undo back to the saved entry is saved again", () => {
    let state = initialEditorState(doc);
    expect(isDirty(state)).toBe(false);
    state = editorReducer(state, { type: "addFragment", nodes: [setNode], edges: [] });
    expect(isDirty(state)).toBe(true);
    expect(state.nodes.find((n) => n.id === "s")?.selected).toBe(true);
    state = editorReducer(state, { type: "undo" });
    expect(isDirty(state)).toBe(false);
    expect(documentOf(state)).toEqual(doc);
  });

  it("records a connection and a parameter edit as undo steps", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, { type: "addFragment", nodes: [setNode], edges: [] });
    state = editorReducer(state, {
      type: "connect",
      edge: { id: "e", source: "m", target: "s", sourceHandle: "main" },
    });
    state = editorReducer(state, {
      type: "updateNode",
      id: "s",
      patch: { parameters: { fields: { a: "1" } } },
    });
    expect(documentOf(state).nodes[1].parameters).toEqual({ fields: { a: "1" } });
    state = editorReducer(state, { type: "undo" });
    expect(documentOf(state).nodes[1].parameters).toEqual({});
    expect(documentOf(state).edges).toHaveLength(1);
    state = editorReducer(state, { type: "undo" });
    expect(documentOf(state).edges).toHaveLength(0);
    state = editorReducer(state, { type: "redo" });
    expect(documentOf(state).edges).toEqual([{ id: "e", source: "m", target: "s", sourceHandle: "main" }]);
  });

  it("keeps measured sizes across undo so nodes need no re-measure", () => {
    let state = initialEditorState(doc);
    state = {
      ...state,
      nodes: state.nodes.map((n) => ({ ...n, measured: { width: 200, height: 64 } })),
    };
    state = editorReducer(state, { type: "rename", name: "Renamed" });
    state = editorReducer(state, { type: "undo" });
    expect(state.name).toBe("W");
    expect(state.nodes[0].measured).toEqual({ width: 200, height: 64 });
  });

  it("after a save takes server-assigned webhook ids; edits made during the save stay unsaved", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, { type: "rename", name: "Two" });
    const sent = state.history.present.serial;
    const fromServer = { ...documentOf(state), nodes: [{ ...doc.nodes[0], webhookId: "wh" }] };
    const edited = editorReducer(state, { type: "addFragment", nodes: [setNode], edges: [] });
    const afterSave = editorReducer(edited, { type: "saved", document: fromServer, serial: sent });
    expect(isDirty(afterSave)).toBe(true);
    expect(afterSave.nodes[0].data.node.webhookId).toBe("wh");
    const clean = editorReducer(state, { type: "saved", document: fromServer, serial: sent });
    expect(isDirty(clean)).toBe(false);
  });

  it("keeps the workflow settings and makes changing them an undoable edit", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, { type: "settings", settings: { errorWorkflowId: "wf-2" } });
    expect(isDirty(state)).toBe(true);
    expect(documentOf(state).settings).toEqual({ errorWorkflowId: "wf-2" });
    state = editorReducer(state, { type: "undo" });
    expect(documentOf(state).settings).toEqual({ maxConcurrency: 2 });
    expect(isDirty(state)).toBe(false);
  });
});

describe("tags and pins in the editor state", () => {
  it("saves tags and pins with the document, undoes them, and drops pins of deleted nodes", () => {
    let state = initialEditorState({ ...doc, tags: ["ops"] });
    state = editorReducer(state, { type: "setTags", tags: ["ops", "billing"] });
    state = editorReducer(state, { type: "setPin", nodeId: "m", value: { n: 1 } });
    expect(documentOf(state)).toMatchObject({ tags: ["ops", "billing"], pinData: { m: { n: 1 } } });
    state = editorReducer(state, { type: "undo" });
    expect(documentOf(state).pinData).toBeUndefined();
    state = editorReducer(state, { type: "redo" });
    state = editorReducer(state, { type: "nodesChanged", changes: [{ type: "remove", id: "m" }] });
    expect(documentOf(state).pinData).toBeUndefined();
  });

  it("loads a document as unsaved when asked (a past run's data), undoable back to the saved one", () => {
    let state = initialEditorState(doc);
    state = editorReducer(state, {
      type: "load",
      document: { ...doc, pinData: { m: { x: 1 } } },
      dirty: true,
    });
    expect(isDirty(state)).toBe(true);
    expect(documentOf(state).pinData).toEqual({ m: { x: 1 } });
    state = editorReducer(state, { type: "undo" });
    expect(isDirty(state)).toBe(false);
    expect(documentOf(state).pinData).toBeUndefined();
  });
});
