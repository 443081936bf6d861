"""`troubleshoot`: read an extension's cluster through the Kubernetes API and, when the cluster is known, the
service through ARM; say what is wrong and what to do; keep the evidence in a bundle with no secret in it.

run.py is the command: it reads the service (service.py), opens the cluster (kube.py, through the client
_client_factory.py builds), collects each namespace (collect.py, Helm records decoded by helm.py) into the bundle
(bundle.py) through the masks of redact.py, and ranks what it found (diagnose.py, pure functions over the evidence).
"""
