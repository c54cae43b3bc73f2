"""The follow-through's form pages, written once: post, call the service, or show the form.

An enquiry's and a conference's pages differ only in the record they change and the
page they return to (a ``Place`` for each kind of record); each view parses its form
and names the one service it calls.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from convene.followup.fields import attempt
from convene.people.looks import audit_view
from convene.people.models import Child

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Place(Generic[M]):
    """Where the form pages of one kind of record return to, and how they name it.

    ``named`` names the record in the audit line ("S47 enquiry S000001"); ``caption``
    and ``children`` are read only when the form is shown.
    """

    url_name: str
    back_text: str
    named: Callable[[M], str]
    caption: Callable[[M], str]
    children: Callable[[M], list[Child]]

    def url(self, obj: M) -> str:
        return reverse(self.url_name, args=[obj.pk])


def shown_form(
    request: HttpRequest,
    *,
    place: Place[M],
    obj: M,
    form: forms.Form,
    title: str,
    button: str,
    intro: tuple[str, ...] = (),
    template: str = "followup/form.html",
    **extra: Any,
) -> HttpResponse:
    """Show the form: a look at the child, audited like the record's own page."""
    audit_view(
        request,
        obj=obj,
        summary=f"Opened ‘{title}’ ({place.named(obj)})",
        children=place.children(obj),
    )
    context = {
        "form": form,
        "title": title,
        "caption": place.caption(obj),
        "back_url": place.url(obj),
        "back_text": place.back_text,
        "button": button,
        "intro": intro,
    }
    return render(request, template, context | extra)


def form_page(
    request: HttpRequest,
    *,
    place: Place[M],
    obj: M,
    form: forms.Form,
    submit: Callable[[dict[str, Any]], object],
    done: str,
    **shown: Any,
) -> HttpResponse:
    """On a valid post the service runs and the page returns to ``place`` saying ``done``;
    a refusal shows on the form, and a GET shows it (``shown_form``)."""
    if (
        request.method == "POST"
        and form.is_valid()
        and attempt(form, lambda: submit(form.cleaned_data)) is not None
    ):
        messages.success(request, done)
        return redirect(place.url_name, obj.pk)
    return shown_form(request, place=place, obj=obj, form=form, **shown)
