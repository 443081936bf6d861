"""What the bundle and the output never hold: secret values. Kubernetes Secret data and Helm values become their
keys; text (logs, config maps, events, status messages) goes through a Masker, which hides the values the cluster
keeps as secrets (read from its Secrets and Helm values before anything else is written) and what looks like a
credential: connection string keys, SAS signatures, bearer tokens, JWTs and PEM private keys."""
import json
import re

from ..core.redaction import MASK

# A value this short is an ordinary word ('true', 'eastus' is six): masking it would hide evidence, not secrets.
MIN_SECRET_LENGTH = 8
_ASSIGNED = re.compile(
    r'(?i)\b(SharedAccessKey|SharedAccessSignature|AccountKey|sig|password|passwd|pwd|client_secret|clientsecret|'
    r'secret|token|access_token|refresh_token|api[-_]?key|apikey|access[-_]?key)("?\s*[=:]\s*"?)([^\s;&"\',}]+)')
_BEARER = re.compile(r'(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+')
_JWT = re.compile(r'\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}')
_PEM_BEGIN = re.compile(r'-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----')
_PEM_END = re.compile(r'-----END [A-Z0-9 ]*PRIVATE KEY-----')


class Masker:
    """Masks text, line by line; a PEM private key spanning lines is masked whole."""

    def __init__(self):
        self.values = set()
        self._in_key = False

    def learn(self, value):
        """Remember a secret value (a string, or the leaves of a JSON document) to mask wherever it appears."""
        if isinstance(value, dict):
            for item in value.values():
                self.learn(item)
        elif isinstance(value, list):
            for item in value:
                self.learn(item)
        elif isinstance(value, str):
            if value.lstrip().startswith(('{', '[')):
                try:
                    self.learn(json.loads(value))
                except ValueError:
                    pass
            if len(value) >= MIN_SECRET_LENGTH:
                self.values.add(value)

    def fresh(self):
        """A masker with the same values and no state of a half-read key: one per stream of lines."""
        other = Masker()
        other.values = self.values
        return other

    def line(self, text):
        if self._in_key:
            if _PEM_END.search(text):
                self._in_key = False
                return MASK + text[_PEM_END.search(text).end():]
            return MASK if text.strip() else text
        begin = _PEM_BEGIN.search(text)
        if begin:
            end = _PEM_END.search(text, begin.end())
            if end is None:
                self._in_key = True
                return self.text(text[:begin.start()]) + MASK
            return self.text(text[:begin.start()]) + MASK + self.line(text[end.end():])
        return self.text(text)

    def text(self, text):
        """One piece of text, masked (no state kept across calls)."""
        if not text:
            return text
        for value in sorted(self.values, key=len, reverse=True):
            if value in text:
                text = text.replace(value, MASK)
        text = _ASSIGNED.sub(lambda match: match.group(1) + match.group(2) + MASK, text)
        text = _BEARER.sub(lambda match: match.group(1) + MASK, text)
        text = _JWT.sub(MASK, text)
        if _PEM_BEGIN.search(text):
            text = re.sub(_PEM_BEGIN.pattern + r'.*?(' + _PEM_END.pattern + r'|$)', MASK, text, flags=re.S)
        return text

    def lines(self, text):
        return '\n'.join(self.line(part) for part in text.split('\n'))

    def document(self, document):
        """A JSON document with every string in it masked."""
        if isinstance(document, dict):
            return {key: self.document(value) for key, value in document.items()}
        if isinstance(document, list):
            return [self.document(item) for item in document]
        return self.lines(document) if isinstance(document, str) else document


def keys_only(mapping):
    """A mapping's keys with every value replaced by MASK, nested mappings kept as mappings."""
    if isinstance(mapping, dict):
        return {key: keys_only(value) if isinstance(value, dict) else MASK for key, value in mapping.items()}
    return MASK


def leaves(mapping, prefix=''):
    """(dotted key, value) of every leaf of nested Helm values."""
    for key, value in (mapping or {}).items():
        if isinstance(value, dict):
            yield from leaves(value, f'{prefix}{key}.')
        else:
            yield f'{prefix}{key}', value
