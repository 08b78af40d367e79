// What `atslab topo` prints (issue 2): every key of every function for the
// built-in example and for an Intel IPU E2000 machine (spec 2.1) under both
// quirk phases; the quirk phase is the one the quirk ran in (the record), not
// the configured one; the text table carries the same fields; the CLI prints
// the same document.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "../pci/machine_fixture.h"
#include "io/pci_ids.h"
#include "io/topo_report.h"
#include "sim/builders.h"
#include "linux/kernel/fault_inject.h"
#include "io/fault_plan.h"

namespace atslab::io {
namespace ATSLAB_UNITY_ID {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A pci.ids excerpt, so the names in the golden documents do not depend on the machine's pci.ids.
class TopoReport : public ::testing::Test {
 protected:
  void SetUp() override {
    ids_path_ = fs::temp_directory_path() / ("atslab_topo_ids_" + std::to_string(::getpid()) + "_" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::ofstream(ids_path_) << "15b3  Mellanox Technologies\n"
                                "\t101d  MT2892 Family [ConnectX-6 Dx]\n"
                                "\t101e  ConnectX Family mlx5Gen Virtual Function\n"
                                "8086  Intel Corporation\n";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove(ids_path_, ec);
  }
  fs::path ids_path_;
};

// The built-in example (a ConnectX-6 Dx PF with two VFs behind an SMMUv3), every key. The values are
// those of sim::builtin_example's config space and sections 1.3/3.5: the SMMUv3 probe prepared the PF
// with STU 12 (Control STU field 0, kernel ats_stu 12); the default DMA domain's attach enabled ATS on
// the PF and on both VFs (whose enable succeeds because the PF's ats_stu is 12). A VF's ats_stu is never
// written.
const char* kBuiltinGolden = R"([
  {"bdf": "0000:00:01.0", "vendor_id": "0x1b36", "device_id": "0x000c", "kind": "root port", "pf": null,
   "ats_cap_offset": null, "untrusted": false, "external_facing": false, "quirks": [],
   "kernel": {"ats_cap": null, "ats_enabled": false, "ats_stu": 0, "no_ats": false}},
  {"bdf": "0000:01:00.0", "vendor_id": "0x15b3", "device_id": "0x101d", "kind": "PF", "pf": null,
   "sriov": {"initial_vfs": 8, "total_vfs": 8, "num_vfs": 2, "vf_offset": 2, "vf_stride": 1, "vf_device_id": "0x101e"},
   "ats_cap_offset": "0x0100", "ats_invalidate_queue_depth": 32, "ats_page_aligned": true, "ats_stu": 0,
   "ats_enable": true, "ats_control_source": "enumeration", "untrusted": false, "quirks": [],
   "kernel": {"ats_cap": "0x0100", "ats_enabled": true, "ats_stu": 12, "no_ats": false}},
  {"bdf": "0000:01:00.2", "vendor_id": "0x15b3", "device_id": "0x101e", "kind": "VF", "pf": "0000:01:00.0",
   "vf_index": 0, "ats_cap_offset": "0x0100", "ats_invalidate_queue_depth": 32, "ats_page_aligned": true,
   "ats_stu": 0, "ats_enable": true, "ats_control_source": "enumeration", "untrusted": false, "quirks": [],
   "kernel": {"ats_cap": "0x0100", "ats_enabled": true, "ats_stu": 0, "no_ats": false}},
  {"bdf": "0000:01:00.3", "vendor_id": "0x15b3", "device_id": "0x101e", "kind": "VF", "pf": "0000:01:00.0",
   "vf_index": 1, "ats_cap_offset": "0x0100", "ats_invalidate_queue_depth": 32, "ats_page_aligned": true,
   "ats_stu": 0, "ats_enable": true, "ats_control_source": "enumeration", "untrusted": false, "quirks": [],
   "kernel": {"ats_cap": "0x0100", "ats_enabled": true, "ats_stu": 0, "no_ats": false}}
])";

// Drops what the golden documents leave to other tests (names, provenance, defects) after checking
// that those keys are present with the right types.
json core(json doc) {
  for (auto& f : doc) {
    EXPECT_TRUE(f.at("vendor_name").is_string()) << f;
    EXPECT_TRUE(f.at("device_name").is_string()) << f;
    EXPECT_TRUE(f.at("source").is_string()) << f;
    EXPECT_EQ(f.at("config_defects"), json::array()) << f;
    f.erase("vendor_name");
    f.erase("device_name");
    f.erase("source");
    f.erase("config_defects");
  }
  return doc;
}

TEST_F(TopoReport, BuiltinExampleJsonHasEveryKeyWithTheExpectedValue) {
  System s = sim::builtin_example();
  PciIds ids(ids_path_.string());
  json doc = topo_json(s, ids);
  ASSERT_EQ(doc.size(), 4u);
  EXPECT_EQ(doc[1].at("vendor_name"), "Mellanox Technologies");
  EXPECT_EQ(doc[1].at("device_name"), "MT2892 Family [ConnectX-6 Dx]");
  EXPECT_EQ(doc[2].at("device_name"), "ConnectX Family mlx5Gen Virtual Function");
  EXPECT_EQ(core(doc), json::parse(kBuiltinGolden));
}

TEST_F(TopoReport, WithoutPciIdsNamesAreEmptyAndEverythingElseIsTheSame) {
  System s = sim::builtin_example();
  PciIds none("/nonexistent/pci.ids");
  json doc = topo_json(s, none);
  for (const auto& f : doc) {
    EXPECT_EQ(f.at("vendor_name"), "");
    EXPECT_EQ(f.at("device_name"), "");
  }
  EXPECT_EQ(core(doc), json::parse(kBuiltinGolden));
}

// An Intel IPU E2000 PF (8086:1452, revision 0x11 < 0x20) with one VF (8086:1457, Matlack's report),
// behind an SMMUv3.
atslab::test::Machine e2000(policy::QuirkPhase phase, const std::string& plan = "") {
  atslab::test::MachineSpec spec{.iommu = hw::pcie::IommuKind::Smmuv3,
                         .switches = {.no_ats_quirk_phase = phase},
                         .pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x11}};
  if (plan.empty()) {
    atslab::test::Machine m(spec);
    m.enable_vfs(1);
    return m;
  }
  // The fault plan must be in place before boot: build the same machine by hand.
  atslab::test::Machine m({.iommu = spec.iommu, .switches = spec.switches, .pf = {.ats = false, .total_vfs = 0}});
  m.s = System{};
  hw::pcie::RootComplex rc;
  rc.iommu = spec.iommu;
  auto rcid = m.s.hw.pcie.add_root_complex(rc);
  m.port_fn = m.s.hw.pcie.add_root_port(rcid, 1, false);
  m.pf_fn = m.s.hw.pcie.add_function(rcid, m.port_fn, 0, atslab::test::make_pf_config(spec.pf), "test PF");
  m.s.kernel.pci_switches = spec.switches;
  m.s.faults.rules = faults::parse_plan(plan);
  pci::boot(m.s);
  m.enable_vfs(1);
  return m;
}

json e2000_quirks(const char* phase) {
  return json::array({{{"quirk", "quirk_intel_e2000_no_ats"}, {"phase", phase}}});
}

TEST_F(TopoReport, E2000UpstreamShowsTheQuirkInTheFinalPhaseAndTheSiliconsCapability) {
  auto m = e2000(policy::QuirkPhase::Final);
  PciIds ids(ids_path_.string());
  json doc = topo_json(m.s, ids);
  ASSERT_EQ(doc.size(), 3u);  // root port, PF, VF
  const json& pf = doc[1];
  const json& vf = doc[2];
  EXPECT_EQ(pf.at("bdf"), "0000:01:00.0");
  EXPECT_EQ(pf.at("vendor_id"), "0x8086");
  EXPECT_EQ(pf.at("device_id"), "0x1452");
  EXPECT_EQ(pf.at("vendor_name"), "Intel Corporation");
  EXPECT_EQ(pf.at("device_name"), "") << "not in the excerpt";
  EXPECT_EQ(pf.at("kind"), "PF");
  EXPECT_EQ(vf.at("bdf"), "0000:01:00.1");
  EXPECT_EQ(vf.at("device_id"), "0x1457");
  EXPECT_EQ(vf.at("kind"), "VF");
  EXPECT_EQ(vf.at("pf"), "0000:01:00.0");
  for (const json* f : {&pf, &vf}) {
    SCOPED_TRACE(f->at("bdf").get<std::string>());
    // The hardware still has its ATS capability; the kernel's ats_cap was cleared by the FINAL quirk.
    EXPECT_FALSE(f->at("ats_cap_offset").is_null());
    EXPECT_TRUE(f->at("kernel").at("ats_cap").is_null());
    EXPECT_EQ(f->at("kernel").at("no_ats"), false);
    EXPECT_EQ(f->at("ats_enable"), false);
    EXPECT_EQ(f->at("untrusted"), false);
    EXPECT_EQ(f->at("quirks"), e2000_quirks("final"));
  }
  // The SMMUv3 probe could not prepare the quirked PF: its STU stays at reset.
  EXPECT_EQ(pf.at("ats_stu"), 0);
  EXPECT_EQ(pf.at("kernel").at("ats_stu"), 0);
}

TEST_F(TopoReport, E2000WithHeaderQuirksShowsTheHeaderPhaseAndNoAts) {
  auto m = e2000(policy::QuirkPhase::Header);
  PciIds ids(ids_path_.string());
  json doc = topo_json(m.s, ids);
  ASSERT_EQ(doc.size(), 3u);
  for (const json* f : {&doc[1], &doc[2]}) {
    SCOPED_TRACE(f->at("bdf").get<std::string>());
    EXPECT_FALSE(f->at("ats_cap_offset").is_null());
    EXPECT_TRUE(f->at("kernel").at("ats_cap").is_null());
    EXPECT_EQ(f->at("kernel").at("no_ats"), true);
    EXPECT_EQ(f->at("quirks"), e2000_quirks("header"));
  }
}

TEST_F(TopoReport, E2000OfALaterSteppingHasNoQuirk) {
  atslab::test::Machine m({.iommu = hw::pcie::IommuKind::Smmuv3,
                   .pf = {.vendor = 0x8086, .device = 0x1452, .vf_device = 0x1457, .revision = 0x20}});
  m.enable_vfs(1);
  PciIds ids(ids_path_.string());
  for (const auto& f : topo_json(m.s, ids)) EXPECT_EQ(f.at("quirks"), json::array()) << f;
}

// Under the quirk.other_phase fault the quirk runs in the phase it was not declared in; topo reports
// where it ran (the QuirkRan event), not the configured phase.
TEST_F(TopoReport, QuirkPhaseIsThePhaseTheQuirkRanInUnderTheOtherPhaseFault) {
  PciIds ids(ids_path_.string());
  {
    auto m = e2000(policy::QuirkPhase::Final, "quirk.other_phase:always");
    json doc = topo_json(m.s, ids);
    ASSERT_EQ(doc.size(), 3u);
    // Declared FINAL, ran at HEADER: and pci_ats_init then undid it (faults_test pins that).
    EXPECT_EQ(doc[1].at("quirks"), e2000_quirks("header"));
    EXPECT_FALSE(doc[1].at("kernel").at("ats_cap").is_null());
  }
  {
    auto m = e2000(policy::QuirkPhase::Header, "quirk.other_phase:always");
    json doc = topo_json(m.s, ids);
    ASSERT_EQ(doc.size(), 3u);
    // Declared HEADER, deferred to FINAL.
    EXPECT_EQ(doc[1].at("quirks"), e2000_quirks("final"));
    EXPECT_EQ(doc[2].at("quirks"), e2000_quirks("final"));
  }
}

// The text table shows the same fields as the JSON: BDF, vendor:device, kind, PF, ATS offset, queue
// depth, page aligned, STU, Enable, untrusted, quirks with phase, name.
TEST_F(TopoReport, TextTableCarriesTheSameFields) {
  auto m = e2000(policy::QuirkPhase::Final);
  PciIds ids(ids_path_.string());
  std::string text = topo_text(m.s, ids);
  json doc = topo_json(m.s, ids);
  EXPECT_EQ(text.rfind("BDF ", 0), 0u);
  for (const char* col : {"ID", "KIND", "PF", "ATS@", "QDEP", "PA", "STU", "EN", "UNTR", "QUIRKS", "NAME"})
    EXPECT_NE(text.find(std::string(" ") + col), std::string::npos) << col;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);  // header
  for (const auto& f : doc) {
    ASSERT_TRUE(std::getline(in, line));
    SCOPED_TRACE(line);
    std::istringstream cols(line);
    std::string bdf, id, kind;
    cols >> bdf >> id >> kind;
    EXPECT_EQ(bdf, f.at("bdf"));
    EXPECT_EQ("0x" + id.substr(0, 4), f.at("vendor_id"));
    EXPECT_EQ("0x" + id.substr(5), f.at("device_id"));
    if (kind == "root") {
      cols >> kind;  // "root port"
      continue;
    }
    EXPECT_EQ(kind, f.at("kind"));
    std::string pf, ats, qdep, pa, stu, en, untr, quirks;
    cols >> pf >> ats >> qdep >> pa >> stu >> en >> untr >> quirks;
    EXPECT_EQ(pf, f.at("pf").is_null() ? "-" : f.at("pf").get<std::string>().substr(5));
    EXPECT_EQ("0x" + ats, f.at("ats_cap_offset"));
    EXPECT_EQ(qdep, std::to_string(f.at("ats_invalidate_queue_depth").get<int>()));
    EXPECT_EQ(pa, f.at("ats_page_aligned").get<bool>() ? "yes" : "no");
    EXPECT_EQ(stu, "4K");
    EXPECT_EQ(en, "off");
    EXPECT_EQ(untr, "no");
    EXPECT_EQ(quirks, "e2000@final");
    EXPECT_NE(line.find("Intel Corporation"), std::string::npos);
    // A PF's SR-IOV fields on the line below its row (issue 17: InitialVFs shown).
    if (f.contains("sriov")) {
      ASSERT_TRUE(std::getline(in, line));
      const json& v = f.at("sriov");
      EXPECT_EQ(line, fmt::format("    SR-IOV: NumVFs {} of TotalVFs {}, InitialVFs {}, First VF Offset {}, VF Stride {}",
                                  v.at("num_vfs").get<int>(), v.at("total_vfs").get<int>(),
                                  v.at("initial_vfs").get<int>(), v.at("vf_offset").get<int>(),
                                  v.at("vf_stride").get<int>()));
    }
  }
}

// `atslab topo --json` prints that document: parse the CLI's output and compare.
TEST_F(TopoReport, CliJsonIsTheGoldenDocument) {
  std::string cmd = std::string("'") + ATSLAB_BINARY + "' topo --json";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int st = ::pclose(p);
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << out;
  json doc = json::parse(out);
  PciIds system_ids;  // whatever this machine has (possibly nothing): the CLI uses the same
  ASSERT_EQ(doc.size(), 4u);
  EXPECT_EQ(doc[1].at("vendor_name"), system_ids.vendor(0x15b3));
  EXPECT_EQ(doc[1].at("device_name"), system_ids.device(0x15b3, 0x101d));
  EXPECT_EQ(core(doc), json::parse(kBuiltinGolden));
}

TEST_F(TopoReport, CliVfsZeroEnablesNoVf) {
  std::string cmd = std::string("'") + ATSLAB_BINARY + "' topo --json --vfs 0";
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << out;
  json doc = json::parse(out);
  ASSERT_EQ(doc.size(), 2u) << "root port and PF only";
  EXPECT_EQ(doc[1].at("sriov").at("num_vfs"), 0);
}

}  // namespace
}  // namespace ATSLAB_UNITY_ID
}  // namespace atslab::io
