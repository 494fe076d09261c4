// Types of local-worker.mjs for the TypeScript browser-test harness (web/test/support/dev-server.ts).
import type { ChildProcess } from "node:child_process";

export declare const root: string;
export declare function bin(name: string): string;
export declare function localSecrets(): {
  NODEBASE_ENV: string;
  AUTH_SECRET: string;
  CREDENTIAL_KEYS: string;
};
export declare function localSecretVarArgs(): string[];
export declare function privateWranglerEnv(registryDir: string): NodeJS.ProcessEnv;
export declare function runOrThrow(command: string, args: string[], env: NodeJS.ProcessEnv): void;
export declare function buildSpa(outDir: string, env: NodeJS.ProcessEnv): void;
export declare function applyMigrations(persistTo: string, env: NodeJS.ProcessEnv): void;

export interface WranglerDev {
  child: ChildProcess;
  /** Everything wrangler printed so far. */
  output(): string;
}
export declare function spawnWranglerDev(options: {
  port: number;
  inspectorPort?: number;
  persistTo: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  detached?: boolean;
}): WranglerDev;
export declare function waitUntilReady(url: string, dev: WranglerDev, timeoutMs: number): Promise<void>;
export declare function killGroup(child: ChildProcess): Promise<void>;
export declare function freePort(): Promise<number>;
