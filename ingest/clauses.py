"""Build the clause tree of a normalised policy document.

Numbering schemes, highest rank first: 第一章 > 第一条 / 一、 > （一） > 1. / 1、 > （1）.
A heading nests under the nearest open heading of higher rank, so each document's own nesting
comes out whether it restarts "1." in each section (赤峰) or numbers straight through (通辽).
Paths concatenate labels: 三（一）2. Text before the first heading becomes 前言 clauses; a
flattened appendix table becomes one clause per row (附件 序号6); 抄送/印发 lines are 版记.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.models import Clause
from ingest.normalize import NormalisedText
from ingest.numbering import Scheme, int_to_chinese, match_doubtful_heading, match_heading, match_outline, to_int
from ingest.tables import TableRow
from ingest.units import lead_convention, parse_units, unit_list_text

_APPENDIX = re.compile(r"^(附件|附表)(\d*|[一二三四五六七八九十]*)(?:[:：]|$)")
_BACK_MATTER = re.compile(r"^(?:抄送|主送|抄报)[:：]|^.{0,30}\d{4}年\d{1,2}月\d{1,2}日印发$")
_LIST_LOOKAHEAD = 12  # paragraphs: how far an item's next sibling is looked for after a paragraph
_TITLE_MAX = 40
_FORM_MIN_LINES, _FORM_CELL_MAX, _FORM_CELL_SHARE = 5, 15, 0.6  # a form: ≥5 lines, 60% of them short cells
_ARTICLE = re.compile(r"第[一二三四五六七八九十百零〇\d]+条")
_CONTENTS = re.compile(r"^目\s*[录次][:：]?$")
_CONTENTS_ENTRY_MAX = 40  # characters: longer is a paragraph, not an entry of a 目录
_PREAMBLE_MIN_CHARS = 30  # shorter preamble lines (titles, dates) join the paragraph after them


@dataclass
class _Open:
    """A heading on the stack while the parser walks the document."""

    clause: Clause
    rank: int
    number: int
    last_child: dict[int, int] = field(default_factory=dict)  # rank → number of the last child
    has_children: bool = False


def parse_clauses(normalised: NormalisedText) -> list[Clause]:
    """All clauses of the document, in document order."""
    return _TreeBuilder(normalised).build()


class _TreeBuilder:
    def __init__(self, normalised: NormalisedText) -> None:
        self.text = normalised.text
        self.rows = {row.start: row for row in normalised.table_rows}
        self.clauses: list[Clause] = []
        self.stack: list[_Open] = []
        self.root_last_child: dict[int, int] = {}  # rank → number of the last top-level heading
        self.last_number: dict[int, int] = {}  # rank → last number at that rank anywhere
        self.ones_seen: dict[int, int] = {}  # rank → how often numbering restarted at 1
        self.current: Clause | None = None
        self.preamble: list[tuple[int, int]] = []
        self.in_back_matter = False
        self.by_path: dict[str, Clause] = {}  # the first clause of each path, found without a scan
        self.appendices: set[str] = set()  # paths of the 附件 / 附表 themselves
        self.next_paragraph = ""
        self.upcoming: list[str] = []  # the paragraphs after the one being read, a few
        self.outline_top = 0  # the last top-level item of a decimal outline (1, 2, …), 0 before one
        self.contents: str | None = None  # in a 目录: its first entry, which the body repeats ("" before it)

    def build(self) -> list[Clause]:
        offset = 0
        paragraphs = self.text.split("\n")
        for i, paragraph in enumerate(paragraphs):
            self.upcoming = paragraphs[i + 1:i + 1 + _LIST_LOOKAHEAD]
            self.next_paragraph = next((p for p in self.upcoming[:3] if p), "")  # for doubtful numbers only
            self._take(paragraph, offset, offset + len(paragraph))
            offset += len(paragraph) + 1
        self._close_preamble()
        convention = lead_convention(self.text)
        parents = {clause.parent_path for clause in self.clauses}
        for clause in self.clauses:
            clause.text = self.text[clause.start:clause.end]  # once: `_extend` only moves the end
            if clause.path in self.appendices:
                _describe_appendix(clause, has_items=clause.path in parents)
            if clause.kind == "clause":
                units = parse_units(clause.text, convention)
                clause.units, clause.lead_units = units.units, units.lead_units
        return self.clauses

    def _take(self, paragraph: str, start: int, end: int) -> None:
        if not paragraph:
            return
        if self.in_back_matter or _BACK_MATTER.match(paragraph):
            self._back_matter(start, end)
        elif self._in_contents(paragraph):
            self._plain(start, end)
        elif start in self.rows:
            self._table_row(self.rows[start])
        elif _APPENDIX.match(paragraph):
            self._appendix(paragraph, start, end)
        elif (heading := self._heading(paragraph)) is not None:
            self._open(*heading, paragraph=paragraph, start=start, end=end)
        elif self.current is not None and self.current.kind == "table_row":
            self._table_note(paragraph, start, end)
        elif (parent := self._list_ended(paragraph)) is not None:
            self._continuation(parent, paragraph, start, end)
        else:
            self._plain(start, end)

    def _plain(self, start: int, end: int) -> None:
        """A paragraph of the clause before it (of the preamble, before the first heading)."""
        if self.current is None:
            self.preamble.append((start, end))
        else:
            self._extend(self.current, end)

    def _in_contents(self, paragraph: str) -> bool:
        """The lines of a 目录 are not the items they list: the table of contents ends where the body
        repeats its first entry (or a paragraph too long to be an entry comes)."""
        if _CONTENTS.match(paragraph):
            self.contents = ""
            return True
        if self.contents is None:
            return False
        if paragraph == self.contents or len(paragraph) > _CONTENTS_ENTRY_MAX:
            self.contents = None
            return False
        self.contents = self.contents or paragraph
        return True

    # --- headings -------------------------------------------------------------------------

    def _heading(self, paragraph: str) -> tuple[Scheme, str, int, int] | None:
        """(scheme, number as written, number, text offset) if the paragraph opens a heading."""
        if (outline := match_outline(paragraph)) and self._outline_expected(outline[2]):
            scheme, match, numbers = outline
            return scheme, match.group(1), numbers[-1], match.end()
        found = match_heading(paragraph)
        doubtful = found is None
        if doubtful and (found := match_doubtful_heading(paragraph)) is None:
            return None
        scheme, match = found
        number = to_int(match.group(1)) or 0
        if not self._plausible(scheme.rank, number) or (doubtful and not self._expected(scheme, number)):
            return None
        return scheme, match.group(1), number, match.end()

    def _expected(self, scheme: Scheme, number: int) -> bool:
        """Whether `number` is exactly the next one at its level: the sibling before it was number − 1,
        or, for a first item, the next paragraph is item 2 of the same kind."""
        if number > 1:
            parent = next((item for item in reversed(self.stack) if item.rank < scheme.rank), None)
            return (parent.last_child if parent else self.root_last_child).get(scheme.rank, 0) == number - 1
        following = match_heading(self.next_paragraph) or match_doubtful_heading(self.next_paragraph)
        return following is not None and following[0] == scheme and to_int(following[1].group(1)) == 2

    def _outline_expected(self, numbers: list[int]) -> bool:
        """A decimal outline number where the outline expects it: 1.2.1 as the first child of the open
        item 1.2 (or the one after 1.2.1); a top-level 2 after 1, and 1 only if 1.1 follows it."""
        *prefix, number = numbers
        if not prefix:  # a top-level number: 1 needs 1.1 or 2 to follow, 2 needs 1 before it
            if number > 1:
                return self.outline_top == number - 1
            upcoming = (found[2] for paragraph in self.upcoming if (found := match_outline(paragraph)))
            return any(numbers in ([1, 1], [2]) for numbers in upcoming)
        path = ".".join(map(str, prefix))
        parent = next((item for item in self.stack if item.clause.path == path), None)
        return parent is not None and parent.last_child.get(len(prefix), 0) == number - 1

    def _plausible(self, rank: int, number: int) -> bool:
        """Numbers go up one at a time (a document may skip one): "9." after "2." is a sentence."""
        if number == 1:
            return True
        parent = next((item for item in reversed(self.stack) if item.rank < rank), None)
        last_sibling = (parent.last_child if parent else self.root_last_child).get(rank, 0)
        return number <= max(last_sibling, self.last_number.get(rank, 0)) + 2

    def _open(self, scheme: Scheme, written: str, number: int, body_at: int, *, paragraph: str,
              start: int, end: int) -> None:
        self._close_preamble()
        while self.stack and self.stack[-1].rank >= scheme.rank:
            self.stack.pop()
        if self.stack and not scheme.whole_path and self._is_numbering_slip(self.stack[-1], scheme.rank, number):
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        label = scheme.label_format.format(written)
        if scheme.whole_path and scheme.rank == 0:
            self.outline_top = number
        clause = Clause(
            path=label if scheme.whole_path else _child_path(parent, label),
            label=label,
            heading=_heading_text(paragraph[body_at:]),
            text=paragraph,
            start=start,
            end=end,
            parent_path=parent.clause.path if parent else None,
            depth=len(self.stack),
        )
        if parent:
            parent.has_children = True
        (parent.last_child if parent else self.root_last_child)[scheme.rank] = number
        self.last_number[scheme.rank] = number
        if number == 1:
            self.ones_seen[scheme.rank] = self.ones_seen.get(scheme.rank, 0) + 1
        self.stack.append(_Open(clause, scheme.rank, number))
        self._add(clause)

    def _is_numbering_slip(self, top: _Open, rank: int, number: int) -> bool:
        """赤峰's 四、 lists （一）（二）（三） and then "4.": a fourth sibling written in the wrong
        style, not a child of （三）. Straight-through numbering (通辽: 4. then 5. under （二）)
        is told apart because such a document never restarts at 1."""
        if top.has_children or top.rank >= rank or top.rank < 0 or number != top.number + 1:
            return False  # (rank < 0: an appendix holds its own numbering)
        straight_through = self.ones_seen.get(rank, 0) <= 1 and number == self.last_number.get(rank, 0) + 1
        return not straight_through

    # --- other kinds of paragraph -------------------------------------------------------------

    def _list_ended(self, paragraph: str) -> _Open | None:
        """The clause a paragraph after a list goes back to: "第五条 …下列材料：（一）…；（二）…。" and then
        "申请人应当…" is the 条's next 款, not part of （二）. A list has ended when the last item was a
        single paragraph, the list was introduced ("…：", or it is the 项 of a 条), and what follows
        this paragraph is not the list's next item. A paragraph that opens a list of its own ("…：")
        stays with its item."""
        if len(self.stack) < 2 or self.current is not self.stack[-1].clause or paragraph.endswith(("：", ":")):
            return None
        item, parent = self.stack[-1], self.stack[-2]
        if item.has_children or "\n" in self.text[item.clause.start:item.clause.end]:
            return None
        own = self.text[parent.clause.start:parent.clause.end].rstrip()
        if not (own.endswith(("：", ":")) or _ARTICLE.fullmatch(parent.clause.label)):
            return None
        following = next((found for p in self.upcoming[:_LIST_LOOKAHEAD] if (found := match_heading(p))), None)
        next_item = following is not None and following[0].rank == item.rank and to_int(following[1].group(1)) == item.number + 1
        return None if next_item else parent

    def _continuation(self, parent: _Open, paragraph: str, start: int, end: int) -> None:
        """A paragraph of `parent` after its list: the 条's next 款 (第二十五条第二款), else "续"."""
        while self.stack[-1] is not parent:
            self.stack.pop()
        siblings = sum(1 for c in self.clauses if c.parent_path == parent.clause.path and c.label.endswith(("款", "续")))
        if _ARTICLE.fullmatch(parent.clause.label):
            own = self.text[parent.clause.start:parent.clause.end].count("\n") + 1
            label = f"第{int_to_chinese(own + siblings + 1)}款"
        else:
            label = "续" if not siblings else f"续{siblings + 1}"
        clause = Clause(path=parent.clause.path + label, label=label, heading=_heading_text(paragraph), text=paragraph,
                        start=start, end=end, parent_path=parent.clause.path, depth=len(self.stack))
        self._add(clause)

    def _appendix(self, paragraph: str, start: int, end: int) -> None:
        self._close_preamble()
        word, number = _APPENDIX.match(paragraph).groups()  # type: ignore[union-attr]
        label = f"{word}{number}"
        existing = self.by_path.get(label)
        if existing is not None:  # "附件：《…》" in the body, then the appendix page "附件"
            self._extend(existing, end)
            self.current = existing
            return
        heading = re.sub(r"^附[件表]\S*?[:：]", "", paragraph).strip() if re.search("[:：]", paragraph) else ""
        clause = Clause(path=label, label=label, heading=heading, text=paragraph, start=start, end=end)
        self.stack = [_Open(clause, rank=-1, number=0)]
        self.appendices.add(label)
        self._add(clause)

    def _table_row(self, row: TableRow) -> None:
        self._close_preamble()
        parent = self.stack[-1].clause if self.stack else None
        prefix = f"{parent.path} " if parent else ""
        lead = next((units for name, units in row.units.items() if "牵头" in name), [])
        units = [unit for name_units in row.units.values() for unit in name_units]
        clause = Clause(
            path=f"{prefix}序号{row.number}",
            label=f"序号{row.number}",
            heading=_row_heading(row),
            text=row.text,
            start=row.start,
            end=row.end,
            parent_path=parent.path if parent else None,
            depth=1 if parent else 0,
            kind="table_row",
            units=list(dict.fromkeys(units)),
            lead_units=lead,
        )
        self._add(clause)

    def _table_note(self, paragraph: str, start: int, end: int) -> None:
        """Text after a table ("说明：…") belongs to the appendix, not to the last row."""
        parent_path = self.current.parent_path if self.current else None
        path = f"{parent_path} 说明" if parent_path else "表后说明"
        clause = Clause(path=path, label="说明", heading=_heading_text(paragraph), text=paragraph, start=start,
                        end=end, parent_path=parent_path, depth=1 if parent_path else 0)
        self._add(clause)

    def _back_matter(self, start: int, end: int) -> None:
        self._close_preamble()
        if not self.in_back_matter:
            self.in_back_matter = True
            self._add(Clause(path="版记", label="版记", heading="版记", text=self.text[start:end], start=start,
                             end=end, kind="back_matter"))
        else:
            self._extend(self.clauses[-1], end)

    # --- preamble and bookkeeping ---------------------------------------------------------------

    def _close_preamble(self) -> None:
        """Group the paragraphs before the first heading into 前言 clauses."""
        groups: list[list[tuple[int, int]]] = []
        pending: list[tuple[int, int]] = []
        for span in self.preamble:
            pending.append(span)
            if span[1] - span[0] >= _PREAMBLE_MIN_CHARS:
                groups.append(pending)
                pending = []
        if pending and groups:
            groups[-1].extend(pending)
        elif pending:
            groups.append(pending)
        for number, group in enumerate(groups, start=1):
            start, end = group[0][0], group[-1][1]
            first_long = next((s for s in group if s[1] - s[0] >= _PREAMBLE_MIN_CHARS), group[0])
            clause = Clause(path=f"前言{number}", label=f"前言{number}",
                            heading=_heading_text(self.text[first_long[0]:first_long[1]]),
                            text=self.text[start:end], start=start, end=end, kind="preamble")
            self.clauses.insert(number - 1, clause)
        self.preamble = []

    def _add(self, clause: Clause) -> None:
        self.clauses.append(clause)
        self.by_path.setdefault(clause.path, clause)
        self.current = clause

    def _extend(self, clause: Clause, end: int) -> None:
        """The text is cut once in `build`: re-slicing a growing clause per paragraph is quadratic."""
        clause.end = end


def _describe_appendix(appendix: Clause, has_items: bool) -> None:
    """An attachment's title is the line under "附表1" when it has none of its own; a blank form to fill
    in (mostly short label cells, hardly a sentence, no rows or items of its own) is kind "form", so it
    ranks after the articles."""
    lines = [line for line in appendix.text.split("\n")[1:] if line]
    if not appendix.heading and lines and len(lines[0]) <= _TITLE_MAX:
        appendix.heading = lines[0]
    cells = [line for line in lines[1:] if len(line) <= _FORM_CELL_MAX and "。" not in line]
    if not has_items and len(lines) >= _FORM_MIN_LINES and len(cells) >= _FORM_CELL_SHARE * (len(lines) - 1):
        appendix.kind = "form"


def _child_path(parent: _Open | None, label: str) -> str:
    """三（一） under 三; under an appendix with a space, 附件 一（一）, as its table rows (附件 序号6): 附件一 and
    附表2 name attachments themselves."""
    if parent is None:
        return label
    return f"{parent.clause.path} {label}" if parent.rank < 0 else parent.clause.path + label


def _heading_text(rest: str) -> str:
    """The words a heading line names itself by: up to the first 。 or an early ：, or a short whole
    line; a responsibility list closing it ("科技创新政策（由市科技局牵头实施）") is not part of its name."""
    rest = rest.strip()
    colon, period = re.search("[:：]", rest), rest.find("。")
    if colon and colon.start() <= 30 and (period < 0 or colon.start() < period):
        return rest[: colon.start()]
    heading = rest.split("。")[0][:60]
    units = unit_list_text(heading)
    return heading.removesuffix(units).strip() if units and heading.endswith(units) and heading != units else heading


def _row_heading(row: TableRow) -> str:
    for name, value in row.cells.items():
        if any(word in name for word in ("内容", "名称", "事项", "指标")):
            return value
    return next(iter(row.cells.values()), "")
