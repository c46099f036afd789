#!/usr/bin/env python3
"""Write a compile_commands.json (to stdout) for the kernel sources given."""
import json
import os
import shlex
import sys

flags = shlex.split(sys.argv[1])
root = os.getcwd()
json.dump([{"directory": root, "file": src,
            "arguments": flags + ["-c", src]} for src in sys.argv[2:]],
          sys.stdout, indent=1)
print()
