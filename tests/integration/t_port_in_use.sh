#!/bin/sh
# --port names a port someone else listens on: a clear message, exit 1,
# nothing stored, and no browser opened.
. "$(dirname "$0")/lib.sh"
start_idp
node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port)})' >"$T/port" &
HOLDER=$!
while [ ! -s "$T/port" ]; do sleep 0.05; done
PORT=$(cat "$T/port")
run_login --port "$PORT"
kill $HOLDER
assert_eq "exit 1" 1 "$rc"
assert_contains "the message" "$T/login.err" "termauth: error: port $PORT on 127.0.0.1 is already in use"
assert_one_line "one error line" "$T/login.err"
check "no browser was started" test ! -e "$TA_BROWSER_LOG"
assert_nothing_stored "port in use"
finish
