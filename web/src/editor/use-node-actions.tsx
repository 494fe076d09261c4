/**
 * What a person can do to one node besides editing it: pin its output (and unpin), and "Run to here".
 * Used by the node view (its output panel and header) and by the node's menu on the canvas.
 */
import { useCallback, useMemo, useState, type MouseEvent, type RefObject } from "react";
import type { ExecutionStep } from "../api/executions";
import { executionsApi } from "../api/executions";
import type { NodeTypeInfo } from "../api/node-types";
import { toast } from "../components/toaster";
import { isDirty, type EditorAction, type EditorState, type FlowNode } from "./editor-state";
import { NodeMenu } from "./node-menu";
import type { PinProps } from "./pin-data";
import { planRunToHere } from "./run-to-here";

export function useNodeActions(opts: {
  workflowId: string;
  stateRef: RefObject<EditorState>;
  pinData: Record<string, unknown>;
  dispatch: (action: EditorAction) => void;
  typeMap: Map<string, NodeTypeInfo>;
  steps: Map<string, ExecutionStep>;
  save: () => Promise<boolean>;
  follow: (executionId: string) => void;
}) {
  const { workflowId, stateRef, pinData, dispatch, typeMap, steps, save, follow } = opts;
  const [menu, setMenu] = useState<{ x: number; y: number; node: FlowNode } | null>(null);

  const pinFor = useCallback(
    (nodeId: string): PinProps => ({
      pinned: pinData[nodeId],
      onPin: (value) => dispatch({ type: "setPin", nodeId, value }),
    }),
    [pinData, dispatch],
  );

  const runToHere = useCallback(
    async (nodeId: string) => {
      const state = stateRef.current;
      const lastOutputs = new Map(
        [...steps].filter(([, s]) => s.status === "success").map(([id, s]) => [id, s.output] as const),
      );
      const plan = planRunToHere({
        nodeId,
        nodes: state.nodes.map((n) => ({ id: n.id, type: n.data.node.type })),
        edges: state.edges,
        typeMap,
        pins: state.pinData,
        lastOutputs,
      });
      if (!plan.ok) {
        toast.error(plan.message);
        return;
      }
      if (isDirty(state) && !(await save())) return;
      try {
        const { executionId } = await executionsApi.run(workflowId, plan.payload, plan.triggerId, nodeId);
        follow(executionId);
      } catch (error) {
        toast.error("Could not start the run", error);
      }
    },
    [workflowId, stateRef, steps, typeMap, save, follow],
  );

  const openMenu = useCallback((event: MouseEvent, node: FlowNode) => {
    event.preventDefault();
    setMenu({ x: event.clientX, y: event.clientY, node });
  }, []);

  const pinnedIds = useMemo(() => new Set(Object.keys(pinData)), [pinData]);

  let element = null;
  if (menu) {
    const id = menu.node.id;
    const step = steps.get(id);
    const pinned = pinData[id] !== undefined;
    element = (
      <NodeMenu
        x={menu.x}
        y={menu.y}
        title={`${menu.node.data.node.name} actions`}
        onClose={() => setMenu(null)}
        items={[
          { label: "Open", onSelect: () => dispatch({ type: "selectOnly", id }) },
          { label: "Run to here", onSelect: () => void runToHere(id) },
          pinned
            ? { label: "Unpin", onSelect: () => dispatch({ type: "setPin", nodeId: id, value: undefined }) }
            : {
                label: "Pin output",
                disabled: step?.status !== "success",
                onSelect: () => dispatch({ type: "setPin", nodeId: id, value: step?.output }),
              },
        ]}
      />
    );
  }
  return { pinFor, runToHere, openMenu, pinnedIds, menu: element };
}
