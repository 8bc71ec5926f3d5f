"""JSON from outside (a camera's body, a partner's answer) decoded strictly.

Python's decoder takes ``NaN`` and ``Infinity``, which are not JSON and overflow wherever a number is
turned into an integer, and raises ``RecursionError`` (no ``ValueError``) on nesting deeper than the
interpreter recurses: both would reach the caller as a server error instead of a refused document.
"""
import json


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def strict_loads(raw: bytes | str):
    """Return the decoded document; ValueError (json.JSONDecodeError when it is not JSON at all) when
    it is no strict JSON, holds NaN or Infinity, or is nested too deep."""
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None
