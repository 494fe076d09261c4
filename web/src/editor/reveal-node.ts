/**
 * Keeps the node being configured in sight. Opening the configuration panel narrows the canvas by the
 * panel's width, so a node added to the right of the selection (or one clicked near the right edge) would
 * end up under the panel with its handles out of reach. After the layout settles, a node that is not
 * wholly inside the visible canvas is panned to its centre, at the current zoom.
 */
import { useReactFlow } from "@xyflow/react";
import { useEffect } from "react";
import type { FlowEdge, FlowNode } from "./editor-state";

const MARGIN = 24;

export function useRevealNode(nodeId: string | undefined, canvasSelector = ".editor-canvas") {
  const flow = useReactFlow<FlowNode, FlowEdge>();
  useEffect(() => {
    if (!nodeId) return;
    let frame = requestAnimationFrame(() => {
      // Two frames: the first lets the panel take its width, the second measures the narrowed canvas.
      frame = requestAnimationFrame(() => {
        const canvas = document.querySelector(canvasSelector)?.getBoundingClientRect();
        const node = flow.getInternalNode(nodeId);
        if (!canvas || !node) return;
        const width = node.measured.width ?? 200;
        const height = node.measured.height ?? 64;
        const { x, y } = node.internals.positionAbsolute;
        const topLeft = flow.flowToScreenPosition({ x, y });
        const bottomRight = flow.flowToScreenPosition({ x: x + width, y: y + height });
        const inside =
          topLeft.x >= canvas.left + MARGIN &&
          topLeft.y >= canvas.top + MARGIN &&
          bottomRight.x <= canvas.right - MARGIN &&
          bottomRight.y <= canvas.bottom - MARGIN;
        if (!inside) {
          void flow.setCenter(x + width / 2, y + height / 2, { zoom: flow.getZoom(), duration: 200 });
        }
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [nodeId, flow, canvasSelector]);
}
