#!/usr/bin/env python3
"""Summarizes a run of Benchmarks/run.sh: medians, ratios, and the garbage-list checks.

Reads $RAW (one row per timed run), $OUT/<store>.<mode>.<tool>.out (first timed run's stdout)
and $WORK/stores/<store>/{stats.json,expected/}; writes $RESULTS/<stamp>.md and .tsv and
prints the markdown on stdout.
"""
import csv
import json
import os
import statistics
import sys

WORK, OUT, RAW, RESULTS, STAMP = (os.environ[k] for k in ("WORK", "OUT", "RAW", "RESULTS", "STAMP"))
STORES = os.environ["STORES"].split()
MODES = ("default", "untagged")
MODE_FLAGS = {"default": "--dry-run", "untagged": "--dry-run --delete-untagged"}

rows = list(csv.DictReader(open(RAW), delimiter="\t"))


def runs(store, mode, tool):
    return [r for r in rows if r["store"] == store and r["mode"] == mode and r["tool"] == tool]


def median(values):
    return statistics.median(values) if values else None


def lines(path):
    try:
        return open(path).read().split()
    except FileNotFoundError:
        return None


def stock_list(store, mode):
    try:
        text = open(f"{OUT}/{store}.{mode}.stock.out").read().splitlines()
    except FileNotFoundError:
        return None
    prefix = "blob eligible for deletion: "
    return sorted(l[len(prefix):].strip() for l in text if l.startswith(prefix))


def regkeeper_report(store, mode):
    try:
        return json.load(open(f"{OUT}/{store}.{mode}.regkeeper.out"))
    except (FileNotFoundError, json.JSONDecodeError) as e:
        return {"_error": str(e)}


def show(digests, limit=5):
    digests = sorted(digests)
    more = f" (+{len(digests) - limit} more)" if len(digests) > limit else ""
    return ", ".join(d.replace("sha256:", "")[:12] for d in digests[:limit]) + more


checks = []  # (store, mode, ok, text)
table = []
for store in STORES:
    stats = json.load(open(f"{WORK}/stores/{store}/stats.json"))
    exp = f"{WORK}/stores/{store}/expected"
    for mode in MODES:
        st, rk = runs(store, mode, "stock"), runs(store, mode, "regkeeper")
        sw, rw = median([float(r["wall_s"]) for r in st]), median([float(r["wall_s"]) for r in rk])
        sm, rm = median([int(r["max_rss_kb"]) for r in st]), median([int(r["max_rss_kb"]) for r in rk])
        sc, rc = median([float(r["cpu_s"]) for r in st]), median([float(r["cpu_s"]) for r in rk])
        bad_exit = [f"{r['tool']} rep {r['rep']} exit {r['exit']}" for r in st + rk if r["exit"] != "0"]
        stock = stock_list(store, mode)
        report = regkeeper_report(store, mode)
        rk_blobs = sorted(b["digest"] for b in report.get("deletedBlobs", [])) if "_error" not in report else None
        notes = []
        ok = not bad_exit
        if bad_exit:
            notes.append("non-zero exit: " + "; ".join(bad_exit))
        if rk_blobs is None:
            ok = False
            notes.append(f"regkeeper output unreadable: {report.get('_error')}")
        else:
            if report.get("errors"):
                ok = False
                notes.append(f"regkeeper errors: {report['errors'][:3]}")
            if report.get("warnings"):
                notes.append(f"regkeeper warnings: {len(report['warnings'])}")
        if mode == "default":
            want = lines(f"{exp}/default.blobs")
            if stock is not None and stock != want:
                ok = False
                notes.append(f"stock list differs from the generator's expectation: "
                             f"-{show(set(want) - set(stock))} +{show(set(stock) - set(want))}")
            if rk_blobs is not None and stock is None:
                if rk_blobs == want:
                    notes.append(f"same {len(want)} blobs as the generator's expectation (stock not run)")
                else:
                    ok = False
                    notes.append(f"MISMATCH with the generator's expectation: -{show(set(want) - set(rk_blobs))} "
                                 f"+{show(set(rk_blobs) - set(want))}")
            if rk_blobs is not None and stock is not None:
                if rk_blobs == stock:
                    notes.append(f"same {len(stock)} blobs as stock")
                else:
                    ok = False
                    only_stock, only_rk = set(stock) - set(rk_blobs), set(rk_blobs) - set(stock)
                    notes.append(f"MISMATCH with stock: {len(only_stock)} only in stock [{show(only_stock)}], "
                                 f"{len(only_rk)} only in regkeeper [{show(only_rk)}]")
        else:
            want28 = lines(f"{exp}/untagged-2.8.blobs")
            wantkc = lines(f"{exp}/untagged-reachable.blobs")
            wantm = lines(f"{exp}/untagged-reachable.manifests")
            if stock is not None and stock != want28:
                ok = False
                notes.append("stock list differs from the generator's 2.8 expectation")
            if rk_blobs is not None:
                if rk_blobs == wantkc:
                    notes.append(f"{len(rk_blobs)} blobs as expected")
                    if stock is not None:
                        extra, missing = set(stock) - set(rk_blobs), set(rk_blobs) - set(stock)
                        notes.append(f"stock also lists {len(extra)} blobs that tags still need (configs and "
                                     f"layers of multi-arch children, referrers' blobs)")
                        if missing:
                            notes.append(f"{len(missing)} listed by regkeeper but not by stock [{show(missing)}]")
                else:
                    ok = False
                    notes.append(f"MISMATCH with expectation: {len(set(wantkc) - set(rk_blobs))} missing "
                                 f"[{show(set(wantkc) - set(rk_blobs))}], {len(set(rk_blobs) - set(wantkc))} extra "
                                 f"[{show(set(rk_blobs) - set(wantkc))}]")
                rk_m = sorted(f"{m.get('repository')}@{m.get('digest')}" for m in report.get("deletedManifests", []))
                if rk_m != wantm:
                    ok = False
                    notes.append(f"manifests differ from expectation: regkeeper {len(rk_m)}, expected {len(wantm)}")
        checks.append((store, mode, ok, "; ".join(notes)))
        largest = stats["largestRepository"]
        table.append(dict(
            store=store, mode=mode, blobs=stats["blobs"], repos=stats["repositories"],
            largest_tags=largest["tags"], largest_revisions=largest["revisions"],
            stock_s=sw, regkeeper_s=rw, speedup=(sw / rw if sw and rw else None),
            stock_cpu_s=sc, regkeeper_cpu_s=rc,
            stock_rss_mib=(sm / 1024 if sm else None), regkeeper_rss_mib=(rm / 1024 if rm else None),
            stock_runs=len(st), regkeeper_runs=len(rk),
            stock_listed=(len(stock) if stock is not None else None),
            regkeeper_listed=(len(rk_blobs) if rk_blobs is not None else None),
            check=("ok" if ok else "FAIL")))


def fmt(v, spec):
    return "–" if v is None else format(v, spec)


md = []
md.append(f"# regkeeper vs `docker-registry garbage-collect` — {STAMP}\n")
md.append(f"- machine: {os.environ.get('MACHINE', '?')}")
md.append(f"- stock: {os.environ.get('STOCK_VERSION', '?')}; regkeeper: {os.environ.get('RK_VERSION', '?')}"
          f"{' --jobs ' + os.environ['JOBS'] if os.environ.get('JOBS') else ''}")
md.append(f"- {os.environ.get('SWIFT_VERSION', '?')}")
md.append(f"- median of {os.environ.get('REPS')} alternating runs per cell, page cache warm; a stock run over "
          f"{os.environ.get('SLOW_LIMIT')} s is not repeated (see runs). Wall time from the shell, max RSS from GNU time.")
md.append("- stock: `docker-registry garbage-collect --dry-run [--delete-untagged] config.yml`; "
          "regkeeper: `regkeeper gc --dry-run [--delete-untagged] --min-age 0 --json ROOT`\n")
md.append("| store | mode | blobs | largest repo tags / revisions | stock s | regkeeper s | speed-up | CPU s stock / rk | max RSS MiB stock / rk | runs stock / rk | blobs listed stock / rk | check |")
md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|")
for t in table:
    md.append(f"| {t['store']} | {MODE_FLAGS[t['mode']]} | {t['blobs']} | {t['largest_tags']} / {t['largest_revisions']} | "
              f"{fmt(t['stock_s'], '.3f')} | {fmt(t['regkeeper_s'], '.3f')} | {fmt(t['speedup'], '.1f') + ('×' if t['speedup'] else '')} | "
              f"{fmt(t['stock_cpu_s'], '.2f')} / {fmt(t['regkeeper_cpu_s'], '.2f')} | "
              f"{fmt(t['stock_rss_mib'], '.0f')} / {fmt(t['regkeeper_rss_mib'], '.0f')} | "
              f"{t['stock_runs']} / {t['regkeeper_runs']} | {fmt(t['stock_listed'], 'd')} / {fmt(t['regkeeper_listed'], 'd')} | {t['check']} |")

ci = [t for t in table if t["store"].startswith("ci-")]
if ci:
    md.append("\n## Growth with tags + revisions (one repository)\n")
    md.append("Microseconds per (tag + revision) of the repository: flat means linear, growing means super-linear.\n")
    md.append("| store | tags + revisions | stock µs | regkeeper µs | stock -m µs | regkeeper -m µs |")
    md.append("|---|--:|--:|--:|--:|--:|")
    for store in [s for s in STORES if s.startswith("ci-")]:
        d = {t["mode"]: t for t in ci if t["store"] == store}
        n = d["default"]["largest_tags"] + d["default"]["largest_revisions"]
        per = lambda v: fmt(v * 1e6 / n if v else None, ".0f")
        md.append(f"| {store} | {n} | {per(d['default']['stock_s'])} | {per(d['default']['regkeeper_s'])} | "
                  f"{per(d['untagged']['stock_s'])} | {per(d['untagged']['regkeeper_s'])} |")

md.append("\n## Checks\n")
for store, mode, ok, text in checks:
    md.append(f"- {store} {MODE_FLAGS[mode]}: {'ok' if ok else 'FAIL'} — {text}")
md.append("")

text = "\n".join(md)
os.makedirs(RESULTS, exist_ok=True)
open(f"{RESULTS}/{STAMP}.md", "w").write(text)
with open(f"{RESULTS}/{STAMP}.tsv", "w") as f:
    w = csv.DictWriter(f, fieldnames=list(table[0].keys()), delimiter="\t", lineterminator="\n")
    w.writeheader()
    for t in table:
        w.writerow({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in t.items()})
print(text)
print(f"\nwritten: {RESULTS}/{STAMP}.md and .tsv", file=sys.stderr)
sys.exit(0 if all(ok for _, _, ok, _ in checks) else 1)
