#!/usr/bin/env python3
"""Sums ONS local authority populations into police force areas.

    python3 data/england-wales/prepare.py /work/shared/research/raw

Reads the ONS mid-year population estimates by local authority (2021
geography; `ons-population/crime-pressure-force-2022-pop-data.csv.gz`) and
the ONS lookups from districts to police force areas (`boundaries/
LAD23_...` and, for districts merged before 2023, `LAD19_...`), and writes
`pfa-population.csv`: one row per force area and year, the sum of its
districts. Every district must have a force; nothing is estimated.
"""

import csv
import gzip
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(raw):
    raw = Path(raw)
    force = {}
    names = {}
    for path, lad, pfa, pfanm in [
        ("boundaries/LAD19_CSP19_PFA19_lookup_EW.csv", "LAD19CD", "PFA19CD", "PFA19NM"),
        ("boundaries/LAD23_CSP23_PFA23_lookup_EW.csv", "LAD23CD", "PFA23CD", "PFA23NM"),
    ]:
        for r in csv.DictReader(open(raw / path, encoding="utf-8-sig")):
            force[r[lad]] = r[pfa]
            names[r[pfa]] = r[pfanm]
    # Districts made in 2021 (North and West Northamptonshire) are in no
    # lookup here; both lie wholly in Northamptonshire's force area.
    force.setdefault("E06000061", "E23000022")
    force.setdefault("E06000062", "E23000022")
    totals = defaultdict(int)
    rows = csv.DictReader(gzip.open(raw / "ons-population/crime-pressure-force-2022-pop-data.csv.gz", "rt"))
    for r in rows:
        code = r["code"].strip().replace("\xa0", "")
        if code[0] not in "EW":
            continue
        if code not in force:
            sys.exit(f"no police force area for {code} {r['name']}")
        totals[(force[code], int(r["year"]))] += int(r["population"])
    with open(HERE / "pfa-population.csv", "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["pfa_code", "pfa_name", "year", "population"])
        for (code, year), n in sorted(totals.items()):
            w.writerow([code, names[code], year, n])
    print(f"{len({c for c, _ in totals})} force areas, {len(totals)} rows")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/research/raw")
