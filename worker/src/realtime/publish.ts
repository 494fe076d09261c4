/**
 * Sends run events to the rooms. Live status is a view: a failed publish is logged and never fails the
 * run (the records in D1 stay the truth, and a viewer's snapshot is seeded from them).
 */
import type { ExecutionEvent, LiveExecutionState, LiveNodeState, RunEvent, RunResult } from "./events";

export function runRoom(env: Env, executionId: string) {
  return env.RUN_ROOM.get(env.RUN_ROOM.idFromName(executionId));
}

export function workflowRoom(env: Env, workflowId: string) {
  return env.RUN_ROOM.get(env.RUN_ROOM.idFromName(`workflow:${workflowId}`));
}

export async function publishNode(env: Env, executionId: string, node: LiveNodeState, at = Date.now()) {
  await publish(env, { type: "node", executionId, node, at });
}

/** An execution's status goes to its own room and to its workflow's room. */
export async function publishExecution(env: Env, execution: LiveExecutionState, at = Date.now()) {
  const event: ExecutionEvent = { type: "execution", execution, at };
  await Promise.all([
    publish(env, event),
    workflowRoom(env, execution.workflowId)
      .publishWorkflowExecution(event)
      .catch((err: unknown) => console.error("live: workflow room publish failed", execution.id, err)),
  ]);
}

async function publish(env: Env, event: RunEvent) {
  const executionId = event.type === "node" ? event.executionId : event.execution.id;
  await publishTo(runRoom(env, executionId), event, executionId);
}

async function publishTo(room: ReturnType<typeof runRoom>, event: RunEvent, executionId: string) {
  try {
    await room.publish(event);
  } catch (err) {
    console.error("live: run room publish failed", executionId, event.type, err);
  }
}

/**
 * Everything one step changed, in one call to the execution's room (order kept), plus the execution's
 * status to its workflow's room when `toWorkflowRoom`. A failed publish is logged, never thrown.
 */
export async function publishEvents(
  env: Env,
  room: ReturnType<typeof runRoom>,
  executionId: string,
  events: RunEvent[],
  toWorkflowRoom: boolean,
) {
  if (events.length === 0) return;
  const executionEvents = events.filter((e): e is ExecutionEvent => e.type === "execution");
  await Promise.all([
    room
      .publishMany(events)
      .catch((err: unknown) => console.error("live: run room publish failed", executionId, err)),
    ...(toWorkflowRoom
      ? executionEvents.map((e) =>
          workflowRoom(env, e.execution.workflowId)
            .publishWorkflowExecution({ type: "execution", execution: e.execution, at: e.at })
            .catch((err: unknown) => console.error("live: workflow room publish failed", executionId, err)),
        )
      : []),
  ]);
}

export type { RunResult };
