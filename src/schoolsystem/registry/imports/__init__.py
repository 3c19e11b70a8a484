"""GIAS importers, registered with the import pipeline by kind (RegistryConfig.ready imports this package):

- `gias`: establishments (names-only and codes+names layouts), with LAs and the trust/sponsor/federation groups
  and memberships the file names;
- `gias-links`: establishment links (predecessor/successor chains);
- `gias-groups`: groups (open academy trusts file, or the richer all-groups layout);
- `gias-memberships`: group links ("alllinksdata": which school is in which group since when);
- `partnerships`, `system-leaders`: the project's own CSV formats (modules of the same names).
"""

from schoolsystem.registry.imports.establishments import GiasEstablishmentImport
from schoolsystem.registry.imports.groups import GiasGroupImport
from schoolsystem.registry.imports.links import GiasLinkImport
from schoolsystem.registry.imports.memberships import GiasMembershipImport

__all__ = ["GiasEstablishmentImport", "GiasGroupImport", "GiasLinkImport", "GiasMembershipImport"]
