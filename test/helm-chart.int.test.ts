import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CHART = join(ROOT, "deploy/helm/platforma");
const CI_VALUES = join(CHART, "ci-values.yaml");
/** The Kubernetes minor the manifests are checked against (the chart's floor is 1.29). */
const KUBERNETES_VERSION = "1.33.0";

// Installed by scripts/install-services.sh deploy-tools: Helm built from the Go module proxy, and
// kubernetes-validate (PyPI) with the API schemas it ships, so nothing is fetched at run time.
const helm = (...args: string[]) => run("helm", args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });

interface Manifest {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}
interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: unknown[];
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: { cpu?: string; memory?: string } };
}
const containersOf = (m: Manifest) =>
  (m.spec as { template?: { spec?: { containers?: Container[] } } }).template?.spec?.containers ?? [];

describe("the Helm chart", () => {
  let rendered = "";
  let manifests: Manifest[] = [];
  let dir = "";

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "platforma-helm-"));
    rendered = (
      await helm(
        "template",
        "platforma",
        CHART,
        "-f",
        CI_VALUES,
        "--namespace",
        "platforma",
        "--kube-version",
        KUBERNETES_VERSION,
      )
    ).stdout;
    manifests = parseAllDocuments(rendered)
      .map((doc) => doc.toJS() as Manifest | null)
      .filter((m): m is Manifest => m !== null);
  }, 120_000);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("passes helm lint --strict", async () => {
    const { stdout } = await helm("lint", CHART, "-f", CI_VALUES, "--strict");
    expect(stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("refuses to render without the values it cannot guess", async () => {
    const failure = await helm("template", "platforma", CHART, "--kube-version", KUBERNETES_VERSION).then(
      () => "",
      (err: { stderr?: string }) => err.stderr ?? "failed",
    );
    expect(failure).toMatch(/is required/);
  });

  const validate = async (text: string) => {
    const file = join(dir, `manifests-${globalThis.crypto.randomUUID()}.yaml`);
    await writeFile(file, text);
    return run("kubernetes-validate", ["--strict", "--kubernetes-version", KUBERNETES_VERSION, file], {
      maxBuffer: 16 * 1024 * 1024,
    }).then(
      ({ stdout, stderr }) => ({ ok: true, output: `${stdout}${stderr}` }),
      (err: { stdout?: string; stderr?: string }) => ({
        ok: false,
        output: `${err.stdout ?? ""}${err.stderr ?? ""}`,
      }),
    );
  };

  it("renders manifests the Kubernetes API schemas accept", async () => {
    const { ok, output } = await validate(rendered);
    expect(output).not.toMatch(/failed|error/i);
    expect(ok).toBe(true);
    // One line per resource: a document it did not check is no pass.
    const passed = output.split("\n").filter((line) => / passed for resource /.test(line));
    expect(passed.length).toBe(manifests.length);
  });

  it("refuses a manifest with a field the API does not have (the check is live)", async () => {
    const broken = rendered.replace("terminationGracePeriodSeconds:", "terminationGraceSeconds:");
    expect(broken).not.toBe(rendered);
    expect((await validate(broken)).ok).toBe(false);
  });

  it("runs api, worker, relay and audit with probes, resource requests and a disruption budget each", () => {
    const deployments = manifests.filter((m) => m.kind === "Deployment");
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      ["api", "audit", "relay", "worker"].map((p) => `platforma-${p}`),
    );
    for (const deployment of deployments) {
      const [container] = containersOf(deployment);
      expect(container?.livenessProbe?.httpGet?.path).toBe("/healthz");
      expect(container?.readinessProbe?.httpGet?.path).toBe("/readyz");
      expect(container?.resources?.requests?.cpu).toBeTruthy();
      expect(container?.resources?.requests?.memory).toBeTruthy();
    }
    const budgets = manifests.filter((m) => m.kind === "PodDisruptionBudget").map((m) => m.metadata.name);
    expect(budgets.sort()).toEqual(deployments.map((d) => d.metadata.name).sort());
  });

  it("migrates in a pre-install/pre-upgrade hook Job", () => {
    const job = manifests.find((m) => m.kind === "Job");
    expect(job?.metadata.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
    const env = containersOf(job as Manifest)[0]?.env?.map((e) => e.name);
    expect(env).toContain("DATABASE_OWNER_URL");
  });

  it("takes credentials from existing Secrets by reference, and only those each process uses", () => {
    expect(manifests.filter((m) => m.kind === "Secret")).toEqual([]);
    const secretKeys = (m: Manifest) =>
      containersOf(m).flatMap((c) => {
        expect(c.envFrom).toBeUndefined();
        for (const e of c.env ?? []) {
          if (/URL$|SECRET|ACCESS_KEY/.test(e.name) && e.name !== "AUTH_JWKS_URL")
            expect(e.valueFrom?.secretKeyRef, e.name).toBeDefined();
        }
        return (c.env ?? []).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
      });
    const byName = new Map(manifests.filter((m) => m.kind === "Deployment").map((m) => [m.metadata.name, m]));
    const keysOf = (name: string) => secretKeys(byName.get(`platforma-${name}`) as Manifest).sort();
    expect(keysOf("api")).toEqual(["DATABASE_SYSTEM_URL", "DATABASE_URL"]);
    expect(keysOf("relay")).toEqual(["DATABASE_SYSTEM_URL"]);
    expect(keysOf("audit")).toEqual(["S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"]);
    for (const name of ["api", "worker", "relay", "audit"])
      expect(keysOf(name)).not.toContain("DATABASE_OWNER_URL");
  });
});
