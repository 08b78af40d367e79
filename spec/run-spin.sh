#!/usr/bin/env bash
# Exhaustive SPIN verification of spec/ats.pml for one design variant.
#
#   spec/run-spin.sh VARIANT [FAULTS=0|1] [PF=quirked|healthy]
#
# VARIANT is upstream, series-v3, fail-early, rollback or vtd-style (the names
# of atslab --variant). FAULTS=1 lets pci_enable_ats fail on any call
# (the model returns -EINVAL; no design looks at the value); PF=healthy replaces the seed's quirked-off PF by one that
# was probed and prepared (the default is the seed, PF=quirked). The bare
# forms `1` and `healthy` are accepted too.
#
# It generates pan once (spin -a, compiled -DSAFETY) and runs it to
# exhaustion once per check, the check chosen by SPIN_CHECK in pan's
# environment (see the head of ats.pml): every invariant the model states and
# every WARN site it has, the latter as "this WARN is never reached". One more
# run with no check measures the model's reachable state space. It prints one
# JSON line:
#   {"variant":"upstream","faults":false,"pf":"quirked","violated":[4,9,...],
#    "warns":["pci_disable_ats",...],"states":N,"seconds":S,
#    "states_per_second":R,"total_seconds":T}
# violated: the invariants whose assertion fails; warns: the WARN sites some
# execution reaches. states / seconds / states_per_second are those of the
# exhaustive run with no check (pan compiled with SPIN_MEASURE_OPT, default
# -O2; seconds = pan's CPU time, user + sys, start-up included);
# total_seconds is the wall clock of everything, compiles included.
#
# Exit status: 0 whatever SPIN finds (violations and WARNs are results), 2 on
# a tool error (spin or cc missing or failing, an incomplete search, an error
# that is not an assertion, bad arguments).
#
# Environment: SPIN_CHECKS overrides the list of checks (default: every
# invariant and WARN site below; a number n is invariant n, 23_STRICT is 23
# without its in-flight exception, a WARN site goes by its function's name);
# SPIN_KEEP=1 keeps the work directory (pan sources and trails, replayed with
# spin -DVARIANT=v [-DFAULTS] [-DPF_HEALTHY] -DCHECK=k -t -p -g ats.pml) and
# prints its path on stderr; SPIN_PAN_CACHE=DIR keeps the compiled pan there for
# the next run of the same variant (build() below); CC picks the compiler (default cc).
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

# Check names and their numbers in ats.pml (SPIN_CHECK). Invariants are
# numbered as in kernel-semantics.md section 7; WARN sites from 100.
invariants="1 4 9 10 11 12 13 14 18 23 24"
warn_sites="pci_disable_ats pci_enable_ats pci_prepare_ats arm_smmu_enable_ats arm_smmu_invs_unref __iommu_group_set_domain_nofail iommu_setup_default_domain __iommu_group_set_domain_internal"
check_number() {
  case "$1" in
    23_STRICT) echo 90 ;;
    pci_disable_ats) echo 100 ;;
    pci_enable_ats) echo 101 ;;
    pci_prepare_ats) echo 102 ;;
    arm_smmu_enable_ats) echo 103 ;;
    arm_smmu_invs_unref) echo 104 ;;
    __iommu_group_set_domain_nofail) echo 105 ;;
    iommu_setup_default_domain) echo 106 ;;
    __iommu_group_set_domain_internal) echo 107 ;;
    *[!0-9]*) return 1 ;;
    *) case " $invariants " in *" $1 "*) echo "$1" ;; *) return 1 ;; esac ;;
  esac
}
checks="${SPIN_CHECKS-$invariants $warn_sites}"
for c in $checks; do check_number "$c" >/dev/null || die "unknown check '$c' (invariants: $invariants; 23_STRICT; WARN sites: $warn_sites)"; done
# pan takes the configuration from its environment (ats.pml's head): one pan per variant.
defines=(-DVARIANT=$vnum)
pan_env=(SPIN_FAULTS="$faults" SPIN_PF_HEALTHY="$([ "$pf" = healthy ] && echo 1 || echo 0)")

work="$(mktemp -d "${TMPDIR:-/tmp}/atslab-spin.XXXXXX")" || die "mktemp failed"
if [ "${SPIN_KEEP:-0}" = 1 ]; then
  echo "run-spin.sh: keeping $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
cp "$model" "$work/ats.pml" || die "cannot copy the model"

t_start="$(now)"

# build NAME CC_OPT: generate and compile pan in $work/NAME. With SPIN_PAN_CACHE=DIR, a pan
# compiled there before from the same model, variant and options is used again (ctest's
# spin.<variant> runs four configurations: compiling pan was most of its time).
build() {
  local name="$1" opt="$2"
  local dir="$work/$name"
  local key
  key="$(cat "$work/ats.pml" | sha256sum | cut -c1-16) ${defines[*]} $opt $("$cc" --version 2>/dev/null | head -1)"
  if [ -n "${SPIN_PAN_CACHE:-}" ]; then
    local cache="$SPIN_PAN_CACHE/$name"
    if [ -x "$cache/pan" ] && [ "$(cat "$cache/key" 2>/dev/null)" = "$key" ]; then
      mkdir -p "$dir" && cp "$cache/pan" "$dir/pan" || die "cannot copy the cached pan from $cache"
      return
    fi
  fi
  mkdir -p "$dir" && cp "$work/ats.pml" "$dir/" || die "cannot prepare $dir"
  # Limits: the machine is shared; a model change that explodes must fail, not swap.
  (cd "$dir" && ulimit -v 4000000 && timeout 300 spin "${defines[@]}" -a ats.pml >spin.log 2>&1) ||
    die "spin -a failed: $(tail -3 "$dir/spin.log")"
  # pan.c is generated code: its warnings are not ours.
  (cd "$dir" && "$cc" "$opt" -w -DSAFETY -DMEMLIM=2048 -o pan pan.c >cc.log 2>&1) ||
    die "cc failed: $(tail -3 "$dir/cc.log")"
  if [ -n "${SPIN_PAN_CACHE:-}" ]; then
    # Written whole under a temporary name, then renamed: a run stopped half way leaves no pan
    # that a later one would take.
    local cache="$SPIN_PAN_CACHE/$name"
    # The key goes first and comes back last, so that no pan is ever found beside another's key.
    mkdir -p "$cache" && rm -f "$cache/key" && cp "$dir/pan" "$cache/pan.tmp.$$" && mv "$cache/pan.tmp.$$" "$cache/pan" &&
      printf '%s' "$key" >"$cache/key.tmp.$$" && mv "$cache/key.tmp.$$" "$cache/key" || die "cannot write the pan cache $cache"
  fi
}

# verify DIR CHECK: run pan in $work/DIR with SPIN_CHECK=CHECK (in a directory
# of its own, for its trail); sets $errors, $states, $pan_seconds (pan's CPU
# time) and $pan_rate.
verify() {
  local bin="$work/$1/pan" dir="$work/run-$2"
  mkdir -p "$dir" && cp "$work/ats.pml" "$dir/" || die "cannot prepare $dir"
  # CPU time (user + sys, getrusage) of pan alone: other load on the machine
  # does not count, and it resolves milliseconds where pan's clock has 10 ms.
  { time (cd "$dir" && ulimit -v 4000000 && env "${pan_env[@]}" SPIN_CHECK="$2" timeout 300 "$bin" -m200000 -w18 >pan.log 2>&1); } 2>"$dir/time.log" ||
    die "pan failed for check $2: $(tail -3 "$dir/pan.log")"
  pan_seconds="$(awk '{ printf "%.3f", $1 + $2 }' "$dir/time.log")"
  grep -q "max search depth too small" "$dir/pan.log" && die "search depth exceeded for check $2: the search was not exhaustive"
  grep -qE "out of memory|MEMLIM" "$dir/pan.log" && die "pan ran out of memory for check $2: $(grep -m1 -E 'out of memory|MEMLIM' "$dir/pan.log")"
  errors="$(sed -n 's/.*errors: \([0-9][0-9]*\).*/\1/p' "$dir/pan.log" | head -1)"
  states="$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$dir/pan.log" | head -1)"
  [ -n "$errors" ] && [ -n "$states" ] || die "cannot read pan's report for check $2: $(tail -3 "$dir/pan.log")"
  pan_rate="$(awk -v n="$states" -v s="$pan_seconds" 'BEGIN { if (s > 0) printf "%d", n / s; else print 0 }')"
  if [ "$errors" != 0 ] && ! grep -q "assertion violated" "$dir/pan.log"; then
    die "pan found an error that is not an assertion for check $2 (deadlock?): $(grep -m1 '^pan:' "$dir/pan.log")"
  fi
}

# -O0: compiling pan costs more than these searches do; one pan serves every check.
build checks -O0
violated=()
warns=()
for c in $checks; do
  verify checks "$(check_number "$c")"
  if [ "$errors" != 0 ]; then
    case " $warn_sites " in
      *" $c "*) warns+=("$c") ;;
      *) violated+=("$c") ;;
    esac
  fi
done

# The measured run is compiled as one would for a real verification
# (SPIN_MEASURE_OPT=-O0 reuses the checks' pan where only the sets matter).
measure_opt="${SPIN_MEASURE_OPT:--O2}"
if [ "$measure_opt" = -O0 ]; then
  verify checks 0
else
  build measure "$measure_opt"
  verify measure 0
fi
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
warn_list=""
for c in "${warns[@]+"${warns[@]}"}"; do
  warn_list="${warn_list:+$warn_list,}\"$c\""
done
faults_json=false
[ "$faults" = 1 ] && faults_json=true
total="$(awk -v a="$t_start" -v b="$t_end" 'BEGIN { printf "%.2f", b - a }')"
printf '{"variant":"%s","faults":%s,"pf":"%s","violated":[%s],"warns":[%s],"states":%s,"seconds":%s,"states_per_second":%s,"total_seconds":%s}\n' \
  "$variant" "$faults_json" "$pf" "$json_list" "$warn_list" "$full_states" "$full_seconds" "$rate" "$total"
exit 0
