# keychain_bus.sh - sourced, instead of lib.sh, by the scenarios that need a
# real keychain: runs the scenario again inside a private session bus
# (dbus-run-session, with session-bus.conf: no service activation), then
# sources lib.sh, which clears DBUS_SESSION_BUS_ADDRESS, and sets it back
# to that bus.
if [ -z "${TA_KEYCHAIN_BUS:-}" ]; then
  TA_KEYCHAIN_BUS=1 exec dbus-run-session \
    --config-file="$(dirname "$0")/session-bus.conf" -- sh "$0" "$@"
fi
BUS=$DBUS_SESSION_BUS_ADDRESS
TEST_STORE=auto # the keychain first, as people get it
. "$(dirname "$0")/lib.sh"
export DBUS_SESSION_BUS_ADDRESS="$BUS"
