"""Which Kubernetes versions an extension version runs on, and which version changes AKS allows.

Pure functions over the documents the service returns: each version from the extension types `versions`
endpoints lists, per cluster type and distribution, the Kubernetes versions it does not support
(`unsupportedKubernetesVersions`), as expressions such as `>1.22` or `1.18..1.21`. The syntax is not documented,
so an expression this module cannot read makes the answer "unknown", never "compatible".
"""
import operator
import re
from collections import namedtuple

from . import answers
from .answers import mapping

# A version as the service and clusters write it: 1.28, v1.28.5, 1.28.5-gke.100, 1.27.3+k3s1.
_VERSION = re.compile(r'^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[-+].*)?$')
# A version inside an expression: no suffix, so that `1.18-1.21` is not read as 1.18.
_BOUND = re.compile(r'^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$')
_COMPARISONS = (('>=', operator.ge), ('<=', operator.le), ('==', operator.eq), ('!=', operator.ne),
                ('>', operator.gt), ('<', operator.lt), ('=', operator.eq))
_WILDCARD = re.compile(r'^v?(\d+)(?:\.(\d+))?\.[x*]$', re.IGNORECASE)

# The keys of `unsupportedKubernetesVersions` for each cluster type aksext knows.
VERSION_KEYS = {'managedclusters': 'managedCluster', 'connectedclusters': 'connectedCluster',
                'appliances': 'appliances', 'provisionedclusters': 'provisionedCluster'}

ClusterFacts = namedtuple('ClusterFacts', 'cluster_type kubernetes_version distribution')
# supported: True, False, or None when it cannot be told; reasons: the expressions that exclude the cluster, or
# (for None) the ones that could not be read or whose distribution is unknown.
Verdict = namedtuple('Verdict', 'supported reasons')


def parse_version(text, pattern=_VERSION):
    """(major, minor, patch) with the parts given, or None when the text is not a version."""
    match = pattern.match(str(text or '').strip())
    if not match:
        return None
    return tuple(int(part) for part in match.groups() if part is not None)


def _compare(version, bound, compare):
    """Compare at the bound's precision: `>1.22` is about minor versions, so 1.22.9 is not above it."""
    cut = (tuple(version) + (0, 0, 0))[:len(bound)]
    return compare(cut, bound)


def _comparison(text):
    for symbol, compare in _COMPARISONS:
        if text.startswith(symbol):
            bound = parse_version(text[len(symbol):].strip(), _BOUND)
            if bound is None:
                return None
            return lambda version, bound=bound, compare=compare: _compare(version, bound, compare)
    return None


def _term(text):
    """One predicate over a version tuple, or None when the term is not a form this module reads."""
    if '..' in text:
        low, _, high = text.partition('..')
        low, high = parse_version(low.strip(), _BOUND), parse_version(high.strip(), _BOUND)
        if low is None or high is None or _padded(low) > _padded(high):
            return None  # a reversed range excludes nothing as written: what was meant cannot be told
        return lambda version: _compare(version, low, operator.ge) and _compare(version, high, operator.le)
    if text[:1] in '<>=!':
        return _comparison(text)
    wildcard = _WILDCARD.match(text)
    if wildcard:
        prefix = tuple(int(part) for part in wildcard.groups() if part is not None)
        return lambda version: _compare(version, prefix, operator.eq)
    exact = parse_version(text, _BOUND)
    if exact is None:
        return None
    return lambda version: _compare(version, exact, operator.eq)


def _padded(version):
    return (tuple(version) + (0, 0, 0))[:3]


def parse_expression(text):
    """A predicate telling whether a Kubernetes version (a tuple) matches the expression, or None if unreadable.

    Reads `>1.22`, `>=1.22`, `<1.22`, `<=1.22`, `=1.22`, `==1.22`, `!=1.22`, a range `1.18..1.21` (inclusive),
    an exact version `1.22` or `1.22.3`, a wildcard `1.22.x` or `1.22.*`, and several of these separated by
    spaces or `&&`, which must all match (`>=1.18 <1.21`)."""
    terms = [term for term in re.split(r'\s*&&\s*|\s+', str(text or '').strip()) if term]
    # `>= 1.22`: a comparison written with a space before its version is one term.
    joined = []
    for term in terms:
        if joined and joined[-1] in ('>', '<', '>=', '<=', '=', '==', '!='):
            joined[-1] += term
        else:
            joined.append(term)
    predicates = [_term(term) for term in joined]
    if not predicates or any(predicate is None for predicate in predicates):
        return None
    return lambda version: all(predicate(version) for predicate in predicates)


def verdict(version_item, facts):
    """Whether the extension version (a `versions` item) supports the cluster described by facts."""
    cluster_version = parse_version(facts.kubernetes_version) if facts else None
    if cluster_version is None:
        return Verdict(None, [])
    properties = mapping(mapping(version_item).get('properties'))
    by_type = properties.get('unsupportedKubernetesVersions') or {}
    if not isinstance(by_type, dict):
        return Verdict(None, [f"unsupportedKubernetesVersions of a shape aksext cannot read ({_shape(by_type)})"])
    key = VERSION_KEYS.get((facts.cluster_type or '').lower(), '')
    entries = next((value for name, value in by_type.items() if str(name).lower() == key.lower()), None) or []
    excluded, unknown = [], []
    if not isinstance(entries, list):
        return Verdict(None, [f"the exclusions for {key} are {_shape(entries)}, not a list (a shape aksext cannot "
                              "read)"])
    distribution = (facts.distribution or '').lower()
    for entry in entries:
        distributions = (entry or {}).get('distributions') if isinstance(entry, dict) else None
        expressions = (entry or {}).get('unsupportedVersions') if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or not isinstance(distributions or [], list) or \
                not isinstance(expressions or [], list):
            # A string where a list belongs ("GKE", ">1.22"): read as a list of letters it would pass silently.
            unknown.append(f"an exclusion of a shape aksext cannot read ({_shape(entry)[:120]})")
            continue
        distributions = [str(item).lower() for item in distributions or []]
        for expression in expressions or []:
            predicate = parse_expression(expression) if isinstance(expression, str) else None
            if predicate is None:
                unknown.append(f"'{expression}' (an expression aksext cannot read)")
            elif not predicate(cluster_version):
                continue
            elif not distributions or distribution in distributions:
                excluded.append(_describe(expression, distributions))
            elif not distribution:
                unknown.append(f"{_describe(expression, distributions)} (the cluster's distribution is not known)")
    if excluded:
        return Verdict(False, excluded)
    return Verdict(None if unknown else True, unknown)


def _shape(value):
    import json
    try:
        return json.dumps(value)
    except (TypeError, ValueError):
        return type(value).__name__


def _describe(expression, distributions):
    where = f" on {', '.join(distributions)}" if distributions else ''
    return f"'{expression}'{where}"


def version_order(text):
    """Sort key for extension versions: numeric parts numerically, a pre-release before its release."""
    core, _, pre = str(text or '').partition('-')
    return [int(part) if part.isdigit() else -1 for part in core.split('.')], pre == '', pre


def version_name(item):
    return answers.text(mapping(mapping(item).get('properties')).get('version') or mapping(item).get('name'))


def supporting(versions, facts, count=3):
    """The newest versions (names, newest first) that are known to support the cluster."""
    names = [version_name(item) for item in versions if verdict(item, facts).supported is True]
    return sorted(names, key=version_order, reverse=True)[:count]


def is_patch_change(current, wanted):
    """True when wanted differs from current only in the patch part (or is not an upgrade at all).

    AKS treats core extensions like add-ons: a minor or major upgrade goes with a Kubernetes minor upgrade."""
    old, new = parse_version(current), parse_version(wanted)
    if old is None or new is None or len(old) < 2 or len(new) < 2:
        return True  # not a version this rule can reason about: the service decides
    return new[:2] <= old[:2]
