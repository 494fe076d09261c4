/** A user row straight in D1, for unit tests of code that takes a `userId` but not a session. */
import { env } from "cloudflare:workers";
import { getDb } from "../src/storage/db";
import { user } from "../src/storage/schema";

/** Inserts a fresh user and returns its id. */
export async function insertUser(): Promise<string> {
  const id = crypto.randomUUID();
  await getDb(env.DB)
    .insert(user)
    .values({ id, name: "T", email: `${id}@example.test` });
  return id;
}
