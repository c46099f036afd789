#!/usr/bin/env python3
"""Write a compile_commands.json to stdout.

Usage: compile_commands.py --flags "CXX FLAGS..." src... [--flags "..." src...]
Each --flags applies to the sources after it (kernel and host builds differ
in compiler and include path; a file built by both gets the first).
"""
import json
import os
import shlex
import sys

root = os.getcwd()
entries, seen, flags = [], set(), None
args = sys.argv[1:]
while args:
    a = args.pop(0)
    if a == "--flags":
        flags = shlex.split(args.pop(0))
    elif a not in seen:
        seen.add(a)
        entries.append({"directory": root, "file": a, "arguments": flags + ["-c", a]})
json.dump(entries, sys.stdout, indent=1)
print()
