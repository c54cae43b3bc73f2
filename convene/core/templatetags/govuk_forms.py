"""Render Django form fields and errors as GOV.UK Design System markup.

``{% govuk_field form.name %}`` picks the component from the widget (input,
textarea, select, radios, checkboxes, date input, single checkbox);
``heading=True`` makes the label or legend the page's ``<h1>`` (one question
per page). ``{% govuk_error_summary form %}`` lists every error, each linking
to its field, with the same words as the inline message.
"""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField

from convene.core.forms import GovukDateWidget

register = template.Library()


def _kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, GovukDateWidget):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


def _as_text(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return "" if value is None else str(value)


def _options(field: BoundField) -> list[dict[str, Any]]:
    value = field.value()
    chosen = {_as_text(v) for v in value} if isinstance(value, list | tuple) else {_as_text(value)}
    hints: dict[str, str] = getattr(field.field, "option_hints", {})
    options = []
    for index, (option_value, label) in enumerate(getattr(field.field, "choices", ())):
        text = _as_text(option_value)
        options.append(
            {
                "value": text,
                "label": label,
                "checked": text in chosen and text != "",
                "id": field.auto_id if index == 0 else f"{field.auto_id}-{index + 1}",
                "hint": hints.get(text, ""),
            }
        )
    return options


@register.inclusion_tag("core/govuk/field.html")
def govuk_field(
    field: BoundField,
    heading: bool = False,
    size: str = "",
    hint: str = "",
    classes: str = "",
    inline: bool | None = None,
) -> dict[str, Any]:
    kind = _kind(field)
    options = _options(field) if kind in {"radios", "checkboxes", "select"} else []
    widget = field.field.widget
    return {
        "field": field,
        "kind": kind,
        "id": field.auto_id,
        "name": field.html_name,
        "value": "" if kind in {"radios", "checkboxes"} else _as_text(field.value()),
        "date": widget.format_value(field.value()) if kind == "date" else None,
        "options": options,
        "heading": heading,
        "size": size
        or ("l" if heading else "s" if kind in {"radios", "checkboxes", "date"} else ""),
        "hint": hint or field.help_text,
        "errors": field.errors,
        "input_type": getattr(widget, "input_type", "text"),
        "classes": " ".join(filter(None, [widget.attrs.get("class", ""), classes])),
        "attrs": {k: v for k, v in widget.attrs.items() if k not in {"class"}},
        "rows": widget.attrs.get("rows", 5),
        "inline": inline if inline is not None else (kind == "radios" and len(options) == 2),
        "checked": bool(field.value()) if kind == "checkbox" else False,
    }


@register.inclusion_tag("includes/error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm, anchor: str = "") -> dict[str, Any]:
    """``anchor``: the id a form-wide error links to, where the first field is not the place."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        first = next(iter(form.fields), None)
        for error in form.non_field_errors():
            target = anchor or (form[first].auto_id if first else "")
            items.append({"href": f"#{target}" if target else "", "text": error})
        for name in form.fields:
            for error in form[name].errors:
                items.append({"href": f"#{form[name].auto_id}", "text": error})
    return {"items": items}


@register.filter
def govuk_has_errors(*forms_: forms.BaseForm) -> bool:
    return any(form is not None and form.is_bound and form.errors for form in forms_)
