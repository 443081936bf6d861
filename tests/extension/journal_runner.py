"""A rollout runner's use of a journal in Blob Storage, as a process of its own: the tests start several at once
against Azurite, each with the az login of its AZURE_CONFIG_DIR, and read what each printed (one JSON line per
event) and its exit code.

    python tests/extension/journal_runner.py hold URL --seconds S [--duration D] [--wait]
    python tests/extension/journal_runner.py append URL --count N --tag T
    python tests/extension/journal_runner.py read URL
"""
import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

# pylint: disable=wrong-import-position  # after the path to the working tree's extension
from azure.cli.core import get_default_cli  # noqa: E402
from azure.cli.core.azclierror import AzCLIError  # noqa: E402

from azext_aksext._client_factory import cf_journal_blob  # noqa: E402
from azext_aksext.multicluster import blobstore  # noqa: E402


def say(**event):
    print(json.dumps(dict(event, pid=os.getpid(), time=time.time())), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('action', choices=('hold', 'append', 'read'))
    parser.add_argument('url')
    parser.add_argument('--seconds', type=float, default=0)
    parser.add_argument('--duration', type=int, default=blobstore.LEASE_SECONDS)
    parser.add_argument('--wait', action='store_true')
    parser.add_argument('--count', type=int, default=1)
    parser.add_argument('--tag', default='')
    args = parser.parse_args()
    url = blobstore.parse_journal_url(args.url)
    journal = blobstore.BlobJournal(cf_journal_blob(get_default_cli(), url), url)
    try:
        if args.action == 'read':
            journal.read()
            say(records=journal.records)
        elif args.action == 'append':
            journal.ensure()
            journal.read()
            foreign = 0
            for index in range(args.count):
                foreign += len(journal.append({'tag': args.tag, 'n': index}))
            say(appended=args.count, foreign=foreign)
        else:
            lease = journal.acquire(wait=args.wait, duration=args.duration, timeout=120)
            say(acquired=lease.id)
            time.sleep(args.seconds)
            journal.read()
            journal.append({'holder': os.getpid()})
            lease.release()
            say(released=True)
    except blobstore.JournalInUseError as error:
        say(in_use=error.holder, message=str(error))
        return 3
    except AzCLIError as error:
        say(error=type(error).__name__, message=str(error), recommendation=error.recommendations)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
