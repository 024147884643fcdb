#!/usr/bin/env python3
"""Turns the raw figures of one bench/load.sh run into the Markdown for bench/RESULTS.md:
every measurement, the write checks, the scale-out, and each target met or not with its ratio.

Usage: python3 bench/report.py HEAD_FILE TSV_FILE
"""

import sys
from collections import defaultdict

head_file, tsv_file = sys.argv[1], sys.argv[2]
head = [line.rstrip("\n") for line in open(head_file) if line.strip()]

rows = []
info = defaultdict(dict)
for line in open(tsv_file):
    parts = line.rstrip("\n").split("\t")
    if not parts or not parts[0]:
        continue
    if parts[0].startswith("#"):
        kind = parts[0][1:]
        key = tuple(p for p in parts[1:] if "=" not in p)
        values = dict(p.split("=", 1) for p in parts[1:] if "=" in p)
        info[kind][key] = values
        continue
    backend, dataset, test, conns, rps, p50, p99, non2xx, errors, kb, rss, load = parts
    rows.append(
        dict(
            backend=backend,
            dataset=dataset,
            test=test,
            conns=int(conns),
            rps=float(rps),
            p50=float(p50),
            p99=float(p99),
            non2xx=int(non2xx),
            errors=int(errors),
            kb=float(kb),
            rss=rss,
            load=load,
        )
    )


def find(backend, dataset, test, conns):
    for r in rows:
        if (r["backend"], r["dataset"], r["test"], r["conns"]) == (backend, dataset, test, conns):
            return r
    return None


NAMES = {
    "a": "(a) reference: plaintext",
    "a2": "(a2) reference: 100 actions in memory",
    "b": "(b) an area's roll-up",
    "c": "(c) an area's action list (limit 100)",
    "c*": "(c*) 100 actions, no filter",
    "d": "(d) chart areas-status.svg",
    "e": "(e) POST a progress update",
}

out = []
out.append("#### Run of " + head[0].split(": ", 1)[1])
out.append("")
for line in head[1:]:
    out.append("- " + line)
out.append("")
sizes = ", ".join(
    f"{k[0]}/{k[1]}: {v.get('actions')} actions, {v.get('in_area')} in the area"
    for k, v in info["info"].items()
)
if sizes:
    out.append(f"Data: {sizes}.")
    out.append("")
out.append("| backend | data | test | conns | req/s | × (a2) | p50 ms | p99 ms | non-2xx | errors | kB/answer | peak RSS MB | load avg |")
out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
for r in rows:
    ref = find(r["backend"], r["dataset"], "a2", r["conns"])
    ratio = f"{r['rps'] / ref['rps']:.2f}" if ref and ref["rps"] and r["test"] not in ("a", "a2") else ""
    out.append(
        f"| {r['backend']} | {r['dataset']} | {NAMES.get(r['test'], r['test'])} | {r['conns']} | "
        f"{r['rps']:,.0f} | {ratio} | {r['p50']:.2f} | {r['p99']:.2f} | {r['non2xx']} | {r['errors']} | {r['kb']:.1f} | "
        f"{r['rss']} | {r['load']} |"
    )
out.append("")

if info["cold"]:
    out.append("First request after start (cold caches), one `curl`, seconds:")
    out.append("")
    out.append("| backend | data | chart areas-status.svg | roll-up of the area |")
    out.append("|---|---|---:|---:|")
    for key, v in info["cold"].items():
        out.append(f"| {key[0]} | {key[1]} | {float(v['chart_s']):.3f} | {float(v['rollup_s']):.3f} |")
    out.append("")

if info["writes"]:
    out.append("Writes (e): 2xx answers wrk counted, and rows with that run's note after SIGKILL of the server:")
    out.append("")
    out.append("| backend | data | conns | acknowledged | stored | all acknowledged stored |")
    out.append("|---|---|---:|---:|---:|---|")
    for key, v in info["writes"].items():
        ack, stored = int(v["acknowledged"]), int(v["stored"])
        out.append(f"| {key[0]} | {key[1]} | {key[2]} | {ack} | {stored} | {'yes' if stored >= ack else 'NO'} |")
    out.append("")

# ---- targets ------------------------------------------------------------------------------
targets = []


def target(name, measured, met, r=None):
    # A run that got no answers, or refusals and errors, meets no target whatever its figures.
    if r is not None and (r["rps"] <= 0 or r["non2xx"] > 0 or r["errors"] > 0):
        met = False
        measured += f" ({r['rps']:,.0f} req/s, {r['non2xx']} non-2xx, {r['errors']} errors)"
    targets.append((name, measured, "met" if met else "**not met**"))


for conns in (16, 64):
    ref = find("sqlite", "demo", "a2", conns)
    for test in ("b", "c"):
        r = find("sqlite", "demo", test, conns)
        if ref and r:
            ratio = r["rps"] / ref["rps"]
            target(
                f"({test}) ≥ 50 % of (a2) req/s, demo, SQLite, {conns} conns",
                f"{r['rps']:,.0f} / {ref['rps']:,.0f} = {ratio:.2f}",
                ratio >= 0.5,
            )
for backend in ("sqlite", "postgres"):
    for dataset in ("demo", "large"):
        for test in ("b", "c", "d"):
            r = find(backend, dataset, test, 64)
            if r:
                target(
                    f"({test}) p99 < 10 ms at 64 conns, {dataset}, {backend}",
                    f"{r['p99']:.2f} ms",
                    r["p99"] < 10,
                    r,
                )
for backend in ("sqlite", "postgres"):
    for conns in (16, 64):
        for test in ("b", "c"):
            small, large = find(backend, "demo", test, conns), find(backend, "large", test, conns)
            if small and large:
                ratio = large["rps"] / small["rps"]
                target(
                    f"({test}) large keeps > 50 % of demo req/s, {backend}, {conns} conns",
                    f"{large['rps']:,.0f} / {small['rps']:,.0f} = {ratio:.2f}",
                    ratio > 0.5,
                )
for key, v in info["writes"].items():
    backend, dataset, conns = key
    if backend != "sqlite":
        continue
    r = find(backend, dataset, "e", int(conns))
    ack, stored = int(v["acknowledged"]), int(v["stored"])
    if r:
        target(
            f"(e) ≥ 2,000 acknowledged writes/s, every one stored, {dataset}, SQLite, {conns} conns",
            f"{r['rps']:,.0f}/s, non-2xx {r['non2xx']}, acknowledged {ack}, stored {stored}",
            r["rps"] >= 2000 and stored >= ack and r["non2xx"] == 0,
        )
for backend in ("sqlite", "postgres"):
    for dataset in ("demo", "large"):
        for conns in (16, 64):
            r = find(backend, dataset, "d", conns)
            if r:
                target(
                    f"(d) a chart under 10 ms (p50), {dataset}, {backend}, {conns} conns",
                    f"p50 {r['p50']:.2f} ms, p99 {r['p99']:.2f} ms",
                    r["p50"] < 10,
                    r,
                )
app_rss = [float(r["rss"]) for r in rows if r["test"] not in ("a", "a2") and "+" not in r["rss"] and r["rss"] != "?"]
for r in rows:
    if "+" in r["rss"]:
        app_rss.extend(float(x) for x in r["rss"].split("+") if x != "?")
if app_rss:
    target("peak RSS of the server < 150 MB (every run)", f"max {max(app_rss):.1f} MB", max(app_rss) < 150)

scale = [(r1, find("postgres", "scaleout-2", r1["test"], 64)) for r1 in rows if r1["dataset"] == "scaleout-1"]
if scale:
    out.append("Scale-out on PostgreSQL (demo data, 64 connections in total; one worker per instance, each instance pinned to its own core):")
    out.append("")
    out.append("| test | one instance req/s | two instances req/s | × | p99 ms one / two | non-2xx one / two |")
    out.append("|---|---:|---:|---:|---|---|")
    for one, two in scale:
        if two:
            out.append(
                f"| {NAMES[one['test']]} | {one['rps']:,.0f} | {two['rps']:,.0f} | {two['rps'] / one['rps']:.2f} | "
                f"{one['p99']:.2f} / {two['p99']:.2f} | {one['non2xx']} / {two['non2xx']} |"
            )
            target(
                f"scale-out: two instances serve more than one, ({one['test']})",
                f"{two['rps']:,.0f} / {one['rps']:,.0f} = {two['rps'] / one['rps']:.2f}",
                two["rps"] > one["rps"],
            )
    out.append("")
for key, v in info["consistency"].items():
    ok = v["same_totals"] == "True" and v["list_total_equals_db"] == "True" and v["write_via_two_seen_by_one"] == "True"
    ok = ok and int(v["stored"]) >= int(v["acknowledged"])
    target(
        "scale-out: no inconsistency (same totals from both; a write through one is seen by the other; acknowledged writes stored)",
        f"same totals {v['same_totals']}, list total = database {v['list_total_equals_db']}, "
        f"write via two seen by one {v['write_via_two_seen_by_one']}, acknowledged {v['acknowledged']}, stored {v['stored']}",
        ok,
    )

out.append("Targets:")
out.append("")
out.append("| target | measured | |")
out.append("|---|---|---|")
for name, measured, met in targets:
    out.append(f"| {name} | {measured} | {met} |")
out.append("")
print("\n".join(out))
