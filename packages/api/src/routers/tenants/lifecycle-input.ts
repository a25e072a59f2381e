import { idSchema } from "@platforma/contracts";
import { text } from "../../text-schema.ts";

/** Inputs shared by the lifecycle procedures. */
export const tenantRef = { tenantId: idSchema("tenant") };
export const transitionReason = text({ trim: true, min: 1, max: 500 });
