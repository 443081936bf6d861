"""Work across many clusters: `list` without a cluster (an inventory from Azure Resource Graph) and `rollout` (one
change, planned per cluster and sent in waves, resumable from a journal). The modules: `graph` (Resource Graph,
answers checked), `inventory`, `targets` (exactly the clusters asked for), `rollout` (find, plan, execute,
conclude), `plan` (which clusters need a write), `prepare` (what create or update would send to each cluster, through
their own code), `offers` (the checks' reads, shared across clusters), `engine` (waves, workers, one operation per
cluster), `calls` (paced reads and single writes), `journal` (one change's record, locked), `report` (result rows),
`custom` (the command function), `_params` and `_validators`."""
