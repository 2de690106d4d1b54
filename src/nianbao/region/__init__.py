"""The region: who reports to whom (register), the 汇总 report built from its parts (rollup), who
is missing or late (status), synthetic regions for tests (synth), the region at a glance (overview)
and the 整改清单 (export)."""
