/**
 * Deleting an execution record (`DELETE /api/executions/:id`). Old records are also pruned by the cron
 * handler (engine/retention.ts). Reading, starting and controlling runs are in executions.ts and
 * execution-control.ts.
 */
import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { getDb } from "../storage/db";
import { deleteFinishedExecution } from "../storage/reconcile";
import { isFinishedExecution } from "../storage/statuses";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";
import { ownExecution, signedIn } from "./executions";
import { authErrors, errorResponse, IdParam, security } from "./schemas";

export const executionRetentionApp = new OpenAPIHono<AppEnv>();

executionRetentionApp.use("/executions/*", signedIn);

executionRetentionApp.openapi(
  createRoute({
    method: "delete",
    path: "/executions/{id}",
    summary: "Delete a finished execution and its step records",
    description:
      "Only a finished execution (success, error, canceled) can be deleted: cancel a queued, running or " +
      "waiting one first (POST /api/executions/{id}/cancel), so that nothing keeps running unrecorded.",
    tags: ["Executions"],
    security,
    request: { params: IdParam },
    responses: {
      204: { description: "Deleted" },
      ...authErrors,
      404: errorResponse("No such execution of yours"),
      409: errorResponse("`execution_unfinished`: the execution has not finished; cancel it first"),
    },
  }),
  async (c) => {
    const row = await ownExecution(c.env, c.var.userId, c.req.valid("param").id);
    if (!isFinishedExecution(row.status)) {
      throw new ApiError(
        409,
        "execution_unfinished",
        `The execution is ${row.status}: cancel it before deleting it`,
      );
    }
    // A run that finished between the read and here is still finished; one that did not cannot be deleted.
    if (!(await deleteFinishedExecution(getDb(c.env.DB), c.var.userId, row.id))) {
      throw new ApiError(409, "execution_unfinished", "The execution has not finished: cancel it first");
    }
    return c.body(null, 204);
  },
);
