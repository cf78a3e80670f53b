"""Querying and drawing: filters, the map, the evidence panel, the timeline, exports."""
