#!/bin/sh
# Fails when lib/, src/, include/ or examples/ call a function HACKING.md
# bans ("Banned functions"):
# each has a bounded or safer replacement.
cd "${1:-.}" || exit 2
hits=$(grep -rnE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|sscanf)[[:space:]]*\(' \
  --include='*.c' --include='*.h' lib src include examples)
if [ -n "$hits" ]; then
  echo "banned functions in use:"
  echo "$hits"
  exit 1
fi
echo "no banned functions"
