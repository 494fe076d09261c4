import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/**
 * The drizzle handle on a D1 binding, one per binding per isolate: building one walks the whole schema for
 * its relations (drizzle's `extractTablesRelationalConfig`), which a CPU profile of a webhook run showed as
 * 7 % of the Worker's time when every request and step built its own. A handle holds no request state.
 */
const handles = new WeakMap<D1Database, ReturnType<typeof buildDb>>();

export function getDb(d1: D1Database) {
  let db = handles.get(d1);
  if (!db) {
    db = buildDb(d1);
    handles.set(d1, db);
  }
  return db;
}

function buildDb(d1: D1Database) {
  return drizzle(d1, { schema });
}
export type Db = ReturnType<typeof getDb>;
