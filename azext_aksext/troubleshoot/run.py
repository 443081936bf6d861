"""The troubleshoot command: read the service (when the cluster is known) and the cluster, rank what is wrong, keep
the evidence in a bundle, and say what could not be read and why. It fails only when nothing could be read."""
import shutil
import time
from collections import namedtuple

from knack.log import get_logger
from azure.cli.core.azclierror import AzureConnectionError, InvalidArgumentValueError, UnauthorizedError

from ..core import defaults
from .bundle import Bundle, BundleFull
from .collect import Collector
from .diagnose import diagnose
from .kube import NotRead, open_cluster
from .redact import Masker
from .service import aks_kubeconfig, is_aks, read_service

logger = get_logger(__name__)

Limits = namedtuple('Limits', 'log_lines log_bytes parallel')
ARC_AGENTS_NAMESPACE = 'azure-arc'
WARNINGS_SHOWN = 10


def troubleshoot(cmd, target, *, name, namespaces=None, kube_config=None, kube_context=None,
                 skip_ssl_verification=False):
    """target: the extension in Azure (a core.target.Target), or None when only the cluster is read."""
    from .._client_factory import read_timeout
    deadline = time.monotonic() + defaults.TROUBLESHOOT_TIMEOUT
    not_read, checked = [], []
    service = read_service(cmd, target, not_read, checked) if target else None
    cluster = _open_cluster(cmd, target, not_read, deadline=deadline, kube_config=kube_config,
                            kube_context=kube_context, skip_ssl_verification=skip_ssl_verification,
                            request_timeout=min(defaults.KUBERNETES_REQUEST_TIMEOUT, read_timeout()))
    bundle = Bundle.create(cmd.cli_ctx.config.config_dir, name, defaults.BUNDLE_LIMIT_BYTES)
    try:
        evidence, collector = _collect(cluster, bundle, service, target, name=name, given=namespaces,
                                       not_read=not_read, checked=checked)
        read_something = bool(collector and collector.read_version) or bool(
            service and (service['extension'] or service['cluster']))
        if not read_something:
            raise _nothing_read(not_read)
        output = _output(target, name, diagnose(evidence), checked=checked, not_read=not_read, bundle=bundle)
        _write_service(bundle, service, collector.masker if collector else Masker())
        try:
            bundle.write_json(output, 'summary.json')
        except BundleFull:
            pass  # the summary is the output: it is never lost, only left out of a full bundle
        output['archive'] = str(bundle.archive())
    except BaseException:
        shutil.rmtree(bundle.root, ignore_errors=True)
        raise
    _report(output)
    return output


def _open_cluster(cmd, target, not_read, *, kube_config, kube_context, **options):
    """The cluster's Kubernetes API: through the kubeconfig given (or the default one), or, for an AKS cluster
    named without a kubeconfig, through credentials read from Azure."""
    if kube_config or kube_context or not is_aks(target):
        source = f"kubeconfig '{kube_config}'" if kube_config else 'the default kubeconfig'
        if kube_context:
            source += f" (context '{kube_context}')"
        cluster, failure = open_cluster(kubeconfig=kube_config, context=kube_context, source=source, **options)
    else:
        config, role = aks_kubeconfig(cmd, target, not_read)
        if config is None:
            return None
        source = f"the cluster {role} credentials of AKS cluster '{target.ref.name}'"
        cluster, failure = open_cluster(config, source=source, **options)
    if failure:
        not_read.append(failure)
    return cluster


def _collect(cluster, bundle, service, target, *, name, given, not_read, checked):
    extension = (service or {}).get('extension') or {}
    masker = Masker()
    collector = None
    namespaces = []
    if cluster is not None:
        public = list((extension.get('configurationSettings') or {}).values())
        collector = Collector(cluster, bundle, masker, Limits(defaults.LOG_TAIL_LINES, defaults.LOG_LIMIT_BYTES,
                                                              defaults.LOG_READERS), public)
        collector.read_version = collector.version()
        if collector.read_version is not None:
            names = _namespace_names(given, extension, collector, target=target, name=name, not_read=not_read)
            releases = {namespace: collector.secrets(namespace) for namespace in names}
            namespaces = [found for found in (collector.namespace(namespace, releases[namespace])
                                              for namespace in names) if found is not None]
        not_read += collector.not_read
        checked += collector.checked
        if collector.stopped:
            not_read.append(NotRead(f"the cluster through {cluster.source}", collector.stopped.why))
    evidence = {'name': name, 'now': time.time(), 'service': service, 'namespaces': namespaces,
                'region': ((service or {}).get('cluster') or {}).get('location'),
                'commands': _commands(target, name, extension.get('extensionType'))}
    return evidence, collector


def _namespace_names(given, extension, collector, *, target, name, not_read):
    """The namespaces to read: those given; else the extension's own (from Azure, or from where its Helm records
    are); for an Arc cluster also its agents' namespace."""
    if given:
        return given
    scope = extension.get('scope') or {}
    names = [namespace for namespace in ((scope.get('cluster') or {}).get('releaseNamespace'),
                                         (scope.get('namespace') or {}).get('targetNamespace')) if namespace]
    if not names:
        names = collector.release_namespaces(name)
    if not names:
        not_read.append(NotRead(f"the namespace of extension '{name}'", 'no Helm release of that name was found '
                                'and Azure was not asked (give --namespace-list, or -g, -c and --cluster-type)'))
    if target is not None and target.ref.cluster_type == 'connectedClusters' and ARC_AGENTS_NAMESPACE not in names:
        names.append(ARC_AGENTS_NAMESPACE)
    return names


def _commands(target, name, extension_type):
    """The az commands the fixes name, for this extension (placeholders where the cluster is not known)."""
    if target is None:
        base = f'az k8s-extension {{}} -g <resource-group> -c <cluster> --cluster-type <cluster-type> -n {name}'
        connectivity = 'az connectedk8s troubleshoot -g <resource-group> -n <cluster>'
        start = 'az aks start -g <resource-group> -n <cluster>'
        commands = {verb: base.format(verb) for verb in ('update', 'delete', 'create')}
    else:
        commands = {verb: target.az_command(verb) for verb in ('update', 'delete', 'create')}
        connectivity = f'az connectedk8s troubleshoot -g {target.ref.resource_group} -n {target.ref.name}'
        start = f'az aks start -g {target.ref.resource_group} -n {target.ref.name}'
    type_flag = '-t' if target is not None and target.group.startswith('aks') else '--extension-type'
    return {'update': commands['update'], 'delete': commands['delete'] + ' --yes',
            'delete_force': commands['delete'] + ' --force --yes',
            'create': commands['create'] + f" {type_flag} {extension_type or '<extension-type>'}",
            'connectivity': connectivity, 'start': start}


def _write_service(bundle, service, masker):
    for key in ('extension', 'cluster', 'compatibility'):
        if service and service.get(key):
            try:
                bundle.write_json(masker.document(service[key]), 'service', f'{key}.json')
            except BundleFull:
                return


def _output(target, name, findings, *, checked, not_read, bundle):
    if findings:
        summary = f"{len(findings)} finding(s). First: {findings[0]['title']}. Fix: {findings[0]['fix']}"
    else:
        summary = 'No problem found. Checked: ' + '; '.join(checked) + '.'
    return {'extension': name, 'cluster': target.ref.name if target else None,
            'resourceGroup': target.ref.resource_group if target else None,
            'clusterType': target.ref.cluster_type if target else None,
            'findings': findings, 'summary': summary, 'checked': checked,
            'notRead': [{'what': item.what, 'why': item.why} for item in not_read],
            'bundle': str(bundle.root), 'archive': None}


def _report(output):
    for item in output['notRead'][:WARNINGS_SHOWN]:
        logger.warning('Could not read %s: %s.', item['what'], item['why'])
    if len(output['notRead']) > WARNINGS_SHOWN:
        logger.warning('... and %d more things could not be read (see notRead in the output).',
                       len(output['notRead']) - WARNINGS_SHOWN)
    logger.warning(output['summary'])
    logger.warning("The diagnostics have been saved at this path: '%s' (and '%s'). Attach the archive to a support "
                   "ticket: it holds no secret value.", output['bundle'], output['archive'])


def _nothing_read(not_read):
    reasons = '; '.join(f'{item.what}: {item.why}' for item in not_read) or 'nothing was asked'
    text = f'Nothing could be read to troubleshoot: {reasons}.'
    if any('HTTP 401' in item.why for item in not_read):
        return UnauthorizedError(text, 'Get fresh credentials for the cluster (for AKS: `az aks get-credentials`), '
                                 'or run `az login` again.')
    if any('kubeconfig' in item.why or 'context' in item.why for item in not_read):
        return InvalidArgumentValueError(text, 'Check --kube-config and --kube-context (`kubectl config '
                                         'get-contexts` lists the contexts), or give -g, -c and --cluster-type to '
                                         'read the extension from Azure.')
    return AzureConnectionError(text, 'Check that the cluster\'s API server is reachable from here (VPN, private '
                                'cluster, firewall) and retry.')
