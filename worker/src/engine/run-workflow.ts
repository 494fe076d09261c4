/**
 * RunWorkflow: the durable execution of one workflow run (Cloudflare Workflows).
 * The engine issue fills this in: one `step.do` per node, named `node:<nodeId>`.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";

export interface RunParams {
  executionId: string;
}

export class RunWorkflow extends WorkflowEntrypoint<Env, RunParams> {
  override async run(event: WorkflowEvent<RunParams>, _step: WorkflowStep): Promise<unknown> {
    throw new Error(`execution ${event.payload.executionId}: the engine is not built yet`);
  }
}
