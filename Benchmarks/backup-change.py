#!/usr/bin/env python3
"""The small change between a full and an incremental backup in Benchmarks/backup-bench.sh.

  backup-change.py apply  --store STORE --projects PROJECTS --state STATE.json [--images 3] [--seed 1]
  backup-change.py revert --state STATE.json

apply: pushes IMAGES new images into the store by writing them in the registry's layout (what a
manifest PUT by tag leaves: two new gzip layers and a config blob, their `_layers` links, the
manifest blob, its revision link, a new tag's `current/link` and index entry, and `latest` moved
onto it with a second index entry; one already-linked layer of the repository is reused as the
base), then edits five project files (compose image tag, an .env line, an nginx conf, a README,
an app config), adds one and deletes one. Prints a JSON summary (files and bytes written or
removed). Everything it did is recorded in STATE.json; revert undoes it (created files and
directories removed, edited and deleted files put back with their old content, mode and mtime).
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import sys


def write_file(path, data, created, mode=0o644):
    """Writes a new file, recording it and every directory made for it in `created`."""
    parent = os.path.dirname(path)
    missing = []
    while not os.path.exists(parent):
        missing.append(parent)
        parent = os.path.dirname(parent)
    for d in reversed(missing):
        os.mkdir(d, 0o755)
        created.append(d)
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, mode)
    created.append(path)


def remember(path, state):
    """Records a file's content, mode and mtime before it is changed (once)."""
    if any(e["path"] == path for e in state["saved"]):
        return
    st = os.stat(path)
    state["saved"].append({"path": path, "content": open(path, "rb").read().hex(), "mode": st.st_mode & 0o7777,
                           "atime_ns": st.st_atime_ns, "mtime_ns": st.st_mtime_ns})


def text(rng, size):
    words = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(2, 10))) for _ in range(2000)]
    out, n = [], 0
    while n < size:
        line = " ".join(rng.choices(words, k=12)) + "\n"
        out.append(line)
        n += len(line)
    return "".join(out).encode()


def blob(v2, data, created, stats):
    hex_ = hashlib.sha256(data).hexdigest()
    path = f"{v2}/blobs/sha256/{hex_[:2]}/{hex_}/data"
    if not os.path.exists(path):
        write_file(path, data, created)
        stats["files"] += 1
        stats["bytes"] += len(data)
    return hex_


def link(path, hex_, created, state, stats):
    content = f"sha256:{hex_}".encode()
    if os.path.exists(path):
        remember(path, state)
        with open(path, "wb") as f:
            f.write(content)
    else:
        write_file(path, content, created)
    stats["files"] += 1
    stats["bytes"] += len(content)


def repositories(v2):
    root = f"{v2}/repositories"
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        if "_manifests" in dirnames and os.path.isdir(f"{dirpath}/_manifests/tags/latest"):
            found.append(os.path.relpath(dirpath, root))
        dirnames[:] = [d for d in dirnames if not d.startswith("_")]
    return sorted(found)


def apply(args):
    rng = random.Random(args.seed)
    v2 = f"{args.store}/docker/registry/v2"
    state = {"created": [], "saved": [], "deleted": []}
    stats = {"files": 0, "bytes": 0, "images": 0, "projectFilesEdited": 0, "projectFilesAdded": 0, "projectFilesDeleted": 0}
    created = state["created"]
    repos = repositories(v2)
    if not repos:
        sys.exit("backup-change.py: no repository with a 'latest' tag in the store")
    for n in range(args.images):
        repo = repos[rng.randrange(len(repos))]
        base = f"{v2}/repositories/{repo}"
        linked = sorted(os.listdir(f"{base}/_layers/sha256"))
        base_hex = linked[rng.randrange(len(linked))]
        base_size = os.path.getsize(f"{v2}/blobs/sha256/{base_hex[:2]}/{base_hex}/data")
        layers = [(base_hex, base_size)]
        for size in (rng.randint(32 << 10, 512 << 10), rng.randint(2 << 20, 8 << 20)):
            data = gzip.compress(text(rng, size), 6, mtime=0)
            layers.append((blob(v2, data, created, stats), len(data)))
        diff_ids = ",".join(f'"sha256:{rng.getrandbits(256):064x}"' for _ in layers)
        config = (f'{{"architecture":"amd64","config":{{"Cmd":["/app"]}},"created":"2025-01-0{n + 1}T00:00:00Z",'
                  f'"os":"linux","rootfs":{{"type":"layers","diff_ids":[{diff_ids}]}}}}').encode()
        config_hex = blob(v2, config, created, stats)
        descriptors = ",\n".join(
            f'      {{\n         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",\n'
            f'         "size": {size},\n         "digest": "sha256:{hex_}"\n      }}' for hex_, size in layers)
        manifest = (f'{{\n   "schemaVersion": 2,\n   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",\n'
                    f'   "config": {{\n      "mediaType": "application/vnd.docker.container.image.v1+json",\n'
                    f'      "size": {len(config)},\n      "digest": "sha256:{config_hex}"\n   }},\n'
                    f'   "layers": [\n{descriptors}\n   ]\n}}').encode()
        manifest_hex = blob(v2, manifest, created, stats)
        for hex_ in [config_hex] + [h for h, _ in layers[1:]]:
            link(f"{base}/_layers/sha256/{hex_}/link", hex_, created, state, stats)
        link(f"{base}/_manifests/revisions/sha256/{manifest_hex}/link", manifest_hex, created, state, stats)
        for tag in (f"bench-{args.seed}-{n}", "latest"):
            link(f"{base}/_manifests/tags/{tag}/current/link", manifest_hex, created, state, stats)
            link(f"{base}/_manifests/tags/{tag}/index/sha256/{manifest_hex}/link", manifest_hex, created, state, stats)
        stats["images"] += 1

    # Projects: five edits, one new file, one deleted.
    projects = args.projects
    candidates = sorted(os.path.relpath(os.path.join(d, f), projects) for d, _, fs in os.walk(projects) for f in fs
                        if not os.path.islink(os.path.join(d, f)))
    def edit(pattern, change):
        matching = [c for c in candidates if c.endswith(pattern) and not any(e["path"] == f"{projects}/{c}" for e in state["saved"])]
        if not matching:
            return
        path = f"{projects}/{matching[rng.randrange(len(matching))]}"
        remember(path, state)
        old = open(path, "rb").read()
        new = change(old)
        with open(path, "wb") as f:
            f.write(new)
        stats["projectFilesEdited"] += 1
        stats["files"] += 1
        stats["bytes"] += len(new)
    edit("docker-compose.yml", lambda b: b.replace(b":v", b":v9", 1) if b":v" in b else b + b"# bumped\n")
    edit(".env", lambda b: b + f"FEATURE_FLAG_{rng.randrange(1000)}=on\n".encode())
    edit(".conf", lambda b: b.replace(b"proxy_read_timeout 300s;", b"proxy_read_timeout 600s;") + b"# tuned\n")
    edit("README.md", lambda b: b + b"\n## Changelog\n\n- moved to the new registry\n")
    edit("app.yaml", lambda b: b + b"  newFeature: true\n")
    new_file = f"{projects}/notes/runbook-{args.seed}.md"
    data = text(rng, 3000)
    write_file(new_file, data, created)
    stats["projectFilesAdded"] += 1
    stats["files"] += 1
    stats["bytes"] += len(data)
    deletable = [c for c in candidates if c.endswith("gzip.conf")]
    if deletable:
        path = f"{projects}/{deletable[rng.randrange(len(deletable))]}"
        remember(path, state)
        state["deleted"].append(path)
        os.remove(path)
        stats["projectFilesDeleted"] += 1
    state["stats"] = stats
    json.dump(state, open(args.state, "w"))
    print(json.dumps(stats))


def revert(args):
    state = json.load(open(args.state))
    for path in reversed(state["created"]):
        if os.path.isdir(path) and not os.path.islink(path):
            os.rmdir(path)
        elif os.path.lexists(path):
            os.remove(path)
    for saved in state["saved"]:
        path = saved["path"]
        with open(path, "wb") as f:
            f.write(bytes.fromhex(saved["content"]))
        os.chmod(path, saved["mode"])
        os.utime(path, ns=(saved["atime_ns"], saved["mtime_ns"]))
    os.remove(args.state)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("apply", "revert"))
    parser.add_argument("--store")
    parser.add_argument("--projects")
    parser.add_argument("--state", required=True)
    parser.add_argument("--images", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.action == "apply":
        if not (args.store and args.projects):
            parser.error("apply needs --store and --projects")
        if os.path.exists(args.state):
            sys.exit(f"backup-change.py: {args.state} exists: revert the previous change first")
        apply(args)
    else:
        revert(args)


if __name__ == "__main__":
    main()
