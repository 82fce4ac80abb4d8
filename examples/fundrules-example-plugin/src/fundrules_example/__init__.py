"""An example fundrules plugin: one table, one indicator (docs/plugin-guide.md)."""
