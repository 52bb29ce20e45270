#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# render.py OUTDIR SOURCE... -- turns the project's man page sources (a small
# markdown subset, see doc/man/README.md) into roff man pages, one file per
# name listed in a source's header, and prints the files it wrote.
import os, re, sys

HEADER = re.compile(r"^(\w+):\s*(.*)$")


def inline(text):
    """Escapes roff specials and renders **bold**, *italic* and `code` (bold)."""
    text = text.replace("\\*", "\x00").replace("\\", "\\e")
    out, i = [], 0
    pat = re.compile(r"\*\*(.+?)\*\*|`(.+?)`|\*(.+?)\*")
    for m in pat.finditer(text):
        out.append(text[i:m.start()])
        if m.group(1) is not None:
            out.append(r"\fB" + m.group(1) + r"\fR")
        elif m.group(2) is not None:
            out.append(r"\fB" + m.group(2) + r"\fR")
        else:
            out.append(r"\fI" + m.group(3) + r"\fR")
        i = m.end()
    out.append(text[i:])
    line = "".join(out).replace("\x00", "*")
    if line.startswith((".", "'")):
        line = r"\&" + line
    return line


def render(src):
    lines = open(src, encoding="utf-8").read().split("\n")
    if lines[0] != "---":
        raise SystemExit(f"{src}: must start with a --- header")
    meta, i = {}, 1
    while lines[i] != "---":
        m = HEADER.match(lines[i])
        if not m:
            raise SystemExit(f"{src}:{i + 1}: bad header line")
        meta[m.group(1)] = m.group(2)
        i += 1
    body = lines[i + 1:]
    names = meta["names"].split()
    sec = meta["section"]
    title = meta.get("title", names[0]).upper()
    roff = [f'.TH "{title}" "{sec}" "2026-01-01" "pmem2 {meta.get("version", "1.0")}" "{meta.get("manual", "pmem2 manual")}"',
            ".SH NAME", ", ".join(names) + r" \- " + inline(meta["brief"])]
    in_code = False
    para_open = False
    for k, raw in enumerate(body):
        line = raw.rstrip()
        nxt = body[k + 1] if k + 1 < len(body) else ""
        if line.startswith("```"):
            roff += [".fi", ".in"] if in_code else [".PP", ".in +4n", ".nf"]
            in_code = not in_code
            para_open = False
            continue
        if in_code:
            esc = line.replace("\\", "\\e")
            roff.append("\\&" + esc if esc else ".sp")
            continue
        if not line:
            para_open = False
        elif line.startswith("# "):
            roff.append(".SH " + line[2:].upper())
            para_open = False
        elif line.startswith("## "):
            roff.append(".SS " + line[3:])
            para_open = False
        elif line.startswith("- "):
            roff += [".IP \\(bu 2", inline(line[2:])]
            para_open = True
        elif line.startswith(": "):
            roff.append(inline(line[2:]))  # the definition of the term above
            para_open = True
        elif nxt.startswith(": "):
            roff += [".TP", inline(line)]  # a term; its definition follows
            para_open = True
        else:
            # Each line of prose is a paragraph of its own.
            roff += [".PP", inline(line)]
            para_open = False
    if in_code:
        raise SystemExit(f"{src}: unterminated code block")
    return names, sec, "\n".join(roff) + "\n"


def main():
    outdir, sources = sys.argv[1], sys.argv[2:]
    os.makedirs(outdir, exist_ok=True)
    for src in sources:
        names, sec, text = render(src)
        for name in names:
            path = os.path.join(outdir, f"{name}.{sec}")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            print(path)


if __name__ == "__main__":
    main()
