"""Form helpers every app's pages share: date inputs and placing a service's field errors on a form."""

from __future__ import annotations

from django import forms

from yizhan.core.errors import InvalidInput

DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, error: InvalidInput, field_map: dict[str, str] | None = None) -> None:
    """Put a service's field errors on the form fields (or on the form when no field matches)."""
    field_map = field_map or getattr(form, "FIELD_MAP", {})
    placed = False
    for key, message in error.fields.items():
        name = field_map.get(key, key)
        if name in form.fields:
            form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
