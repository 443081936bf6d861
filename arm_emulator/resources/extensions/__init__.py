"""Microsoft.KubernetesConfiguration/extensions: :mod:`.routes` (HTTP), :mod:`.model` (request bodies to stored
state, stored state to answers) and :mod:`.operations` (the asynchronous lifecycle)."""
