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

CELL_SEPARATOR = "；"  # between the "header：value" cells of a rebuilt row


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
        if end == index:
            plain.append(lines[index])
            index += 1
            continue
        found = _find_table(lines[index:end])
        if found is None:
            plain.extend(lines[index:end])
        else:
            table_at, rows = found
            plain.extend(lines[index:index + table_at])
            if plain:
                yield plain
                plain = []
            yield Table(rows)
        index = end
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


def _find_table(block: list[str]) -> tuple[int, list[TableRow]] | None:
    """The first cell of the block from which the rest rebuilds as a table: (its line, the rows).

    Every cell of a block is tried as the table's first header cell (a caption may come before it),
    each in constant time plus its row checks, so a long block that is no table costs linear time.
    """
    starts, cells = _cells(block)
    first_rows: list[int | None] = [None] * len(cells)  # the next cell "1" (序号 1) from each cell on
    upcoming: int | None = None
    for at in reversed(range(len(cells))):
        upcoming = at if cells[at] == ["1"] else upcoming
        first_rows[at] = upcoming
    for at, first_row in enumerate(first_rows):
        if first_row is not None and (rows := _rebuild(cells, at, first_row)):
            return starts[at], rows
    return None


def _cells(block: list[str]) -> tuple[list[int], list[list[str]]]:
    """Each cell as its list of physical lines, and the line where each cell starts."""
    starts: list[int] = []
    cells: list[list[str]] = []
    for index, line in enumerate(block):
        if line.startswith("\t") and line.strip():
            starts.append(index)
            cells.append([line.strip()])
        elif line.strip() and cells:
            cells[-1].append(line.strip())
    return starts, cells


def _rebuild(cells: list[list[str]], start: int, first_row: int) -> list[TableRow] | None:
    """The table with header cells[start:first_row] and rows from first_row to the end, if it is one."""
    width = first_row - start
    if width < 2 or (len(cells) - first_row) % width:
        return None
    row_starts = range(first_row, len(cells), width)
    if any("".join(cells[at]) != str(number) for number, at in enumerate(row_starts, start=1)):
        return None
    header = ["".join(cell) for cell in cells[start:first_row]]
    return [_row(number, header, cells[at:at + width]) for number, at in enumerate(row_starts, start=1)]


def _row(number: int, header: list[str], row_cells: list[list[str]]) -> TableRow:
    cells: dict[str, str] = {}
    units: dict[str, list[str]] = {}
    for name, lines in zip(header, row_cells):
        if _is_unit_column(name):
            units[name] = [unit for unit in _split_units(lines) if unit not in ("/", "-", "—", "无")]
            cells[name] = "、".join(units[name]) or "".join(lines)
        else:
            cells[name] = "".join(lines)
    text = CELL_SEPARATOR.join(f"{name}：{value}" for name, value in cells.items())
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
