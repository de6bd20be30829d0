"""The dashboard's server itself: asked what it is doing (SIGUSR1), it writes every thread's stack to its output and
goes on serving, which is what a failing browser test quotes beside its failure (conftest.stacks)."""

import urllib.request

from conftest import SAMPLE, SERVING, serve, stacks


def test_a_server_asked_what_it_is_doing_writes_its_threads_stacks_and_goes_on_serving():
    started = serve(SAMPLE)
    url = next(started)
    try:
        process, log = SERVING[url]
        said = stacks(process, log)
        assert "Thread 0x" in said and "(most recent call first)" in said  # faulthandler's form, every thread
        assert 'File "' in said and "threading.py" in said
        assert process.poll() is None  # the signal's default would have ended it
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=30) as answer:
            assert answer.status == 200
    finally:
        started.close()
    assert url not in SERVING  # a stopped server is not quoted
