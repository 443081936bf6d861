"""Azure Resource Graph: the ``resources`` query endpoint and its tables, :mod:`.routes`, over the KQL subset in
:mod:`.kql`."""
