// Usage: node apps/worker/src/bundle-workflows-cli.ts <output.js>   (the image build runs it)
import { bundleWorkflows } from "./bundle-workflows.ts";

const output = process.argv[2];
if (!output) {
  process.stderr.write("usage: bundle-workflows-cli.ts <output.js>\n");
  process.exit(2);
}
const { path, bytes } = await bundleWorkflows(output);
process.stdout.write(`workflow bundle: ${path} (${bytes} bytes)\n`);
