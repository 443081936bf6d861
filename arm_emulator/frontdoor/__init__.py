"""ARM's front door: what every request meets before a resource family answers it.

TLS (:mod:`.certs`), Azure AD and the bearer check (:mod:`.identity`), the route table and api-version check
(:mod:`.router`, :mod:`.apiversions`), ARM's error envelopes (:mod:`.errors`), and the middlewares around every
request: the request log, injected faults and throttling.
"""
