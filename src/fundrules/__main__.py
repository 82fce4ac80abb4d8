"""``python -m fundrules`` runs the command line."""

from fundrules.cli import main

main()
