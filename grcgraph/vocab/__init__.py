"""The vocabulary in Python: the closed `grc:` namespace, how IRIs are minted, and the closed value
sets users type (roles, categories, evidence kinds, extents)."""
