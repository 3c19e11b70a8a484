"""The one flow of every form page (GOV.UK error summary, domain errors on their fields) and the page decorator
that turns domain errors into 404/403. Shared by the apps' views."""

import functools
from collections.abc import Mapping

from django import forms as djforms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from schoolsystem.core.errors import ApplicationError, NotFound, PermissionDenied, StaleEdit


def page(view):
    """Sign-in required; domain NotFound -> 404 and PermissionDenied -> 403 (out of scope is not found)."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except PermissionDenied as exc:
            raise DjangoPermissionDenied(exc.message) from exc

    return wrapped


def apply_error(
    form: djforms.Form, exc: ApplicationError, *, aliases: Mapping[str, str] | None = None
) -> None:
    """Show a domain error on the form. Each message the service gave for a field goes beside that field
    (`aliases`: the service's name for an input -> the form's field for it, when they differ); one for an input
    the form does not have goes at the top, so no message is lost. The error's own message goes at the top when
    it names no field, and always for a StaleEdit (the record changed under the user: no field is at fault)."""
    field_errors = {} if isinstance(exc, StaleEdit) else exc.extra.get("errors") or {}
    for name, msgs in field_errors.items():
        if name not in form.fields:
            name = (aliases or {}).get(name, name)
        for msg in msgs:
            form.add_error(name if name in form.fields else None, msg)
    if not field_errors:
        form.add_error(None, exc.message)


def form_page(
    request,
    form,
    *,
    title,
    submit_label="Save",
    back_url="",
    caption="",
    intro="",
    multipart=False,
    status=200,
):
    return render(
        request,
        "core/form.html",
        {
            "form": form,
            "title": title,
            "submit_label": submit_label,
            "back_url": back_url,
            "caption": caption,
            "intro": intro,
            "multipart": multipart,
        },
        status=status,
    )


def posted(request):
    """The submitted data on POST (even when empty, so an empty submission is validated), else None."""
    return request.POST if request.method == "POST" else None


def submit(request, form, call, *, success, next_url, **page_kwargs):
    """The one flow of every form page: on a valid POST call the service, then redirect with a success message;
    otherwise (re)show the form, its errors in the GOV.UK error summary: 400, or 409 when the record changed under
    the user (StaleEdit). `success` is the message (or `success(result)` makes it), `next_url(result)` where to go;
    `page_kwargs` go to `form_page`."""
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = call(form.cleaned_data)
            except ApplicationError as exc:
                apply_error(form, exc)
                status = 409 if isinstance(exc, StaleEdit) else 400
            else:
                messages.success(request, success(result) if callable(success) else success)
                return redirect(next_url(result))
    return form_page(request, form, status=status, **page_kwargs)
