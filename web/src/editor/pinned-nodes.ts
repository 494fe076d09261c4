/** The ids of the pinned nodes, for the canvas's pin marks (pins change rarely: a context is enough). */
import { createContext, useContext } from "react";

export const PinnedNodesContext = createContext<ReadonlySet<string>>(new Set());

export const useIsPinned = (nodeId: string) => useContext(PinnedNodesContext).has(nodeId);
