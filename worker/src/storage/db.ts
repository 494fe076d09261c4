import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** A drizzle handle on D1. Cheap to create; make one per request or step. */
export function getDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof getDb>;
