# bench/lib.sh - what the benchmarks of a store fronted by the access token
# cache share (bench/keychain, bench/kernel; bench/docker its setup and
# rounds): each script puts a session in its store; this sets up, checks,
# times and reports. Sourced with top set; the script defines store_cleanup
# (run at exit, before work is removed).

# bench_setup NAME [BUILD_DIR]: build, work (a fresh directory), a private
# HOME and XDG directories, the reference compiled, work/session.json a
# session like a sign-in's, cache the runtime cache's file.
bench_setup() {
  build=$(cd "${2:-$top/build}" && pwd)
  work=$(mktemp -d "${TMPDIR:-/tmp}/termauth-$1.XXXXXX")
  trap 'store_cleanup || :; rm -rf "$work"' EXIT
  export HOME="$work/home" XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config"
  export XDG_RUNTIME_DIR="$work/run"
  unset TERMAUTH_TOKEN TERMAUTH_CREDENTIAL TERMAUTH_PROFILE TERMAUTH_STORE
  mkdir -p "$HOME"
  mkdir -m 700 "$XDG_RUNTIME_DIR"
  cc -O2 -o "$work/reference" "$top/bench/reference.c"
  "$top/bench/fake-session" >"$work/session.json"
  cache=$XDG_RUNTIME_DIR/termauth/default.json
}

# bench_check STORE: the first call reads the store and fills the cache. It
# must print the session's token and leave no refresh token in the cache;
# then the small executable alone (no termauth-full beside it to hand over
# to) must serve the same token: the fast path is served by the cache.
bench_check() {
  want=$("$work/reference" "$work/session.json")
  [ "$("$build/termauth" token)" = "$want" ] &&
    [ -f "$cache" ] && ! grep -q refresh_token "$cache" || {
    echo "bench: termauth token did not serve the $1's token through its cache" >&2; exit 1; }
  mkdir "$work/alone"
  cp "$build/termauth" "$work/alone/"
  [ "$("$work/alone/termauth" token 2>/dev/null)" = "$want" ] || {
    echo "bench: termauth token misses the cache (it hands over to termauth-full)" >&2; exit 1; }
}

# bench_rounds TAG RUNS [HYPERFINE_OPTION...] -- NAME CMD [NAME CMD...]: the
# commands, RUNS runs each (20 warm-up) in each of 10 rounds that alternate
# them, as work/TAG.ROUND.json; bench_median pools them.
bench_rounds() {
  br_tag=$1 br_runs=$2 br_opts=
  shift 2
  while [ "$1" != -- ]; do br_opts="$br_opts $1"; shift; done
  shift
  # Each NAME CMD pair becomes "-n NAME CMD", at the end of "$@".
  br_n=$#
  while [ "$br_n" -gt 0 ]; do set -- "$@" -n "$1" "$2"; shift 2; br_n=$((br_n - 2)); done
  for round in 1 2 3 4 5 6 7 8 9 10; do
    # shellcheck disable=SC2086 # (the options are words)
    hyperfine $br_opts --warmup 20 --runs "$br_runs" --export-json "$work/$br_tag.$round.json" \
      "$@" >/dev/null
  done
}

# bench_median TAG NAME: the median, in ms, of command NAME's runs pooled
# over bench_rounds TAG's rounds.
bench_median() {
  node -e '
const [work, tag, name] = process.argv.slice(1), fs = require("fs");
const t = fs.readdirSync(work).filter(f => f.startsWith(tag + ".") && f.endsWith(".json"))
  .flatMap(f => JSON.parse(fs.readFileSync(`${work}/${f}`)).results)
  .filter(x => x.command === name).flatMap(x => x.times).sort((a, b) => a - b);
if (!t.length) process.exit(1);
console.log(((t[(t.length - 1) >> 1] + t[t.length >> 1]) / 2 * 1000).toFixed(3));' "$work" "$1" "$2"
}

# bench_time: the fast path against the reference (reading the same cache
# file), 2000 runs each in 10 rounds that alternate the two - hyperfine
# runs one command's runs, then the other's, and on a shared machine the
# load changes between the blocks - then calls that find the cache
# emptied. The report takes the medians of the pooled runs.
bench_time() {
  bench_rounds fast 200 -N -- reference "$work/reference $cache" \
    "termauth token" "$build/termauth token"
  hyperfine -N --warmup 5 --runs 100 --export-json "$work/slow.json" \
    --prepare "rm -f $cache" \
    -n "cache emptied" "$build/termauth token" >&2
}

# bench_report NAME GOAL TITLE COLD: appends bench_time's figures to
# docs/BENCHMARKS.md as a section titled TITLE; stdin is its paragraph;
# COLD names the cache-emptied row. NAME is the script (bench/NAME) and the
# summary's label; GOAL the largest ratio of medians from the cache.
bench_report() {
  cat >"$work/about.md"
  node -e '
const [work, slow, about, name, goal, title, coldRow, out] = process.argv.slice(1);
const fs = require("fs");
const rounds = fs.readdirSync(work).filter(f => /^fast\.[0-9]+\.json$/.test(f));
const r = [...rounds.flatMap(f => JSON.parse(fs.readFileSync(`${work}/${f}`)).results),
  ...JSON.parse(fs.readFileSync(slow)).results];
const med = n => {
  const t = r.filter(x => x.command === n).flatMap(x => x.times).sort((a, b) => a - b);
  return (t[(t.length - 1) >> 1] + t[t.length >> 1]) / 2 * 1000;
};
const ref = med("reference"), ta = med("termauth token"), cold = med("cache emptied");
const ratio = ta / ref;
const lines = [
  "",
  `## ${title}`,
  "",
  ...fs.readFileSync(about, "utf8").replace(/\n+$/, "").split("\n"),
  "",
  "| program | median | ratio to the reference |",
  "|---|---|---|",
  `| reference | ${ref.toFixed(3)} ms | 1.00x |`,
  `| termauth token (cache) | ${ta.toFixed(3)} ms | ${ratio.toFixed(2)}x |`,
  `| ${coldRow} | ${cold.toFixed(3)} ms | ${(cold / ref).toFixed(2)}x |`,
  "",
  `Ratio of medians from the cache (10 alternating rounds, pooled): **${ratio.toFixed(2)}x** (goal <= ${goal}x): ${ratio <= Number(goal) ? "met" : "NOT met"}.`,
  "",
  `Run it: \`make bench\` (or \`bench/${name} BUILD_DIR\`).`,
  "",
];
fs.appendFileSync(out, lines.join("\n"));
console.log(`${name}: reference ${ref.toFixed(3)} ms, termauth token ${ta.toFixed(3)} ms (${ratio.toFixed(2)}x), cache emptied ${cold.toFixed(3)} ms`);
' "$work" "$work/slow.json" "$work/about.md" "$1" "$2" "$3" "$4" \
    "$top/docs/BENCHMARKS.md"
}
