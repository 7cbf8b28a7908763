# token_stub.sh - sourced (after lib.sh) by the scenarios that need
# token_stub.mjs, the stub in front of the test IdP (see there for what it
# fakes, and why).
#
# start_stub_idp [STUB_VAR=VALUE...] -- [IDP_VAR=VALUE...]: the stub, then
# the IdP behind it; ISSUER is the stub's URL, and the stub records each
# token endpoint answer in $T/stub.jsonl. lib.sh's cleanup ends both.
start_stub_idp() {
  stub_env=
  while [ $# -gt 0 ] && [ "$1" != -- ]; do stub_env="$stub_env $1"; shift; done
  [ $# -gt 0 ] && shift
  rm -f "$T/stub.url" "$T/upstream"
  # shellcheck disable=SC2086
  env $stub_env STUB_UPSTREAM_FILE="$T/upstream" STUB_RECORD="$T/stub.jsonl" \
    node "$SRC/tests/integration/token_stub.mjs" >"$T/stub.url" 2>"$T/stub.err" &
  SHIM_PID=$!
  i=0
  while [ ! -s "$T/stub.url" ] && [ $i -lt 1200 ] && kill -0 "$SHIM_PID" 2>/dev/null; do
    sleep 0.05; i=$((i + 1))
  done
  [ -s "$T/stub.url" ] || { fail "the token stub did not start: $(cat "$T/stub.err")"; exit 1; }
  start_idp "$@" IDP_PUBLIC_URL="$(head -n 1 "$T/stub.url")" IDP_LISTEN_FILE="$T/upstream"
}
