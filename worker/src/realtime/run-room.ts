/**
 * RunRoom: one Durable Object per execution that fans run events out to every open editor over
 * hibernating WebSockets. The engine issue fills this in.
 */
import { DurableObject } from "cloudflare:workers";

export class RunRoom extends DurableObject<Env> {}
