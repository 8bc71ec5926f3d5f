from core.errors import ApplicationError


def form_error(form, error: ApplicationError) -> None:
    """Show a service's refusal on the form field it names, or above the form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
