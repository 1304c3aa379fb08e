#!/usr/bin/env python3
"""Derive node/assets/icd10cm_derm.tsv from the CDC ICD-10-CM files shipped in the
PyPI package simple-icd-10-cm (its data/ folder: the tabular XML and the code list).

    pip download --no-deps simple-icd-10-cm==1.5.0 && unzip simple_icd_10_cm-*.whl
    python3 icd10cm_derm_extract.py simple_icd_10_cm/data > icd10cm_derm.tsv

Membership and billability come from the code list (a code is billable when no other
code extends it); descriptions from the tabular XML, with 7th-character extensions
described as "<parent description>, <extension>" the way CMS writes them.
"""
import glob
import os
import re
import sys
import xml.etree.ElementTree as ET

PACKAGE = "simple-icd-10-cm 1.5.0 (PyPI)"

# Code prefixes (without dots) taken whole, with every descendant.
WHOLE = ["A46", "B00", "B01", "B02", "B07", "B081", "B35", "B36", "B37", "B85", "B86",
         "C43", "C44", "D03", "D04", "D1801", "D22", "D23", "D485", "Q80", "Q81", "Q82",
         "R20", "R21", "R22", "R23", "T691", "Z1283", "Z85820", "Z85828"]
# Frostbite of skin: only the category and its first level.
T33_MAX_LEN = 4


def wanted(code):
    if re.fullmatch(r"L\d\d.*", code):
        return True
    if code.startswith("T33"):
        return len(code) <= T33_MAX_LEN
    return any(code.startswith(p) for p in WHOLE)


def dotted(code):
    return code if len(code) <= 3 else code[:3] + "." + code[3:]


def descriptions(xml_path):
    """Map undotted code -> description, including 7th-character extensions."""
    out = {}

    def walk(diag, seventh):
        name = diag.findtext("name").replace(".", "")
        desc = " ".join(diag.findtext("desc").split())
        out[name] = desc
        sdef = diag.find("sevenChrDef")
        if sdef is not None:
            seventh = {e.get("char"): " ".join(e.text.split()) for e in sdef.findall("extension")}
        if seventh:
            base = name.ljust(6, "X")
            for ch, ext in seventh.items():
                out.setdefault(base + ch, f"{desc}, {ext}")
        for child in diag.findall("diag"):
            walk(child, seventh)

    root = ET.parse(xml_path).getroot()
    for chapter in root.findall("chapter"):
        for section in chapter.findall("section"):
            for diag in section.findall("diag"):
                walk(diag, None)
    return out, root.findtext("version")


def main(data_dir):
    xml_path = glob.glob(os.path.join(data_dir, "*tabular*.xml"))[0]
    list_path = glob.glob(os.path.join(data_dir, "code-list-*.txt"))[0]
    desc, year = descriptions(xml_path)
    codes = [c.strip() for c in open(list_path, encoding="utf-8")]
    codes = [c for c in codes if re.fullmatch(r"[A-Z]\d[0-9A-Z]{1,5}", c)]
    all_codes = sorted(set(codes))
    rows = []
    for i, code in enumerate(all_codes):
        if not wanted(code):
            continue
        nxt = all_codes[i + 1] if i + 1 < len(all_codes) else ""
        billable = 0 if nxt.startswith(code) else 1
        if code not in desc:
            sys.exit(f"no description for {code}")
        rows.append((dotted(code), desc[code], billable))
    rows.sort(key=lambda r: r[0])
    release = os.path.basename(list_path)[len("code-list-"):-len(".txt")]
    print(f"# source: {PACKAGE}, ICD-10-CM {year} ({release} release, CDC tabular list); public domain")
    for code, text, billable in rows:
        print(f"{code}\t{text}\t{billable}")


if __name__ == "__main__":
    main(sys.argv[1])
