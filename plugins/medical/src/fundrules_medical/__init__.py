"""fundrules-medical: the medical insurance (医疗保险) plugin of fundrules.

Declares the medical tables (providers, settlements, item lines, and the knowledge base: item
catalog and conflicting pairs), the ``medical.*`` indicators of the catalog, the plugin's
business totals for reconciliation, and :func:`with_knowledge` to read a region's own knowledge
base from a folder.
"""

from .knowledge import ENV_VAR, knowledge_folder, with_knowledge

__all__ = ["ENV_VAR", "knowledge_folder", "with_knowledge"]
