import { describe, expect, it } from "vitest";
import {
  EXECUTION_STATUSES,
  FINAL_STEP_STATUSES,
  FINISHED_EXECUTION_STATUSES,
  isFinalStep,
  isFinishedExecution,
  STEP_STATUSES,
  UNFINISHED_STEP_STATUSES,
} from "./statuses";

describe("statuses", () => {
  it("tells finished executions from unfinished ones", () => {
    expect(EXECUTION_STATUSES.filter(isFinishedExecution)).toEqual(["success", "error", "canceled"]);
    expect(isFinishedExecution("waiting")).toBe(false);
    expect(isFinishedExecution("nonsense")).toBe(false);
  });

  it("splits step statuses into final and unfinished with nothing left over", () => {
    expect(STEP_STATUSES.filter(isFinalStep)).toEqual([...FINAL_STEP_STATUSES]);
    expect([...FINAL_STEP_STATUSES, ...UNFINISHED_STEP_STATUSES].sort()).toEqual([...STEP_STATUSES].sort());
    for (const s of FINISHED_EXECUTION_STATUSES) expect(isFinalStep(s)).toBe(true);
  });
});
