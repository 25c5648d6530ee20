"""End-to-end tests of `proviso lsp` with a real LSP client (pytest-lsp, on pygls and lsprotocol).

Run through scripts/lsp-e2e, which builds nothing: it drives the binary in $PROVISO_BIN
(default .build/debug/proviso). pytest-lsp also checks the server's messages against the LSP
specification and the capabilities it announced.
"""

import asyncio
import json
import os
import pathlib
import subprocess

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = pathlib.Path(__file__).resolve().parents[3]
PROVISO = os.environ.get("PROVISO_BIN", str(ROOT / ".build" / "debug" / "proviso"))
POLICY = ROOT / "policies" / "equipment-alerts.yaml"
URI = POLICY.as_uri()
TEXT = POLICY.read_text(encoding="utf-8")
LINES = TEXT.split("\n")


def position(needle: str, delta: int = 0, text: str = TEXT) -> types.Position:
    """The LSP position (UTF-16 characters) of `needle` in `text`, moved `delta` characters."""
    for number, line in enumerate(text.split("\n")):
        if needle in line:
            prefix = line[: line.index(needle) + delta]
            return types.Position(line=number, character=len(prefix.encode("utf-16-le")) // 2)
    raise AssertionError(f"{needle!r} not in the text")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[PROVISO, "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities()))
    yield
    await lsp_client.shutdown_session()


async def open_document(client: LanguageClient, text: str = TEXT, uri: str = URI):
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)))
    await client.wait_for_notification("textDocument/publishDiagnostics")
    return client.diagnostics[uri]


@pytest.mark.asyncio
async def test_a_valid_policy_has_no_diagnostics(client: LanguageClient):
    assert list(await open_document(client)) == []


@pytest.mark.asyncio
async def test_a_change_publishes_the_expression_error_at_its_column_in_utf16(client: LanguageClient):
    await open_document(client)
    # Non-ASCII before the error on the same line: "é" is one UTF-16 unit, "𝔼" two.
    broken = TEXT.replace("when: idle > max_idle", 'when: size("é𝔼") > 0 && idle > max_idel')
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=URI, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=broken)]))
    await client.wait_for_notification("textDocument/publishDiagnostics")
    diagnostics = client.diagnostics[URI]
    assert len(diagnostics) == 1
    d = diagnostics[0]
    assert d.code == "expr_check_error"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.message == "undeclared reference to 'max_idel'\nhint: did you mean 'max_idle'?"
    start = position("max_idel", text=broken)
    assert d.range.start == start
    assert d.range.end == types.Position(line=start.line, character=start.character + len("max_idel"))


@pytest.mark.asyncio
async def test_hover_shows_types_values_descriptions_and_expressions(client: LanguageClient):
    await open_document(client)

    async def hover(needle, delta):
        result = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=position(needle, delta)))
        return result.contents.value

    assert await hover("idle > max_idle", 8) == "constant `max_idle`: `duration` = `24h`"
    assert await hover("idle > max_idle", 1) == (
        "let `idle`: `duration`\n\n```\ntelemetry.reported_at - telemetry.last_active\n```")
    assert await hover("telemetry.reported_at -", 12) == (
        "field `telemetry.reported_at`: `timestamp`\n\nWhen the report was sent.")
    assert await hover("max_fuel_per_hour: {", 3) == "constant `max_fuel_per_hour`: `double` = `30.0`"


@pytest.mark.asyncio
async def test_completion_after_a_record_lists_its_fields(client: LanguageClient):
    await open_document(client)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=position("telemetry.reported_at -", 10)))
    labels = [item.label for item in result.items]
    assert labels == ["device_id", "fuel_liters", "last_active", "lat", "lon", "reported_at", "site", "working_hours"]


@pytest.mark.asyncio
async def test_completion_of_names_and_functions(client: LanguageClient):
    await open_document(client)
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=position("idle > max_idle", 10)))
    labels = [item.label for item in result.items]
    assert labels == ["max_fuel_per_hour", "max_idle"]
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=position("geo.inside(", 4)))
    assert [item.label for item in result.items] == ["distanceKm", "inside"]
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=types.TextDocumentIdentifier(uri=URI), position=position("geo.inside(", 5)))
    assert [item.label for item in result.items] == ["inside"]


@pytest.mark.asyncio
async def test_definition_of_a_let_a_constant_and_a_region(client: LanguageClient):
    await open_document(client)

    async def definition(needle, delta):
        result = await client.text_document_definition_async(types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=URI), position=position(needle, delta)))
        assert result.uri == URI
        return result.range.start

    assert await definition("idle > max_idle", 9) == position("max_idle: {")
    assert await definition("when: \"!in_allowed_region\"", 9) == position("in_allowed_region: geo")
    # A region named by an enum value of the input.
    assert await definition("enum: [north-yard", 8) == position("north-yard: {box")


def frame(obj) -> bytes:
    body = json.dumps(obj).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def test_malformed_messages_get_jsonrpc_errors_and_the_server_lives_on():
    """Raw bytes, not through pytest-lsp: garbage, bad JSON, bad requests, then a clean session."""
    messages = (
        frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}})  # before initialize
        + b"Content-Length: 9\r\n\r\n{not json"
        + b"Nonsense-Header\r\n\r\n"
        + frame([1, 2, 3])
        + frame({"jsonrpc": "2.0", "id": 2, "method": "initialize", "params": {"capabilities": {}}})
        + frame({"jsonrpc": "2.0", "id": 3, "method": "no/such/method"})
        + frame({"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": {"position": 7}})
        + frame({"jsonrpc": "2.0", "id": 5, "method": "shutdown"})
        + frame({"jsonrpc": "2.0", "method": "exit"})
    )
    run = subprocess.run([PROVISO, "lsp"], input=messages, capture_output=True, timeout=60)
    assert run.returncode == 0
    replies, out = [], run.stdout
    while out:
        header, _, rest = out.partition(b"\r\n\r\n")
        length = int(header.split(b":")[1])
        replies.append(json.loads(rest[:length]))
        out = rest[length:]
    codes = [(r.get("id"), r["error"]["code"]) if "error" in r else (r.get("id"), "ok") for r in replies]
    assert codes == [(1, -32002), (None, -32700), (None, -32700), (None, -32600), (2, "ok"), (3, -32601), (4, -32602), (5, "ok")]


def test_random_bytes_and_random_frames_end_with_exit_code_1_not_a_crash():
    import random
    rng = random.Random(7)
    pieces = [b"Content-Length: ", b"\r\n\r\n", b"{", b"}", b'"jsonrpc":"2.0"', b'"id":1', b'"method":"initialize"', b"\xff\xfe", "é𝔼".encode()]
    for _ in range(5):
        blob = b"".join(rng.choice(pieces) if rng.random() < 0.5 else bytes([rng.randrange(256)]) for _ in range(4000))
        blob += frame({"jsonrpc": "2.0", "id": 99, "method": "initialize", "params": {}})
        run = subprocess.run([PROVISO, "lsp"], input=blob, capture_output=True, timeout=60)
        assert run.returncode == 1, run.stderr  # the input ended without `exit`; a crash would be negative
