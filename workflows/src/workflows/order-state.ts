// @temporalio/common is part of the SDK's workflow-safe surface; the typed search-attribute key
// helpers are not re-exported by @temporalio/workflow.
import { defineSearchAttributeKey, SearchAttributeType } from "@temporalio/common";
import { upsertSearchAttributes } from "@temporalio/workflow";
import { SEARCH_ATTRIBUTES } from "@platforma/contracts/workflows";

const OrderState = defineSearchAttributeKey(SEARCH_ATTRIBUTES.orderState, SearchAttributeType.KEYWORD);

type OrderOutcome = { state: "completed" | "failed" | "compensated"; reason?: string };

/**
 * Records how the order ended as the `OrderState` search attribute. Order workflows finish
 * successfully even when the order failed (the failure is business data on the order), so this is
 * what lets operators find failed or compensated orders in the Web UI.
 */
export function recordOrderState<R extends OrderOutcome>(result: R): R {
  upsertSearchAttributes([{ key: OrderState, value: result.state }]);
  return result;
}
