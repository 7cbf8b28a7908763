# registry.sh - a real container registry behind the OAuth 2.0 resource
# server, and podman and skopeo set up to use it, for the scenarios of
# `termauth docker-credential`: Debian's docker-registry (distribution 2.8,
# no auth of its own, its storage under $T/registry) behind apache.sh's
# Apache, which admits a request only when its Basic password is an access
# token the test IdP calls active (asked on every request: a revoked token
# is refused at once). Sourced after lib.sh and apache.sh (it uses $T,
# $ISSUER, fail, stop_helper, start_apache and the cleanups); start_idp
# first, then start_registry. Everything listens on 127.0.0.1 (plain http:
# loopback) and is stopped on exit. Of /etc/containers podman still reads
# policy.json (Debian's: accept anything); of /var/lib/containers it writes
# the blob-info cache (below). Needs root (podman with the vfs driver and
# no user namespace).
#
# Provides:
#   start_registry     starts the registry, then Apache in front of it
#                      (start_apache --registry-only), and returns once both
#                      answer; ends the test when it cannot
#   stop_registry      stops the registry (also done on exit; Apache too)
#   podman_env         exports the variables below, so that podman and skopeo
#                      use only $T's storage and configuration, run as root
#                      without systemd, and speak http to REGISTRY_HOST
#   make_test_image NAME TAG  a one-layer image (one file, /hello, holding
#                      "NAME:TAG") in podman's storage, tagged
#                      $REGISTRY_HOST/test/NAME:TAG; sets TEST_IMAGE to that
#   REGISTRY_HOST      127.0.0.1:PORT, the front (what podman and docker call
#                      the registry, and the credential helper is asked for);
#                      REGISTRY_URL is http://$REGISTRY_HOST
#   REGISTRY_UPSTREAM  127.0.0.1:PORT, the registry itself, without the front
#                      (no auth; http too): for the test's own checks, or as
#                      a registry no profile lists
#   REGISTRY_DIR ($T/registry), REGISTRY_CONF, REGISTRY_LOG (its stdout and
#                      stderr: level info, access log on), REGISTRY_PID
#   (exported by podman_env) CONTAINERS_CONF, CONTAINERS_STORAGE_CONF,
#                      CONTAINERS_REGISTRIES_CONF, REGISTRY_AUTH_FILE
#                      ($T/auth.json, which podman_env does NOT create: the
#                      credential configuration is the code under test's,
#                      and podman and skopeo fail when the file they are told
#                      to read is missing), TMPDIR ($T/containers/tmp)
#
# The front answers /v2/ without a token, or with a refused one, 401 with
# 'WWW-Authenticate: Basic realm="termauth test registry"'. Neither Apache
# (access log "%h %u %r %s %b"; %u is the token's sub) nor the registry
# logs a token at these levels: Apache does not pass Authorization on.
#
# What podman 4.3 and skopeo 1.9 do here, for the tests' expectations:
# - They ask a credential helper (auth.json's credHelpers) once per push,
#   pull or inspect: `get`, stdin the host:port alone (no scheme, no
#   newline). The helper's stderr reaches the person as it is; its stdout
#   only inside their error: podman exits 125 with "Error: initializing
#   source (push: destination) docker://HOST/test/NAME:TAG: getting username
#   and password: 1 error occurred:\n\t* error getting credentials - err:
#   exit status N, out: `STDOUT`" (skopeo: exit 1, the same in a
#   level=fatal line), for any exit status but 0. A
#   helper's "credentials not found in native keychain" means none: they
#   go on without, and the registry's 401 ends them.
# - Credentials are read from REGISTRY_AUTH_FILE and then ~/.docker/config.json
#   (either one's auths or credHelpers is used).
# - They try https first (an "\x16\x03\x01" 400 line in Apache's access
#   log per operation), then http. skopeo ignores registries.conf's insecure:
#   give it --tls-verify=false.
# - As root they keep a blob-info cache in /var/lib/containers/cache,
#   whatever the configuration: shared by the tests, keyed by host:port and
#   digest, and only a hint (a blob is looked for before it is reused).

# shellcheck disable=SC2034 # (the variables are for the test that sources this)
REGISTRY_DIR=$T/registry
REGISTRY_CONF=$REGISTRY_DIR/config.yml
REGISTRY_LOG=$REGISTRY_DIR/registry.log
REGISTRY_PID=
REGISTRY_HOST=
REGISTRY_URL=
REGISTRY_UPSTREAM=
TEST_IMAGE=

stop_registry() {
  [ -z "$REGISTRY_PID" ] || stop_helper "$REGISTRY_PID"
  REGISTRY_PID=
}

# As apache.sh's trap (which this replaces): stop what this file and
# apache.sh started, then lib.sh's cleanup, with the test's status in $?.
# shellcheck disable=SC2154 # (registry_status is set in the trap itself)
trap 'registry_status=$?; stop_registry || :; stop_apache || :
  (exit "$registry_status") || cleanup; cleanup' EXIT

# registry_config PORT: the registry's configuration. The http secret signs
# upload state between requests; a fixed one here only silences the
# warning about a generated one. No auth section: the front is the auth.
registry_config() {
  cat >"$REGISTRY_CONF" <<EOF
# Generated by tests/integration/registry.sh for one test.
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$1
  secret: termauth-test-upload-state
EOF
}

start_registry() {
  : "${ISSUER:?start_registry: start_idp first}"
  stop_registry
  mkdir -p "$REGISTRY_DIR/data"
  attempt=1
  while :; do
    port=$(apache_free_ports 1)
    registry_config "$port"
    : >"$REGISTRY_LOG"
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin /usr/bin/docker-registry serve "$REGISTRY_CONF" \
      </dev/null >"$REGISTRY_LOG" 2>&1 &
    REGISTRY_PID=$!
    # It answers /v2/ with 200 (no auth) once it listens; a few hundred ms.
    i=0 code=
    while [ $i -lt 300 ] && running "$REGISTRY_PID"; do
      code=$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' \
        "http://127.0.0.1:$port/v2/") || :
      [ "$code" = 200 ] && break
      sleep 0.1; i=$((i + 1))
    done
    [ "$code" = 200 ] && break
    stop_registry
    if [ $attempt -lt 3 ] && grep -qs 'address already in use' "$REGISTRY_LOG"; then
      attempt=$((attempt + 1)); continue
    fi
    fail "the registry did not start (last answer '$code'): $(tail -n 20 "$REGISTRY_LOG")"
    exit 1
  done
  REGISTRY_UPSTREAM=127.0.0.1:$port
  start_apache --registry-only "$port"
  REGISTRY_HOST=$APACHE_REGISTRY_HOST
  REGISTRY_URL=http://$REGISTRY_HOST
}

# podman_env: podman (and skopeo, which read the same files) confined to
# $T/containers. As root here: cgroupfs (no systemd to ask for a cgroup),
# events in a file (no journald), vfs storage (no overlay mount needed, in
# a container or not), and the registry at REGISTRY_HOST insecure, i.e.
# plain http (it is on loopback). TMPDIR: image copies are staged there
# (podman's default is /var/tmp).
podman_env() {
  : "${REGISTRY_HOST:?podman_env: start_registry first}"
  d=$T/containers
  mkdir -p "$d/tmp" "$d/run"
  cat >"$d/containers.conf" <<EOF
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$d/events.log"
tmp_dir = "$d/run/libpod"
image_copy_tmp_dir = "$d/tmp"
EOF
  cat >"$d/storage.conf" <<EOF
[storage]
driver = "vfs"
graphroot = "$d/storage"
runroot = "$d/run/storage"
EOF
  cat >"$d/registries.conf" <<EOF
unqualified-search-registries = []
[[registry]]
location = "$REGISTRY_HOST"
insecure = true
[[registry]]
location = "$REGISTRY_UPSTREAM"
insecure = true
EOF
  # DOCKER_CONFIG unset: ~/.docker is $HOME's, which lib.sh made.
  unset DOCKER_CONFIG
  export CONTAINERS_CONF="$d/containers.conf" CONTAINERS_STORAGE_CONF="$d/storage.conf" \
    CONTAINERS_REGISTRIES_CONF="$d/registries.conf" REGISTRY_AUTH_FILE="$T/auth.json" \
    TMPDIR="$d/tmp"
}

make_test_image() { # NAME TAG
  : "${CONTAINERS_CONF:?make_test_image: podman_env first}"
  mi=$T/containers/image-$1-$2
  mkdir -p "$mi/root"
  printf '%s:%s\n' "$1" "$2" >"$mi/root/hello"
  tar -C "$mi/root" -cf "$mi/layer.tar" hello
  TEST_IMAGE=$REGISTRY_HOST/test/$1:$2
  podman import -q "$mi/layer.tar" "$TEST_IMAGE" >"$mi/id" 2>"$mi/err" ||
    { fail "make_test_image: podman import failed: $(cat "$mi/err")"; exit 1; }
}
