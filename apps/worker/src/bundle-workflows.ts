import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { bundleWorkflowCode } from "@temporalio/worker";
import { workflowsPath } from "@platforma/workflows";

/**
 * The workflow bundle the worker loads in production (`WORKFLOW_BUNDLE_PATH`): built once, when
 * the image is built, so a worker starts without webpack and every replica runs the same code.
 * Without the setting the worker bundles at start-up, which is what development wants.
 */
export async function bundleWorkflows(outputPath: string): Promise<{ path: string; bytes: number }> {
  const { code } = await bundleWorkflowCode({ workflowsPath });
  const path = resolve(outputPath);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, code);
  return { path, bytes: Buffer.byteLength(code) };
}
