#pragma once
// Differential testing of the two drivers (issue 15): the same seeded
// workloads on one scenario, under atslab's model configured as the kernel
// tree is (6.12: variant upstream, the nr_ats_masters invalidation design,
// PF-aware pci_ats_supported, no VF STU check) and under the tree's own code
// (--driver source), compared step by step on what both can be asked: the
// operation drawn and its return, the commands each SMMU received in order,
// the STEs as the SMMU holds them after the step (valid, config, EATS: the
// tables' addresses differ by design), the WARN sites with their call traces,
// the dev_err lines, and the invariant verdicts.
#include <cstdint>
#include <string>
#include <vector>

#include "io/scenario.h"
#include "policy/ats_variant.h"
#include "sim/workloads.h"

namespace atslab::sim {

struct CompareOptions {
  uint64_t first_seed = 1;
  unsigned seeds = 10;  // runs: seeds first_seed .. first_seed + seeds - 1
  size_t ops = 50;      // random operations per run, after the workload's set-up
  // The design the model runs (on 6.12's base) and the tree is expected to be: upstream for an
  // unchanged tree, another for a copy edited by scripts/kernel-tree/design-*.sh. Both runs
  // take it (it also steers atslab's VT-d and AMD drivers, which run under both).
  policy::AtsVariant variant = policy::AtsVariant::Upstream;
  // The stress workload both runs draw from (sim/workloads.h): the PASID scenarios take pasid.
  Workload workload = Workload::Mixed;
};

struct Disagreement {
  uint64_t seed = 0;
  size_t step = 0;      // 0: boot; then the operations in order
  std::string op;       // the model's operation at that step
  std::string what;     // "op", "ret", "commands", "attach phases", "ste", "warn", "dev_err", "verdicts"
  std::string model, source;
};

struct CompareResult {
  unsigned runs = 0, agree = 0;
  // The first step at which each kind of observation differs, per run (a later difference of the
  // same kind is usually the first one's consequence).
  std::vector<Disagreement> disagreements;
};

// The model's configuration for a tree: what compare-drivers runs the model with, asked of the
// tree's code (kernel_src::tree_ats_supported_asks_pf and kin): the PCI switches its ats.c
// implies (a design script's VF STU check included) and the SMMUv3 driver's version switches.
io::Scenario model_as_tree(io::Scenario sc);

// What the scenario asks of the model that the tree's code does not have (a 2026 HEADER quirk
// phase, the fix sketches' switches), one line each: the model runs them and the tree does not,
// so a difference they cause is expected, not a finding (docs/kernel-source.md).
// `tree_smmuv3` false: the SMMUv3 driver is atslab's (a build without the tree's), whose own
// switches (fix sketches 13a, 13b) are then no one else's to lack.
std::vector<std::string> model_only_switches(const io::Scenario& sc, bool tree_smmuv3 = true);

CompareResult compare_drivers(const io::Scenario& sc, const CompareOptions& opt);

}  // namespace atslab::sim
