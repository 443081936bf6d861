"""Work across many clusters: `list` without a cluster (an inventory from Azure Resource Graph) and `rollout` (one
change, planned per cluster and sent in waves, resumable from a journal). The modules: `graph` (Resource Graph),
`inventory`, `rollout` (find, plan, execute, conclude), `plan` (the decision for one cluster), `engine` (waves and
workers), `calls` (paced reads and writes), `journal`, `offers` (what a region offers), `report` (result rows),
`custom` (the command function), `_params` and `_validators`."""
