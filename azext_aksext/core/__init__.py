"""What every command shares: the cluster kinds, the target and its errors, settings and scope, redaction, waiting
and its progress display, paging, provider registration, Kubernetes-version expressions, and the defaults."""
