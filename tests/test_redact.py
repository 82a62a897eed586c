"""Redaction: the secret never survives, whatever the text around it."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st

from mamori.redact import (
    marker,
    redact_known_patterns,
    redact_string_literals,
    redact_token,
    redact_value,
    token_spans,
    truncate,
)

_TOKEN_CHARS = string.ascii_letters + string.digits + "-._~+/"
tokens = st.text(_TOKEN_CHARS, min_size=8, max_size=40)
"""Secret-looking values made of characters that can appear unquoted in a token."""
quoted_values = st.text(
    st.characters(blacklist_characters="\"'\\\n\r", blacklist_categories=("Cs",)),
    min_size=1,
    max_size=40,
)
"""Any value that can sit between quotes on one line."""
surroundings = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)
labels = st.text(string.ascii_lowercase + "-", max_size=20)


# --- redact_value -------------------------------------------------------------------------


@given(before=surroundings, secret=st.text(min_size=1, max_size=20), after=surroundings,
       label=labels)  # fmt: skip
def test_redact_value_never_leaves_the_secret(
    before: str, secret: str, after: str, label: str
) -> None:
    text = f"{before}{secret}{after}{secret}"
    assert secret not in redact_value(text, secret, label)


@given(secret=st.sampled_from(["RED", "ACTED", "[REDACTED:x]", "]", "*", "]["]))
def test_redact_value_handles_secrets_that_look_like_the_marker(secret: str) -> None:
    text = f"a{secret}b{secret}{secret}c"
    assert secret not in redact_value(text, secret, "x")


def test_redact_value_names_the_label_and_keeps_the_rest() -> None:
    out = redact_value(
        'key = "AKIAZ3MSJV4WWNKWW5FG" # prod', "AKIAZ3MSJV4WWNKWW5FG", "aws-access-key"
    )
    assert out == 'key = "[REDACTED:aws-access-key]" # prod'


def test_redact_value_leaves_text_without_the_secret_alone() -> None:
    assert redact_value("nothing here", "hunter2", "password") == "nothing here"
    assert redact_value("empty secret", "", "password") == "empty secret"


# --- redact_token / token_spans -----------------------------------------------------------


@given(head=tokens, part=tokens, tail=tokens, before=surroundings)
def test_redact_token_masks_the_whole_token_around_a_partial_value(
    head: str, part: str, tail: str, before: str
) -> None:
    token = f"{head}{part}{tail}"
    out = redact_token(f'{before} X="{token}";', part, "github-token")
    assert part not in out
    assert token not in out
    assert head not in out.removeprefix(before) or head in marker("github-token")


def test_token_spans_stop_at_quotes_and_separators() -> None:
    text = 'TOKEN="ghp_abc123",other=ghp_zz'
    assert [text[a:b] for a, b in token_spans(text, "ghp")] == ["ghp_abc123", "ghp_zz"]
    assert redact_token(text, "ghp", "github-token") == (
        'TOKEN="[REDACTED:github-token]",other=[REDACTED:github-token]'
    )


# --- redact_known_patterns ----------------------------------------------------------------


@given(secret=quoted_values, key=st.sampled_from(
    ["password", "db_password", "API_KEY", "client_secret", "auth_token", "passwd", "pwd"]),
    op=st.sampled_from(["=", " = ", ": ", "=>", " == ", ":="]),
    quote=st.sampled_from(['"', "'"]), before=surroundings)  # fmt: skip
def test_quoted_assignments_to_secret_names_are_masked(
    secret: str, key: str, op: str, quote: str, before: str
) -> None:
    text = f"{before}\n{key}{op}{quote}{secret}{quote}"
    out = redact_known_patterns(text)
    assert f"{quote}{secret}{quote}" not in out
    assert out.endswith(f"{key}{op}{quote}{marker('password')}{quote}")


@given(secret=tokens, key=st.sampled_from(["PASSWORD", "SECRET_KEY", "api-key", "token"]))
def test_unquoted_env_style_assignments_are_masked(secret: str, key: str) -> None:
    out = redact_known_patterns(f"{key}={secret}\nNEXT=1")
    assert out == f"{key}={marker('password')}\nNEXT=1"


@given(secret=tokens, user=st.text(string.ascii_lowercase, min_size=1, max_size=10),
       scheme=st.sampled_from(["https", "postgres", "amqp", "redis+tls"]))  # fmt: skip
def test_url_passwords_are_masked(secret: str, user: str, scheme: str) -> None:
    out = redact_known_patterns(f"url: {scheme}://{user}:{secret}@db.internal:5432/app")
    assert out == f"url: {scheme}://{user}:{marker('password')}@db.internal:5432/app"


@given(secret=tokens, scheme=st.sampled_from(["Bearer", "bearer", "Basic", "token"]))
def test_authorization_headers_are_masked(secret: str, scheme: str) -> None:
    out = redact_known_patterns(f"Authorization: {scheme} {secret}")
    assert secret not in out
    assert out == f"Authorization: {scheme} {marker('token')}"


@given(body=st.lists(st.text(string.ascii_letters + string.digits + "+/=", min_size=16,
                             max_size=64), min_size=1, max_size=5),
       kind=st.sampled_from(["RSA ", "EC ", "OPENSSH ", "", "ENCRYPTED "]),
       ended=st.booleans())  # fmt: skip
def test_private_key_blocks_are_masked_even_when_cut(
    body: list[str], kind: str, ended: bool
) -> None:
    block = "\n".join([f"-----BEGIN {kind}PRIVATE KEY-----", *body])
    if ended:
        block += f"\n-----END {kind}PRIVATE KEY-----"
    out = redact_known_patterns(f"key = '''\n{block}\n'''\nafter = 1")
    assert all(line not in out for line in body)
    assert marker("private-key") in out
    assert ("after = 1" in out) == ended


@given(suffix=st.text(string.ascii_uppercase + string.digits, min_size=16, max_size=16),
       prefix=st.sampled_from(["AKIA", "ASIA"]))  # fmt: skip
def test_aws_key_ids_are_masked_anywhere(suffix: str, prefix: str) -> None:
    key = prefix + suffix
    out = redact_known_patterns(f"aws configure set id {key} --profile prod")
    assert key not in out
    assert marker("aws-access-key") in out


def test_vendor_tokens_are_masked() -> None:
    samples = {
        "ghp_" + "a1B2c3D4e5" * 4: "github-token",
        "xoxb-123456789012-abcdefABCDEF": "slack-token",
        "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc": "stripe-access-key",
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sflKxwRJSMeKKF2QT4fwpM": "json-web-token",
    }
    for token, label in samples.items():
        out = redact_known_patterns(f"send({token})")
        assert token not in out, label
        assert marker(label) in out


def test_ordinary_code_is_left_alone() -> None:
    code = 'total = sum(amounts)\nlog.info("paid %s", account)\nif retries > 3:'
    assert redact_known_patterns(code) == code


def test_existing_markers_keep_their_precise_label() -> None:
    text = 'password: "[REDACTED:secret-keyword]"'
    assert redact_known_patterns(text) == text


# --- string literals and truncation -------------------------------------------------------


@given(secret=quoted_values, quote=st.sampled_from(['"', "'"]))
def test_string_literals_are_masked(secret: str, quote: str) -> None:
    out = redact_string_literals(f"connect(user=u, password={quote}{secret}{quote})")
    assert out == f"connect(user=u, password={quote}{marker('password')}{quote})"


@given(secret=st.text(string.ascii_letters + string.digits + " \n#=!", min_size=1, max_size=30))
def test_unterminated_and_triple_quoted_literals_are_masked(secret: str) -> None:
    masked = marker("password")
    assert redact_string_literals(f'pw = """{secret}') == f'pw = """{masked}'
    assert redact_string_literals(f"pw = '''{secret}''' + x") == f"pw = '''{masked}''' + x"
    one_line = secret.replace("\n", " ")
    assert redact_string_literals(f'pw = "{one_line}') == f'pw = "{masked}'


def test_escaped_quotes_do_not_end_a_literal_early() -> None:
    out = redact_string_literals(r'password = "abc\"def" + x')
    assert "def" not in out
    assert out == 'password = "[REDACTED:password]" + x'


def test_truncate_cuts_and_marks() -> None:
    assert truncate("short", 10) == "short"
    cut = truncate("x" * 300, 200)
    assert len(cut) == 200
    assert cut.endswith("…")
