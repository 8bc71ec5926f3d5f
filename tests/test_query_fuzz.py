"""No query string causes a server error, on any page, for anyone.

Every URL pattern (filled with the real ids of tests/world.py) is requested with GET as anonymous and as
each role, with junk in every query parameter a view reads: the names are found in the code (each
view module's ``request.GET.get(...)`` / ``getlist`` / ``query_params.get``, the fields of the forms
it binds to ``request.GET``, and the inputs of every GET form of the templates) plus generic names
(``page``, ``q``, ``since``…). A bad value must get a clear 4xx or be ignored, never a 500.

Every requester sends every name at once with each junk value (one value where the page does not
let the requester in, as the refusal parses nothing); then each name the page's own module
reads is sent alone (so one parameter's refusal cannot hide another's crash), as the first requester
the page lets in.
"""
import importlib
import inspect
import re
from functools import cache
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from policy.roles import Role
from tests.urlwalk import endpoints

pytestmark = pytest.mark.django_db

GENERIC = ("page", "q", "since", "until", "list", "sort", "month", "format", "next", "status", "kind",
           "show", "tab", "after", "plate", "id")
# SQL, look-alike letters, an emoji, a right-to-left override and length, in one value.
NASTY = "'; DROP TABLE audit_auditevent; -- ＩＣＥ 🚗 \u202e ñ " + "x" * 2000
JUNK = ("\x00", "abc", "-1", "99999999999999999999", "2026-13-45", "1e309", NASTY)
# Alone, each parameter gets the values that break parsing most often.
JUNK_ALONE = ("abc", "99999999999999999999", "2026-13-45")
CONTEXTS = ("anonymous", "camera", "partner", *Role.values, "detective+justification",
            "auditor+justification")
APPS = ("accounts", "alpr", "audit", "core", "hotlists", "ingest", "policy", "reports", "retention",
        "searches", "sharing")
_READS = re.compile(r"(?:request\.GET|query_params)\.get(?:list)?\(\s*[\"'](\w+)")
_BINDS = re.compile(r"(\w+)\(\s*request\.(?:GET|query_params)")
_GET_FORM = re.compile(r"<form\b(?=[^>]*method=[\"']get[\"'])[^>]*>(.*?)</form>", re.S | re.I)
_INPUT_NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*\bname=[\"'](\w+)[\"']", re.I)


@cache
def names_read_by(module_name: str) -> frozenset[str]:
    """The query parameters a module reads directly or through the forms it binds to the query."""
    module = importlib.import_module(module_name)
    source = Path(inspect.getsourcefile(module)).read_text()
    names = set(_READS.findall(source))
    for form_name in _BINDS.findall(source):
        form = getattr(module, form_name, None)
        if isinstance(form, type) and issubclass(form, forms.BaseForm):
            names |= set(form.base_fields)
    return frozenset(names)


@cache
def all_parameter_names() -> tuple[str, ...]:
    names = set(GENERIC)
    root = Path(settings.BASE_DIR)
    for app in APPS:
        for path in [*root.glob(f"{app}/views*.py"), *root.glob(f"{app}/views/*.py"),
                     *root.glob(f"{app}/apis.py")]:
            dotted = ".".join(path.relative_to(root).with_suffix("").parts)
            names |= names_read_by(dotted)
    for template in (root / "templates").rglob("*.html"):
        for form in _GET_FORM.findall(template.read_text()):
            names |= set(_INPUT_NAME.findall(form))
    return tuple(sorted(names))


def _module_of(endpoint) -> str:
    view = getattr(endpoint.callback, "cls", None) or getattr(endpoint.callback, "view_class", None)
    return (view or endpoint.callback).__module__


def _pages(world):
    """One path per pattern: the first real id of each kind is enough for parsing."""
    return endpoints({name: ids[:1] for name, ids in world.values.items()})


@pytest.mark.parametrize("label", CONTEXTS)
def test_no_query_string_causes_a_server_error(world, label):
    # Tried: every page × each junk value in every parameter name at once (one value where refused).
    context = world.contexts[label]
    every_name = all_parameter_names()
    errors = []
    for page in _pages(world):
        # A page that refuses this requester (a redirect to sign in, a 403) parses nothing of the query
        # before it refuses: one junk value shows that.
        refused = context.send("get", page.path).refused
        for value in (NASTY,) if refused else JUNK:
            status = context.send("get", page.path, data=dict.fromkeys(every_name, value)).status
            if status >= 500:
                errors.append(f"{page.name} {page.path}?<every parameter>={value[:20]!r} answered {status}")
    assert not errors, f"As {label}:\n" + "\n".join(errors)


def test_no_parameter_alone_causes_a_server_error(world):
    # Tried: each parameter a page's module reads, alone, with each value of JUNK_ALONE, as the first
    # requester (in CONTEXTS' reverse order: a justification first) the page lets in.
    errors = []
    for page in _pages(world):
        context = next((world.contexts[label] for label in reversed(CONTEXTS)
                        if not world.contexts[label].send("get", page.path).refused), None)
        for name in sorted(names_read_by(_module_of(page))) if context else ():
            for value in JUNK_ALONE:
                status = context.send("get", page.path, data={name: value}).status
                if status >= 500:
                    errors.append(f"{page.name} {page.path}?{name}={value!r} as {context.label}: {status}")
    assert not errors, "\n".join(errors)


def test_the_parameter_names_are_found():
    # Guards the fuzz itself: names read directly, through forms and in templates' GET forms.
    names = set(all_parameter_names())
    assert {"q", "list", "show", "after", "tab", "event", "read", "agency", "status", "new"} <= names
    assert {"plate", "since", "until", "latitude", "longitude"} <= names  # searches' forms
    assert names_read_by("hotlists.views") >= {"q", "list", "show"}
