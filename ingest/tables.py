"""Rebuild a table that an export flattened to one cell per line.

Word/WPS exports write each cell on its own line, led by a tab; a cell that wrapped goes on
in following lines without the tab; rows are separated by blank lines. The first cells are the
header, up to the cell "1" that opens the first row (序号 1). Each rebuilt row becomes one line
that keeps the header names, e.g.
"序号：6；牵头部门：市住建局；配合部门：市能源局、市财政局；指标内容：城镇清洁能源取暖率；…",
so a search for the indicator finds its figures and departments in the same line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class TableRow:
    number: int  # the row's 序号
    cells: dict[str, str]  # header → cell text
    units: dict[str, list[str]]  # header → units, for department columns
    text: str = ""
    start: int = 0  # span in the normalised text, set by the normaliser
    end: int = 0
    header: list[str] = field(default_factory=list)


@dataclass
class Table:
    rows: list[TableRow]


def extract_tables(lines: list[str]) -> Iterator[list[str] | Table]:
    """Split lines into runs of plain lines and rebuilt tables."""
    plain: list[str] = []
    index = 0
    while index < len(lines):
        end = _table_block_end(lines, index)
        rows = _rebuild(lines[index:end]) if end > index else None
        if rows:
            if plain:
                yield plain
                plain = []
            yield Table(rows)
            index = end
        else:
            plain.append(lines[index])
            index += 1
    if plain:
        yield plain


def _table_block_end(lines: list[str], start: int) -> int:
    """End of a run of tab-led cell lines starting at `start` (== start when there is none).

    Inside a block, a line without the tab continues the cell above; after a blank line it does
    not, and the block ends there.
    """
    if not lines[start].startswith("\t") or not lines[start].strip():
        return start
    index = start
    after_blank = False
    while index < len(lines):
        line = lines[index]
        if not line.strip():
            after_blank = True
        elif line.startswith("\t"):
            after_blank = False
        elif after_blank:
            break
        index += 1
    return index


def _cells(block: list[str]) -> list[list[str]]:
    """Each cell as its list of physical lines."""
    cells: list[list[str]] = []
    for line in block:
        if line.startswith("\t") and line.strip():
            cells.append([line.strip()])
        elif line.strip() and cells:
            cells[-1].append(line.strip())
    return cells


def _rebuild(block: list[str]) -> list[TableRow] | None:
    cells = _cells(block)
    first_row = next((i for i, cell in enumerate(cells) if cell == ["1"]), None)
    if first_row is None or first_row < 2:
        return None
    header = ["".join(cell) for cell in cells[:first_row]]
    body = cells[first_row:]
    width = len(header)
    if len(body) % width:
        return None
    rows: list[TableRow] = []
    for number, start in enumerate(range(0, len(body), width), start=1):
        row_cells = body[start:start + width]
        if "".join(row_cells[0]) != str(number):
            return None
        rows.append(_row(number, header, row_cells))
    return rows


def _row(number: int, header: list[str], row_cells: list[list[str]]) -> TableRow:
    cells: dict[str, str] = {}
    units: dict[str, list[str]] = {}
    for name, lines in zip(header, row_cells):
        if _is_unit_column(name):
            units[name] = [unit for unit in _split_units(lines) if unit not in ("/", "-", "—", "无")]
            cells[name] = "、".join(units[name]) or "".join(lines)
        else:
            cells[name] = "".join(lines)
    text = "；".join(f"{name}：{value}" for name, value in cells.items())
    return TableRow(number=number, cells=cells, units=units, text=text, header=header)


def _is_unit_column(name: str) -> bool:
    return any(word in name for word in ("部门", "单位"))


def _split_units(lines: list[str]) -> list[str]:
    """Lines of a department cell: a line starting like the first one names a new unit
    (市住建局 / 市乡村振兴局); any other line finishes a name the cell wrapped (市生态 / 环境局)."""
    units: list[str] = []
    for line in lines:
        if units and line[:1] != units[0][:1]:
            units[-1] += line
        else:
            units.append(line)
    return units
