"""Extension types and their versions: :mod:`.routes` (HTTP) over :mod:`.catalog` (the types, as data)."""
