#!/bin/sh
# The namespace the platform uses and the search attributes operators filter by (run by the
# temporal-init service, temporalio/admin-tools). Every step either succeeds or fails the
# service: the api and worker wait for it, since a workflow start that sets TenantId on a
# namespace without it is refused. The names are SEARCH_ATTRIBUTES in
# packages/contracts/src/workflows.ts (a test keeps this list equal to it).
set -eu
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
SEARCH_ATTRIBUTES="TenantId OrderId OrderState"
export TEMPORAL_ADDRESS

attempt=0
until temporal operator cluster health; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 30 ] || { echo "temporal is not healthy after $attempt attempts" >&2; exit 1; }
  sleep 2
done

if ! temporal operator namespace describe -n "$NAMESPACE" >/dev/null 2>&1; then
  temporal operator namespace create -n "$NAMESPACE" --retention 72h
fi
# A new namespace reaches every frontend's cache within seconds: wait until it is served.
attempt=0
until temporal operator namespace describe -n "$NAMESPACE" >/dev/null; do
  attempt=$((attempt + 1))
  [ "$attempt" -lt 30 ] || { echo "namespace $NAMESPACE never became visible" >&2; exit 1; }
  sleep 2
done

existing="$(temporal operator search-attribute list -n "$NAMESPACE")"
for attr in $SEARCH_ATTRIBUTES; do
  if printf '%s\n' "$existing" | grep -qw "$attr"; then continue; fi
  temporal operator search-attribute create -n "$NAMESPACE" --name "$attr" --type Keyword
done
# Verified, not assumed: every attribute is now on the namespace.
existing="$(temporal operator search-attribute list -n "$NAMESPACE")"
for attr in $SEARCH_ATTRIBUTES; do
  printf '%s\n' "$existing" | grep -qw "$attr" || { echo "search attribute $attr missing" >&2; exit 1; }
done
echo "namespace $NAMESPACE has search attributes: $SEARCH_ATTRIBUTES"
