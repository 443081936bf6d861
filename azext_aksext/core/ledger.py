"""What this command has sent: every request that changes something (not GET or HEAD), with the answer it got.

The masking trace policy every client has (redaction.py) notes each one here, so that whatever stops a command
(Ctrl-C) can say exactly what was sent before, and what the service did with it.
"""
import threading
from urllib.parse import urlsplit

_LOCK = threading.Lock()
_SENT = []          # [method, path, status or None (no answer yet)]
_KEEP = 10000       # a rollout across thousands of clusters: the oldest go first


def sent(request):
    """Note a request about to go out; returns its entry, to be answered."""
    if request.method in ('GET', 'HEAD'):
        return None
    entry = [request.method, urlsplit(request.url).path, None]
    with _LOCK:
        _SENT.append(entry)
        del _SENT[:-_KEEP]
    return entry


def answered(entry, status):
    if entry is not None:
        entry[2] = status


def summary(shown=8):
    """What was sent, in a sentence: 'PUT .../workspaces/w (201); PATCH .../extensions/flux (no answer)'."""
    with _LOCK:
        entries = list(_SENT)
    if not entries:
        return 'Nothing had been sent to Azure.'
    parts = [f"{method} {path} ({status if status else 'no answer yet: it may have been applied'})"
             for method, path, status in entries[:shown]]
    more = f'; and {len(entries) - shown} more' if len(entries) > shown else ''
    return f"Sent before the interrupt: {'; '.join(parts)}{more}."
