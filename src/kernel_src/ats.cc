#include "kernel_src/ats.h"

#include <type_traits>

#include "kernel_src/include/atslab/kernel_abi.h"
#include "kernel_src/kernel_call.h"
#include "kernel_src/pci_dev_mirror.h"
#include "linux/kernel/fault_inject.h"
#include "linux/kernel/printk.h"
#include "linux/pci/access.h"
#include "linux/system.h"

// The tree's own functions (drivers/pci/ats.c, compiled by cmake/KernelTree.cmake).
extern "C" {
void pci_ats_init(struct pci_dev* dev);
bool pci_ats_supported(struct pci_dev* dev);
int pci_prepare_ats(struct pci_dev* dev, int ps);
int pci_enable_ats(struct pci_dev* dev, int ps);
void pci_disable_ats(struct pci_dev* dev);
void pci_restore_ats_state(struct pci_dev* dev);
int pci_ats_queue_depth(struct pci_dev* dev);
int pci_ats_page_aligned(struct pci_dev* dev);
// CONFIG_PCI_PASID (linux/kconfig.h)
void pci_pasid_init(struct pci_dev* dev);
int pci_enable_pasid(struct pci_dev* dev, int features);
void pci_disable_pasid(struct pci_dev* dev);
void pci_restore_pasid_state(struct pci_dev* dev);
int pci_max_pasids(struct pci_dev* dev);
int pci_pasid_features(struct pci_dev* dev);
}

namespace atslab::kernel_src {

using kernel::Frame;
using kernel::KFn;

namespace {

// One call into the tree: the System it acts on, the structs filled from it, the
// fields written back afterwards.
template <typename Fn>
auto call(System& s, pci::DevId dev, Fn&& fn) {
  KernelCall k(s);
  PciDevMirror m(s, dev);
  if constexpr (std::is_void_v<decltype(fn(m.get()))>) {
    fn(m.get());
    m.save(s);
  } else {
    auto r = fn(m.get());
    m.save(s);
    return r;
  }
}

}  // namespace

void ats_init(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_ats_init);
  call(s, dev, [](pci_dev* p) { ::pci_ats_init(p); });
  s.record.event(kernel::EventKind::PciAtsInit, dev, pci::pdev(s, dev).ats_cap);
}

bool ats_supported(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_ats_supported);
  return call(s, dev, [](pci_dev* p) { return ::pci_ats_supported(p); });
}

bool ats_supported_value(const System& s, pci::DevId dev) {
  KernelCall k(s);
  PciDevMirror m(s, dev);
  return ::pci_ats_supported(m.get());
}

int prepare_ats(System& s, pci::DevId dev, int ps) {
  Frame f(s, KFn::pci_prepare_ats);
  // The fault point decides before the tree's code runs, as in the model (src/linux/pci/ats.cc).
  if (auto err = faults::inject(s, faults::Point::PciPrepareAts)) return *err;
  return call(s, dev, [ps](pci_dev* p) { return ::pci_prepare_ats(p, ps); });
}

int enable_ats(System& s, pci::DevId dev, int ps) {
  Frame f(s, KFn::pci_enable_ats);
  if (auto err = faults::inject(s, faults::Point::PciEnableAts)) return *err;
  return call(s, dev, [ps](pci_dev* p) { return ::pci_enable_ats(p, ps); });
}

void disable_ats(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_disable_ats);
  call(s, dev, [](pci_dev* p) { ::pci_disable_ats(p); });
}

void restore_ats_state(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_restore_ats_state);
  call(s, dev, [](pci_dev* p) { ::pci_restore_ats_state(p); });
}

int ats_queue_depth(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_ats_queue_depth);
  return call(s, dev, [](pci_dev* p) { return ::pci_ats_queue_depth(p); });
}

int ats_page_aligned(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_ats_page_aligned);
  return call(s, dev, [](pci_dev* p) { return ::pci_ats_page_aligned(p); });
}

// The PASID half. The SMMUv3 driver built from the tree calls the tree's pci_enable_pasid on its
// own struct pci_dev; these are the PCI core's and atslab's other drivers' way in.
void pasid_init(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_pasid_init);
  call(s, dev, [](pci_dev* p) { ::pci_pasid_init(p); });
}

int enable_pasid(System& s, pci::DevId dev, int features) {
  Frame f(s, KFn::pci_enable_pasid);
  return call(s, dev, [features](pci_dev* p) { return ::pci_enable_pasid(p, features); });
}

void disable_pasid(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_disable_pasid);
  call(s, dev, [](pci_dev* p) { ::pci_disable_pasid(p); });
}

void restore_pasid_state(System& s, pci::DevId dev) {
  Frame f(s, KFn::pci_restore_pasid_state);
  call(s, dev, [](pci_dev* p) { ::pci_restore_pasid_state(p); });
}

int max_pasids(System& s, pci::DevId dev) {
  return call(s, dev, [](pci_dev* p) { return ::pci_max_pasids(p); });
}

int pasid_features(System& s, pci::DevId dev) {
  return call(s, dev, [](pci_dev* p) { return ::pci_pasid_features(p); });
}

namespace {

// A PF and its VF as struct pci_dev, for the probes below; freed with the pair.
struct ProbePair {
  pci_dev* pf = atslab_pci_dev_alloc();
  pci_dev* vf = atslab_pci_dev_alloc();
  ProbePair(uint16_t pf_ats_cap, uint8_t pf_stu) {
    atslab_pci_fields f{};
    f.dev = 0, f.is_physfn = true, f.ats_cap = pf_ats_cap, f.ats_stu = pf_stu;
    atslab_pci_dev_load(pf, &f, nullptr);
    atslab_pci_fields v{};
    v.dev = 1, v.is_virtfn = true, v.ats_cap = 0x100;
    atslab_pci_dev_load(vf, &v, pf);
  }
  ~ProbePair() {
    atslab_pci_dev_free(vf);
    atslab_pci_dev_free(pf);
  }
  ProbePair(const ProbePair&) = delete;
  ProbePair& operator=(const ProbePair&) = delete;
};

}  // namespace

bool tree_ats_supported_asks_pf() {
  const System s;
  KernelCall k(s);
  ProbePair p(/*pf_ats_cap=*/0, /*pf_stu=*/0);
  return !::pci_ats_supported(p.vf);
}

bool tree_prepare_ats_checks_vf_stu() {
  const System s;
  KernelCall k(s);
  ProbePair p(/*pf_ats_cap=*/0x100, /*pf_stu=*/12);
  return ::pci_prepare_ats(p.vf, 13) != 0;
}

}  // namespace atslab::kernel_src
