"""The OpenAPI schema's grouping: operations are tagged by the part of the service they belong to (the Django app
whose view serves them), so the API docs list "Brokerage" or "Schools and partnerships" rather than one "v1" heap.

Only tags change: operation ids still come from the path, so clients generated from the schema keep their names.
"""

from drf_spectacular.openapi import AutoSchema

from schoolsystem.core.api_areas import AREAS


class AreaAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        module = type(self.view).__module__.split(".")
        app = module[1] if len(module) > 1 and module[0] == "schoolsystem" else ""
        if app in AREAS:
            return [AREAS[app][0]]
        return super().get_tags()
