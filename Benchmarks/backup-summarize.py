#!/usr/bin/env python3
"""Summarizes a run of Benchmarks/backup-bench.sh: medians, throughput, ratios, checks.

Reads $RAW (one row per timed run), $CHECKS (restored trees against the sources) and $LOGS
(stdout of every run: regkeeper's and restic's JSON reports, the change's summary); writes
$RESULTS/<stamp>-backup.md and .tsv and prints the markdown on stdout.
"""
import csv
import json
import os
import statistics

env = os.environ
RAW, CHECKS, LOGS, RESULTS, STAMP = (env[k] for k in ("RAW", "CHECKS", "LOGS", "RESULTS", "STAMP"))
TOOLS = env["TOOLS"].split()
SOURCE_BYTES = int(env["SOURCE_BYTES"])
SOURCE_FILES = int(env["SOURCE_FILES"])
PHASES = ("full", "incremental", "restore")
BASELINE = "tar-zstd"

rows = list(csv.DictReader(open(RAW), delimiter="\t"))
checks = list(csv.DictReader(open(CHECKS), delimiter="\t"))

COMMANDS = {
    ("full", "tar-zstd"): "`tar -cf - store projects \\| zstd -T0 -3 -o X`",
    ("full", "restic"): "`restic backup STORE PROJECTS` (fresh repo)",
    ("full", "regkeeper"): "`regkeeper backup --full` (zstd:3)",
    ("full", "regkeeper-lz4"): "`regkeeper backup --full --compression lz4`",
    ("incremental", "tar-zstd"): "the same tar + zstd again (no incremental)",
    ("incremental", "restic"): "`restic backup` again (parent snapshot)",
    ("incremental", "regkeeper"): "`regkeeper backup` (incremental)",
    ("incremental", "regkeeper-lz4"): "`regkeeper backup --compression lz4` (incremental)",
    ("restore", "tar-zstd"): "`zstd -dc X \\| tar -x`",
    ("restore", "restic"): "`restic restore latest`",
    ("restore", "regkeeper"): "`regkeeper restore` (full + incremental)",
    ("restore", "regkeeper-lz4"): "`regkeeper restore` (full + incremental, lz4)",
}


def runs(phase, tool):
    return [r for r in rows if r["phase"] == phase and r["tool"] == tool and r["exit"] == "0"]


def failed(phase, tool):
    return [r for r in rows if r["phase"] == phase and r["tool"] == tool and r["exit"] != "0"]


def med(phase, tool, key, cast=float):
    values = [cast(r[key]) for r in runs(phase, tool)]
    return statistics.median(values) if values else None


def mb(n):
    return f"{n / 1e6:,.1f}" if n is not None else "–"


def secs(x):
    return f"{x:.2f}" if x is not None else "–"


def report(phase, tool, rep):
    try:
        text = open(f"{LOGS}/{phase}.{tool}.{rep}.out").read()
    except FileNotFoundError:
        return None
    if tool.startswith("regkeeper"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return None
    for line in reversed(text.splitlines()):  # restic --json: the summary message
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            continue
        if d.get("message_type") == "summary":
            return d
    return None


summary = {}
for phase in PHASES:
    for tool in TOOLS:
        wall = med(phase, tool, "wall_s")
        if wall is None:
            continue
        flush = med(phase, tool, "flush_s")
        summary[(phase, tool)] = {
            "runs": len(runs(phase, tool)), "failed": len(failed(phase, tool)), "wall": wall, "flush": flush,
            "cpu": med(phase, tool, "cpu_s"), "rss": med(phase, tool, "max_rss_kb") / 1024,
            "out": med(phase, tool, "output_bytes", int),
            "tput": SOURCE_BYTES / wall / 1e6, "tput_flushed": SOURCE_BYTES / (wall + flush) / 1e6,
            "walls": [float(r["wall_s"]) for r in runs(phase, tool)],
            "other": med(phase, tool, "other_cpu_s"), "steal": med(phase, tool, "steal_s"),
        }

md = []
md.append(f"# Backup benchmark {STAMP}\n")
md.append(f"- Machine: {env.get('MACHINE', '?')}; disk write {env.get('DISK_WRITE', '?')} (dd, 1 GiB, fsync); "
          f"load average at the end {env.get('LOAD', '?')}")
md.append(f"- regkeeper: {env.get('RK_VERSION', '?')}")
md.append(f"- Others: {env.get('VERSIONS', '?')}")
md.append(f"- Store: `store-generator {env['STORE_ARGS']}`; source = store + projects: "
          f"{SOURCE_FILES:,} files, {SOURCE_BYTES / 1e6:,.1f} MB (projects {int(env['PROJECT_FILES']):,} files, "
          f"{int(env['PROJECT_BYTES']) / 1e6:,.2f} MB)")
try:
    change = json.load(open(f"{LOGS}/change.1.json"))
    md.append(f"- Change before the incremental: {change['images']} images pushed (new blobs and links), "
              f"{change['projectFilesEdited']} project files edited, {change['projectFilesAdded']} added, "
              f"{change['projectFilesDeleted']} deleted: {change['files']} files / {change['bytes'] / 1e6:,.2f} MB written")
except (FileNotFoundError, KeyError, json.JSONDecodeError):
    change = None
md.append(f"- {env['REPS']} repetitions, tools rotated by one place per repetition; medians. Wall time from the "
          "shell; CPU = user + system of the tool and its children; max RSS of the largest process (GNU time); "
          "flush = a `sync` right after the run (data the tool left for the kernel to write); "
          "throughput = source bytes / wall time (MB = 10^6 bytes); others CPU = CPU seconds the rest of the "
          "machine used during the run (machine noise; 2 cores give at most 2 s per second).\n")

for phase in PHASES:
    title = {"full": "Full backup", "incremental": "After the change (incremental where the tool has one)",
             "restore": "Restore of the newest backup (the state after the change)"}[phase]
    md.append(f"## {title}\n")
    out_name = {"full": "output MB", "incremental": "output added MB", "restore": "restored MB"}[phase]
    md.append(f"| tool | command | wall s | flush s | CPU s | max RSS MiB | {out_name} | throughput MB/s | vs tar+zstd | size vs tar+zstd | others CPU s | runs (wall s each) |")
    md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
    base = summary.get((phase, BASELINE))
    for tool in TOOLS:
        s = summary.get((phase, tool))
        if not s:
            md.append(f"| {tool} | {COMMANDS.get((phase, tool), '')} | failed | | | | | | | | | {len(failed(phase, tool))} failed |")
            continue
        speed = f"{s['tput'] / base['tput']:.2f}×" if base else "–"
        size = f"{s['out'] / base['out']:.3f}" if base and base["out"] and phase != "restore" else "–"
        each = ", ".join(f"{w:.2f}" for w in s["walls"])
        fail = f" ({s['failed']} failed)" if s["failed"] else ""
        md.append(f"| {tool} | {COMMANDS.get((phase, tool), '')} | {secs(s['wall'])} | {secs(s['flush'])} | {secs(s['cpu'])} | "
                  f"{s['rss']:.0f} | {mb(s['out'])} | {s['tput']:,.0f} | {speed} | {size} | {secs(s['other'])} | {each}{fail} |")
    md.append("")

# What the tools say they read (first repetition).
md.append("## What the incremental read\n")
md.append("| tool | files read | bytes read | files skipped | archive / data added | duration (own report) |")
md.append("|---|--:|--:|--:|--:|--:|")
for tool in TOOLS:
    r = report("incremental", tool, 1)
    if not r:
        continue
    if tool.startswith("regkeeper"):
        md.append(f"| {tool} | {r.get('filesRead', 0):,} | {mb(r.get('bytesRead'))} MB | {r.get('filesSkipped', 0):,} | "
                  f"{mb(r.get('archiveBytes'))} MB | {r.get('durationSeconds', 0):.2f} s |")
    else:
        md.append(f"| {tool} | {r.get('files_new', 0) + r.get('files_changed', 0):,} new or changed | – | "
                  f"{r.get('files_unmodified', 0):,} | {mb(r.get('data_added'))} MB | {r.get('total_duration', 0):.2f} s |")
md.append("")

# Checks.
md.append("## Checks: restored trees against the sources\n")
md.append("| tool | tree | reps with identical content | entries | mtimes differing (ns / s / of which symlinks, ns) |")
md.append("|---|---|--:|--:|---|")
all_ok = True
for tool in TOOLS:
    for tree in ("store", "projects"):
        mine = [c for c in checks if c["tool"] == tool and c["tree"] == tree]
        if not mine:
            continue
        results = []
        for c in mine:
            try:
                results.append(json.loads(c["result"]))
            except json.JSONDecodeError:
                results.append({"content": False, "differences": [c["result"][:200]]})
        ok = sum(1 for r in results if r.get("content"))
        all_ok &= ok == len(results)
        r = results[0]
        md.append(f"| {tool} | {tree} | {ok} / {len(results)} | {r.get('entries', '?'):,} | "
                  f"{r.get('mtime_ns_differ', '?')} / {r.get('mtime_s_differ', '?')} / {r.get('symlink_mtime_ns_differ', '?')} |")
        for r in results:
            if not r.get("content"):
                md.append(f"|  | | differences: {'; '.join(r.get('differences', []))[:400]} | | |")
md.append("")

# The goal.
md.append("## Against the goal (≥ 1.5× the throughput of tar+zstd at no larger size)\n")
b = summary.get(("full", BASELINE))
for tool in ("regkeeper", "regkeeper-lz4"):
    s = summary.get(("full", tool))
    if not (b and s):
        continue
    ratio = s["tput"] / b["tput"]
    ratio_flushed = s["tput_flushed"] / b["tput_flushed"]
    size = s["out"] / b["out"]
    verdict = "met" if ratio >= 1.5 and size <= 1.0 else "not met"
    md.append(f"- {tool} full: {s['tput']:,.0f} MB/s vs tar+zstd {b['tput']:,.0f} MB/s = **{ratio:.2f}×** "
              f"({ratio_flushed:.2f}× counting the flush after each), size {size:.3f}× of tar+zstd: **{verdict}**"
              + ("" if ratio >= 1.5 else f" (needs {1.5 / ratio:.2f}× more speed)"))
i = summary.get(("incremental", "regkeeper"))
f = summary.get(("full", "regkeeper"))
if i and f and change:
    md.append(f"- regkeeper incremental: {i['wall']:.2f} s = {i['wall'] / f['wall'] * 100:.1f} % of its full backup "
              f"for a change of {change['bytes'] / SOURCE_BYTES * 100:.2f} % of the bytes")
md.append(f"- Every restored tree identical to its source: **{'yes' if all_ok else 'NO'}**")
md.append("")

text = "\n".join(md)
open(f"{RESULTS}/{STAMP}-backup.md", "w").write(text)
with open(f"{RESULTS}/{STAMP}-backup.tsv", "w") as t:
    t.write("phase\ttool\truns\tfailed\twall_s\tflush_s\tcpu_s\tmax_rss_mib\toutput_bytes\tthroughput_mb_s\t"
            "throughput_vs_tar_zstd\tsize_vs_tar_zstd\tothers_cpu_s\twalls\n")
    for (phase, tool), s in summary.items():
        base = summary.get((phase, BASELINE))
        t.write(f"{phase}\t{tool}\t{s['runs']}\t{s['failed']}\t{s['wall']:.3f}\t{s['flush']:.3f}\t{s['cpu']:.2f}\t{s['rss']:.1f}\t"
                f"{s['out']}\t{s['tput']:.1f}\t{(s['tput'] / base['tput']) if base else float('nan'):.3f}\t"
                f"{(s['out'] / base['out']) if base and base['out'] else float('nan'):.4f}\t{s['other']:.2f}\t"
                f"{','.join(f'{w:.3f}' for w in s['walls'])}\n")
print(text)
