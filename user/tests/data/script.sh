#!/bin/sh
# The shell's test script (tests/qemu/userland_cases.py runs it both as
# `sh /usr/tests/script.sh a b` and directly, through execve's #!).
echo "script: \$0=$0 \$#=$# \$1=$1 \$2=$2"
for i in 1 2 3; do
    if true && sh -c 'exit 0'; then echo "script: fork $i"; fi
done
n=0
while false; do n=1; done
until true; do n=2; done
echo "script: n=$n"
sh -c 'exit 3'
echo "script: status $?"
exit 5
