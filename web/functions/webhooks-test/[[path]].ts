// /webhooks-test/* is the Worker's: forward it over the service binding (see ../_forward.ts).
export { forwardToWorker as onRequest } from "../_forward";
