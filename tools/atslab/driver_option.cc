// --driver model|source, shared by the commands that run the kernel.
#include "command.h"

#include <algorithm>
#include <string>

#include "io/input_error.h"
#include "io/scenario.h"
#include "sim/explore.h"
#include "sim/op_kinds.h"
#include "kernel_src/smmuv3/iommu_driver.h"
#include "kernel_src/tree_info.h"

namespace atslab::cli {

CLI::Option* add_driver_option(CLI::App& sub, std::string& text) {
  return sub.add_option("--driver", text,
                 "model (default: atslab's own reading of the kernel) or source (the kernel tree's own "
                 "drivers/pci/ats.c, compiled in; atslab --version names the tree)");
}

policy::Driver driver_arg(const std::string& text) {
  if (auto d = policy::parse_driver(text)) return *d;
  throw InputError("unknown driver '" + text + "' (expected model or source)");
}

std::string driver_banner(policy::Driver d, bool smmuv3_machine) {
  return d == policy::Driver::Source ? kernel_src::driver_line(d, smmuv3_machine) + "\n" : "";
}

void check_source_runs(const io::Scenario& sc, policy::Driver d, bool compare) {
  if (d != policy::Driver::Source) return;
  const std::string remedy = compare ? "compare-drivers has nothing of the tree's to compare it with (run, stress and "
                                       "explore run it on the model)"
                                     : "run it without --driver source";
  // PASIDs run on the tree's ats.c (CONFIG_PCI_PASID) and SMMUv3 driver; the tree's VT-d and AMD-Vi
  // drivers are not built, and atslab's own are the 2026 ones (blocked domains' set_dev_pasid).
  if (sim::uses_pasid(sc.workload) && !io::only_smmuv3(sc))
    throw InputError(sc.path + ": its workload attaches PASIDs behind VT-d or AMD-Vi, whose drivers only atslab's "
                     "model has (the tree's intel and amd drivers are not built): " + remedy);
  // SVA runs on the tree's arm-smmu-v3-sva.c (CONFIG_ARM_SMMU_V3_SVA, 6.12's form or 7.2's); without the
  // tree's SMMUv3 driver built, --driver source keeps atslab's SMMUv3 driver, whose SVA is its own.
  if (sim::uses_sva(sc.workload) && kernel_src::smmuv3::built() && !kernel_src::smmuv3::has_sva())
    throw InputError(sc.path + ": its workload binds a process (SVA), and this tree's arm-smmu-v3-sva.c is not built "
                     "(the stand-ins serve 6.12's form and 7.2's): " + remedy);
  // iommufd's PASID attach (VFIO_DEVICE_ATTACH_PASID) is 6.13's and later: it runs on a tree whose driver
  // allocates HWPTs for PASIDs (7.2); the default tree, 6.12, has none.
  if (sim::uses_iommufd_pasid(sc.workload) && kernel_src::smmuv3::built() && !kernel_src::smmuv3::has_iommufd_pasid())
    throw InputError(sc.path + ": its workload attaches PASIDs through iommufd (VFIO_DEVICE_ATTACH_PASID, Linux 6.13 and "
                     "later), which only atslab's own SMMUv3 driver runs: " + remedy);
  // Finding 26's second road: without IDR0.CD2L the tree's linear CD table holds 1024 CDs at most,
  // and its arm_smmu_get_cd_ptr indexes past it for a larger PASID, writing outside its
  // dma_alloc_coherent buffer, which is this process's heap (the model runs it; iommu_ops.cc
  // refuses such an attach at the call too, for the PASIDs a stress run draws).
  if (kernel_src::smmuv3::built() &&
      std::any_of(sc.smmus.begin(), sc.smmus.end(), [](const io::SmmuSpec& m) { return !m.cd2l && m.ssid_bits > 10; }))
    for (const sim::Op& op : sc.workload)
      if (sim::uses(op.kind, sim::OpField::Pasid) && op.pasid >= 1024)
        throw InputError(sc.path + ": its workload attaches PASID " + std::to_string(op.pasid) +
                         ", past the 1024 CDs of the tree's linear CD table on an SMMU without CD2L (finding 26's "
                         "second road): the tree would write outside its buffer, in this process: " + remedy);
  // Nesting runs on the tree's arm-smmu-v3-iommufd.c where it is built (a 7.2 tree); 6.12 has no vSMMU.
  if (sim::uses_nesting(sc.workload) && kernel_src::smmuv3::built() && !kernel_src::smmuv3::has_vsmmu())
    throw InputError(sc.path + ": its workload gives a guest a vSMMU (nested HWPTs), which only atslab's own SMMUv3 "
                     "driver runs (6.12 has no vSMMU, 7.2's arm-smmu-v3-iommufd.c is not built): " + remedy);
}

void drive_with(io::Scenario& sc, policy::Driver d) {
  sc.driver = d;
  // 6.12's resets leave the IOMMU alone, whatever the file says for the model's 2026 core. (With
  // atslab's own SMMUv3 driver, the 2026 one, the file's core stays: only ats.c is the tree's.)
  if (d == policy::Driver::Source && kernel_src::smmuv3::built()) {
    sc.pci_dev_reset_iommu = kernel_src::tree_has_pci_dev_reset_iommu();
    sc.warn_reset_unaware = kernel_src::tree_version_at_least(6, 13);  // its pci.c's "resetting" lines
  }
}

nlohmann::json driver_json(policy::Driver d, bool smmuv3_machine) {
  if (d == policy::Driver::Model) return {{"kind", "model"}};
  const auto t = kernel_src::tree();
  return {{"kind", "source"}, {"linux", std::string(t.version)}, {"tree", std::string(t.origin)},
          {"files", kernel_src::files_run(smmuv3_machine)}};
}

}  // namespace atslab::cli
