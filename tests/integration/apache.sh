# apache.sh - a real OAuth 2.0 resource server in front of git and kubectl
# (or a container registry: registry.sh), for the integration scenarios:
# Apache httpd (Debian's apache2-bin) with mod_auth_openidc, which accepts
# a request only when the test IdP's introspection endpoint says its access
# token is active, asked as the confidential client termauth-rs
# (tests/idp/server.mjs), on every request.
# Sourced after lib.sh (it uses $T, $ISSUER, fail and lib.sh's cleanup);
# start_idp first, then start_apache. Everything listens on 127.0.0.1, runs
# from a config generated under $T/apache (no /etc/apache2, no system
# service), and is stopped on exit. Not a model of a production setup.
#
# Provides:
#   start_apache [--git-only|--kube-only|--registry-only PORT]
#                [--introspection-interval N]
#                      starts Apache (stops the one running first, if any) and
#                      returns once it answers; ends the test when it cannot.
#                      --registry-only PORT: only the registry front, for the
#                      registry listening on 127.0.0.1:PORT (registry.sh's
#                      start_registry calls this; use that)
#   stop_apache        stops it (also done on exit); safe to call twice
#   make_bare_repo NAME  $APACHE_GIT_ROOT/NAME.git with one commit on main
#                      (README), push allowed; served at $GIT_URL/NAME.git
#   repo_git NAME ARGS...  git ARGS run in that bare repository (as root
#                      too: it may hold files the server's user wrote)
#   write_kubeconfig FILE  a kubeconfig (mode 0600) for $KUBE_URL trusting
#                      $APACHE_CA; the user's fields come from stdin, as
#                      YAML lines indented by four spaces (e.g. "    token: T")
#   GIT_URL            http://127.0.0.1:PORT/git (no trailing slash): git's
#                      smart HTTP (git-http-backend); the token is the Basic
#                      password, any username; fetch and push need it
#   KUBE_URL           https://127.0.0.1:PORT (no trailing slash): every path
#                      answers 200 with the body in $KUBE_BODY ("ok") as
#                      text/plain; the token as "Authorization: Bearer"
#   APACHE_CA          the PEM CA certificate that signed KUBE_URL's
#                      certificate (subjectAltName IP:127.0.0.1)
#   KUBE_BODY          the file served at every KUBE_URL path (rewrite at will)
#   APACHE_REGISTRY_HOST  127.0.0.1:PORT, the registry front (--registry-only):
#                      /v2/ proxied to the registry, the token as the Basic
#                      password, any username; Authorization is not passed on
#   APACHE_GIT_ROOT    $T/git-repos, git-http-backend's GIT_PROJECT_ROOT
#   APACHE_DIR, APACHE_CONF, APACHE_ERROR_LOG, APACHE_ACCESS_LOG: where its
#                      files are; APACHE_PID, APACHE_WATCH_PID: its processes
#   APACHE_LOG_LEVEL   (set by the test, before start_apache) Apache's
#                      LogLevel, default "warn"; "warn auth_openidc:debug"
#                      shows the introspection calls, tokens included
#
# --introspection-interval N: OIDCOAuthTokenIntrospectionInterval, default -1
# (no caching: a revoked token is refused at once); 0 is the module's own
# default (an active answer is kept until the token's exp).
#
# A request without a token, or with one the IdP calls inactive (unknown,
# expired, revoked), gets 401 with "WWW-Authenticate: Basic realm=..." on
# GIT_URL (so git asks its credential helper, and tells it to erase a
# refused password) and on APACHE_REGISTRY_HOST (so podman and docker send
# the credential helper's answer as Basic), "WWW-Authenticate: Bearer ..."
# on KUBE_URL.

# shellcheck disable=SC2034 # (the variables are for the test that sources this)
APACHE_DIR=$T/apache
APACHE_CONF=$APACHE_DIR/httpd.conf
APACHE_ERROR_LOG=$APACHE_DIR/error.log
APACHE_ACCESS_LOG=$APACHE_DIR/access.log
APACHE_CA=$APACHE_DIR/ca.pem
APACHE_GIT_ROOT=$T/git-repos
KUBE_BODY=$APACHE_DIR/kube/body
APACHE_PID=
APACHE_WATCH_PID=
GIT_URL=
KUBE_URL=
APACHE_REGISTRY_HOST=
APACHE_MODULES=/usr/lib/apache2/modules
apache_test_shell=$$

stop_apache() {
  # (|| : as wait gives the killed process's status, 143 for the watcher,
  # and set -e would end the test on it)
  if [ -n "$APACHE_WATCH_PID" ]; then
    { kill "$APACHE_WATCH_PID" && wait "$APACHE_WATCH_PID"; } 2>/dev/null || :
    APACHE_WATCH_PID=
  fi
  if [ -n "$APACHE_PID" ]; then
    # SIGTERM: the parent stops its children, then exits.
    { kill "$APACHE_PID" && wait "$APACHE_PID"; } 2>/dev/null || :
    APACHE_PID=
  fi
}

# Stop Apache on exit, then run lib.sh's cleanup, which must see the test's
# exit status in $? (it exits with it). Under set -e a failing command in a
# trap would end the shell before cleanup runs: the status goes back into $?
# through a subshell's exit on the left of ||, and cleanup (which never
# returns) runs on whichever side of it is reached.
# shellcheck disable=SC2154 # (apache_status is set in the trap itself)
trap 'apache_status=$?; stop_apache || :; (exit "$apache_status") || cleanup; cleanup' EXIT

# apache_free_ports [N]: N (default 2) distinct free TCP ports on 127.0.0.1,
# on one line. Another process may take one before Apache (or the registry)
# binds it: start_apache and start_registry retry.
apache_free_ports() {
  node -e '
    const net = require("net"), n = Number(process.argv[1]), s = [];
    const next = () => {
      if (s.length === n) {
        console.log(s.map(x => x.address().port).join(" ")); s.forEach(x => x.close()); return;
      }
      const x = net.createServer(); s.push(x); x.listen(0, "127.0.0.1", next);
    };
    next();' "${1:-2}"
}

# apache_certs: a throwaway CA ($APACHE_CA) and a certificate for 127.0.0.1
# signed by it, for KUBE_URL. kubectl (Go) wants the IP in subjectAltName.
apache_certs() {
  d=$APACHE_DIR/tls
  mkdir -p "$d"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj "/CN=termauth test CA" -addext basicConstraints=critical,CA:TRUE \
    -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$d/ca.key" -out "$APACHE_CA" 2>"$d/openssl.err" &&
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj /CN=127.0.0.1 \
    -keyout "$d/server.key" -out "$d/server.csr" 2>>"$d/openssl.err" &&
  printf '%s\n' 'subjectAltName=IP:127.0.0.1' 'basicConstraints=CA:FALSE' \
    'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' >"$d/server.ext" &&
  openssl x509 -req -in "$d/server.csr" -CA "$APACHE_CA" -CAkey "$d/ca.key" -CAcreateserial \
    -days 2 -extfile "$d/server.ext" -out "$d/server.pem" 2>>"$d/openssl.err" ||
  { fail "start_apache: cannot make the certificates: $(cat "$d/openssl.err")"; exit 1; }
}

# apache_config HTTP_PORT HTTPS_PORT INTERVAL REGISTRY_PORT UPSTREAM: writes
# $APACHE_CONF; an empty port leaves that server out.
apache_config() {
  http_port=$1 https_port=$2 interval=$3 registry_port=$4 upstream=$5
  run_as=
  # Apache refuses to serve as root: started as root, its children become
  # nobody, which needs a way into $T (mktemp's 0700) and, to push, into the
  # repositories (make_bare_repo makes them world-writable then).
  if [ "$(id -u)" -eq 0 ]; then
    chmod 711 "$T"
    run_as="User nobody
Group $(id -gn nobody)"
  fi
  cat >"$APACHE_CONF" <<EOF
# Generated by tests/integration/apache.sh for one test; not a system config.
ServerRoot "$APACHE_DIR"
ServerName 127.0.0.1
DefaultRuntimeDir "$APACHE_DIR/run"
PidFile "$APACHE_DIR/run/httpd.pid"
Mutex "file:$APACHE_DIR/run" default
ErrorLog "$APACHE_ERROR_LOG"
LogLevel ${APACHE_LOG_LEVEL:-warn}
LogFormat "%h \"%u\" \"%r\" %>s %b" short
CustomLog "$APACHE_ACCESS_LOG" short
$run_as

LoadModule mpm_prefork_module $APACHE_MODULES/mod_mpm_prefork.so
LoadModule authn_core_module $APACHE_MODULES/mod_authn_core.so
LoadModule authz_core_module $APACHE_MODULES/mod_authz_core.so
LoadModule authz_user_module $APACHE_MODULES/mod_authz_user.so
LoadModule auth_openidc_module $APACHE_MODULES/mod_auth_openidc.so
LoadModule alias_module $APACHE_MODULES/mod_alias.so
LoadModule cgi_module $APACHE_MODULES/mod_cgi.so
LoadModule env_module $APACHE_MODULES/mod_env.so
LoadModule mime_module $APACHE_MODULES/mod_mime.so
LoadModule headers_module $APACHE_MODULES/mod_headers.so
LoadModule proxy_module $APACHE_MODULES/mod_proxy.so
LoadModule proxy_http_module $APACHE_MODULES/mod_proxy_http.so
LoadModule socache_shmcb_module $APACHE_MODULES/mod_socache_shmcb.so
LoadModule ssl_module $APACHE_MODULES/mod_ssl.so

# prefork (so plain mod_cgi): a few processes are plenty for one test.
StartServers 2
MinSpareServers 1
MaxSpareServers 4
MaxRequestWorkers 16
Timeout 30
KeepAlive On
TypesConfig /dev/null

# The resource server: each token goes to the IdP's introspection endpoint
# (RFC 7662) as termauth-rs with client_secret_basic; REMOTE_USER is the
# answer's sub. The endpoint comes from the IdP's metadata: the module
# refuses an http:// OIDCOAuthIntrospectionEndpoint outright, where an
# http:// metadata URL only draws a warning. Interval -1: the introspection
# result is never cached, so a token revoked at the IdP is refused on the
# very next request (0, the module's default, caches an active answer until
# the token's exp). OIDCHTTPTimeoutLong bounds the call to the IdP.
OIDCOAuthServerMetadataURL "$ISSUER/.well-known/openid-configuration"
OIDCOAuthIntrospectionEndpointAuth client_secret_basic
OIDCOAuthClientID termauth-rs
OIDCOAuthClientSecret termauth-rs-secret
OIDCOAuthTokenIntrospectionInterval $interval
OIDCOAuthRemoteUserClaim sub
OIDCHTTPTimeoutLong 10

DocumentRoot "$APACHE_DIR/htdocs"
<Directory />
  AllowOverride None
  Options None
  Require all denied
</Directory>
EOF
  if [ -n "$http_port" ]; then
    cat >>"$APACHE_CONF" <<EOF

Listen 127.0.0.1:$http_port http
<VirtualHost 127.0.0.1:$http_port>
  ServerName 127.0.0.1
  # git's smart HTTP protocol; git-http-backend allows receive-pack (push)
  # to an authenticated user (REMOTE_USER). safe.directory: under root the
  # repositories belong to root and the CGI runs as nobody.
  ScriptAlias /git/ /usr/lib/git-core/git-http-backend/
  SetEnv GIT_PROJECT_ROOT "$APACHE_GIT_ROOT"
  SetEnv GIT_HTTP_EXPORT_ALL 1
  SetEnv GIT_CONFIG_COUNT 1
  SetEnv GIT_CONFIG_KEY_0 safe.directory
  SetEnv GIT_CONFIG_VALUE_0 *
  <Directory /usr/lib/git-core>
    Require all granted
  </Directory>
  # mod_cgi looks PATH_INFO up as a URL (a subrequest) for PATH_TRANSLATED:
  # let it find nothing quietly, rather than log a denial for each request.
  <Directory "$APACHE_DIR/htdocs">
    Require expr %{IS_SUBREQ} == 'true'
  </Directory>
  # The token is the Basic password, any username: the 401 then names
  # Basic, which is what git (libcurl) answers with user and password.
  <Location /git/>
    AuthType oauth20
    AuthName "termauth test git"
    OIDCOAuthAcceptTokenAs basic
    Require valid-user
  </Location>
</VirtualHost>
EOF
  fi
  if [ -n "$https_port" ]; then
    cat >>"$APACHE_CONF" <<EOF

Listen 127.0.0.1:$https_port https
SSLSessionCache "shmcb:$APACHE_DIR/run/ssl_scache(512000)"
<VirtualHost 127.0.0.1:$https_port>
  ServerName 127.0.0.1
  SSLEngine on
  SSLCertificateFile "$APACHE_DIR/tls/server.pem"
  SSLCertificateKeyFile "$APACHE_DIR/tls/server.key"
  # Every path (/readyz, /api, /version...) is one fixed body: enough for
  # kubectl get --raw, which needs no discovery.
  AliasMatch ^/ "$KUBE_BODY"
  <Directory "$APACHE_DIR/kube">
    Require all granted
    ForceType text/plain
  </Directory>
  # kubectl sends a kubeconfig token as "Authorization: Bearer".
  <Location />
    AuthType oauth20
    AuthName "termauth test kube"
    OIDCOAuthAcceptTokenAs header
    Require valid-user
  </Location>
</VirtualHost>
EOF
  fi
  if [ -n "$registry_port" ]; then
    cat >>"$APACHE_CONF" <<EOF

Listen 127.0.0.1:$registry_port http
<VirtualHost 127.0.0.1:$registry_port>
  ServerName 127.0.0.1
  # The registry (distribution) API, proxied as it is: nocanon and NoDecode
  # keep upload URLs' escaped query strings intact; the registry builds
  # upload Locations from Host, which must stay the front's.
  AllowEncodedSlashes NoDecode
  ProxyRequests Off
  ProxyPreserveHost On
  ProxyPass /v2/ http://127.0.0.1:$upstream/v2/ nocanon
  ProxyPassReverse /v2/ http://127.0.0.1:$upstream/v2/
  # The token is the Basic password, as podman and docker send a credential
  # helper's answer (they send Basic when the 401 names Basic). Neither it
  # nor the module's copies of it and its claims (headers OIDC_access_token,
  # OIDC_CLAIM_*, which it adds by default) reach the registry: it has no
  # auth of its own and need not see a secret. (RequestHeader runs after
  # authentication, which reads Authorization.)
  <Location /v2/>
    AuthType oauth20
    AuthName "termauth test registry"
    OIDCOAuthAcceptTokenAs basic
    OIDCPassClaimsAs none
    Require valid-user
    RequestHeader unset Authorization
  </Location>
</VirtualHost>
EOF
  fi
}

# apache_answers HTTP_PORT HTTPS_PORT REGISTRY_PORT: whether every server
# asked for gives an HTTP answer (any status: 401 is an answer).
apache_answers() {
  if [ -n "${3:-}" ]; then
    code=$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' \
      "http://127.0.0.1:$3/v2/") || :
    [ "$code" != 000 ] && [ -n "$code" ] || return 1
  fi
  if [ -n "$1" ]; then
    code=$(curl -s --noproxy '*' --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/git/") || :
    [ "$code" != 000 ] && [ -n "$code" ] || return 1
  fi
  if [ -n "$2" ]; then
    code=$(curl -s --noproxy '*' --max-time 2 --cacert "$APACHE_CA" -o /dev/null -w '%{http_code}' \
      "https://127.0.0.1:$2/") || :
    [ "$code" != 000 ] && [ -n "$code" ] || return 1
  fi
  return 0
}

start_apache() {
  : "${ISSUER:?start_apache: start_idp first}"
  want_git=1 want_kube=1 interval=-1 upstream=
  while [ $# -gt 0 ]; do
    case "$1" in
      --git-only) want_kube= ;;
      --kube-only) want_git= ;;
      --registry-only) want_git='' want_kube='' upstream=$2; shift ;;
      --introspection-interval) interval=$2; shift ;;
      *) fail "start_apache: unknown option $1"; exit 1 ;;
    esac
    shift
  done
  stop_apache
  mkdir -p "$APACHE_DIR/run" "$APACHE_DIR/kube" "$APACHE_DIR/htdocs" "$APACHE_GIT_ROOT"
  chmod 755 "$APACHE_DIR" "$APACHE_DIR/run" "$APACHE_DIR/kube" "$APACHE_DIR/htdocs" "$APACHE_GIT_ROOT"
  [ -f "$KUBE_BODY" ] || printf 'ok' >"$KUBE_BODY"
  chmod 644 "$KUBE_BODY"
  [ -n "$want_kube" ] && apache_certs
  attempt=1
  while :; do
    # shellcheck disable=SC2046
    set -- $(apache_free_ports 3)
    http_port=${want_git:+$1} https_port=${want_kube:+$2} registry_port=${upstream:+$3}
    apache_config "$http_port" "$https_port" "$interval" "$registry_port" "$upstream"
    : >"$APACHE_ERROR_LOG"
    # A clean environment: no proxy variables for the module's libcurl, no
    # test settings for the CGI. -DNO_DETACH, not -DFOREGROUND: both stay in
    # the foreground with this PID, but NO_DETACH also makes Apache a session
    # leader, and a stopping Apache signals its whole process group, which
    # under FOREGROUND is the test's own (SIGTERM would end the test).
    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
      apache2 -d "$APACHE_DIR" -f "$APACHE_CONF" -DNO_DETACH </dev/null >"$APACHE_DIR/stderr.log" 2>&1 &
    APACHE_PID=$!
    i=0
    while [ $i -lt 300 ] && kill -0 "$APACHE_PID" 2>/dev/null &&
      ! apache_answers "$http_port" "$https_port" "$registry_port"; do
      sleep 0.1; i=$((i + 1))
    done
    if kill -0 "$APACHE_PID" 2>/dev/null; then
      apache_answers "$http_port" "$https_port" "$registry_port" && break
      why="no answer within 30 s"
    else
      why="it exited"
    fi
    stop_apache
    # A port taken since apache_free_ports saw it free: try other ports.
    if [ $attempt -lt 3 ] && grep -qs 'Address already in use' "$APACHE_ERROR_LOG" "$APACHE_DIR/stderr.log"; then
      attempt=$((attempt + 1)); continue
    fi
    fail "Apache did not start ($why); $APACHE_DIR/stderr.log: $(tail -n 20 "$APACHE_DIR/stderr.log")
$APACHE_ERROR_LOG: $(tail -n 20 "$APACHE_ERROR_LOG")"
    exit 1
  done
  # Apache is in a session of its own (-DNO_DETACH, see above): when the
  # test's shell dies of a signal, without its EXIT trap, nothing else
  # would stop it. This watcher ignores the terminal's ^C and does.
  ( trap '' INT HUP
    while kill -0 "$apache_test_shell" 2>/dev/null; do sleep 1; done
    kill "$APACHE_PID" ) </dev/null >/dev/null 2>&1 &
  APACHE_WATCH_PID=$!
  GIT_URL=${http_port:+http://127.0.0.1:$http_port/git}
  KUBE_URL=${https_port:+https://127.0.0.1:$https_port}
  APACHE_REGISTRY_HOST=${registry_port:+127.0.0.1:$registry_port}
}

make_bare_repo() { # NAME
  d=$APACHE_GIT_ROOT/$1.git
  mkdir -p "$APACHE_GIT_ROOT"
  # Under root the server writes as nobody: a world-writable repository.
  if [ "$(id -u)" -eq 0 ]; then git init -q --bare --shared=0777 "$d"; else git init -q --bare "$d"; fi
  git -C "$d" config http.receivepack true
  blob=$(printf 'the %s repository\n' "$1" | git -C "$d" hash-object -w --stdin)
  tree=$(printf '100644 blob %s\tREADME\n' "$blob" | git -C "$d" mktree)
  commit=$(GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.test GIT_COMMITTER_NAME=test \
    GIT_COMMITTER_EMAIL=test@example.test git -C "$d" commit-tree -m "first commit" "$tree")
  git -C "$d" update-ref refs/heads/main "$commit"
  git -C "$d" symbolic-ref HEAD refs/heads/main
}

repo_git() { # NAME ARGS...
  d=$APACHE_GIT_ROOT/$1.git; shift
  git -c safe.directory="$d" -C "$d" "$@"
}

write_kubeconfig() { # FILE, the user's fields on stdin
  (umask 077 && {
    printf 'apiVersion: v1\nkind: Config\nclusters:\n- name: test\n  cluster:\n'
    printf '    server: %s\n    certificate-authority: %s\n' "$KUBE_URL" "$APACHE_CA"
    printf 'users:\n- name: test\n  user:\n'
    cat
    printf 'contexts:\n- name: test\n  context:\n    cluster: test\n    user: test\n'
    printf 'current-context: test\n'
  } >"$1")
  chmod 600 "$1"
}
