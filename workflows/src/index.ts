import { fileURLToPath } from "node:url";

/** Entry file of the workflow bundle, for `Worker.create({ workflowsPath })` and `bundleWorkflowCode`. */
export const workflowsPath = fileURLToPath(new URL("./workflows/index.ts", import.meta.url));
