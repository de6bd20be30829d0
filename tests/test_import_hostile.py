"""`unitload import` given hostile exports: links, bombs and lies are refused in one line, nothing is written,
and no message prints a file's content or a whole cell."""

import re
import subprocess
import sys
import zipfile

import openpyxl
import pytest
from test_import import DUTY, EXPORTS, RMS, TAKEN, edited

from unitload.importing import readers
from unitload.importing.errors import ImportFailed, MappingError, SourceError
from unitload.importing.expressions import Compiler
from unitload.importing.run import import_exports

SECRET = "root:$6$not-a-real-hash:19000:0:99999:7:::"


def refused(tmp_path, exports, mappings=(RMS, DUTY), error=SourceError) -> str:
    out = tmp_path / "extract"
    with pytest.raises(error) as stopped:
        import_exports(list(mappings), [exports], out, extracted_at=TAKEN)
    assert not out.exists() and not list(tmp_path.glob(".extract.importing-*"))
    return str(stopped.value)


def test_an_export_that_is_a_link_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "shadow"
    secret.write_text(SECRET + "\n")
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t)
    (exports / "duty" / "absences.csv").unlink()
    (exports / "duty" / "absences.csv").symlink_to(secret)
    message = refused(tmp_path, exports)
    assert message.endswith("absences.csv: a symbolic link or not a regular file; give the export itself")
    assert "root:" not in message


def test_an_export_given_as_a_link_or_a_pipe_is_refused(tmp_path):
    link = tmp_path / "exports-link"
    link.symlink_to(EXPORTS)
    assert "a symbolic link" in refused(tmp_path, link)
    with pytest.raises(SourceError, match=r"^pipe.csv: not a regular file"):
        fifo = tmp_path / "pipe.csv"
        import os

        os.mkfifo(fifo)
        readers.read(fifo, sheet=None, header_row=1, delimiter=None, file_no=1)


def test_a_file_swapped_for_a_link_after_listing_is_not_followed(tmp_path):
    secret = tmp_path / "shadow.csv"
    secret.write_text(SECRET + "\n")
    swapped = tmp_path / "absences.csv"
    swapped.symlink_to(secret)  # what a race between listing and opening would leave
    with pytest.raises(SourceError) as stopped:
        readers.read(swapped, sheet=None, header_row=1, delimiter=None, file_no=1)
    assert str(stopped.value) == "absences.csv: a symbolic link; give the file itself"


def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_WORKBOOK_BYTES", 4_000)  # the fixture's workbook unpacks to more
    message = refused(tmp_path, EXPORTS)
    assert re.fullmatch(r"duty.xlsx: unpacks to [\d,]+ bytes, over the 4,000 a workbook may; export it as CSV", message)


def test_a_cell_longer_than_excel_allows_is_refused_and_never_quoted_whole(tmp_path):
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t + "P5,Training," + "9" * 40_000 + ",,\r\n")
    message = refused(tmp_path, exports)
    assert message == 'absences.csv, row 5, column "From": 40,000 characters, over the 32,767 a cell may hold'


def test_a_quoted_value_is_cut(tmp_path):
    exports = edited(tmp_path, "duty/absences.csv", lambda t: t + "P5," + "x" * 5_000 + ",02/11/2026,,\r\n")
    with pytest.raises(ImportFailed) as failed:
        import_exports([RMS, DUTY], [exports], tmp_path / "extract", extracted_at=TAKEN)
    line = failed.value.lines[0]
    assert line.startswith('absences.csv, row 5, column "Absence type": \'' + "x" * 80 + "… (4,920 more characters)'")
    assert len(line) < 300


def test_a_header_wider_than_a_sheet_is_refused(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i}" for i in range(100_000)) + "\n" + "x\n")
    with pytest.raises(SourceError, match=r"^wide.csv: 100,000 columns in the header, over the 16,384 a sheet has$"):
        readers.read(wide, sheet=None, header_row=1, delimiter=None, file_no=1)


def test_repeated_header_names_are_found_in_a_wide_header(tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{i % 8_000}" for i in range(16_000)) + "\n" + "x\n")
    with pytest.raises(SourceError, match=r"^wide.csv: the header names 'c0', 'c1', .* and 7,995 more more than once$"):
        readers.read(wide, sheet=None, header_row=1, delimiter=None, file_no=1)


def test_a_sheet_declaring_fewer_rows_than_it_holds_is_read_to_its_last_row(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Staff"
    for row in [["Staff No", "Name"], ["P1", "A"], ["P2", "B"], ["P3", "C"], ["P4", "D"]]:
        sheet.append(row)
    honest = tmp_path / "honest.xlsx"
    book.save(honest)
    lying = tmp_path / "lying.xlsx"  # the same parts, the sheet's <dimension> saying A1:B2
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(lying, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:B2"', data)
                assert b'ref="A1:B2"' in data
            target.writestr(item, data)
    frame = readers.read(lying, sheet="Staff", header_row=1, delimiter=None, file_no=1)
    assert frame["Staff No"].to_list() == ["P1", "P2", "P3", "P4"] and frame["_row"].to_list() == [2, 3, 4, 5]


def test_a_sheet_past_excels_rows_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MAX_ROWS", 3)
    with pytest.raises(SourceError, match=r"^duty.xlsx \[Staff\]: more than the 3 rows a sheet has$"):
        readers.read(EXPORTS / "duty" / "duty.xlsx", sheet="Staff", header_row=1, delimiter=None, file_no=1)


def test_rows_become_a_frame_block_by_block_with_their_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "BLOCK", 2)
    path = tmp_path / "rows.csv"
    path.write_text("a,b\n1,x\n\n2,y\n3,\n,\n4,z\n", newline="")
    frame = readers.read(path, sheet=None, header_row=1, delimiter=None, file_no=7)
    assert frame.to_dicts() == [
        {"a": "1", "b": "x", "_row": 2, "_file": "rows.csv", "_file_no": 7},
        {"a": "2", "b": "y", "_row": 4, "_file": "rows.csv", "_file_no": 7},
        {"a": "3", "b": "", "_row": 5, "_file": "rows.csv", "_file_no": 7},
        {"a": "4", "b": "z", "_row": 7, "_file": "rows.csv", "_file_no": 7},
    ]


@pytest.mark.parametrize("text", ["(" * 1_500 + 'col("Name")' + ")" * 1_500, "not " * 3_000 + "blank(col('Name'))"])
def test_an_expression_nested_past_reason_is_refused_in_one_line(text):
    with pytest.raises(MappingError) as stopped:
        Compiler("m.toml: tables.officers", ["Name"], {}).compile(text, "columns.display_name")
    assert str(stopped.value).startswith("m.toml: tables.officers: columns.display_name: ")
    assert len(str(stopped.value)) < 300


def test_a_full_disk_is_one_line_and_leaves_nothing(tmp_path):
    """`--out` on a small file system filled to the last block (a tmpfs: the suite runs as root, as CI does)."""
    room = tmp_path / "full"
    room.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(room)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        (room / "out").mkdir()
        with (room / "filler").open("wb", buffering=0) as filler, pytest.raises(OSError):
            while True:
                filler.write(b"\0" * 4096)
        result = subprocess.run(
            [sys.executable, "-m", "unitload", "import", "--mapping", str(RMS), "--mapping", str(DUTY)]
            + [str(EXPORTS), "--out", str(room / "out" / "extract"), "--extracted-at", "2026-10-31T06:00:00"],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 2
        expected = f"unitload: error: {room / 'out'}: no space left on the device; nothing was written"
        assert result.stderr.splitlines() == [expected]
        assert list((room / "out").iterdir()) == []
    finally:
        subprocess.run(["umount", str(room)], check=False)
