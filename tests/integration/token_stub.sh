# token_stub.sh - sourced (after lib.sh) by the scenarios that need
# token_stub.mjs, the stub in front of the test IdP (see there for what it
# fakes, and why).
#
# start_stub_idp [STUB_VAR=VALUE...] -- [IDP_VAR=VALUE...]: the stub, then
# the IdP behind it; ISSUER is the stub's URL, and the stub records each
# token endpoint answer in $T/stub.jsonl. lib.sh's cleanup ends both.
start_stub_idp() { start_front_idp stub "$SRC/tests/integration/token_stub.mjs" STUB "$@"; }
