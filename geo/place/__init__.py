"""Places: the gazetteer, finding place names in text, resolving them, geocoders."""
