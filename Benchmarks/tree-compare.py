#!/usr/bin/env python3
"""Compares a restored tree with its source, for Benchmarks/backup-bench.sh.

  tree-compare.py SOURCE RESTORED [--json]

Walks both trees (never following symlinks) and compares, path by path: the type; for files
the size, mode, owner and SHA-256 of the content; for symlinks the target; for directories the
mode and owner. Then, separately, modification times: exact (nanoseconds) and to the second
(what a plain ustar/GNU tar keeps). Prints one JSON line:
{"entries": N, "content": true|false, "mtime_ns": ..., "mtime_s": ..., "differences": [...]}
and exits 1 if the content differs (paths, types, sizes, modes, owners, hashes, targets).
"""
import hashlib
import json
import os
import stat
import sys


def listing(root):
    entries = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames + ([""] if dirpath == root else []):
            path = os.path.join(dirpath, name) if name else dirpath
            rel = os.path.relpath(path, root)
            st = os.lstat(path)
            mode = stat.S_IMODE(st.st_mode)
            if stat.S_ISLNK(st.st_mode):
                content = ("l", os.readlink(path), st.st_uid, st.st_gid)
            elif stat.S_ISDIR(st.st_mode):
                content = ("d", mode, st.st_uid, st.st_gid)
            elif stat.S_ISREG(st.st_mode):
                h = hashlib.sha256()
                with open(path, "rb") as f:
                    while chunk := f.read(1 << 20):
                        h.update(chunk)
                content = ("f", mode, st.st_uid, st.st_gid, st.st_size, h.hexdigest())
            else:
                content = ("?", mode)
            entries[rel] = (content, st.st_mtime_ns)
        # Symlinks to directories show up in dirnames; os.walk does not descend into them.
    return entries


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 2:
        sys.exit(__doc__)
    source, restored = listing(args[0]), listing(args[1])
    differences = []
    for path in sorted(set(source) | set(restored)):
        if path not in restored:
            differences.append(f"missing: {path}")
        elif path not in source:
            differences.append(f"extra: {path}")
        elif source[path][0] != restored[path][0]:
            differences.append(f"differs: {path}: {source[path][0]} vs {restored[path][0]}")
    common = [p for p in source if p in restored]
    # The root directory's mtime is the restore target's own: left out.
    timed = [p for p in common if p != "."]
    ns = sum(1 for p in timed if source[p][1] != restored[p][1])
    s = sum(1 for p in timed if source[p][1] // 10**9 != restored[p][1] // 10**9)
    # Symlinks separately: several tools do not restore their times.
    links = [p for p in timed if source[p][0][0] == "l"]
    ns_links = sum(1 for p in links if source[p][1] != restored[p][1])
    result = {"entries": len(source), "restored": len(restored), "content": not differences,
              "mtime_ns_differ": ns, "mtime_s_differ": s, "symlink_mtime_ns_differ": ns_links,
              "differences": differences[:10], "more_differences": max(0, len(differences) - 10)}
    print(json.dumps(result))
    sys.exit(0 if not differences else 1)


if __name__ == "__main__":
    main()
