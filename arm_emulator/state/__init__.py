"""The emulated service's state: :mod:`.store` (SQLite; every SQL statement lives there) and :mod:`.service` (the
runtime state every route shares: identity, settings, and the lookups that raise ARM's errors for missing parents).
"""
