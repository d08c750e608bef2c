"""SEIP Insight: exclusion avoidance, placement costs and funding for secondary inclusion partnerships."""
