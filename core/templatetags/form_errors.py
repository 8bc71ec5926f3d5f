"""Template filters for the error summary at the top of a form (templates/_form_errors.html)."""

from django import template
from django.forms import BaseForm

register = template.Library()


@register.filter
def invalid_fields(form) -> list:
    """Return the form's visible fields that have errors, in the form's order, for the summary's links.

    Without a form (a page that includes the summary before it has one) there is nothing to list, as
    Django's templates show nothing for a missing variable.
    """
    if not isinstance(form, BaseForm):
        return []
    return [field for field in form.visible_fields() if field.errors]


@register.filter
def error_anchor(field) -> str:
    """Return the id the summary links to: the input itself, or the first choice of a radio group.

    A radio group's label points at no single input (Django leaves `id_for_label` empty for it), so the
    link goes to its first choice, which is where the keyboard lands in the group anyway.
    """
    if field.id_for_label:
        return field.id_for_label
    choices = field.subwidgets
    return choices[0].id_for_label if choices else field.auto_id
