"""A client that knows the API only from its OpenAPI document: no TypeScript, no tRPC client.

It fetches /openapi.json from a live API, checks the document with openapi-spec-validator, then
calls procedures with plain urllib and checks each request and response against the document with
openapi-core (successes and refusals), and the server-sent events of a subscription with jsonschema
against the document's schemas. Run by test/openapi-client.int.test.ts, which starts the API and
passes PLATFORMA_API_URL, OPERATOR_TOKEN, TENANT_TOKEN and TENANT_ID. Exits non-zero on a failure.
"""

import json
import os
import queue
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

try:
    from jsonschema import Draft202012Validator
    from openapi_core import Config, OpenAPI
    from openapi_core.datatypes import RequestParameters
    from openapi_spec_validator import validate as validate_spec
    from referencing import Registry, Resource
    from werkzeug.datastructures import Headers, ImmutableMultiDict
except ImportError as missing:
    sys.exit(f"{missing}: run `bash scripts/install-services.sh python-test-tools`")

BASE = os.environ["PLATFORMA_API_URL"].rstrip("/")
OPERATOR = os.environ["OPERATOR_TOKEN"]
TENANT = os.environ["TENANT_TOKEN"]
TENANT_ID = os.environ["TENANT_ID"]
NO_INPUT = object()
STARTED = time.monotonic()


@dataclass
class WireRequest:
    """What was sent, in the shape openapi-core reads (its `Request` protocol)."""

    host_url: str
    path: str
    method: str
    parameters: RequestParameters
    content_type: str
    body: bytes


@dataclass
class WireResponse:
    """What came back, in the shape openapi-core reads (its `Response` protocol)."""

    data: bytes
    status_code: int
    content_type: str
    headers: Headers

    def json(self):
        return json.loads(self.data)


@dataclass
class Results:
    passed: list = field(default_factory=list)
    failed: list = field(default_factory=list)


def http(method, path, token=None, query=None, body=None, accept="application/json"):
    """One plain HTTP exchange with the API; refusals (4xx/5xx) are answers too."""
    headers = {"accept": accept}
    if token:
        headers["authorization"] = f"Bearer {token}"
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["content-type"] = "application/json"
    url = BASE + path + (f"?{urllib.parse.urlencode(query)}" if query else "")
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            status, answer_headers, payload = answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as refusal:
        status, answer_headers, payload = refusal.code, refusal.headers, refusal.read()
    sent = WireRequest(
        host_url=BASE,
        path=path,
        method=method.lower(),
        parameters=RequestParameters(
            query=ImmutableMultiDict(query or {}),
            header=Headers(headers),
            cookie=ImmutableMultiDict(),
            path={},
        ),
        content_type=headers.get("content-type", ""),
        body=data or b"",
    )
    received = WireResponse(
        data=payload,
        status_code=status,
        content_type=answer_headers.get("content-type", ""),
        headers=Headers(list(answer_headers.items())),
    )
    return sent, received


def call(procedure, method, token=None, input=NO_INPUT):
    """A tRPC call as the document describes it: a query's input in `?input=`, a mutation's in the body."""
    query = {"input": json.dumps(input)} if method == "GET" and input is not NO_INPUT else None
    body = input if method == "POST" and input is not NO_INPUT else None
    return http(method, f"/trpc/{procedure}", token=token, query=query, body=body)


def parse_sse(payload):
    """Server-sent events as (event, id, data) triples, parsed as the EventSource standard does."""
    events, fields = [], {}
    for line in payload.decode().split("\n"):
        if line == "":
            if fields:
                events.append((fields.get("event"), fields.get("id"), fields.get("data")))
            fields = {}
            continue
        name, _, value = line.partition(":")
        if name:
            fields[name] = value[1:] if value.startswith(" ") else value
    return events


def error_data(body):
    return ((body or {}).get("error") or {}).get("data") or {}


def new_email():
    return f"py-{uuid.uuid4().hex[:12]}@example.com"


def main():
    results = Results()

    def check(name, condition, detail=""):
        (results.passed if condition else results.failed).append(name)
        outcome = "ok" if condition else "FAIL"
        print(f"{time.monotonic() - STARTED:5.1f}s {outcome} {name}{'' if condition else f': {detail}'}", flush=True)
        return condition

    def errors_of(validate, *args):
        try:
            validate(*args)
            return None
        except Exception as error:  # openapi-core raises one class per kind of mismatch
            causes = [str(c) for c in getattr(error, "schema_errors", [])] or [repr(error.__cause__ or "")]
            return f"{type(error).__name__}: {error} {causes}"

    # The document: served, and valid OpenAPI 3.1.
    _, served = http("GET", "/openapi.json")
    check("GET /openapi.json answers 200", served.status_code == 200, served.status_code)
    document = served.json()
    invalid = errors_of(validate_spec, document)
    if not check("the served document is valid OpenAPI 3.1 (openapi-spec-validator)", invalid is None, invalid):
        return results
    # openapi-core reads no event stream by itself: it is text, checked as the document's string.
    config = Config(extra_media_type_deserializers={"text/event-stream": lambda data, **_: data.decode()})
    openapi = OpenAPI.from_dict(document, config=config)
    # The document's schemas for what openapi-core does not look into: server-sent events' data, and
    # refusals of requests that are no operation of the document.
    registry = Registry().with_resource(
        "urn:platforma:openapi",
        Resource.from_contents({"$schema": "https://json-schema.org/draft/2020-12/schema", **document}),
    )

    def schema_errors(component, value):
        validator = Draft202012Validator(
            {"$ref": f"urn:platforma:openapi#/components/schemas/{component}"}, registry=registry
        )
        return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]

    def exchange(name, sent, received, status, reason=None, request_valid=True):
        """The answer has the status (and reason) expected, and request and answer match the document."""
        body = received.json() if received.content_type.startswith("application/json") else None
        ok = check(
            f"{name}: {status}" + (f" {reason}" if reason else ""),
            received.status_code == status and (reason is None or error_data(body).get("reason") == reason),
            f"{received.status_code} {received.data[:400]!r}",
        )
        if request_valid:
            invalid = errors_of(openapi.validate_request, sent)
            check(f"{name}: request matches the document", invalid is None, invalid)
        else:
            check(f"{name}: request is one the document refuses", errors_of(openapi.validate_request, sent))
        invalid = errors_of(openapi.validate_response, sent, received)
        check(f"{name}: response matches the document", invalid is None, invalid)
        return body if ok else None

    # Successes.
    exchange("health", *call("health", "GET"), 200)
    exchange("tenants.list (operator JWT)", *call("tenants.list", "GET", OPERATOR, {"limit": 5}), 200)
    exchange("tenants.get", *call("tenants.get", "GET", OPERATOR, {"tenantId": TENANT_ID}), 200)
    exchange("quotas.get (no input)", *call("quotas.get", "GET", TENANT), 200)
    exchange("quotas.check", *call("quotas.check", "GET", TENANT, {"request": {"max_clusters": 1}}), 200)
    exchange("clusters.list (input left out)", *call("clusters.list", "GET", TENANT), 200)
    email = new_email()
    invited = exchange("users.invite", *call("users.invite", "POST", TENANT, {"email": email}), 200)
    if invited:
        user_id = invited["result"]["data"]["id"]
        exchange("users.get", *call("users.get", "GET", TENANT, {"userId": user_id}), 200)
    key_input = {"name": "python client", "scopes": ["infrastructure:read"]}
    created = exchange("apiKeys.create", *call("apiKeys.create", "POST", TENANT, key_input), 200)
    api_key = created["result"]["data"]["plaintextKey"] if created else None
    if api_key:
        exchange("clusters.list (API key)", *call("clusters.list", "GET", api_key, {"limit": 10}), 200)

    # Refusals, each with its reason and the status the document gives that reason.
    unknown_cluster = {"clusterId": "cls_" + "0" * 20}
    exchange(
        "clusters.get without a credential",
        *call("clusters.get", "GET", None, unknown_cluster),
        401,
        "invalid_token",
        request_valid=False,
    )
    exchange("tenants.list with a tenant token", *call("tenants.list", "GET", TENANT), 403, "missing_scope")
    if api_key:
        refused = exchange(
            "orders.list with a key lacking orders:read", *call("orders.list", "GET", api_key), 403, "missing_scope"
        )
        check("missing_scope names the scope", error_data(refused).get("missing") == ["orders:read"], refused)
    exchange("clusters.get of an unknown id", *call("clusters.get", "GET", TENANT, unknown_cluster), 404, "not_found")
    if invited:
        exchange(
            "users.invite of an invited email",
            *call("users.invite", "POST", TENANT, {"email": email}),
            409,
            "conflict",
        )
    refused = exchange(
        "clusters.create with an unknown field",
        *call("clusters.create", "POST", TENANT, {"name": "py", "region": "eu-central-1", "bogus": 1}),
        400,
        "invalid_input",
        request_valid=False,
    )
    check("invalid_input lists the issues", bool(error_data(refused).get("issues")), refused)
    if api_key:
        # The tenant holds one key now: a limit of 1 leaves no room for a second.
        limits = {"tenantId": TENANT_ID, "quotas": {"max_api_keys": 1}}
        exchange("tenants.updateQuotas", *call("tenants.updateQuotas", "POST", OPERATOR, limits), 200)
        refused = exchange(
            "apiKeys.create over quota",
            *call("apiKeys.create", "POST", TENANT, {**key_input, "name": "one too many"}),
            403,
            "quota_exceeded",
        )
        check("quota_exceeded lists the violations", bool(error_data(refused).get("violations")), refused)
    # A mutation sent as GET is no operation of the document; tRPC still answers with the envelope.
    _, wrong_method = http("GET", "/trpc/users.invite")
    errors = schema_errors("ErrorEnvelope", wrong_method.json())
    check(
        "a mutation sent with GET: 405 and an ErrorEnvelope",
        wrong_method.status_code == 405 and not errors,
        errors or wrong_method.status_code,
    )

    # A subscription's failures arrive in its stream, as an ErrorShape, even input that is not JSON.
    refusals = [
        ("without a credential", None, None, "invalid_token"),
        ("with input that is not JSON", TENANT, {"input": "{not json"}, "invalid_input"),
    ]
    for name, token, query, reason in refusals:
        sent, refused = http("GET", "/trpc/events.subscribe", token, query=query, accept="text/event-stream")
        check(
            f"events.subscribe {name}: 200 text/event-stream",
            refused.status_code == 200 and refused.content_type.startswith("text/event-stream"),
            f"{refused.status_code} {refused.data[:400]!r}",
        )
        invalid = errors_of(openapi.validate_response, sent, refused)
        check(f"events.subscribe {name}: response matches the document", invalid is None, invalid)
        events = parse_sse(refused.data)
        check(f"events.subscribe {name}: starts with `connected`", events[:1] and events[0][0] == "connected", events)
        last = events[-1] if events else (None, None, None)
        check(f"events.subscribe {name}: ends with a serialized-error", last[0] == "serialized-error", events)
        if last[0] == "serialized-error":
            failure = json.loads(last[2])
            errors = schema_errors("ErrorShape", failure)
            check(
                f"events.subscribe {name}: the serialized-error is an ErrorShape with reason {reason}",
                not errors and failure["data"]["reason"] == reason,
                errors or failure,
            )

    # A subscription that delivers: each message is a TenantEvent.
    received = subscribe_until_event(
        TENANT, ["user.invited.v1"], lambda: call("users.invite", "POST", TENANT, {"email": new_email()})
    )
    if check("events.subscribe delivers an event", received is not None, "none within the time allowed"):
        event_id, data = received
        event = json.loads(data)
        errors = schema_errors("TenantEvent", event)
        check(
            "the event is a TenantEvent (user.invited.v1), its id the message's",
            not errors and event["type"] == "user.invited.v1" and event["id"] == event_id,
            errors or event,
        )
    return results


def subscribe_until_event(token, types, trigger, attempts=20):
    """Opens the stream, then triggers events until one arrives (the stream starts from "now",
    which it reads just after `connected`: a trigger sent before that instant is not delivered)."""
    query = urllib.parse.urlencode({"input": json.dumps({"types": types})})
    request = urllib.request.Request(
        f"{BASE}/trpc/events.subscribe?{query}",
        headers={"authorization": f"Bearer {token}", "accept": "text/event-stream"},
    )
    answer = urllib.request.urlopen(request, timeout=30)
    messages = queue.Queue()

    def read():
        event, event_id, data = None, None, None
        try:
            for raw in answer:
                line = raw.decode().rstrip("\n")
                if line == "":
                    if data is not None and event is None:
                        # Done reading: closing the stream under a blocked read would wait for the next ping.
                        messages.put((event_id, data))
                        return
                    event, event_id, data = None, None, None
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "event":
                    event = value
                elif name == "id":
                    event_id = value
                elif name == "data":
                    data = value
        except Exception:  # the socket closes under us when we are done
            pass

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        for _ in range(attempts):
            trigger()
            try:
                return messages.get(timeout=0.5)
            except queue.Empty:
                continue
        return None
    finally:
        answer.close()


if __name__ == "__main__":
    outcome = main()
    print(f"{len(outcome.passed)} passed, {len(outcome.failed)} failed ({time.monotonic() - STARTED:.1f} s)")
    sys.exit(1 if outcome.failed else 0)
