import { z } from "zod";
import { idSchema } from "@platforma/contracts";

/** Inputs shared by the lifecycle procedures. */
export const tenantRef = { tenantId: idSchema("tenant") };
export const transitionReason = z.string().trim().min(1).max(500);
