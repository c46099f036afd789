#!/usr/bin/env python3
"""Reads the console logs of `make bench` (forkbench's `bench: KEY instr/op N ...`
lines, user/bench/measure.h), prints the debug and release figures side by side
and writes the release ones as one JSON object, key -> guest instructions per
operation."""

import argparse
import json
import re
import sys

LINE = re.compile(r"^bench: (\S+)\s+instr/op\s+(\d+)\s+iters\s+(\d+)\s+ops\s+(\d+)\s+\((.*)\)\s*$")


def figures(path):
    """The figures of one log, in order: key -> (instr/op, what)."""
    found = {}
    with open(path, encoding="utf-8", errors="replace") as log:
        for line in log:
            m = LINE.match(line.rstrip("\r\n"))
            if m:
                found[m.group(1)] = (int(m.group(2)), m.group(5))
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--debug", required=True, help="console log of the debug kernel's run")
    parser.add_argument("--release", required=True, help="console log of the release kernel's run")
    parser.add_argument("--json", required=True, help="where to write the release figures")
    args = parser.parse_args()

    debug, release = figures(args.debug), figures(args.release)
    if not release:
        sys.exit(f"bench_json: no figures in {args.release}")
    missing = [key for key in release if key not in debug] + [key for key in debug if key not in release]
    if missing:
        sys.exit(f"bench_json: figures in one log only: {', '.join(missing)}")

    print(f"{'figure':<22} {'release':>10} {'debug':>10}  (guest instructions per operation)")
    for key, (value, what) in release.items():
        print(f"{key:<22} {value:>10} {debug[key][0]:>10}  {what}")
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump({key: value for key, (value, _) in release.items()}, out, indent=2)
        out.write("\n")
    print(f"bench: release figures in {args.json}")


if __name__ == "__main__":
    main()
