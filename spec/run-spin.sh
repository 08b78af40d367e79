#!/usr/bin/env bash
# Exhaustive SPIN verification of spec/ats.pml for one design variant.
#
#   spec/run-spin.sh VARIANT [FAULTS=0|1] [PF=quirked|healthy]
#
# VARIANT is upstream, series-v3, fail-early, rollback or vtd-style (the names
# of atslab --variant). FAULTS=1 lets pci_enable_ats fail on any call
# (-EINVAL/-ENODEV); PF=healthy replaces the seed's quirked-off PF by one that
# was probed and prepared (the default is the seed, PF=quirked). The bare
# forms `1` and `healthy` are accepted too.
#
# For every invariant it generates pan with `spin -a -DCHECK_INV_n`, compiles
# it with -DSAFETY and runs it to exhaustion; one more run with no assertion
# measures the model's reachable state space. It prints one JSON line:
#   {"variant":"upstream","faults":false,"pf":"quirked","violated":[4,9,...],
#    "states":N,"seconds":S,"states_per_second":R,"total_seconds":T}
# states / seconds / states_per_second are those of the exhaustive run with no
# assertion (pan compiled -O2; seconds = pan's CPU time, user + sys, start-up
# included); total_seconds is the wall clock of everything, compiles included.
#
# Exit status: 0 whatever SPIN finds (violations are results), 2 on a tool
# error (spin or cc missing or failing, an incomplete search, bad arguments).
#
# Environment: SPIN_CHECKS overrides the list of checks (default
# "1 4 9 10 11 12 13 14 23"; a number n selects CHECK_INV_n, a name X selects
# CHECK_X or CHECK_INV_X when it starts with a digit, e.g. 23_STRICT);
# SPIN_KEEP=1 keeps the work directory (pan sources and trails) and prints
# its path on stderr; CC picks the compiler (default cc); SPIN_MEASURE_OPT the
# optimisation of the measured run (default -O2).
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
model="$here/ats.pml"

die() { echo "run-spin.sh: $*" >&2; exit 2; }
now() { date +%s.%N; }
TIMEFORMAT='%3U %3S'  # for pan's CPU time in verify()

[ $# -ge 1 ] || die "usage: run-spin.sh VARIANT [FAULTS=0|1] [PF=quirked|healthy]"
variant="$1"; shift
case "$variant" in
  upstream) vnum=0 ;;
  series-v3) vnum=1 ;;
  fail-early) vnum=2 ;;
  rollback) vnum=3 ;;
  vtd-style) vnum=4 ;;
  *) die "unknown variant '$variant' (expected upstream, series-v3, fail-early, rollback or vtd-style)" ;;
esac
faults=0
pf=quirked
for arg in "$@"; do
  case "$arg" in
    FAULTS=0 | 0) faults=0 ;;
    FAULTS=1 | 1) faults=1 ;;
    PF=quirked | quirked) pf=quirked ;;
    PF=healthy | healthy) pf=healthy ;;
    *) die "unexpected argument '$arg' (expected FAULTS=0|1 or PF=quirked|healthy)" ;;
  esac
done

command -v spin >/dev/null 2>&1 || die "spin is not installed (scripts/setup.sh installs the Debian package spin)"
cc="${CC:-cc}"
command -v "$cc" >/dev/null 2>&1 || die "no C compiler '$cc'"
[ -r "$model" ] || die "cannot read $model"

checks="${SPIN_CHECKS-1 4 9 10 11 12 13 14 23}"
defines=(-DVARIANT=$vnum)
[ "$faults" = 1 ] && defines+=(-DFAULTS)
[ "$pf" = healthy ] && defines+=(-DPF_HEALTHY)

work="$(mktemp -d "${TMPDIR:-/tmp}/atslab-spin.XXXXXX")" || die "mktemp failed"
if [ "${SPIN_KEEP:-0}" = 1 ]; then
  echo "run-spin.sh: keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
cp "$model" "$work/ats.pml" || die "cannot copy the model"

t_start="$(now)"

# verify NAME CC_OPT DEFINE...: generate, compile and run pan in $work/NAME;
# sets $errors, $states, $pan_seconds (pan's CPU time) and $pan_rate.
verify() {
  local name="$1" opt="$2"; shift 2
  local dir="$work/$name"
  mkdir -p "$dir" && cp "$work/ats.pml" "$dir/" || die "cannot prepare $dir"
  # Limits: the machine is shared; a model change that explodes must fail, not swap.
  (cd "$dir" && ulimit -v 4000000 && timeout 300 spin "${defines[@]}" "$@" -a ats.pml >spin.log 2>&1) ||
    die "spin -a failed for $name: $(tail -3 "$dir/spin.log")"
  # pan.c is generated code: its warnings are not ours.
  (cd "$dir" && "$cc" "$opt" -w -DSAFETY -DMEMLIM=2048 -o pan pan.c >cc.log 2>&1) ||
    die "cc failed for $name: $(tail -3 "$dir/cc.log")"
  # CPU time (user + sys, getrusage) of pan alone: other load on the machine
  # does not count, and it resolves milliseconds where pan's clock has 10 ms.
  { time (cd "$dir" && ulimit -v 4000000 && timeout 300 ./pan -m20000 -w18 >pan.log 2>&1); } 2>"$dir/time.log" ||
    die "pan failed for $name: $(tail -3 "$dir/pan.log")"
  pan_seconds="$(awk '{ printf "%.3f", $1 + $2 }' "$dir/time.log")"
  grep -q "max search depth too small" "$dir/pan.log" && die "search depth exceeded for $name: the search was not exhaustive"
  grep -qE "out of memory|MEMLIM" "$dir/pan.log" && die "pan ran out of memory for $name: $(grep -m1 -E 'out of memory|MEMLIM' "$dir/pan.log")"
  errors="$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$dir/pan.log" | head -1)"
  states="$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$dir/pan.log" | head -1)"
  [ -n "$errors" ] && [ -n "$states" ] || die "cannot read pan's report for $name: $(tail -3 "$dir/pan.log")"
  pan_rate="$(awk -v n="$states" -v s="$pan_seconds" 'BEGIN { if (s > 0) printf "%d", n / s; else print 0 }')"
  if [ "$errors" != 0 ] && ! grep -q "assertion violated" "$dir/pan.log"; then
    die "pan found an error that is not an assertion for $name (deadlock?): $(grep -m1 '^pan:' "$dir/pan.log")"
  fi
}

violated=()
for c in $checks; do
  case "$c" in
    [0-9]*) macro="CHECK_INV_$c" ;;
    *) macro="CHECK_$c" ;;
  esac
  # -O0: compiling pan costs more than these searches do.
  verify "check-$c" -O0 "-D$macro"
  [ "$errors" != 0 ] && violated+=("$c")
done

# The measured run is compiled as one would for a real verification
# (SPIN_MEASURE_OPT=-O0 saves the compile time where only the sets matter).
verify full "${SPIN_MEASURE_OPT:--O2}"
full_states="$states"
full_seconds="$pan_seconds"
rate="$pan_rate"
t_end="$(now)"

json_list=""
for c in "${violated[@]+"${violated[@]}"}"; do
  case "$c" in
    *[!0-9]*) item="\"$c\"" ;;
    *) item="$c" ;;
  esac
  json_list="${json_list:+$json_list,}$item"
done
faults_json=false
[ "$faults" = 1 ] && faults_json=true
total="$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.2f", b - a }')"
printf '{"variant":"%s","faults":%s,"pf":"%s","violated":[%s],"states":%s,"seconds":%s,"states_per_second":%s,"total_seconds":%s}\n' \
  "$variant" "$faults_json" "$pf" "$json_list" "$full_states" "$full_seconds" "$rate" "$total"
exit 0
