/** The graph of one workflow version, not editable, nodes painted by an overlay store (execution page). */
import { Background, Controls, MiniMap, ReactFlow, ReactFlowProvider } from "@xyflow/react";
import "@xyflow/react/dist/style.css";
import { useMemo } from "react";
import type { NodeTypeInfo } from "../api/node-types";
import type { WorkflowDocument } from "../api/types";
import { toFlowEdge, toFlowNode, type FlowEdge, type FlowNode } from "./editor-state";
import { NodeOverlayContext, type NodeOverlayStore } from "./node-overlay";
import { NodeTypesContext } from "./node-types-context";
import { flowNodeTypes } from "./workflow-node";

const MINIMAP_FROM_NODES = 12;

export function ReadOnlyGraph({
  document,
  nodeTypes,
  overlay,
  onNodeClick,
}: {
  document: WorkflowDocument;
  nodeTypes: NodeTypeInfo[];
  overlay: NodeOverlayStore;
  onNodeClick?: (nodeId: string) => void;
}) {
  const typeMap = useMemo(() => new Map(nodeTypes.map((t) => [t.type, t])), [nodeTypes]);
  const nodes = useMemo(() => document.nodes.map((n) => toFlowNode(n)), [document]);
  const edges = useMemo(() => document.edges.map(toFlowEdge), [document]);
  return (
    <NodeTypesContext.Provider value={typeMap}>
      <NodeOverlayContext.Provider value={overlay}>
        <ReactFlowProvider>
          <ReactFlow<FlowNode, FlowEdge>
            defaultNodes={nodes}
            defaultEdges={edges}
            nodeTypes={flowNodeTypes}
            nodesDraggable={false}
            nodesConnectable={false}
            elementsSelectable
            deleteKeyCode={null}
            onNodeClick={(_, node) => onNodeClick?.(node.id)}
            fitView
            fitViewOptions={{ padding: 0.25, maxZoom: 1 }}
            minZoom={0.05}
            defaultEdgeOptions={{ type: "smoothstep" }}
            proOptions={{ hideAttribution: true }}
          >
            <Background gap={20} />
            <Controls showInteractive={false} />
            {/* On a small graph the mini map only hides nodes; it helps once the graph does not fit. */}
            {nodes.length > MINIMAP_FROM_NODES && <MiniMap pannable zoomable ariaLabel="Mini map" />}
          </ReactFlow>
        </ReactFlowProvider>
      </NodeOverlayContext.Provider>
    </NodeTypesContext.Provider>
  );
}
