"""plugins/speed/beside.py: a function run in a forked child while the build goes on (the lint
beside Pelican). Its answer arrives whole, wherever it is asked for, or the work is done
where it is asked for: a result is never lost, and no child is left behind."""

from __future__ import annotations

import os
import signal
import time

import pytest

from speed.beside import Beside


def child_pid() -> int:
    return os.getpid()


def test_the_result_is_computed_in_another_process():
    job = Beside(child_pid)
    try:
        pid = job.result()
    finally:
        job.close()
    assert pid != os.getpid()
    assert job.result() == pid  # asked again: the same answer, not a second run


def niceness() -> int:
    return os.nice(0)


def test_a_niced_child_runs_below_the_caller_and_the_caller_keeps_its_priority():
    # The build's lint runs niced so that it waits for a core Pelican leaves idle.
    own = os.nice(0)
    job = Beside(niceness, nice=5)
    try:
        assert job.result() == min(own + 5, 19)
    finally:
        job.close()
    assert os.nice(0) == own


def test_a_large_result_crosses_the_pipe_whole():
    # More than a pipe's buffer (64 KiB): the child blocks until it is read.
    job = Beside(lambda: ["x" * 1000] * 1000)
    try:
        assert job.result() == ["x" * 1000] * 1000
    finally:
        job.close()


def test_what_the_function_raises_is_raised_where_the_result_is_asked_for():
    def broken():
        raise ValueError("no such registry")

    job = Beside(broken)
    try:
        with pytest.raises(ValueError, match="no such registry"):
            job.result()
    finally:
        job.close()


def test_a_child_killed_before_it_answers_means_the_work_is_done_here():
    def slow():
        time.sleep(30)
        return os.getpid()

    job = Beside(slow)
    os.kill(job.pid, signal.SIGKILL)
    started = time.monotonic()
    job.function = child_pid  # what runs here if the child gives nothing
    assert job.result() == os.getpid()
    assert time.monotonic() - started < 10
    job.close()


def test_the_result_can_be_read_in_a_process_forked_later_and_the_starter_reaps_the_child():
    # tools/build.py: the lint is forked by the build, its result read in Pelican's child.
    job = Beside(lambda: 42)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            value = job.result()
            job.close()  # not the starter: must not touch the child
            os.write(write_end, str(value).encode())
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as f:
        assert f.read() == b"42"
    os.waitpid(pid, 0)
    lint_child = job.pid
    job.close()
    with pytest.raises(ChildProcessError):
        os.waitpid(lint_child, os.WNOHANG)  # reaped: no zombie left


def test_close_stops_a_child_whose_result_was_never_asked_for():
    job = Beside(lambda: time.sleep(60))
    pid = job.pid
    started = time.monotonic()
    job.close()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
