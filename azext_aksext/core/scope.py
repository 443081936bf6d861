"""Where an extension is installed: cluster scope (a release namespace) or namespace scope (a target namespace)."""
from azure.cli.core.azclierror import ArgumentUsageError, MutuallyExclusiveArgumentError, RequiredArgumentMissingError

CLUSTER = 'cluster'
NAMESPACE = 'namespace'


def resolve_scope(scope, release_namespace, target_namespace):
    """Return the scope the flags ask for (None when they say nothing), or raise on a contradiction.

    --release-namespace implies cluster scope and --target-namespace implies namespace scope.
    """
    if release_namespace and target_namespace:
        raise MutuallyExclusiveArgumentError(
            "--release-namespace (cluster scope) and --target-namespace (namespace scope) cannot be used together.",
            "Use --release-namespace for a cluster-scoped install, or --target-namespace for a namespace-scoped one.")
    scope = scope.lower() if scope else None
    if scope == CLUSTER and target_namespace:
        raise ArgumentUsageError(
            "--target-namespace is for namespace scope, but --scope is cluster.",
            "Use --release-namespace with --scope cluster, or change to --scope namespace.")
    if scope == NAMESPACE and release_namespace:
        raise ArgumentUsageError(
            "--release-namespace is for cluster scope, but --scope is namespace.",
            "Use --target-namespace with --scope namespace, or change to --scope cluster.")
    if scope == NAMESPACE and not target_namespace:
        raise RequiredArgumentMissingError(
            "--scope namespace needs the namespace to install into.",
            "Add --target-namespace <namespace>.")
    if scope:
        return scope
    if release_namespace:
        return CLUSTER
    if target_namespace:
        return NAMESPACE
    return None


def scope_body(scope, release_namespace, target_namespace):
    """The REST `scope` object, or None to let the service pick the extension type's default."""
    if scope == CLUSTER:
        return {'cluster': {'releaseNamespace': release_namespace} if release_namespace else {}}
    if scope == NAMESPACE:
        return {'namespace': {'targetNamespace': target_namespace}}
    return None
