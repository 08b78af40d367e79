#pragma once
// What the simulated kernel said and did: dmesg lines, WARN splats and a
// machine-readable event stream. This is history, not state: System equality
// and hashing ignore it, so two runs reaching the same state are one state.
#include <cstdint>
#include <string>
#include <vector>

#include "linux/kernel/kfunc.h"

namespace atslab::kernel {

enum class Level : uint8_t { Err, Warning, Info, Debug };

struct LogLine {
  uint64_t seq = 0;
  Level level = Level::Info;
  std::string text;  // as dmesg shows it after the timestamp
};

struct Warning {
  uint64_t seq = 0;
  KFn function{};             // where the WARN fired
  std::string file;           // kernel source file, e.g. drivers/pci/ats.c
  int line = 0;               // 0 when the model does not pin a line number
  std::string condition;      // the WARN_ON expression
  std::vector<KFn> call_trace;  // innermost first, as the kernel prints it
  uint16_t cpu = 0;
  std::string comm;           // the task that hit it
};

// Machine-readable history, for tests, traces and reports.
enum class EventKind : uint8_t {
  FixupEarly, FixupHeader, FixupFinal,  // a fixup phase ran for dev
  QuirkRan,        // a = quirk id (pci::QuirkId), b = phase (pci::FixupPhase)
  PciAtsInit,      // a = ats_cap found (0 = none or refused)
  DeviceAdd,       // device_add(): the bus notifier runs from here
  IommuProbe,      // a = pci_ats_supported() at probe
  IommuRelease,    // a = pci_ats_supported() at release
  IommuProbeFailed,  // a = the error (after the driver's probe succeeded, e.g. the default domain failed)
  DriverBind,      // a = driver kind
  DeviceDel,
  ConfigWrite,     // a = offset, b = width << 32 | value
  SriovEnable,     // a = number of VFs
  SriovDisable,
  SteWrite,        // dev = smmu, a = StreamID, b = qword 1 (EATS, S1DSS) of the new STE
  SmmuCommand,     // dev = smmu, a = opcode, b = StreamID (ATC_INV/CFGI) or ASID/VMID (TLBI)
  // dev = smmu: the range of the ATC_INV recorded just before (SmmuCommand): a = G << 33 | SSV << 32
  // | SSID, b = Address | SIZE (the address is 4 KiB aligned, SIZE its low 6 bits: log2 of the pages)
  AtcInvRange,
  AtcInvToAtsDisabled,  // dev = hw FnId: an ATC_INV reached an endpoint whose ATS is disabled; a = StreamID, b = from an invalidation array
  CmdSyncTimeout,  // dev = smmu: CERROR 3, ATC invalidate timeout
  AtsEnableFailed, // dev = pci dev, a = pci_enable_ats's return
  RcuUseAfterFree, // dev = invs slot: a reader loaded an array already reclaimed
  FaultInjected,   // dev = faults::Point, a = the point's call number
  UseAfterFree,    // dev = pci dev whose kernel code touched freed memory; a = the object's id (see BugReport)
  VtdQiDesc,       // dev = VT-d unit: a descriptor on the invalidation queue; a, b as vtd::QiDesc encodes them
  AmdCommand,      // dev = AMD IOMMU: a command on the command buffer; a, b as amd::Cmd encodes them
  VtdContextWrite, // dev = VT-d unit: a legacy context entry written; a = RID, b = present << 8 | TT
  InterleaveBegin, // dev = CPU: another CPU's operation starts at an interleaving point; a = kernel::PreemptPoint
  InterleaveEnd,   // dev = CPU: ... and has finished; a = its return value
  AttachPrepareBegin,  // dev = pci dev: arm_smmu_attach_prepare entered
  AttachPrepareEnd,    // dev = pci dev: ... returned a
  AttachCommitEnd,     // dev = pci dev: arm_smmu_attach_commit returned a
  DeviceDma,       // dev = hw FnId: the device's DMA; a = IOVA, b = the PA it reached, or -1 when refused
  AtsTranslation,  // dev = hw FnId: a bare Translation Request; a = IOVA, b = the PA cached, or -1 when refused
  StaleAtcUse,     // dev = hw FnId: a DMA went through an ATC entry the SMMU would no longer give; a = IOVA, b = the stale PA
  // The barriers of invariant 22 and what they order. The model runs sequentially consistent,
  // so ordering is checked as the order in which the driver executes these.
  IopteWrite,      // dev = smmu domain: arm_smmu_unmap_pages cleared IOPTEs; a = IOVA, b = size
  SmpMb,           // dev = CPU: smp_mb() executed
  DmaWmb,          // dev = smmu: dma_wmb() executed (arm_smmu_write_entry, before an STE/CD write)
  InvsLoad,        // dev = smmu domain: an invalidator loaded domain->invs; a = the slot
  NrAtsMastersRead,  // dev = smmu domain: an invalidator read nr_ats_masters (pre-invs design); a = its value
  InvsPublish,     // dev = smmu domain: rcu_assign_pointer(domain->invs, slot a) by an attach
  NrAtsMastersInc, // dev = smmu domain: an attach counted an ATS master (nr_ats_masters++); a = its pci dev
};

struct Event {
  uint64_t seq = 0;
  EventKind kind{};
  uint32_t dev = 0;  // pci::DevId, or the hw FnId for ConfigWrite
  int64_t a = 0;
  int64_t b = 0;
};

// A memory-safety report in KASAN's form ("BUG: KASAN: slab-use-after-free in f").
// The model never reuses a freed object's slot, so an access is detected, not a crash.
struct BugReport {
  uint64_t seq = 0;
  std::string bug;              // e.g. "KASAN: slab-use-after-free"
  KFn function{};               // where the bad access happened
  std::string access;           // e.g. "Read of size 2 at device_domain_info 3 (freed)"
  std::vector<KFn> call_trace;  // innermost first
  std::vector<KFn> freed_by;    // KASAN's free track, innermost first
  std::string freed_comm;
  uint16_t cpu = 0;
  std::string comm;
};

// What one fault rule saw: the calls of its point it applied to (within its step, if it names
// one) and how many of them it made fail.
struct FaultTally {
  uint64_t calls = 0, fires = 0;
};

struct Record {
  uint64_t seq = 0;  // advances on every entry; dmesg shows it as microseconds
  std::vector<LogLine> log;
  std::vector<Warning> warnings;
  std::vector<Event> events;
  std::vector<BugReport> bugs;  // KASAN-style reports (use after free)
  std::vector<FaultTally> fault_tallies;  // by index in faults::Injector::rules

  uint64_t next() { return ++seq; }
  void event(EventKind k, uint32_t dev, int64_t a = 0, int64_t b = 0) { events.push_back({next(), k, dev, a, b}); }
};

// A kernel-style dmesg rendering of the log: "[    0.000012] pci 0000:01:00.0: msg".
std::string format_dmesg(const LogLine& l);
// The splat, as the kernel prints it: cut-here line, WARNING: line, call trace, end trace.
std::string format_warning(const Warning& w);
// The KASAN report: BUG line, the access, call trace, the free track.
std::string format_bug(const BugReport& b);
// Every WARN splat and KASAN report of the record, in the order the kernel printed them.
std::string format_splats(const Record& r);

}  // namespace atslab::kernel
