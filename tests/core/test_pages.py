"""core.pages.apply_error: how every app's form pages show a service's error."""

from django import forms

from schoolsystem.core.errors import InvalidTransition, StaleEdit, ValidationFailed
from schoolsystem.core.pages import apply_error


class NoteForm(forms.Form):
    text = forms.CharField()
    due_on = forms.CharField(required=False)


def _form() -> NoteForm:
    form = NoteForm(data={"text": "x"})
    assert form.is_valid()
    return form


def test_field_messages_go_beside_their_fields_and_the_summary_message_is_left_out():
    form = _form()
    apply_error(form, ValidationFailed("Check the note.", extra={"errors": {"text": ["Enter the note."]}}))
    assert form.errors == {"text": ["Enter the note."]}


def test_a_message_for_an_input_the_form_lacks_goes_at_the_top_not_lost():
    form = _form()
    errors = {"text": ["Enter the note."], "owner": ["Name the owner."]}
    apply_error(form, ValidationFailed("Check the note.", extra={"errors": errors}))
    assert form.errors == {"text": ["Enter the note."], "__all__": ["Name the owner."]}


def test_aliases_put_a_service_input_on_the_form_field_that_holds_it():
    form = _form()
    apply_error(
        form,
        ValidationFailed("Check.", extra={"errors": {"reason": ["Give a reason."]}}),
        aliases={"reason": "text"},
    )
    assert form.errors == {"text": ["Give a reason."]}


def test_an_error_naming_no_field_and_a_stale_edit_go_at_the_top():
    form = _form()
    apply_error(form, InvalidTransition("The case is closed."))
    assert form.errors == {"__all__": ["The case is closed."]}
    form = _form()
    apply_error(form, StaleEdit("Changed by someone else.", extra={"errors": {"text": ["Old."]}}))
    assert form.errors == {"__all__": ["Changed by someone else."]}
