"""Synthetic school systems in the published GIAS formats, for the demo and the benchmarks.

from schoolsystem.synthetic import generate_system
paths = generate_system(Path("var/demo-data"), schools=450, seed=2026)
paths["establishments"], paths["links"], paths["groups"], paths["memberships"]
"""

from schoolsystem.synthetic.generator import (
    AS_OF,
    FILE_NAMES,
    SyntheticSystem,
    build_system,
    generate_system,
    write_system,
)

__all__ = ["AS_OF", "FILE_NAMES", "SyntheticSystem", "build_system", "generate_system", "write_system"]
