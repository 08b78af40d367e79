// atslab repro: the seed's bug, run under every design variant.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>

#include "command.h"
#include "io/input_error.h"
#include "io/repro_report.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"
#include "kernel_src/tree_info.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "sim/path_repro.h"
#include "sim/seed_repro.h"

namespace {

struct ReproOptions {
  std::string variant = "all";
  bool json = false;
  bool log = false;
  int iterations = 8;
  bool legacy = false;
  std::string scenario = "seed";
  std::string faults;
  uint64_t seed = 1;
  std::string iommu = "smmuv3";
  bool header = false;
  bool vtd_legacy = false;
  std::string driver = "model";
  bool no_reset_iommu = false;
};

std::optional<atslab::hw::pcie::IommuKind> parse_iommu(const std::string& s) {
  using atslab::hw::pcie::IommuKind;
  if (s == "smmuv3") return IommuKind::Smmuv3;
  if (s == "vtd") return IommuKind::Vtd;
  if (s == "amd") return IommuKind::Amd;
  return std::nullopt;
}

atslab::cli::Register reg{
    "repro", "Reproduce the seed's bug (pci_enable_ats failing at attach commit) under every design variant",
    [](CLI::App& sub) {
      auto o = std::make_shared<ReproOptions>();
      sub.add_option("--variant", o->variant,
                     "upstream, series-v3, fail-early, rollback, vtd-style, or all; with --iommu vtd or amd: upstream, "
                     "fail-early or all");
      sub.add_flag("--json", o->json, "Print one JSON document");
      sub.add_flag("--log", o->log, "Print the whole simulated dmesg of each variant");
      CLI::Option* iterations = sub.add_option("--iterations", o->iterations, "iova_stress map/unmap iterations per VFIO round")
          ->check(atslab::cli::Unsigned)->check(CLI::Range(1, 100000));
      sub.add_option("--scenario", o->scenario,
                     "seed (E2000 PF quirked off), enable-failure (healthy PF, the VFs' pci_enable_ats fails by injection) "
                     "prepare-failure (healthy PF, its pci_prepare_ats fails by injection at boot) or reset (healthy PF, the "
                     "VF's VFIO_DEVICE_RESET at each VM start fails pci_enable_ats on the way back, by injection) or always-on "
                     "(scenarios/always-on.yaml: a GPU whose ATS is required, its identity attach's pci_enable_ats failing "
                     "by injection; the VF columns describe the GPU) or iommufd (scenarios/iommufd.yaml: the VFIO cdev path, "
                     "an attach from blocked failing pci_enable_ats by injection, then a replace and a detach; the VF "
                     "columns describe the NIC) or group (scenarios/group.yaml: two functions without ACS in one IOMMU "
                     "group handed to VFIO, the group's attach enabling the first function's ATS and failing the second's "
                     "pci_enable_ats by injection; the VF columns describe the second) or pasid (scenarios/pasid.yaml: a kernel "
                     "driver's PASID attached, reset, remapped and detached on an identity RID, then a second PASID whose "
                     "commit-time pci_enable_ats fails by injection; the VF columns describe the device; with --iommu vtd "
                     "[--vtd-legacy] or amd, the same behind that IOMMU) or nested (scenarios/nested.yaml: "
                     "a guest's vSMMU, the nested attach of its EATS vSTE failing pci_enable_ats by injection, then an IOAS "
                     "unmap, a guest ATC invalidation and a detach; the VF columns describe the NIC) or iommufd-pasid "
                     "(scenarios/iommufd-pasid.yaml: a VMM's PASID attach through the VFIO cdev with the RID blocked, the "
                     "second PASID's pci_enable_ats failing by injection, then an IOAS unmap and its detach; the VF columns "
                     "describe the endpoint)");
      sub.add_option("--faults", o->faults, "Extra fault plan: POINT[:nth=N][:p=P][:step=NAME][:always][:err=-E...],...");
      sub.add_option("--seed", o->seed, "Seed for the fault plan's probabilities")->check(atslab::cli::Unsigned);
      sub.add_option("--iommu", o->iommu,
                     "The root complex's IOMMU driver: smmuv3 (default), vtd or amd. For vtd and amd, 'all' runs "
                     "upstream and fail-early, each with FINAL- and HEADER-phase quirks");
      sub.add_flag("--header-quirks", o->header, "Run the no-ATS quirks in the HEADER phase (Matlack's 2026 fix)");
      sub.add_flag("--vtd-legacy", o->vtd_legacy,
                   "With --iommu vtd: a unit without scalable mode (ATS enabled at context mapping, disabled at clear)");
      atslab::cli::add_driver_option(sub, o->driver);
      sub.add_flag("--no-reset-iommu", o->no_reset_iommu,
                   "Resets as 6.12 does them: no pci_dev_reset_iommu_prepare/done (the 2026 core parks the device on "
                   "its blocking domain across a reset)");
      sub.add_flag("--nr-ats-masters-fastpath", o->legacy,
                   "Run the pre-2026 invalidation design (nr_ats_masters and the devices list) instead of the arrays");
      return [o, iterations]() -> int {
        auto iommu = parse_iommu(o->iommu);
        if (!iommu) throw atslab::InputError("unknown IOMMU '" + o->iommu + "' (expected smmuv3, vtd or amd)");
        const bool smmu = *iommu == atslab::hw::pcie::IommuKind::Smmuv3;
        std::vector<atslab::policy::AtsVariant> variants;
        if (o->variant == "all" && !smmu) {
          variants.assign(atslab::sim::kVtdAmdVariants.begin(), atslab::sim::kVtdAmdVariants.end());
        } else if (o->variant == "all") {
          variants.assign(atslab::policy::kAllVariants.begin(), atslab::policy::kAllVariants.end());
        } else if (auto v = atslab::policy::parse_variant(o->variant)) {
          // The other variants change only the SMMUv3 driver: behind VT-d/AMD their rows would be upstream's.
          if (!smmu && std::find(atslab::sim::kVtdAmdVariants.begin(), atslab::sim::kVtdAmdVariants.end(), *v) ==
                           atslab::sim::kVtdAmdVariants.end())
            throw atslab::InputError("variant '" + o->variant + "' only changes the SMMUv3 driver (with --iommu " +
                                     o->iommu + " use upstream, fail-early or all)");
          variants.push_back(*v);
        } else {
          throw atslab::InputError("unknown variant '" + o->variant +
                                   "' (expected upstream, series-v3, fail-early, rollback, vtd-style or all)");
        }
        if (o->vtd_legacy && *iommu != atslab::hw::pcie::IommuKind::Vtd)
          throw atslab::InputError("--vtd-legacy needs --iommu vtd");
        if (o->legacy && !smmu) throw atslab::InputError("--nr-ats-masters-fastpath needs --iommu smmuv3");
        atslab::sim::ReproOptions ro{.iterations = o->iterations, .legacy_fastpath = o->legacy, .faults = o->faults, .seed = o->seed};
        ro.driver = atslab::cli::driver_arg(o->driver);
        if (o->scenario == "enable-failure")
          ro.scenario = atslab::sim::ReproScenario::EnableFailure;
        else if (o->scenario == "prepare-failure")
          ro.scenario = atslab::sim::ReproScenario::PrepareFailure;
        else if (o->scenario == "reset")
          ro.scenario = atslab::sim::ReproScenario::Reset;
        else if (o->scenario == "always-on")
          ro.scenario = atslab::sim::ReproScenario::AlwaysOn;
        else if (o->scenario == "iommufd")
          ro.scenario = atslab::sim::ReproScenario::Iommufd;
        else if (o->scenario == "group")
          ro.scenario = atslab::sim::ReproScenario::Group;
        else if (o->scenario == "pasid") {
          ro.scenario = atslab::sim::ReproScenario::Pasid;
          if (ro.driver == atslab::policy::Driver::Source && *iommu != atslab::hw::pcie::IommuKind::Smmuv3)
            throw atslab::InputError("--scenario pasid --driver source runs behind an SMMUv3 only (the tree's VT-d and "
                                     "AMD-Vi drivers are not built): run it without --driver source");
        }
        else if (o->scenario == "sva") {
          ro.scenario = atslab::sim::ReproScenario::Sva;  // --driver source: the tree's arm-smmu-v3-sva.c
          if (ro.driver == atslab::policy::Driver::Source && atslab::kernel_src::smmuv3::built() &&
              !atslab::kernel_src::smmuv3::has_sva())
            throw atslab::InputError("--scenario sva: this tree's arm-smmu-v3-sva.c is not built (the stand-ins serve "
                                     "6.12's form and 7.2's): run it without --driver source");
        }
        else if (o->scenario == "nested") {
          ro.scenario = atslab::sim::ReproScenario::Nested;
          if (ro.driver == atslab::policy::Driver::Source && atslab::kernel_src::smmuv3::built() &&
              !atslab::kernel_src::smmuv3::has_vsmmu())  // --driver source: the tree's arm-smmu-v3-iommufd.c (7.2)
            throw atslab::InputError("--scenario nested: nesting runs on atslab's own SMMUv3 driver only (the tree's "
                                     "arm-smmu-v3-iommufd.c is not built): run it without --driver source");
        }
        else if (o->scenario == "iommufd-pasid") {
          ro.scenario = atslab::sim::ReproScenario::IommufdPasid;
          if (ro.driver == atslab::policy::Driver::Source && atslab::kernel_src::smmuv3::built() &&
              !atslab::kernel_src::smmuv3::has_iommufd_pasid())
            throw atslab::InputError("--scenario iommufd-pasid: iommufd's PASID attach (Linux 6.13 and later) runs on atslab's "
                                     "own SMMUv3 driver only: run it without --driver source");
        }
        else if (o->scenario != "seed")
          throw atslab::InputError("unknown scenario '" + o->scenario +
                                   "' (expected seed, enable-failure, prepare-failure, reset, always-on, iommufd, group, pasid, sva, "
                                   "nested or iommufd-pasid)");
        // A path of issue 18 is a scenario of its own: SMMUv3 only, and nothing of the seed's loop to tune.
        const bool path = !atslab::sim::path_description(ro.scenario).empty();
        if (path && !atslab::sim::path_runs_behind(ro.scenario, *iommu))
          throw atslab::InputError("--scenario " + o->scenario +
                                   " runs behind an SMMUv3 only (behind vtd and amd: seed, enable-failure, "
                                   "prepare-failure, reset and pasid)");
        if (path && (o->header || iterations->count()))
          throw atslab::InputError("--scenario " + o->scenario + " takes neither --header-quirks nor --iterations");
        // Accepted silently where nothing resets, it would read as "checked, and 6.12's resets change nothing".
        if (o->no_reset_iommu && ro.scenario != atslab::sim::ReproScenario::Reset && !atslab::sim::path_resets(ro.scenario))
          throw atslab::InputError("--no-reset-iommu: --scenario " + o->scenario +
                                   " runs no reset in the model, so it would change nothing (the reset, pasid, iommufd and "
                                   "nested scenarios do; the group path's repro opens no device fd: scenarios/group-fd.yaml "
                                   "resets through one)");
        ro.reset_iommu = !o->no_reset_iommu;
        // With the tree's SMMUv3 driver the core resets as the tree's kernel does (cli::drive_with): 6.12's
        // resets leave the IOMMU alone, whatever the model's default.
        if (ro.driver == atslab::policy::Driver::Source && atslab::kernel_src::smmuv3::built()) {
          const bool tree = atslab::kernel_src::tree_has_pci_dev_reset_iommu();
          if (o->no_reset_iommu && tree)
            throw atslab::InputError("--no-reset-iommu with --driver source: this tree's kernel parks the device for a reset "
                                     "(pci_dev_reset_iommu_prepare), and the core runs as the tree's kernel has it");
          ro.reset_iommu = tree;
        }
        atslab::faults::parse_plan(o->faults);  // bad plans are refused before anything runs
        std::vector<atslab::sim::ReproResult> results;
        // Behind VT-d/AMD the quirk phase is part of the comparison: both phases unless one was asked for.
        std::vector<bool> phases = {o->header};
        if (!smmu && !path && o->variant == "all" && !o->header) phases = {false, true};
        for (bool header : phases)
          for (auto v : variants) {
            atslab::sim::ReproOptions run = ro;
            run.iommu = *iommu;
            run.header_quirks = header;
            run.vtd_legacy = o->vtd_legacy;
            results.push_back(atslab::sim::run_seed_repro(v, run));
          }
        if (o->json) {
          auto j = atslab::io::repro_json(results);
          // The same shape for every scenario; its description names the one that ran.
          if (ro.scenario == atslab::sim::ReproScenario::Reset)
            j["scenario"] = "reset: healthy PF, the VF's VFIO_DEVICE_RESET at each VM start fails pci_enable_ats on the way back";
          if (path) j["scenario"] = std::string(atslab::sim::path_description(ro.scenario));
          j["driver"] = atslab::cli::driver_json(ro.driver, smmu);
          std::cout << j.dump(2) << "\n";
        } else {
          std::cout << atslab::cli::driver_banner(ro.driver, smmu) << atslab::io::repro_text(results, o->log);
        }
        return 0;
      };
    }};

}  // namespace
