import { eq } from "drizzle-orm";
import { getDb } from "./db";
import { user } from "./schema";

export async function getUserProfile(d1: D1Database, userId: string) {
  const [row] = await getDb(d1)
    .select({ id: user.id, email: user.email, name: user.name })
    .from(user)
    .where(eq(user.id, userId))
    .limit(1);
  return row;
}
