"""core.uploads: the one check of uploaded documents, and what upload boxes say about it."""


def test_the_upload_hint_names_every_document_type_accepted_and_no_other():
    """Found in review: the hint promised "Word, Excel, OpenDocument" while .ods was refused."""
    import re

    from schoolsystem.core.uploads import DOCUMENT_HINT, DOCUMENT_MAGIC, DOCUMENT_TYPES, validate_document

    assert set(re.findall(r"\.[a-z]+", DOCUMENT_HINT)) == set(DOCUMENT_TYPES)
    assert validate_document("budget.ods", 10, DOCUMENT_MAGIC[".ods"]) == ".ods"
