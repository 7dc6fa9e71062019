"""Layers of Mali with provenance: MINUSMA sites, towns, regions, the Niger, roads, airports, air links."""
