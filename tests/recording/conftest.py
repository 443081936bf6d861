"""What the replay tests share: the wheel under test."""
import os
import subprocess
import sys

import pytest

from tests.recording import harness


@pytest.fixture(scope='session')
def wheel(tmp_path_factory):
    """The wheel `make` built (AKSEXT_WHEEL), or one built here from the working tree."""
    if os.environ.get('AKSEXT_WHEEL'):
        return (harness.ROOT / os.environ['AKSEXT_WHEEL']).resolve()
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(out),
                    str(harness.ROOT)], check=True, capture_output=True)
    return next(out.glob('aksext-*.whl'))
