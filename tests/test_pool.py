"""The worker pool: a call that raises, a worker that dies and one past its hard deadline each fail
alone; the pool replaces the lost workers and the other calls complete."""
from __future__ import annotations

from nianbao.batch.pool import WorkerPool

import batch_helpers as h


def test_each_failure_stays_with_its_call_and_the_pool_goes_on():
    calls = [(h.square, 3), (h.explode, 1), (h.die, 0), (h.sleep_for, 60), (h.square, 4), (h.square, 5)]
    with WorkerPool(2) as pool:
        outcomes = {}
        # One function per run(): run each kind through the same pool in turn.
        for fn, arg in calls:
            [outcome] = list(pool.run(fn, [(arg,)], hard_timeout=4))
            outcomes[(fn.__name__, arg)] = outcome
        parallel = sorted(o.value for o in pool.run(h.square, [(n,) for n in range(6)]))
    assert outcomes[("square", 3)].ok and outcomes[("square", 3)].value == 9
    assert not outcomes[("explode", 1)].ok and outcomes[("explode", 1)].cause == "exception"
    assert "ValueError: bad 1" in outcomes[("explode", 1)].error
    assert outcomes[("die", 0)].cause == "worker-died" and "exit code 3" in outcomes[("die", 0)].error
    assert outcomes[("sleep_for", 60)].cause == "timeout"
    assert outcomes[("square", 4)].value == 16 and outcomes[("square", 5)].value == 25
    assert parallel == [0, 1, 4, 9, 16, 25]


def test_each_outcome_carries_the_index_of_its_arguments():
    args = [(0.3,), (0.1,), (0.2,), (0.0,)]
    with WorkerPool(2) as pool:
        outcomes = list(pool.run(h.sleep_for, args))
    assert sorted(o.index for o in outcomes) == [0, 1, 2, 3]
    assert all(o.ok and o.value == args[o.index][0] for o in outcomes)
