"""The emulated service's shared state: storage, identity, runtime settings and the lookups every route needs."""
from urllib.parse import urlencode

from ..frontdoor import errors
from ..frontdoor.identity import TOKEN_LIFETIME, Identity, ensure_identity
from .clock import Clock

DEFAULT_CONFIG = {'op_seconds': 2.0, 'retry_after': None, 'page_size': 100, 'token_seconds': None,
                  'throttle_scale': 1.0, 'graph_page_size': 1000}
KUBERNETES_CONFIGURATION = 'Microsoft.KubernetesConfiguration'


class Service:
    def __init__(self, store, config):
        self.store = store
        self.values = ensure_identity(store)
        self.config = dict(DEFAULT_CONFIG, **{k: v for k, v in config.items() if v is not None or k == 'retry_after'})
        self.base_url = None
        self.identity = None
        self.clock = Clock(store)  # the emulator's time (see clock.py): call it for epoch seconds

    def bind(self, base_url):
        """Called once the listening port is known: URLs handed to clients (nextLink, LRO headers) use it."""
        self.base_url = base_url
        self.identity = Identity(self.values, base_url,
                                 lambda: int(self.config.get('token_seconds') or TOKEN_LIFETIME))

    @property
    def subscription(self):
        return self.values['subscription']

    @property
    def tenant(self):
        return self.values['tenant']

    def url(self, path, **query):
        return self.base_url.rstrip('/') + path + ('?' + urlencode(query, safe='$') if query else '')

    @property
    def subscriptions(self):
        """The login's subscription first, then those a fleet seed added."""
        return [self.subscription] + self.store.meta('extra_subscriptions', [])

    def group_key(self, subscription, name):
        # Groups of the login's subscription keep their historical key (the bare name).
        if subscription.lower() == self.subscription:
            return name.lower()
        return f'{subscription}/{name}'.lower()

    # Lookups that raise the error ARM gives for a missing parent.
    def check_subscription(self, subscription):
        if subscription.lower() not in self.subscriptions:
            raise errors.subscription_not_found(subscription)

    def group(self, subscription, name):
        self.check_subscription(subscription)
        doc = self.store.get('groups', self.group_key(subscription, name))
        if doc is None:
            raise errors.resource_group_not_found(name)
        return doc

    def provider_state(self, namespace):
        state = self.store.provider_state(namespace)
        if state is not None:
            return state
        # Only the extensions namespace starts unregistered, as on a fresh subscription; the cluster
        # namespaces are assumed registered since their clusters already exist.
        return 'NotRegistered' if namespace.lower() == KUBERNETES_CONFIGURATION.lower() else 'Registered'

    def set_provider_state(self, namespace, state):
        self.store.set_provider_state(namespace, state)

    def require_registration(self, namespace):
        if self.provider_state(namespace) != 'Registered':
            raise errors.missing_registration(namespace)
