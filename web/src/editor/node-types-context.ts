/** The node types by id, for every component of one editor (they never change while it is open). */
import { createContext, useContext } from "react";
import type { NodeTypeInfo } from "../api/node-types";

export const NodeTypesContext = createContext<Map<string, NodeTypeInfo>>(new Map());

export const useNodeTypeInfo = (type: string) => useContext(NodeTypesContext).get(type);
