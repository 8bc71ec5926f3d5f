"""Walk every URL pattern of the project and give each a concrete path (tests/test_url_gate.py,
tests/test_side_doors.py, tests/test_query_fuzz.py).

Each path converter is filled with a value it accepts: by default the first of SAMPLES that matches;
given `values`, with the real ids of objects that exist, by URL kwarg name or by "url name.kwarg"
(e.g. ``{"read_id": [12, 13], "searches:felony_decide.request_id": [4]}``). A pattern whose kwargs
have several values gives one path per combination.
"""
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from django.urls.resolvers import LocalePrefixPattern, RoutePattern
from django.utils.regex_helper import normalize

from accounts.middleware import PUBLIC_NAMESPACES, PUBLIC_URL_NAMES

# Values tried, in order, for a path parameter: the first its converter (or regex) accepts is used.
SAMPLES = ("1", "sample", "00000000-0000-4000-8000-000000000001", "sample/file.jpg", "2026-01-01", "A1")
_KWARG = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    path: str
    name: str  # "namespace:name", or the view's dotted path when the pattern has no name
    namespaces: frozenset[str]
    callback: object

    @property
    def public(self) -> bool:
        return self.name in PUBLIC_URL_NAMES or bool(self.namespaces & PUBLIC_NAMESPACES)


def endpoints(values: Mapping[str, list] | None = None) -> list[Endpoint]:
    """Return a concrete, resolvable path for every URL pattern of the project (several with `values`)."""
    found = []
    for pieces, pattern, namespaces in _walk(get_resolver().url_patterns, [], []):
        url_name = ":".join([*namespaces, pattern.name]) if pattern.name else ""
        for path in _paths(pieces, url_name, values or {}):
            try:
                match = resolve(path)
            except Resolver404:
                match = None
            if match is None or match.func != pattern.callback:
                found.append(Endpoint(f"UNRESOLVABLE {pieces!r}", "", frozenset(), pattern.callback))
                continue
            found.append(Endpoint(path, match.view_name, frozenset(match.namespaces), pattern.callback))
    return found


def _walk(patterns, prefix, namespaces):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = [*namespaces, entry.namespace] if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, [*prefix, entry.pattern], inner)
        elif isinstance(entry, URLPattern):
            yield [*prefix, entry.pattern], entry, namespaces


def _paths(pieces, url_name: str, values: Mapping[str, list]) -> list[str]:
    """Every combination of the values given for the pattern's kwargs (a sample where none is given)."""
    choices: dict[str, list[str]] = {}
    for piece in pieces:
        if isinstance(piece, RoutePattern):
            for name, converter in piece.converters.items():
                given = values.get(f"{url_name}.{name}", values.get(name, ()))
                accepted = [str(v) for v in given if re.fullmatch(converter.regex, str(v))]
                choices[name] = accepted or [next(s for s in SAMPLES if re.fullmatch(converter.regex, s))]
    names = list(choices)
    return ["/" + "".join(_fill(piece, dict(zip(names, combination, strict=True))) for piece in pieces)
            for combination in itertools.product(*(choices[name] for name in names))]


def _fill(pattern, chosen: dict[str, str]) -> str:
    if isinstance(pattern, LocalePrefixPattern):
        return pattern.language_prefix
    if isinstance(pattern, RoutePattern):
        return _KWARG.sub(lambda match: chosen[match["name"]], str(pattern))
    # A regular expression: let Django's reverse() machinery give its shape, then fill the groups.
    template, params = normalize(pattern.regex.pattern)[0]
    groups = re.compile(pattern.regex.pattern).groupindex
    filled = {}
    for param in params:
        filled[param] = next((s for s in SAMPLES if _group_accepts(pattern, param, s, groups)), "1")
    return template % filled


def _group_accepts(pattern, param: str, sample: str, groups) -> bool:
    if param not in groups:
        return True
    group = re.search(rf"\(\?P<{re.escape(param)}>(.*?)\)", pattern.regex.pattern)
    return bool(group and re.fullmatch(group[1], sample))
