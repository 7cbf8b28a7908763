# sshd.sh - a real OpenSSH server on 127.0.0.1 for the integration scenarios
# of `termauth ssh`, logging in as a separate local user made for the one
# test (the "far" side), so that the far side cannot read this side's files.
# Sourced after lib.sh (it uses $T, fail, stop_helper and lib.sh's cleanup);
# needs root (it makes a user) and Debian's openssh-server, patchelf and
# python3 (scripts/bootstrap). Nothing of /etc/ssh is used: the server runs
# from a config generated under $T/sshd, the client from $TA_SSH_CONFIG.
# If a test needs apache.sh too, source this after it: this file's EXIT trap
# then stops Apache as well.
#
# Provides:
#   start_sshd         makes the far user, the keys and the configs, starts
#                      sshd, and returns once the far user can log in; ends
#                      the test when it cannot
#   stop_sshd          ends the helpers in SSH_HELPER_PIDS, waits for the
#                      sessions to end, stops sshd, removes the far user
#                      (home too), its files in /tmp and /var/tmp, and
#                      FAR_BIN (also done on exit); safe to call twice;
#                      FAR_USER, FAR_UID and FAR_BIN keep their values
#   ssh_far [SSH-OPTION...] [--] [COMMAND...]
#                      the real ssh to the far user, as ssh does it: options
#                      before the `--` (none without one), COMMAND joined by
#                      spaces and run by the far user's /bin/sh
#   far_install FILE...  copies each file into FAR_BIN (and the shared
#                      libraries an executable finds through its RUNPATH,
#                      which then says $ORIGIN) and prints its far-side path
#   far_install_termauth  far_install of $TERMAUTH and the termauth-full
#                      next to it; sets FAR_TERMAUTH
#   TA_SSH_CONFIG      (exported) an ssh_config whose host `far` is that
#                      server and user: `ssh -F "$TA_SSH_CONFIG" far ...`;
#                      host `far-alt` is the same, on SSHD_ALT_PORT
#   SSHD_ALT_CONFIG    (set by the test, before start_sshd) sshd_config lines
#                      for connections to SSHD_ALT_PORT only (a Match block:
#                      "AllowStreamLocalForwarding no", say); none by default
#   FAR_USER, FAR_UID, FAR_HOME  the far user (tar-<hex>, from $T's name)
#   FAR_BIN            a directory the far user can read, holding only what
#                      far_install put there (no secret of this side)
#   SSHD_PORT, SSHD_ALT_PORT, SSHD_PID, SSHD_DIR ($T/sshd), SSHD_LOG (sshd's
#                      own log, -e)
#   SSH_HELPER_PIDS    processes the test started around ssh (clients,
#                      local servers), stopped first by stop_sshd
#
# Tests run in parallel: each one has its own user (named after $T, which
# mktemp made unique), ports, keys, FAR_BIN and sshd, and nothing is shared
# but /run/sshd, which sshd needs and which is left in place.

# shellcheck disable=SC2034 # (the variables are for the test that sources this)
SSHD_DIR=$T/sshd
SSHD_LOG=$SSHD_DIR/sshd.log
SSHD_PID=
SSHD_PORT=
SSHD_ALT_PORT=
SSH_HELPER_PIDS=
FAR_USER=
FAR_UID=
FAR_HOME=
FAR_BIN=
FAR_TERMAUTH=
sshd_made_user=
TA_SSH_CONFIG=$SSHD_DIR/ssh_config
export TA_SSH_CONFIG
# The far user's account says which test made it ($T, and the test's shell
# by PID and start time) and what else it left (FAR_BIN), so that the ones
# left behind by a test that was killed (no EXIT trap) are recognised and
# removed later.
SSHD_GECOS_PREFIX="termauth test far side for "
# What the far user runs: Debian's python3, whatever the local PATH says
# (a python3 under root's home, pyenv's say, is out of the far user's reach).
FAR_PYTHON=/usr/bin/python3

# shellcheck disable=SC2154 # (sshd_status is set in the trap itself)
trap 'sshd_status=$?; stop_sshd || :; if command -v stop_apache >/dev/null 2>&1; then stop_apache || :; fi
(exit "$sshd_status") || cleanup; cleanup' EXIT

# (The functions' variables are global, as all are in sh: theirs start with
# sw_, sf_ and fi_, so that a test's, or check's, are left alone.)

# sshd_wait_gone DESCRIPTION COMMAND...: polls (10 s at most) until COMMAND
# prints nothing; 1 if it still does.
sshd_wait_gone() {
  sw_what=$1; shift
  sw_i=0
  while [ -n "$("$@" 2>/dev/null)" ] && [ $sw_i -lt 100 ]; do sleep 0.1; sw_i=$((sw_i + 1)); done
  [ -z "$("$@" 2>/dev/null)" ] ||
    { echo "note: $sw_what still there after 10 s: $("$@" 2>/dev/null | tr '\n' ' ')"; return 1; }
}
# live_procs UID: the processes of user UID, zombies left out. A session's
# last process may end after its parent, and then waits for PID 1 to reap
# it, which may take seconds in a container (or never): userdel, which
# counts zombies too, is given -f for that.
live_procs() { ps -o pid=,stat= -u "$1" 2>/dev/null | awk '$2 !~ /^Z/ { print $1 }'; }
# The far user's processes, and sshd's own children (one per connection).
far_user_procs() { if [ -n "$FAR_UID" ]; then live_procs "$FAR_UID"; fi; }
sshd_children() { if [ -n "$SSHD_PID" ]; then ps -o pid= --ppid "$SSHD_PID" || :; fi; }

# sshd_started PID: the start time of process PID (in clock ticks since
# boot; with the PID, it names one process), or nothing.
sshd_started() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }
# sshd_owner: what a far user's account records of its test.
sshd_owner() { echo "$SSHD_GECOS_PREFIX$T $$ $(sshd_started $$) $FAR_BIN"; }

# sshd_sweep: removes the far users of tests that are gone: a test killed
# before its trap ran leaves its user (and its $T). A running test's shell
# has the PID and start time its user's account records; a user still
# running processes is left.
sshd_sweep() {
  getent passwd | while IFS=: read -r sw_name _ sw_uid _ sw_gecos _; do
    case $sw_name in tar-*) ;; *) continue ;; esac
    case $sw_gecos in "$SSHD_GECOS_PREFIX"/*) ;; *) continue ;; esac
    # (word splitting: $T has no space, as useradd -c got it)
    # shellcheck disable=SC2086
    set -- ${sw_gecos#"$SSHD_GECOS_PREFIX"}
    [ $# = 4 ] && [ -e "$1" ] && [ "$(sshd_started "$2")" = "$3" ] && continue
    [ -z "$(live_procs "$sw_uid")" ] || continue
    userdel -r -f "$sw_name" >/dev/null 2>&1 && echo "note: removed $sw_name, left behind by a test that is gone"
    case ${4:-} in /tmp/termauth-far.*/*) ;; /tmp/termauth-far.*) rm -rf "$4" ;; esac
  done || :
}

# sshd_free_ports: two TCP ports free on 127.0.0.1 now. Another process may
# take one before sshd binds it: start_sshd then tries others.
sshd_free_ports() {
  "$FAR_PYTHON" -c 'import socket
a, b = socket.socket(), socket.socket()
a.bind(("127.0.0.1", 0)); b.bind(("127.0.0.1", 0))
print(a.getsockname()[1], b.getsockname()[1])'
}

sshd_make_user() {
  # Named after $T (termauth-test.XXXXXX, made by mktemp, so unique among
  # the tests running): its random part in hex, because user names are
  # lower case and mktemp's are not. 4 + 12 characters, within useradd's 32.
  FAR_USER=tar-$(printf %s "${T##*.}" | od -An -tx1 | tr -d ' \n')
  case $FAR_USER in
    tar-*[!0-9a-f]*) fail "start_sshd: cannot make a user name from $T"; exit 1 ;;
  esac
  case $T in *[[:space:]:]*) fail "start_sshd: \$T has a space or colon: $T"; exit 1 ;; esac
  [ ${#FAR_USER} -le 32 ] || { fail "start_sshd: user name $FAR_USER is over 32 characters"; exit 1; }
  sshd_sweep
  # The same name can only be left from an earlier test with the same $T,
  # which is gone (this $T is new), and the sweep missed it (it had
  # processes left, say): that account is stale.
  if getent passwd "$FAR_USER" >/dev/null; then
    userdel -r -f "$FAR_USER" >/dev/null 2>&1 || { fail "start_sshd: cannot remove the stale user $FAR_USER"; exit 1; }
  fi
  FAR_HOME=/home/$FAR_USER
  # -p '*': sshd with UsePAM no refuses a locked account ("!" in shadow,
  # which useradd gives without a password), even to a key; "*" is not
  # locked, and no password matches it (passwd -d would leave an empty
  # password, which su and login would accept).
  useradd -m -d "$FAR_HOME" -K HOME_MODE=0700 -s /bin/sh -p '*' \
    -c "$(sshd_owner)" "$FAR_USER" >"$SSHD_DIR/useradd.log" 2>&1 ||
    { fail "start_sshd: useradd $FAR_USER failed: $(cat "$SSHD_DIR/useradd.log")"; exit 1; }
  sshd_made_user=1
  FAR_UID=$(id -u "$FAR_USER")
  # The client's key, the far user's only authorized key. sshd's StrictModes
  # (on) wants ~/.ssh and the file the user's and not writable by others.
  mkdir -m 700 "$FAR_HOME/.ssh"
  cp "$SSHD_DIR/client_key.pub" "$FAR_HOME/.ssh/authorized_keys"
  chmod 600 "$FAR_HOME/.ssh/authorized_keys"
  chown -R "$FAR_USER:" "$FAR_HOME/.ssh"
}

# sshd_config PORT ALT_PORT: writes $SSHD_DIR/sshd_config and the client's
# files.
sshd_config() {
  cat >"$SSHD_DIR/sshd_config" <<EOF
# Generated by tests/integration/sshd.sh for one test; not a system config.
ListenAddress 127.0.0.1:$1
ListenAddress 127.0.0.1:$2
HostKey $SSHD_DIR/host_key
PidFile $SSHD_DIR/sshd.pid
AllowUsers $FAR_USER
AuthorizedKeysFile .ssh/authorized_keys
StrictModes yes
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
# What termauth ssh uses: a unix socket forwarded from the far side, bound
# with sshd's default StreamLocalBindMask (0177), never unlinked first.
# sshd also applies AllowTcpForwarding's "remote" to unix sockets (with
# "no" or "local" it denies them): remote, no TCP forwarding from here.
AllowStreamLocalForwarding yes
StreamLocalBindUnlink no
AllowTcpForwarding remote
# And nothing else: no agent, no X11, no AcceptEnv (the far side gets no
# variable from the client).
AllowAgentForwarding no
X11Forwarding no
PermitUserEnvironment no
PrintMotd no
PrintLastLog no
LogLevel VERBOSE
# far-alt: the test's own settings.
Match LocalPort $2
${SSHD_ALT_CONFIG:-}
EOF
  printf '[127.0.0.1]:%s %s\n' "$1" "$(cat "$SSHD_DIR/host_key.pub")" "$2" "$(cat "$SSHD_DIR/host_key.pub")" \
    >"$SSHD_DIR/known_hosts"
  # The client reads this file only (-F: not /etc/ssh/ssh_config, not
  # ~/.ssh/config), trusts only the generated host key (no prompt, no trust
  # on first use, nothing written back), offers only the generated key, and
  # never asks anything.
  cat >"$TA_SSH_CONFIG" <<EOF
# Generated by tests/integration/sshd.sh for one test.
Host far
  Port $1
Host far-alt
  Port $2
Host far far-alt
  HostName 127.0.0.1
  User $FAR_USER
  IdentityFile $SSHD_DIR/client_key
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile $SSHD_DIR/known_hosts
  GlobalKnownHostsFile none
  StrictHostKeyChecking yes
  UpdateHostKeys no
  CheckHostIP no
  BatchMode yes
  ConnectTimeout 10
  ControlMaster no
  ControlPath none
  ForwardAgent no
  ForwardX11 no
EOF
}

# sshd logs these lines once it listens.
sshd_listening() {
  grep -qs "Server listening on 127.0.0.1 port $SSHD_PORT\\." "$SSHD_LOG" &&
    grep -qs "Server listening on 127.0.0.1 port $SSHD_ALT_PORT\\." "$SSHD_LOG"
}

start_sshd() {
  [ "$(id -u)" = 0 ] || { fail "start_sshd makes a user: run the test as root (as CI does)"; exit 1; }
  for tool in /usr/sbin/sshd ssh ssh-keygen useradd userdel patchelf "$FAR_PYTHON"; do
    command -v "$tool" >/dev/null 2>&1 || { fail "start_sshd needs $tool (scripts/bootstrap)"; exit 1; }
  done
  mkdir -p "$SSHD_DIR"
  ssh-keygen -q -t ed25519 -N '' -C "termauth test host" -f "$SSHD_DIR/host_key" </dev/null
  ssh-keygen -q -t ed25519 -N '' -C "termauth test client" -f "$SSHD_DIR/client_key" </dev/null
  FAR_BIN=$(mktemp -d /tmp/termauth-far.XXXXXX)
  chmod 755 "$FAR_BIN"
  sshd_make_user
  # sshd's privilege separation directory (Debian's service makes it at
  # boot): shared by every sshd, so it is made if missing and left.
  mkdir -p /run/sshd
  chmod 755 /run/sshd
  attempt=1
  while :; do
    ports=$(sshd_free_ports)
    SSHD_PORT=${ports% *} SSHD_ALT_PORT=${ports#* }
    sshd_config "$SSHD_PORT" "$SSHD_ALT_PORT"
    : >"$SSHD_LOG"
    # An absolute path: sshd re-executes itself for each connection. -D: in
    # the foreground, in the test's process group (so CTest's kill at its
    # time limit reaches it too); -e: its log to $SSHD_LOG.
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      /usr/sbin/sshd -D -e -f "$SSHD_DIR/sshd_config" </dev/null >>"$SSHD_LOG" 2>&1 &
    SSHD_PID=$!
    i=0
    while [ $i -lt 100 ] && running "$SSHD_PID" && ! sshd_listening; do sleep 0.1; i=$((i + 1)); done
    sshd_listening && break
    if running "$SSHD_PID"; then why="not listening after 10 s"; else why="it exited"; fi
    stop_helper "$SSHD_PID"
    SSHD_PID=
    # A port taken since sshd_free_ports saw it free: try others.
    if [ $attempt -lt 3 ] && grep -qs 'Address already in use' "$SSHD_LOG"; then
      attempt=$((attempt + 1)); continue
    fi
    fail "sshd did not start ($why): $(tail -n 20 "$SSHD_LOG")"
    exit 1
  done
  # A first login proves the keys, the user and the config.
  if ! out=$(ssh_far -- 'id -un' 2>&1 </dev/null) || [ "$out" != "$FAR_USER" ]; then
    fail "cannot log in to sshd as $FAR_USER: $out; sshd: $(tail -n 20 "$SSHD_LOG")"
    exit 1
  fi
}

ssh_far() {
  # Rebuilds the arguments: the first `--` becomes `far --` (ssh stops
  # reading options at that `--`); without one, all are the command.
  sf_dashes=0 sf_n=0
  for sf_a in "$@"; do sf_n=$((sf_n + 1)); [ "$sf_a" = -- ] && { sf_dashes=$sf_n; break; }; done
  if [ $sf_dashes -eq 0 ]; then
    set -- far -- "$@"
  else
    sf_n=0 sf_total=$#
    while [ $sf_n -lt "$sf_total" ]; do
      sf_a=$1; shift; sf_n=$((sf_n + 1))
      if [ $sf_n -eq $sf_dashes ]; then set -- "$@" far --; else set -- "$@" "$sf_a"; fi
    done
  fi
  ssh -F "$TA_SSH_CONFIG" "$@"
}

far_install() {
  for fi_f in "$@"; do
    fi_b=${fi_f##*/}
    if ! cp "$fi_f" "$FAR_BIN/$fi_b" || ! chmod 755 "$FAR_BIN/$fi_b"; then
      fail "far_install: cannot copy $fi_f"; exit 1
    fi
    # An ELF file whose RUNPATH names the build tree: its libraries from
    # there are copied beside it, and its RUNPATH becomes $ORIGIN (as an
    # installed termauth-full's is relative to it), so that the far side
    # never reaches into the build tree, which may be out of its reach.
    if [ "$(head -c 4 "$fi_f" | od -An -c | tr -d ' ')" = '177ELF' ]; then
      fi_rp=$(patchelf --print-rpath "$fi_f")
      if [ -n "$fi_rp" ]; then
        ldd "$fi_f" | sed -n 's/^[[:space:]]*\([^ ]*\) => \(\/[^ ]*\) (.*/\1 \2/p' |
          while read -r fi_soname fi_path; do
            case ":$fi_rp:" in
              *":${fi_path%/*}:"*) cp -L "$fi_path" "$FAR_BIN/$fi_soname" && chmod 755 "$FAR_BIN/$fi_soname" ;;
            esac
          done
        # shellcheck disable=SC2016 # ($ORIGIN is for the loader)
        patchelf --set-rpath '$ORIGIN' "$FAR_BIN/$fi_b" || { fail "far_install: patchelf $fi_b failed"; exit 1; }
      fi
    fi
    echo "$FAR_BIN/$fi_b"
  done
}

# The small termauth execs the termauth-full beside it.
far_install_termauth() {
  far_install "$TERMAUTH" "${TERMAUTH%/*}/termauth-full" >/dev/null
  FAR_TERMAUTH=$FAR_BIN/${TERMAUTH##*/}
}

stop_sshd() {
  for pid in $SSH_HELPER_PIDS; do stop_helper "$pid"; done
  SSH_HELPER_PIDS=
  if [ -n "$SSHD_PID" ]; then
    # A session ends on its own once its client is gone; sshd's SIGTERM
    # would leave it running (sessions outlive a stopped sshd).
    sshd_wait_gone "an ssh session" sshd_children || :
    stop_helper "$SSHD_PID"
    SSHD_PID=
  fi
  if [ -n "$sshd_made_user" ]; then
    # Processes the test left running on the far side (it started them)
    # end before their user goes.
    if ! sshd_wait_gone "a process of $FAR_USER" far_user_procs; then
      for pid in $(far_user_procs); do kill -KILL "$pid" 2>/dev/null || :; done
      sshd_wait_gone "a process of $FAR_USER" far_user_procs || :
    fi
    # What the far side left in the shared temporary directories (sockets
    # sshd bound for it, say): userdel -r removes only the home.
    find /tmp /var/tmp -xdev -mindepth 1 -maxdepth 1 -uid "$FAR_UID" -exec rm -rf {} + 2>/dev/null || :
    userdel -r -f "$FAR_USER" >"$SSHD_DIR/userdel.log" 2>&1 ||
      echo "note: userdel $FAR_USER failed: $(cat "$SSHD_DIR/userdel.log")"
    sshd_made_user=
  fi
  # (FAR_USER, FAR_UID and FAR_BIN stay set: the test may check they are gone.)
  if [ -n "$FAR_BIN" ] && [ -d "$FAR_BIN" ]; then rm -rf "$FAR_BIN"; fi
}
