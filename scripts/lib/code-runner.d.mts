// Types of code-runner.mjs for the TypeScript browser-test harness (web/test/support/dev-server.ts).
import type { ChildProcess } from "node:child_process";

export declare const RUNNER_CONFIG: string;
export interface CodeRunnerProcess {
  ready: Promise<void>;
  pid(): number | undefined;
  restarts(): number;
  output(): string;
  stop(): Promise<void>;
}
export declare function superviseCodeRunner(options: {
  env: NodeJS.ProcessEnv;
  kill: (child: ChildProcess) => Promise<void>;
  detached?: boolean;
  log?: (line: string) => void;
}): CodeRunnerProcess;
