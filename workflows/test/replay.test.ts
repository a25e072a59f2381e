import { readdirSync, readFileSync } from "node:fs";
import { historyFromJSON, type History } from "@temporalio/common/lib/proto-utils.js";
import { Runtime, Worker, type ReplayResult } from "@temporalio/worker";
import { beforeAll, describe, expect, it } from "vitest";
import { workflowsPath } from "../src/index.ts";
import * as workflows from "../src/workflows/index.ts";

/**
 * Every recorded history (see README.md beside this file), including those in subfolders: a
 * generation of fixtures is kept for as long as executions recorded like it may still be running.
 */
const HISTORIES = new URL("./histories/", import.meta.url);

interface Fixture {
  name: string;
  /** Recorded beside the events (a history lacks it); files exported from elsewhere may not have it. */
  workflowId: string;
  workflowType: string | undefined;
  history: History;
}

const fixtures: Fixture[] = readdirSync(HISTORIES, { recursive: true, encoding: "utf8" })
  .filter((file) => file.endsWith(".json"))
  .sort()
  .map((file) => {
    const name = file.slice(0, -".json".length);
    const json = JSON.parse(readFileSync(new URL(file, HISTORIES), "utf8")) as { workflowId?: string };
    const history = historyFromJSON(json);
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    return {
      name,
      workflowId: json.workflowId ?? name,
      workflowType: started?.workflowType?.name ?? undefined,
      history,
    };
  });

describe("workflow code replays every recorded history", () => {
  /** By fixture name: the replayer answers once per history, in the order they were given. */
  const results = new Map<string, ReplayResult>();

  beforeAll(async () => {
    // Replays log through the runtime; a mismatch is reported by the results, not by the log.
    Runtime.install({ logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} } });
    const replays = Worker.runReplayHistories(
      { workflowsPath },
      fixtures.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    let i = 0;
    for await (const result of replays) results.set(fixtures[i++]!.name, result);
  }, 120_000);

  it("has at least one recorded history for every workflow the bundle exports", () => {
    const exported = Object.entries(workflows)
      .filter(([, value]) => typeof value === "function")
      .map(([name]) => name)
      .sort();
    expect(exported.length).toBeGreaterThan(0);
    const recorded = new Set(fixtures.map((f) => f.workflowType));
    expect(exported.filter((name) => !recorded.has(name))).toEqual([]);
  });

  it.each(fixtures.map((f) => [f.name, f.workflowType ?? "?"]))(
    "replays %s (%s) without a nondeterminism or workflow task failure",
    (name) => {
      const result = results.get(name);
      expect(result, "no replay result").toBeDefined();
      expect(result?.error?.message).toBeUndefined();
    },
  );
});
