"""The support bundle: a folder readable only by the user, and a .tar.gz of it beside it, bounded in size.

Everything written goes through here: JSON documents and text streams, counted against the bundle's size limit;
once it is reached, further writes are refused (the caller says what was left out)."""
import json
import os
import re
import tarfile
import threading
import time
from pathlib import Path

FOLDER = 'arc_ext_diagnostic_logs'  # the official tool's folder under the az configuration folder


class BundleFull(Exception):
    """The bundle reached its size limit."""


class Bundle:
    def __init__(self, root, limit):
        self.root, self.limit, self.size = Path(root), limit, 0
        self._lock = threading.Lock()  # logs are written from several threads

    @classmethod
    def create(cls, base, name, limit):
        """A new folder ``<base>/arc_ext_diagnostic_logs/<name>-<local time>``, 0700 (a suffix when it exists)."""
        parent = Path(base) / FOLDER
        parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        stem = f"{re.sub(r'[^a-zA-Z0-9_-]', '', name) or 'extension'}-{time.strftime('%Y-%m-%d-%H.%M.%S')}"
        for attempt in range(1, 100):
            root = parent / (stem if attempt == 1 else f'{stem}-{attempt}')
            try:
                root.mkdir(mode=0o700)
                break
            except FileExistsError:
                continue
        os.chmod(root, 0o700)
        return cls(root, limit)

    def path(self, *parts):
        safe = [re.sub(r'[^A-Za-z0-9_.-]', '_', part) or '_' for part in parts]
        target = self.root.joinpath(*safe)
        for folder in reversed(list(target.relative_to(self.root).parents)[:-1]):
            directory = self.root / folder
            if not directory.exists():
                directory.mkdir(mode=0o700, exist_ok=True)
        return target

    def _open(self, target):
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        return os.fdopen(descriptor, 'w', encoding='utf-8')

    def write_json(self, document, *parts):
        text = json.dumps(document, indent=2, sort_keys=True, default=str) + '\n'
        self.take(len(text))
        with self._open(self.path(*parts)) as stream:
            stream.write(text)

    def take(self, size):
        """Count ``size`` more characters against the limit; raises BundleFull (counting nothing) past it."""
        with self._lock:
            if self.size + size > self.limit:
                raise BundleFull()
            self.size += size

    def text_writer(self, *parts):
        """A writer of text lines to a file of the bundle; raises BundleFull before the limit is passed."""
        return _Writer(self, self._open(self.path(*parts)))

    def archive(self):
        """Write ``<folder>.tar.gz`` beside the folder, 0600; returns its path."""
        target = self.root.with_name(self.root.name + '.tar.gz')
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, 'wb') as raw, tarfile.open(fileobj=raw, mode='w:gz') as tar:
            tar.add(self.root, arcname=self.root.name)
        return target


class _Writer:
    def __init__(self, bundle, stream):
        self.bundle, self.stream = bundle, stream

    def write(self, text):
        self.bundle.take(len(text))
        self.stream.write(text)

    def close(self):
        self.stream.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()
