import pytest

from schoolsystem.cli import command_name, main


def test_schoolsystem_alone_lists_the_platforms_commands_with_their_purpose(capsys):
    main([])
    out = capsys.readouterr().out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ")}
    assert set(lines) >= {"import", "broker", "demo-data", "risk"}
    assert "Import a published data file" in lines["import"]
    assert "import_data" not in out and "runserver" in out  # Django's are pointed to, not listed


def test_hyphens_and_the_import_word_reach_the_right_command(capsys):
    assert command_name("demo-data") == "demo_data"
    assert command_name("import") == "import_data"
    assert command_name("--version") == "--version"
    with pytest.raises(SystemExit) as exit_:
        main(["demo-data", "--help"])
    assert exit_.value.code == 0
    assert "usage: schoolsystem demo_data" in capsys.readouterr().out
