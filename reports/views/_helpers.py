from core.errors import ApplicationError


def form_error(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form, beside the field it names if the form has it."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
