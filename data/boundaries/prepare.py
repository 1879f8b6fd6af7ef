#!/usr/bin/env python3
"""Makes the boundary sets `briefing` ships from ONS / London Datastore files.

Run once, from the repository root, when a set is added or updated:

    python3 data/boundaries/prepare.py /work/shared/research/raw/boundaries

Reads the ESRI shapefiles (British National Grid) and the London boroughs
TopoJSON (lon/lat, projected here to the National Grid with the same
transverse Mercator the tool applies to a user's GeoJSON), simplifies each
set once, and writes one compact JSON file a set:

    {"id", "title", "vintage", "attribution", "unit",
     "areas": [{"code", "name", "parent"?, "rings": [[x0, y0, dx1, dy1, ...], ...]}]}

Coordinates are National Grid eastings and northings in `unit` metres,
rounded to integers; each ring after its first point is stored as
differences from the point before, which keeps the files small. Rings are
closed implicitly (the first point is not repeated).

Shared borders stay shared: rings are cut into arcs at the points where
the set of areas a border belongs to changes, each arc is simplified once
(Douglas-Peucker) and used by every area it bounds, so neighbours never
gain gaps or overlaps. Only the Python standard library is used.
"""

import csv
import json
import math
import struct
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# --- projection: lon/lat -> British National Grid (OS transverse Mercator,
# Airy 1830 ellipsoid). lon/lat are taken as OSGB36: ETRS89/WGS84 differ from
# it by up to ~120 m in Great Britain, far below a printed point on any map
# here. src/input/projection.rs implements the same formula.
A, B = 6377563.396, 6356256.909
F0 = 0.9996012717
LAT0, LON0 = math.radians(49.0), math.radians(-2.0)
E0, N0 = 400000.0, -100000.0


def bng(lon, lat):
    phi, lam = math.radians(lat), math.radians(lon)
    e2 = 1 - (B * B) / (A * A)
    n = (A - B) / (A + B)
    s, c, t = math.sin(phi), math.cos(phi), math.tan(phi)
    nu = A * F0 / math.sqrt(1 - e2 * s * s)
    rho = A * F0 * (1 - e2) / (1 - e2 * s * s) ** 1.5
    eta2 = nu / rho - 1
    dp, sp = phi - LAT0, phi + LAT0
    m = B * F0 * (
        (1 + n + 1.25 * n * n + 1.25 * n ** 3) * dp
        - (3 * n + 3 * n * n + 21 / 8 * n ** 3) * math.sin(dp) * math.cos(sp)
        + (15 / 8 * n * n + 15 / 8 * n ** 3) * math.sin(2 * dp) * math.cos(2 * sp)
        - 35 / 24 * n ** 3 * math.sin(3 * dp) * math.cos(3 * sp)
    )
    i = m + N0
    ii = nu / 2 * s * c
    iii = nu / 24 * s * c ** 3 * (5 - t * t + 9 * eta2)
    iiia = nu / 720 * s * c ** 5 * (61 - 58 * t * t + t ** 4)
    iv = nu * c
    v = nu / 6 * c ** 3 * (nu / rho - t * t)
    vi = nu / 120 * c ** 5 * (5 - 18 * t * t + t ** 4 + 14 * eta2 - 58 * t * t * eta2)
    dl = lam - LON0
    north = i + ii * dl ** 2 + iii * dl ** 4 + iiia * dl ** 6
    east = E0 + iv * dl + v * dl ** 3 + vi * dl ** 5
    return east, north


# --- readers -----------------------------------------------------------------

def read_dbf(path):
    data = Path(path).read_bytes()
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields = []
    at = 32
    while data[at] != 0x0D:
        name = data[at:at + 11].split(b"\0")[0].decode("ascii")
        length = data[at + 16]
        fields.append((name, length))
        at += 32
    rows = []
    for r in range(count):
        rec = data[header_len + r * record_len: header_len + (r + 1) * record_len]
        pos = 1
        row = {}
        for name, length in fields:
            row[name] = rec[pos:pos + length].decode("utf-8").strip()
            pos += length
        rows.append(row)
    return rows


def read_shp(path):
    """Polygons (shape type 5) as lists of rings of (x, y)."""
    data = Path(path).read_bytes()
    at = 100
    shapes = []
    while at < len(data):
        _, length = struct.unpack(">II", data[at:at + 8])
        content = data[at + 8: at + 8 + 2 * length]
        at += 8 + 2 * length
        kind = struct.unpack("<i", content[:4])[0]
        if kind == 0:
            shapes.append([])
            continue
        assert kind == 5, kind
        nparts, npoints = struct.unpack("<ii", content[36:44])
        parts = list(struct.unpack("<%di" % nparts, content[44:44 + 4 * nparts]))
        base = 44 + 4 * nparts
        pts = [struct.unpack("<dd", content[base + 16 * k: base + 16 * k + 16]) for k in range(npoints)]
        parts.append(npoints)
        shapes.append([pts[parts[k]:parts[k + 1]] for k in range(nparts)])
    return shapes


def read_topojson(path):
    """Each geometry of the first object as (id, rings), projected."""
    t = json.loads(Path(path).read_text())
    sx, sy = t["transform"]["scale"]
    tx, ty = t["transform"]["translate"]
    arcs = []
    for arc in t["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append(bng(x * sx + tx, y * sy + ty))
        arcs.append(pts)

    def ring(indices):
        out = []
        for i in indices:
            pts = arcs[i] if i >= 0 else arcs[~i][::-1]
            out.extend(pts if not out else pts[1:])
        return out

    obj = next(iter(t["objects"].values()))
    result = []
    for g in obj["geometries"]:
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        result.append((g["id"], [ring(r) for p in polys for r in p]))
    return result


# --- simplification ------------------------------------------------------------

def douglas_peucker(pts, tol):
    if len(pts) < 3:
        return pts
    keep = [False] * len(pts)
    keep[0] = keep[-1] = True
    stack = [(0, len(pts) - 1)]
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = pts[i], pts[j]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for k in range(i + 1, j):
            x, y = pts[k]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else math.hypot(x - x1, y - y1)
            if d > best:
                best, at = d, k
        if best > tol:
            keep[at] = True
            stack.append((i, at))
            stack.append((at, j))
    return [p for p, k in zip(pts, keep) if k]


def ring_area(r):
    return 0.5 * sum(r[i][0] * r[(i + 1) % len(r)][1] - r[(i + 1) % len(r)][0] * r[i][1] for i in range(len(r)))


def simplify(areas, tol, min_ring):
    """areas: list of rings lists. Returns simplified rings lists, borders shared."""
    key = lambda p: (round(p[0], 3), round(p[1], 3))
    owners = {}
    for a, rings in enumerate(areas):
        for r, ring in enumerate(rings):
            ring = ring[:-1] if len(ring) > 1 and key(ring[0]) == key(ring[-1]) else ring
            areas[a][r] = ring
            for p in ring:
                owners.setdefault(key(p), set()).add(a)
    done = {}
    out = []
    for a, rings in enumerate(areas):
        new_rings = []
        biggest = max(range(len(rings)), key=lambda r: abs(ring_area(rings[r]))) if rings else 0
        for r, ring in enumerate(rings):
            if r != biggest and abs(ring_area(ring)) < min_ring:
                continue  # a tiny island or enclave: invisible when printed
            n = len(ring)
            fixed = [k for k in range(n)
                     if len(owners[key(ring[k])]) > 2
                     or owners[key(ring[k])] != owners[key(ring[k - 1])]
                     or owners[key(ring[k])] != owners[key(ring[(k + 1) % n])]]
            if not fixed:
                far = max(range(n), key=lambda k: math.hypot(ring[k][0] - ring[0][0], ring[k][1] - ring[0][1]))
                fixed = sorted({0, far})
            kept = []
            for f, start in enumerate(fixed):
                end = fixed[(f + 1) % len(fixed)]
                arc = [ring[(start + k) % n] for k in range((end - start) % n + 1 if end != start else n + 1)]
                forward = tuple(key(p) for p in arc)
                backward = forward[::-1]
                if backward in done:
                    simple = done[backward][::-1]
                else:
                    simple = done.setdefault(forward, [key(p) for p in douglas_peucker(arc, tol)])
                kept.extend(simple[:-1])
            if len(kept) >= 3 and abs(ring_area(kept)) > 0:
                new_rings.append(kept)
        out.append(new_rings)
    return out


def encode(rings, unit):
    encoded = []
    for ring in rings:
        pts = [(round(x / unit), round(y / unit)) for x, y in ring]
        # Points that round together are one point.
        pts = [p for i, p in enumerate(pts) if i == 0 or p != pts[i - 1]]
        if len(pts) > 1 and pts[0] == pts[-1]:
            pts.pop()
        if len(pts) < 3:
            continue
        flat = [pts[0][0], pts[0][1]]
        for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
            flat += [x1 - x0, y1 - y0]
        encoded.append(flat)
    return encoded


def write(name, meta, areas, unit):
    body = dict(meta, unit=unit, areas=[
        {k: v for k, v in (("code", a["code"]), ("name", a["name"]), ("parent", a.get("parent")),
                            ("rings", encode(a["rings"], unit))) if v is not None}
        for a in areas
    ])
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    (HERE / name).write_text(text + "\n", encoding="utf-8")
    points = sum(len(r) // 2 for a in body["areas"] for r in a["rings"])
    print(f"{name}: {len(areas)} areas, {points} points, {len(text.encode()) / 1024:.1f} KB")


OGL = "Contains public sector information licensed under the Open Government Licence v3.0."


def main(raw):
    raw = Path(raw)
    lookup = list(csv.DictReader(open(raw / "LAD23_CSP23_PFA23_lookup_EW.csv", encoding="utf-8-sig")))
    lad_pfa = {r["LAD23CD"]: r["PFA23CD"] for r in lookup}
    lad_name = {r["LAD23CD"]: r["LAD23NM"] for r in lookup}

    # London boroughs (London Datastore 2015, via vega-datasets), codes from the LAD lookup.
    by_name = {v: k for k, v in lad_name.items() if k.startswith("E09")}
    boroughs = read_topojson(raw / "london-boroughs.topo.json")
    rings = simplify([r for _, r in boroughs], tol=20.0, min_ring=20_000)
    areas = sorted(({"code": by_name[n], "name": n, "rings": rs} for (n, _), rs in zip(boroughs, rings)),
                   key=lambda a: a["code"])
    write("london-boroughs.json", {
        "id": "london-boroughs",
        "title": "London boroughs",
        "vintage": "2015",
        "source": "London Datastore, Statistical GIS Boundary Files for London (2015)",
        "attribution": "Contains National Statistics and Ordnance Survey data © Crown copyright and database right 2015. " + OGL,
    }, areas, unit=10)

    # Police force areas (ONS, December 2022, ultra generalised).
    shapes = read_shp(raw / "PFA_DEC_2022_EW_BUC_V2.shp")
    rows = read_dbf(raw / "PFA_DEC_2022_EW_BUC_V2.dbf")
    rings = simplify([s for s in shapes], tol=1500.0, min_ring=20_000_000)
    areas = sorted(({"code": r["PFA22CD"], "name": r["PFA22NM"], "rings": rs} for r, rs in zip(rows, rings)),
                   key=lambda a: a["code"])
    write("police-force-areas.json", {
        "id": "police-force-areas",
        "title": "Police force areas, England and Wales",
        "vintage": "December 2022",
        "source": "Office for National Statistics, Police Force Areas (December 2022) Boundaries EW BUC",
        "attribution": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right 2022.",
    }, areas, unit=100)

    # Local authority districts of England and Wales (ONS, December 2023), each with its force.
    shapes = read_shp(raw / "LAD_DEC_2023_UK_BUC.shp")
    rows = read_dbf(raw / "LAD_DEC_2023_UK_BUC.dbf")
    keep = [(r, s) for r, s in zip(rows, shapes) if r["LAD23CD"] in lad_pfa]
    rings = simplify([s for _, s in keep], tol=600.0, min_ring=2_000_000)
    areas = sorted(({"code": r["LAD23CD"], "name": r["LAD23NM"], "parent": lad_pfa[r["LAD23CD"]], "rings": rs}
                    for (r, _), rs in zip(keep, rings)), key=lambda a: a["code"])
    write("local-authorities.json", {
        "id": "local-authorities",
        "title": "Local authority districts, England and Wales",
        "vintage": "December 2023",
        "source": "Office for National Statistics, Local Authority Districts (December 2023) Boundaries UK BUC; LAD to CSP to PFA (December 2023) lookup",
        "attribution": "Source: Office for National Statistics licensed under the Open Government Licence v3.0. Contains OS data © Crown copyright and database right 2023.",
    }, areas, unit=50)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/research/raw/boundaries")
