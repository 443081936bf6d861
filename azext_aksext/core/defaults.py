"""The defaults aksext applies, one constant each: every module that needs one imports it from here."""

# The release train a version lookup or a create follows when none is given, as the service does.
STABLE_TRAIN = 'stable'

# How long create, update and delete wait for the service by default (--timeout), and the service's own limit for
# one extension operation: waiting longer can only wait for nothing.
OPERATION_TIMEOUT = 3600
MAX_OPERATION_TIMEOUT = 48 * 3600

# wait --interval bounds: below, a busy loop against the service; above, a wait that never looks.
MIN_WAIT_INTERVAL, MAX_WAIT_INTERVAL = 0.5, 3600

# Polls without a Retry-After: every MIN_POLL_INTERVAL at first, then a POLL_FRACTION of the time the operation
# has run so far, up to the service's own default of 30 s; an operation is seen ending within a fifth of its
# duration (half a second for a short one), and an hour-long one is read every 30 s. Retries of a failing request
# start after FIRST_POLL_INTERVAL and double. A Retry-After beyond 30 s (a typo, a far-future date) is clamped.
MIN_POLL_INTERVAL = 0.5
POLL_FRACTION = 0.2
FIRST_POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 30.0

# How long status checks may keep failing (throttled, 5xx, unreachable, unreadable) before a wait gives up.
OUTAGE_BUDGET = 300.0

# azure-core retries 10 times with exponential backoff (minutes in all) before it reports a failing service;
# four retries ride out a blip or a throttle in about 11 s and then say what went wrong.
RETRY_TOTAL = 4

# A request the service accepted and never answered fails after this long (azure-core waits 300 s) and is then
# retried like any other; AKSEXT_READ_TIMEOUT overrides it.
READ_TIMEOUT = 60.0

# Rollouts across clusters: the first wave, clusters changed at once after it, failures tolerated.
ROLLOUT_CANARY = 1
ROLLOUT_MAX_PARALLEL = '10'
ROLLOUT_MAX_FAILURES = '0'

# troubleshoot: how long it may take in all, how long one Kubernetes API request may take (AKSEXT_READ_TIMEOUT
# lowers it), the largest bundle, and how much of each container log it keeps (the last lines, at most so many bytes).
TROUBLESHOOT_TIMEOUT = 300.0
KUBERNETES_REQUEST_TIMEOUT = 20.0
BUNDLE_LIMIT_BYTES = 100 * 1024 * 1024
LOG_TAIL_LINES = 1000
LOG_LIMIT_BYTES = 256 * 1024
# Container logs read at once.
LOG_READERS = 8

# More clusters at once than this is a typo: ARM's per-subscription request limits would hold a rollout back.
ROLLOUT_MAX_PARALLEL_LIMIT = 1000
