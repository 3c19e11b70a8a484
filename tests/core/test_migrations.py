"""The migrations describe the models: `makemigrations --check` finds nothing to write. Found when a wording change
("characters or less") was also applied to Django's own username help text inside a migration, which then
disagreed with the model; nothing in CI noticed."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:  # raised with 1 when a migration would be written
        pytest.fail(f"a model change has no migration:\n{capsys.readouterr().out}")
    assert "No changes detected" in capsys.readouterr().out
