"""The rollout journal: an append-only JSON-lines file, one event per line, so a re-run of the same command resumes.

Before a write is sent, a ``submitting`` event is appended and flushed; once it is accepted, ``submitted``; when
it ends, ``succeeded`` or ``failed``. A killed process loses nothing it flushed (the data is in the kernel's
cache), and a torn last line is ignored. On a re-run a cluster whose change was submitted is waited for, never
written to again; one left at ``submitting`` is written to only if the extension shows the write never landed.
"""
import json
import os
import threading
import time

SUBMITTING, SUBMITTED, SUCCEEDED, FAILED = 'submitting', 'submitted', 'succeeded', 'failed'
REJECTED = 'rejected'   # the write was refused or never sent: a re-run may send it


def default_path(cli_ctx, change):
    base = os.path.join(cli_ctx.config.config_dir, 'aksext', 'rollouts')
    return os.path.join(base, f'{change}.jsonl')


class Journal:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.state = {}
        self._load()
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        self.file = open(path, 'a', encoding='utf-8')  # pylint: disable=consider-using-with

    def _load(self):
        if not os.path.exists(self.path):
            return
        with open(self.path, encoding='utf-8') as lines:
            for line in lines:
                try:
                    event = json.loads(line)
                except ValueError:
                    continue  # the torn last line of a killed run
                self.state[event['cluster'].lower()] = event

    @property
    def resumed(self):
        return bool(self.state)

    def last(self, cluster_id):
        return self.state.get(cluster_id.lower())

    def record(self, cluster_id, status, **details):
        event = dict(details, cluster=cluster_id, status=status, time=time.time())
        with self.lock:
            self.state[cluster_id.lower()] = event
            self.file.write(json.dumps(event) + '\n')
            self.file.flush()

    def close(self):
        self.file.close()
