"""nianbao check FILE [--previous FILE] [--json]"""
from __future__ import annotations


def add_parser(sub) -> None:
    p = sub.add_parser("check", help="核对一份报告的勾稽关系（不渲染）/ check a report against every consistency rule")
    p.add_argument("file", help="源数据 YAML 或已发布的报告（文本、HTML、PDF）/ a source YAML or a published report "
                                "(text, HTML, PDF)")
    p.add_argument("--previous", metavar="FILE",
                   help="上一年度的报告，源数据或已发布的报告（默认 data/<年度-1>/同名文件）/ last year's report, a source "
                        "or a published one (default: data/<year-1>/<same name>)")
    p.add_argument("--json", action="store_true", help="输出 JSON / print JSON for machines")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..rules import check_file

    validation = check_file(args.file, args.previous)
    print(validation.to_json(gx=False) if args.json else as_text(validation), end="")
    return 1 if validation.errors else 0


def as_text(validation) -> str:
    from ..rules.findings import LEVEL_NAMES

    lines = [f"{validation.agency} {validation.year} 年（{validation.format} 格式）：{validation.summary()}"
             + ("（草稿 / draft）" if validation.draft else "")]
    findings = validation.findings
    if validation.draft:  # a fresh draft has ~200 blank cells: one line per rule and table, the JSON has each
        blanks: dict[tuple, list] = {}
        for f in findings:
            if f.blank:
                blanks.setdefault((f.rule, f.severity, f.table), []).append(f)
        findings = [f for f in findings if not f.blank]
        lines += [f"{rule:<4} {LEVEL_NAMES[severity]}  {table}：{len(group)} 格草稿尚未填写（如 {group[0].row}·"
                  f"{group[0].column}；确为零写 0，空白不等于 0）" for (rule, severity, table), group in blanks.items()]
    lines += [f"{f.rule:<4} {LEVEL_NAMES[f.severity]}  {f.message}" for f in findings]
    for gap in validation.gaps:
        where = "·".join(str(gap[k]) for k in ("table", "row", "column") if gap.get(k))
        lines.append(f"未能确认 / not read with confidence: {where}「{gap.get('text', '')}」{gap.get('reason', '')}")
    lines += [f"导入时 / on import: {note}" for note in validation.import_notes]
    lines += [f"无法核对 / not checkable: {note}" for note in validation.not_checkable]
    lines += [f"注：{note}" for note in validation.notes]
    return "\n".join(lines) + "\n"
