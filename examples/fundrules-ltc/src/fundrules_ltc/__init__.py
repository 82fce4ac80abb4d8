"""fundrules-ltc: long-term care insurance (长期护理保险) as a fundrules plugin, by a third party."""
