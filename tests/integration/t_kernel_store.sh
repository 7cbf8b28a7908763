#!/bin/sh
# placeholder
. "$(dirname "$0")/lib.sh"
finish
