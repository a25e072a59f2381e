// The container HEALTHCHECK: asks the process in this container for /healthz. The api listens on
// PORT; worker, relay and audit answer on HEALTH_PORT.
const port = process.env["HEALTH_PORT"] ?? process.env["PORT"] ?? "3000";
try {
  const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  process.exit(res.ok ? 0 : 1);
} catch {
  process.exit(1);
}
