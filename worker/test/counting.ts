/**
 * Counting wrappers for the cost tests (engine-budget, fast-mode): a D1 binding that counts round trips
 * and statements, and a Durable Object namespace whose stubs count every RPC call. Counts are behaviour
 * (how much a run costs), so tests may assert them; timings belong in bench/.
 */
export interface Counts {
  d1RoundTrips: number;
  d1Statements: number;
  roomCalls: number;
  steps: number;
}

/** A D1 binding that counts round trips (a query or a batch) and statements. */
export function countingD1(db: D1Database, counts: Counts): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "all" || prop === "run" || prop === "first" || prop === "raw") {
          return (...args: unknown[]) => {
            counts.d1RoundTrips++;
            counts.d1Statements++;
            return (target[prop] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, prop, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    real.set(proxy, stmt);
    return proxy;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare") return (sql: string) => wrap(target.prepare(sql));
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.d1RoundTrips++;
          counts.d1Statements += statements.length;
          return target.batch(statements.map((s) => real.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A Durable Object namespace whose stubs count every RPC call (in `roomCalls`). */
export function countingRooms<N extends Env["RUN_ROOM"] | Env["RUN_GATE"]>(ns: N, counts: Counts): N {
  return new Proxy(ns, {
    get(target, prop) {
      if (prop === "get") {
        return (id: DurableObjectId) =>
          new Proxy(target.get(id), {
            get(stub, method) {
              const value = Reflect.get(stub, method);
              if (typeof value !== "function") return value;
              return (...args: unknown[]) => {
                counts.roomCalls++;
                return Reflect.apply(value as (...a: unknown[]) => unknown, stub, args);
              };
            },
          });
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as N;
}
