"""Running a suite on a report's frames: one ephemeral GX context per process, reused.

Building a context and its pandas data source costs far more than validating a small frame,
so they are made once; each validation is a new batch of the same whole-dataframe asset.
Progress bars are off (GX ignores TQDM_DISABLE), so executed notebooks carry no widget state.

Two passes keep a clean report cheap: every expectation first as a yes/no (result format
BOOLEAN_ONLY, about half the cost), then only the failing ones again with COMPLETE results,
which name the failing rows by the frame's `id`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)

from . import custom  # noqa: F401 - registers the custom expectations before any suite loads
from . import gxspeed
from .frames import ID

gxspeed.install()

QUICK = {"result_format": "BOOLEAN_ONLY"}
DETAILED = {"result_format": "COMPLETE", "unexpected_index_column_names": [ID]}

_batch_definition = None


def batch_definition():
    global _batch_definition
    if _batch_definition is None:
        logging.getLogger("great_expectations").setLevel(logging.ERROR)  # set-up chatter is not our business
        # Configured whole at once: each later change of the context's variables is saved (as YAML).
        config = DataContextConfig(store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                                   progress_bars=ProgressBarsConfig(globally=False))
        context = gx.get_context(project_config=config, mode="ephemeral")
        asset = context.data_sources.add_pandas("nianbao").add_dataframe_asset("report")
        _batch_definition = asset.add_batch_definition_whole_dataframe("whole report")
    return _batch_definition


@dataclass
class Run:
    frame: str
    record: dict  # the GX suite validation result as JSON; failing expectations in full
    failures: list  # ExpectationValidationResult of each failing expectation, COMPLETE


def _validate(frame: pd.DataFrame, suite: gx.ExpectationSuite, result_format: dict, parameters: dict):
    with gxspeed.validating():
        batch = batch_definition().get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=result_format, expectation_parameters=parameters)


def validate(frames: dict[str, pd.DataFrame], suite, parameters: dict | None = None) -> list[Run]:
    """Run each part of a loaded suite (suites.Suite) on the frame it reads."""
    parameters = parameters or {}
    runs = []
    for name, part in suite.parts.items():
        quick = _validate(frames[name], part, QUICK, parameters)
        record = quick.to_json_dict()
        # Load times and data fingerprints differ on every run of the same inputs; an audit that
        # re-executes a report compares these records, so keep only what the inputs determine.
        record.get("meta", {}).pop("batch_markers", None)
        record.pop("id", None)
        failed = [i for i, r in enumerate(quick.results) if not r.success]
        failures = []
        if failed:
            again = gx.ExpectationSuite(name=part.name, expectations=[part.expectations[i].configuration.to_json_dict()
                                                                     for i in failed])
            failures = _validate(frames[name], again, DETAILED, parameters).results
            for i, result in zip(failed, failures):
                record["results"][i] = result.to_json_dict()
        runs.append(Run(name, record, failures))
    return runs
