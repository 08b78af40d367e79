// The scenario-to-replay round trip: a scenario that loads runs a few operations (the first
// of its workload, then some drawn from the explorer's alphabet, forced faults included); the
// replay file written for them reads back to the same operations, and running it again gives
// the same steps, return values, WARNs and invariant violations. Anything else aborts.
#include <cstdlib>
#include <cstdio>
#include <fstream>

#include "fuzz_input.h"
#include "io/input_error.h"
#include "io/op_json.h"
#include "io/replay_file.h"
#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/op_kinds.h"
#include "sim/scenario_run.h"
#include "sim/stress.h"

namespace {

using namespace atslab;

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "%s\n", what);
  std::abort();
}
[[noreturn]] void mismatch(const char* what) {
  std::fprintf(stderr, "the round trip changed %s\n", what);
  std::abort();
}

// FNV-1a of the input: the operations drawn depend on every byte.
uint64_t seed_of(const uint8_t* data, size_t size) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

std::vector<sim::Op> some_ops(const io::Scenario& sc, uint64_t seed) {
  std::vector<sim::Op> ops;
  // The workload's first operations, those that stay short (a count of a million is legal, and slow).
  for (const auto& op : sc.workload) {
    if (ops.size() == 6) break;
    if (sim::op_cost(op) <= 16) ops.push_back(op);
  }
  sim::ExploreOptions opt;
  for (size_t p = 0; p < faults::kPointCount; ++p) opt.faults.push_back(static_cast<faults::Point>(p));
  const auto alphabet = sim::explore_alphabet(sc, opt);
  for (int i = 0; i < 10 && !alphabet.empty(); ++i) {
    seed = seed * 6364136223846793005ull + 1442695040888963407ull;
    ops.push_back(alphabet[(seed >> 33) % alphabet.size()]);
  }
  return ops;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::InputFile file(data, size, ".yaml");
  io::Scenario sc;
  try {
    sc = io::load_scenario(file.path());
  } catch (const InputError&) {
    return 0;
  }
  const uint64_t seed = seed_of(data, size);
  const auto variant = sc.variants.at(seed % sc.variants.size());
  const auto ops = some_ops(sc, seed);
  for (const auto& op : ops)
    if (!io::device_problem(sc, op).empty()) finding("an operation drawn for the scenario names a device it does not have");
  const std::string replay_path = file.path() + ".replay.json";
  std::ofstream(replay_path, std::ios::binary | std::ios::trunc) << sim::replay_json(sc, variant, seed, "", ops);
  io::ReplayFile rf;
  try {
    rf = io::load_replay(replay_path);
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    finding("atslab refused a replay file it wrote");
  }
  std::remove(replay_path.c_str());
  if (rf.scenario != sc.path || rf.variant != variant || rf.seed != seed || !rf.faults.empty()) mismatch("the header");
  if (rf.ops.size() != ops.size()) mismatch("the number of operations");
  for (size_t i = 0; i < ops.size(); ++i)
    if (io::op_to_json(rf.ops[i]) != io::op_to_json(ops[i])) mismatch("an operation");
  sim::ScenarioResult a, b;
  try {
    a = sim::run_ops(sc, variant, ops, seed, "");
    b = sim::run_ops(sc, rf.variant, rf.ops, rf.seed, rf.faults);
  } catch (const InputError&) {
    return 0;  // e.g. an lspci dump the scenario names went away; both runs see it the same
  }
  if (a.steps.size() != b.steps.size()) mismatch("the number of steps");
  for (size_t i = 0; i < a.steps.size(); ++i)
    if (a.steps[i].what != b.steps[i].what || a.steps[i].ret != b.steps[i].ret || a.steps[i].cpu1 != b.steps[i].cpu1)
      mismatch("a step");
  if (a.final.record.warnings.size() != b.final.record.warnings.size()) mismatch("the WARNs");
  if (a.violations != b.violations) mismatch("the violations");
  if (!(a.final == b.final)) mismatch("the final state");
  return 0;
}
