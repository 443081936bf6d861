"""A Kubernetes API per emulated cluster, whose objects follow each extension's ARM state (see routes.py), the
credentials ARM hands out for it (credentials.py) and the causes of failure a test or the seed can set (causes.py).
"""
