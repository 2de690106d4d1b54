"""Two expectations GX does not ship, registered with GX when this module is imported.

- expect_row_total_to_match_parts: row-wise, the sum of `total` columns compared (==, <=, >=)
  with the sum of `parts` columns. GX's expect_multicolumn_sum_to_equal compares a row sum
  with a constant only; table 三's "总计 = 六类申请人之和" needs one column against others.
- expect_column_values_to_be_whole_numbers: counts must be integers (a float column may
  hold 2.5 after an import).
- expect_column_pair_values_to_be_close: row-wise |A − B| ≤ that row's tolerance column. A
  percentage the text states (R24) may differ from count ÷ base by its own rounding (33.9 %
  has ±0.05) and 0.01 point more; GX's pair expectations compare exactly.

Rows with a missing value in any of the columns are skipped by default: a blank cell is
reported once, by the rule for blanks (R12/R19…), not again by every sum it takes part in.
"""
from __future__ import annotations

from typing import ClassVar, List, Literal, Tuple

import numpy as np
from great_expectations.compatibility import pydantic
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import ColumnMapExpectation, MulticolumnMapExpectation
from great_expectations.expectations.metrics.map_metric_provider import (
    ColumnMapMetricProvider,
    MulticolumnMapMetricProvider,
    column_condition_partial,
)
from great_expectations.expectations.metrics.map_metric_provider.multicolumn_condition_partial import (
    multicolumn_condition_partial,
)

RELATIONS = ("==", "<=", ">=")


class RowTotalMatchesParts(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.total_matches_parts"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ("total", "parts", "relation")

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, total, parts, relation, **kwargs):
        left = column_list[list(total)].sum(axis=1, skipna=False)
        right = column_list[list(parts)].sum(axis=1, skipna=False) if parts else 0
        if relation == "<=":
            return left <= right
        if relation == ">=":
            return left >= right
        return left == right


class ExpectRowTotalToMatchParts(MulticolumnMapExpectation):
    """Expect, in every row, sum(total columns) <relation> sum(parts columns).

    column_list lists every column involved (total, then parts); parts may be empty (a sum
    compared with 0), total may hold several columns (一 + 二 = （七） + 四).
    """

    total: List[str] = pydantic.Field(description="columns summed on the left")
    parts: List[str] = pydantic.Field(default_factory=list, description="columns summed on the right")
    relation: Literal["==", "<=", ">="] = pydantic.Field(default="==", description="left <relation> right")
    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "any_value_is_missing"

    map_metric: ClassVar[str] = "multicolumn_values.total_matches_parts"
    success_keys: ClassVar[Tuple[str, ...]] = ("mostly", "total", "parts", "relation")
    args_keys: ClassVar[Tuple[str, ...]] = ("column_list", "total", "parts", "relation")

    @pydantic.root_validator(skip_on_failure=True)
    def _columns_are_total_and_parts(cls, values):
        if list(values.get("column_list") or []) != list(values.get("total") or []) + list(values.get("parts") or []):
            raise ValueError("column_list must be total + parts, in that order")
        return values


class ColumnValuesWholeNumber(ColumnMapMetricProvider):
    condition_metric_name = "column_values.whole_number"

    @column_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column, **kwargs):
        values = column.astype(float)
        return np.isfinite(values) & (values == np.floor(values))


class ExpectColumnValuesToBeWholeNumbers(ColumnMapExpectation):
    """Expect every non-null value of the column to be an integer (…, -1, 0, 1, …)."""

    map_metric: ClassVar[str] = "column_values.whole_number"
    success_keys: ClassVar[Tuple[str, ...]] = ("mostly",)


class ColumnPairValuesClose(MulticolumnMapMetricProvider):
    condition_metric_name = "multicolumn_values.pair_close"
    condition_domain_keys = ("batch_id", "table", "column_list", "row_condition", "condition_parser", "ignore_row_if")
    condition_value_keys = ()

    @multicolumn_condition_partial(engine=PandasExecutionEngine)
    def _pandas(cls, column_list, **kwargs):
        a, b, tolerance = (column_list.iloc[:, i].astype(float) for i in range(3))
        return (a - b).abs() <= tolerance + 1e-9


class ExpectColumnPairValuesToBeClose(MulticolumnMapExpectation):
    """Expect, in every row, |column_list[0] − column_list[1]| ≤ column_list[2] (the row's tolerance)."""

    ignore_row_if: Literal["all_values_are_missing", "any_value_is_missing", "never"] = "any_value_is_missing"

    map_metric: ClassVar[str] = "multicolumn_values.pair_close"
    success_keys: ClassVar[Tuple[str, ...]] = ("mostly",)
    args_keys: ClassVar[Tuple[str, ...]] = ("column_list",)

    @pydantic.root_validator(skip_on_failure=True)
    def _three_columns(cls, values):
        if len(values.get("column_list") or []) != 3:
            raise ValueError("column_list must be [A, B, tolerance]")
        return values


CUSTOM_TYPES = ("expect_row_total_to_match_parts", "expect_column_values_to_be_whole_numbers",
                "expect_column_pair_values_to_be_close")
