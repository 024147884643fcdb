#!/usr/bin/env python3
"""Writes hostile import files (issue 18) into a directory, one per attack, each small:
    python3 bench/import_bombs.py DIR
Used by bench/import_bombs.sh, which times the release binary refusing each one. The same
files are built in Rust by tests/it/spreadsheet_limits.rs; this is the stand-alone copy for
measuring (Python's zlib deflates a gigabyte of zeros in seconds)."""

import os
import sys
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
</Types>"""
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>"""
WORKBOOK = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="Acties" sheetId="1" r:id="rId1"/></sheets></workbook>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PKG}">
<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>
<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/>
</Relationships>"""
HEADER_ROW = '<row r="1"><c r="A1" t="inlineStr"><is><t>title</t></is></c></row>'


def sheet(rows, dimension=None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{dim}<sheetData>{rows}</sheetData></worksheet>'


def workbook(path, parts, streams=()):
    """An XLSX of the usual parts, `parts` (name -> text) replacing or adding some, and
    `streams` (name, chunk, count) written as `chunk` repeated `count` times."""
    base = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/worksheets/sheet1.xml": sheet(HEADER_ROW),
    }
    base.update(parts)
    streamed = {name for name, _, _ in streams}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in base.items():
            if name not in streamed:
                zf.writestr(name, text)
        for name, chunk, count in streams:
            with zf.open(name, "w", force_zip64=True) as part:
                for _ in range(count):
                    part.write(chunk)


def column(n):
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def laughs():
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)
    )
    return f"<!DOCTYPE lolz [{entities}]>"


def main(out):
    os.makedirs(out, exist_ok=True)
    mib = 1 << 20
    zeros = b"\0" * mib

    # Cells at A1 and XFD1048576: a dense range of 16384 x 1048576 cells.
    sparse_rows = HEADER_ROW + '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    workbook(f"{out}/sparse.xlsx", {"xl/worksheets/sheet1.xml": sheet(sparse_rows, "A1:XFD1048576")})
    workbook(f"{out}/sparse-no-dimension.xlsx", {"xl/worksheets/sheet1.xml": sheet(sparse_rows)})

    # A gigabyte of zeros as the sheet, and as a picture nobody reads.
    workbook(f"{out}/deflate-sheet.xlsx", {}, [("xl/worksheets/sheet1.xml", zeros, 1024)])
    workbook(f"{out}/deflate-picture.xlsx", {}, [("xl/media/image1.png", zeros, 1024)])
    # 512 MB of well-formed XML: an empty styled cell, over and over.
    cells = b'<c r="A2" s="0"/>' * 4096
    with zipfile.ZipFile(f"{out}/deflate-cells.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in {
            "[Content_Types].xml": CONTENT_TYPES,
            "_rels/.rels": ROOT_RELS,
            "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        }.items():
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(b'<worksheet xmlns="' + MAIN.encode() + b'"><sheetData><row r="1">')
            for _ in range(512 * mib // len(cells)):
                part.write(cells)
            part.write(b"</row></sheetData></worksheet>")

    # Billion laughs in the shared strings.
    strings = f'<?xml version="1.0"?>{laughs()}<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    workbook(f"{out}/laughs.xlsx", {"xl/sharedStrings.xml": strings})

    # calamine reserves uniqueCount strings before reading one: 4e9 x 24 bytes.
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="4000000000"><si><t>title</t></si></sst>'
    workbook(f"{out}/unique-count.xlsx", {"xl/sharedStrings.xml": strings})

    # calamine copies a style's number format into each style: 900 kB x 50,000 styles.
    xfs = '<xf numFmtId="164"/>' * 50_000
    styles = (
        f'<?xml version="1.0"?><styleSheet xmlns="{MAIN}"><numFmts count="1">'
        f'<numFmt numFmtId="164" formatCode="{"0" * 900_000}"/></numFmts>'
        f'<cellXfs count="50000">{xfs}</cellXfs></styleSheet>'
    )
    workbook(f"{out}/styles.xlsx", {"xl/styles.xml": styles})

    # One shared text of 39 kB in 10,000 x 40 cells: 15 GB of copies.
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="1"><si><t>{"x" * 39_000}</t></si></sst>'
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{column(c)}{r}" t="s"><v>0</v></c>' for c in range(40)) + "</row>"
        for r in range(1, 10_001)
    )
    workbook(f"{out}/shared-text.xlsx", {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet(rows)})

    # Records calamine keeps one of for each entry, in parts under the 32 MB limit: 620,000
    # sheets, 560,000 defined names, 210,000 relationships.
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 2}" r:id="rId1"/>' for i in range(620_000))
    workbook(f"{out}/many-sheets.xlsx", {"xl/workbook.xml": WORKBOOK.replace("</sheets>", sheets + "</sheets>")})
    names = "".join(f'<definedName name="n{i}">Acties!$A$1</definedName>' for i in range(560_000))
    workbook(f"{out}/many-names.xlsx", {"xl/workbook.xml": WORKBOOK.replace("</workbook>", f"<definedNames>{names}</definedNames></workbook>")})
    rels = "".join(f'<Relationship Id="rId{i + 10}" Type="{REL}/worksheet" Target="worksheets/x{i}.xml"/>' for i in range(210_000))
    workbook(f"{out}/many-relationships.xlsx", {"xl/_rels/workbook.xml.rels": WORKBOOK_RELS.replace("</Relationships>", rels + "</Relationships>")})

    # Not an attack but the most text the limits let through: 800 different shared texts of
    # 39 kB (31 MB), one in each of 800 rows' descriptions; read, and every row reported.
    count = 800
    strings = "".join(f"<si><t>{i:06d}{'x' * 38_990}</t></si>" for i in range(count))
    strings = f'<?xml version="1.0"?><sst xmlns="{MAIN}" uniqueCount="{count}">{strings}</sst>'
    names = ["title", "description", "area", "ministry", "theme", "planned_start", "planned_end"]
    values = ["rotterdam-zuid", "SZW", "debt", "2021-01-01", "2021-12-31"]
    inline = lambda ref, text: f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'
    rows = '<row r="1">' + "".join(inline(f"{column(i)}1", n) for i, n in enumerate(names)) + "</row>"
    for r in range(2, count + 2):
        cells = inline(f"A{r}", f"Actie {r}") + f'<c r="B{r}" t="s"><v>{r - 2}</v></c>'
        cells += "".join(inline(f"{column(i + 2)}{r}", v) for i, v in enumerate(values))
        rows += f'<row r="{r}">{cells}</row>'
    workbook(f"{out}/at-the-limits.xlsx", {"xl/sharedStrings.xml": strings, "xl/worksheets/sheet1.xml": sheet(rows)})

    # 50,000 empty parts.
    with zipfile.ZipFile(f"{out}/many-parts.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": ROOT_RELS}.items():
            zf.writestr(name, text)
        for n in range(50_000):
            zf.writestr(f"p/{n}", b"")

    header = "title,area,ministry,theme,planned_start,planned_end\n"
    row = "Schuldhulp,rotterdam-zuid,SZW,debt,2021-01-01,2021-12-31\n"
    with open(f"{out}/too-large.csv", "w") as f:
        f.write(header + row * (11 * mib // len(row)))
    with open(f"{out}/too-many-rows.csv", "w") as f:
        f.write(header + row * 10_001)
    # One line of five million fields.
    with open(f"{out}/wide.csv", "w") as f:
        f.write(header + "x," * (5_000_000 - 1) + "x\n")
    for name in sorted(os.listdir(out)):
        print(f"{name:28} {os.path.getsize(os.path.join(out, name)):>10} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/.bombs")
